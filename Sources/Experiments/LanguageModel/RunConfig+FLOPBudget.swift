import NN
import RL
import Environments

extension RunConfig {
    /// The SFT steps a FLOP budget buys a language-model run: the budget ÷
    /// the FLOPs of a mean SFT step over the run's own worked examples
    /// (forward, backward and Adam, as sft.csv's `flops` counts a step), at
    /// least one. An IsoFLOP sweep's `flop-budget` axis sets `--sft-steps`
    /// with it, so a larger model trains on fewer tokens. RL, if the run has
    /// any, is extra.
    public func sftSteps(forFLOPBudget budget: Double) throws -> Int {
        guard let settings = languageModel, let task = textTask else {
            throw ConfigError("a FLOP budget sets --sft-steps of a --policy transformer run on a text task")
        }
        let shape = try settings.transformerConfig(for: task)
        let lengths = settings.workedExamples(for: task, seed: ppo.seed).map { $0.prompt.count + $0.completion.count }
        let perExample = (shape.forwardFLOPs(sequenceLengths: lengths) + shape.backwardFLOPs(sequenceLengths: lengths))
            / Double(max(lengths.count, 1))
        let perStep = Double(settings.sft.batchSize) * perExample + Adam.flops(parameterCount: shape.parameterCount())
        return max(1, Int((budget / perStep).rounded()))
    }
}
