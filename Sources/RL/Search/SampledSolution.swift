/// One solution sampled from a policy on a problem: the actions it took,
/// what the environment made of the episode (its `success` is the
/// verifiable reward), the environment as the episode left it, and the
/// learned verifier's score when one scored it.
public struct SampledSolution<Env: Environment>: Sendable {
    public var actions: [Int]
    public var summary: EpisodeSummary
    /// The finished episode (answers, notes, whatever the environment keeps).
    public var final: Env
    /// The verifier's score (log P(right) and the weakest step); nil without one.
    public var verifierScore: VerifierScore?
    /// The observation of every step (steps × observation size), kept only
    /// when asked for: what a verifier is trained on.
    public var observations: [Float]

    public init(actions: [Int], summary: EpisodeSummary, final: Env, verifierScore: VerifierScore? = nil, observations: [Float] = []) {
        self.actions = actions
        self.summary = summary
        self.final = final
        self.verifierScore = verifierScore
        self.observations = observations
    }

    public var isCorrect: Bool { summary.success }
}

/// A policy that samples, or a verifier, asked something impossible of it
/// (an unavailable action, say): one line.
public struct SearchError: Error, CustomStringConvertible, Equatable, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
