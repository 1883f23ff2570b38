import Foundation
import Tensor

/// Softmax over the vocabulary, for language-model losses.
///
/// Row t of the logits predicts `targets[t]`. A target below 0 means "no
/// target" (the last token of a sequence): its log-probability reads 0 and
/// its weight must be 0. Sums are in Float64, so a loss over many tokens does
/// not lose the small ones.
public enum SoftmaxCrossEntropy {
    /// log p_t(targets[t]) for every row: what importance ratios need.
    public static func logProbabilities(logits: Tensor, targets: [Int]) -> [Float] {
        precondition(logits.rank == 2 && targets.count == logits.shape[0],
                     "logProbabilities: \(targets.count) targets for logits \(logits.shape)")
        let v = logits.shape[1]
        return logits.scalars.withUnsafeBufferPointer { x in
            targets.indices.map { t in
                guard targets[t] >= 0 else { return 0 }
                precondition(targets[t] < v, "target \(targets[t]) is outside the vocabulary 0..<\(v)")
                let row = x.baseAddress! + t * v
                let (m, logSum) = logSumExp(row, count: v)
                return (row[targets[t]] - m) - logSum
            }
        }
    }

    /// The masked cross-entropy Σ_t mask_t·(−log p_t(target_t)) / normaliser
    /// (normaliser = number of masked-in tokens for a per-token mean, or P·G
    /// for GRPO's sum over a group), and every row's target log-probability.
    public static func loss(
        logits: Tensor, targets: [Int], mask: [Float], normaliser: Float
    ) -> (loss: Double, logProbabilities: [Float]) {
        precondition(mask.count == targets.count, "loss: \(mask.count) mask entries for \(targets.count) targets")
        let logProbabilities = logProbabilities(logits: logits, targets: targets)
        var sum = 0.0
        for t in targets.indices where mask[t] != 0 {
            precondition(targets[t] >= 0, "loss: row \(t) has no target but a mask of \(mask[t])")
            sum -= Double(mask[t]) * Double(logProbabilities[t])
        }
        return (sum / Double(normaliser), logProbabilities)
    }

    /// dL/dlogits of `loss`: row t is mask_t/normaliser · (softmax_t − onehot(target_t)).
    public static func lossGradient(
        logits: Tensor, targets: [Int], mask: [Float], normaliser: Float, into gradient: inout Tensor
    ) {
        logProbabilityGradient(logits: logits, targets: targets,
                               coefficients: mask.map { -$0 / normaliser }, into: &gradient)
    }

    /// The gradient of Σ_t c_t·log p_t(target_t) with respect to the logits,
    /// row t being c_t·(onehot(target_t) − softmax_t): the one backward any
    /// loss built on target log-probabilities needs (cross-entropy with
    /// c = −mask/normaliser; a policy gradient with c = advantage × ratio …).
    /// Rows with c_t = 0 are zero.
    public static func logProbabilityGradient(
        logits: Tensor, targets: [Int], coefficients: [Float], into gradient: inout Tensor
    ) {
        precondition(logits.rank == 2 && targets.count == logits.shape[0] && coefficients.count == targets.count,
                     "logProbabilityGradient: \(targets.count) targets, \(coefficients.count) coefficients, logits \(logits.shape)")
        let v = logits.shape[1]
        gradient.resize(to: logits.shape)
        logits.scalars.withUnsafeBufferPointer { x in
            gradient.scalars.withUnsafeMutableBufferPointer { g in
                for t in targets.indices {
                    let (row, out) = (x.baseAddress! + t * v, g.baseAddress! + t * v)
                    let c = coefficients[t]
                    guard c != 0 else {
                        out.update(repeating: 0, count: v)
                        continue
                    }
                    precondition(targets[t] >= 0 && targets[t] < v, "row \(t): target \(targets[t]) with coefficient \(c)")
                    let (m, logSum) = logSumExp(row, count: v)
                    for j in 0..<v { out[j] = -c * exp((row[j] - m) - logSum) }
                    out[targets[t]] += c
                }
            }
        }
    }

    /// The row's maximum m and log Σ exp(x − m).
    @inline(__always)
    static func logSumExp(_ row: UnsafePointer<Float>, count: Int) -> (Float, Float) {
        var m = -Float.infinity
        for j in 0..<count { m = max(m, row[j]) }
        var s: Float = 0
        for j in 0..<count { s += exp(row[j] - m) }
        return (m, log(s))
    }
}
