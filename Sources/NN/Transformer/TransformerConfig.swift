/// The shape of a GPT-style `Transformer`: vocabulary, context (the longest
/// sequence, hence the size of the position table), depth, width and heads.
///
/// Validated on construction and on decoding, so that a model built from a
/// config that exists can always run: every size positive, heads dividing
/// the width.
public struct TransformerConfig: Sendable, Codable, Equatable, Hashable, CustomStringConvertible {
    public let vocabularySize: Int
    public let context: Int
    public let layers: Int
    public let dModel: Int
    public let heads: Int

    /// The default is the size the PyTorch prototype was measured at
    /// (156,480 parameters).
    public init(vocabularySize: Int = 18, context: Int = 64, layers: Int = 3, dModel: Int = 64, heads: Int = 4)
        throws(TransformerConfigError)
    {
        self.vocabularySize = vocabularySize
        self.context = context
        self.layers = layers
        self.dModel = dModel
        self.heads = heads
        try validate()
    }

    enum CodingKeys: String, CodingKey { case vocabularySize, context, layers, dModel, heads }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            vocabularySize: c.decode(Int.self, forKey: .vocabularySize), context: c.decode(Int.self, forKey: .context),
            layers: c.decode(Int.self, forKey: .layers), dModel: c.decode(Int.self, forKey: .dModel),
            heads: c.decode(Int.self, forKey: .heads))
    }

    private func validate() throws(TransformerConfigError) {
        for (name, value) in [("vocabularySize", vocabularySize), ("context", context), ("layers", layers),
                              ("dModel", dModel), ("heads", heads)] where value <= 0 {
            throw .notPositive(name, value)
        }
        guard dModel % heads == 0 else { throw .headsDoNotDivideWidth(heads: heads, dModel: dModel) }
    }

    /// d / h, the width of one attention head.
    public var headSize: Int { dModel / heads }

    /// "v18-c64-l3-d64-h4", for messages and `Module.architecture`.
    public var description: String { "v\(vocabularySize)-c\(context)-l\(layers)-d\(dModel)-h\(heads)" }

    /// Parameters of a model of this shape; without embeddings (the token and
    /// position tables) is the count scaling laws use (Kaplan et al.).
    public func parameterCount(includingEmbeddings: Bool = true) -> Int {
        let d = dModel
        let layerNorm = 2 * d
        let block = layerNorm + (d * 3 * d + 3 * d) + (d * d + d) + layerNorm + (d * 4 * d + 4 * d) + (4 * d * d + d)
        let body = layers * block + layerNorm + d * vocabularySize  // final LN and the bias-free head
        return body + (includingEmbeddings ? (vocabularySize + context) * d : 0)
    }
}

public enum TransformerConfigError: Error, Equatable, CustomStringConvertible {
    case notPositive(String, Int)
    case headsDoNotDivideWidth(heads: Int, dModel: Int)

    public var description: String {
        switch self {
        case .notPositive(let name, let value): "transformer \(name) must be positive, got \(value)"
        case .headsDoNotDivideWidth(let heads, let dModel): "\(heads) heads do not divide dModel \(dModel)"
        }
    }
}
