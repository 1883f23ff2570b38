import RL

/// Environment settings whose task a language-model policy can also learn as
/// text (`--policy transformer`): the text task on the same problems, with
/// the same ranges and held-out split.
///
/// The language model's greedy held-out evaluation takes the environment's
/// own `--eval-problems` and `--eval-every` (counted in RL steps there).
public protocol TextTaskSource: EnvironmentSettings {
    associatedtype Task: TextTask
    var textTask: Task { get }
    var evalProblems: Int { get set }
    var evalEvery: Int { get set }
    /// Reward subtracted per token of working a completion writes (`--think-cost`).
    var thinkCost: Double { get }
    /// The environment's training flags that a language-model run reads
    /// (the problems' ranges and the evaluation); the others set the MLP
    /// policy's environment and are refused with it.
    static var textTaskFlags: [String] { get }
    /// `rltrain eval`'s flags for a language-model run of this environment.
    func textEvaluationRequest(_ arguments: [String]) throws -> TextEvaluationRequest<Task>
}

extension ArithmeticSettings: TextTaskSource {
    public var textTask: AdditionTextTask { AdditionTextTask(digits: environment.digits) }
    public static var textTaskFlags: [String] { ["--digits", "--think-cost", "--eval-problems", "--eval-every"] }
    public var thinkCost: Double { environment.thinkCost }
}

extension MultiplicationSettings: TextTaskSource {
    public static var textTaskFlags: [String] { ["--digits", "--multiplier", "--think-cost", "--eval-problems", "--eval-every"] }
    public var thinkCost: Double { environment.thinkCost }
    public var textTask: MultiplicationTextTask {
        MultiplicationTextTask(digits: environment.digits, multipliers: environment.multiplier)
    }
}

/// What `rltrain eval` asks of a language-model run, read from the
/// environment's own evaluation flags: held-out problems of one size,
/// greedy or several samples chosen by majority vote, or pass@N (oracle).
public struct TextEvaluationRequest<Task: TextTask>: Sendable {
    /// The task, narrowed to what the flags ask (multiplication's `--multiplier`).
    public var task: Task
    public var problems: Int
    /// Digits per operand (nil: the longest trained).
    public var digits: Int?
    public var search: SearchOptions
    /// Budget forcing: THINK working cut at this many tokens, then the answer forced (nil: none).
    public var thinkBudget: Int?
    public var show: Int
}

extension ArithmeticSettings {
    public func textEvaluationRequest(_ arguments: [String]) throws -> TextEvaluationRequest<AdditionTextTask> {
        let request = try Self.evaluationRequest(arguments)
        return TextEvaluationRequest(task: textTask, problems: request.problems, digits: request.digits,
                                     search: request.search, thinkBudget: request.thinkBudget, show: request.show)
    }
}

extension MultiplicationSettings {
    public func textEvaluationRequest(_ arguments: [String]) throws -> TextEvaluationRequest<MultiplicationTextTask> {
        let request = try Self.evaluationRequest(arguments)
        let task = MultiplicationTextTask(digits: environment.digits, multipliers: request.multiplier ?? environment.multiplier)
        return TextEvaluationRequest(task: task, problems: request.problems, digits: request.digits,
                                     search: request.search, thinkBudget: request.thinkBudget, show: request.show)
    }
}
