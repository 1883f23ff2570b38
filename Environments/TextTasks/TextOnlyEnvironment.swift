import RL

extension TaskDefinition {
    /// Whether only the language-model policy learns this task (it has no MLP environment).
    public static var isTextOnly: Bool { Env.self == TextOnlyEnvironment.self }
}

/// The `Env` of a task only the language-model policy learns (countdown):
/// no case, so no value — an MLP run of such a task stops at
/// `makeEnvironment`, which throws, before anything is built.
public enum TextOnlyEnvironment: Environment {
    public var observationSize: Int { switch self {} }
    public var actionCount: Int { switch self {} }
    public mutating func reset(rng: inout RNG) {}
    public func writeObservation(into buffer: UnsafeMutableBufferPointer<Float>) {}
    public func writeActionMask(into mask: UnsafeMutableBufferPointer<Bool>) {}
    public mutating func step(_ action: Int, rng: inout RNG) -> StepOutcome { switch self {} }
    public func episodeSummary() -> EpisodeSummary { switch self {} }

    public init(from decoder: any Decoder) throws {
        throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "a text-only task has no environment state"))
    }
    public func encode(to encoder: any Encoder) throws { switch self {} }
}
