import Tensor

/// Keys and values of every layer for a batch of sequences being decoded,
/// one slot per sequence, each slot with its own length (no padding): a slot
/// holds up to `context` positions of [dModel] keys and values per layer.
/// Also holds the decode step's scratch rows, so a decoding thread owns one
/// cache and a step allocates nothing but its logits.
public struct KVCache: Sendable {
    public let config: TransformerConfig
    public let slots: Int
    /// Tokens cached in each slot: the position the slot's next token takes.
    public internal(set) var lengths: [Int]
    /// [layers, slots, context, dModel] each.
    var keys: [Float]
    var values: [Float]
    var scratch: [Float]
    /// The GEMM backend; `BLAS.shared` except in tests that compare backends.
    public let blas: BLAS

    public init(config: TransformerConfig, slots: Int, blas: BLAS = .shared) {
        precondition(slots > 0, "KVCache needs at least one slot")
        self.config = config
        self.slots = slots
        self.blas = blas
        lengths = Array(repeating: 0, count: slots)
        let size = config.layers * slots * config.context * config.dModel
        keys = [Float](repeating: 0, count: size)
        values = [Float](repeating: 0, count: size)
        scratch = [Float](repeating: 0, count: DecodeBuffers.count(rows: slots, config))
    }

    /// Forgets every slot's tokens (the memory is kept).
    public mutating func reset() {
        for s in lengths.indices { lengths[s] = 0 }
    }

    /// Where (layer, slot, position)'s key or value row starts.
    func offset(layer: Int, slot: Int, position: Int) -> Int {
        ((layer * slots + slot) * config.context + position) * config.dModel
    }
}

/// The decode step's rows, carved out of the cache's scratch.
struct DecodeBuffers {
    var residual, normed, qkv, heads, preActivation, activation, mean, rstd, scores: UnsafeMutablePointer<Float>

    init(_ base: UnsafeMutablePointer<Float>, rows: Int, _ c: TransformerConfig) {
        var offset = 0
        func next(_ n: Int) -> UnsafeMutablePointer<Float> {
            defer { offset += n }
            return base + offset
        }
        let d = c.dModel
        residual = next(rows * d)
        normed = next(rows * d)
        qkv = next(rows * 3 * d)
        heads = next(rows * d)
        preActivation = next(rows * 4 * d)
        activation = next(rows * 4 * d)
        mean = next(rows)
        rstd = next(rows)
        scores = next(c.heads * c.context)
    }

    static func count(rows: Int, _ c: TransformerConfig) -> Int { rows * (14 * c.dModel + 2) + c.heads * c.context }
}
