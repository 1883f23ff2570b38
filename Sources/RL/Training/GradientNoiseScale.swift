import Foundation
import NN

/// The gradient noise scale B_simple = tr(Σ)/|G|² (McCandlish et al. 2018):
/// the batch size at which the noise of a minibatch gradient is as large as
/// the gradient itself — the critical batch's first estimate, measured live.
///
/// Unbiased two-batch-size estimator (their Appendix A): with B_small, the
/// minibatch size, and B_big, the whole batch of an update's first epoch
/// (every sample used once), and |G_small|² the mean squared norm of the
/// minibatch gradients, |G_big|² the squared norm of their mean,
///
///   |G|²  ≈ (B_big·|G_big|² − B_small·|G_small|²) / (B_big − B_small)
///   tr Σ ≈ (|G_small|² − |G_big|²) / (1/B_small − 1/B_big)
///
/// Each term is smoothed over updates by an exponential moving average
/// (weight `decay` on the past, bias-corrected as Adam's moments are)
/// before the ratio, because single-update estimates of |G|² are noisy and
/// can be negative. PPO's parameters move between minibatches, so the
/// minibatch gradients are taken at slightly different points; the
/// estimate is for the policy as the epoch saw it.
public struct GradientNoiseScale: Sendable, Codable, Equatable {
    public static let decay = 0.9
    private var gradientSquared = 0.0
    private var trace = 0.0
    private var updates = 0

    public init() {}

    /// Adds one update's measurement; returns the smoothed B_simple (nil
    /// while the smoothed |G|² is not positive).
    public mutating func add(meanSmallSquaredNorm small: Double, bigSquaredNorm big: Double, smallBatch: Double, bigBatch: Double) -> Double? {
        guard bigBatch > smallBatch, smallBatch > 0, small.isFinite, big.isFinite else { return value }
        let g = (bigBatch * big - smallBatch * small) / (bigBatch - smallBatch)
        let s = (small - big) / (1 / smallBatch - 1 / bigBatch)
        gradientSquared = Self.decay * gradientSquared + (1 - Self.decay) * g
        trace = Self.decay * trace + (1 - Self.decay) * s
        updates += 1
        return value
    }

    /// The current smoothed estimate.
    public var value: Double? {
        guard updates > 0 else { return nil }
        let correction = 1 - pow(Self.decay, Double(updates))
        let g = gradientSquared / correction, s = trace / correction
        return g > 0 ? s / g : nil
    }
}

/// Sums a network's minibatch gradients over an epoch, for the noise scale.
struct GradientAccumulator: Sendable {
    private var sum: [Float] = []
    private var squaredNorms = 0.0
    private(set) var count = 0

    mutating func add(_ network: some Module) {
        if sum.isEmpty { sum = [Float](repeating: 0, count: network.parameterCount) }
        var offset = 0
        var squared = 0.0
        sum.withUnsafeMutableBufferPointer { acc in
            network.forEachParameter { _, parameter in
                parameter.gradient.scalars.withUnsafeBufferPointer { g in
                    for i in g.indices { acc[offset + i] += g[i] }
                }
                squared += Double(parameter.gradient.squaredNorm())
                offset += parameter.gradient.count
            }
        }
        squaredNorms += squared
        count += 1
    }

    /// (mean of the minibatch gradients' squared norms, squared norm of their mean).
    var norms: (meanSmall: Double, big: Double) {
        let n = Double(count)
        let big = sum.reduce(0.0) { $0 + Double($1) * Double($1) } / (n * n)
        return (squaredNorms / n, big)
    }
}

/// The actor's and the critic's minibatch gradients of an update's first epoch.
struct FirstEpochGradients: Sendable {
    var actor = GradientAccumulator()
    var critic = GradientAccumulator()

    mutating func add<N: PolicyNetwork>(_ actorNetwork: N, _ criticNetwork: N?) {
        actor.add(actorNetwork)
        if let criticNetwork { critic.add(criticNetwork) }
    }
}
