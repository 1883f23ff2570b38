import RL
import Environments

/// `1234=` → DIRECT `D4321<eos>`, THINK `T4|3|2|1|>4321<eos>`: the working
/// takes the digits one step each, from the right.
struct ReverseDigitsTask: TextTask {
    var digits: ClosedRange<Int> = 1...5

    func trainingProblem(rng: inout RNG) -> ReverseDigitsProblem {
        ReverseDigitsProblem.draw(count: digits.lowerBound + rng.int(below: digits.count), heldOut: false, rng: &rng)
    }

    func heldOutProblem(digits: Int, rng: inout RNG) -> ReverseDigitsProblem {
        ReverseDigitsProblem.draw(count: digits, heldOut: true, rng: &rng)
    }

    func isHeldOut(_ problem: ReverseDigitsProblem) -> Bool { problem.isHeldOut }
    func digits(of problem: ReverseDigitsProblem) -> Int { problem.digits.count }
    func difficulty(of problem: ReverseDigitsProblem) -> String { "\(problem.digits.count) digits" }
    func prompt(for problem: ReverseDigitsProblem) -> [Int] { problem.digits + [Vocabulary.equals] }
    func answer(for problem: ReverseDigitsProblem) -> [Int] { problem.digits.reversed() }
    func workingSteps(for problem: ReverseDigitsProblem) -> [[Int]] { problem.digits.reversed().map { [$0] } }
}
