import Foundation
import Tensor
import RL

/// A second algorithm, defined outside the library: REINFORCE (Williams
/// 1992) with the batch's mean return as the baseline,
///   L = −(1/N) Σ_t (R − b) log π(a_t|s_t),
/// one gradient step per batch (no ratio, no clipping). It plays whole
/// episodes, so it uses the trainer's grouped rollout; the groups' shared
/// starts do not matter to it.
struct REINFORCE: PolicyAlgorithm {
    static let name = "reinforce"
    static let rollout = RolloutKind.groupsPerProblem

    init(config: PPOConfig) {}

    /// Every step of an episode gets the episode's return minus the mean return of the batch.
    func computeAdvantages(_ rollout: RolloutBuffer) {
        let returns = rollout.episodes.map { Double($0.episodicReturn) }
        let baseline = returns.reduce(0, +) / Double(max(1, returns.count))
        for episode in rollout.episodes {
            for sample in episode.start..<(episode.start + episode.length) {
                rollout.advantages[sample] = episode.episodicReturn - Float(baseline)
                rollout.weights[sample] = 1
            }
        }
    }

    /// The score-function loss and its gradient at the logits:
    /// dL/dz = (A/N)(softmax(z) − onehot(a)), over the available actions.
    func policyLoss(logits: Tensor, minibatch: Minibatch, logitGradient: inout Tensor) -> PolicyLossTerms {
        let n = minibatch.size, k = minibatch.actionCount
        if logitGradient.shape != [n, k] { logitGradient = Tensor(zeros: [n, k]) }
        var terms = PolicyLossTerms()
        let z = logits.scalars
        for row in 0..<n {
            var maximum = -Float.infinity
            for j in 0..<k where minibatch.masks[row * k + j] { maximum = max(maximum, z[row * k + j]) }
            var total: Float = 0
            for j in 0..<k where minibatch.masks[row * k + j] { total += exp(z[row * k + j] - maximum) }
            let action = Int(minibatch.actions[row])
            let advantage = minibatch.advantages[row]
            for j in 0..<k {
                let p = minibatch.masks[row * k + j] ? exp(z[row * k + j] - maximum) / total : 0
                logitGradient.scalars[row * k + j] = advantage / Float(n) * (p - (j == action ? 1 : 0))
                if p > 0 { terms.entropy -= Double(p * log(p)) / Double(n) }
            }
            let logProbability = z[row * k + action] - maximum - log(total)
            terms.policyLoss -= Double(advantage * logProbability) / Double(n)
        }
        return terms
    }
}
