/// The training hyperparameters, named and defaulted as in CleanRL's
/// `ppo.py` (flags `--total-timesteps`, `--learning-rate`, …), plus the
/// algorithm and what the critic-free ones add (`--group-size`, `--kl-coef`).
public struct PPOConfig: Codable, Sendable, Equatable {
    public var algorithm: PolicyAlgorithmKind = .ppo
    /// Critic-free algorithms: rollouts per problem (environments that share a start).
    public var groupSize: Int = 1
    /// Critic-free algorithms: weight of the k3 KL penalty to the frozen
    /// reference policy (the actor as RL began), in the loss; 0 turns it off.
    public var klCoef: Double = 0
    public var seed: UInt64 = 1
    public var totalTimesteps: Int = 500_000
    public var learningRate: Double = 2.5e-4
    /// Parallel environments; each update collects numEnvs × numSteps samples.
    public var numEnvs: Int = 4
    public var numSteps: Int = 128
    public var annealLR: Bool = true
    public var gamma: Double = 0.99
    public var gaeLambda: Double = 0.95
    public var numMinibatches: Int = 4
    public var updateEpochs: Int = 4
    public var normAdv: Bool = true
    public var clipCoef: Double = 0.2
    public var clipVloss: Bool = true
    public var entCoef: Double = 0.01
    public var vfCoef: Double = 0.5
    public var maxGradNorm: Double = 0.5
    /// Stop the update's epochs early once approx-KL exceeds this (nil: never).
    public var targetKL: Double? = nil
    /// Rollout threads; the envs are split between them as evenly as possible.
    public var workers: Int = 1

    public init() {}

    /// Env steps per update: numEnvs × numSteps (critic-free algorithms
    /// collect whole episodes, so their updates may hold a few steps more).
    public var batchSize: Int { numEnvs * numSteps }
    public var minibatchSize: Int { batchSize / numMinibatches }
    public var numUpdates: Int { totalTimesteps / batchSize }

    /// Checks every setting; the error is one line naming the flag.
    public func validate() throws(ConfigError) {
        func positive(_ value: Int, _ flag: String) throws(ConfigError) {
            if value <= 0 { throw ConfigError("--\(flag) must be a positive integer, got \(value)") }
        }
        func finite(_ value: Double, _ flag: String, _ range: ClosedRange<Double>, _ rule: String) throws(ConfigError) {
            if !value.isFinite || !range.contains(value) { throw ConfigError("--\(flag) must be \(rule), got \(value)") }
        }
        try positive(workers, "workers")
        try positive(totalTimesteps, "total-timesteps")
        try positive(numEnvs, "num-envs")
        try positive(numSteps, "num-steps")
        try positive(numMinibatches, "num-minibatches")
        try positive(updateEpochs, "update-epochs")
        if workers > 1024 { throw ConfigError("--workers must be at most 1024, got \(workers)") }
        // Bounded before numEnvs × numSteps is formed: huge values used to
        // overflow that product and trap instead of being refused.
        if numEnvs > 1_000_000 { throw ConfigError("--num-envs must be at most 1000000, got \(numEnvs)") }
        if numSteps > 1_000_000 { throw ConfigError("--num-steps must be at most 1000000, got \(numSteps)") }
        if numEnvs * numSteps > 1_000_000_000 {
            throw ConfigError("--num-envs × --num-steps must be at most 1000000000 samples per update, got \(numEnvs) × \(numSteps)")
        }
        if workers > numEnvs {
            throw ConfigError("--workers \(workers) exceeds --num-envs \(numEnvs): every worker needs at least one environment")
        }
        if batchSize % numMinibatches != 0 || minibatchSize == 0 {
            throw ConfigError("--num-minibatches \(numMinibatches) must divide the batch of \(batchSize) samples (num-envs × num-steps)")
        }
        if numUpdates == 0 {
            throw ConfigError("--total-timesteps \(totalTimesteps) is less than one batch of \(batchSize) samples (num-envs × num-steps)")
        }
        try finite(learningRate, "learning-rate", Double.leastNonzeroMagnitude...1e3, "a number in (0, 1000]")
        try finite(gamma, "gamma", 0...1, "in [0, 1]")
        try finite(gaeLambda, "gae-lambda", 0...1, "in [0, 1]")
        try finite(clipCoef, "clip-coef", Double.leastNonzeroMagnitude...1e6, "a number in (0, 1e6]")
        try finite(entCoef, "ent-coef", 0...1e6, "a number in [0, 1e6]")
        try finite(vfCoef, "vf-coef", 0...1e6, "a number in [0, 1e6]")
        try finite(maxGradNorm, "max-grad-norm", Double.leastNonzeroMagnitude...1e12, "a number in (0, 1e12]")
        if let kl = targetKL { try finite(kl, "target-kl", Double.leastNonzeroMagnitude...1e12, "a number in (0, 1e12]") }
        try finite(klCoef, "kl-coef", 0...1e6, "a number in [0, 1e6]")
        if algorithm.usesCritic {
            if groupSize != 1 {
                throw ConfigError("--group-size is for the critic-free algorithms (\(PolicyAlgorithmKind.criticFreeNames)), not \(algorithm.rawValue)")
            }
            if klCoef != 0 {
                throw ConfigError("--kl-coef is for the critic-free algorithms (\(PolicyAlgorithmKind.criticFreeNames)), not \(algorithm.rawValue)")
            }
        } else {
            if groupSize < 2 || groupSize > 4096 {
                throw ConfigError("--group-size must be between 2 and 4096 for \(algorithm.rawValue), got \(groupSize)")
            }
            if numEnvs % groupSize != 0 {
                throw ConfigError("--group-size \(groupSize) must divide --num-envs \(numEnvs): every environment belongs to one group")
            }
            if workers > numEnvs / groupSize {
                throw ConfigError("--workers \(workers) exceeds the \(numEnvs / groupSize) groups of --group-size \(groupSize): a group never spans workers")
            }
        }
    }
}

/// A configuration mistake, described in one line.
public struct ConfigError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension PPOConfig {
    private enum CodingKeys: String, CodingKey {
        case algorithm, groupSize, klCoef, seed, totalTimesteps, learningRate, numEnvs, numSteps, annealLR, gamma, gaeLambda
        case numMinibatches, updateEpochs, normAdv, clipCoef, clipVloss, entCoef, vfCoef, maxGradNorm, targetKL, workers
    }

    /// Keys missing from a `config.json` written before they existed take
    /// their defaults (PPO, no groups, no KL); the network's keys that older
    /// files hold here (`hidden`, `activation`) are read by `RunConfig`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = PPOConfig()
        algorithm = try c.decodeIfPresent(PolicyAlgorithmKind.self, forKey: .algorithm) ?? d.algorithm
        groupSize = try c.decodeIfPresent(Int.self, forKey: .groupSize) ?? d.groupSize
        klCoef = try c.decodeIfPresent(Double.self, forKey: .klCoef) ?? d.klCoef
        seed = try c.decode(UInt64.self, forKey: .seed)
        totalTimesteps = try c.decode(Int.self, forKey: .totalTimesteps)
        learningRate = try c.decode(Double.self, forKey: .learningRate)
        numEnvs = try c.decode(Int.self, forKey: .numEnvs)
        numSteps = try c.decode(Int.self, forKey: .numSteps)
        annealLR = try c.decode(Bool.self, forKey: .annealLR)
        gamma = try c.decode(Double.self, forKey: .gamma)
        gaeLambda = try c.decode(Double.self, forKey: .gaeLambda)
        numMinibatches = try c.decode(Int.self, forKey: .numMinibatches)
        updateEpochs = try c.decode(Int.self, forKey: .updateEpochs)
        normAdv = try c.decode(Bool.self, forKey: .normAdv)
        clipCoef = try c.decode(Double.self, forKey: .clipCoef)
        clipVloss = try c.decode(Bool.self, forKey: .clipVloss)
        entCoef = try c.decode(Double.self, forKey: .entCoef)
        vfCoef = try c.decode(Double.self, forKey: .vfCoef)
        maxGradNorm = try c.decode(Double.self, forKey: .maxGradNorm)
        targetKL = try c.decodeIfPresent(Double.self, forKey: .targetKL)
        workers = try c.decode(Int.self, forKey: .workers)
    }
}
