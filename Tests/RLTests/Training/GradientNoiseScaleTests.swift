import XCTest
import Tensor
import NN
@testable import RL

/// B_simple = tr(Σ)/|G|² from the two-batch-size estimator, on gradients
/// whose noise is known.
final class GradientNoiseScaleTests: XCTestCase {
    /// Per-sample gradients G + σ·ε in d dimensions (ε standard normal):
    /// tr Σ = d·σ², so B_simple = d·σ²/|G|². Minibatches of 32, 8 per epoch.
    func testRecoversTheNoiseScaleOfSyntheticGradients() {
        let d = 50, small = 32, minibatches = 8
        let sigma = 2.0
        var rng = RNG(seed: 11)
        let mean = (0..<d).map { _ in rng.uniformDouble() - 0.5 }
        let expected = Double(d) * sigma * sigma / mean.reduce(0) { $0 + $1 * $1 }
        func normal() -> Double {  // Box–Muller
            (-2 * log(max(rng.uniformDouble(), 1e-300))).squareRoot() * cos(2 * .pi * rng.uniformDouble())
        }
        var estimator = GradientNoiseScale()
        var estimate: Double?
        for _ in 0..<400 {
            var sum = [Double](repeating: 0, count: d)
            var smallSquared = 0.0
            for _ in 0..<minibatches {
                var g = [Double](repeating: 0, count: d)
                for _ in 0..<small {
                    for k in 0..<d { g[k] += (mean[k] + sigma * normal()) / Double(small) }
                }
                smallSquared += g.reduce(0) { $0 + $1 * $1 } / Double(minibatches)
                for k in 0..<d { sum[k] += g[k] / Double(minibatches) }
            }
            estimate = estimator.add(
                meanSmallSquaredNorm: smallSquared, bigSquaredNorm: sum.reduce(0) { $0 + $1 * $1 },
                smallBatch: Double(small), bigBatch: Double(small * minibatches))
        }
        guard let estimate else { return XCTFail("no estimate") }
        XCTAssertEqual(estimate, expected, accuracy: 0.15 * expected, "expected B_simple \(expected)")
        // Noise-free gradients have no noise scale to speak of.
        var quiet = GradientNoiseScale()
        XCTAssertEqual(quiet.add(meanSmallSquaredNorm: 4, bigSquaredNorm: 4, smallBatch: 8, bigBatch: 64) ?? -1, 0, accuracy: 1e-12)
        // Without a positive |G|² there is no estimate.
        var noisy = GradientNoiseScale()
        XCTAssertNil(noisy.add(meanSmallSquaredNorm: 1, bigSquaredNorm: 0, smallBatch: 8, bigBatch: 64))
    }

    /// The accumulator's two norms: the mean of the squared norms, and the
    /// squared norm of the mean.
    func testAccumulatorNorms() {
        var rng = RNG(seed: 2)
        var network = MLP(sizes: [3, 2], outputGain: 1, rng: &rng)
        var accumulator = GradientAccumulator()
        let gradients: [[Float]] = [[1, 2, 0, 0, 0, 1, 2, 0], [3, 0, 0, 0, 0, 1, 0, 0]]
        for g in gradients {
            network.updateEachParameter { index, p in
                let offset = index == 0 ? 0 : 6
                for i in 0..<p.gradient.count { p.gradient.scalars[i] = g[offset + i] }
            }
            accumulator.add(network)
        }
        let norms = accumulator.norms
        XCTAssertEqual(norms.meanSmall, (10 + 10) / 2)  // |g1|² = 1+4+1+4, |g2|² = 9+1
        XCTAssertEqual(norms.big, (4 + 1 + 1 + 1), accuracy: 1e-9)  // mean = [2, 1, 0, 0, 0, 1, 1, 0]
    }
}
