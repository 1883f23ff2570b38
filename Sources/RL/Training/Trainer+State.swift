import NN

extension Trainer {
    /// Everything a run needs to continue exactly where it stopped: the
    /// networks with their optimiser moments, every environment with its two
    /// random streams, the shuffle stream, the counters and the episode window.
    /// Taken between updates, so no rollout is ever half done.
    public struct State: Codable, Sendable {
        public var actor: Learner<N>
        /// Absent for critic-free algorithms.
        public var critic: Learner<N>?
        /// The KL penalty's frozen reference policy, once RL has begun.
        public var reference: N?
        public var slots: [EnvironmentSlot<E>]
        public var shuffleRNG: RNG
        public var completedUpdates: Int
        public var envSteps: Int
        public var episodes: Int
        public var flops: Double
        public var recentEpisodes: [EpisodeSummary]
        /// Absent in checkpoints written before it was measured.
        public var actorNoiseScale: GradientNoiseScale?
        public var criticNoiseScale: GradientNoiseScale?
    }

    /// Under data parallelism every rank must ask for it at the same time:
    /// it gathers every rank's environments.
    public var state: State {
        State(
            actor: actor, critic: critic, reference: reference, slots: allSlots(), shuffleRNG: shuffleRNG,
            completedUpdates: completedUpdates, envSteps: envSteps, episodes: episodes,
            flops: flops, recentEpisodes: episodeWindow.episodes,
            actorNoiseScale: actorNoiseScale, criticNoiseScale: critic == nil ? nil : criticNoiseScale)
    }

    /// Rebuilds a trainer from a saved state, refusing one that does not fit
    /// the configuration (another network shape, env count or environment)
    /// or does not hold together (optimiser moments of another shape,
    /// negative counters) — so that a damaged checkpoint is refused at load,
    /// never met as a trap in the first update.
    public init<S: NetworkSettings>(
        config: PPOConfig, network: S, state: State, collective: (any Collective)? = nil
    ) throws(ConfigError) where S.Network == N {
        guard state.slots.count == config.numEnvs else {
            throw ConfigError("the checkpoint holds \(state.slots.count) environments, the config asks for \(config.numEnvs)")
        }
        self.init(config: config, network: network, collective: collective) { state.slots[$0].environment }
        let expectedActor = actor.network.architecture
        let expectedCritic = critic?.network.architecture
        guard state.actor.network.architecture == expectedActor, state.critic?.network.architecture == expectedCritic else {
            let saved = [state.actor.network.architecture] + (state.critic.map { [$0.network.architecture] } ?? [])
            let built = [expectedActor] + (expectedCritic.map { [$0] } ?? [])
            throw ConfigError("the checkpoint's networks are \(saved), the config builds \(built)")
        }
        for (learner, name) in [(state.actor, "actor")] + (state.critic.map { [($0, "critic")] } ?? []) {
            guard learner.optimizer.fits(learner.network) else {
                throw ConfigError("the checkpoint's \(name) optimiser state does not match its network's parameters")
            }
        }
        guard state.completedUpdates >= 0, state.envSteps >= 0, state.episodes >= 0, state.flops.isFinite else {
            throw ConfigError("the checkpoint's counters are out of range")
        }
        if let saved = state.reference, saved.architecture != expectedActor {
            throw ConfigError("the checkpoint's reference policy is \(saved.architecture), the config builds \(expectedActor)")
        }
        for slot in state.slots {
            guard slot.environment.observationSize == observationSize, slot.environment.actionCount == actionCount else {
                throw ConfigError("the checkpoint's environments do not match the configuration's")
            }
        }
        actor = state.actor
        critic = state.critic
        reference = state.reference
        let local = state.slots[envOffset..<(envOffset + config.numEnvs / ranks)]
        workers = Self.split(Array(local), into: config.workers, unit: config.groupSize)
        shuffleRNG = state.shuffleRNG
        completedUpdates = state.completedUpdates
        envSteps = state.envSteps
        episodes = state.episodes
        flops = state.flops
        episodeWindow = EpisodeWindow(state.recentEpisodes)
        actorNoiseScale = state.actorNoiseScale ?? GradientNoiseScale()
        criticNoiseScale = state.criticNoiseScale ?? GradientNoiseScale()
    }
}
