import RL

/// Addition with a scratchpad as rltrain runs it: the environment's
/// settings plus the supervised warm start and the held-out accuracy
/// column (`config.json` key `arithmetic`), the flags that set them, the
/// defaults and validation. Training hooks, evaluation and figures are in
/// the `ArithmeticSettings+…` files beside this one.
public struct ArithmeticSettings: EnvironmentSettings, WorkedExampleSettings {
    public typealias Env = ArithmeticEnvironment

    /// Caps drawn per episode from 1–2 (budget forcing): the policy learns to
    /// answer after its one note even where a second is allowed, so any cap
    /// ≥ 1 at evaluation gives the same answers (docs/thinking.md).
    public var environment = ArithmeticConfig(thinkBudget: 2, minThinkBudget: 1)
    /// Worked examples for the supervised warm start (0: pure RL).
    public var demos = 300
    public var bcSteps = 1000
    public var bcLearningRate = 1e-3
    /// Held-out problems for the `accuracy` column, greedy, at the longest trained length.
    public var evalProblems = 500
    /// Evaluate every this many updates (and after the last).
    public var evalEvery = 1

    public init() {}

    public static let name = "arithmetic"
    public static let summary = "multi-digit addition with think tokens, after a supervised warm start"

    public static var options: [CommandLineOption<Self>] {
        [
            CommandLineOption("digits", valueName: "D or A-B", help: "Digits per operand, or a range drawn per episode (default 1-3).") {
                (text: String?, settings: inout ArithmeticSettings) throws(OptionError) in
                do {
                    settings.environment.digits = try ArithmeticConfig.parseDigits(text ?? "")
                } catch {
                    throw OptionError("--digits: \(error)")
                }
            },
            CommandLineOption("think-budget", valueName: "B or A-B", help: "Think tokens allowed per column, or a range of caps drawn per episode; 0 removes thinking (default 1-2).") {
                (text: String?, settings: inout ArithmeticSettings) throws(OptionError) in
                do {
                    try settings.environment.setThinkBudgets(text ?? "")
                } catch {
                    throw OptionError("--think-budget: \(error)")
                }
            },
            .integer("think-symbols", \.environment.thinkSymbols, help: "Distinct note symbols K (default 2)."),
            .choice("view", \.environment.view, help: "Observation: column (the cursor's column only) or full (default column)."),
            .choice("reward", \.environment.reward, help: "Reward: digits (fraction right, at the end) or outcome (1 if all right) (default digits)."),
            .number("think-cost", \.environment.thinkCost, help: "Reward subtracted per think token (default 0)."),
            .integer("demos", \.demos, help: "Worked examples for the supervised warm start; 0 for pure RL (default 300)."),
            .integer("bc-steps", \.bcSteps, help: "Full-batch Adam steps of the warm start (default 1000)."),
            .number("bc-learning-rate", \.bcLearningRate, help: "Learning rate of the warm start (default 1e-3)."),
            .integer("eval-problems", \.evalProblems, help: "Held-out problems for the accuracy column (default 500)."),
            .integer("eval-every", \.evalEvery, help: "Measure held-out accuracy every this many updates (default 1)."),
        ]
    }

    /// The recipe that makes the default run learn in seconds: one
    /// environment per worker, γ = 1 (a discount would silently charge every
    /// think token), 400k env steps after the warm start.
    public static func adjustDefaults(_ ppo: inout PPOConfig, envsPerWorker: inout Int) {
        ppo.numEnvs = 1
        envsPerWorker = 1
        ppo.totalTimesteps = 400_000
        ppo.gamma = 1
        ppo.learningRate = 2.5e-4
        ppo.entCoef = 0.01
    }

    public func validate() throws(ConfigError) {
        do {
            try environment.validate()
        } catch {
            throw ConfigError("\(error)")
        }
        try validateWorkedExamples()
    }

    public var label: String {
        "arithmetic \(ArithmeticConfig.describeDigits(environment.digits)) digits, think budget \(environment.thinkBudgetText)"
    }

    public func makeEnvironment() throws -> ArithmeticEnvironment {
        ArithmeticEnvironment(config: environment)
    }

    /// The longest trained length: where the `accuracy` column is measured.
    var evalDigits: Int { environment.digits.upperBound }
}
