import XCTest
import RL
@testable import Environments

final class MultiplicationExpertTests: XCTestCase {
    /// The expert is exact whenever no carry exceeds the cap, and wrong
    /// otherwise: what "the ideal reasoner held to the same cap" means.
    func testExpertUnderCaps() {
        var rng = RNG(seed: 5)
        var env = MultiplicationEnvironment(config: MultiplicationConfig())
        for _ in 0..<2000 {
            let digits = 1 + rng.int(below: 6), cap = rng.int(below: 10)
            let p = MultiplicationProblem.drawHeldOut(digits: digits, multipliers: 1...9, rng: &rng)
            env.reset(problem: p, cap: cap)
            let actions = solve(&env)
            let marks = actions.filter { $0 == 10 }.count
            XCTAssertEqual(env.episodeSummary().success, (p.carries.max() ?? 0) <= cap, "\(p) cap \(cap)")
            if (p.carries.max() ?? 0) <= cap {
                XCTAssertEqual(marks, p.carries.reduce(0, +), "one mark per unit of carry")
                XCTAssertEqual(actions.filter { $0 < 10 }.map(UInt8.init), p.answer)
            }
        }
        env.reset(problem: problem("473", 8), cap: 8)
        XCTAssertEqual(MultiplicationTrace(problem: env.problem, actions: solve(&env)).description, "473 × 8: || 4 ||||| 8 ||| 7 3 → 3784 ✓")
        XCTAssertEqual(MultiplicationTrace(problem: problem("473", 8), actions: [4, 10, 8]).description, "473 × 8: 4 | 8 → ??84 ✗ (expected 3784)")
    }

    func testDemonstrationsFollowEachEpisodesCap() {
        let config = MultiplicationConfig(digits: 1...3, multiplier: 1...9, thinkBudget: 0...16)
        var rng = RNG(seed: 2)
        let set = MultiplicationDemonstrationSet(count: 300, config: config, rng: &rng)
        var again = RNG(seed: 2)
        XCTAssertEqual(MultiplicationDemonstrationSet(count: 300, config: config, rng: &again), set, "deterministic")
        XCTAssertEqual(set.observations.count, set.steps * 41)
        XCTAssertEqual(set.masks.count, set.steps * 11)
        // The same draws as training resets: same problems and caps.
        var envRNG = RNG(seed: 2), env = MultiplicationEnvironment(config: config)
        var row = 0
        for i in 0..<300 {
            env.reset(rng: &envRNG)
            XCTAssertEqual(env.problem, set.problems[i])
            XCTAssertEqual(env.cap, set.caps[i])
            let actions = solve(&env)
            XCTAssertEqual(Array(set.actions[row..<(row + actions.count)]), actions)
            row += actions.count
            XCTAssertLessThanOrEqual(actions.filter { $0 == 10 }.count, (set.problems[i].digits + 1) * set.caps[i])
        }
        XCTAssertEqual(row, set.steps)
        // Capped episodes show the expert answering with the mark masked.
        let capped = (0..<set.steps).filter { !set.masks[$0 * 11 + 10] }
        XCTAssertFalse(capped.isEmpty)
        XCTAssertTrue(capped.allSatisfy { set.actions[$0] < 10 })
    }
}
