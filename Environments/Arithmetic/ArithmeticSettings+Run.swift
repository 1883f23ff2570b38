import Foundation
import Tensor
import NN
import RL
import RunStorage

/// Arithmetic's part of a training run: the supervised warm start, held-out
/// accuracy as training goes, and the closing summary by length.
extension ArithmeticSettings {
    public static var progressColumns: [String] {
        [
            "accuracy", "digit_accuracy", "think_tokens_mean", "carry_think_rate", "plain_think_rate", "episode_think_tokens",
            "episode_think_tokens_correct", "episode_think_tokens_incorrect",
        ]
    }

    public static var curvePanels: [CurvePanel] {
        [CurvePanel(title: "Held-out accuracy (greedy)", column: "accuracy", yLabel: "exact match", unitInterval: true)]
    }

    func evaluate(_ actor: some PolicyNetwork, seed: UInt64, digits: Int, problems: Int? = nil) throws -> ArithmeticEvaluation {
        try ArithmeticEvaluator(config: environment).evaluate(
            actor: actor, seed: seed, problems: problems ?? evalProblems, digits: digits)
    }

    public func accuracyFields(_ result: ArithmeticEvaluation) -> [String: CSVField] {
        [
            "accuracy": .double(result.accuracy),
            "digit_accuracy": .double(result.digitAccuracy),
            "think_tokens_mean": .double(result.thinkTokensPerProblem),
            "carry_think_rate": CSVField(measured: result.carryThinkRate),
            "plain_think_rate": CSVField(measured: result.plainThinkRate),
        ]
    }

    public func heldOutEvaluation(_ actor: some PolicyNetwork, seed: UInt64) throws -> ArithmeticEvaluation {
        try evaluate(actor, seed: seed, digits: evalDigits)
    }

    /// Worked examples with a note exactly where a column carries.
    public func workedExampleRows(rng: inout RNG) -> WorkedExampleRows {
        let set = ArithmeticDemonstrations.dataset(count: demos, config: environment, rng: &rng)
        return WorkedExampleRows(
            observations: Tensor(shape: [set.steps, set.observationSize], scalars: set.observations), masks: set.masks,
            actions: set.actions)
    }

    /// Accuracy by length — every trained length, then 2× and 4× the longest —
    /// with think tokens and where they were spent; also appended to eval.csv.
    public func finish<N: PolicyNetwork>(_ trainer: Trainer<Env, N>, run: RunContext) throws {
        let console = run.console
        let trained = Array(environment.digits)
        var lengths = trained
        for multiple in [2, 4] where !lengths.contains(multiple * evalDigits) { lengths.append(multiple * evalDigits) }
        // The full view is sized for the trained lengths.
        if environment.view == .full { lengths.removeAll { $0 > evalDigits } }
        let rows = try lengths.map { try evaluate(trainer.actor.network, seed: run.seed, digits: $0) }
        // evalDigits is the last trained length, so always in `lengths`.
        let final = rows[trained.count - 1]
        let start = (try? CSVTable(path: run.directory.progress).doubles("accuracy").first).flatMap { $0 }
        console.line("after RL: \(Console.percent(final.accuracy)) exact match on held-out \(evalDigits)-digit problems"
            + (start.map { " (\(Console.percent($0)) before RL: \(String(format: "%+.1f", 100 * (final.accuracy - $0))) points from RL)" } ?? ""))
        console.line("")
        console.line("digits │ accuracy │ think tokens/problem │ think rate: carry cols │ other cols")
        console.line("───────┼──────────┼──────────────────────┼────────────────────────┼───────────")
        for (digits, result) in zip(lengths, rows) {
            let label = trained.contains(digits) ? "\(digits)" : "\(digits)*"
            console.line([
                Console.pad(label, 6), Console.pad(Console.percent(result.accuracy), 8),
                Console.pad(String(format: "%.2f", result.thinkTokensPerProblem), 20),
                Console.pad(result.carryThinkRate.map(Console.percent) ?? "–", 22),
                Console.pad(result.plainThinkRate.map(Console.percent) ?? "–", 10),
            ].joined(separator: " │ "))
        }
        console.line("* longer than any trained problem. \(evalProblems) held-out problems per length, greedy.")
        try EvaluationLog.append(rows.map { Self.evaluationRow($0, stage: "end of training") }, columns: Self.evaluationColumns, to: run.directory)
    }

    public static var defaultThreshold: Threshold { Threshold(metric: "accuracy", value: 0.9) }
    public static var summaryMetrics: [String] {
        ["accuracy", "digit_accuracy", "success_rate", "episodic_return_mean", "think_tokens_mean"]
    }
    public static var unitIntervalMetrics: Set<String> { ["accuracy", "digit_accuracy", "success_rate", "sample_accuracy"] }
}
