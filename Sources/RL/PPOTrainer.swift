import Foundation
import Tensor
import NN

/// A network with its optimiser and the buffers one minibatch step needs.
public struct Learner: Sendable, Codable {
    public var network: MLP
    public var optimizer: Adam
    // Scratch, rebuilt on demand; not part of a checkpoint.
    private var outputGradient = Tensor(zeros: [0])
    private var workspace = MLP.Workspace()

    public init(network: MLP, optimizer: Adam) {
        self.network = network
        self.optimizer = optimizer
    }

    enum CodingKeys: String, CodingKey { case network, optimizer }

    /// Forward, loss gradient at the output (from `loss`), backward: leaves
    /// this minibatch's gradient in the network.
    mutating func accumulateGradient<R>(
        input: Tensor, loss: (Tensor, inout Tensor) -> R
    ) -> R {
        network.zeroGradients()
        let output = network.forward(input, workspace: &workspace)
        let result = loss(output, &outputGradient)
        network.backward(input, outputGradient: outputGradient, workspace: &workspace)
        return result
    }
}

/// Proximal Policy Optimization (Schulman et al. 2017) with CleanRL's
/// details, over environments of type `E`. `update()` runs one iteration of
/// the algorithm: collect a rollout, then optimise the clipped objective.
public struct PPOTrainer<E: Environment>: Sendable {
    public let config: PPOConfig
    public let observationSize: Int
    public let actionCount: Int
    public var actor: Learner
    public var critic: Learner
    public var workers: [RolloutWorker<E>]
    /// Draws the minibatch permutations.
    public var shuffleRNG: RNG
    public var completedUpdates = 0
    public var envSteps = 0
    public var episodes = 0
    public var flops = 0.0
    /// The last 100 finished episodes, oldest first.
    public var recentEpisodes: [EpisodeSummary] = []

    private let buffer: RolloutBuffer
    private var minibatch: Minibatch

    /// Builds the networks and environments from `config.seed`; environment
    /// `i` is `makeEnvironment(i)`, reset from its own stream.
    public init(config: PPOConfig, makeEnvironment: (Int) -> E) {
        self.config = config
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
        let criticNetwork = MLP(
            sizes: [observationSize] + config.hidden + [1], activation: activation, outputGain: 1, rng: &initRNG)
        actor = Learner(network: actorNetwork, optimizer: Adam(learningRate: Float(config.learningRate)))
        critic = Learner(network: criticNetwork, optimizer: Adam(learningRate: Float(config.learningRate)))
        shuffleRNG = root.stream("shuffle")
        workers = PPOTrainer.split(slots, into: config.workers)
        buffer = RolloutBuffer(
            numEnvs: config.numEnvs, numSteps: config.numSteps,
            observationSize: observationSize, actionCount: actionCount)
        minibatch = Minibatch(size: config.minibatchSize, observationSize: observationSize, actionCount: actionCount)
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

    // MARK: - One PPO iteration

    public mutating func update() throws(TrainingError) -> UpdateMetrics {
        let update = completedUpdates + 1
        var metrics = UpdateMetrics()
        metrics.update = update

        // Learning-rate annealing: linearly from the full rate to 0 over the run.
        let fraction = config.annealLR ? 1 - Double(update - 1) / Double(config.numUpdates) : 1
        let learningRate = Float(fraction * config.learningRate)
        actor.optimizer.learningRate = learningRate
        critic.optimizer.learningRate = learningRate
        metrics.learningRate = Double(learningRate)

        // 1. Rollout: every worker steps its environments numSteps times and
        //    computes GAE for them. One BLAS thread each: the workers are the
        //    parallelism here.
        BLAS.shared.setThreadCount(1)
        let clock = ContinuousClock()
        let rolloutStart = clock.now
        let actorNetwork = actor.network
        let criticNetwork = critic.network
        let buffer = self.buffer
        let gamma = Float(config.gamma)
        let lambda = Float(config.gaeLambda)
        var results = workers.map { ($0, [EpisodeRecord](), 0) }
        workers.removeAll()  // leave each worker uniquely referenced: no copy on write
        Parallel.forEach(&results) { result, _ in
            let (episodes, rows) = result.0.collect(
                actor: actorNetwork, critic: criticNetwork, buffer: buffer, gamma: gamma, lambda: lambda)
            result.1 = episodes
            result.2 = rows
        }
        workers = results.map(\.0)
        let inferenceRows = results.reduce(0) { $0 + $1.2 }
        flops += actor.network.forwardFLOPs(batch: 1) * Double(config.batchSize)
            + critic.network.forwardFLOPs(batch: 1) * Double(inferenceRows)
        envSteps += config.batchSize
        record(results.flatMap(\.1).sorted { ($0.step, $0.env) < ($1.step, $1.env) })
        metrics.explainedVariance = explainedVariance()
        let updateStart = clock.now
        metrics.rolloutSeconds = (updateStart - rolloutStart).seconds
        let flopsBeforeOptimisation = flops

        // 2. Optimise the clipped surrogate for updateEpochs passes over the
        //    batch in shuffled minibatches.
        var indices = Array(0..<config.batchSize)
        var minibatchCount = 0
        for epoch in 0..<config.updateEpochs {
            shuffleRNG.shuffle(&indices)
            var lastApproxKL = 0.0
            for start in stride(from: 0, to: config.batchSize, by: config.minibatchSize) {
                minibatch.gather(indices[start..<(start + config.minibatchSize)], from: buffer, normalize: config.normAdv)
                let terms = optimise(minibatch)
                minibatchCount += 1
                metrics.policyLoss += terms.policy.policyLoss
                metrics.valueLoss += terms.valueLoss
                metrics.entropy += terms.policy.entropy
                metrics.approxKL += terms.policy.approxKL
                metrics.clipFraction += terms.policy.clipFraction
                lastApproxKL = terms.policy.approxKL
                for (value, name) in [(terms.policy.policyLoss, "policy loss"), (terms.valueLoss, "value loss"),
                                      (terms.policy.entropy, "entropy"), (terms.gradientNorm, "gradient norm")]
                where !value.isFinite {
                    throw .nonFinite(update: update, quantity: name)
                }
            }
            metrics.epochs = epoch + 1
            if let targetKL = config.targetKL, lastApproxKL > targetKL { break }
        }
        let n = Double(minibatchCount)
        metrics.policyLoss /= n
        metrics.valueLoss /= n
        metrics.entropy /= n
        metrics.approxKL /= n
        metrics.clipFraction /= n
        for (network, name) in [(actor.network, "actor parameters"), (critic.network, "critic parameters")]
        where !network.flatParameters().allSatisfy(\.isFinite) {
            throw .nonFinite(update: update, quantity: name)
        }

        metrics.updateSeconds = (clock.now - updateStart).seconds
        metrics.optimisationFlops = flops - flopsBeforeOptimisation
        completedUpdates = update
        metrics.envSteps = envSteps
        metrics.episodes = episodes
        metrics.flops = flops
        summariseEpisodes(into: &metrics)
        return metrics
    }

    /// One gradient step on a minibatch: the actor's and the critic's halves
    /// of the loss run side by side, then one clip over both gradients
    /// (CleanRL clips the joint parameter vector) and one Adam step each.
    private mutating func optimise(_ batch: Minibatch) -> (policy: PPOLoss.PolicyTerms, valueLoss: Double, gradientNorm: Double) {
        let clipCoef = Float(config.clipCoef)
        let entCoef = Float(config.entCoef)
        let vfCoef = Float(config.vfCoef)
        let clipValueLoss = config.clipVloss
        let (policy, valueLoss) = Parallel.both(
            &actor, &critic,
            { actor in
                actor.accumulateGradient(input: batch.observations) { logits, gradient in
                    batch.masks.withUnsafeBufferPointer { masks in
                        batch.actions.withUnsafeBufferPointer { actions in
                            batch.logProbabilities.withUnsafeBufferPointer { oldLogProbabilities in
                                batch.advantages.withUnsafeBufferPointer { advantages in
                                    PPOLoss.policy(
                                        logits: logits, masks: masks.baseAddress!, actions: actions.baseAddress!,
                                        oldLogProbabilities: oldLogProbabilities.baseAddress!,
                                        advantages: advantages.baseAddress!,
                                        clipCoef: clipCoef, entCoef: entCoef, logitGradient: &gradient)
                                }
                            }
                        }
                    }
                }
            },
            { critic in
                critic.accumulateGradient(input: batch.observations) { values, gradient in
                    batch.values.withUnsafeBufferPointer { oldValues in
                        batch.returns.withUnsafeBufferPointer { returns in
                            PPOLoss.value(
                                values: values, oldValues: oldValues.baseAddress!, returns: returns.baseAddress!,
                                clipCoef: clipCoef, clipValueLoss: clipValueLoss, vfCoef: vfCoef,
                                valueGradient: &gradient)
                        }
                    }
                }
            })
        let norm = GradientClipping.globalNorm([actor.network, critic.network])
        let scale = GradientClipping.scale(norm: norm, maxNorm: config.maxGradNorm)
        actor.network.scaleGradients(by: scale)
        critic.network.scaleGradients(by: scale)
        actor.optimizer.update(&actor.network)
        critic.optimizer.update(&critic.network)

        let size = batch.size
        flops += actor.network.forwardFLOPs(batch: size) + actor.network.backwardFLOPs(batch: size)
            + critic.network.forwardFLOPs(batch: size) + critic.network.backwardFLOPs(batch: size)
            + Double(size * actionCount * 12)  // the loss and its gradient at the logits
            + Adam.flops(parameterCount: actor.network.parameterCount + critic.network.parameterCount)
        return (policy, valueLoss, norm)
    }

    // MARK: - Statistics

    private mutating func record(_ finished: [EpisodeRecord]) {
        episodes += finished.count
        recentEpisodes.append(contentsOf: finished.map(\.summary))
        if recentEpisodes.count > 100 { recentEpisodes.removeFirst(recentEpisodes.count - 100) }
    }

    private func summariseEpisodes(into metrics: inout UpdateMetrics) {
        guard !recentEpisodes.isEmpty else { return }
        let n = Double(recentEpisodes.count)
        metrics.episodicReturnMean = recentEpisodes.reduce(0) { $0 + $1.episodicReturn } / n
        metrics.successRate = Double(recentEpisodes.filter(\.success).count) / n
        metrics.episodeLengthMean = Double(recentEpisodes.reduce(0) { $0 + $1.length }) / n
        var sums: [String: (Double, Int)] = [:]
        for episode in recentEpisodes {
            for (key, value) in episode.metrics {
                let (s, c) = sums[key] ?? (0, 0)
                sums[key] = (s + value, c + 1)
            }
        }
        metrics.episodeMetrics = sums.mapValues { $0.0 / Double($0.1) }
    }

    private func explainedVariance() -> Double {
        let n = buffer.count
        var meanY = 0.0, meanD = 0.0
        for i in 0..<n {
            meanY += Double(buffer.returns[i])
            meanD += Double(buffer.returns[i] - buffer.values[i])
        }
        meanY /= Double(n)
        meanD /= Double(n)
        var varY = 0.0, varD = 0.0
        for i in 0..<n {
            let y = Double(buffer.returns[i]) - meanY
            let d = Double(buffer.returns[i] - buffer.values[i]) - meanD
            varY += y * y
            varD += d * d
        }
        return varY == 0 ? .nan : 1 - varD / varY
    }
}

extension Duration {
    /// The duration in seconds, as a Double.
    public var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) * 1e-18
    }
}
