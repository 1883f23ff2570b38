import NN
import RL

/// Countdown as rltrain runs it (`config.json` key `countdown`): a text task
/// only, learned by the language-model policy (`--policy transformer`); its
/// flags, defaults, checks and `rltrain eval`'s request. The problems, the
/// moves and the checker are in `CountdownProblem`, the text in
/// `CountdownTextTask`.
public struct CountdownSettings: EnvironmentSettings, TextTaskSource {
    public typealias Env = TextOnlyEnvironment

    /// Numbers given per problem, drawn uniformly from this range.
    public var numbers = CountdownProblem.supportedCounts
    /// How often a THINK worked example tries a play that misses first.
    public var missFraction = 0.5
    public var thinkCost = 0.0
    /// Held-out problems per size in each evaluation during training.
    public var evalProblems = 500
    /// RL steps between those evaluations (and after the last).
    public var evalEvery = 50

    public init() {}

    public static let name = "countdown"
    public static let summary = "reach a target from 3-4 digits with + - *, each used once (language model only: --policy transformer)"

    public static var options: [CommandLineOption<Self>] {
        [
            .value("numbers", \.numbers, valueName: "N or A-B", help: "Numbers given per problem, or a range drawn per problem, within 3-4 (default 3-4).") {
                (text: String) throws(OptionError) in parseRange(text)
            },
            .number("miss-fraction", \.missFraction, help: "Fraction of THINK worked examples that try a play missing the target before the solution (default 0.5)."),
            .number("think-cost", \.thinkCost, help: "Reward subtracted per token of working (default 0)."),
            .integer("eval-problems", \.evalProblems, help: "Held-out problems per size in each evaluation during training (default 500)."),
            .integer("eval-every", \.evalEvery, help: "RL steps between held-out evaluations (default 50)."),
        ]
    }

    static func parseRange(_ text: String) -> ClosedRange<Int>? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        guard (1...2).contains(parts.count), let low = parts.first ?? nil, let high = parts.last ?? nil, low <= high else { return nil }
        return low...high
    }

    public static var textTaskFlags: [String] { options.map(\.flag) }

    public static func adjustDefaults(_ ppo: inout PPOConfig, envsPerWorker: inout Int) {}

    public func validate() throws(ConfigError) {
        let supported = CountdownProblem.supportedCounts
        guard supported.contains(numbers.lowerBound) && supported.contains(numbers.upperBound) else {
            throw ConfigError("--numbers must be within \(supported.lowerBound)-\(supported.upperBound), got \(numbers.lowerBound)-\(numbers.upperBound)")
        }
        guard missFraction.isFinite, (0...1).contains(missFraction) else {
            throw ConfigError("--miss-fraction must be between 0 and 1, got \(missFraction)")
        }
        guard thinkCost.isFinite, thinkCost >= 0 else { throw ConfigError("--think-cost must be a finite number ≥ 0, got \(thinkCost)") }
        guard (1...1_000_000).contains(evalProblems) else {
            throw ConfigError("--eval-problems must be between 1 and 1000000, got \(evalProblems)")
        }
        guard evalEvery >= 1 else { throw ConfigError("--eval-every must be a positive integer, got \(evalEvery)") }
    }

    public var label: String {
        "countdown \(numbers.lowerBound == numbers.upperBound ? "\(numbers.lowerBound)" : "\(numbers.lowerBound)-\(numbers.upperBound)") numbers"
    }

    public func makeEnvironment() throws -> TextOnlyEnvironment {
        throw ConfigError("--env countdown is a text task: train it with --policy transformer")
    }

    public var textTask: CountdownTextTask { CountdownTextTask(numbers: numbers, missProbability: missFraction) }

    // MARK: rltrain eval

    public struct EvaluationRequest: Sendable, Equatable {
        public var problems = 1000
        /// Numbers per problem (nil: the most trained).
        public var numbers: Int? = nil
        /// Tokens of working before the answer is forced (nil: none).
        public var thinkBudget: Int? = nil
        public var search = SearchOptions()
        public var show = 0
        public init() {}
    }

    public static var defaultEvaluation: EvaluationRequest { EvaluationRequest() }

    public static var evaluationOptions: [CommandLineOption<EvaluationRequest>] {
        [
            .integer("problems", \.problems, help: "Countdown: held-out problems to solve (default 1000)."),
            .integer("numbers", \.numbers, help: "Countdown: numbers per problem, 3 or 4 (default: the most trained)."),
            .integer("think-budget", \.thinkBudget, help: "Countdown: tokens of working before the answer is forced (default: none)."),
        ] + SearchOptions.options(\.search, environment: "Countdown") + [
            .integer("show", \.show, help: "Countdown: print this many problems with the chosen completion (default 0)."),
        ]
    }

    public static func validate(_ request: EvaluationRequest) throws(ConfigError) {
        guard (1...10_000_000).contains(request.problems) else {
            throw ConfigError("--problems must be between 1 and 10000000, got \(request.problems)")
        }
        if let n = request.numbers, !CountdownProblem.supportedCounts.contains(n) {
            throw ConfigError("--numbers must be 3 or 4, got \(n)")
        }
        if let budget = request.thinkBudget, budget < 0 {
            throw ConfigError("--think-budget must be 0 or more, got \(budget)")
        }
        // (`rltrain eval` checks every environment's flags before it reads the run: what a
        // language-model run cannot do, a zero budget or a learned verifier, it refuses itself.)
        try request.search.validate()
        guard request.show >= 0 else { throw ConfigError("--show must be 0 or more, got \(request.show)") }
    }

    public func textEvaluationRequest(_ arguments: [String]) throws -> TextEvaluationRequest<CountdownTextTask> {
        let request = try Self.evaluationRequest(arguments)
        return TextEvaluationRequest(task: textTask, problems: request.problems, digits: request.numbers,
                                     search: request.search, thinkBudget: request.thinkBudget, show: request.show)
    }

    /// Countdown runs are language-model runs, evaluated by `textEvaluationRequest`.
    public static var evaluationColumns: [String] { [] }

    public func evaluate(actor: some PolicyNetwork, _ request: EvaluationRequest, run: RunContext) throws {
        throw ConfigError("--env countdown is a text task: only language-model runs evaluate it")
    }

    public static var summaryMetrics: [String] { ["accuracy", "reward_mean", "completion_tokens_mean"] }
    public static var unitIntervalMetrics: Set<String> { ["accuracy", "reward_mean"] }
    public static var defaultThreshold: Threshold { Threshold(metric: "accuracy", value: 0.5) }
}
