import Tensor

/// A GPT-2-style decoder-only language model (llm.c's `train_gpt2.c` shape):
/// token + position embeddings, `layers` pre-LayerNorm blocks (causal
/// multi-head attention and a GELU MLP, each added onto the residual stream),
/// a final LayerNorm and an untied bias-free head to vocabulary logits.
///
/// Like `MLP`, the model holds only parameters; a caller-owned `Workspace`
/// holds a pass's activations (Transformer+Workspace.swift), and every layer's
/// forward pass sits next to its hand-written backward pass.
public struct Transformer: Module, Codable, Equatable {
    public let config: TransformerConfig
    public var embedding: TokenPositionEmbedding
    public var blocks: [TransformerBlock]
    public var finalNorm: LayerNorm
    public var head: OutputHead

    /// GPT-2's initialisation (nanoGPT's `_init_weights`): weights normal(0,
    /// 0.02), the residual output projections (attention's and the MLP's
    /// second layer) normal(0, 0.02/√(2L)), biases 0, LayerNorms weight 1 and
    /// bias 0. Drawn in parameter order from `rng` alone, so a seed fixes it.
    public init<G: RandomNumberGenerator>(config: TransformerConfig, rng: inout G) {
        self.config = config
        embedding = TokenPositionEmbedding(
            vocabularySize: config.vocabularySize, context: config.context, dModel: config.dModel, rng: &rng)
        blocks = (0..<config.layers).map { _ in
            TransformerBlock(dModel: config.dModel, heads: config.heads, layers: config.layers, rng: &rng)
        }
        finalNorm = LayerNorm(size: config.dModel)
        head = OutputHead(dModel: config.dModel, vocabularySize: config.vocabularySize, rng: &rng)
    }

    enum CodingKeys: String, CodingKey { case config, embedding, blocks, finalNorm, head }

    /// Refuses parameters whose shapes are not the config's (a damaged
    /// checkpoint), so that a model that decodes can always run.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        config = try c.decode(TransformerConfig.self, forKey: .config)
        embedding = try c.decode(TokenPositionEmbedding.self, forKey: .embedding)
        blocks = try c.decode([TransformerBlock].self, forKey: .blocks)
        finalNorm = try c.decode(LayerNorm.self, forKey: .finalNorm)
        head = try c.decode(OutputHead.self, forKey: .head)
        var shapes: [[Int]] = []
        forEachParameter { _, p in shapes.append(p.value.shape) }
        guard shapes == Self.parameterShapes(config), blocks.allSatisfy({ $0.attention.heads == config.heads }) else {
            throw DecodingError.dataCorruptedError(
                forKey: .blocks, in: c, debugDescription: "parameter shapes do not match transformer \(config)")
        }
    }

    public var architecture: String { "transformer-\(config)" }

    /// The shape of every parameter in visiting order.
    static func parameterShapes(_ c: TransformerConfig) -> [[Int]] {
        let d = c.dModel
        let block = [[d], [d], [d, 3 * d], [3 * d], [d, d], [d], [d], [d], [d, 4 * d], [4 * d], [4 * d, d], [d]]
        return [[c.vocabularySize, d], [c.context, d]] + Array(repeating: block, count: c.layers).flatMap { $0 }
            + [[d], [d], [d, c.vocabularySize]]
    }

    /// Every parameter in visiting order: token and position tables; per
    /// block LN₁ (w, b), qkv (W, b), attention projection (W, b), LN₂ (w, b),
    /// MLP expand (W, b), MLP contract (W, b); final LN (w, b); head W.
    /// One list for both visitors, so they cannot disagree.
    var parameterPaths: [WritableKeyPath<Transformer, Parameter>] {
        var paths: [WritableKeyPath<Transformer, Parameter>] = [\.embedding.token, \.embedding.position]
        for l in blocks.indices {
            paths += [
                \.blocks[l].norm1.weight, \.blocks[l].norm1.bias,
                \.blocks[l].attention.qkv.weight, \.blocks[l].attention.qkv.bias,
                \.blocks[l].attention.projection.weight, \.blocks[l].attention.projection.bias,
                \.blocks[l].norm2.weight, \.blocks[l].norm2.bias,
                \.blocks[l].feedForward.expand.weight, \.blocks[l].feedForward.expand.bias,
                \.blocks[l].feedForward.contract.weight, \.blocks[l].feedForward.contract.bias,
            ]
        }
        return paths + [\.finalNorm.weight, \.finalNorm.bias, \.head.weight]
    }

    public mutating func updateEachParameter(_ body: (Int, inout Parameter) throws -> Void) rethrows {
        for (i, path) in parameterPaths.enumerated() { try body(i, &self[keyPath: path]) }
    }

    public func forEachParameter(_ body: (Int, Parameter) throws -> Void) rethrows {
        for (i, path) in parameterPaths.enumerated() { try body(i, self[keyPath: path]) }
    }
}
