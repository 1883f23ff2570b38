import Tensor

/// One pre-LayerNorm block with its two residual adds:
/// h = x + Attention(LN₁(x)); out = h + FeedForward(LN₂(h)).
public struct TransformerBlock: Sendable, Codable, Equatable {
    public var norm1: LayerNorm
    public var attention: CausalSelfAttention
    public var norm2: LayerNorm
    public var feedForward: FeedForward

    init<G: RandomNumberGenerator>(dModel: Int, heads: Int, layers: Int, rng: inout G) {
        let projectionStd = 0.02 / Double(2 * layers).squareRoot()
        norm1 = LayerNorm(size: dModel)
        attention = CausalSelfAttention(dModel: dModel, heads: heads, projectionStd: projectionStd, rng: &rng)
        norm2 = LayerNorm(size: dModel)
        feedForward = FeedForward(dModel: dModel, projectionStd: projectionStd, rng: &rng)
    }

    /// out ← block(x), keeping every intermediate in `a` for the backward pass.
    func forward(
        _ x: UnsafePointer<Float>, sequences: SequenceLayout, activations a: BlockActivations,
        into out: UnsafeMutablePointer<Float>, blas: BLAS
    ) {
        let rows = sequences.totalTokens, d = norm1.size
        norm1.forward(x, rows: rows, into: a.norm1, mean: a.norm1Mean, rstd: a.norm1Rstd)
        a.middle.update(from: x, count: rows * d)  // the skip path; attention adds onto it
        attention.forward(a.norm1, sequences: sequences, qkvOut: a.qkv, probabilities: a.probabilities,
                          headsOut: a.heads, addingInto: a.middle, blas: blas)
        norm2.forward(a.middle, rows: rows, into: a.norm2, mean: a.norm2Mean, rstd: a.norm2Rstd)
        out.update(from: a.middle, count: rows * d)
        feedForward.forward(a.norm2, rows: rows, preActivation: a.preActivation, activation: a.activation,
                            addingInto: out, blas: blas)
    }

    /// `dResidual` holds dL/dout on entry and dL/dx on return: each branch's
    /// input gradient passes back through its LayerNorm, which adds it onto
    /// the skip path's gradient already there.
    mutating func backward(
        _ x: UnsafePointer<Float>, sequences: SequenceLayout, activations a: BlockActivations,
        residualGradient dResidual: UnsafeMutablePointer<Float>, scratch s: BackwardScratch, blas: BLAS
    ) {
        let rows = sequences.totalTokens
        feedForward.backward(a.norm2, outputGradient: dResidual, rows: rows, preActivation: a.preActivation,
                             activation: a.activation, dHidden: s.dHidden, inputGradient: s.dNorm, blas: blas)
        norm2.backward(a.middle, outputGradient: s.dNorm, rows: rows, mean: a.norm2Mean, rstd: a.norm2Rstd,
                       inputGradient: dResidual)
        attention.backward(a.norm1, outputGradient: dResidual, sequences: sequences, qkvOut: a.qkv,
                           probabilities: a.probabilities, headsOut: a.heads, dy: s.dHeads, dqkv: s.dqkv,
                           dScores: s.dScores, inputGradient: s.dNorm, blas: blas)
        norm1.backward(x, outputGradient: s.dNorm, rows: rows, mean: a.norm1Mean, rstd: a.norm1Rstd,
                       inputGradient: dResidual)
    }
}

/// One block's saved activations: views into the workspace's storage.
struct BlockActivations {
    var norm1, norm1Mean, norm1Rstd, qkv, probabilities, heads, middle: UnsafeMutablePointer<Float>
    var norm2, norm2Mean, norm2Rstd, preActivation, activation: UnsafeMutablePointer<Float>

    /// Carves the buffers for `rows` tokens out of `next` (a bump allocator).
    init(_ next: (Int) -> UnsafeMutablePointer<Float>, rows: Int, width d: Int, probabilityCount: Int) {
        norm1 = next(rows * d)
        norm1Mean = next(rows)
        norm1Rstd = next(rows)
        qkv = next(rows * 3 * d)
        probabilities = next(probabilityCount)
        heads = next(rows * d)
        middle = next(rows * d)
        norm2 = next(rows * d)
        norm2Mean = next(rows)
        norm2Rstd = next(rows)
        preActivation = next(rows * 4 * d)
        activation = next(rows * 4 * d)
    }

    static func count(rows: Int, width d: Int, probabilityCount: Int) -> Int {
        rows * (15 * d + 4) + probabilityCount  // the sizes init takes, summed
    }
}

/// The backward pass's scratch buffers, shared by every block.
struct BackwardScratch {
    var dNorm, dHeads, dqkv, dScores, dHidden: UnsafeMutablePointer<Float>

    init(_ next: (Int) -> UnsafeMutablePointer<Float>, rows: Int, width d: Int, longest: Int) {
        dNorm = next(rows * d)
        dHeads = next(rows * d)
        dqkv = next(rows * 3 * d)
        dScores = next(longest * longest)
        dHidden = next(rows * 4 * d)
    }

    static func count(rows: Int, width d: Int, longest: Int) -> Int { rows * 9 * d + longest * longest }
}
