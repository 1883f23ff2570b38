import Tensor

extension Transformer {
    /// Everything one training pass produces: every block's activations (kept
    /// for the backward pass) and the backward pass's scratch, carved out of
    /// one flat buffer that only grows, so a steady-state step allocates
    /// (almost) nothing and never fights Swift's exclusivity rules over
    /// dozens of separate arrays. Each thread running the model owns one.
    public struct Workspace: Sendable {
        var storage: [Float] = []
        var sequences = SequenceLayout()
        var positions: [Int] = []
        /// The last forward pass's logits, [totalTokens, vocabularySize].
        public internal(set) var logits = Tensor(zeros: [0, 0])
        /// The GEMM backend; `BLAS.shared` except in tests that compare backends.
        public let blas: BLAS

        public init(blas: BLAS = .shared) { self.blas = blas }
    }
}

/// The workspace's buffers for one batch, as pointers into its storage, in
/// the order they are carved: the residual stream before each block and
/// after the last, each block's activations, the final LayerNorm, and the
/// backward pass's scratch and residual gradient.
struct TransformerBuffers {
    var residual: [UnsafeMutablePointer<Float>] = []
    var blocks: [BlockActivations] = []
    var finalNorm, finalMean, finalRstd: UnsafeMutablePointer<Float>
    var scratch: BackwardScratch
    var residualGradient: UnsafeMutablePointer<Float>

    static func count(_ c: TransformerConfig, _ s: SequenceLayout) -> Int {
        let (rows, d) = (s.totalTokens, c.dModel)
        return (c.layers + 1) * rows * d
            + c.layers * BlockActivations.count(rows: rows, width: d, probabilityCount: s.probabilityCount)
            + rows * (d + 2) + BackwardScratch.count(rows: rows, width: d, longest: s.longest) + rows * d
    }

    init(_ base: UnsafeMutablePointer<Float>, _ c: TransformerConfig, _ s: SequenceLayout) {
        var offset = 0
        func next(_ n: Int) -> UnsafeMutablePointer<Float> {
            defer { offset += n }
            return base + offset
        }
        let (rows, d) = (s.totalTokens, c.dModel)
        for _ in 0...c.layers { residual.append(next(rows * d)) }
        for _ in 0..<c.layers {
            blocks.append(BlockActivations(next, rows: rows, width: d, probabilityCount: s.probabilityCount))
        }
        finalNorm = next(rows * d)
        finalMean = next(rows)
        finalRstd = next(rows)
        scratch = BackwardScratch(next, rows: rows, width: d, longest: s.longest)
        residualGradient = next(rows * d)
        precondition(offset == Self.count(c, s), "TransformerBuffers: carved \(offset), counted \(Self.count(c, s))")
    }
}
