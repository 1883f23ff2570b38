import Foundation
import XCTest
import RL
@testable import Environments

/// ArithmeticEnvironment: sizes, exact observations and masks step by step,
/// think budgets, the full view, rewards, summary metrics, Codable.
final class ArithmeticEnvironmentTests: XCTestCase {
    // MARK: Sizes

    func testObservationAndActionSizes() {
        XCTAssertEqual(ArithmeticEnvironment(config: .init()).observationSize, 32)
        XCTAssertEqual(ArithmeticEnvironment(config: .init()).actionCount, 12)
        XCTAssertEqual(ArithmeticEnvironment(config: .init(thinkSymbols: 3)).observationSize, 34)
        XCTAssertEqual(ArithmeticEnvironment(config: .init(thinkSymbols: 3)).actionCount, 13)
        // The column view depends on neither the digits nor the budget.
        XCTAssertEqual(ArithmeticEnvironment(config: .init(digits: 12...12, thinkBudget: 0)).observationSize, 32)
        XCTAssertEqual(ArithmeticEnvironment(config: .init(digits: 1...32, thinkBudget: 5)).observationSize, 32)
        XCTAssertEqual(ArithmeticEnvironment(config: .init(thinkBudget: 0)).actionCount, 12)
        // Full view: + 2·10·maxDigits + (maxDigits + 1).
        XCTAssertEqual(ArithmeticEnvironment(config: .init(digits: 1...4, view: .full)).observationSize, 32 + 80 + 5)
        XCTAssertEqual(ArithmeticEnvironment(config: .init(digits: 1...4, thinkBudget: 3, view: .full)).observationSize, 117)
    }

    // MARK: Dynamics and exact observations

    func testColumnViewDynamics() throws {
        var env = ArithmeticEnvironment(config: .init(digits: 3...3, thinkBudget: 1))
        var rng = RNG(seed: 1)
        try env.reset(problem: problem("473", "859"))

        XCTAssertEqual(ones(observation(env)), [L.a(3), L.b(9), L.note(0), L.prev(0), L.used(0), L.first])
        XCTAssertEqual(mask(env), Array(repeating: true, count: 12))

        // Think: note 1 in column 0, cursor stays, budget used up.
        XCTAssertEqual(env.step(10, rng: &rng), StepOutcome(reward: 0))
        XCTAssertEqual(env.cursor, 0)
        XCTAssertEqual(ones(observation(env)), [L.a(3), L.b(9), L.note(1), L.prev(0), L.used(1), L.first])
        XCTAssertEqual(mask(env), Array(repeating: true, count: 10) + [false, false])

        // Digit: cursor moves, the budget resets, the note shows as the previous one.
        XCTAssertEqual(env.step(2, rng: &rng), StepOutcome(reward: 0))
        XCTAssertEqual(env.cursor, 1)
        XCTAssertEqual(ones(observation(env)), [L.a(7), L.b(5), L.note(0), L.prev(1), L.used(0)])
        XCTAssertEqual(mask(env), Array(repeating: true, count: 12))

        // Think token 1 writes symbol 2.
        _ = env.step(11, rng: &rng)
        XCTAssertEqual(ones(observation(env)), [L.a(7), L.b(5), L.note(2), L.prev(1), L.used(1)])
        _ = env.step(3, rng: &rng)
        XCTAssertEqual(ones(observation(env)), [L.a(4), L.b(8), L.note(0), L.prev(2), L.used(0)])
        _ = env.step(3, rng: &rng)

        // Carry-out column: no operand digits, last flag, empty previous note.
        XCTAssertEqual(env.cursor, 3)
        XCTAssertEqual(ones(observation(env)), [L.note(0), L.prev(0), L.used(0), L.last])
        XCTAssertFalse(env.isDone)

        let outcome = env.step(1, rng: &rng)
        XCTAssertEqual(outcome, StepOutcome(reward: 1, terminated: true))
        XCTAssertTrue(env.isDone)
        XCTAssertEqual(env.answer, [2, 3, 3, 1])
        XCTAssertEqual(env.notes, [1, 2, 0, 0])
        let summary = env.episodeSummary()
        XCTAssertEqual(summary.length, 6)
        XCTAssertTrue(summary.success)
        XCTAssertEqual(summary.episodicReturn, 1)
    }

    func testOneDigitColumnIsFirstAndLast() throws {
        var env = ArithmeticEnvironment(config: .init(digits: 1...1))
        var rng = RNG(seed: 2)
        try env.reset(problem: problem("7", "5"))
        XCTAssertEqual(ones(observation(env)), [L.a(7), L.b(5), L.note(0), L.prev(0), L.used(0), L.first])
        _ = env.step(2, rng: &rng)
        XCTAssertEqual(ones(observation(env)), [L.note(0), L.prev(0), L.used(0), L.last])
        XCTAssertEqual(env.step(1, rng: &rng), StepOutcome(reward: 1, terminated: true))
    }

    func testThinkBudgets() throws {
        var rng = RNG(seed: 3)
        // Budget 0: thinking always masked.
        var none = ArithmeticEnvironment(config: .init(digits: 2...2, thinkBudget: 0))
        try none.reset(problem: problem("12", "34"))
        for digit in [6, 4, 0] {
            XCTAssertEqual(mask(none), Array(repeating: true, count: 10) + [false, false])
            _ = none.step(digit, rng: &rng)
        }
        XCTAssertTrue(none.isDone)

        // Budget 5: the used counter saturates at slot 3, the last note wins,
        // the mask closes after 5 and reopens in the next column.
        var env = ArithmeticEnvironment(config: .init(digits: 2...2, thinkBudget: 5))
        try env.reset(problem: problem("12", "34"))
        for (i, action) in [10, 11, 10, 11, 11].enumerated() {
            XCTAssertTrue(mask(env)[10] && mask(env)[11])
            _ = env.step(action, rng: &rng)
            XCTAssertEqual(ones(observation(env)), [L.a(2), L.b(4), L.note(action - 9), L.prev(0), L.used(min(i + 1, 3)), L.first])
        }
        XCTAssertEqual(mask(env), Array(repeating: true, count: 10) + [false, false])
        _ = env.step(6, rng: &rng)
        XCTAssertEqual(mask(env), Array(repeating: true, count: 12))
        XCTAssertEqual(ones(observation(env)), [L.a(1), L.b(3), L.note(0), L.prev(2), L.used(0)])
        _ = env.step(4, rng: &rng)
        _ = env.step(10, rng: &rng)
        let outcome = env.step(0, rng: &rng)
        XCTAssertTrue(outcome.terminated)
        XCTAssertFalse(outcome.truncated)
        let summary = env.episodeSummary()
        XCTAssertEqual(summary.metrics["think_tokens"], 6)
        XCTAssertEqual(summary.length, 9)
        XCTAssertEqual(env.thinkTokensPerColumn, [5, 0, 1])
    }

    func testFullView() throws {
        var env = ArithmeticEnvironment(config: .init(digits: 1...3, view: .full))
        XCTAssertEqual(env.observationSize, 32 + 60 + 4)
        var rng = RNG(seed: 4)
        try env.reset(problem: problem("47", "85"))
        let aBase = 32, bBase = 62, cursorBase = 92
        let statics = [aBase + 7, aBase + 10 + 4, bBase + 5, bBase + 10 + 8]
        XCTAssertEqual(ones(observation(env)),
                       ([L.a(7), L.b(5), L.note(0), L.prev(0), L.used(0), L.first] + statics + [cursorBase]).sorted())
        _ = env.step(10, rng: &rng)
        _ = env.step(2, rng: &rng)
        XCTAssertEqual(ones(observation(env)),
                       ([L.a(4), L.b(8), L.note(0), L.prev(1), L.used(0)] + statics + [cursorBase + 1]).sorted())
        _ = env.step(3, rng: &rng)
        XCTAssertEqual(ones(observation(env)),
                       ([L.note(0), L.prev(0), L.used(0), L.last] + statics + [cursorBase + 2]).sorted())

        // Leading zeros are digits (one-hot 0), padding columns are all zero.
        try env.reset(problem: ArithmeticProblem("5", "3", digits: 2)!)
        XCTAssertEqual(Array(ones(observation(env)).filter { $0 >= 32 }), [aBase + 5, aBase + 10, bBase + 3, bBase + 10, cursorBase])

        // The full view cannot show more digits than configured; the column view can.
        XCTAssertThrowsError(try env.reset(problem: problem("1234", "5678"))) { error in
            XCTAssertTrue("\(error)".contains("full view"))
        }
        var column = ArithmeticEnvironment(config: .init(digits: 1...3))
        let long = ArithmeticProblem(a: Array(repeating: 9, count: 32), b: Array(repeating: 9, count: 32))
        XCTAssertNoThrow(try column.reset(problem: long))
        for action in ArithmeticDemonstrations.expertActions(for: long, thinkBudget: 1) {
            _ = column.step(action, rng: &rng)
        }
        XCTAssertTrue(column.episodeSummary().success)
    }

    // MARK: Rewards

    func testDigitsOutcomeRewardsAndThinkCost() throws {
        var rng = RNG(seed: 5)
        let p = problem("473", "859")  // 1332, LSB first [2, 3, 3, 1]
        for (reward, expected) in [(ArithmeticConfig.Reward.digits, Float(0.75)), (.outcome, 0)] {
            var env = ArithmeticEnvironment(config: .init(digits: 3...3, reward: reward, thinkCost: 0.125))
            try env.reset(problem: p)
            XCTAssertEqual(env.step(10, rng: &rng).reward, -0.125)
            XCTAssertEqual(env.step(2, rng: &rng).reward, 0)
            XCTAssertEqual(env.step(4, rng: &rng).reward, 0)  // wrong
            XCTAssertEqual(env.step(11, rng: &rng).reward, -0.125)
            XCTAssertEqual(env.step(3, rng: &rng).reward, 0)
            let last = env.step(1, rng: &rng)
            XCTAssertEqual(last, StepOutcome(reward: expected, terminated: true))
            let summary = env.episodeSummary()
            XCTAssertEqual(summary.episodicReturn, Double(expected) - 0.25, accuracy: 1e-12)
            XCTAssertFalse(summary.success)
            XCTAssertEqual(summary.metrics["correct_digits"], 3)
            XCTAssertEqual(summary.metrics["think_tokens"], 2)
            XCTAssertEqual(summary.length, 6)
        }
        // Outcome reward pays 1 for an exact answer.
        var env = ArithmeticEnvironment(config: .init(digits: 3...3, reward: .outcome))
        try env.reset(problem: p)
        var last = StepOutcome(reward: 0)
        for digit in [2, 3, 3, 1] { last = env.step(digit, rng: &rng) }
        XCTAssertEqual(last, StepOutcome(reward: 1, terminated: true))
        XCTAssertTrue(env.episodeSummary().success)
        // Digits reward: nothing right gives 0.
        var digits = ArithmeticEnvironment(config: .init(digits: 3...3))
        try digits.reset(problem: p)
        for digit in [0, 0, 0, 0] { last = digits.step(digit, rng: &rng) }
        XCTAssertEqual(last.reward, 0)
    }

    // MARK: Carries and metrics

    func testCarriesAndSummaryMetrics() throws {
        XCTAssertEqual(problem("473", "859").carries, [true, true, true, false])
        XCTAssertEqual(problem("473", "859").answer, [2, 3, 3, 1])
        XCTAssertEqual(problem("95", "05").carries, [true, true, false])  // 9 + 0 + carry 1 = 10
        XCTAssertEqual(problem("95", "05").answer, [0, 0, 1])
        XCTAssertEqual(problem("45", "54").carries, [false, false, false])  // 99
        XCTAssertEqual(problem("49", "51").carries, [true, true, false])  // 100
        XCTAssertEqual(problem("12", "34").answer, [6, 4, 0])

        var env = ArithmeticEnvironment(config: .init(digits: 3...3))
        var rng = RNG(seed: 6)
        try env.reset(problem: problem("473", "859"))
        // Think in column 0 (carries) and column 3 (plain), not in columns 1, 2.
        for action in [10, 2, 3, 3, 11, 1] { _ = env.step(action, rng: &rng) }
        let m = env.episodeSummary().metrics
        XCTAssertEqual(m["think_tokens"], 2)
        XCTAssertEqual(m["digits"], 3)
        XCTAssertEqual(m["carry_columns"], 3)
        XCTAssertEqual(m["carry_columns_with_thought"], 1)
        XCTAssertEqual(m["plain_columns"], 1)
        XCTAssertEqual(m["plain_columns_with_thought"], 1)
        XCTAssertEqual(m["correct_digits"], 4)
        XCTAssertEqual(m["digit_accuracy"], 1)
    }

    func testEnvironmentCodableRoundTripMidEpisode() throws {
        var env = ArithmeticEnvironment(config: .init(digits: 2...5, thinkBudget: 2, view: .full))
        var rng = RNG(seed: 7)
        env.reset(rng: &rng)
        _ = env.step(10, rng: &rng)
        _ = env.step(3, rng: &rng)
        let data = try JSONEncoder().encode(env)
        var copy = try JSONDecoder().decode(ArithmeticEnvironment.self, from: data)
        XCTAssertEqual(observation(copy), observation(env))
        XCTAssertEqual(mask(copy), mask(env))
        XCTAssertEqual(copy.problem, env.problem)
        while !env.isDone {
            XCTAssertEqual(env.step(1, rng: &rng), copy.step(1, rng: &rng))
        }
        XCTAssertEqual(env.episodeSummary(), copy.episodeSummary())
    }
}
