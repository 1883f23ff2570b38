import RL
import RunStorage
import Environments

/// The columns of `progress.csv`. The common ones are DESIGN.md's, in its
/// order; each environment appends its own. Names never change silently: the
/// README documents every one.
public enum ProgressColumns {
    public static let common = [
        "update", "env_steps", "wall_seconds", "episodes", "episodic_return_mean", "success_rate",
        "policy_loss", "value_loss", "entropy", "approx_kl", "clipfrac", "explained_variance",
        "learning_rate", "sps", "flops", "rollout_seconds", "update_seconds", "update_flops",
        "gradient_noise_scale", "critic_gradient_noise_scale",
    ]

    /// Columns whose values depend on wall-clock time; everything else is
    /// reproducible to the bit.
    public static let wallClock: Set<String> = [
        "wall_seconds", "sps", "rollout_seconds", "update_seconds", "allreduce_seconds",
        "tokens_per_second", "sample_seconds", "score_seconds",  // the language-model policy's
    ]

    /// What the critic-free algorithms add: the fraction of problems whose
    /// group carried no signal, and the KL to the reference policy.
    public static let groupRollout = ["zero_advantage_groups", "kl_to_reference"]

    /// What a data-parallel run (`mpirun -np N`, N > 1) adds: the seconds
    /// rank 0 spent in the update's collectives (gradient allreduces, the
    /// loss and episode sums), waits for the other ranks included.
    public static let dataParallel = ["allreduce_seconds"]

    public static func all(
        for environment: any EnvironmentSettings.Type, algorithm: PolicyAlgorithmKind = .ppo, ranks: Int = 1
    ) -> [String] {
        common + (algorithm.usesCritic ? [] : groupRollout) + (ranks > 1 ? dataParallel : []) + environment.progressColumns
    }

    static func row(_ m: UpdateMetrics, wallSeconds: Double, sps: Double) -> [String: CSVField] {
        let number = { (x: Double) in CSVField(measured: x) }
        return [
            "update": .int(m.update), "env_steps": .int(m.envSteps), "wall_seconds": .double(wallSeconds),
            "episodes": .int(m.episodes), "episodic_return_mean": number(m.episodicReturnMean),
            "success_rate": number(m.successRate), "policy_loss": number(m.policyLoss),
            "value_loss": number(m.valueLoss), "entropy": number(m.entropy), "approx_kl": number(m.approxKL),
            "clipfrac": number(m.clipFraction), "explained_variance": number(m.explainedVariance),
            "learning_rate": number(m.learningRate), "sps": number(sps), "flops": number(m.flops),
            "rollout_seconds": .double(m.rolloutSeconds), "update_seconds": .double(m.updateSeconds),
            "update_flops": .double(m.optimisationFlops),
            "gradient_noise_scale": CSVField(measured: m.gradientNoiseScale),
            "critic_gradient_noise_scale": CSVField(measured: m.criticGradientNoiseScale),
        ]
    }

    /// The `groupRollout` columns of an update.
    static func groupRolloutFields(_ m: UpdateMetrics) -> [String: CSVField] {
        ["zero_advantage_groups": CSVField(measured: m.zeroAdvantageGroups), "kl_to_reference": CSVField(measured: m.klToReference)]
    }
}
