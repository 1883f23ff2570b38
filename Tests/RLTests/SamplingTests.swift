import XCTest
@testable import RL

final class SamplingTests: XCTestCase {
    func testMaskedActionIsNeverSampledAndHasZeroProbability() {
        // The masked action has by far the largest logit.
        let logits: [Float] = [0.1, 50, -0.3, 0.2]
        let mask = [true, false, true, true]
        var lp = [Float](repeating: 0, count: 4)
        let entropy = MaskedCategorical.logProbabilities(logits: logits, mask: mask, count: 4, into: &lp)
        XCTAssertEqual(exp(lp[1]), 0)
        XCTAssertEqual(lp[0...].enumerated().filter { mask[$0.offset] }.map { exp(Double($0.element)) }.reduce(0, +),
                       1, accuracy: 1e-6)
        XCTAssertGreaterThan(entropy, 0)
        XCTAssertEqual(MaskedCategorical.mode(logits: logits, mask: mask, count: 4), 3)
        var rng = RNG(seed: 1)
        var counts = [0, 0, 0, 0]
        for _ in 0..<20_000 {
            counts[MaskedCategorical.sample(logProbabilities: lp, mask: mask, count: 4, rng: &rng)] += 1
        }
        XCTAssertEqual(counts[1], 0)
        for j in [0, 2, 3] {
            XCTAssertEqual(Double(counts[j]) / 20_000, Double(exp(lp[j])), accuracy: 0.015)
        }
    }

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
