import XCTest
import Environments

final class TextTasksWorkedExamplesTests: XCTestCase {
    private let task = AdditionTextTask()

    func testExamplesAreDeterministicAndMixesShareProblems() {
        let think = task.workedExamples(count: 300, seed: 7, mix: .think)
        XCTAssertEqual(think, task.workedExamples(count: 300, seed: 7, mix: .think))
        XCTAssertNotEqual(think, task.workedExamples(count: 300, seed: 8, mix: .think))
        XCTAssertEqual(Array(think.prefix(100)), task.workedExamples(count: 100, seed: 7, mix: .think))
        let direct = task.workedExamples(count: 300, seed: 7, mix: .direct)
        let mixed = task.workedExamples(count: 300, seed: 7, mix: .mixed(thinkFraction: 0.3))
        XCTAssertEqual(direct.map(\.prompt), think.map(\.prompt))
        XCTAssertEqual(mixed.map(\.prompt), think.map(\.prompt))
        XCTAssertTrue(think.allSatisfy { $0.completion.first == Vocabulary.think })
        XCTAssertTrue(direct.allSatisfy { $0.completion.first == Vocabulary.direct })
        XCTAssertEqual(task.workedExamples(count: 0, seed: 7, mix: .think), [])
        XCTAssertEqual(task.workedExamples(count: -3, seed: 7, mix: .think), [])
    }

    func testMixedFractionOfThinking() {
        func fraction(_ f: Double) -> Double {
            let examples = task.workedExamples(count: 4000, seed: 3, mix: .mixed(thinkFraction: f))
            return Double(examples.filter { task.thinks($0.completion) }.count) / Double(examples.count)
        }
        XCTAssertEqual(fraction(0.25), 0.25, accuracy: 0.03)
        XCTAssertEqual(fraction(0), 0)
        XCTAssertEqual(fraction(1), 1)
        XCTAssertEqual(fraction(-1), 0)
        XCTAssertEqual(fraction(.nan), 0)
    }

    func testPacking() {
        let examples = [
            TextExample(prompt: [1, 2], completion: [Vocabulary.direct, 3, Vocabulary.eos]),
            TextExample(prompt: [4], completion: [Vocabulary.think, 5, Vocabulary.eos]),
        ]
        let packed = PackedSequences(examples)
        let pad = Vocabulary.pad
        XCTAssertEqual(packed.tokens, [1, 2, 16, 3, 17, 4, 15, 5, 17])
        XCTAssertEqual(packed.targets, [2, 16, 3, 17, pad, 15, 5, 17, pad])
        XCTAssertEqual(packed.lossMask, [0, 1, 1, 1, 0, 1, 1, 1, 0])
        XCTAssertEqual(packed.completionMask, [0, 0, 1, 1, 1, 0, 1, 1, 1])
        XCTAssertEqual(packed.positions, [0, 1, 2, 3, 4, 0, 1, 2, 3])
        XCTAssertEqual(packed.starts, [0, 5])
        XCTAssertEqual(packed.lengths, [5, 4])
        XCTAssertEqual(PackedSequences([]).tokens, [])

        // Each completion token is predicted exactly once.
        let set = task.workedExamples(count: 50, seed: 1, mix: .mixed(thinkFraction: 0.5))
        let batch = PackedSequences(set)
        XCTAssertEqual(Int(batch.lossMask.reduce(0, +)), set.reduce(0) { $0 + $1.completion.count })
        XCTAssertEqual(batch.lossMask.count, batch.tokens.count)
        for (i, start) in batch.starts.enumerated() {
            XCTAssertEqual(Array(batch.tokens[start..<start + batch.lengths[i]]), set[i].prompt + set[i].completion)
        }
    }
}
