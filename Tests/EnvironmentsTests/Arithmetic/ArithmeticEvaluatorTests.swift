import Foundation
import XCTest
import RL
@testable import Environments

/// ArithmeticEvaluator: majority votes, scripted and ideal policies, argument
/// checks, and the traces it renders.
final class ArithmeticEvaluatorTests: XCTestCase {
    // MARK: Evaluation

    func testMajorityVoteWithScriptedPolicy() throws {
        // Budget 0 at evaluation: every step writes a digit, in the order scripted.
        let scripts: [[Int]] = [
            [6, 4, 0], [9, 9, 9], [6, 4, 0], [3, 2, 1],  // 12 + 34 = 046: two votes win
            [1, 0, 1], [0, 0, 1], [0, 0, 1], [1, 0, 1],  // 50 + 50 = 100: 2–2 tie, first seen (101) wins
        ]
        var episode = 0, column = 0
        let evaluator = ArithmeticEvaluator(config: .init(digits: 1...3, thinkBudget: 1))
        let result = try evaluator.evaluate(
            on: [problem("12", "34"), problem("50", "50")], thinkBudget: 0, samples: 4, traces: 5,
            policyRNG: RNG(seed: 1)
        ) { obs, mask, _ in
            XCTAssertFalse(mask[10] || mask[11])
            XCTAssertEqual(obs[L.first] == 1, column == 0)
            let digit = scripts[episode][column]
            column += 1
            if column == 3 { column = 0; episode += 1 }
            return digit
        }
        XCTAssertEqual(episode, 8)
        XCTAssertEqual(result.problems, 2)
        XCTAssertEqual(result.samples, 4)
        XCTAssertEqual(result.thinkBudget, 0)
        XCTAssertEqual(result.digits, 2)
        XCTAssertEqual(result.accuracy, 0.5)
        XCTAssertEqual(result.sampleAccuracy, 0.5)
        XCTAssertEqual(result.columnAccuracy, [0.5, 1, 1])
        XCTAssertEqual(result.thinkTokensPerProblem, 0)
        XCTAssertEqual(result.carryThinkRate, 0)  // 50 + 50 carries in column 1
        XCTAssertEqual(result.plainThinkRate, 0)
        XCTAssertEqual(result.traces.map(\.description), ["12 + 34: 6 4 0 → 046 ✓", "50 + 50: 1 0 1 → 101 ✗ (expected 100)"])
        XCTAssertEqual(ArithmeticEvaluator.majority([[1]: (2, 3), [2]: (2, 1), [3]: (1, 0)]), [2])
    }

    func testEvaluatorWithIdealPolicyGeneralisesAndMeasuresThinking() throws {
        let evaluator = ArithmeticEvaluator(config: .init(digits: 1...3, thinkBudget: 1))
        for digits in [1, 3, 12] {
            let result = try evaluator.evaluate(
                problems: 100, digits: digits, problemRNG: RNG(seed: 21), policyRNG: RNG(seed: 22), policy: idealPolicy)
            XCTAssertEqual(result.accuracy, 1)
            XCTAssertEqual(result.columnAccuracy, Array(repeating: 1, count: digits + 1))
            XCTAssertEqual(result.carryThinkRate, 1)
            XCTAssertEqual(result.plainThinkRate, 0)
            XCTAssertEqual(result.meanReturn, 1)
            XCTAssertGreaterThan(result.thinkTokensPerProblem, 0)
        }
        // Without thinking the carry must be guessed.
        let blind = try evaluator.evaluate(
            problems: 200, digits: 6, thinkBudget: 0, problemRNG: RNG(seed: 21), policyRNG: RNG(seed: 22), policy: idealPolicy)
        XCTAssertLessThan(blind.accuracy, 0.3)
        XCTAssertEqual(blind.thinkTokensPerProblem, 0)
        XCTAssertEqual(blind.carryThinkRate, 0)
        // A larger budget at evaluation keeps the observation size and the behaviour.
        let wide = try evaluator.evaluate(
            problems: 100, digits: 6, thinkBudget: 3, problemRNG: RNG(seed: 21), policyRNG: RNG(seed: 22), policy: idealPolicy)
        XCTAssertEqual(wide.accuracy, 1)
        XCTAssertEqual(wide.thinkBudget, 3)
    }

    func testEvaluatorIsDeterministicAndChecksArguments() throws {
        let evaluator = ArithmeticEvaluator(config: .init(digits: 1...3))
        func run(samples: Int) throws -> ArithmeticEvaluation {
            try evaluator.evaluate(problems: 30, digits: 3, samples: samples, traces: 3,
                                   problemRNG: RNG(seed: 31), policyRNG: RNG(seed: 32), policy: randomPolicy)
        }
        let once = try run(samples: 3)
        XCTAssertEqual(try run(samples: 3), once)
        XCTAssertEqual(once.traces.count, 3)
        // Sample 0 of each problem is the same whatever the number of samples.
        XCTAssertEqual(try run(samples: 1).traces, once.traces)
        XCTAssertEqual(try run(samples: 1).sampleAccuracy, try run(samples: 1).accuracy)

        let full = ArithmeticEvaluator(config: .init(digits: 1...3, view: .full))
        XCTAssertThrowsError(try full.evaluate(problems: 5, digits: 4, problemRNG: RNG(seed: 1), policyRNG: RNG(seed: 2), policy: randomPolicy))
        XCTAssertThrowsError(try evaluator.evaluate(problems: 5, digits: 3, samples: 0, problemRNG: RNG(seed: 1), policyRNG: RNG(seed: 2), policy: randomPolicy))
        XCTAssertThrowsError(try evaluator.evaluate(problems: 0, digits: 3, problemRNG: RNG(seed: 1), policyRNG: RNG(seed: 2), policy: randomPolicy))
        XCTAssertThrowsError(try evaluator.evaluate(problems: 5, digits: 3, thinkBudget: -1, problemRNG: RNG(seed: 1), policyRNG: RNG(seed: 2), policy: randomPolicy))
        XCTAssertThrowsError(try evaluator.evaluate(problems: 5, digits: 33, problemRNG: RNG(seed: 1), policyRNG: RNG(seed: 2), policy: randomPolicy))
        // A policy that picks a masked action is reported, not obeyed.
        XCTAssertThrowsError(try evaluator.evaluate(problems: 5, digits: 2, thinkBudget: 0, problemRNG: RNG(seed: 1), policyRNG: RNG(seed: 2)) { _, _, _ in 10 }) { error in
            XCTAssertTrue("\(error)".contains("unavailable action 10"), "\(error)")
        }
    }

    // MARK: Traces

    func testTraceRendering() {
        let p = problem("473", "859")
        let expert = ArithmeticTrace(problem: p, actions: ArithmeticDemonstrations.expertActions(for: p, thinkBudget: 1))
        XCTAssertEqual(expert.description, "473 + 859: [t1] 2 [t1] 3 [t1] 3 1 → 1332 ✓")
        XCTAssertTrue(expert.isCorrect)
        let wrong = ArithmeticTrace(problem: p, actions: [2, 11, 3, 3, 0])
        XCTAssertEqual(wrong.description, "473 + 859: 2 [t2] 3 3 0 → 0332 ✗ (expected 1332)")
        XCTAssertFalse(wrong.isCorrect)
        XCTAssertEqual(ArithmeticTrace(problem: problem("05", "07"), actions: [2, 1, 0]).description, "05 + 07: 2 1 0 → 012 ✓")
        XCTAssertEqual(ArithmeticTrace(problem: problem("5", "7"), actions: [2]).description, "5 + 7: 2 → ?2 ✗ (expected 12)")
    }
}
