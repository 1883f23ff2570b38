import Tensor

/// What sets one policy-gradient algorithm apart from another, behind the
/// trainer's shared machinery (rollouts, minibatches, gradient clipping,
/// Adam, metrics, checkpoints): how advantages are made from a rollout,
/// the losses, and whether a critic is trained at all. PPO is one
/// conforming type in one file; a critic-free algorithm is another.
protocol PolicyAlgorithm: Sendable {
    /// Whether the algorithm trains a value network. Without one the
    /// rollout stores no values and the update has no value loss.
    var usesCritic: Bool { get }

    /// Stage 3 of an update: fills `rollout.advantages` (and, with a critic,
    /// `rollout.returns`, the value targets) from the rewards and values.
    func computeAdvantages(_ rollout: RolloutBuffer)

    /// Stage 5, actor half: the policy loss on one minibatch, with its
    /// gradient with respect to the logits written into `logitGradient`.
    func policyLoss(logits: Tensor, minibatch: Minibatch, logitGradient: inout Tensor) -> PolicyLossTerms

    /// Stage 5, critic half (critic algorithms only): the value loss, with
    /// its gradient with respect to the values written into `valueGradient`.
    func valueLoss(values: Tensor, minibatch: Minibatch, valueGradient: inout Tensor) -> Double
}

/// What the policy loss reports for one minibatch.
public struct PolicyLossTerms: Sendable, Equatable {
    /// The clipped surrogate, mean over the minibatch, as a loss (negated).
    public var policyLoss: Double = 0
    public var entropy: Double = 0
    /// mean((r − 1) − log r): the low-variance KL estimator (Schulman's k3).
    public var approxKL: Double = 0
    /// Fraction of samples whose ratio left [1 − ε, 1 + ε].
    public var clipFraction: Double = 0
    /// k3 estimate of KL(π‖π_ref) to the reference policy (0 without a KL penalty).
    public var klToReference: Double = 0
    public init() {}
}
