/// PPO's hyperparameters, named and defaulted as in CleanRL's `ppo.py`
/// (flags `--total-timesteps`, `--learning-rate`, …).
public struct PPOConfig: Codable, Sendable, Equatable {
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
    public var hidden: [Int] = [64, 64]
    public var activation: String = "tanh"
    /// Rollout threads; the envs are split between them as evenly as possible.
    public var workers: Int = 1

    public init() {}

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
        try finite(learningRate, "learning-rate", Double.leastNonzeroMagnitude...1e3, "a positive finite number")
        try finite(gamma, "gamma", 0...1, "in [0, 1]")
        try finite(gaeLambda, "gae-lambda", 0...1, "in [0, 1]")
        try finite(clipCoef, "clip-coef", Double.leastNonzeroMagnitude...1e6, "a positive finite number")
        try finite(entCoef, "ent-coef", 0...1e6, "a non-negative finite number")
        try finite(vfCoef, "vf-coef", 0...1e6, "a non-negative finite number")
        try finite(maxGradNorm, "max-grad-norm", Double.leastNonzeroMagnitude...1e12, "a positive finite number")
        if let kl = targetKL { try finite(kl, "target-kl", Double.leastNonzeroMagnitude...1e12, "a positive finite number") }
        if hidden.isEmpty || hidden.contains(where: { $0 <= 0 || $0 > 65_536 }) {
            throw ConfigError("--hidden must list positive layer widths such as 64,64, got \(hidden.map(String.init).joined(separator: ","))")
        }
        if !["tanh", "relu"].contains(activation) {
            throw ConfigError("--activation must be tanh or relu, got \(activation)")
        }
    }
}

/// A configuration mistake, described in one line.
public struct ConfigError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
