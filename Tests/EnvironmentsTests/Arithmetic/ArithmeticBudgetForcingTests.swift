import Foundation
import XCTest
import RL
@testable import Environments

/// Budget forcing on the addition task: `--think-budget A-B` draws a cap
/// per training episode, and the demonstrations follow each episode's cap.
final class ArithmeticBudgetForcingTests: XCTestCase {
    func testThinkBudgetRanges() throws {
        var config = ArithmeticConfig()
        try config.setThinkBudgets("1-4")
        XCTAssertEqual(config.thinkBudgets, 1...4)
        XCTAssertEqual(config.thinkBudget, 4)
        XCTAssertEqual(config.thinkBudgetText, "1-4")
        try config.setThinkBudgets("2")
        XCTAssertEqual(config.thinkBudgets, 2...2)
        XCTAssertEqual(config.thinkBudgetText, "2")
        for (text, fragment) in [("4-1", "reversed"), ("-1", "expected a count"), ("101", "between 0 and 100"), ("1-x", "expected"), ("", "expected")] {
            XCTAssertThrowsError(try config.setThinkBudgets(text)) { error in
                XCTAssertTrue("\(error)".contains(fragment), "\(text): \(error)")
            }
        }
        XCTAssertThrowsError(try ArithmeticConfig(thinkBudget: 2, minThinkBudget: 3).validate())
        XCTAssertThrowsError(try ArithmeticConfig(thinkBudget: 2, minThinkBudget: -1).validate())

        // JSON: a fixed cap reads and writes as before; a range adds minThinkBudget.
        let fixed = try JSONEncoder().encode(ArithmeticConfig(thinkBudget: 1))
        XCTAssertFalse(String(decoding: fixed, as: UTF8.self).contains("minThinkBudget"))
        let old = try JSONDecoder().decode(ArithmeticConfig.self, from: Data(#"{"thinkBudget": 3}"#.utf8))
        XCTAssertEqual(old.thinkBudgets, 3...3)
        let range = ArithmeticConfig(thinkBudget: 4, minThinkBudget: 1)
        XCTAssertEqual(try JSONDecoder().decode(ArithmeticConfig.self, from: JSONEncoder().encode(range)), range)
        XCTAssertThrowsError(try JSONDecoder().decode(ArithmeticConfig.self, from: Data(#"{"thinkBudget": 1, "minThinkBudget": 2}"#.utf8)))
    }

    func testCapsAreDrawnPerEpisode() {
        var ranged = ArithmeticEnvironment(config: ArithmeticConfig(digits: 2...2, thinkBudget: 3, minThinkBudget: 0))
        var rng = RNG(seed: 4)
        var caps = Set<Int>()
        for _ in 0..<400 {
            ranged.reset(rng: &rng)
            caps.insert(ranged.cap)
            var mask = [Bool](repeating: false, count: ranged.actionCount)
            mask.withUnsafeMutableBufferPointer { ranged.writeActionMask(into: $0) }
            XCTAssertEqual(mask[10], ranged.cap > 0)
        }
        XCTAssertEqual(caps, Set(0...3))
        // A fixed cap draws nothing extra: the same problems as ever.
        var a = ArithmeticEnvironment(config: ArithmeticConfig(thinkBudget: 2))
        var b = ArithmeticEnvironment(config: ArithmeticConfig(thinkBudget: 2, minThinkBudget: 2))
        var ra = RNG(seed: 8), rb = RNG(seed: 8)
        for _ in 0..<50 {
            a.reset(rng: &ra)
            b.reset(rng: &rb)
            XCTAssertEqual(a.problem, b.problem)
            XCTAssertEqual(a.cap, 2)
        }
        // A given problem (evaluation) runs under the largest cap.
        try? ranged.reset(problem: ArithmeticProblem("55", "55")!)
        XCTAssertEqual(ranged.cap, 3)
    }

    /// With caps 1-2 the demonstrations show the expert answering after its
    /// one note where a second note is allowed, and writing no note at cap 0.
    func testDemonstrationsFollowEachEpisodesCap() {
        let config = ArithmeticConfig(digits: 1...3, thinkBudget: 2, minThinkBudget: 0)
        var rng = RNG(seed: 6)
        let set = ArithmeticDemonstrations.dataset(count: 400, config: config, rng: &rng)
        var envRNG = RNG(seed: 6), env = ArithmeticEnvironment(config: config)
        var answeredWithRoomToThink = 0
        for i in 0..<400 {
            env.reset(rng: &envRNG)
            XCTAssertEqual(env.problem, set.problems[i])
            let start = set.episodeStarts[i], end = i + 1 < 400 ? set.episodeStarts[i + 1] : set.steps
            let notes = set.actions[start..<end].filter { $0 >= 10 }.count
            XCTAssertEqual(notes, env.cap == 0 ? 0 : env.problem.carries.filter { $0 }.count, "\(env.problem) cap \(env.cap)")
            for row in start..<end {
                let used1 = set.observations[row * set.observationSize + 26 + 1] == 1
                if used1 && set.masks[row * set.actionCount + 10] {
                    XCTAssertLessThan(set.actions[row], 10)
                    answeredWithRoomToThink += 1
                }
            }
        }
        XCTAssertGreaterThan(answeredWithRoomToThink, 50)
    }

    func testDefaultTrainsWithCapsOneToTwo() throws {
        let settings = ArithmeticSettings()
        XCTAssertEqual(settings.environment.thinkBudgets, 1...2)
        XCTAssertTrue(settings.label.contains("think budget 1-2"))
        var custom = settings
        try ArithmeticSettings.options.apply(["--think-budget", "1"], to: &custom, context: "arithmetic")
        XCTAssertEqual(custom.environment.thinkBudgets, 1...1)
        XCTAssertThrowsError(try ArithmeticSettings.options.apply(["--think-budget=-1"], to: &custom, context: "arithmetic")) { error in
            XCTAssertTrue("\(error)".contains("think budget"), "\(error)")
        }
        // Evaluation under any cap uses that cap in every column.
        let evaluator = ArithmeticEvaluator(config: settings.environment)
        let result = try evaluator.evaluate(
            problems: 50, digits: 3, thinkBudget: 5, problemRNG: RNG(seed: 1), policyRNG: RNG(seed: 2)
        ) { _, mask, _ in mask[10] ? 10 : 0 }
        XCTAssertEqual(result.thinkBudget, 5)
        XCTAssertEqual(result.thinkTokensPerProblem, 5 * 4)
    }
}
