/// One worked example: a prompt and the completion a policy should write.
public struct TextExample: Sendable, Hashable, Codable {
    public var prompt: [Int]
    public var completion: [Int]

    public init(prompt: [Int], completion: [Int]) {
        self.prompt = prompt
        self.completion = completion
    }
}

/// Which format a set of worked examples is written in.
public enum WorkedExampleMix: Sendable, Hashable {
    case direct
    case think
    /// Each example THINK with probability `thinkFraction` (0 or less: none,
    /// 1 or more: all), else DIRECT.
    case mixed(thinkFraction: Double)
}
