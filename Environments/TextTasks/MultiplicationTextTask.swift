import RL

/// A D-digit number times one digit as text, on the multiplication
/// environment's problems: the same draws, held-out split
/// (`MultiplicationProblem.isHeldOut`) and evaluation sets.
///
/// The multiplicand is written with D digits, zero-padded, and the answer
/// with D+1: `473*8=` → DIRECT `D3784<eos>`,
/// THINK `T382442|785885|483773|>3784<eos>`.
///
/// THINK, per column from the right, `x m p p s c|`: the digit, the
/// multiplier, the product with the carry-in (two digits, x·m + c ≤ 89), the
/// written digit, the carry-out. Copying m into every step makes it a
/// fixed-offset read (7 back, the previous step's m) instead of a look-up into
/// the prompt that moves with the column; then each value is a fixed-offset
/// read: the product's digits need x and m (2 and 1 back from the first) and
/// the carry-in (the previous step's c, 4 back); s and c copy the product's
/// digits (1 and 3 back). The steps end `s c|` as addition's do, so the answer is copied from
/// the working in the same pattern.
public struct MultiplicationTextTask: TextTask {
    public typealias Problem = MultiplicationProblem

    public let digits: ClosedRange<Int>
    /// The multipliers problems are drawn with (the difficulty), within 1…9.
    public let multipliers: ClosedRange<Int>

    /// Ranges within 1…`MultiplicationConfig.maxSupportedDigits` and 1…9;
    /// the defaults are the multiplication environment's.
    public init(digits: ClosedRange<Int> = MultiplicationConfig().digits,
                multipliers: ClosedRange<Int> = MultiplicationConfig().multiplier) {
        precondition(digits.lowerBound >= 1 && digits.upperBound <= MultiplicationConfig.maxSupportedDigits,
                     "digits must be within 1-\(MultiplicationConfig.maxSupportedDigits)")
        precondition(multipliers.lowerBound >= 1 && multipliers.upperBound <= 9, "multipliers must be within 1-9")
        self.digits = digits
        self.multipliers = multipliers
    }

    /// D uniform in `digits`, then the environment's training draw: the
    /// problems `MultiplicationEnvironment.reset(rng:)` meets from the same
    /// stream, but for the cap it draws after them.
    public func trainingProblem(rng: inout RNG) -> MultiplicationProblem {
        let d = digits.lowerBound + rng.int(below: digits.count)
        return MultiplicationProblem.drawTraining(digits: d, multipliers: multipliers, rng: &rng)
    }

    public func heldOutProblem(digits: Int, rng: inout RNG) -> MultiplicationProblem {
        MultiplicationProblem.drawHeldOut(digits: digits, multipliers: multipliers, rng: &rng)
    }

    /// The problems `rltrain --env multiplication` evaluates with this seed.
    public func heldOutProblems(count: Int, digits: Int, seed: UInt64) -> [MultiplicationProblem] {
        MultiplicationEvaluator.heldOutProblems(seed: seed, count: max(count, 0), digits: digits, multipliers: multipliers)
    }

    public func isHeldOut(_ problem: MultiplicationProblem) -> Bool { problem.isHeldOut }

    public func digits(of problem: MultiplicationProblem) -> Int { problem.digits }

    /// `"×7"`: the multiplier bounds the carries, so it sets how hard a column is.
    public func difficulty(of problem: MultiplicationProblem) -> String { "×\(problem.multiplier)" }

    public func prompt(for problem: MultiplicationProblem) -> [Int] {
        problem.a.reversed().map(Int.init) + [Vocabulary.times, Vocabulary.digit(problem.multiplier), Vocabulary.equals]
    }

    public func answer(for problem: MultiplicationProblem) -> [Int] {
        problem.answer.reversed().map(Int.init)
    }

    public func workingSteps(for problem: MultiplicationProblem) -> [[Int]] {
        let m = problem.multiplier
        var carry = 0
        return (0..<problem.digits).map { column in
            let x = Int(problem.a[column]), product = x * m + carry
            carry = product / 10
            return [x, m, product / 10, product % 10, product % 10, product / 10]
        }
    }
}
