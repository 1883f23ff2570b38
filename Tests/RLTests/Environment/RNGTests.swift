import XCTest
@testable import RL

/// RNG: named streams and uniform integers.
final class RNGTests: XCTestCase {
    func testStreamsAreReproducibleAndIndependentOfParentDraws() {
        var a = RNG(seed: 7)
        let childBefore = a.stream("env", 3)
        for _ in 0..<10 { _ = a.next() }
        XCTAssertEqual(a.stream("env", 3), childBefore)
        var x = RNG(seed: 7).stream("env", 3)
        var y = RNG(seed: 7).stream("env", 3)
        XCTAssertEqual((0..<5).map { _ in x.next() }, (0..<5).map { _ in y.next() })
        var other = RNG(seed: 7).stream("env", 4)
        var again = RNG(seed: 7).stream("env", 3)
        XCTAssertNotEqual(other.next(), again.next())
        XCTAssertNotEqual(RNG(seed: 7).stream("env").key, RNG(seed: 8).stream("env").key)
    }

    func testIntBelowIsUniform() {
        var rng = RNG(seed: 2)
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 { counts[rng.int(below: 7)] += 1 }
        for c in counts { XCTAssertEqual(Double(c), 10_000, accuracy: 400) }
    }
}
