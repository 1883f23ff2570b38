import XCTest
import NN
import Tensor
@testable import RL

final class CompletionSamplerTests: XCTestCase {
    /// Each prompt's generator decides its tokens: how prompts fall to
    /// workers and cache slots changes nothing.
    func testWorkersAndSlotsDoNotChangeTheCompletions() throws {
        let model = try GroupRelativeUpdateTests.tinyModel()
        let prompts = (0..<11).map { [$0 % 5, ($0 * 3) % 5] }
        func sample(workers: Int, slots: Int, temperature: Float) -> [Transformer.Completion] {
            var sampler = CompletionSampler(config: model.config, workers: workers, slotsPerWorker: slots)
            var rngs = prompts.indices.map { RNG(seed: 4).stream("completion", $0) }
            return sampler.sample(model, prompts: prompts, maxNewTokens: 6, temperature: temperature, stopToken: 5, rngs: &rngs)
        }
        for temperature: Float in [0, 1] {
            let one = sample(workers: 1, slots: 64, temperature: temperature)
            XCTAssertEqual(one.count, prompts.count)
            XCTAssertTrue(one.allSatisfy { !$0.tokens.isEmpty && $0.tokens.count <= 6 && $0.tokens.count == $0.logProbabilities.count })
            XCTAssertEqual(sample(workers: 3, slots: 2, temperature: temperature), one, "temperature \(temperature)")
            XCTAssertEqual(sample(workers: 1, slots: 64, temperature: temperature), one, "same seed, same tokens")
        }
    }

    /// Chunks whose KV cache fits about 1 MiB, unless not even 8 sequences'
    /// do (then the weights' reuse decides: as many as the cache has slots).
    func testChunksKeepTheirKVCacheInL2WhereEightSequencesFit() throws {
        let small = try TransformerConfig(vocabularySize: 19, context: 64, layers: 3, dModel: 64, heads: 4)
        // 2 (keys, values) × 3 layers × 32 positions × 64 floats × 4 bytes = 48 KiB per sequence.
        XCTAssertEqual(CompletionSampler.chunkSize(config: small, sequenceLength: 32, slots: 256), 21)
        XCTAssertEqual(CompletionSampler.chunkSize(config: small, sequenceLength: 32, slots: 16), 16, "never above the slots")
        XCTAssertEqual(CompletionSampler.chunkSize(config: small, sequenceLength: 500, slots: 256), 10, "the context bounds a sequence")
        let large = try TransformerConfig(vocabularySize: 19, context: 64, layers: 4, dModel: 256, heads: 8)
        XCTAssertEqual(CompletionSampler.chunkSize(config: large, sequenceLength: 32, slots: 256), 256)
    }
}
