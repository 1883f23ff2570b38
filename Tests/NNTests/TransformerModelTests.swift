import Foundation
import XCTest
import Tensor
@testable import NN

/// The model as a whole: its size, its config's checks, its initialisation,
/// saving and loading, packing, and the KV cache against full recomputation.
final class TransformerModelTests: XCTestCase {
    /// The PyTorch prototype's count at vocabulary 18, context 64, d 64, 4 heads, 3 layers.
    func testParameterCountMatchesThePrototype() throws {
        let config = try TransformerConfig()
        var rng = TestRNG(state: 1)
        let model = Transformer(config: config, rng: &rng)
        XCTAssertEqual(model.parameterCount, 156_480)
        XCTAssertEqual(config.parameterCount(), 156_480)
        XCTAssertEqual(config.parameterCount(includingEmbeddings: false), 156_480 - (18 + 64) * 64)
        XCTAssertEqual(model.parameterSizes.count, 2 + 12 * 3 + 3)
        XCTAssertEqual(model.architecture, "transformer-v18-c64-l3-d64-h4")
    }

    func testConfigIsValidated() {
        XCTAssertThrowsError(try TransformerConfig(dModel: 64, heads: 5)) {
            XCTAssertEqual($0 as? TransformerConfigError, .headsDoNotDivideWidth(heads: 5, dModel: 64))
        }
        XCTAssertThrowsError(try TransformerConfig(layers: 0))
        XCTAssertThrowsError(try TransformerConfig(vocabularySize: -1))
        let bad = Data(#"{"vocabularySize":18,"context":64,"layers":3,"dModel":64,"heads":3}"#.utf8)
        XCTAssertThrowsError(try JSONDecoder().decode(TransformerConfig.self, from: bad))
    }

    /// GPT-2's init: std 0.02, residual projections 0.02/√(2L), biases 0, LayerNorm 1 and 0;
    /// the same seed gives the same model.
    func testInitialisation() throws {
        let config = try TransformerConfig()
        var rng = TestRNG(state: 2), again = TestRNG(state: 2)
        let model = Transformer(config: config, rng: &rng)
        XCTAssertEqual(model, Transformer(config: config, rng: &again))
        func std(_ t: Tensor) -> Double {
            let n = Double(t.count)
            let mean = t.scalars.reduce(0.0) { $0 + Double($1) } / n
            return (t.scalars.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n).squareRoot()
        }
        let block = model.blocks[1]
        XCTAssertEqual(std(model.embedding.token.value), 0.02, accuracy: 0.002)
        XCTAssertEqual(std(block.attention.qkv.weight.value), 0.02, accuracy: 0.001)
        XCTAssertEqual(std(block.feedForward.expand.weight.value), 0.02, accuracy: 0.001)
        XCTAssertEqual(std(block.attention.projection.weight.value), 0.02 / 6.0.squareRoot(), accuracy: 0.0005)
        XCTAssertEqual(std(block.feedForward.contract.weight.value), 0.02 / 6.0.squareRoot(), accuracy: 0.0005)
        XCTAssertEqual(block.attention.qkv.bias.value.squaredNorm(), 0)
        XCTAssertEqual(block.norm2.weight.value.scalars, [Float](repeating: 1, count: 64))
        XCTAssertEqual(model.finalNorm.bias.value.squaredNorm(), 0)
    }

    /// Codable round trip, flat save/load, and a damaged checkpoint refused.
    func testSavingAndLoading() throws {
        let config = try TransformerConfig(vocabularySize: 7, context: 8, layers: 2, dModel: 8, heads: 2)
        var rng = TestRNG(state: 3)
        let model = Transformer(config: config, rng: &rng)
        let data = try JSONEncoder().encode(model)
        XCTAssertEqual(try JSONDecoder().decode(Transformer.self, from: data), model)
        var other = Transformer(config: config, rng: &rng)
        XCTAssertNotEqual(other.flatParameters(), model.flatParameters())
        try other.loadFlatParameters(model.flatParameters())
        XCTAssertEqual(other.flatParameters(), model.flatParameters())
        var damaged = model
        damaged.blocks.removeLast()
        XCTAssertThrowsError(try JSONDecoder().decode(Transformer.self, from: JSONEncoder().encode(damaged)))
    }

    /// A packed batch computes what each sequence computes alone.
    func testPackingEqualsSequencesAlone() throws {
        let config = try TransformerConfig(vocabularySize: 9, context: 10, layers: 2, dModel: 16, heads: 4)
        var rng = TestRNG(state: 4)
        let model = scaled(Transformer(config: config, rng: &rng))
        let sequences = [[1, 2, 3, 4, 5, 6, 7], [8], [0, 0, 3, 8]]
        var ws = Transformer.Workspace()
        let packed = model.forward(TokenBatch(sequences), workspace: &ws)
        var row = 0
        for sequence in sequences {
            let alone = model.forward(TokenBatch([sequence]), workspace: &ws)
            for i in 0..<alone.count {
                XCTAssertEqual(packed.scalars[row * 9 + i], alone.scalars[i], accuracy: 1e-5)
            }
            row += sequence.count
        }
    }

    /// Weights large enough that attention and the MLP are far from linear.
    func scaled(_ model: Transformer) -> Transformer {
        var model = model
        model.updateEachParameter { _, p in if p.value.rank == 2 { p.value.scale(by: 25) } }
        return model
    }

    /// Incremental decoding with the KV cache gives the logits of recomputing
    /// every sequence in full, to 1e-5, over random sequences of mixed
    /// lengths with mixed prompt lengths, on each GEMM backend available.
    func testKVCacheEqualsFullRecomputation() throws {
        var backends = [BLAS.swift]
        if let openBLAS = try? BLAS.openBLAS() { backends.append(openBLAS) }
        let config = try TransformerConfig(vocabularySize: 11, context: 24, layers: 3, dModel: 32, heads: 4)
        for blas in backends {
            var rng = TestRNG(state: 5)
            let model = scaled(Transformer(config: config, rng: &rng))
            let lengths = (0..<9).map { i in i == 0 ? 24 : 1 + Int(rng.next() % 24) }
            let sequences = lengths.map { n in (0..<n).map { _ in Int(rng.next() % 11) } }
            let promptLengths = lengths.map { 1 + Int(rng.next() % UInt64($0)) }
            var ws = Transformer.Workspace(blas: blas)
            let full = model.forward(TokenBatch(sequences), workspace: &ws)
            let starts = TokenBatch(sequences).starts
            var cache = KVCache(config: config, slots: 12, blas: blas)
            // Slots out of order, so that slot and sequence numbers differ.
            let slots = (0..<9).map { (5 * $0 + 2) % 12 }
            var worst: Float = 0
            func compare(_ logits: Tensor, row: Int, sequence s: Int, position p: Int) {
                for j in 0..<11 {
                    worst = max(worst, abs(logits.scalars[row * 11 + j] - full.scalars[(starts[s] + p) * 11 + j]))
                }
            }
            let prompts = TokenBatch(zip(sequences, promptLengths).map { Array($0.prefix($1)) })
            let first = model.prefill(prompts, slots: slots, cache: &cache, workspace: &ws)
            for s in 0..<9 { compare(first, row: s, sequence: s, position: promptLengths[s] - 1) }
            var position = promptLengths
            while true {
                let active = (0..<9).filter { position[$0] < lengths[$0] }
                if active.isEmpty { break }
                let logits = model.decode(active.map { sequences[$0][position[$0]] }, slots: active.map { slots[$0] }, cache: &cache)
                for (row, s) in active.enumerated() {
                    compare(logits, row: row, sequence: s, position: position[s])
                    position[s] += 1
                }
            }
            XCTAssertEqual(cache.lengths[slots[0]], 24)
            XCTAssertLessThan(worst, 1e-5, "\(blas.version)")
            XCTAssertGreaterThan(full.scalars.map(abs).max()!, 1)  // the logits are not all near zero
        }
    }

    /// Sampling: the same per-sequence generators give the same completions
    /// whether the sequences are sampled together or one by one; greedy is
    /// the argmax; log-probabilities are the model's.
    func testSamplingDoesNotDependOnBatching() throws {
        let config = try TransformerConfig(vocabularySize: 6, context: 12, layers: 2, dModel: 16, heads: 2)
        var rng = TestRNG(state: 6)
        let model = scaled(Transformer(config: config, rng: &rng))
        let prompts = [[1, 2], [3], [4, 4, 4, 0]]
        var cache = KVCache(config: config, slots: 3)
        var ws = Transformer.Workspace()
        var rngs = (0..<3).map { TestRNG(state: 100 + UInt64($0)) }
        let together = model.generate(prompts: TokenBatch(prompts), maxNewTokens: 20, temperature: 1, stopToken: 5,
                                      rngs: &rngs, cache: &cache, workspace: &ws)
        for (i, prompt) in prompts.enumerated() {
            var own = [TestRNG(state: 100 + UInt64(i))]
            let alone = model.generate(prompts: TokenBatch([prompt]), maxNewTokens: 20, temperature: 1, stopToken: 5,
                                       rngs: &own, cache: &cache, workspace: &ws)
            XCTAssertEqual(alone[0].tokens, together[i].tokens)
            XCTAssertEqual(alone[0].logProbabilities, together[i].logProbabilities)
            let sequence = prompt + together[i].tokens
            XCTAssertTrue(together[i].tokens.last == 5 || sequence.count == 12 || together[i].tokens.count == 20)
            // Log-probabilities are those of recomputing the whole sequence.
            let logits = model.forward(TokenBatch([sequence]), workspace: &ws)
            let targets = Array(sequence.dropFirst()) + [-1]
            let recomputed = SoftmaxCrossEntropy.logProbabilities(logits: logits, targets: targets)
            for (k, lp) in together[i].logProbabilities.enumerated() {
                XCTAssertEqual(lp, recomputed[prompt.count - 1 + k], accuracy: 1e-5)
            }
        }
        // Greedy: every token is the argmax of the recomputed logits.
        var unused = [TestRNG(state: 0)]
        let greedy = model.generate(prompts: TokenBatch([[1]]), maxNewTokens: 8, temperature: 0, rngs: &unused,
                                    cache: &cache, workspace: &ws)[0].tokens
        let logits = model.forward(TokenBatch([[1] + greedy]), workspace: &ws)
        for (k, token) in greedy.enumerated() {
            let row = logits.scalars[(k * 6)..<(k * 6 + 6)]
            XCTAssertEqual(token, row.firstIndex(of: row.max()!)! - k * 6)
        }
        XCTAssertEqual(unused[0].state, TestRNG(state: 0).state)  // greedy draws nothing
    }
}
