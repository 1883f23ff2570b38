import RL

/// Multiplication with tally-mark thinking as rltrain runs it: the
/// environment's settings plus the supervised warm start and the held-out
/// accuracy column (`config.json` key `multiplication`), the flags that set
/// them, the defaults and validation. Training hooks, evaluation and figures
/// are in the `MultiplicationSettings+…` files beside this one.
public struct MultiplicationSettings: ReasoningTaskSettings {
    public typealias Env = MultiplicationEnvironment

    public var environment = MultiplicationConfig()
    /// Worked examples for the supervised warm start (0: pure RL).
    public var demos = 4000
    public var bcSteps = 500
    public var bcLearningRate = 1e-2
    /// Held-out problems for the `accuracy` column: greedy, the longest
    /// trained length, the whole multiplier range, the largest trained cap.
    public var evalProblems = 500
    /// Evaluate every this many updates (and after the last).
    public var evalEvery = 1

    public init() {}

    public static let name = "multiplication"
    public static let summary = "a multi-digit number times a digit, carries kept as tally marks under a think budget"

    static func rangeOption(
        _ name: String, _ keyPath: WritableKeyPath<MultiplicationConfig, ClosedRange<Int>>, valueName: String, help: String,
        parse: @escaping (String) throws -> ClosedRange<Int>
    ) -> CommandLineOption<Self> {
        CommandLineOption(name, valueName: valueName, help: help) { (text: String?, settings: inout Self) throws(OptionError) in
            do {
                settings.environment[keyPath: keyPath] = try parse(text ?? "")
            } catch {
                throw OptionError("--\(name): \(error)")
            }
        }
    }

    public static var options: [CommandLineOption<Self>] {
        [
            rangeOption("digits", \.digits, valueName: "D or A-B", help: "Digits of the multiplicand, or a range drawn per episode (default 1-3).",
                        parse: MultiplicationConfig.parseDigits),
            rangeOption("multiplier", \.multiplier, valueName: "M or A-B", help: "The multiplier (the difficulty), or a range drawn per episode, within 1-9 (default 1-9).",
                        parse: MultiplicationConfig.parseMultiplier),
            rangeOption("think-budget", \.thinkBudget, valueName: "B or A-B", help: "Tally marks allowed per column, or a range of caps drawn per episode, within 0-64 (default 0-16).",
                        parse: MultiplicationConfig.parseThinkBudget),
            .choice("reward", \.environment.reward, help: "Reward: digits (fraction right, at the end) or outcome (1 if all right) (default digits)."),
            .number("think-cost", \.environment.thinkCost, help: "Reward subtracted per tally mark (language model: per token of working; default 0)."),
        ] + workedExampleOptions(demos: 4000, bcSteps: 500, bcLearningRate: "1e-2")
    }

    /// The reasoning tasks' recipe, with 200k env steps of RL after the
    /// warm start (docs/thinking.md: the recipe study).
    public static func adjustDefaults(_ ppo: inout PPOConfig, envsPerWorker: inout Int) {
        reasoningDefaults(&ppo, envsPerWorker: &envsPerWorker, totalTimesteps: 200_000)
    }

    public func validate() throws(ConfigError) {
        try validateTask(environment.validate)
    }

    public var label: String {
        let e = environment
        return "multiplication \(MultiplicationConfig.describe(e.digits)) digits × \(MultiplicationConfig.describe(e.multiplier)), "
            + "think budget \(MultiplicationConfig.describe(e.thinkBudget)) marks per column"
    }

    public func makeEnvironment() throws -> MultiplicationEnvironment {
        MultiplicationEnvironment(config: environment)
    }

    /// The longest trained length and the largest trained cap: where the
    /// `accuracy` column is measured.
    public var evalDigits: Int { environment.digits.upperBound }
    var trainedCap: Int { environment.thinkBudget.upperBound }
}
