import RL

/// Addition with a scratchpad as rltrain runs it: the environment's
/// settings plus the supervised warm start and the held-out accuracy
/// column (`config.json` key `arithmetic`), the flags that set them, the
/// defaults and validation. Training hooks, evaluation and figures are in
/// the `ArithmeticSettings+…` files beside this one.
public struct ArithmeticSettings: ReasoningTaskSettings {
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
            .number("think-cost", \.environment.thinkCost, help: "Reward subtracted per think token (language model: per token of working; default 0)."),
        ] + workedExampleOptions(demos: 300, bcSteps: 1000, bcLearningRate: "1e-3")
    }

    /// The reasoning tasks' recipe, with 400k env steps of RL after the
    /// warm start: the default run learns in seconds.
    public static func adjustDefaults(_ ppo: inout PPOConfig, envsPerWorker: inout Int) {
        reasoningDefaults(&ppo, envsPerWorker: &envsPerWorker, totalTimesteps: 400_000)
    }

    public func validate() throws(ConfigError) {
        try validateTask(environment.validate)
    }

    public var label: String {
        "arithmetic \(ArithmeticConfig.describeDigits(environment.digits)) digits, think budget \(environment.thinkBudgetText)"
    }

    public func makeEnvironment() throws -> ArithmeticEnvironment {
        ArithmeticEnvironment(config: environment)
    }

    /// The longest trained length: where the `accuracy` column is measured.
    public var evalDigits: Int { environment.digits.upperBound }
}
