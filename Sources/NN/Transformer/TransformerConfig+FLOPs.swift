/// Floating-point operations of a training pass over a packed batch, for the
/// `flops` column and compute budgets: matrix products at 2 per
/// multiply-add, attention's causal products counted over the pairs it needs
/// (j ≤ i; the GEMMs compute the full square, so the machine does up to twice
/// that), and element-wise work at MLP's rates (GELU like tanh, 20 per element).
extension TransformerConfig {
    public func forwardFLOPs(sequenceLengths: [Int]) -> Double {
        let d = Double(dModel), tokens = Double(sequenceLengths.reduce(0, +))
        let perTokenLayer = Linear.forwardFLOPs(inputs: dModel, outputs: 3 * dModel, batch: 1)
            + Linear.forwardFLOPs(inputs: dModel, outputs: dModel, batch: 1)
            + Linear.forwardFLOPs(inputs: dModel, outputs: 4 * dModel, batch: 1)
            + Linear.forwardFLOPs(inputs: 4 * dModel, outputs: dModel, batch: 1)
            + 2 * LayerNorm.forwardFLOPs(size: dModel) + Double(GELU.flopsPerElement) * 4 * d + 2 * d
        let perToken = Double(layers) * perTokenLayer + LayerNorm.forwardFLOPs(size: dModel)
            + 2 * d * Double(vocabularySize) + d
        return tokens * perToken + Double(layers) * attentionFLOPs(sequenceLengths, backward: false)
    }

    public func backwardFLOPs(sequenceLengths: [Int]) -> Double {
        let d = Double(dModel), tokens = Double(sequenceLengths.reduce(0, +))
        let perTokenLayer = Linear.backwardFLOPs(inputs: dModel, outputs: 3 * dModel, batch: 1, inputGradient: true)
            + Linear.backwardFLOPs(inputs: dModel, outputs: dModel, batch: 1, inputGradient: true)
            + Linear.backwardFLOPs(inputs: dModel, outputs: 4 * dModel, batch: 1, inputGradient: true)
            + Linear.backwardFLOPs(inputs: 4 * dModel, outputs: dModel, batch: 1, inputGradient: true)
            + 2 * LayerNorm.backwardFLOPs(size: dModel) + 2 * Double(GELU.flopsPerElement) * 4 * d
        let perToken = Double(layers) * perTokenLayer + LayerNorm.backwardFLOPs(size: dModel)
            + 4 * d * Double(vocabularySize) + 2 * d
        return tokens * perToken + Double(layers) * attentionFLOPs(sequenceLengths, backward: true)
    }

    /// One layer's attention: QKᵀ and P·V over the n(n+1)/2 causal pairs of
    /// each head (2·d·n(n+1) in all) plus the softmax (≈5 per pair per head);
    /// the backward pass has four such products (dP, dV, dQ, dK) and a
    /// softmax backward of ≈4 per pair.
    func attentionFLOPs(_ lengths: [Int], backward: Bool) -> Double {
        lengths.reduce(0.0) { sum, n in
            let pairs = Double(n * (n + 1)) / 2
            return sum + (backward ? 2 : 1) * 4 * Double(dModel) * pairs + (backward ? 4 : 5) * Double(heads) * pairs
        }
    }
}
