import XCTest
import RL
@testable import Environments

// Helpers the Arithmetic*Tests share: the environment's observation and mask as
// arrays, the column view's layout, and two scripted policies.

func observation(_ env: ArithmeticEnvironment) -> [Float] {
    var buffer = [Float](repeating: -1, count: env.observationSize)
    buffer.withUnsafeMutableBufferPointer { env.writeObservation(into: $0) }
    return buffer
}

func mask(_ env: ArithmeticEnvironment) -> [Bool] {
    var buffer = [Bool](repeating: false, count: env.actionCount)
    buffer.withUnsafeMutableBufferPointer { env.writeActionMask(into: $0) }
    return buffer
}

/// Indices of the ones; fails if any entry is neither 0 nor 1.
func ones(_ values: [Float], file: StaticString = #filePath, line: UInt = #line) -> [Int] {
    XCTAssert(values.allSatisfy { $0 == 0 || $0 == 1 }, "observation not binary: \(values)", file: file, line: line)
    return values.indices.filter { values[$0] == 1 }
}

func problem(_ a: String, _ b: String) -> ArithmeticProblem {
    ArithmeticProblem(a, b)!
}

/// Column-view layout for K = 2: a 0..<10, b 10..<20, note here 20..<23,
/// previous note 23..<26, think used 26..<30, first 30, last 31.
enum L {
    static func a(_ d: Int) -> Int { d }
    static func b(_ d: Int) -> Int { 10 + d }
    static func note(_ s: Int) -> Int { 20 + s }
    static func prev(_ s: Int) -> Int { 23 + s }
    static func used(_ n: Int) -> Int { 26 + n }
    static let first = 30
    static let last = 31
}

/// The ideal column-local policy, reading only the column view (K = 2): it writes
/// note 1 where the column carries (if it may) and reads the previous column's note
/// as the carry in. With no thinking it guesses "no carry".
func idealPolicy(_ obs: UnsafeBufferPointer<Float>, _ mask: UnsafeBufferPointer<Bool>, _ rng: inout RNG) -> Int {
    let a = (0..<10).first { obs[L.a($0)] == 1 } ?? 0
    let b = (0..<10).first { obs[L.b($0)] == 1 } ?? 0
    let carryIn = obs[L.prev(1)] == 1 ? 1 : 0
    let sum = a + b + carryIn
    if sum >= 10 && obs[L.note(0)] == 1 && mask[10] { return 10 }
    return sum % 10
}

/// Picks uniformly among the available actions.
func randomPolicy(_ obs: UnsafeBufferPointer<Float>, _ mask: UnsafeBufferPointer<Bool>, _ rng: inout RNG) -> Int {
    let available = (0..<12).filter { mask[$0] }
    return available[rng.int(below: available.count)]
}
