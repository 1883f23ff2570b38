import Tensor
import NN
import RL
import RunStorage

/// What the reasoning tasks (addition, multiplication) share: a supervised
/// warm start on worked examples before RL, and held-out accuracy measured
/// every few updates. Their settings hold the same five numbers under the
/// same flags, with their own defaults; the checks and the warm start's
/// loop live here once.
public protocol WorkedExampleSettings {
    /// Worked examples for the warm start (0: pure RL).
    var demos: Int { get set }
    /// Full-batch Adam steps of the warm start, and their learning rate.
    var bcSteps: Int { get set }
    var bcLearningRate: Double { get set }
    /// Held-out problems for the `accuracy` column, measured every `evalEvery` updates.
    var evalProblems: Int { get set }
    var evalEvery: Int { get set }
}

extension WorkedExampleSettings {
    /// The five flags, with this task's defaults in their help.
    static func workedExampleOptions(demos: Int, bcSteps: Int, bcLearningRate: String) -> [CommandLineOption<Self>] {
        [
            .integer("demos", \.demos, help: "Worked examples for the supervised warm start; 0 for pure RL (default \(demos))."),
            .integer("bc-steps", \.bcSteps, help: "Full-batch Adam steps of the warm start (default \(bcSteps))."),
            .number("bc-learning-rate", \.bcLearningRate, help: "Learning rate of the warm start (default \(bcLearningRate))."),
            .integer("eval-problems", \.evalProblems, help: "Held-out problems for the accuracy column (default 500)."),
            .integer("eval-every", \.evalEvery, help: "Measure held-out accuracy every this many updates (default 1)."),
        ]
    }

    func validateWorkedExamples() throws(ConfigError) {
        if demos < 0 { throw ConfigError("--demos must be 0 or more, got \(demos)") }
        if demos > 1_000_000 { throw ConfigError("--demos must be at most 1000000, got \(demos)") }
        if bcSteps < 0 { throw ConfigError("--bc-steps must be 0 or more, got \(bcSteps)") }
        if !bcLearningRate.isFinite || bcLearningRate <= 0 {
            throw ConfigError("--bc-learning-rate must be a positive finite number, got \(bcLearningRate)")
        }
        if evalProblems <= 0 { throw ConfigError("--eval-problems must be a positive integer, got \(evalProblems)") }
        if evalEvery <= 0 { throw ConfigError("--eval-every must be a positive integer, got \(evalEvery)") }
    }

    /// Behaviour cloning of the worked examples' actions for `bcSteps`
    /// steps, one `pretrain.csv` row per step; the last step's progress, or
    /// nil when Ctrl-C stopped it mid-way (the run then keeps nothing of it).
    func cloneWorkedExamples<E: Environment, N: PolicyNetwork>(
        _ trainer: inout Trainer<E, N>, observations: Tensor, masks: [Bool], actions: [Int], run: RunContext
    ) throws -> BehaviourCloning.Progress? {
        let csv = try CSVWriter(creating: run.directory.pretrain, columns: ["step", "loss", "demo_accuracy"])
        defer { csv.close() }
        var last = BehaviourCloning.Progress(step: 0, loss: .nan, accuracy: .nan)
        var csvError: (any Error)?
        trainer.cloneBehaviour(
            observations: observations, masks: masks, actions: actions,
            steps: bcSteps, learningRate: Float(bcLearningRate), shouldStop: run.shouldStop
        ) { progress in
            last = progress
            do {
                try csv.append(["step": .int(progress.step), "loss": .double(progress.loss), "demo_accuracy": .double(progress.accuracy)])
            } catch {
                csvError = error
            }
        }
        if let csvError { throw csvError }
        if run.shouldStop() { return nil }
        try csv.sync()
        return last
    }
}
