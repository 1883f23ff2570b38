import Foundation
import Tensor
import NN
import RL
import RunStorage

/// Multiplication's part of a training run: the supervised warm start,
/// held-out accuracy as training goes, and the closing summary (by
/// multiplier, by cap, by length).
extension MultiplicationSettings {
    public static var progressColumns: [String] {
        [
            "accuracy", "digit_accuracy", "think_tokens_mean", "episode_think_tokens",
            "episode_think_tokens_correct", "episode_think_tokens_incorrect",
        ]
    }

    public static var curvePanels: [CurvePanel] {
        [CurvePanel(title: "Held-out accuracy (greedy, largest trained cap)", column: "accuracy", yLabel: "exact match", unitInterval: true)]
    }

    /// Greedy evaluation of `actor` on the run's held-out problems.
    func evaluate(
        _ actor: some PolicyNetwork, seed: UInt64, digits: Int, multipliers: ClosedRange<Int>? = nil, cap: Int? = nil,
        problems: Int? = nil, traces: Int = 0
    ) throws -> MultiplicationEvaluation {
        let range = multipliers ?? environment.multiplier
        let set = MultiplicationEvaluator.heldOutProblems(seed: seed, count: problems ?? evalProblems, digits: digits, multipliers: range)
        return try MultiplicationEvaluator.evaluate(
            actor: actor, set, multipliers: range, cap: cap ?? trainedCap, traces: traces, config: environment)
    }

    public func accuracyFields(_ result: MultiplicationEvaluation) -> [String: CSVField] {
        [
            "accuracy": .double(result.accuracy),
            "digit_accuracy": .double(result.digitAccuracy),
            "think_tokens_mean": .double(result.thinkTokensPerProblem),
        ]
    }

    public func heldOutEvaluation(_ actor: some PolicyNetwork, seed: UInt64) throws -> MultiplicationEvaluation {
        try evaluate(actor, seed: seed, digits: evalDigits)
    }

    public func beforeTrainingNote(_ before: MultiplicationEvaluation) -> String? {
        "cap \(trainedCap); the ideal reasoner: \(Console.percent(before.idealAccuracy))"
    }

    /// Worked examples, each under its own cap.
    public func workedExampleRows(rng: inout RNG) -> WorkedExampleRows {
        let set = MultiplicationDemonstrationSet(count: demos, config: environment, rng: &rng)
        return WorkedExampleRows(
            observations: Tensor(shape: [set.steps, set.observationSize], scalars: set.observations), masks: set.masks,
            actions: set.actions)
    }

    /// The caps the closing summary tries: 0 and the doublings up to twice
    /// the largest trained cap.
    var summaryCaps: [Int] {
        var caps = [0], cap = 1
        while cap <= min(2 * max(trainedCap, 1), MultiplicationConfig.maxThinkBudget) {
            caps.append(cap)
            cap *= 2
        }
        return caps
    }

    /// Accuracy and marks by multiplier, by cap and by length (beyond the
    /// trained ones), each beside the ideal reasoner; also appended to eval.csv.
    public func finish<N: PolicyNetwork>(_ trainer: Trainer<Env, N>, run: RunContext) throws {
        let console = run.console, actor = trainer.actor.network
        var rows: [[String: CSVField]] = []
        func log(_ r: MultiplicationEvaluation) { rows.append(Self.evaluationRow(r, stage: "end of training", flops: trainer.flops)) }

        let final = try evaluate(actor, seed: run.seed, digits: evalDigits)
        log(final)
        let start = (try? CSVTable(path: run.directory.progress).doubles("accuracy").first).flatMap { $0 }
        console.line("after RL: \(Console.percent(final.accuracy)) exact match on held-out \(evalDigits)-digit problems, cap \(trainedCap)"
            + (start.map { " (\(Console.percent($0)) before RL: \(String(format: "%+.1f", 100 * (final.accuracy - $0))) points from RL)" } ?? "")
            + "; the ideal reasoner: \(Console.percent(final.idealAccuracy))")
        console.line("")
        console.line("multiplier │ accuracy │ marks/problem │ ideal marks/problem")
        console.line("───────────┼──────────┼───────────────┼────────────────────")
        for m in environment.multiplier {
            let r = try evaluate(actor, seed: run.seed, digits: evalDigits, multipliers: m...m)
            log(r)
            console.line([
                Console.pad("\(m)", 10), Console.pad(Console.percent(r.accuracy), 8),
                Console.pad(String(format: "%.2f", r.thinkTokensPerProblem), 13),
                Console.pad(String(format: "%.2f", r.idealThinkTokensPerProblem), 18),
            ].joined(separator: " │ "))
        }
        console.line("")
        console.line("cap │ accuracy │ ideal reasoner │ marks/problem")
        console.line("────┼──────────┼────────────────┼──────────────")
        for cap in summaryCaps {
            let r = cap == trainedCap ? final : try evaluate(actor, seed: run.seed, digits: evalDigits, cap: cap)
            if cap != trainedCap { log(r) }
            console.line([
                Console.pad(cap > trainedCap ? "\(cap)*" : "\(cap)", 3), Console.pad(Console.percent(r.accuracy), 8),
                Console.pad(Console.percent(r.idealAccuracy), 14), Console.pad(String(format: "%.2f", r.thinkTokensPerProblem), 12),
            ].joined(separator: " │ "))
        }
        console.line("")
        console.line("digits │ accuracy │ ideal reasoner │ marks/problem")
        console.line("───────┼──────────┼────────────────┼──────────────")
        var lengths = Array(environment.digits)
        for multiple in [2, 4] where !lengths.contains(multiple * evalDigits) && multiple * evalDigits <= MultiplicationConfig.maxSupportedDigits {
            lengths.append(multiple * evalDigits)
        }
        for digits in lengths {
            let r = digits == evalDigits ? final : try evaluate(actor, seed: run.seed, digits: digits)
            if digits != evalDigits { log(r) }
            console.line([
                Console.pad(environment.digits.contains(digits) ? "\(digits)" : "\(digits)*", 6), Console.pad(Console.percent(r.accuracy), 8),
                Console.pad(Console.percent(r.idealAccuracy), 14), Console.pad(String(format: "%.2f", r.thinkTokensPerProblem), 12),
            ].joined(separator: " │ "))
        }
        console.line("* beyond training. \(evalProblems) held-out problems each, greedy; the ideal reasoner is the expert held to the same cap.")
        try EvaluationLog.append(rows, columns: Self.evaluationColumns, to: run.directory)
    }

    public static var defaultThreshold: Threshold { Threshold(metric: "accuracy", value: 0.9) }
    public static var summaryMetrics: [String] {
        ["accuracy", "digit_accuracy", "success_rate", "episodic_return_mean", "think_tokens_mean"]
    }
    public static var unitIntervalMetrics: Set<String> { ["accuracy", "digit_accuracy", "success_rate", "ideal_accuracy"] }
}
