import Foundation
import Tensor
import NN
import RL
import RunStorage

/// The reasoning-task kit: what a task with a supervised warm start and a
/// held-out accuracy column (addition, multiplication) states, and the run
/// hooks it then gets for free — the warm start logged to pretrain.csv
/// between two held-out evaluations, the accuracy column every
/// `evalEvery` updates, the think-token columns and the status line.
public protocol ReasoningTaskSettings: EnvironmentSettings, WorkedExampleSettings {
    associatedtype Evaluation: HeldOutAccuracy
    /// The operand length the accuracy column is measured at.
    var evalDigits: Int { get }
    /// Greedy accuracy of `actor` on `evalProblems` held-out problems of `evalDigits` digits.
    func heldOutEvaluation(_ actor: some PolicyNetwork, seed: UInt64) throws -> Evaluation
    /// The accuracy columns of progress.csv from one evaluation.
    func accuracyFields(_ result: Evaluation) -> [String: CSVField]
    /// `demos` worked examples as behaviour-cloning rows, drawn from `rng`.
    func workedExampleRows(rng: inout RNG) -> WorkedExampleRows
    /// What the "before training" line adds in parentheses (nil: nothing).
    func beforeTrainingNote(_ before: Evaluation) -> String?
}

/// The one figure every task's evaluation has.
public protocol HeldOutAccuracy {
    /// Exact-match accuracy, in [0, 1].
    var accuracy: Double { get }
}

/// Worked examples flattened into behaviour-cloning rows.
public struct WorkedExampleRows {
    public var observations: Tensor
    public var masks: [Bool]
    public var actions: [Int]
    public var steps: Int { actions.count }

    public init(observations: Tensor, masks: [Bool], actions: [Int]) {
        self.observations = observations
        self.masks = masks
        self.actions = actions
    }
}

extension ReasoningTaskSettings {
    /// The warm start in env-step equivalents for a sweep's ETA (a rough model:
    /// about five steps per demonstration, one env step ≈ 25 rows of one BC step).
    public var warmStartCost: Double { Double(demos * bcSteps) / 5 }

    public func beforeTrainingNote(_ before: Evaluation) -> String? { nil }

    /// The supervised warm start: behaviour cloning on `demos` worked
    /// examples, logged to `pretrain.csv`; row 0 is the held-out accuracy after it.
    public func prepare<N: PolicyNetwork>(_ trainer: inout Trainer<Env, N>, run: RunContext) throws -> [String: CSVField] {
        let before = try heldOutEvaluation(trainer.actor.network, seed: run.seed)
        let note = beforeTrainingNote(before).map { " (\($0))" } ?? ""
        run.console.line("before training: \(Console.percent(before.accuracy)) exact match on \(evalProblems) held-out \(evalDigits)-digit problems\(note)")
        guard demos > 0, bcSteps > 0 else { return accuracyFields(before) }
        var rng = RNG(seed: run.seed).stream("demos")
        let rows = workedExampleRows(rng: &rng)
        // Stopped mid-way: the run keeps nothing of it.
        guard let last = try cloneWorkedExamples(&trainer, observations: rows.observations, masks: rows.masks, actions: rows.actions, run: run)
        else { return [:] }
        let after = try heldOutEvaluation(trainer.actor.network, seed: run.seed)
        run.console.line(String(
            format: "warm start: %d demos (%d steps), %d Adam steps → loss %.4f, %@ of demo actions; %@ exact match on held-out %d-digit problems",
            demos, rows.steps, bcSteps, last.loss, Console.percent(last.accuracy), Console.percent(after.accuracy), evalDigits))
        return accuracyFields(after)
    }

    /// Think tokens per training episode every update, and held-out
    /// accuracy every `evalEvery` updates and after the last.
    public func progressFields<N: PolicyNetwork>(_ trainer: Trainer<Env, N>, _ metrics: UpdateMetrics, isLast: Bool, run: RunContext) throws -> [String: CSVField] {
        var fields: [String: CSVField] = [
            "episode_think_tokens": metrics.episodeMetrics["think_tokens"].map(CSVField.double) ?? .missing,
            "episode_think_tokens_correct": CSVField(measured: metrics.episodeMetrics["think_tokens_correct"]),
            "episode_think_tokens_incorrect": CSVField(measured: metrics.episodeMetrics["think_tokens_incorrect"]),
        ]
        guard metrics.update % evalEvery == 0 || isLast else { return fields }
        fields.merge(accuracyFields(try heldOutEvaluation(trainer.actor.network, seed: run.seed))) { $1 }
        return fields
    }

    public func status(_ metrics: UpdateMetrics, _ fields: [String: CSVField]) -> String {
        let accuracy = fields["accuracy"].flatMap { Double($0.text) }
        return "accuracy \(accuracy.map(Console.percent) ?? "–") │ return \(String(format: "%.3f", metrics.episodicReturnMean))"
    }

    /// The reasoning tasks' recipe: one environment per worker, γ = 1 (a
    /// discount would silently charge every think token), CleanRL's
    /// learning rate and entropy bonus, `totalTimesteps` of RL after the warm start.
    static func reasoningDefaults(_ ppo: inout PPOConfig, envsPerWorker: inout Int, totalTimesteps: Int) {
        ppo.numEnvs = 1
        envsPerWorker = 1
        ppo.totalTimesteps = totalTimesteps
        ppo.gamma = 1
        ppo.learningRate = 2.5e-4
        ppo.entCoef = 0.01
    }

    /// The environment's own checks (as one line), then the warm start's.
    func validateTask(_ environment: () throws -> Void) throws(ConfigError) {
        do {
            try environment()
        } catch {
            throw ConfigError("\(error)")
        }
        try validateWorkedExamples()
    }
}
