import ArgumentParser
import NN
import RL

extension PolicyAlgorithmKind: ExpressibleByArgument {}

/// PPO's flags, with CleanRL's names. Each is optional: a flag left out keeps
/// the environment's default (shown in config.json). Every value is taken
/// `.unconditional`ly, so that `--learning-rate -1` reaches validation (and
/// its message with the allowed range) instead of "-1" being read as a flag.
struct PPOOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: ArgumentHelp("Algorithm: ppo (with a critic; the default), or the critic-free \(PolicyAlgorithmKind.criticFreeNames), which sample groups of episodes per problem.", valueName: "name"))
    var algo: PolicyAlgorithmKind?
    @Option(parsing: .unconditional, help: "Critic-free algorithms: episodes per problem, all from the same start (default 8).")
    var groupSize: Int?
    @Option(parsing: .unconditional, help: "Critic-free algorithms: weight of the KL penalty to the policy as RL began (k3 estimator, in the loss; default 0).")
    var klCoef: Double?
    @Option(parsing: .unconditional, help: "Seed of every random stream (envs, actions, shuffles, init): an integer from 0 to 2^64 − 1.", transform: PPOOptions.seed)
    var seed: UInt64?
    @Option(parsing: .unconditional, help: ArgumentHelp("Environment steps to train for (default \(HelpText.totalTimestepsDefault))."))
    var totalTimesteps: Int?
    @Option(parsing: .unconditional, help: "Adam learning rate (default 2.5e-4).")
    var learningRate: Double?
    @Option(parsing: .unconditional, help: "Parallel environments in all (default: workers × envs-per-worker).")
    var numEnvs: Int?
    @Option(parsing: .unconditional, help: "Steps per environment per rollout (default 128).")
    var numSteps: Int?
    @Option(parsing: .unconditional, help: "Anneal the learning rate linearly to 0: true or false (default true).")
    var annealLr: Bool?
    @Option(parsing: .unconditional, help: ArgumentHelp("Discount factor γ in [0, 1] (default \(HelpText.gammaDefault))."))
    var gamma: Double?
    @Option(parsing: .unconditional, help: "GAE λ in [0, 1] (default 0.95).")
    var gaeLambda: Double?
    @Option(parsing: .unconditional, help: "Minibatches per epoch (default 4).")
    var numMinibatches: Int?
    @Option(parsing: .unconditional, help: "Epochs over each rollout (default 4).")
    var updateEpochs: Int?
    @Option(parsing: .unconditional, help: "Normalise advantages per minibatch: true or false (default true).")
    var normAdv: Bool?
    @Option(parsing: .unconditional, help: "Surrogate clipping ε (default 0.2).")
    var clipCoef: Double?
    @Option(parsing: .unconditional, help: "Clip the value loss too: true or false (default true).")
    var clipVloss: Bool?
    @Option(parsing: .unconditional, help: "Entropy bonus coefficient (default 0.01).")
    var entCoef: Double?
    @Option(parsing: .unconditional, help: "Value loss coefficient (default 0.5).")
    var vfCoef: Double?
    @Option(parsing: .unconditional, help: "Global gradient-norm clip (default 0.5).")
    var maxGradNorm: Double?
    @Option(parsing: .unconditional, help: "Stop an update's epochs once approx-KL exceeds this (default: off).")
    var targetKl: Double?
    @Option(parsing: .unconditional, help: ArgumentHelp("Hidden layer widths (default 64,64).", valueName: "w1,w2,…"))
    var hidden: LayerWidths?
    @Option(parsing: .unconditional, help: "Hidden activation: tanh or relu (default tanh).")
    var activation: String?
    @Option(parsing: .unconditional, help: "Rollout worker threads (1–1024, at most num-envs; default 1).")
    var workers: Int?
    @Option(parsing: .unconditional, help: ArgumentHelp("Environments per worker when --num-envs is not given (default \(HelpText.envsPerWorkerDefault))."))
    var envsPerWorker: Int?

    /// Every flag given, by name (`--resume` accepts none of them).
    var flagsGiven: [String] {
        let given: [(String, Bool)] = [
            ("algo", algo != nil), ("group-size", groupSize != nil), ("kl-coef", klCoef != nil), ("seed", seed != nil),
            ("total-timesteps", totalTimesteps != nil), ("learning-rate", learningRate != nil), ("num-envs", numEnvs != nil),
            ("num-steps", numSteps != nil), ("anneal-lr", annealLr != nil), ("gamma", gamma != nil),
            ("gae-lambda", gaeLambda != nil), ("num-minibatches", numMinibatches != nil), ("update-epochs", updateEpochs != nil),
            ("norm-adv", normAdv != nil), ("clip-coef", clipCoef != nil), ("clip-vloss", clipVloss != nil),
            ("ent-coef", entCoef != nil), ("vf-coef", vfCoef != nil), ("max-grad-norm", maxGradNorm != nil),
            ("target-kl", targetKl != nil), ("hidden", hidden != nil), ("activation", activation != nil),
            ("workers", workers != nil), ("envs-per-worker", envsPerWorker != nil),
        ]
        return given.filter(\.1).map { "--\($0.0)" }
    }

    /// Flags of the MLP policy's rollouts and networks, refused with the
    /// transformer (which samples completions of prompts instead).
    var mlpOnlyFlagsGiven: [String] {
        [("total-timesteps", totalTimesteps != nil), ("num-envs", numEnvs != nil), ("num-steps", numSteps != nil),
         ("anneal-lr", annealLr != nil), ("num-minibatches", numMinibatches != nil), ("ent-coef", entCoef != nil),
         ("target-kl", targetKl != nil), ("hidden", hidden != nil), ("activation", activation != nil),
         ("envs-per-worker", envsPerWorker != nil)].filter(\.1).map { "--\($0.0)" } + criticOnlyFlagsGiven
    }

    /// Flags that have no effect without a critic, refused with a critic-free algorithm.
    var criticOnlyFlagsGiven: [String] {
        [("gamma", gamma != nil), ("gae-lambda", gaeLambda != nil), ("vf-coef", vfCoef != nil),
         ("clip-vloss", clipVloss != nil), ("norm-adv", normAdv != nil)].filter(\.1).map { "--\($0.0)" }
    }

    func validate() throws {
        if let algo, !algo.usesCritic, let flag = criticOnlyFlagsGiven.first {
            throw ValidationError("\(flag) has no effect with --algo \(algo.rawValue), which trains no critic (its advantages come from each group's returns)")
        }
    }

    /// The architecture flags, onto the networks' settings.
    func apply(to network: inout MLPSettings) {
        if let hidden { network.hidden = hidden.widths }
        if let activation { network.activation = activation }
    }

    func apply(to c: inout PPOConfig, envsPerWorker perWorker: inout Int) {
        if let algo { c.algorithm = algo }
        if !c.algorithm.usesCritic { c.groupSize = groupSize ?? 8 } else if let groupSize { c.groupSize = groupSize }
        if let klCoef { c.klCoef = klCoef }
        if let seed { c.seed = seed }
        if let totalTimesteps { c.totalTimesteps = totalTimesteps }
        if let learningRate { c.learningRate = learningRate }
        if let numSteps { c.numSteps = numSteps }
        if let annealLr { c.annealLR = annealLr }
        if let gamma { c.gamma = gamma }
        if let gaeLambda { c.gaeLambda = gaeLambda }
        if let numMinibatches { c.numMinibatches = numMinibatches }
        if let updateEpochs { c.updateEpochs = updateEpochs }
        if let normAdv { c.normAdv = normAdv }
        if let clipCoef { c.clipCoef = clipCoef }
        if let clipVloss { c.clipVloss = clipVloss }
        if let entCoef { c.entCoef = entCoef }
        if let vfCoef { c.vfCoef = vfCoef }
        if let maxGradNorm { c.maxGradNorm = maxGradNorm }
        if let targetKl { c.targetKL = targetKl }
        if let workers { c.workers = workers }
        // More workers mean more data per update, unless --num-envs fixes the total.
        if let envsPerWorker { perWorker = envsPerWorker }
        // Saturating: absurd values are refused by validation, not by an overflow trap.
        // Critic-free algorithms: every environment of the PPO setting becomes a group.
        let (perWorkerEnvs, overflow1) = perWorker.multipliedReportingOverflow(by: c.groupSize)
        let (product, overflow2) = c.workers.multipliedReportingOverflow(by: perWorkerEnvs)
        c.numEnvs = numEnvs ?? (overflow1 || overflow2 ? Int.max : product)
    }
}

extension PPOOptions {
    /// `--seed`: argument-parser's own message would not say the range.
    @Sendable static func seed(_ text: String) throws -> UInt64 {
        guard let value = UInt64(text) else {
            throw ValidationError("--seed must be an integer from 0 to \(UInt64.max), got '\(text)'")
        }
        return value
    }
}

/// `--hidden 64,64`.
struct LayerWidths: ExpressibleByArgument {
    let widths: [Int]
    init?(argument: String) {
        let texts = argument.split(separator: ",", omittingEmptySubsequences: false)
        let parts = texts.compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.count == texts.count else { return nil }
        widths = parts
    }
}
