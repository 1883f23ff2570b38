import NN

/// What the losses of one minibatch step came to.
struct MinibatchLosses: Sendable {
    var policy: PolicyLossTerms
    /// 0 without a critic.
    var valueLoss: Double
}

/// One update's bookkeeping, kept out of the algorithm's way: the two
/// phases' clocks, the sums behind the per-update means, and the guard that
/// stops training when a loss or the gradient norm stops being finite.
struct UpdateLog {
    private var metrics = UpdateMetrics()
    private var minibatches = 0
    /// approx-KL of the last minibatch, for the target-KL early stop.
    private(set) var lastApproxKL = 0.0
    /// Epochs run (fewer than `update-epochs` when target-KL stopped early).
    var epochs = 0
    var explainedVariance = Double.nan
    var zeroAdvantageGroups: Double?
    var gradientNoiseScale: Double?
    var criticGradientNoiseScale: Double?
    /// Critic-free algorithms report the KL to the reference; PPO leaves it empty.
    private let groupRollout: Bool
    private var klToReference = 0.0
    private let clock = ContinuousClock()
    private var rolloutStart: ContinuousClock.Instant
    private var optimisationStart: ContinuousClock.Instant
    private var flopsBeforeOptimisation = 0.0

    init(update: Int, groupRollout: Bool) {
        self.groupRollout = groupRollout
        metrics.update = update
        rolloutStart = clock.now
        optimisationStart = rolloutStart
    }

    mutating func startRollout() { rolloutStart = clock.now }

    mutating func startOptimisation(flops: Double) {
        optimisationStart = clock.now
        metrics.rolloutSeconds = (optimisationStart - rolloutStart).seconds
        flopsBeforeOptimisation = flops
    }

    /// Adds one minibatch's losses; throws when any of them, or the
    /// gradient norm, is NaN or infinite.
    mutating func add(_ losses: MinibatchLosses, gradientNorm: Double) throws(TrainingError) {
        minibatches += 1
        metrics.policyLoss += losses.policy.policyLoss
        metrics.valueLoss += losses.valueLoss
        metrics.entropy += losses.policy.entropy
        metrics.approxKL += losses.policy.approxKL
        metrics.clipFraction += losses.policy.clipFraction
        klToReference += losses.policy.klToReference
        lastApproxKL = losses.policy.approxKL
        for (value, name) in [(losses.policy.policyLoss, "policy loss"), (losses.valueLoss, "value loss"),
                              (losses.policy.entropy, "entropy"), (gradientNorm, "gradient norm")]
        where !value.isFinite {
            throw .nonFinite(update: metrics.update, quantity: name)
        }
    }

    /// The update's metrics: means over its minibatches, counters after it,
    /// and the means over the episode window.
    func finish(learningRate: Float, envSteps: Int, episodes: Int, flops: Double, window: EpisodeWindow) -> UpdateMetrics {
        var m = metrics
        let n = Double(minibatches)
        m.policyLoss /= n
        m.valueLoss /= n
        m.entropy /= n
        m.approxKL /= n
        m.clipFraction /= n
        if groupRollout { m.klToReference = klToReference / n }
        m.epochs = epochs
        m.explainedVariance = explainedVariance
        m.zeroAdvantageGroups = zeroAdvantageGroups
        m.gradientNoiseScale = gradientNoiseScale
        m.criticGradientNoiseScale = criticGradientNoiseScale
        m.learningRate = Double(learningRate)
        m.updateSeconds = (clock.now - optimisationStart).seconds
        m.optimisationFlops = flops - flopsBeforeOptimisation
        m.envSteps = envSteps
        m.episodes = episodes
        m.flops = flops
        window.summarise(into: &m)
        return m
    }
}

/// Floating-point operations of each stage, from the networks' shapes, for
/// the `flops` column: forward passes, backward passes, the loss at the
/// logits and Adam. The dense count, whatever the kernels execute.
struct FLOPCosts<N: PolicyNetwork>: Sendable {
    private let inputSize: Int
    private let actionCount: Int
    private let settings: N.Settings
    private let usesCritic: Bool
    let actorForwardPerRow: Double
    let criticForwardPerRow: Double

    init(actor: N, critic: N?, settings: N.Settings) {
        inputSize = actor.inputSize
        actionCount = actor.outputSize
        self.settings = settings
        usesCritic = critic != nil
        actorForwardPerRow = actor.forwardFLOPs(batch: 1)
        criticForwardPerRow = critic?.forwardFLOPs(batch: 1) ?? 0
    }

    /// One minibatch step of `size` samples: both networks forward and
    /// backward, the loss and its gradient at the logits, Adam.
    func minibatchStep(size: Int) -> Double {
        let lossAtLogits = Double(size * actionCount * 12)
        func passes(outputs: Int) -> Double {
            N.forwardFLOPs(inputSize: inputSize, outputSize: outputs, settings: settings, batch: size)
                + N.backwardFLOPs(inputSize: inputSize, outputSize: outputs, settings: settings, batch: size)
        }
        func parameters(outputs: Int) -> Int { N.parameterCount(inputSize: inputSize, outputSize: outputs, settings: settings) }
        let actorPasses = passes(outputs: actionCount)
        guard usesCritic else {
            return actorPasses + lossAtLogits + Adam.flops(parameterCount: parameters(outputs: actionCount))
        }
        return actorPasses + passes(outputs: 1) + lossAtLogits
            + Adam.flops(parameterCount: parameters(outputs: actionCount) + parameters(outputs: 1))
    }

    /// Rollout inference: the actor on every step, the critic on `criticRows` rows.
    func rollout(steps: Int, criticRows: Int) -> Double {
        actorForwardPerRow * Double(steps) + criticForwardPerRow * Double(criticRows)
    }
}

extension PPOConfig {
    /// The FLOPs an env step costs with this configuration, before running
    /// it (what a sweep's FLOP budget is divided by): rollout inference (the
    /// actor, and the critic or the KL's reference), plus the update's
    /// epochs × minibatches of steps spread over the batch. The `flops`
    /// column of a run with this configuration grows by about this much per
    /// env step (a critic's bootstrap rows and target-KL early stops aside).
    public func flopsPerEnvStep<S: NetworkSettings>(network settings: S, observationSize: Int, actionCount: Int) -> Double {
        typealias N = S.Network
        func forward(_ outputs: Int, batch: Int) -> Double {
            N.forwardFLOPs(inputSize: observationSize, outputSize: outputs, settings: settings, batch: batch)
        }
        func backward(_ outputs: Int, batch: Int) -> Double {
            N.backwardFLOPs(inputSize: observationSize, outputSize: outputs, settings: settings, batch: batch)
        }
        let usesCritic = algorithm.usesCritic
        var rollout = forward(actionCount, batch: 1)
        if usesCritic || klCoef > 0 {
            rollout += forward(usesCritic ? 1 : actionCount, batch: 1)
        }
        let size = minibatchSize
        var step = forward(actionCount, batch: size) + backward(actionCount, batch: size) + Double(size * actionCount * 12)
        var parameters = N.parameterCount(inputSize: observationSize, outputSize: actionCount, settings: settings)
        if usesCritic {
            step += forward(1, batch: size) + backward(1, batch: size)
            parameters += N.parameterCount(inputSize: observationSize, outputSize: 1, settings: settings)
        }
        step += Adam.flops(parameterCount: parameters)
        return rollout + Double(updateEpochs * numMinibatches) * step / Double(batchSize)
    }
}
