import RL

/// Addition as text, on the arithmetic environment's problems: the same
/// draws, the same held-out split (`ArithmeticProblem.isHeldOut`), the same
/// evaluation sets, so results compare with `--env arithmetic`.
///
/// Both operands are written with D digits, zero-padded, and the answer with
/// D+1 (the carry-out column too), as the environment grades it:
/// `95+08=` → DIRECT `D103<eos>`, THINK `T5831|9001|>103<eos>`. Padding keeps
/// one prompt per problem (`95+8=` would also be the 3-digit `095+008`,
/// which the split may put on the other side) and fixes every length by D.
///
/// THINK, per column from the right, `x y s c|`: the two digits, the sum
/// digit, the carry-out (the PyTorch prototype's format). For a small model
/// with learned absolute positions every value but the operand look-ups and
/// the answer's copy is a fixed-offset read: s and c need x and y (1 and 2
/// back) and the carry-in, the previous column's c (4 back from s, 5 from c).
public struct AdditionTextTask: TextTask {
    public typealias Problem = ArithmeticProblem

    public let digits: ClosedRange<Int>

    /// `digits` within 1…`ArithmeticConfig.maxSupportedDigits`; the default
    /// is the arithmetic environment's.
    public init(digits: ClosedRange<Int> = ArithmeticConfig().digits) {
        precondition(digits.lowerBound >= 1 && digits.upperBound <= ArithmeticConfig.maxSupportedDigits,
                     "digits must be within 1-\(ArithmeticConfig.maxSupportedDigits)")
        self.digits = digits
    }

    /// D uniform in `digits`, then the environment's training draw: the
    /// problems `ArithmeticEnvironment.reset(rng:)` meets from the same stream.
    public func trainingProblem(rng: inout RNG) -> ArithmeticProblem {
        let d = digits.lowerBound + rng.int(below: digits.count)
        return ArithmeticProblem.drawTraining(digits: d, rng: &rng)
    }

    public func heldOutProblem(digits: Int, rng: inout RNG) -> ArithmeticProblem {
        ArithmeticProblem.drawHeldOut(digits: digits, rng: &rng)
    }

    /// The problems `rltrain --env arithmetic` evaluates with this seed.
    public func heldOutProblems(count: Int, digits: Int, seed: UInt64) -> [ArithmeticProblem] {
        ArithmeticEvaluator.heldOutProblems(count: max(count, 0), digits: digits, rng: RNG(seed: seed).stream("eval-problems", digits))
    }

    public func isHeldOut(_ problem: ArithmeticProblem) -> Bool { problem.isHeldOut }

    public func digits(of problem: ArithmeticProblem) -> Int { problem.digits }

    public func difficulty(of problem: ArithmeticProblem) -> String {
        problem.digits == 1 ? "1 digit" : "\(problem.digits) digits"
    }

    public func prompt(for problem: ArithmeticProblem) -> [Int] {
        problem.a.reversed().map(Int.init) + [Vocabulary.plus] + problem.b.reversed().map(Int.init) + [Vocabulary.equals]
    }

    public func answer(for problem: ArithmeticProblem) -> [Int] {
        problem.answer.reversed().map(Int.init)
    }

    public func workingSteps(for problem: ArithmeticProblem) -> [[Int]] {
        let sums = problem.answer, carries = problem.carries
        return (0..<problem.digits).map { column in
            [Int(problem.a[column]), Int(problem.b[column]), Int(sums[column]), carries[column] ? 1 : 0]
        }
    }
}
