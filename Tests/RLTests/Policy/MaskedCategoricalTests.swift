import XCTest
@testable import RL

/// MaskedCategorical: masked actions get probability zero and are never sampled.
final class MaskedCategoricalTests: XCTestCase {
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
}
