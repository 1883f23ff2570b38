import XCTest
import RL
import Environments

final class TextTasksAdditionTests: XCTestCase {
    private let task = AdditionTextTask()
    private let vocabulary = Vocabulary.standard

    func testFormats() {
        let p = ArithmeticProblem("95", "08")!
        XCTAssertEqual(vocabulary.decode(task.prompt(for: p)), "95+08=")
        XCTAssertEqual(vocabulary.decode(task.completion(for: p, format: .direct)), "D103<eos>")
        XCTAssertEqual(vocabulary.decode(task.completion(for: p, format: .think)), "T5831|9001|>103<eos>")
        XCTAssertEqual(task.difficulty(of: p), "2 digits")
        let q = ArithmeticProblem("7", "5")!
        XCTAssertEqual(vocabulary.decode(task.prompt(for: q) + task.completion(for: q, format: .think)), "7+5=T7521|>12<eos>")
        XCTAssertEqual(task.difficulty(of: q), "1 digit")
        let r = ArithmeticProblem("012", "034")!
        XCTAssertEqual(vocabulary.decode(task.prompt(for: r) + task.completion(for: r, format: .direct)), "012+034=D0046<eos>")
    }

    /// Every worked example scores 1 and every step of it is right, on
    /// problems read back from the prompts alone.
    func testWorkedExamplesScoreOne() {
        let task = AdditionTextTask(digits: 1...6)
        for example in task.workedExamples(count: 2000, seed: 4, mix: .mixed(thinkFraction: 0.5)) {
            let text = vocabulary.decode(example.prompt)
            let operands = text.dropLast().split(separator: "+").map(String.init)
            guard operands.count == 2, let p = ArithmeticProblem(operands[0], operands[1]) else { return XCTFail(text) }
            XCTAssertEqual(task.prompt(for: p), example.prompt)
            XCTAssertEqual(task.reward(of: example.completion, for: p), 1, text)
            let steps = task.stepCorrectness(of: example.completion, for: p)
            XCTAssertEqual(steps, task.thinks(example.completion) ? Array(repeating: true, count: p.digits) : [])
            XCTAssertEqual(Int(text.dropLast().split(separator: "+").map { Int($0)! }.reduce(0, +)),
                           Int(vocabulary.decode(task.answer(for: p))))
        }
    }

    /// Training problems are the arithmetic environment's, never held out;
    /// held-out sets are its evaluation sets; the split is its split.
    func testHeldOutSplitIsTheEnvironments() {
        var environment = ArithmeticEnvironment(config: ArithmeticConfig())
        var taskRNG = RNG(seed: 11), environmentRNG = RNG(seed: 11)
        var seen = Set<Int>()
        for _ in 0..<3000 {
            let p = task.trainingProblem(rng: &taskRNG)
            environment.reset(rng: &environmentRNG)
            XCTAssertEqual(p, environment.problem)
            XCTAssertFalse(task.isHeldOut(p))
            XCTAssertFalse(p.isHeldOut)
            seen.insert(p.digits)
        }
        XCTAssertEqual(seen, Set(ArithmeticConfig().digits))

        let heldOut = task.heldOutProblems(count: 500, digits: 3, seed: 1)
        XCTAssertEqual(heldOut, ArithmeticEvaluator.heldOutProblems(count: 500, digits: 3, rng: RNG(seed: 1).stream("eval-problems", 3)))
        XCTAssertTrue(heldOut.allSatisfy { $0.isHeldOut && $0.digits == 3 })
        var rng = RNG(seed: 2)
        for _ in 0..<200 { XCTAssertTrue(task.heldOutProblem(digits: 2, rng: &rng).isHeldOut) }

        // 1 276 of the 10 000 two-digit problems, as the environment's README says;
        // padded prompts name one problem each, so no held-out prompt is a training one.
        var heldOutCount = 0
        var prompts = Set<[Int]>()
        for a in 0..<100 {
            for b in 0..<100 {
                let p = ArithmeticProblem(String(a), String(b), digits: 2)!
                if task.isHeldOut(p) { heldOutCount += 1 }
                prompts.insert(task.prompt(for: p))
            }
        }
        for a in 0..<10 { for b in 0..<10 { prompts.insert(task.prompt(for: ArithmeticProblem(String(a), String(b))!)) } }
        XCTAssertEqual(heldOutCount, 1276)
        XCTAssertEqual(prompts.count, 10_100)
    }
}
