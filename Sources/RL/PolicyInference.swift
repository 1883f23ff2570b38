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

    public mutating func act(
        observation: UnsafePointer<Float>, mask: UnsafePointer<Bool>, greedy: Bool, rng: inout RNG
    ) -> Int {
        let size = network.inputSize
        input.scalars.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: observation, count: size) }
        let logits = network.forward(input, workspace: &workspace)
        let count = network.outputSize
        return logits.scalars.withUnsafeBufferPointer { z in
            if greedy { return MaskedCategorical.mode(logits: z.baseAddress!, mask: mask, count: count) }
            return logProbabilities.withUnsafeMutableBufferPointer { lp in
                _ = MaskedCategorical.logProbabilities(logits: z.baseAddress!, mask: mask, count: count, into: lp.baseAddress!)
                return MaskedCategorical.sample(logProbabilities: lp.baseAddress!, mask: mask, count: count, rng: &rng)
            }
        }
    }
}
