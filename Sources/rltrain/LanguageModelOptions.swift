import ArgumentParser
import Experiments

/// `--policy`: what reads the problem and acts.
enum PolicyKind: String, ExpressibleByArgument, CaseIterable {
    /// An MLP over the environment's observation (the default).
    case mlp
    /// A transformer language model that reads the problem as text and writes its own completion.
    case transformer
}

/// The language-model policy's flags (`--policy transformer`). Each is
/// optional: a flag left out keeps the default config.json records.
struct LanguageModelOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Policy: mlp (over the environment's observation; the default) or transformer (a language model that reads the problem as text and writes its answer, SFT then RL).")
    var policy: PolicyKind?
    @Option(parsing: .unconditional, help: "Transformer blocks (default 3).")
    var layers: Int?
    @Option(parsing: .unconditional, help: "Transformer width (default 64).")
    var dModel: Int?
    @Option(parsing: .unconditional, help: "Attention heads; must divide --d-model (default 4).")
    var heads: Int?
    @Option(parsing: .unconditional, help: "Longest sequence in tokens, prompt and completion (default 64).")
    var context: Int?
    @Option(parsing: .unconditional, help: "Worked examples SFT learns from (default 8192).")
    var sftExamples: Int?
    @Option(parsing: .unconditional, help: "SFT steps; 0 skips SFT (default 1500).")
    var sftSteps: Int?
    @Option(parsing: .unconditional, help: "Worked examples per SFT step (default 64).")
    var sftBatch: Int?
    @Option(parsing: .unconditional, help: "SFT's peak learning rate, after warm-up, before cosine decay (default 1e-3).")
    var sftLearningRate: Double?
    @Option(parsing: .unconditional, help: "Share of worked examples that show their working (THINK), the rest the answer alone (DIRECT); 0–1 (default 1).")
    var sftThinkFraction: Double?
    @Flag(help: "Stop after SFT and its evaluation.")
    var sftOnly = false
    @Option(parsing: .unconditional, help: "RL steps after SFT (default 200).")
    var rlSteps: Int?
    @Option(parsing: .unconditional, help: "Prompts per RL step, each completed --group-size times (default 32).")
    var promptsPerStep: Int?
    @Option(parsing: .unconditional, help: "Sampling temperature of RL's completions (default 1).")
    var temperature: Double?
    @Option(parsing: .unconditional, help: "Process reward: RL's reward gains this times the fraction of the working's steps that are right (default 0: the outcome alone).")
    var stepReward: Double?

    var isTransformer: Bool { policy == .transformer }

    /// The transformer's flags given, by name.
    var transformerFlagsGiven: [String] {
        [("layers", layers != nil), ("d-model", dModel != nil), ("heads", heads != nil), ("context", context != nil),
         ("sft-examples", sftExamples != nil), ("sft-steps", sftSteps != nil), ("sft-batch", sftBatch != nil),
         ("sft-learning-rate", sftLearningRate != nil), ("sft-think-fraction", sftThinkFraction != nil),
         ("sft-only", sftOnly), ("rl-steps", rlSteps != nil), ("prompts-per-step", promptsPerStep != nil),
         ("temperature", temperature != nil), ("step-reward", stepReward != nil),
        ].filter(\.1).map { "--\($0.0)" }
    }

    /// Every flag given (`--resume` accepts none).
    var flagsGiven: [String] { (policy != nil ? ["--policy"] : []) + transformerFlagsGiven }

    func apply(to s: inout LanguageModelSettings) {
        if let layers { s.layers = layers }
        if let dModel { s.dModel = dModel }
        if let heads { s.heads = heads }
        if let context { s.context = context }
        if let sftExamples { s.sftExamples = sftExamples }
        if let sftSteps { s.sft.steps = sftSteps }
        if let sftBatch { s.sft.batchSize = sftBatch }
        if let sftLearningRate { s.sft.learningRate = sftLearningRate }
        if let sftThinkFraction { s.sftThinkFraction = sftThinkFraction }
        if sftOnly { s.sftOnly = true }
        if let rlSteps { s.rlSteps = rlSteps }
        if let promptsPerStep { s.promptsPerStep = promptsPerStep }
        if let temperature { s.temperature = temperature }
        if let stepReward { s.stepReward = stepReward }
    }
}
