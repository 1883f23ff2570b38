import Foundation
import Tensor
import NN
import RL
import Environments

/// The arithmetic environment's part of a run: the supervised warm start,
/// held-out accuracy as training goes, and the closing summary by length.
struct ArithmeticReporting: RunReporting {
    typealias E = ArithmeticEnvironment
    let config: RunConfig
    let evaluator: ArithmeticEvaluator
    /// The longest trained length: where the `accuracy` column is measured.
    let evalDigits: Int

    init(config: RunConfig) {
        self.config = config
        evaluator = ArithmeticEvaluator(config: config.arithmetic.environment)
        evalDigits = config.arithmetic.environment.digits.upperBound
    }

    var settings: RunConfig.ArithmeticSettings { config.arithmetic }

    func evaluate(_ actor: MLP, digits: Int, problems: Int? = nil) throws -> ArithmeticEvaluation {
        try evaluator.evaluate(actor: actor, seed: config.ppo.seed, problems: problems ?? settings.evalProblems, digits: digits)
    }

    func evaluationFields(_ result: ArithmeticEvaluation) -> [String: CSVField] {
        [
            "accuracy": .double(result.accuracy),
            "digit_accuracy": .double(result.digitAccuracy),
            "think_tokens_mean": .double(result.thinkTokensPerProblem),
            "carry_think_rate": CSVField(measured: result.carryThinkRate),
            "plain_think_rate": CSVField(measured: result.plainThinkRate),
        ]
    }

    func prepare(_ trainer: inout PPOTrainer<E>, directory: RunDirectory, console: Console) throws -> [String: CSVField] {
        let before = try evaluate(trainer.actor.network, digits: evalDigits)
        console.line("before training: \(Console.percent(before.accuracy)) exact match on \(settings.evalProblems) held-out \(evalDigits)-digit problems")
        guard settings.demos > 0, settings.bcSteps > 0 else { return evaluationFields(before) }
        var rng = RNG(seed: config.ppo.seed).stream("demos")
        let demos = ArithmeticDemonstrations.dataset(count: settings.demos, config: config.arithmetic.environment, rng: &rng)
        let observations = Tensor(shape: [demos.steps, demos.observationSize], scalars: demos.observations)
        let csv = try CSVWriter(creating: directory.pretrain, columns: ["step", "loss", "demo_accuracy"])
        defer { csv.close() }
        var last = BehaviourCloning.Progress(step: 0, loss: .nan, accuracy: .nan)
        var csvError: (any Error)?
        trainer.flops += BehaviourCloning.fit(
            &trainer.actor.network, observations: observations, masks: demos.masks, actions: demos.actions,
            steps: settings.bcSteps, learningRate: Float(settings.bcLearningRate)
        ) { progress in
            last = progress
            do {
                try csv.append(["step": .int(progress.step), "loss": .double(progress.loss), "demo_accuracy": .double(progress.accuracy)])
            } catch {
                csvError = error
            }
        }
        if let csvError { throw csvError }
        try csv.sync()
        let after = try evaluate(trainer.actor.network, digits: evalDigits)
        console.line(String(
            format: "warm start: %d demos (%d steps), %d Adam steps → loss %.4f, %@ of demo actions; %@ exact match on held-out %d-digit problems",
            settings.demos, demos.steps, settings.bcSteps, last.loss, Console.percent(last.accuracy),
            Console.percent(after.accuracy), evalDigits))
        return evaluationFields(after)
    }

    func extraFields(_ trainer: PPOTrainer<E>, _ metrics: UpdateMetrics, isLast: Bool) throws -> [String: CSVField] {
        var fields: [String: CSVField] = [
            "episode_think_tokens": metrics.episodeMetrics["think_tokens"].map(CSVField.double) ?? .missing
        ]
        guard metrics.update % settings.evalEvery == 0 || isLast else { return fields }
        fields.merge(evaluationFields(try evaluate(trainer.actor.network, digits: evalDigits))) { $1 }
        return fields
    }

    func status(_ metrics: UpdateMetrics, _ fields: [String: CSVField]) -> String {
        let accuracy = fields["accuracy"].flatMap { Double($0.text) }
        return "accuracy \(accuracy.map(Console.percent) ?? "–") │ return \(String(format: "%.3f", metrics.episodicReturnMean))"
    }

    /// Accuracy by length — every trained length, then 2× and 4× the longest —
    /// with think tokens and where they were spent; also appended to eval.csv.
    func finish(_ trainer: PPOTrainer<E>, directory: RunDirectory, console: Console) throws {
        let trained = Array(config.arithmetic.environment.digits)
        var lengths = trained
        for multiple in [2, 4] where !lengths.contains(multiple * evalDigits) { lengths.append(multiple * evalDigits) }
        // The full view is sized for the trained lengths.
        if config.arithmetic.environment.view == .full { lengths.removeAll { $0 > evalDigits } }
        let rows = try lengths.map { try evaluate(trainer.actor.network, digits: $0) }
        let final = rows[lengths.firstIndex(of: evalDigits)!]
        let start = (try? CSVTable(path: directory.progress).doubles("accuracy").first).flatMap { $0 }
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
        console.line("* longer than any trained problem. \(settings.evalProblems) held-out problems per length, greedy.")
        try EvaluationLog.appendArithmetic(rows, stage: "end of training", to: directory)
    }
}
