import Foundation
import XCTest
import RL

// Issue #7, item 4: random and mutated inputs to every parser a user's file
// reaches must give an error or a value, never a trap and never a hang. The
// fuzz tests (GridMapFuzzTests in EnvironmentsTests, FuzzTests in
// ExperimentsTests) share these; seeded, so a failure reproduces.

/// Any single input taking longer than this counts as a hang.
public let fuzzMaxSeconds = 2.0

/// Byte-level mutations with a bias towards what breaks parsers:
/// truncation, repeated chunks, boundary numbers, structural characters.
public struct Mutator {
    public var rng: RNG

    public init(rng: RNG) { self.rng = rng }

    public static let tokens: [String] = [
        "-1", "0", "1e400", "-1e400", "NaN", "nan", "inf", "null", "true", "[]", "{}", "\"\"", "\"", ",", ":",
        "9223372036854775807", "9223372036854775808", "-9223372036854775809", "18446744073709551616",
        "1.7976931348623157e309", "\u{0}", "\r\n", "\n\n", "S", "G", "#", " ", ".", "\u{FFFD}", "\u{1F600}",
    ]

    public mutating func mutate(_ input: [UInt8]) -> [UInt8] {
        var bytes = input
        for _ in 0..<(1 + rng.int(below: 4)) {
            let position = bytes.isEmpty ? 0 : rng.int(below: bytes.count + 1)
            switch rng.int(below: 9) {
            case 0 where !bytes.isEmpty:  // flip one bit
                let i = min(position, bytes.count - 1)
                bytes[i] ^= UInt8(1 << rng.int(below: 8))
            case 1 where !bytes.isEmpty:  // random byte
                bytes[min(position, bytes.count - 1)] = UInt8(truncatingIfNeeded: rng.next())
            case 2:  // insert random bytes
                bytes.insert(contentsOf: (0..<(1 + rng.int(below: 4))).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, at: position)
            case 3 where !bytes.isEmpty:  // delete a run
                let end = min(bytes.count, position + 1 + rng.int(below: 16))
                bytes.removeSubrange(min(position, bytes.count - 1)..<end)
            case 4:  // truncate
                bytes = Array(bytes.prefix(position))
            case 5 where !bytes.isEmpty:  // duplicate a chunk
                let start = rng.int(below: bytes.count)
                let end = min(bytes.count, start + 1 + rng.int(below: 64))
                bytes.insert(contentsOf: bytes[start..<end], at: position)
            case 6:  // an interesting token
                bytes.insert(contentsOf: Array(Self.tokens[rng.int(below: Self.tokens.count)].utf8), at: position)
            case 7:  // change a digit (keeps JSON valid, changes a number)
                if let i = bytes.indices.dropFirst(position).first(where: { (48...57).contains(bytes[$0]) }) {
                    bytes[i] = UInt8(48 + rng.int(below: 10))
                }
            default:  // swap two bytes
                if bytes.count > 1 {
                    bytes.swapAt(rng.int(below: bytes.count), rng.int(below: bytes.count))
                }
            }
        }
        return bytes
    }

    public mutating func randomBytes(maxCount: Int, alphabet: [UInt8]? = nil) -> [UInt8] {
        (0..<rng.int(below: maxCount + 1)).map { _ in
            alphabet.map { $0[rng.int(below: $0.count)] } ?? UInt8(truncatingIfNeeded: rng.next())
        }
    }
}

/// Runs `body` on each input, checking the time of each one.
public func fuzz(_ inputs: [[UInt8]], _ what: String, _ body: ([UInt8]) -> Bool) -> (accepted: Int, refused: Int) {
    var accepted = 0, slowest = 0.0
    for input in inputs {
        let start = Date()
        if body(input) { accepted += 1 }
        slowest = max(slowest, Date().timeIntervalSince(start))
    }
    XCTAssertLessThan(slowest, fuzzMaxSeconds, "\(what): an input took \(slowest) s")
    return (accepted, inputs.count - accepted)
}
