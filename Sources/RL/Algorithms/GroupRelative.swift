import Tensor

/// What the critic-free algorithms share (GRPO, Dr. GRPO, RLOO): no value
/// network; each problem is attempted by a group of G episodes from the
/// same start; an episode's advantage is its return measured against its
/// group's, broadcast to every step of the episode; PPO's clipped ratio and
/// epochs stay, with an optional k3 KL penalty to a frozen reference policy.
///
/// The loss is a weighted mean over the minibatch's samples (tokens),
///   L = Σ_t w_t [ℓ_clip,t − c_ent·H_t + c_KL·k3_t] / Σ_t w_t,
/// with w_t = 1/|o| (the length of the episode the step belongs to) when the
/// algorithm normalises per sequence — every episode then weighs the same
/// whatever its length, as in GRPO — and w_t = 1 otherwise (every token
/// weighs the same: Dr. GRPO, RLOO). Minibatches are shuffled samples, as in
/// PPO, so the per-sequence weighting holds in expectation over a minibatch.
/// The language-model update (`GroupRelativeUpdate`) takes the same
/// advantages and weights over sampled completions.
public protocol GroupRelativeAlgorithm: PolicyAlgorithm {
    /// The advantages of one group's episodes from their returns.
    func advantages(returns: [Float]) -> [Float]
    /// Weight each step by 1/|o| (GRPO's per-sequence normalisation).
    var normalisesLength: Bool { get }
    var clipCoef: Float { get }
    var entCoef: Float { get }
    var klCoef: Float { get }
    init(clipCoef: Float, entCoef: Float, klCoef: Float)
}

extension GroupRelativeAlgorithm {
    static var rollout: RolloutKind { .groupsPerProblem }

    init(config: PPOConfig) {
        self.init(clipCoef: Float(config.clipCoef), entCoef: Float(config.entCoef), klCoef: Float(config.klCoef))
    }

    /// Groups the rollout's episodes by problem, gives each episode its
    /// advantage, and writes it (and the loss weight) to every one of its steps.
    func computeAdvantages(_ rollout: RolloutBuffer) {
        // A problem is (environment group, round): the episodes that started from one state.
        var members: [[Int]: [Int]] = [:]
        var order: [[Int]] = []
        for (e, episode) in rollout.episodes.enumerated() {
            let key = [episode.group, episode.round]
            if members[key] == nil { order.append(key) }
            members[key, default: []].append(e)
        }
        for key in order {
            let episodes = members[key] ?? []
            let advantages = advantages(returns: episodes.map { rollout.episodes[$0].episodicReturn })
            for (e, advantage) in zip(episodes, advantages) {
                let span = rollout.episodes[e]
                let weight: Float = normalisesLength ? 1 / Float(span.length) : 1
                for sample in span.start..<(span.start + span.length) {
                    rollout.advantages[sample] = advantage
                    rollout.weights[sample] = weight
                }
            }
        }
    }

    func policyLoss(logits: Tensor, minibatch: Minibatch, logitGradient: inout Tensor) -> PolicyLossTerms {
        PPOLoss.policy(
            logits: logits, minibatch: minibatch, clipCoef: clipCoef, entCoef: entCoef, weighted: true,
            klCoef: klCoef, logitGradient: &logitGradient)
    }

    /// The mean of the group's returns, and their (population) standard deviation.
    static func meanAndStd(_ returns: [Float]) -> (mean: Float, std: Float) {
        let n = Float(returns.count)
        let mean = returns.reduce(0, +) / n
        let variance = returns.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
        return (mean, variance.squareRoot())
    }
}
