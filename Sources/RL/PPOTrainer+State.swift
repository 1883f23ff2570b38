import NN

extension PPOTrainer {
    /// Everything a run needs to continue exactly where it stopped: both
    /// networks with their optimiser moments, every environment with its two
    /// random streams, the shuffle stream, the counters and the episode window.
    /// Taken between updates, so no rollout is ever half done.
    public struct State: Codable, Sendable {
        public var actor: Learner
        public var critic: Learner
        public var slots: [EnvironmentSlot<E>]
        public var shuffleRNG: RNG
        public var completedUpdates: Int
        public var envSteps: Int
        public var episodes: Int
        public var flops: Double
        public var recentEpisodes: [EpisodeSummary]
    }

    public var state: State {
        State(
            actor: actor, critic: critic, slots: slots, shuffleRNG: shuffleRNG,
            completedUpdates: completedUpdates, envSteps: envSteps, episodes: episodes,
            flops: flops, recentEpisodes: recentEpisodes)
    }

    /// Rebuilds a trainer from a saved state, refusing one that does not fit
    /// the configuration (another network shape, env count or environment).
    public init(config: PPOConfig, state: State) throws(ConfigError) {
        guard state.slots.count == config.numEnvs else {
            throw ConfigError("the checkpoint holds \(state.slots.count) environments, the config asks for \(config.numEnvs)")
        }
        self.init(config: config) { state.slots[$0].environment }
        let expectedActor = actor.network.sizes
        let expectedCritic = critic.network.sizes
        guard state.actor.network.sizes == expectedActor, state.critic.network.sizes == expectedCritic else {
            throw ConfigError(
                "the checkpoint's networks are \(state.actor.network.sizes) and \(state.critic.network.sizes), the config builds \(expectedActor) and \(expectedCritic)")
        }
        actor = state.actor
        critic = state.critic
        workers = PPOTrainer.split(state.slots, into: config.workers)
        shuffleRNG = state.shuffleRNG
        completedUpdates = state.completedUpdates
        envSteps = state.envSteps
        episodes = state.episodes
        flops = state.flops
        recentEpisodes = state.recentEpisodes
    }
}
