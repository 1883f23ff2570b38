import Foundation

/// A categorical distribution over logits with an action mask: masked actions
/// get probability exactly 0 (their logits are left out of the softmax), so
/// they are never sampled and carry no gradient.
public enum MaskedCategorical {
    /// Writes log-probabilities of one row of logits into `logProbabilities`
    /// (−∞ where masked) and returns the entropy.
    @inline(__always)
    public static func logProbabilities(
        logits: UnsafePointer<Float>, mask: UnsafePointer<Bool>, count: Int,
        into logProbabilities: UnsafeMutablePointer<Float>
    ) -> Float {
        var maxLogit = -Float.infinity
        for j in 0..<count where mask[j] { maxLogit = max(maxLogit, logits[j]) }
        precondition(maxLogit > -.infinity, "every action is masked")
        var sum: Float = 0
        for j in 0..<count where mask[j] { sum += exp(logits[j] - maxLogit) }
        // (z − max) − log Σ, which keeps the precision that z − (max + log Σ)
        // would round away for large logits.
        let logSum = log(sum)
        var entropy: Float = 0
        for j in 0..<count {
            if mask[j] {
                let lp = (logits[j] - maxLogit) - logSum
                logProbabilities[j] = lp
                entropy -= exp(lp) * lp
            } else {
                logProbabilities[j] = -.infinity
            }
        }
        return entropy
    }

    /// Draws an action by inverting the CDF with one uniform number, so that
    /// one draw per step keeps the random streams aligned across runs.
    @inline(__always)
    public static func sample(
        logProbabilities: UnsafePointer<Float>, mask: UnsafePointer<Bool>, count: Int, rng: inout RNG
    ) -> Int {
        let u = rng.uniformFloat()
        var cumulative: Float = 0
        var last = 0
        for j in 0..<count where mask[j] {
            cumulative += exp(logProbabilities[j])
            last = j
            if u < cumulative { return j }
        }
        return last  // rounding left the total a hair below u
    }

    /// The most probable available action (ties go to the lowest index).
    @inline(__always)
    public static func mode(logits: UnsafePointer<Float>, mask: UnsafePointer<Bool>, count: Int) -> Int {
        var best = -1
        for j in 0..<count where mask[j] && (best < 0 || logits[j] > logits[best]) { best = j }
        return best
    }
}
