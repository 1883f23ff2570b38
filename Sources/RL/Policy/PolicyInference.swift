import Tensor
import NN

/// Acts with a trained actor one observation at a time: what evaluation,
/// `rltrain eval` and the demonstrations need. Greedy takes the most
/// probable available action; otherwise the action is sampled.
public struct PolicyInference<N: PolicyNetwork>: Sendable {
    public let network: N
    private var input: Tensor
    private var workspace = NetworkWorkspace()
    private var logProbabilities: [Float]
    /// logits / T, for sampling at a temperature other than 1.
    private var scaledLogits: [Float]

    public init(network: N) {
        self.network = network
        input = Tensor(zeros: [1, network.inputSize])
        logProbabilities = [Float](repeating: 0, count: network.outputSize)
        scaledLogits = [Float](repeating: 0, count: network.outputSize)
    }

    /// The action for one observation (`network.inputSize` floats) under its
    /// mask (`network.outputSize` flags, at least one set).
    public mutating func act(
        observation: UnsafeBufferPointer<Float>, mask: UnsafeBufferPointer<Bool>, greedy: Bool, rng: inout RNG
    ) -> Int {
        act(observation: observation, mask: mask, temperature: greedy ? 0 : 1, rng: &rng)
    }

    /// The action sampled from softmax(logits / `temperature`) under the
    /// mask; temperature 0 takes the most probable available action (and
    /// draws nothing from `rng`). At temperature 1 this is exactly the
    /// policy's own distribution, the logits untouched.
    public mutating func act(
        observation: UnsafeBufferPointer<Float>, mask: UnsafeBufferPointer<Bool>, temperature: Float, rng: inout RNG
    ) -> Int {
        precondition(temperature >= 0 && temperature.isFinite, "temperature must be finite and ≥ 0, got \(temperature)")
        precondition(observation.count == network.inputSize && mask.count == network.outputSize,
                     "policy input: \(observation.count) floats and \(mask.count) flags for a \(network.architecture) network")
        _ = input.scalars.withUnsafeMutableBufferPointer { $0.update(fromContentsOf: observation) }
        let logits = network.forward(input, workspace: &workspace)
        let count = network.outputSize
        let flags = mask.baseAddress!  // non-nil: the count matches a network output of at least one
        if temperature == 0 {
            return logits.scalars.withUnsafeBufferPointer { MaskedCategorical.mode(logits: $0.baseAddress!, mask: flags, count: count) }
        }
        if temperature != 1 {
            logits.scalars.withUnsafeBufferPointer { z in
                for j in 0..<count { scaledLogits[j] = z[j] / temperature }
            }
        }
        let source = temperature == 1 ? logits.scalars : scaledLogits
        return source.withUnsafeBufferPointer { z in
            logProbabilities.withUnsafeMutableBufferPointer { lp in
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
