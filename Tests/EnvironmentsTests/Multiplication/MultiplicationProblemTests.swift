import Foundation
import XCTest
import RL
@testable import Environments

final class MultiplicationProblemTests: XCTestCase {
    func testAnswerAndCarries() {
        let p = problem("473", 8)
        XCTAssertEqual(p.answer, [4, 8, 7, 3])  // 3784, units first
        XCTAssertEqual(p.carries, [2, 5, 3, 0])
        XCTAssertEqual(p.description, "473 × 8")
        XCTAssertEqual(problem("999", 9).answer, [1, 9, 9, 8])  // 8991
        XCTAssertEqual(problem("999", 9).carries, [8, 8, 8, 0])
        XCTAssertEqual(problem("5", 1).answer, [5, 0])
        XCTAssertNil(MultiplicationProblem("12", 0))
        XCTAssertNil(MultiplicationProblem("1x", 3))
        XCTAssertNil(MultiplicationProblem("123", 3, digits: 2))
        // Every carry is at most m − 1, and the answer is the product.
        var rng = RNG(seed: 3)
        for _ in 0..<500 {
            let p = MultiplicationProblem.drawHeldOut(digits: 1 + rng.int(below: 8), multipliers: 1...9, rng: &rng)
            XCTAssertLessThanOrEqual(p.carries.max() ?? 0, p.multiplier - 1)
            let a = Int(MultiplicationProblem.text(p.a))!, product = Int(MultiplicationProblem.text(p.answer))!
            XCTAssertEqual(a * p.multiplier, product, "\(p)")
        }
    }

    func testTrainingDrawsAndHeldOutSplit() {
        let config = MultiplicationConfig(digits: 1...3, multiplier: 2...7, thinkBudget: 2...5)
        var env = MultiplicationEnvironment(config: config)
        var rng = RNG(seed: 9)
        var seenCaps = Set<Int>(), seenM = Set<Int>(), seenD = Set<Int>()
        for _ in 0..<3000 {
            env.reset(rng: &rng)
            XCTAssertFalse(env.problem.isHeldOut)
            seenCaps.insert(env.cap)
            seenM.insert(env.problem.multiplier)
            seenD.insert(env.problem.digits)
        }
        XCTAssertEqual(seenCaps, Set(2...5))
        XCTAssertEqual(seenM, Set(2...7))
        XCTAssertEqual(seenD, Set(1...3))
        var heldOut = 0
        for _ in 0..<4000 {
            let p = MultiplicationProblem.drawHeldOut(digits: 3, multipliers: 1...9, rng: &rng)
            XCTAssertTrue(p.isHeldOut)
            var q = p
            q.redrawTraining(digits: 3, multipliers: 1...9, rng: &rng)
            XCTAssertFalse(q.isHeldOut)
        }
        // About one 3-digit problem in 8 is held out.
        for a in 0..<1000 { for m in 1...9 where problem(String(format: "%03d", a), m).isHeldOut { heldOut += 1 } }
        XCTAssertEqual(Double(heldOut) / 9000, 0.125, accuracy: 0.015)
        XCTAssertFalse(problem("7", 9).isHeldOut, "one-digit problems are the times table: never held out")
    }
}
