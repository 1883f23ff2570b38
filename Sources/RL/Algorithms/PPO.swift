import Tensor

/// Proximal Policy Optimization (Schulman et al. 2017) as CleanRL's `ppo.py`
/// runs it: advantages by GAE with a bootstrap through truncation (not
/// through termination), the clipped surrogate with an entropy bonus for
/// the actor, and the (optionally clipped) value loss for a separate critic:
///
///   L = L_clip − c_ent · H + c_vf · L_V        (Schulman et al. 2017, eq. 9)
///
/// The actor and the critic share no parameters, so their halves of L are
/// optimised side by side; the trainer clips their joint gradient norm.
struct PPO: PolicyAlgorithm {
    static let name = "ppo"
    static let rollout = RolloutKind.stepsWithCritic

    let gamma: Float
    let lambda: Float
    let clipCoef: Float
    let entCoef: Float
    let vfCoef: Float
    let clipValueLoss: Bool

    init(config: PPOConfig) {
        gamma = Float(config.gamma)
        lambda = Float(config.gaeLambda)
        clipCoef = Float(config.clipCoef)
        entCoef = Float(config.entCoef)
        vfCoef = Float(config.vfCoef)
        clipValueLoss = config.clipVloss
    }

    /// GAE over each environment's trajectory (contiguous in the buffer).
    func computeAdvantages(_ rollout: RolloutBuffer) {
        for env in 0..<rollout.numEnvs {
            let start = rollout.index(env: env, step: 0)
            GAE.advantages(
                rewards: rollout.rewards + start, values: rollout.values + start,
                nextValues: rollout.nextValues + start, terminated: rollout.terminated + start,
                episodeEnded: rollout.episodeEnded + start, count: rollout.numSteps, gamma: gamma, lambda: lambda,
                advantages: rollout.advantages + start, returns: rollout.returns + start)
        }
    }

    func policyLoss(logits: Tensor, minibatch: Minibatch, logitGradient: inout Tensor) -> PolicyLossTerms {
        PPOLoss.policy(logits: logits, minibatch: minibatch, clipCoef: clipCoef, entCoef: entCoef, logitGradient: &logitGradient)
    }

    func valueLoss(values: Tensor, minibatch: Minibatch, valueGradient: inout Tensor) -> Double {
        PPOLoss.value(
            values: values, minibatch: minibatch, clipCoef: clipCoef, clipValueLoss: clipValueLoss, vfCoef: vfCoef,
            valueGradient: &valueGradient)
    }
}
