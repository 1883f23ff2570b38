/// Environment settings whose task a language-model policy can also learn as
/// text (`--policy transformer`): the text task on the same problems, with
/// the same ranges and held-out split.
public protocol TextTaskSource: EnvironmentSettings {
    associatedtype Task: TextTask
    var textTask: Task { get }
}

extension ArithmeticSettings: TextTaskSource {
    public var textTask: AdditionTextTask { AdditionTextTask(digits: environment.digits) }
}

extension MultiplicationSettings: TextTaskSource {
    public var textTask: MultiplicationTextTask {
        MultiplicationTextTask(digits: environment.digits, multipliers: environment.multiplier)
    }
}
