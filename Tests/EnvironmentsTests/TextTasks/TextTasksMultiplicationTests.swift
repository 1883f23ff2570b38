import XCTest
import RL
import Environments

final class TextTasksMultiplicationTests: XCTestCase {
    private let task = MultiplicationTextTask()
    private let vocabulary = Vocabulary.standard

    func testFormats() {
        let p = MultiplicationProblem("473", 8)!
        XCTAssertEqual(vocabulary.decode(task.prompt(for: p)), "473*8=")
        XCTAssertEqual(vocabulary.decode(task.completion(for: p, format: .direct)), "D3784<eos>")
        XCTAssertEqual(vocabulary.decode(task.completion(for: p, format: .think)), "T382442|785885|483773|>3784<eos>")
        XCTAssertEqual(task.difficulty(of: p), "×8")
        let q = MultiplicationProblem("05", 1)!
        XCTAssertEqual(vocabulary.decode(task.prompt(for: q) + task.completion(for: q, format: .think)), "05*1=T510550|010000|>005<eos>")
    }

    func testWorkedExamplesScoreOne() {
        let task = MultiplicationTextTask(digits: 1...6, multipliers: 1...9)
        for example in task.workedExamples(count: 2000, seed: 5, mix: .mixed(thinkFraction: 0.5)) {
            let text = vocabulary.decode(example.prompt)
            let parts = text.dropLast().split(separator: "*").map(String.init)
            guard parts.count == 2, let m = Int(parts[1]), let p = MultiplicationProblem(parts[0], m) else { return XCTFail(text) }
            XCTAssertEqual(task.reward(of: example.completion, for: p), 1, text)
            let steps = task.stepCorrectness(of: example.completion, for: p)
            XCTAssertEqual(steps, task.thinks(example.completion) ? Array(repeating: true, count: p.digits) : [])
            XCTAssertEqual(Int(parts[0])! * m, Int(vocabulary.decode(task.answer(for: p))))
        }
    }

    func testHeldOutSplitIsTheEnvironments() {
        let task = MultiplicationTextTask(digits: 2...4, multipliers: 3...7)
        var rng = RNG(seed: 12)
        var digits = Set<Int>(), multipliers = Set<Int>()
        for _ in 0..<3000 {
            let p = task.trainingProblem(rng: &rng)
            XCTAssertFalse(task.isHeldOut(p))
            XCTAssertFalse(p.isHeldOut)
            digits.insert(p.digits)
            multipliers.insert(p.multiplier)
        }
        XCTAssertEqual(digits, Set(2...4))
        XCTAssertEqual(multipliers, Set(3...7))
        let heldOut = task.heldOutProblems(count: 300, digits: 3, seed: 1)
        XCTAssertEqual(heldOut, MultiplicationEvaluator.heldOutProblems(seed: 1, count: 300, digits: 3, multipliers: 3...7))
        XCTAssertTrue(heldOut.allSatisfy { $0.isHeldOut && $0.digits == 3 && (3...7).contains($0.multiplier) })
        for a in 0..<100 {
            for m in 1...9 {
                let p = MultiplicationProblem(String(a), m, digits: 2)!
                XCTAssertEqual(task.isHeldOut(p), p.splitHash % HeldOutSplit.modulus == 0)
            }
        }
    }
}
