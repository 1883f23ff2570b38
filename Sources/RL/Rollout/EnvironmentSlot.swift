/// One environment together with its two random streams: one for the
/// environment's own draws (resets, problems), one for action sampling.
/// Everything about an environment that a checkpoint must keep.
public struct EnvironmentSlot<E: Environment>: Sendable, Codable {
    public var environment: E
    public var environmentRNG: RNG
    public var actionRNG: RNG

    public init(environment: E, environmentRNG: RNG, actionRNG: RNG) {
        self.environment = environment
        self.environmentRNG = environmentRNG
        self.actionRNG = actionRNG
    }

    // Methods, so that the environment and its stream are two disjoint
    // stored properties of one `inout self` rather than overlapping
    // accesses through the workers' array.
    mutating func step(_ action: Int) -> StepOutcome { environment.step(action, rng: &environmentRNG) }
    mutating func reset() { environment.reset(rng: &environmentRNG) }
}

/// A finished episode, with where and when it ended so that episodes from
/// all workers can be put in one order that does not depend on threading.
struct EpisodeRecord: Sendable, Codable {
    var step: Int
    var env: Int
    var summary: EpisodeSummary
}
