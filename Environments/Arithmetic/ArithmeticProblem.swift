import RL

/// One addition problem `a + b` with D-digit operands, stored least-significant
/// digit first so that any D up to `ArithmeticConfig.maxSupportedDigits` fits.
///
/// The answer has D+1 columns (0 … D); column D is the carry-out column, where
/// both operand digits are absent.
public struct ArithmeticProblem: Codable, Sendable, Hashable, CustomStringConvertible {
    /// Digits of `a`, least significant first (each 0…9); `a.count == digits`.
    public internal(set) var a: [UInt8]
    /// Digits of `b`, least significant first; `b.count == digits`.
    public internal(set) var b: [UInt8]

    /// Operands given least-significant digit first; both must have the same, non-zero length.
    public init(a: [UInt8], b: [UInt8]) {
        precondition(!a.isEmpty && a.count == b.count, "operands need the same, non-zero number of digits")
        precondition((a + b).allSatisfy { $0 <= 9 }, "digits must be 0…9")
        self.a = a
        self.b = b
    }

    /// Operands written as usual, most-significant digit first (`"473"`, `"859"`),
    /// zero-padded to `digits` (default: the longer operand). Nil for non-digit text
    /// or an operand longer than `digits`.
    public init?(_ a: String, _ b: String, digits: Int? = nil) {
        let width = digits ?? max(a.count, b.count)
        guard width >= 1, a.count <= width, b.count <= width,
              (a + b).allSatisfy({ $0.isASCII && $0.isNumber })
        else { return nil }
        func lsbFirst(_ text: String) -> [UInt8] {
            text.utf8.reversed().map { $0 - UInt8(ascii: "0") } + Array(repeating: 0, count: width - text.count)
        }
        self.init(a: lsbFirst(a), b: lsbFirst(b))
    }

    /// Operand length D.
    public var digits: Int { a.count }

    /// The D+1 answer digits, least significant first.
    public var answer: [UInt8] {
        var result = [UInt8](repeating: 0, count: digits + 1)
        var carry: UInt8 = 0
        for column in 0...digits {
            let sum = operandSum(column) + carry
            result[column] = sum % 10
            carry = sum / 10
        }
        return result
    }

    /// For each column 0 … D: whether its sum with the incoming carry reaches 10.
    /// Column D never carries.
    public var carries: [Bool] {
        var result = [Bool](repeating: false, count: digits + 1)
        var carry: UInt8 = 0
        for column in 0...digits {
            carry = (operandSum(column) + carry) / 10
            result[column] = carry == 1
        }
        return result
    }

    /// `a[column] + b[column]`, 0 in the carry-out column.
    @inline(__always)
    func operandSum(_ column: Int) -> UInt8 {
        column < digits ? a[column] &+ b[column] : 0
    }

    /// Number of columns below `limit` where `written` (LSB first) matches the answer,
    /// computed without allocating.
    func correctDigits(_ written: [UInt8], below limit: Int) -> Int {
        var correct = 0
        var carry: UInt8 = 0
        for column in 0...digits {
            let sum = operandSum(column) + carry
            if column < limit, column < written.count, written[column] == sum % 10 { correct += 1 }
            carry = sum / 10
        }
        return correct
    }

    /// `"473 + 859"`: operands most-significant digit first, zero-padded to D digits.
    public var description: String {
        "\(Self.text(a)) + \(Self.text(b))"
    }

    /// Digits (least significant first) as text, most significant first.
    static func text(_ digits: [UInt8]) -> String {
        String(digits.reversed().map { Character(Unicode.Scalar($0 + UInt8(ascii: "0"))) })
    }

    // MARK: Held-out split

    /// The split's hash of (D, a, b) (see `HeldOutSplit`).
    public var splitHash: UInt64 {
        var split = HeldOutSplit()
        split.combine(UInt64(digits))
        for d in a { split.combine(UInt64(d)) }
        for d in b { split.combine(UInt64(d &+ 10)) }
        return split.hash
    }

    /// Whether this problem is reserved for evaluation (see `HeldOutSplit`).
    /// With D = 1 the whole space is the 100-entry addition table, which a policy
    /// must learn in full, so one-digit problems are never held out.
    public var isHeldOut: Bool { HeldOutSplit.isHeldOut(digits: digits, hash: splitHash) }

    /// A uniformly drawn training problem with `digits` digits: held-out problems are redrawn.
    public static func drawTraining(digits: Int, rng: inout RNG) -> ArithmeticProblem {
        var problem = ArithmeticProblem(a: [0], b: [0])
        problem.redrawTraining(digits: digits, rng: &rng)
        return problem
    }

    /// A uniformly drawn held-out (evaluation) problem with `digits` digits.
    /// With D = 1 any problem qualifies (see `isHeldOut`).
    public static func drawHeldOut(digits: Int, rng: inout RNG) -> ArithmeticProblem {
        var problem = ArithmeticProblem(a: [0], b: [0])
        repeat {
            problem.redrawUniform(digits: digits, rng: &rng)
        } while digits >= 2 && !problem.isHeldOut
        return problem
    }

    /// Redraws in place, reusing the arrays' storage (no allocation in steady state).
    mutating func redrawTraining(digits: Int, rng: inout RNG) {
        repeat {
            redrawUniform(digits: digits, rng: &rng)
        } while isHeldOut
    }

    private mutating func redrawUniform(digits: Int, rng: inout RNG) {
        precondition((1...ArithmeticConfig.maxSupportedDigits).contains(digits), "unsupported digit count \(digits)")
        a.removeAll(keepingCapacity: true)
        b.removeAll(keepingCapacity: true)
        for _ in 0..<digits { a.append(UInt8(rng.int(below: 10))) }
        for _ in 0..<digits { b.append(UInt8(rng.int(below: 10))) }
    }
}
