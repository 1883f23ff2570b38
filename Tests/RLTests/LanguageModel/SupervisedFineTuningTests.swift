import XCTest
import NN
@testable import RL

final class SupervisedFineTuningTests: XCTestCase {
    func testLearningRateWarmsUpThenDecaysToItsFinalFraction() {
        var sft = SupervisedFineTuning()
        (sft.steps, sft.warmupSteps, sft.learningRate, sft.finalLearningRateFraction) = (100, 10, 1e-3, 0.1)
        XCTAssertEqual(sft.learningRate(at: 0), 1e-4, accuracy: 1e-12)
        XCTAssertEqual(sft.learningRate(at: 9), 1e-3, accuracy: 1e-12)
        XCTAssertEqual(sft.learningRate(at: 10), 1e-3, accuracy: 1e-12)
        XCTAssertEqual(sft.learningRate(at: 55), 0.55e-3, accuracy: 1e-9)  // half-way down the cosine
        XCTAssertEqual(sft.learningRate(at: 100), 1e-4, accuracy: 1e-12)
        let rates = (10..<100).map(sft.learningRate(at:))
        XCTAssertTrue(zip(rates, rates.dropFirst()).allSatisfy { $0 >= $1 })
    }

    /// Steps on one fixed example drive its completion loss down; the prompt
    /// carries no loss (its tokens are not counted).
    func testStepsLowerTheCompletionLoss() throws {
        var model = try GroupRelativeUpdateTests.tinyModel()
        var sft = SupervisedFineTuning()
        (sft.steps, sft.warmupSteps, sft.learningRate) = (60, 1, 1e-2)
        var optimizer = sft.makeOptimizer()
        var workspace = Transformer.Workspace()
        let examples = [(prompt: [0, 1, 2], completion: [3, 4, 5]), (prompt: [2, 2], completion: [1, 5])]
        let logs = (0..<60).map { sft.step(&model, on: examples, step: $0, optimizer: &optimizer, workspace: &workspace) }
        XCTAssertEqual(logs[0].completionTokens, 5)
        XCTAssertEqual(logs[0].tokens, 10)
        XCTAssertLessThan(logs.last!.loss, 0.2 * logs[0].loss)
    }
}
