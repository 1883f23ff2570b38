import RL

/// One problem `a × m`: a D-digit multiplicand (least-significant digit
/// first, so any D up to `MultiplicationConfig.maxSupportedDigits` fits) and a
/// one-digit multiplier m in 1…9.
///
/// The answer has D+1 columns (0 … D). Column i holds (a_i·m + c_i) mod 10,
/// where c_i, the carry into it, is ⌊(a_{i−1}·m + c_{i−1})/10⌋ ≤ m − 1;
/// column D (no multiplicand digit) holds the last carry.
public struct MultiplicationProblem: Codable, Sendable, Hashable, CustomStringConvertible {
    /// Digits of `a`, least significant first (each 0…9); `a.count == digits`.
    public internal(set) var a: [UInt8]
    public internal(set) var multiplier: Int

    public init(a: [UInt8], multiplier: Int) {
        precondition(!a.isEmpty && a.allSatisfy { $0 <= 9 }, "the multiplicand needs at least one digit, each 0…9")
        precondition((1...9).contains(multiplier), "the multiplier must be 1…9, got \(multiplier)")
        self.a = a
        self.multiplier = multiplier
    }

    /// `a` written as usual (`"473"`), zero-padded to `digits` (default: its length).
    public init?(_ a: String, _ multiplier: Int, digits: Int? = nil) {
        let width = digits ?? a.count
        guard width >= 1, a.count <= width, (1...9).contains(multiplier),
              a.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        self.init(a: a.utf8.reversed().map { $0 - UInt8(ascii: "0") } + Array(repeating: 0, count: width - a.count),
                  multiplier: multiplier)
    }

    /// Multiplicand length D.
    public var digits: Int { a.count }

    /// `a[column]`, 0 in the carry-out column.
    @inline(__always)
    func digit(_ column: Int) -> Int { column < digits ? Int(a[column]) : 0 }

    /// The D+1 answer digits, least significant first.
    public var answer: [UInt8] {
        var result = [UInt8](repeating: 0, count: digits + 1)
        var carry = 0
        for column in 0...digits {
            let sum = digit(column) * multiplier + carry
            result[column] = UInt8(sum % 10)
            carry = sum / 10
        }
        return result
    }

    /// For each column 0 … D, the carry out of it (0 … m−1; 0 for column D):
    /// the tally marks an unconstrained expert writes there.
    public var carries: [Int] {
        var result = [Int](repeating: 0, count: digits + 1)
        var carry = 0
        for column in 0...digits {
            carry = (digit(column) * multiplier + carry) / 10
            result[column] = carry
        }
        return result
    }

    /// Number of columns below `limit` where `written` (LSB first) matches
    /// the answer, computed without allocating.
    func correctDigits(_ written: [UInt8], below limit: Int) -> Int {
        var correct = 0, carry = 0
        for column in 0...digits {
            let sum = digit(column) * multiplier + carry
            if column < limit, column < written.count, Int(written[column]) == sum % 10 { correct += 1 }
            carry = sum / 10
        }
        return correct
    }

    /// `"473 × 8"`: the multiplicand most-significant digit first, zero-padded to D.
    public var description: String { "\(Self.text(a)) × \(multiplier)" }

    /// Digits (least significant first) as text, most significant first.
    static func text(_ digits: [UInt8]) -> String {
        String(digits.reversed().map { Character(Unicode.Scalar($0 + UInt8(ascii: "0"))) })
    }

    // MARK: Held-out split

    /// The split's hash of (D, a, m) (see `HeldOutSplit`).
    public var splitHash: UInt64 {
        var split = HeldOutSplit()
        split.combine(UInt64(digits))
        split.combine(UInt64(multiplier &+ 100))
        for d in a { split.combine(UInt64(d)) }
        return split.hash
    }

    /// Whether this problem is reserved for evaluation (see `HeldOutSplit`).
    /// One-digit problems are the 90-entry times table itself, which a
    /// policy must know in full to multiply anything: never held out.
    public var isHeldOut: Bool { HeldOutSplit.isHeldOut(digits: digits, hash: splitHash) }

    /// A held-out problem with `digits` digits and the multiplier drawn from
    /// `multipliers`, uniformly; with D = 1 any problem qualifies.
    public static func drawHeldOut(digits: Int, multipliers: ClosedRange<Int>, rng: inout RNG) -> MultiplicationProblem {
        var problem = MultiplicationProblem(a: [0], multiplier: 1)
        repeat {
            problem.redrawUniform(digits: digits, multipliers: multipliers, rng: &rng)
        } while digits >= 2 && !problem.isHeldOut
        return problem
    }

    /// A training problem (never a held-out one) with `digits` digits and the
    /// multiplier drawn from `multipliers`: what a verifier learns on.
    public static func drawTraining(digits: Int, multipliers: ClosedRange<Int>, rng: inout RNG) -> MultiplicationProblem {
        var problem = MultiplicationProblem(a: [0], multiplier: 1)
        problem.redrawTraining(digits: digits, multipliers: multipliers, rng: &rng)
        return problem
    }

    /// Redraws a training problem in place (held-out ones are redrawn, D
    /// kept), reusing the storage.
    mutating func redrawTraining(digits: Int, multipliers: ClosedRange<Int>, rng: inout RNG) {
        repeat {
            redrawUniform(digits: digits, multipliers: multipliers, rng: &rng)
        } while isHeldOut
    }

    private mutating func redrawUniform(digits: Int, multipliers: ClosedRange<Int>, rng: inout RNG) {
        precondition(MultiplicationConfig.digitsLimits.contains(digits), "unsupported digit count \(digits)")
        multiplier = multipliers.lowerBound + rng.int(below: multipliers.count)
        a.removeAll(keepingCapacity: true)
        for _ in 0..<digits { a.append(UInt8(rng.int(below: 10))) }
    }
}
