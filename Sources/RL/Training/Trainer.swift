import Foundation
import Tensor
import NN

/// The training loop of the PPO family, over environments of type `E`:
/// `update()` runs one iteration — anneal, roll out, make advantages, then
/// epochs of shuffled minibatches, each a loss, a clipped gradient and an
/// Adam step — with CleanRL's details. What is specific to one algorithm
/// (advantages, losses, whether there is a critic) is its `PolicyAlgorithm`.
public struct Trainer<E: Environment>: Sendable {
    public let config: PPOConfig
    public let observationSize: Int
    public let actionCount: Int
    public internal(set) var actor: Learner
    /// The value network; nil for critic-free algorithms.
    public internal(set) var critic: Learner?
    /// Draws the minibatch permutations.
    public internal(set) var shuffleRNG: RNG
    public internal(set) var completedUpdates = 0
    public internal(set) var envSteps = 0
    public internal(set) var episodes = 0
    /// Floating-point operations spent so far (warm start, rollouts, updates).
    public internal(set) var flops = 0.0
    public internal(set) var episodeWindow = EpisodeWindow()

    let algorithm: any PolicyAlgorithm
    var workers: [RolloutWorker<E>]
    private let buffer: RolloutBuffer
    private var minibatch: Minibatch
    private let costs: FLOPCosts

    /// Builds the networks and environments from `config.seed`; environment
    /// `i` is `makeEnvironment(i)`, reset from its own stream.
    public init(config: PPOConfig, makeEnvironment: (Int) -> E) {
        self.config = config
        algorithm = PPO(config: config)
        let root = RNG(seed: config.seed)
        var slots: [EnvironmentSlot<E>] = (0..<config.numEnvs).map { i in
            EnvironmentSlot(
                environment: makeEnvironment(i),
                environmentRNG: root.stream("environment", i),
                actionRNG: root.stream("action", i))
        }
        for i in slots.indices { slots[i].reset() }
        let probe = slots[0].environment
        observationSize = probe.observationSize
        actionCount = probe.actionCount
        let activation = Activation(rawValue: config.activation) ?? .tanh
        var initRNG = root.stream("init")
        let actorNetwork = MLP(
            sizes: [observationSize] + config.hidden + [actionCount], activation: activation,
            outputGain: 0.01, rng: &initRNG)
        actor = Learner(network: actorNetwork, optimizer: Adam(learningRate: Float(config.learningRate)))
        if algorithm.usesCritic {
            let criticNetwork = MLP(
                sizes: [observationSize] + config.hidden + [1], activation: activation, outputGain: 1, rng: &initRNG)
            critic = Learner(network: criticNetwork, optimizer: Adam(learningRate: Float(config.learningRate)))
        }
        shuffleRNG = root.stream("shuffle")
        workers = Self.split(slots, into: config.workers)
        buffer = RolloutBuffer(
            numEnvs: config.numEnvs, numSteps: config.numSteps,
            observationSize: observationSize, actionCount: actionCount)
        minibatch = Minibatch(size: config.minibatchSize, observationSize: observationSize, actionCount: actionCount)
        costs = FLOPCosts(actor: actor.network, critic: critic?.network, minibatchSize: config.minibatchSize)
    }

    /// Deals environments to workers in contiguous blocks whose sizes differ
    /// by at most one (the first `numEnvs % workers` get one more).
    static func split(_ slots: [EnvironmentSlot<E>], into workerCount: Int) -> [RolloutWorker<E>] {
        let base = slots.count / workerCount
        let extra = slots.count % workerCount
        var start = 0
        return (0..<workerCount).map { w in
            let count = base + (w < extra ? 1 : 0)
            defer { start += count }
            return RolloutWorker(slots: Array(slots[start..<(start + count)]), firstEnv: start)
        }
    }

    /// Every environment slot in global order (for checkpoints).
    public var slots: [EnvironmentSlot<E>] { workers.flatMap(\.slots) }

    public var isFinished: Bool { completedUpdates >= config.numUpdates }

    // MARK: - One iteration

    public mutating func update() throws(TrainingError) -> UpdateMetrics {
        let update = completedUpdates + 1
        var log = UpdateLog(update: update)

        // 1. Anneal: the learning rate falls linearly from its full value to 0 over the run.
        let fraction = config.annealLR ? 1 - Double(update - 1) / Double(config.numUpdates) : 1
        let learningRate = Float(fraction * config.learningRate)

        // 2. Rollout: every worker steps its environments numSteps times, one
        //    batched inference per step, and records the finished episodes.
        log.startRollout()
        collectRollout()

        // 3. Advantages, from the rollout's rewards and values (PPO: GAE,
        //    bootstrapping through truncation but not through termination).
        algorithm.computeAdvantages(buffer)
        if critic != nil { log.explainedVariance = buffer.explainedVariance() }
        log.startOptimisation(flops: flops)

        // 4. Optimise: updateEpochs passes over the batch in shuffled minibatches.
        var indices = Array(0..<config.batchSize)
        for epoch in 1...config.updateEpochs {
            shuffleRNG.shuffle(&indices)
            for start in stride(from: 0, to: config.batchSize, by: config.minibatchSize) {
                minibatch.gather(indices[start..<(start + config.minibatchSize)], from: buffer, normalize: config.normAdv)
                // 5. Losses and their gradients: actor ∥ critic.
                let losses = computeGradients(minibatch)
                // 6. Clip the global gradient norm, over actor and critic together.
                let gradientNorm = clipGradients()
                // 7. One Adam step for each network.
                actor.step(learningRate: learningRate)
                critic?.step(learningRate: learningRate)
                flops += costs.minibatchStep
                try log.add(losses, gradientNorm: gradientNorm)
            }
            log.epochs = epoch
            // 8. Early stop: the policy moved further than target-KL allows.
            if let targetKL = config.targetKL, log.lastApproxKL > targetKL { break }
        }
        try checkParametersFinite(update: update)

        completedUpdates = update
        return log.finish(
            learningRate: learningRate, envSteps: envSteps, episodes: episodes, flops: flops, window: episodeWindow)
    }

    /// Stage 2: runs the workers in parallel over their blocks of the buffer.
    private mutating func collectRollout() {
        let actorNetwork = actor.network
        let criticNetwork = critic?.network
        let buffer = self.buffer
        var results = workers.map { ($0, [EpisodeRecord](), 0) }
        workers.removeAll()  // leave each worker uniquely referenced: no copy on write
        Parallel.forEach(&results) { result, _ in
            let (episodes, criticRows) = result.0.collect(actor: actorNetwork, critic: criticNetwork, buffer: buffer)
            result.1 = episodes
            result.2 = criticRows
        }
        workers = results.map(\.0)
        flops += costs.rollout(steps: config.batchSize, criticRows: results.reduce(0) { $0 + $1.2 })
        envSteps += config.batchSize
        let finished = results.flatMap(\.1).sorted { ($0.step, $0.env) < ($1.step, $1.env) }
        episodes += finished.count
        episodeWindow.append(contentsOf: finished.map(\.summary))
    }

    /// Stage 5: the actor's and the critic's halves of the loss, side by
    /// side (they share no parameters), each leaving its gradient in its network.
    private mutating func computeGradients(_ batch: Minibatch) -> MinibatchLosses {
        let algorithm = self.algorithm
        @Sendable func policyHalf(_ actor: inout Learner) -> PolicyLossTerms {
            let logits = actor.forward(batch.observations)
            let terms = algorithm.policyLoss(logits: logits, minibatch: batch, logitGradient: &actor.outputGradient)
            actor.backward(batch.observations)
            return terms
        }
        guard critic != nil else { return MinibatchLosses(policy: policyHalf(&actor), valueLoss: 0) }
        let (policy, valueLoss) = Parallel.both(&actor, &critic!, policyHalf) { critic in
            let values = critic.forward(batch.observations)
            let loss = algorithm.valueLoss(values: values, minibatch: batch, valueGradient: &critic.outputGradient)
            critic.backward(batch.observations)
            return loss
        }
        return MinibatchLosses(policy: policy, valueLoss: valueLoss)
    }

    /// Stage 6: scales every gradient so that their joint norm is at most
    /// max-grad-norm (CleanRL clips the joint parameter vector); returns the
    /// norm before clipping.
    private mutating func clipGradients() -> Double {
        let networks = [actor.network] + (critic.map { [$0.network] } ?? [])
        let norm = GradientClipping.globalNorm(networks)
        let scale = GradientClipping.scale(norm: norm, maxNorm: config.maxGradNorm)
        actor.scaleGradients(by: scale)
        critic?.scaleGradients(by: scale)
        return norm
    }

    private func checkParametersFinite(update: Int) throws(TrainingError) {
        if !actor.network.flatParameters().allSatisfy(\.isFinite) {
            throw .nonFinite(update: update, quantity: "actor parameters")
        }
        if let critic, !critic.network.flatParameters().allSatisfy(\.isFinite) {
            throw .nonFinite(update: update, quantity: "critic parameters")
        }
    }

    // MARK: - Supervised warm start

    /// Behaviour cloning of the actor before the first update (see
    /// `BehaviourCloning.fit`); its FLOPs count towards `flops`.
    public mutating func cloneBehaviour(
        observations: Tensor, masks: [Bool], actions: [Int], steps: Int, learningRate: Float,
        report: (BehaviourCloning.Progress) -> Void = { _ in }
    ) {
        let spent = actor.modifyNetwork { network in
            BehaviourCloning.fit(
                &network, observations: observations, masks: masks, actions: actions,
                steps: steps, learningRate: learningRate, report: report)
        }
        flops += spent
    }
}
