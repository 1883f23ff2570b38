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
}
