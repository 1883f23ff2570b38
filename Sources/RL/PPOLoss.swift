import Foundation
import Tensor

/// PPO's loss on one minibatch, split into the actor's part and the critic's
/// part (they share no parameters, so their gradients are independent), each
/// returning its value and its gradient with respect to the network output.
///
///   L = L_clip − c_ent · H + c_vf · L_V        (Schulman et al. 2017, eq. 9)
public enum PPOLoss {
    public struct PolicyTerms: Sendable, Equatable {
        /// The clipped surrogate, mean over the minibatch, as a loss (negated).
        public var policyLoss: Double = 0
        public var entropy: Double = 0
        /// mean((r − 1) − log r): the low-variance KL estimator (Schulman's k3).
        public var approxKL: Double = 0
        /// Fraction of samples whose ratio left [1 − ε, 1 + ε].
        public var clipFraction: Double = 0
        public init() {}
    }

    /// L_clip = mean_i max(−A_i·r_i, −A_i·clip(r_i, 1 − ε, 1 + ε)), r_i = π(a_i|s_i)/π_old(a_i|s_i),
    /// minus c_ent times the mean entropy. Writes dL/dlogits into `logitGradient`.
    public static func policy(
        logits: Tensor, masks: UnsafePointer<Bool>, actions: UnsafePointer<Int32>,
        oldLogProbabilities: UnsafePointer<Float>, advantages: UnsafePointer<Float>,
        clipCoef: Float, entCoef: Float, logitGradient: inout Tensor
    ) -> PolicyTerms {
        let batch = logits.rows
        let actionCount = logits.columns
        logitGradient.resize(to: logits.shape)
        var terms = PolicyTerms()
        let inverseBatch = 1 / Float(batch)
        logits.scalars.withUnsafeBufferPointer { z in
            logitGradient.scalars.withUnsafeMutableBufferPointer { dz in
                withUnsafeTemporaryAllocation(of: Float.self, capacity: actionCount) { logProbabilities in
                    let lp = logProbabilities.baseAddress!
                    for i in 0..<batch {
                        let row = i * actionCount
                        let mask = masks + row
                        let entropy = MaskedCategorical.logProbabilities(
                            logits: z.baseAddress! + row, mask: mask, count: actionCount, into: lp)
                        let action = Int(actions[i])
                        let logRatio = lp[action] - oldLogProbabilities[i]
                        let ratio = exp(logRatio)
                        let advantage = advantages[i]
                        let unclipped = -advantage * ratio
                        let clipped = -advantage * min(max(ratio, 1 - clipCoef), 1 + clipCoef)
                        terms.policyLoss += Double(max(unclipped, clipped))
                        terms.entropy += Double(entropy)
                        terms.approxKL += Double((ratio - 1) - logRatio)
                        if abs(ratio - 1) > clipCoef { terms.clipFraction += 1 }
                        // d max(…)/d log π(a): the unclipped branch is active when it is
                        // the larger; the clipped branch is flat outside the range.
                        let dLogProbability: Float = unclipped >= clipped ? unclipped : 0
                        for j in 0..<actionCount {
                            guard mask[j] else {
                                dz[row + j] = 0
                                continue
                            }
                            let p = exp(lp[j])
                            // d log π(a)/dz_j = 1[j = a] − p_j
                            let dPolicy = dLogProbability * ((j == action ? 1 : 0) - p)
                            // dH/dz_j = −p_j (log p_j + H)
                            let dEntropy = -p * (lp[j] + entropy)
                            dz[row + j] = (dPolicy - entCoef * dEntropy) * inverseBatch
                        }
                    }
                }
            }
        }
        let n = Double(batch)
        terms.policyLoss /= n
        terms.entropy /= n
        terms.approxKL /= n
        terms.clipFraction /= n
        return terms
    }

    /// L_V = ½·mean((V − R)²), or with value clipping (CleanRL's `clip_vloss`)
    /// ½·mean(max((V − R)², (V_old + clip(V − V_old, −ε, ε) − R)²)).
    /// Writes d(c_vf·L_V)/dV into `valueGradient`; returns L_V.
    public static func value(
        values: Tensor, oldValues: UnsafePointer<Float>, returns: UnsafePointer<Float>,
        clipCoef: Float, clipValueLoss: Bool, vfCoef: Float, valueGradient: inout Tensor
    ) -> Double {
        let batch = values.count
        valueGradient.resize(to: values.shape)
        var loss = 0.0
        let scale = vfCoef / Float(batch)
        values.scalars.withUnsafeBufferPointer { v in
            valueGradient.scalars.withUnsafeMutableBufferPointer { dv in
                for i in 0..<batch {
                    let error = v[i] - returns[i]
                    if clipValueLoss {
                        let change = v[i] - oldValues[i]
                        let clippedError = oldValues[i] + min(max(change, -clipCoef), clipCoef) - returns[i]
                        if error * error >= clippedError * clippedError {
                            loss += Double(0.5 * error * error)
                            dv[i] = scale * error
                        } else {
                            loss += Double(0.5 * clippedError * clippedError)
                            dv[i] = abs(change) < clipCoef ? scale * clippedError : 0
                        }
                    } else {
                        loss += Double(0.5 * error * error)
                        dv[i] = scale * error
                    }
                }
            }
        }
        return loss / Double(batch)
    }
}
