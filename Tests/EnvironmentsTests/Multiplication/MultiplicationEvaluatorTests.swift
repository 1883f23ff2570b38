import XCTest
import NN
import RL
@testable import Environments

final class MultiplicationEvaluatorTests: XCTestCase {
    func testEvaluatorComparesWithTheIdealReasoner() throws {
        let config = MultiplicationConfig()
        let problems = MultiplicationEvaluator.heldOutProblems(seed: 4, count: 300, digits: 3, multipliers: 1...9)
        XCTAssertEqual(problems, MultiplicationEvaluator.heldOutProblems(seed: 4, count: 300, digits: 3, multipliers: 1...9))
        var previous = -1.0
        for cap in [0, 1, 2, 4, 8, 16] {
            let r = try MultiplicationEvaluator.evaluate(problems, multipliers: 1...9, cap: cap, traces: 2, config: config, policy: MultiplicationExpert.action)
            XCTAssertEqual(r.accuracy, r.idealAccuracy)
            XCTAssertEqual(r.thinkTokensPerProblem, r.idealThinkTokensPerProblem)
            XCTAssertEqual(r.accuracy, Double(problems.filter { ($0.carries.max() ?? 0) <= cap }.count) / 300)
            XCTAssertGreaterThan(r.accuracy, previous, "the ideal reasoner gains with every doubling of the cap up to 8")
            previous = cap >= 8 ? -1 : r.accuracy
            XCTAssertEqual(r.byMultiplier.values.reduce(0) { $0 + $1.problems }, 300)
            XCTAssertEqual(r.traces.count, 2)
            if cap >= 8 { XCTAssertEqual(r.accuracy, 1) }
        }
        // Marks grow with the multiplier.
        let byM = try (1...9).map { m in
            try MultiplicationEvaluator.evaluate(
                MultiplicationEvaluator.heldOutProblems(seed: 4, count: 200, digits: 3, multipliers: m...m),
                multipliers: m...m, cap: 8, config: config, policy: MultiplicationExpert.action).idealThinkTokensPerProblem
        }
        XCTAssertEqual(byM[0], 0)
        XCTAssertEqual(byM, byM.sorted())
        // A policy that breaks the rules is an error, not a silent step.
        XCTAssertThrowsError(try MultiplicationEvaluator.evaluate(problems, multipliers: 1...9, cap: 0, config: config) { _, _ in 10 })
        XCTAssertThrowsError(try MultiplicationEvaluator.evaluate(problems, multipliers: 1...9, cap: -1, config: config, policy: MultiplicationExpert.action))
        // A network: greedy and deterministic.
        var initRNG = RNG(seed: 1)
        let actor = MLP(sizes: [41, 16, 11], activation: .tanh, outputGain: 1, rng: &initRNG)
        let a = try MultiplicationEvaluator.evaluate(actor: actor, problems, multipliers: 1...9, cap: 4, config: config)
        let b = try MultiplicationEvaluator.evaluate(actor: actor, problems, multipliers: 1...9, cap: 4, config: config)
        XCTAssertEqual(a.accuracy, b.accuracy)
        XCTAssertEqual(a.thinkTokensPerProblem, b.thinkTokensPerProblem)
    }
}
