import Foundation
import Tensor

/// PPO's two losses on one minibatch, each returning its value and writing
/// its gradient with respect to the network output: the clipped surrogate
/// with entropy bonus (actor) and the optionally clipped value loss
/// (critic). The surrogate is shared by every algorithm of the PPO family.
enum PPOLoss {
    /// L_clip = mean_i max(−A_i·r_i, −A_i·clip(r_i, 1 − ε, 1 + ε)), r_i = π(a_i|s_i)/π_old(a_i|s_i),
    /// minus c_ent times the mean entropy. Writes dL/dlogits into `logitGradient`.
    ///
    /// `weighted`: every mean is the minibatch's `weights`-weighted mean
    /// instead (Σ w·x / Σ w). `klCoef` > 0 adds c_KL times the k3 estimate of
    /// KL(π‖π_ref) at the sampled action, exp(d) − d − 1 with
    /// d = log π_ref(a|s) − log π(a|s) (the minibatch's reference log-probabilities).
    static func policy(
        logits: Tensor, minibatch: Minibatch, clipCoef: Float, entCoef: Float,
        weighted: Bool = false, klCoef: Float = 0, logitGradient: inout Tensor
    ) -> PolicyLossTerms {
        let batch = logits.rows
        let actionCount = logits.columns
        precondition(batch == minibatch.size && minibatch.masks.count == batch * actionCount,
                     "policy loss: logits \(logits.shape) do not match a minibatch of \(minibatch.size)")
        logitGradient.resize(to: logits.shape)
        var terms = PolicyLossTerms()
        let weights = weighted ? minibatch.weights : []
        let totalWeight = minibatch.normalizer ?? (weighted ? weights.reduce(0.0) { $0 + Double($1) } : Double(batch))
        let inverseTotal = 1 / Float(totalWeight)
        let actions = minibatch.actions, oldLogProbabilities = minibatch.logProbabilities, advantages = minibatch.advantages
        let referenceLogProbabilities = minibatch.referenceLogProbabilities
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
                            let w: Float = weighted ? weights[i] : 1
                            terms.policyLoss += Double(w) * Double(max(unclipped, clipped))
                            terms.entropy += Double(w) * Double(entropy)
                            terms.approxKL += Double(w) * Double((ratio - 1) - logRatio)
                            if abs(ratio - 1) > clipCoef { terms.clipFraction += Double(w) }
                            // d max(…)/d log π(a): the unclipped branch is active when it is
                            // the larger; the clipped branch is flat outside the range.
                            var dLogProbability: Float = unclipped >= clipped ? unclipped : 0
                            if klCoef != 0 {
                                // k3 = e^d − d − 1, d = log π_ref(a) − log π(a): dk3/d log π(a) = 1 − e^d.
                                let d = referenceLogProbabilities[i] - lp[action]
                                terms.klToReference += Double(w) * Double(exp(d) - d - 1)
                                dLogProbability += klCoef * (1 - exp(d))
                            }
                            let scale = w * inverseTotal
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
                                dz[row + j] = (dPolicy - entCoef * dEntropy) * scale
                            }
                        }
                    }
                }
            }
        }
        terms.policyLoss /= totalWeight
        terms.entropy /= totalWeight
        terms.approxKL /= totalWeight
        terms.clipFraction /= totalWeight
        terms.klToReference /= totalWeight
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
        let count = minibatch.normalizer ?? Double(batch)
        valueGradient.resize(to: values.shape)
        var loss = 0.0
        let scale = vfCoef / Float(count)
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
        return loss / count
    }
}
