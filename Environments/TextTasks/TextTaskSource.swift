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
}

extension ArithmeticSettings: TextTaskSource {
    public var textTask: AdditionTextTask { AdditionTextTask(digits: environment.digits) }
}

extension MultiplicationSettings: TextTaskSource {
    public var textTask: MultiplicationTextTask {
        MultiplicationTextTask(digits: environment.digits, multipliers: environment.multiplier)
    }
}
