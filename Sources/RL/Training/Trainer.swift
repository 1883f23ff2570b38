import Foundation
import Tensor
import NN

/// The training loop of the PPO family, over environments of type `E`
/// with networks of type `N` (actor, critic and reference alike):
/// `update()` runs one iteration — anneal, roll out, make advantages, then
/// epochs of shuffled minibatches, each a loss, a clipped gradient and an
/// Adam step — with CleanRL's details. What is specific to one algorithm
/// (advantages, losses, whether there is a critic) is its `PolicyAlgorithm`.
public struct Trainer<E: Environment, N: PolicyNetwork>: Sendable {
    public let config: PPOConfig
    /// The networks' architecture.
    public let network: N.Settings
    public let observationSize: Int
    public let actionCount: Int
    public internal(set) var actor: Learner<N>
    /// The value network; nil for critic-free algorithms.
    public internal(set) var critic: Learner<N>?
    /// The frozen reference policy of the KL penalty: the actor as RL began
    /// (after the warm start); nil without a KL penalty.
    public internal(set) var reference: N?
    /// Draws the minibatch permutations.
    public internal(set) var shuffleRNG: RNG
    public internal(set) var completedUpdates = 0
    public internal(set) var envSteps = 0
    public internal(set) var episodes = 0
    /// Floating-point operations spent so far (warm start, rollouts, updates).
    public internal(set) var flops = 0.0
    public internal(set) var episodeWindow = EpisodeWindow()
    /// The gradient noise scale of the actor's and the critic's gradients, smoothed over updates.
    public internal(set) var actorNoiseScale = GradientNoiseScale()
    public internal(set) var criticNoiseScale = GradientNoiseScale()

    let algorithm: any PolicyAlgorithm
    /// How the algorithm collects experience (see `RolloutKind`).
    let rolloutKind: RolloutKind
    var workers: [RolloutWorker<E>]
    let buffer: RolloutBuffer
    var minibatch: Minibatch
    let costs: FLOPCosts<N>
    /// The ranks of a data-parallel run (nil: this process alone). This
    /// rank steps environments envOffset ..< envOffset + numEnvs/ranks.
    let collective: (any Collective)?
    let envOffset: Int

    /// Builds the networks and environments from `config.seed`; environment
    /// `i` is `makeEnvironment(i)`, reset from its own stream. Under data
    /// parallelism (`collective`) this rank builds only its share of the
    /// environments — global indices, so the streams are those a single
    /// process would give them.
    public init<S: NetworkSettings>(
        config: PPOConfig, network: S, collective: (any Collective)? = nil, makeEnvironment: (Int) -> E
    ) where S.Network == N {
        self.config = config
        self.network = network
        self.collective = collective
        algorithm = config.algorithm.make(config)
        rolloutKind = config.algorithm.type.rollout
        let root = RNG(seed: config.seed)
        let localEnvs = config.numEnvs / (collective?.size ?? 1)
        envOffset = (collective?.rank ?? 0) * localEnvs
        var slots: [EnvironmentSlot<E>] = (envOffset..<(envOffset + localEnvs)).map { i in
            EnvironmentSlot(
                environment: makeEnvironment(i),
                environmentRNG: root.stream("environment", i),
                actionRNG: root.stream("action", i))
        }
        for i in slots.indices { slots[i].reset() }
        let probe = slots[0].environment
        observationSize = probe.observationSize
        actionCount = probe.actionCount
        var initRNG = root.stream("init")
        let actorNetwork = N(inputSize: observationSize, outputSize: actionCount, settings: network, outputGain: 0.01, rng: &initRNG)
        actor = Learner(network: actorNetwork, optimizer: Adam(learningRate: Float(config.learningRate)))
        if rolloutKind.usesCritic {
            let criticNetwork = N(inputSize: observationSize, outputSize: 1, settings: network, outputGain: 1, rng: &initRNG)
            critic = Learner(network: criticNetwork, optimizer: Adam(learningRate: Float(config.learningRate)))
        }
        shuffleRNG = root.stream("shuffle")
        workers = Self.split(slots, into: config.workers, unit: config.groupSize)
        buffer = RolloutBuffer(
            numEnvs: localEnvs, numSteps: config.numSteps,
            observationSize: observationSize, actionCount: actionCount)
        minibatch = Minibatch(size: config.minibatchSize, observationSize: observationSize, actionCount: actionCount)
        costs = FLOPCosts(actor: actor.network, critic: critic?.network, settings: network)
    }

    /// Deals environments to workers in contiguous blocks of whole `unit`s
    /// (groups; 1 for PPO) whose unit counts differ by at most one (the first
    /// `units % workers` get one more).
    static func split(_ slots: [EnvironmentSlot<E>], into workerCount: Int, unit: Int = 1) -> [RolloutWorker<E>] {
        let units = slots.count / unit
        let base = units / workerCount
        let extra = units % workerCount
        var start = 0
        return (0..<workerCount).map { w in
            let count = (base + (w < extra ? 1 : 0)) * unit
            defer { start += count }
            return RolloutWorker(slots: Array(slots[start..<(start + count)]), firstEnv: start)
        }
    }

    /// This process's environment slots in global order (all of them but
    /// under data parallelism; `state` gathers every rank's).
    public var slots: [EnvironmentSlot<E>] { workers.flatMap(\.slots) }

    /// Whether the run's schedule is done (see `RolloutKind`).
    public var isFinished: Bool {
        rolloutKind.isFinished(completedUpdates: completedUpdates, envSteps: envSteps, config: config)
    }

    // MARK: - One iteration

    public mutating func update() throws(TrainingError) -> UpdateMetrics {
        let update = completedUpdates + 1
        var log = UpdateLog(update: update, groupRollout: rolloutKind == .groupsPerProblem)

        // 1. Anneal: the learning rate falls linearly from its full value to 0 over the run
        //    (over updates for PPO, over env steps when updates vary in size).
        let done = rolloutKind.fractionDone(update: update, envSteps: envSteps, config: config)
        let fraction = config.annealLR ? 1 - done : 1
        let learningRate = Float(fraction * config.learningRate)

        // 2. Rollout: every worker steps its environments numSteps times, one
        //    batched inference per step, and records the finished episodes
        //    (critic-free algorithms: whole episodes, in groups sharing a start).
        log.startRollout()
        switch rolloutKind {
        case .stepsWithCritic: collectRollout()
        case .groupsPerProblem: collectGroupRollout()
        }

        // 3. Advantages, from the rollout's rewards and values (PPO: GAE,
        //    bootstrapping through truncation but not through termination;
        //    critic-free algorithms: each episode's return against its group's).
        algorithm.computeAdvantages(buffer)
        switch rolloutKind {
        case .stepsWithCritic: log.explainedVariance = explainedVariance()
        case .groupsPerProblem: log.zeroAdvantageGroups = buffer.zeroAdvantageFraction()
        }
        log.startOptimisation(flops: flops)

        // 4. Optimise: updateEpochs passes over the batch (every rank's) in shuffled minibatches.
        var indices = Array(0..<(buffer.count * ranks))
        var firstEpoch = FirstEpochGradients()
        for epoch in 1...config.updateEpochs {
            shuffleRNG.shuffle(&indices)
            for range in minibatchRanges(indices.count) {
                gatherMinibatch(indices[range])
                // 5. Losses and their gradients: actor ∥ critic (over every rank's share of the minibatch).
                let losses = computeGradients(minibatch)
                if epoch == 1 { firstEpoch.add(actor.network, critic?.network) }  // for the gradient noise scale
                // 6. Clip the global gradient norm, over actor and critic together.
                let gradientNorm = clipGradients()
                // 7. One Adam step for each network.
                takeAdamSteps(learningRate: learningRate)
                flops += costs.minibatchStep(size: range.count)
                try log.add(losses, gradientNorm: gradientNorm)
            }
            log.epochs = epoch
            if epoch == 1 { measureNoiseScale(firstEpoch, into: &log) }
            // 8. Early stop: the policy moved further than target-KL allows.
            if let targetKL = config.targetKL, log.lastApproxKL > targetKL { break }
        }
        try checkParametersFinite(update: update)

        completedUpdates = update
        return log.finish(
            learningRate: learningRate, envSteps: envSteps, episodes: episodes, flops: flops, window: episodeWindow)
    }

    /// This process's samples of a minibatch (all of them but under data
    /// parallelism), with PPO's advantages standardised over the minibatch.
    private mutating func gatherMinibatch(_ indices: ArraySlice<Int>) {
        if collective != nil {
            gatherShare(of: indices)
        } else {
            let groups = rolloutKind == .groupsPerProblem
            minibatch.gather(indices, from: buffer, normalize: config.normAdv && !groups, groupFields: groups)
        }
    }

    /// numMinibatches consecutive ranges covering `count` samples, sizes
    /// differing by at most one (exactly minibatchSize each for PPO).
    private func minibatchRanges(_ count: Int) -> [Range<Int>] {
        let m = config.numMinibatches
        return (0..<m).map { k in (k * count / m)..<((k + 1) * count / m) }
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
        buffer.indexObservations()
        flops += costs.rollout(steps: config.batchSize, criticRows: sumOverRanks(results.reduce(0) { $0 + $1.2 }))
        envSteps += config.batchSize
        let local = results.flatMap(\.1).map { EpisodeRecord(step: $0.step, env: $0.env + envOffset, summary: $0.summary) }
        let finished = gatherOverRanks(local).sorted { ($0.step, $0.env) < ($1.step, $1.env) }
        episodes += finished.count
        episodeWindow.append(contentsOf: finished.map(\.summary))
    }

    /// Stage 2 for critic-free algorithms: the workers play rounds of their
    /// groups in parallel; their whole episodes are then laid out in the
    /// buffer worker by worker, environment by environment.
    private mutating func collectGroupRollout() {
        if config.klCoef > 0 && reference == nil { reference = actor.network }
        let actorNetwork = actor.network
        let referenceNetwork = reference
        let groupSize = config.groupSize
        let steps = config.numSteps
        var results = workers.map { ($0, [EpisodeTrace](), [EpisodeRecord](), 0, 0) }
        workers.removeAll()  // leave each worker uniquely referenced: no copy on write
        Parallel.forEach(&results) { result, _ in
            let firstGroup = result.0.firstEnv / groupSize
            let collected = result.0.collectGroups(
                actor: actorNetwork, reference: referenceNetwork, groupSize: groupSize,
                stepsPerEnvironment: steps, firstGroup: firstGroup)
            result.1 = collected.traces
            result.2 = collected.episodes
            result.3 = collected.actorRows
            result.4 = collected.referenceRows
        }
        workers = results.map(\.0)
        let traces = results.flatMap(\.1)
        buffer.fill(with: traces)
        buffer.indexObservations()
        let actorRows = results.reduce(0) { $0 + $1.3 }, referenceRows = results.reduce(0) { $0 + $1.4 }
        flops += costs.actorForwardPerRow * Double(actorRows) + costs.actorForwardPerRow * Double(referenceRows)
        envSteps += buffer.count
        let finished = results.flatMap(\.2).sorted { ($0.step, $0.env) < ($1.step, $1.env) }
        episodes += finished.count
        episodeWindow.append(contentsOf: finished.map(\.summary))
    }

    /// Stage 5: the actor's and the critic's halves of the loss, side by
    /// side (they share no parameters), each leaving its gradient in its network.
    private mutating func computeGradients(_ batch: Minibatch) -> MinibatchLosses {
        let algorithm = self.algorithm
        @Sendable func policyHalf(_ actor: inout Learner<N>) -> PolicyLossTerms {
            let logits = actor.forward(batch.observations)
            let terms = algorithm.policyLoss(logits: logits, minibatch: batch, logitGradient: &actor.outputGradient)
            actor.backward(batch.observations)
            return terms
        }
        @Sendable func valueHalf(_ critic: inout Learner<N>) -> Double {
            let values = critic.forward(batch.observations)
            let loss = algorithm.valueLoss(values: values, minibatch: batch, valueGradient: &critic.outputGradient)
            critic.backward(batch.observations)
            return loss
        }
        let losses: MinibatchLosses
        if !rolloutKind.usesCritic {
            losses = MinibatchLosses(policy: policyHalf(&actor), valueLoss: 0)
        } else if collective != nil {
            // Under data parallelism the ranks are the update's parallelism
            // (one per core, as in Baselines): a second thread per rank would
            // only contend with the other ranks for the cores.
            losses = MinibatchLosses(policy: policyHalf(&actor), valueLoss: valueHalf(&critic!))
        } else {
            let (policy, valueLoss) = Parallel.both(&actor, &critic!, policyHalf, valueHalf)
            losses = MinibatchLosses(policy: policy, valueLoss: valueLoss)
        }
        // Under data parallelism each rank computed its share: the sums are the minibatch's.
        return collective == nil ? losses : sumOverRanks(losses)
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

    /// Stage 7: the actor's and the critic's Adam steps, side by side (they
    /// share nothing; Adam's square root and two divisions per parameter
    /// were 9% of a fourrooms run, on one core) — one after the other under
    /// data parallelism, where the ranks use the cores.
    private mutating func takeAdamSteps(learningRate: Float) {
        guard rolloutKind.usesCritic, collective == nil else {
            actor.step(learningRate: learningRate)
            critic?.step(learningRate: learningRate)
            return
        }
        _ = Parallel.both(
            &actor, &critic!, { $0.step(learningRate: learningRate) }, { $0.step(learningRate: learningRate) })
    }

    /// The gradient noise scale from the first epoch's minibatch gradients
    /// (minibatch size against the whole batch; see `GradientNoiseScale`).
    private mutating func measureNoiseScale(_ gradients: FirstEpochGradients, into log: inout UpdateLog) {
        let big = Double(buffer.count * ranks), small = big / Double(config.numMinibatches)
        let a = gradients.actor.norms
        log.gradientNoiseScale = actorNoiseScale.add(meanSmallSquaredNorm: a.meanSmall, bigSquaredNorm: a.big, smallBatch: small, bigBatch: big)
        if gradients.critic.count > 0 {
            let c = gradients.critic.norms
            log.criticGradientNoiseScale = criticNoiseScale.add(
                meanSmallSquaredNorm: c.meanSmall, bigSquaredNorm: c.big, smallBatch: small, bigBatch: big)
        }
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
    /// `BehaviourCloning.fit`, which stops early once `shouldStop()`); its
    /// FLOPs count towards `flops`.
    public mutating func cloneBehaviour(
        observations: Tensor, masks: [Bool], actions: [Int], steps: Int, learningRate: Float,
        shouldStop: () -> Bool = { false }, report: (BehaviourCloning.Progress) -> Void = { _ in }
    ) {
        let spent = actor.modifyNetwork { network in
            BehaviourCloning.fit(
                &network, observations: observations, masks: masks, actions: actions,
                steps: steps, learningRate: learningRate, shouldStop: shouldStop, report: report)
        }
        flops += spent
    }
}
