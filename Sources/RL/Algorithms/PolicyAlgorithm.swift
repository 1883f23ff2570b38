import Tensor

/// What sets one policy-gradient algorithm apart from another, behind the
/// trainer's shared machinery (rollouts, minibatches, gradient clipping,
/// Adam, metrics, checkpoints): how its rollouts are collected, how
/// advantages are made from them, and the losses. An algorithm is one
/// conforming type in one file, plus its line in `PolicyAlgorithmKind.registered`
/// for `--algo` (a test may build a trainer with one that is not registered).
public protocol PolicyAlgorithm: Sendable {
    /// The name `--algo` takes and config.json records ("ppo").
    static var name: String { get }
    /// How rollouts are collected, which decides whether a critic is
    /// trained, how minibatches are drawn, what ends a run and what an
    /// update reports about its rollout.
    static var rollout: RolloutKind { get }

    /// Built from the run's hyperparameters.
    init(config: PPOConfig)

    /// Stage 3 of an update: fills `rollout.advantages` (and, with a critic,
    /// `rollout.returns`, the value targets) from the rewards and values.
    func computeAdvantages(_ rollout: RolloutBuffer)

    /// Stage 5, actor half: the policy loss on one minibatch, with its
    /// gradient with respect to the logits written into `logitGradient`.
    func policyLoss(logits: Tensor, minibatch: Minibatch, logitGradient: inout Tensor) -> PolicyLossTerms

    /// Stage 5, critic half (algorithms whose rollout has a critic): the value
    /// loss, with its gradient with respect to the values written into `valueGradient`.
    func valueLoss(values: Tensor, minibatch: Minibatch, valueGradient: inout Tensor) -> Double
}

extension PolicyAlgorithm {
    public func valueLoss(values: Tensor, minibatch: Minibatch, valueGradient: inout Tensor) -> Double {
        preconditionFailure("\(Self.self) trains no critic")
    }
}

/// The two ways the trainer collects experience.
public enum RolloutKind: Sendable {
    /// numSteps steps of every environment per update, with a critic's value
    /// of every state (PPO). Updates hold a fixed number of steps, so a run
    /// lasts numUpdates updates; advantages are standardised per minibatch
    /// (--norm-adv); an update reports the critic's explained variance.
    case stepsWithCritic
    /// Whole episodes, in groups of --group-size that share a start (a
    /// problem attempted G times), with no critic (GRPO and its kin).
    /// Updates hold whole episodes, a varying number of steps, so a run
    /// lasts until total-timesteps env steps are done; an update reports the
    /// fraction of groups whose advantages are all zero.
    case groupsPerProblem

    public var usesCritic: Bool { self == .stepsWithCritic }

    /// The fraction of the run done before update `update` (1-based) starts:
    /// what the learning rate is annealed by.
    func fractionDone(update: Int, envSteps: Int, config: PPOConfig) -> Double {
        switch self {
        case .stepsWithCritic: Double(update - 1) / Double(config.numUpdates)
        case .groupsPerProblem: Double(envSteps) / Double(config.totalTimesteps)
        }
    }

    func isFinished(completedUpdates: Int, envSteps: Int, config: PPOConfig) -> Bool {
        switch self {
        case .stepsWithCritic: completedUpdates >= config.numUpdates
        case .groupsPerProblem: envSteps >= config.totalTimesteps
        }
    }
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
