import Tensor
import NN

/// Acts with a trained actor one observation at a time: what evaluation,
/// `rltrain eval` and the demonstrations need. Greedy takes the most
/// probable available action; otherwise the action is sampled.
public struct PolicyInference: Sendable {
    public let network: MLP
    private var input: Tensor
    private var workspace = MLP.Workspace()
    private var logProbabilities: [Float]

    public init(network: MLP) {
        self.network = network
        input = Tensor(zeros: [1, network.inputSize])
        logProbabilities = [Float](repeating: 0, count: network.outputSize)
    }

    /// The action for one observation (`network.inputSize` floats) under its
    /// mask (`network.outputSize` flags, at least one set).
    public mutating func act(
        observation: UnsafeBufferPointer<Float>, mask: UnsafeBufferPointer<Bool>, greedy: Bool, rng: inout RNG
    ) -> Int {
        precondition(observation.count == network.inputSize && mask.count == network.outputSize,
                     "policy input: \(observation.count) floats and \(mask.count) flags for a \(network.sizes) network")
        _ = input.scalars.withUnsafeMutableBufferPointer { $0.update(fromContentsOf: observation) }
        let logits = network.forward(input, workspace: &workspace)
        let count = network.outputSize
        let flags = mask.baseAddress!  // non-nil: the count matches a network output of at least one
        return logits.scalars.withUnsafeBufferPointer { z in
            if greedy { return MaskedCategorical.mode(logits: z.baseAddress!, mask: flags, count: count) }
            return logProbabilities.withUnsafeMutableBufferPointer { lp in
                _ = MaskedCategorical.logProbabilities(logits: z.baseAddress!, mask: flags, count: count, into: lp.baseAddress!)
                return MaskedCategorical.sample(logProbabilities: lp.baseAddress!, mask: flags, count: count, rng: &rng)
            }
        }
    }

    /// The same, for observations and masks held in arrays.
    public mutating func act(observation: [Float], mask: [Bool], greedy: Bool, rng: inout RNG) -> Int {
        observation.withUnsafeBufferPointer { obs in
            mask.withUnsafeBufferPointer { act(observation: obs, mask: $0, greedy: greedy, rng: &rng) }
        }
    }
}
