import NN
import RL
import Environments

/// The language-model policy of a run (`--policy transformer`): its shape,
/// supervised fine-tuning on worked examples, then RL on the verifiable
/// reward. The RL algorithm and its hyperparameters (`--algo`,
/// `--group-size`, `--kl-coef`, `--learning-rate`, `--clip-coef`,
/// `--update-epochs`, `--max-grad-norm`, `--seed`, `--workers`) stay in the
/// run's PPOConfig, where the MLP policy reads them too.
public struct LanguageModelSettings: Codable, Sendable, Equatable {
    // The transformer (defaults: the prototype's 0.16 M-parameter model).
    public var layers = 3
    public var dModel = 64
    public var heads = 4
    public var context = 64

    // Supervised fine-tuning.
    /// Worked examples SFT draws its batches from.
    public var sftExamples = 8192
    /// The share of worked examples written THINK (the rest DIRECT).
    public var sftThinkFraction = 1.0
    public var sft = SupervisedFineTuning()
    /// Stop after SFT (and its evaluation).
    public var sftOnly = false

    // RL on the verifiable reward.
    public var rlSteps = 200
    /// Prompts per RL step; each is sampled `groupSize` times.
    public var promptsPerStep = 32
    /// Sampling temperature of RL's completions.
    public var temperature = 1.0
    /// A process reward: RL's reward gains this times the fraction of the
    /// completion's working steps the task's step checker labels right (0
    /// for a completion without working); 0 pays the outcome alone.
    public var stepReward = 0.0

    public init() {}

    /// The RL defaults that differ from the MLP's, as the prototype measured
    /// them: Dr. GRPO's advantages (r − mean) and token sum, two passes per
    /// batch, Adam at 5e-5 (3e-4 broke the working), clipping at norm 1.
    static func adjustDefaults(_ ppo: inout PPOConfig) {
        ppo.algorithm = .drGRPO
        ppo.groupSize = 8
        ppo.learningRate = 5e-5
        ppo.updateEpochs = 2
        ppo.maxGradNorm = 1
    }

    /// SFT's worked examples on `task`: the run's seed and these settings alone fix them.
    func workedExamples<Task: TextTask>(for task: Task, seed: UInt64) -> [TextExample] {
        var exampleSeed = RNG(seed: seed).stream("worked-examples")
        return task.workedExamples(count: sftExamples, seed: exampleSeed.next(), mix: .mixed(thinkFraction: sftThinkFraction))
    }

    /// The transformer these settings build for `task` (its vocabulary sets the embedding and output sizes).
    public func transformerConfig(for task: some TextTask) throws(TransformerConfigError) -> TransformerConfig {
        try TransformerConfig(vocabularySize: task.vocabulary.count, context: context, layers: layers, dModel: dModel, heads: heads)
    }

    /// The first problem with settings that cannot run, in one line.
    public func validationError() -> String? {
        for (flag, value) in [("--layers", layers), ("--d-model", dModel), ("--heads", heads), ("--context", context),
                              ("--sft-batch", sft.batchSize), ("--prompts-per-step", promptsPerStep)] where value <= 0 {
            return "\(flag) must be a positive integer, got \(value)"
        }
        for (flag, value) in [("--sft-steps", sft.steps), ("--rl-steps", rlSteps), ("--sft-examples", sftExamples)] where value < 0 {
            return "\(flag) must be 0 or a positive integer, got \(value)"
        }
        if dModel % heads != 0 { return "--heads \(heads) does not divide --d-model \(dModel)" }
        if layers > 64 || dModel > 4096 || context > 4096 || heads > dModel {
            return "the transformer is too large: --layers at most 64, --d-model and --context at most 4096"
        }
        if sft.steps > 0 && sftExamples == 0 { return "--sft-examples 0 gives SFT nothing to learn from; give examples or --sft-steps 0" }
        if !(0...1).contains(sftThinkFraction) { return "--sft-think-fraction must be within 0-1, got \(sftThinkFraction)" }
        if !(sft.learningRate > 0 && sft.learningRate < 1) { return "--sft-learning-rate must be in (0, 1), got \(sft.learningRate)" }
        if !(temperature > 0 && temperature <= 10) { return "--temperature must be in (0, 10], got \(temperature)" }
        if !(0...10).contains(stepReward) { return "--step-reward must be within 0-10, got \(stepReward)" }
        if sftExamples > 10_000_000 || sft.steps > 10_000_000 || rlSteps > 10_000_000 || sft.batchSize > 100_000
            || promptsPerStep > 100_000 {
            return "a count is out of range: examples, steps and batches at most 10,000,000, 100,000 per batch"
        }
        return nil
    }
}

extension LanguageModelSettings {
    enum CodingKeys: String, CodingKey {
        case layers, dModel, heads, context, sftExamples, sftThinkFraction, sft, sftOnly, rlSteps, promptsPerStep, temperature, stepReward
    }

    /// Reads config.json; a run written before `stepReward` existed paid the outcome alone.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        layers = try c.decode(Int.self, forKey: .layers)
        dModel = try c.decode(Int.self, forKey: .dModel)
        heads = try c.decode(Int.self, forKey: .heads)
        context = try c.decode(Int.self, forKey: .context)
        sftExamples = try c.decode(Int.self, forKey: .sftExamples)
        sftThinkFraction = try c.decode(Double.self, forKey: .sftThinkFraction)
        sft = try c.decode(SupervisedFineTuning.self, forKey: .sft)
        sftOnly = try c.decode(Bool.self, forKey: .sftOnly)
        rlSteps = try c.decode(Int.self, forKey: .rlSteps)
        promptsPerStep = try c.decode(Int.self, forKey: .promptsPerStep)
        temperature = try c.decode(Double.self, forKey: .temperature)
        stepReward = try c.decodeIfPresent(Double.self, forKey: .stepReward) ?? 0
    }
}
