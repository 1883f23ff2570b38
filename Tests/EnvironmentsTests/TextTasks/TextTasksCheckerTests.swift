import XCTest
import Environments

/// The checker's verdicts and the step labels, on addition's `95+08=` and
/// multiplication's `473*8=`.
final class TextTasksCheckerTests: XCTestCase {
    private let addition = AdditionTextTask()
    private let sum = ArithmeticProblem("95", "08")!

    private func tokens(_ text: String) -> [Int] {
        guard let tokens = Vocabulary.standard.encode(text) else {
            XCTFail("not in the vocabulary: \(text)")
            return []
        }
        return tokens
    }

    private func reward(_ text: String) -> Double {
        addition.reward(of: tokens(text), for: sum)
    }

    func testRightCompletionsScoreOne() {
        XCTAssertEqual(reward("D103<eos>"), 1)
        XCTAssertEqual(reward("T5831|9001|>103<eos>"), 1)
        // The reward pays the answer; the working is judged by the step labels.
        XCTAssertEqual(reward("T0000|>103<eos>"), 1)
        XCTAssertEqual(reward("T>103<eos>"), 1)
    }

    func testWrongAnswersScoreZero() {
        for text in ["D104<eos>", "D03<eos>", "D0103<eos>", "T5831|9001|>104<eos>", "T5831|9001|>13<eos>"] {
            XCTAssertEqual(reward(text), 0, text)
        }
    }

    func testMalformedCompletionsScoreZero() {
        let malformed = [
            "D103", "T5831|9001|>103",  // no <eos>
            "T5831|9001|103<eos>",  // THINK without >
            "T5831|9001|>>103<eos>", "T58>31|>103<eos>",  // two >
            "D>103<eos>", "D5831|103<eos>",  // working in DIRECT
            "103<eos>", ">103<eos>", "+=*<eos>", "<eos>", "<pad>", "",  // no mode token, garbage, empty
            "D<eos>", "T5831|9001|><eos>",  // no answer
            "D1+3<eos>", "T5831|9001|>1|3<eos>", "D103<pad><eos>",  // non-digits in the answer
            "D103<eos><eos>", "D103<eos>1", "D103<eos><pad>",  // anything after <eos>
            "T5831|D|>103<eos>", "T58T31|>103<eos>", "TD103<eos>", "T5831<eos>|>103<eos>",  // mode tokens, <eos> in working
        ]
        for text in malformed {
            XCTAssertEqual(reward(text), 0, text)
            XCTAssertFalse(TextCompletion(parsing: tokens(text)).isWellFormed, text)
        }
        // Ids outside the vocabulary, from a buggy sampler: 0, no trap.
        for completion in [[16, 1, 0, 3, 99, 17], [16, -1, 17], [15, 40, 14, 1, 0, 3, 17], [Int.max], [Int.min, 17]] {
            XCTAssertEqual(addition.reward(of: completion, for: sum), 0, "\(completion)")
        }
    }

    func testOverLongCompletionsScoreZero() {
        let limit = addition.maxCompletionLength(for: sum)
        XCTAssertEqual(limit, 2 * tokens("T5831|9001|>103<eos>").count)
        let longest = "T" + String(repeating: "0", count: limit - 6) + ">103<eos>"
        XCTAssertEqual(tokens(longest).count, limit)
        XCTAssertEqual(reward(longest), 1)
        XCTAssertEqual(reward("T0" + longest.dropFirst()), 0, "one token over the limit")
        XCTAssertEqual(addition.reward(of: [Vocabulary.think] + Array(repeating: 1, count: 100_000), for: sum), 0)
    }

    func testThinkingIsMeasured() {
        let think = TextCompletion(parsing: tokens("T5831|9001|>103<eos>"))
        XCTAssertEqual(think.format, .think)
        XCTAssertTrue(think.thinks)
        XCTAssertEqual(think.thinkingLength, 10)
        XCTAssertEqual(think.answer, [1, 0, 3])
        XCTAssertEqual(addition.thinkingLength(of: tokens("T5831|9001|>103<eos>")), 10)
        XCTAssertTrue(addition.thinks(tokens("T5831")))
        XCTAssertFalse(addition.thinks(tokens("D103<eos>")))
        XCTAssertFalse(addition.thinks([]))
        XCTAssertEqual(addition.thinkingLength(of: tokens("D103<eos>")), 0)
        XCTAssertEqual(addition.thinkingLength(of: tokens("T58")), 2, "unfinished: what was written so far")
        XCTAssertNil(TextCompletion(parsing: tokens("103<eos>")).format)
    }

    func testStepCheckerFlagsTheCorruptedStep() {
        func steps(_ text: String) -> [Bool] { addition.stepCorrectness(of: tokens(text), for: sum) }
        XCTAssertEqual(steps("T5831|9001|>103<eos>"), [true, true])
        XCTAssertEqual(steps("T5841|9001|>103<eos>"), [false, true], "wrong sum digit")
        XCTAssertEqual(steps("T5831|9000|>103<eos>"), [true, false], "wrong carry")
        XCTAssertEqual(steps("T5831|9001|0000|>103<eos>"), [true, true, false], "a step too many")
        XCTAssertEqual(steps("T583|9001|>103<eos>"), [false, true], "a value missing")
        XCTAssertEqual(steps("T5831|90"), [true, false], "unfinished")
        XCTAssertEqual(steps("T5831|9001>103<eos>"), [true, true], "the last | may be left out")
        XCTAssertEqual(steps("D103<eos>"), [])
        XCTAssertEqual(steps(""), [])

        let multiplication = MultiplicationTextTask()
        let product = MultiplicationProblem("473", 8)!
        let right = tokens("T382442|785885|483773|>3784<eos>")
        XCTAssertEqual(multiplication.stepCorrectness(of: right, for: product), [true, true, true])
        XCTAssertEqual(multiplication.stepCorrectness(of: tokens("T382442|784885|483773|>3784<eos>"), for: product),
                       [true, false, true], "wrong product")
        XCTAssertEqual(multiplication.stepCorrectness(of: tokens("T382442|785885|483763|>3784<eos>"), for: product),
                       [true, true, false], "wrong written digit")
    }
}
