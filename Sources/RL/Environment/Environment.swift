/// What one environment step returns.
public struct StepOutcome: Sendable, Equatable {
    public var reward: Float
    /// The episode reached a terminal state: no value is bootstrapped past it.
    public var terminated: Bool
    /// The episode was cut by a time limit: PPO bootstraps from the value of
    /// the final observation, as if the episode went on.
    public var truncated: Bool

    public init(reward: Float, terminated: Bool = false, truncated: Bool = false) {
        self.reward = reward
        self.terminated = terminated
        self.truncated = truncated
    }

    public var episodeEnded: Bool { terminated || truncated }
}

/// Statistics of one finished episode, reported by the environment.
public struct EpisodeSummary: Sendable, Codable, Equatable {
    public var episodicReturn: Double
    public var length: Int
    public var success: Bool
    /// Environment-specific figures (e.g. `path_efficiency`, `think_tokens`);
    /// a key is absent when it does not apply to this episode.
    public var metrics: [String: Double]

    public init(episodicReturn: Double, length: Int, success: Bool, metrics: [String: Double] = [:]) {
        self.episodicReturn = episodicReturn
        self.length = length
        self.success = success
        self.metrics = metrics
    }
}

/// A single-agent episodic environment with a discrete action space.
///
/// Environments are value types: copying one copies its whole state, which is
/// how checkpoints save it (`Codable`) and how workers own theirs. All
/// randomness comes from the `RNG` the caller passes, so an environment holds
/// no hidden generator.
public protocol Environment: Sendable, Codable {
    /// Floats written by `writeObservation`.
    var observationSize: Int { get }
    /// Number of discrete actions; some may be masked in a given state.
    var actionCount: Int { get }

    /// Starts a new episode.
    mutating func reset(rng: inout RNG)

    /// Writes the current observation into `buffer`, which holds exactly
    /// `observationSize` floats.
    func writeObservation(into buffer: UnsafeMutableBufferPointer<Float>)

    /// Writes `actionCount` flags into `mask` (exactly that many): `true`
    /// where the action is available now.
    func writeActionMask(into mask: UnsafeMutableBufferPointer<Bool>)

    /// Applies an available action.
    mutating func step(_ action: Int, rng: inout RNG) -> StepOutcome

    /// The episode that the last step ended (valid after a step whose outcome
    /// has `episodeEnded`).
    func episodeSummary() -> EpisodeSummary
}
