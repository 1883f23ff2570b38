import XCTest
import RL
import Environments

final class CountdownTests: XCTestCase {
    private let task = CountdownTextTask()
    private var vocabulary: Vocabulary { task.vocabulary }

    private func tokens(_ text: String) -> [Int] { vocabulary.encode(text)! }

    func testFormats() throws {
        let p = CountdownProblem(numbers: [7, 9, 7, 7], target: 77,
                                 solution: [CountdownMove(left: 7, op: .times, right: 9), CountdownMove(left: 63, op: .plus, right: 7),
                                            CountdownMove(left: 70, op: .plus, right: 7)],
                                 misses: [[CountdownMove(left: 9, op: .times, right: 7), CountdownMove(left: 63, op: .plus, right: 7),
                                           CountdownMove(left: 70, op: .minus, right: 7)]])
        XCTAssertEqual(vocabulary.decode(task.prompt(for: p)), "7,7,7,9:77")
        XCTAssertEqual(vocabulary.decode(task.completion(for: p, format: .direct)), "D7*9+7+7<eos>")
        XCTAssertEqual(vocabulary.decode(task.completion(for: p, format: .think)),
                       "T9*7=63|63+7=70|70-7=63|7*9=63|63+7=70|70+7=77|>7*9+7+7<eos>")
        XCTAssertEqual(task.difficulty(of: p), "4 numbers")
        XCTAssertEqual(task.digits(of: p), 4)
        let attempts = try XCTUnwrap(task.attempts(of: task.completion(for: p, format: .think), for: p))
        XCTAssertEqual(attempts.count, 2)
        XCTAssertTrue(attempts.retriedAfterMiss)
        XCTAssertEqual(task.attempts(of: task.completion(for: p, format: .direct), for: p)?.count, 0)
    }

    /// Parentheses only where the value needs them; parsing the text gives the same tree's value.
    func testExpressionsRoundTrip() {
        let cases: [(CountdownExpression, String, Int)] = [
            (.apply(.minus, .number(9), .apply(.minus, .number(8), .number(2))), "9-(8-2)", 3),
            (.apply(.times, .apply(.plus, .number(2), .number(3)), .number(4)), "(2+3)*4", 20),
            (.apply(.plus, .number(2), .apply(.minus, .number(3), .number(1))), "2+3-1", 4),
            (.apply(.minus, .apply(.minus, .number(9), .number(2)), .number(1)), "9-2-1", 6),
            (.apply(.times, .number(2), .apply(.times, .number(3), .number(4))), "2*3*4", 24),
        ]
        for (expression, text, value) in cases {
            XCTAssertEqual(expression.infix, text)
            XCTAssertEqual(expression.value, value)
            XCTAssertEqual(CountdownExpression(parsing: text)?.value, value, text)
        }
        for bad in ["", "63+1", "2+", "(2+3", "2+3)", "0+1", "2++3", "()", "2 3", String(repeating: "(", count: 40) + "1"] {
            XCTAssertNil(CountdownExpression(parsing: bad), bad)
        }
    }

    /// Every worked example scores 1, its moves are all right, it fits the
    /// task's bounds, and its prompt gives back its problem's numbers and target.
    func testWorkedExamplesScoreOne() {
        var rng = RNG(seed: 3)
        var withMiss = 0
        for i in 0..<2000 {
            let p = task.trainingProblem(rng: &rng)
            XCTAssertTrue(CountdownProblem.targets.contains(p.target))
            XCTAssertEqual(p.solutionExpression.value, p.target)
            XCTAssertEqual(p.solutionExpression.numbers, p.numbers)
            for format in CompletionFormat.allCases {
                let completion = task.completion(for: p, format: format)
                XCTAssertEqual(task.reward(of: completion, for: p), 1, vocabulary.decode(completion))
                XCTAssertLessThanOrEqual(completion.count, task.maxCompletionLength(for: p))
                XCTAssertLessThanOrEqual(task.prompt(for: p).count + completion.count, task.longestWorkedSequence(digits: p.numbers.count))
                let steps = task.stepCorrectness(of: completion, for: p)
                XCTAssertEqual(steps, Array(repeating: true, count: format == .think ? (p.numbers.count - 1) * (1 + p.misses.count) : 0))
            }
            if !p.misses.isEmpty {
                withMiss += 1
                XCTAssertNotEqual(p.misses[0].last?.value, p.target)
            }
            if i < 3 { print(vocabulary.decode(task.prompt(for: p) + task.completion(for: p, format: .think))) }
        }
        XCTAssertGreaterThan(withMiss, 800)
        XCTAssertLessThan(withMiss, 1100)
    }

    /// Any right expression scores, not only the worked one; a wrong value,
    /// a number used twice or left out, a multi-digit number, a malformed or
    /// overlong completion score 0; no token list traps.
    func testChecker() {
        let p = CountdownProblem(numbers: [2, 3, 4], target: 14,
                                 solution: [CountdownMove(left: 3, op: .times, right: 4), CountdownMove(left: 12, op: .plus, right: 2)])
        XCTAssertEqual(vocabulary.decode(task.answer(for: p)), "3*4+2")
        for (text, reward) in [("D(3+4)*2<eos>", 1.0), ("D2+3*4<eos>", 1), ("T3+4=7|7*2=14|>(4+3)*2<eos>", 1),
                               ("D2*3+4<eos>", 0), ("D3*4+2+2<eos>", 0), ("D3*4<eos>", 0), ("D12+2<eos>", 0), ("D14<eos>", 0),
                               ("D(3+4)*2", 0), ("D(3+4)*2<eos><eos>", 0), ("T3+4=7|>(3+4)*2>2<eos>", 0), ("(3+4)*2<eos>", 0)] {
            XCTAssertEqual(task.reward(of: tokens(text), for: p), reward, text)
        }
        // Majority vote: right expressions agree on their value; one misusing the numbers has no vote.
        XCTAssertEqual(task.voteKey(of: tokens("D(3+4)*2<eos>"), for: p), [14])
        XCTAssertEqual(task.voteKey(of: tokens("D2+3*4<eos>"), for: p), [14])
        XCTAssertEqual(task.voteKey(of: tokens("D2*3+4<eos>"), for: p), [10])
        XCTAssertNil(task.voteKey(of: tokens("D3*4+2+2<eos>"), for: p))
        XCTAssertNil(task.voteKey(of: tokens("D(3+4)*2"), for: p))
        let long = tokens("T" + String(repeating: "2+3=5|", count: 20) + ">(3+4)*2<eos>")
        XCTAssertEqual(task.reward(of: long, for: p), 0)
        var rng = RNG(seed: 5)
        for _ in 0..<2000 {
            let garbage = (0..<rng.int(below: 30)).map { _ in rng.int(below: vocabulary.count + 2) - 1 }
            XCTAssertEqual(task.reward(of: garbage, for: p), 0)
            _ = task.stepCorrectness(of: garbage, for: p)
            _ = task.attempts(of: garbage, for: p)
        }
    }

    /// A move is right when its value is and both operands are still on the
    /// table; each attempt starts from the numbers given.
    func testStepLabels() throws {
        let p = CountdownProblem(numbers: [2, 3, 4], target: 14,
                                 solution: [CountdownMove(left: 3, op: .times, right: 4), CountdownMove(left: 12, op: .plus, right: 2)])
        func labels(_ text: String) -> [Bool] { task.stepCorrectness(of: tokens(text), for: p) }
        XCTAssertEqual(labels("T3*4=12|12+2=14|>3*4+2<eos>"), [true, true])
        XCTAssertEqual(labels("T3*4=13|13+2=15|>3*4+2<eos>"), [false, true])
        XCTAssertEqual(labels("T3*3=9|9+2=11|>3*4+2<eos>"), [false, false])
        XCTAssertEqual(labels("T2+3=5|5*4=20|3*4=12|12+2=14|>3*4+2<eos>"), [true, true, true, true])
        XCTAssertEqual(labels("T2+3=5|2+4=6|>3*4+2<eos>"), [true, false])
        XCTAssertEqual(labels("T2+=5|x>3*4+2<eos>".replacingOccurrences(of: "x", with: "")), [false])
        let attempts = try XCTUnwrap(task.attempts(of: tokens("T2+3=5|5*4=20|3*4=12|12+2=14|>3*4+2<eos>"), for: p))
        XCTAssertEqual(attempts.count, 2)
        XCTAssertTrue(attempts.retriedAfterMiss)
    }

    /// Training problems are never held out, held-out ones always are, and about one in 8 is.
    func testHeldOutSplit() {
        var rng = RNG(seed: 7)
        for _ in 0..<3000 { XCTAssertFalse(task.trainingProblem(rng: &rng).isHeldOut) }
        for n in CountdownProblem.supportedCounts {
            let heldOut = task.heldOutProblems(count: 300, digits: n, seed: 1)
            XCTAssertTrue(heldOut.allSatisfy { $0.isHeldOut && $0.numbers.count == n })
            XCTAssertEqual(heldOut, task.heldOutProblems(count: 300, digits: n, seed: 1))
            XCTAssertNotEqual(heldOut, task.heldOutProblems(count: 300, digits: n, seed: 2))
        }
        var pairs = Set<[Int]>()
        for a in 1...9 { for b in a...9 { for c in b...9 { for t in 1...100 { pairs.insert([a, b, c, t]) } } } }
        let held = pairs.filter { CountdownProblem.isHeldOut(numbers: Array($0.prefix(3)), target: $0[3]) }.count
        XCTAssertEqual(Double(held) / Double(pairs.count), 1.0 / 8, accuracy: 0.01)
    }

    func testSettings() throws {
        var settings = CountdownSettings()
        XCTAssertNoThrow(try settings.validate())
        try CountdownSettings.options.apply(["--numbers", "3", "--miss-fraction", "0"], to: &settings, context: "countdown") { _ in nil }
        XCTAssertEqual(settings.textTask.digits, 3...3)
        XCTAssertEqual(settings.label, "countdown 3 numbers")
        for (arguments, message) in [(["--numbers", "2-4"], "--numbers must be within 3-4"), (["--numbers", "5"], "--numbers must be within 3-4"),
                                     (["--miss-fraction", "1.5"], "--miss-fraction must be between 0 and 1"),
                                     (["--think-cost", "-1"], "--think-cost must be")] {
            var s = CountdownSettings()
            try CountdownSettings.options.apply(arguments, to: &s, context: "countdown") { _ in nil }
            XCTAssertThrowsError(try s.validate()) { XCTAssertTrue("\($0)".hasPrefix(message), "\($0)") }
        }
        var s = CountdownSettings()
        XCTAssertThrowsError(try CountdownSettings.options.apply(["--numbers", "4-3"], to: &s, context: "countdown") { _ in nil })
        XCTAssertThrowsError(try CountdownSettings().makeEnvironment()) { XCTAssertTrue("\($0)".contains("--policy transformer")) }
    }
}
