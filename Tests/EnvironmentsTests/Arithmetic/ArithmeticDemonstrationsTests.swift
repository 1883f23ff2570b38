import Foundation
import XCTest
import RL
@testable import Environments

/// The expert's actions and the behaviour-cloning dataset made from them.
final class ArithmeticDemonstrationsTests: XCTestCase {
    func testExpertSolvesAndNotesExactlyCarryingColumns() throws {
        var rng = RNG(seed: 8)
        for digits in 1...12 {
            var env = ArithmeticEnvironment(config: .init(digits: digits...digits, thinkBudget: 1))
            var noThink = ArithmeticEnvironment(config: .init(digits: digits...digits, thinkBudget: 0))
            for _ in 0..<60 {
                env.reset(rng: &rng)
                let p = env.problem
                let actions = ArithmeticDemonstrations.expertActions(for: p, thinkBudget: 1)
                for action in actions {
                    XCTAssertTrue(mask(env)[action])
                    _ = env.step(action, rng: &rng)
                }
                XCTAssertTrue(env.isDone)
                let summary = env.episodeSummary()
                XCTAssertTrue(summary.success, "\(p)")
                XCTAssertEqual(env.answer, p.answer)
                XCTAssertEqual(env.notes, p.carries.map { $0 ? 1 : 0 })
                XCTAssertEqual(env.thinkTokensPerColumn, p.carries.map { $0 ? 1 : 0 })
                XCTAssertEqual(summary.metrics["carry_columns_with_thought"], summary.metrics["carry_columns"])
                XCTAssertEqual(summary.metrics["plain_columns_with_thought"], 0)

                let plain = ArithmeticDemonstrations.expertActions(for: p, thinkBudget: 0)
                XCTAssertEqual(plain, p.answer.map(Int.init))
                try noThink.reset(problem: p)
                for action in plain { _ = noThink.step(action, rng: &rng) }
                XCTAssertTrue(noThink.episodeSummary().success)
            }
        }
    }

    func testDemonstrationDataset() throws {
        let config = ArithmeticConfig(digits: 1...6, thinkBudget: 1)
        var rng = RNG(seed: 9).stream("demos")
        let set = ArithmeticDemonstrations.dataset(count: 200, config: config, rng: &rng)
        XCTAssertEqual(set.demos, 200)
        XCTAssertEqual(set.observationSize, 32)
        XCTAssertEqual(set.actionCount, 12)
        XCTAssertEqual(set.observations.count, set.steps * 32)
        XCTAssertEqual(set.masks.count, set.steps * 12)
        XCTAssertEqual(set.episodeStarts.count, 200)
        XCTAssertEqual(set.problems.count, 200)
        XCTAssertTrue(set.problems.allSatisfy { !$0.isHeldOut })
        XCTAssertEqual(Set(set.problems.map(\.digits)), Set(1...6))

        // Each demonstration is the expert's sequence, and replaying it reproduces the rows.
        var env = ArithmeticEnvironment(config: config)
        var step = 0
        for (i, p) in set.problems.enumerated() {
            XCTAssertEqual(set.episodeStarts[i], step)
            let expert = ArithmeticDemonstrations.expertActions(for: p, thinkBudget: 1)
            XCTAssertEqual(Array(set.actions[step..<step + expert.count]), expert)
            try env.reset(problem: p)
            for action in expert {
                XCTAssertEqual(Array(set.observations[step * 32..<(step + 1) * 32]), observation(env))
                XCTAssertEqual(Array(set.masks[step * 12..<(step + 1) * 12]), mask(env))
                XCTAssertTrue(set.masks[step * 12 + action])
                _ = env.step(action, rng: &rng)
                step += 1
            }
            XCTAssertTrue(env.episodeSummary().success)
        }
        XCTAssertEqual(step, set.steps)

        // Same RNG, same dataset; the problems are those reset(rng:) draws.
        var again = RNG(seed: 9).stream("demos")
        XCTAssertEqual(ArithmeticDemonstrations.dataset(count: 200, config: config, rng: &again), set)
        var draws = RNG(seed: 9).stream("demos")
        var drawEnv = ArithmeticEnvironment(config: config)
        for p in set.problems {
            drawEnv.reset(rng: &draws)
            XCTAssertEqual(drawEnv.problem, p)
        }
    }
}
