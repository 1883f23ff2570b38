import Foundation
import XCTest
import RL
@testable import Environments

/// Problem draws: deterministic, and training draws never held out.
final class ArithmeticProblemTests: XCTestCase {
    func testProblemDrawsAreDeterministic() {
        let config = ArithmeticConfig(digits: 1...8)
        func draws(_ seed: UInt64) -> [ArithmeticProblem] {
            var env = ArithmeticEnvironment(config: config)
            var rng = RNG(seed: seed).stream("env", 0)
            return (0..<300).map { _ in env.reset(rng: &rng); return env.problem }
        }
        XCTAssertEqual(draws(11), draws(11))
        XCTAssertNotEqual(draws(11), draws(12))
        XCTAssertEqual(Set(draws(11).map(\.digits)), Set(1...8))
        XCTAssertEqual(
            ArithmeticEvaluator.heldOutProblems(count: 50, digits: 5, rng: RNG(seed: 3)),
            ArithmeticEvaluator.heldOutProblems(count: 50, digits: 5, rng: RNG(seed: 3)))
    }

    func testTrainingAndHeldOutProblemsAreSeparate() {
        // The split is a fixed function of the problem (value cross-checked with an independent Python implementation).
        XCTAssertEqual(problem("473", "859").splitHash, 4_640_308_772_734_981_652)
        // One digit: the whole addition table, never held out.
        for a in 0..<10 {
            for b in 0..<10 { XCTAssertFalse(ArithmeticProblem(a: [UInt8(a)], b: [UInt8(b)]).isHeldOut) }
        }
        // Two digits, exhaustively: about one in eight held out.
        var heldOut = 0
        for a in 0..<100 {
            for b in 0..<100 {
                let p = ArithmeticProblem(a: [UInt8(a % 10), UInt8(a / 10)], b: [UInt8(b % 10), UInt8(b / 10)])
                if p.isHeldOut { heldOut += 1 }
            }
        }
        XCTAssertEqual(heldOut, 1_276)  // 12.8%

        var trainRNG = RNG(seed: 13).stream("train")
        var evalRNG = RNG(seed: 13).stream("eval")
        var env = ArithmeticEnvironment(config: .init(digits: 1...12))
        for _ in 0..<20_000 {
            env.reset(rng: &trainRNG)
            XCTAssertFalse(env.problem.isHeldOut)
        }
        for digits in 1...12 {
            for _ in 0..<200 {
                let p = ArithmeticProblem.drawHeldOut(digits: digits, rng: &evalRNG)
                XCTAssertEqual(p.digits, digits)
                XCTAssertTrue(digits == 1 || p.isHeldOut)
                XCTAssertFalse(ArithmeticProblem.drawTraining(digits: digits, rng: &trainRNG).isHeldOut)
            }
        }
        // On the two-digit space, training draws reach every non-held-out problem's
        // share and no held-out one.
        var seen = Set<ArithmeticProblem>()
        for _ in 0..<30_000 { seen.insert(ArithmeticProblem.drawTraining(digits: 2, rng: &trainRNG)) }
        XCTAssertTrue(seen.allSatisfy { !$0.isHeldOut })
        XCTAssertGreaterThan(seen.count, 8_000)
    }
}
