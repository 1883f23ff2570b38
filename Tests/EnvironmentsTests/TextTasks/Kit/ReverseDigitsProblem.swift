import RL
import Environments

// The kit's proof: a third text task, reversing a digit string, in two
// files (this generator and its formats in ReverseDigitsTask.swift); the
// checker, step labels, worked examples and packing are the kit's.

/// A digit string to write backwards, most significant digit first.
struct ReverseDigitsProblem: Sendable, Hashable {
    var digits: [Int]

    /// One string in 8 with at least two digits is held out: the top 3 bits
    /// of a Fibonacci hash of (value, length), fixed across processes.
    var isHeldOut: Bool {
        let key = digits.reduce(UInt64(digits.count)) { $0 &* 10 &+ UInt64($1) }
        return digits.count >= 2 && (key &* 0x9E37_79B9_7F4A_7C15) >> 61 == 0
    }

    static func draw(count: Int, heldOut: Bool, rng: inout RNG) -> ReverseDigitsProblem {
        var problem = ReverseDigitsProblem(digits: [])
        repeat {
            problem.digits = (0..<count).map { _ in rng.int(below: 10) }
        } while problem.isHeldOut != heldOut && count >= 2
        return problem
    }
}
