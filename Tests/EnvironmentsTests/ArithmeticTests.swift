import Foundation
import XCTest
import RL
@testable import Environments

// MARK: Helpers

private func observation(_ env: ArithmeticEnvironment) -> [Float] {
    var buffer = [Float](repeating: -1, count: env.observationSize)
    buffer.withUnsafeMutableBufferPointer { env.writeObservation(into: $0) }
    return buffer
}

private func mask(_ env: ArithmeticEnvironment) -> [Bool] {
    var buffer = [Bool](repeating: false, count: env.actionCount)
    buffer.withUnsafeMutableBufferPointer { env.writeActionMask(into: $0) }
    return buffer
}

/// Indices of the ones; fails if any entry is neither 0 nor 1.
private func ones(_ values: [Float], file: StaticString = #filePath, line: UInt = #line) -> [Int] {
    XCTAssert(values.allSatisfy { $0 == 0 || $0 == 1 }, "observation not binary: \(values)", file: file, line: line)
    return values.indices.filter { values[$0] == 1 }
}

private func problem(_ a: String, _ b: String) -> ArithmeticProblem {
    ArithmeticProblem(a, b)!
}

/// Column-view layout for K = 2: a 0..<10, b 10..<20, note here 20..<23,
/// previous note 23..<26, think used 26..<30, first 30, last 31.
private enum L {
    static func a(_ d: Int) -> Int { d }
    static func b(_ d: Int) -> Int { 10 + d }
    static func note(_ s: Int) -> Int { 20 + s }
    static func prev(_ s: Int) -> Int { 23 + s }
    static func used(_ n: Int) -> Int { 26 + n }
    static let first = 30
    static let last = 31
}

/// The ideal column-local policy, reading only the column view (K = 2): it writes
/// note 1 where the column carries (if it may) and reads the previous column's note
/// as the carry in. With no thinking it guesses "no carry".
private func idealPolicy(_ obs: UnsafeBufferPointer<Float>, _ mask: UnsafeBufferPointer<Bool>, _ rng: inout RNG) -> Int {
    let a = (0..<10).first { obs[L.a($0)] == 1 } ?? 0
    let b = (0..<10).first { obs[L.b($0)] == 1 } ?? 0
    let carryIn = obs[L.prev(1)] == 1 ? 1 : 0
    let sum = a + b + carryIn
    if sum >= 10 && obs[L.note(0)] == 1 && mask[10] { return 10 }
    return sum % 10
}

/// Picks uniformly among the available actions.
private func randomPolicy(_ obs: UnsafeBufferPointer<Float>, _ mask: UnsafeBufferPointer<Bool>, _ rng: inout RNG) -> Int {
    let available = (0..<12).filter { mask[$0] }
    return available[rng.int(below: available.count)]
}

final class ArithmeticTests: XCTestCase {
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

    // MARK: Config parsing and validation

    func testDigitsParser() throws {
        XCTAssertEqual(try ArithmeticConfig.parseDigits("3"), 3...3)
        XCTAssertEqual(try ArithmeticConfig.parseDigits("1-4"), 1...4)
        XCTAssertEqual(try ArithmeticConfig.parseDigits(" 2-2 "), 2...2)
        XCTAssertEqual(try ArithmeticConfig.parseDigits("32"), 32...32)
        XCTAssertEqual(try ArithmeticConfig.parseDigits("1-32"), 1...32)
        XCTAssertEqual(ArithmeticConfig.describeDigits(1...4), "1-4")
        XCTAssertEqual(ArithmeticConfig.describeDigits(3...3), "3")

        let cases: [(String, String)] = [
            ("0", "at least 1"),
            ("0-3", "at least 1"),
            ("4-1", "reversed"),
            ("33", "at most 32"),
            ("1-40", "at most 32"),
            ("99999999999999999999", "at most 32"),
            ("", "expected a count"),
            ("abc", "expected a count"),
            ("1-", "expected a count"),
            ("-3", "expected a count"),
            ("1-2-3", "expected a count"),
            ("+3", "expected a count"),
            ("3.5", "expected a count"),
            ("1 - 4", "expected a count"),
            ("٣", "expected a count"),  // a non-ASCII digit
        ]
        for (text, fragment) in cases {
            XCTAssertThrowsError(try ArithmeticConfig.parseDigits(text), "\"\(text)\"") { error in
                let message = "\(error)"
                XCTAssertTrue(message.contains(fragment), "\"\(text)\": \(message)")
                XCTAssertFalse(message.contains("\n"))
                XCTAssertEqual(error.localizedDescription, message)
            }
        }
        XCTAssertThrowsError(try ArithmeticConfig.parseDigits("4-1")) { error in
            XCTAssertEqual("\(error)", "digits: range \"4-1\" is reversed; write \"1-4\"")
        }
    }

    func testValidate() throws {
        XCTAssertNoThrow(try ArithmeticConfig().validate())
        XCTAssertNoThrow(try ArithmeticConfig(digits: 32...32, thinkBudget: 0, thinkSymbols: 1, thinkCost: 0.5).validate())
        let bad: [(ArithmeticConfig, String)] = [
            (.init(digits: 0...2), "at least 1"),
            (.init(digits: 1...33), "at most 32"),
            (.init(thinkBudget: -1), "think budget"),
            (.init(thinkBudget: 101), "think budget"),
            (.init(thinkSymbols: 0), "think symbols"),
            (.init(thinkSymbols: 17), "think symbols"),
            (.init(thinkCost: -0.1), "think cost"),
            (.init(thinkCost: .nan), "think cost"),
            (.init(thinkCost: .infinity), "think cost"),
        ]
        for (config, fragment) in bad {
            XCTAssertThrowsError(try config.validate()) { error in
                XCTAssertTrue("\(error)".contains(fragment), "\(error)")
                XCTAssertFalse("\(error)".contains("\n"))
            }
        }
    }

    func testConfigCodable() throws {
        let config = ArithmeticConfig(digits: 2...6, thinkBudget: 3, thinkSymbols: 4, view: .full, reward: .outcome, thinkCost: 0.01)
        let data = try JSONEncoder().encode(config)
        let json = try XCTUnwrap(String(data: data, encoding: .utf8))
        XCTAssertTrue(json.contains("\"2-6\""), json)
        XCTAssertEqual(try JSONDecoder().decode(ArithmeticConfig.self, from: data), config)
        // Missing keys take defaults.
        XCTAssertEqual(try JSONDecoder().decode(ArithmeticConfig.self, from: Data("{}".utf8)), ArithmeticConfig())
        // Bad values are refused with the validation message.
        for (json, fragment) in [(#"{"digits": "4-1"}"#, "reversed"), (#"{"thinkBudget": -2}"#, "think budget")] {
            XCTAssertThrowsError(try JSONDecoder().decode(ArithmeticConfig.self, from: Data(json.utf8))) { error in
                guard case DecodingError.dataCorrupted(let context) = error else { return XCTFail("\(error)") }
                XCTAssertTrue(context.debugDescription.contains(fragment), context.debugDescription)
            }
        }
    }

    // MARK: Demonstrations

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

    // MARK: Problem draws and the held-out split

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
