import Tensor

/// Learned token and position embeddings, x = wte[token] + wpe[position]:
/// the forward pass is two row look-ups, the backward pass two row
/// scatter-adds (GPT-2, untied from the output head).
public struct TokenPositionEmbedding: Sendable, Codable, Equatable {
    /// [vocabularySize, dModel]
    public var token: Parameter
    /// [context, dModel]
    public var position: Parameter

    init<G: RandomNumberGenerator>(vocabularySize: Int, context: Int, dModel: Int, rng: inout G) {
        token = Parameter(Initialization.normal(shape: [vocabularySize, dModel], std: 0.02, rng: &rng))
        position = Parameter(Initialization.normal(shape: [context, dModel], std: 0.02, rng: &rng))
    }

    var width: Int { token.value.shape[1] }

    /// Row r of `out` ← wte[tokens[r]] + wpe[positions[r]].
    func forward(tokens: [Int], positions: [Int], into out: UnsafeMutablePointer<Float>) {
        let d = width
        token.value.scalars.withUnsafeBufferPointer { wte in
            position.value.scalars.withUnsafeBufferPointer { wpe in
                for r in tokens.indices {
                    let (t, p, o) = (wte.baseAddress! + tokens[r] * d, wpe.baseAddress! + positions[r] * d, out + r * d)
                    for j in 0..<d { o[j] = t[j] + p[j] }
                }
            }
        }
    }

    /// wte[tokens[r]] += dout[r] and wpe[positions[r]] += dout[r], in row order.
    mutating func backward(tokens: [Int], positions: [Int], outputGradient dout: UnsafePointer<Float>) {
        let d = width
        token.gradient.scalars.withUnsafeMutableBufferPointer { gte in
            position.gradient.scalars.withUnsafeMutableBufferPointer { gpe in
                for r in tokens.indices {
                    let (t, p, g) = (gte.baseAddress! + tokens[r] * d, gpe.baseAddress! + positions[r] * d, dout + r * d)
                    for j in 0..<d {
                        t[j] += g[j]
                        p[j] += g[j]
                    }
                }
            }
        }
    }
}

extension TokenBatch {
    /// Each token's position within its own sequence (0, 1, … restarting per sequence).
    public var positions: [Int] {
        var positions: [Int] = []
        positions.reserveCapacity(totalTokens)
        for length in lengths { positions.append(contentsOf: 0..<length) }
        return positions
    }
}
