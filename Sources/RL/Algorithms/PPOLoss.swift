import Foundation
import Tensor

/// PPO's two losses on one minibatch, each returning its value and writing
/// its gradient with respect to the network output: the clipped surrogate
/// with entropy bonus (actor) and the optionally clipped value loss
/// (critic). The surrogate is shared by every algorithm of the PPO family.
enum PPOLoss {
    /// L_clip = mean_i max(−A_i·r_i, −A_i·clip(r_i, 1 − ε, 1 + ε)), r_i = π(a_i|s_i)/π_old(a_i|s_i),
    /// minus c_ent times the mean entropy. Writes dL/dlogits into `logitGradient`.
    static func policy(
        logits: Tensor, minibatch: Minibatch, clipCoef: Float, entCoef: Float, logitGradient: inout Tensor
    ) -> PolicyLossTerms {
        let batch = logits.rows
        let actionCount = logits.columns
        precondition(batch == minibatch.size && minibatch.masks.count == batch * actionCount,
                     "policy loss: logits \(logits.shape) do not match a minibatch of \(minibatch.size)")
        logitGradient.resize(to: logits.shape)
        var terms = PolicyLossTerms()
        let inverseBatch = 1 / Float(batch)
        let actions = minibatch.actions, oldLogProbabilities = minibatch.logProbabilities, advantages = minibatch.advantages
        minibatch.masks.withUnsafeBufferPointer { masks in
            logits.scalars.withUnsafeBufferPointer { z in
                logitGradient.scalars.withUnsafeMutableBufferPointer { dz in
                    withUnsafeTemporaryAllocation(of: Float.self, capacity: actionCount) { logProbabilities in
                        let lp = logProbabilities.baseAddress!
                        for i in 0..<batch {
                            let row = i * actionCount
                            let mask = masks.baseAddress! + row
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
    static func value(
        values: Tensor, minibatch: Minibatch, clipCoef: Float, clipValueLoss: Bool, vfCoef: Float,
        valueGradient: inout Tensor
    ) -> Double {
        let batch = values.count
        precondition(batch == minibatch.size, "value loss: \(batch) values for a minibatch of \(minibatch.size)")
        let oldValues = minibatch.values, returns = minibatch.returns
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
