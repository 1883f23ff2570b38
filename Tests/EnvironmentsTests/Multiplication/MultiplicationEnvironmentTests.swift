import XCTest
import RL
@testable import Environments

final class MultiplicationEnvironmentTests: XCTestCase {
    func testObservationMaskAndSteps() {
        var env = MultiplicationEnvironment(config: MultiplicationConfig(digits: 3...3, multiplier: 8...8, thinkBudget: 3...3))
        env.reset(problem: problem("473", 8), cap: 3)
        XCTAssertEqual(env.observationSize, 41)
        XCTAssertEqual(env.actionCount, 11)
        // Column 0: a = 3, m = 8, no marks before or here, first column.
        var o = observation(env)
        XCTAssertEqual(o.indices.filter { o[$0] == 1 }, [3, 10 + 7, 19 + 0, 29 + 0, 39])
        XCTAssertEqual(mask(env), Array(repeating: true, count: 11))
        var rng = RNG(seed: 1)
        XCTAssertEqual(env.step(10, rng: &rng), StepOutcome(reward: 0))
        XCTAssertEqual(env.step(10, rng: &rng), StepOutcome(reward: 0))
        o = observation(env)
        XCTAssertEqual(o[29 + 2], 1, "two marks here")
        XCTAssertEqual(env.step(4, rng: &rng), StepOutcome(reward: 0))
        // Column 1 sees the two marks of column 0 as its carry.
        o = observation(env)
        XCTAssertEqual(o.indices.filter { o[$0] == 1 }, [7, 10 + 7, 19 + 2, 29 + 0])
        // The cap: three marks, then the mark is masked.
        for _ in 0..<3 { _ = env.step(10, rng: &rng) }
        XCTAssertEqual(mask(env), Array(repeating: true, count: 10) + [false])
        XCTAssertEqual(expertAction(env), 8, "at the cap the expert answers (7·8 + 2 = 58)")
        _ = env.step(8, rng: &rng)
        _ = env.step(10, rng: &rng)
        _ = env.step(10, rng: &rng)
        _ = env.step(10, rng: &rng)  // 4·8 + 3 = 35 → 3 marks, digit 5 (cut carry: right is 37)
        _ = env.step(5, rng: &rng)
        o = observation(env)
        XCTAssertEqual(o.indices.filter { o[$0] == 1 }, [10 + 7, 19 + 3, 29 + 0, 40], "carry-out column: no digit of a")
        let last = env.step(3, rng: &rng)
        XCTAssertTrue(last.terminated)
        XCTAssertEqual(last.reward, 3.0 / 4.0, accuracy: 1e-6)  // 3 5 8 4 vs 3 7 8 4
        let summary = env.episodeSummary()
        XCTAssertFalse(summary.success)
        XCTAssertEqual(summary.metrics["think_tokens"], 8)
        XCTAssertEqual(summary.metrics["multiplier"], 8)
        XCTAssertEqual(summary.length, 12)
        XCTAssertTrue(observation(env).allSatisfy { $0 == 0 })

        // Think cost and the outcome reward.
        var costly = MultiplicationEnvironment(config: MultiplicationConfig(reward: .outcome, thinkCost: 0.25))
        costly.reset(problem: problem("9", 2), cap: 5)
        XCTAssertEqual(costly.step(10, rng: &rng).reward, -0.25)
        _ = costly.step(8, rng: &rng)
        XCTAssertEqual(costly.step(1, rng: &rng).reward, 1)
        XCTAssertEqual(costly.episodeSummary().episodicReturn, 0.75, accuracy: 1e-9)
    }
}
