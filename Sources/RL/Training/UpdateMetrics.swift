/// What one update reports: the `progress.csv` row, minus wall-clock.
public struct UpdateMetrics: Sendable, Equatable {
    public var update = 0
    public var envSteps = 0
    /// Episodes finished since the start of training.
    public var episodes = 0
    /// Mean return and success rate over the episode window (up to the last
    /// 100 finished episodes; NaN before the first episode ends).
    public var episodicReturnMean = Double.nan
    public var successRate = Double.nan
    public var episodeLengthMean = Double.nan
    /// Means over every minibatch of the update.
    public var policyLoss = 0.0
    public var valueLoss = 0.0
    public var entropy = 0.0
    public var approxKL = 0.0
    public var clipFraction = 0.0
    /// Critic-free algorithms: k3 estimate of KL to the reference policy,
    /// mean over the update's minibatches (0 without a KL penalty); nil for PPO.
    public var klToReference: Double?
    /// Critic-free algorithms: the fraction of the update's problems whose
    /// group got all-zero advantages (all right or all wrong); nil for PPO.
    public var zeroAdvantageGroups: Double?
    /// The gradient noise scale B_simple of the actor's and of the critic's
    /// gradients, smoothed (`GradientNoiseScale`); nil until it is positive.
    public var gradientNoiseScale: Double?
    public var criticGradientNoiseScale: Double?
    /// 1 − Var(returns − values) / Var(returns) over the batch (NaN without a critic).
    public var explainedVariance = Double.nan
    public var learningRate = 0.0
    /// Floating-point operations spent since the start (forward, backward, optimiser).
    public var flops = 0.0
    /// Wall-clock seconds of the rollout and of the optimisation phase
    /// (not reproducible, unlike everything else here).
    public var rolloutSeconds = 0.0
    public var updateSeconds = 0.0
    /// FLOPs of this update's optimisation phase alone (the epochs over
    /// minibatches): with `updateSeconds`, the GFLOP/s the update achieves.
    public var optimisationFlops = 0.0
    /// Epochs run (fewer than `update-epochs` when target-KL stopped early).
    public var epochs = 0
    /// Means over the last 100 episodes of each environment-specific metric.
    public var episodeMetrics: [String: Double] = [:]

    public init() {}

    /// Equal to the bit: NaN (a figure not measured) equals NaN, and
    /// 0.0 differs from −0.0 — "the same numbers" as the determinism promise means it.
    public static func == (a: UpdateMetrics, b: UpdateMetrics) -> Bool {
        func bits(_ m: UpdateMetrics) -> [UInt64?] {
            [m.episodicReturnMean, m.successRate, m.episodeLengthMean, m.policyLoss, m.valueLoss, m.entropy, m.approxKL,
             m.clipFraction, m.explainedVariance, m.learningRate, m.flops, m.rolloutSeconds, m.updateSeconds,
             m.optimisationFlops].map { $0.bitPattern }
                + [m.klToReference, m.zeroAdvantageGroups, m.gradientNoiseScale, m.criticGradientNoiseScale].map { $0?.bitPattern }
        }
        return a.update == b.update && a.envSteps == b.envSteps && a.episodes == b.episodes && a.epochs == b.epochs
            && bits(a) == bits(b) && a.episodeMetrics.mapValues(\.bitPattern) == b.episodeMetrics.mapValues(\.bitPattern)
    }
}

/// Why training stopped before it was done.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    /// A loss, gradient or parameter became NaN or infinite.
    case nonFinite(update: Int, quantity: String)

    public var description: String {
        switch self {
        case .nonFinite(let update, let quantity):
            "\(quantity) became NaN or infinite in update \(update); stopping (the last checkpoint is kept)"
        }
    }
}
