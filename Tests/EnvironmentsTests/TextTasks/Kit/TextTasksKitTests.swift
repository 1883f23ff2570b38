import XCTest
import RL
import Environments

/// A task defined outside the module gets the whole kit.
final class TextTasksKitTests: XCTestCase {
    private let task = ReverseDigitsTask()
    private let vocabulary = Vocabulary.standard

    func testTheKitServesANewTask() {
        let p = ReverseDigitsProblem(digits: [1, 2, 3, 4])
        XCTAssertEqual(vocabulary.decode(task.prompt(for: p)), "1234=")
        XCTAssertEqual(vocabulary.decode(task.completion(for: p, format: .direct)), "D4321<eos>")
        let think = task.completion(for: p, format: .think)
        XCTAssertEqual(vocabulary.decode(think), "T4|3|2|1|>4321<eos>")
        XCTAssertEqual(task.reward(of: think, for: p), 1)
        XCTAssertEqual(task.reward(of: vocabulary.encode("D1234<eos>")!, for: p), 0)
        XCTAssertEqual(task.reward(of: vocabulary.encode("T4|3|2|1|4321<eos>")!, for: p), 0)
        XCTAssertEqual(task.stepCorrectness(of: vocabulary.encode("T4|3|9|1|>4321<eos>")!, for: p), [true, true, false, true])
        XCTAssertEqual(task.thinkingLength(of: think), 8)

        let heldOut = (0..<1000).filter { ReverseDigitsProblem(digits: [$0 / 100, $0 / 10 % 10, $0 % 10]).isHeldOut }.count
        XCTAssertEqual(Double(heldOut) / 1000, 0.125, accuracy: 0.03)
        var rng = RNG(seed: 1)
        for _ in 0..<500 {
            let training = task.trainingProblem(rng: &rng)
            XCTAssertFalse(task.isHeldOut(training))
            XCTAssertTrue(task.isHeldOut(task.heldOutProblem(digits: 3, rng: &rng)))
        }
        XCTAssertEqual(task.heldOutProblems(count: 20, digits: 4, seed: 2).count, 20)
        let examples = task.workedExamples(count: 200, seed: 3, mix: .mixed(thinkFraction: 0.5))
        for example in examples {
            let problem = ReverseDigitsProblem(digits: Array(example.prompt.dropLast()))
            XCTAssertEqual(task.reward(of: example.completion, for: problem), 1)
        }
        XCTAssertEqual(PackedSequences(examples).starts.count, 200)
    }
}
