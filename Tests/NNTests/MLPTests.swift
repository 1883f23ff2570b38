import XCTest
import Tensor
@testable import NN

/// A tiny deterministic generator for tests (SplitMix64).
struct TestRNG: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func uniform() -> Float { Float(next() >> 40) / Float(1 << 24) * 2 - 1 }
}

final class MLPTests: XCTestCase {
    func randomTensor(_ shape: [Int], _ rng: inout TestRNG) -> Tensor {
        Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in rng.uniform() })
    }

    /// Loss L = Σ c ⊙ MLP(x), whose gradient with respect to the output is c.
    func check(activation: Activation, sabotage: ((inout MLP) -> Void)? = nil) -> Double {
        var rng = TestRNG(state: 7)
        var model = MLP(sizes: [5, 7, 6, 3], activation: activation, outputGain: 1, rng: &rng)
        // Move biases off zero so that every term of the backward pass matters.
        model.updateEachParameter { _, p in
            for i in p.value.scalars.indices where p.value.rank == 1 { p.value.scalars[i] = 0.3 * rng.uniform() }
        }
        let x = randomTensor([4, 5], &rng)
        let c = randomTensor([4, 3], &rng)
        var workspace = MLP.Workspace()
        var analytic = model
        analytic.forward(x, workspace: &workspace)
        analytic.backward(x, outputGradient: c, workspace: &workspace)
        sabotage?(&analytic)
        return maxRelativeGradientError(model: model, analytic: analytic) { m in
            var ws = MLP.Workspace()
            let y = m.forward(x, workspace: &ws)
            return zip(y.scalars, c.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        }
    }

    func testTanhBackwardMatchesFiniteDifferences() {
        XCTAssertLessThan(check(activation: .tanh), 5e-3)
    }

    func testReLUBackwardMatchesFiniteDifferences() {
        XCTAssertLessThan(check(activation: .relu), 5e-3)
    }

    /// The check must be able to fail: a gradient off by 5% in one layer does.
    func testGradientCheckCatchesAWrongGradient() {
        let error = check(activation: .tanh) { model in model.layers[1].weight.gradient.scale(by: 1.05) }
        XCTAssertGreaterThan(error, 5e-3)
        let dropped = check(activation: .tanh) { model in model.layers[0].bias.gradient.fill(0) }
        XCTAssertGreaterThan(dropped, 5e-3)
    }

    func testInputGradientMatchesFiniteDifferences() {
        var rng = TestRNG(state: 3)
        var model = MLP(sizes: [4, 8, 2], activation: .tanh, outputGain: 1, rng: &rng)
        let x = randomTensor([3, 4], &rng)
        let c = randomTensor([3, 2], &rng)
        var ws = MLP.Workspace()
        model.forward(x, workspace: &ws)
        let dx = model.backward(x, outputGradient: c, workspace: &ws, inputGradient: true)!
        for i in 0..<x.count {
            func loss(_ delta: Float) -> Double {
                var xp = x
                xp.scalars[i] += delta
                var w = MLP.Workspace()
                let y = model.forward(xp, workspace: &w)
                return zip(y.scalars, c.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            }
            let numeric = (loss(1e-2) - loss(-1e-2)) / 2e-2
            XCTAssertEqual(Double(dx.scalars[i]), numeric, accuracy: 2e-3)
        }
    }

    func testBackwardAccumulatesAndZeroGradientsResets() {
        var rng = TestRNG(state: 11)
        var model = MLP(sizes: [3, 4, 2], outputGain: 1, rng: &rng)
        let x = randomTensor([2, 3], &rng)
        let c = randomTensor([2, 2], &rng)
        var ws = MLP.Workspace()
        model.forward(x, workspace: &ws)
        model.backward(x, outputGradient: c, workspace: &ws)
        let once = model.layers[0].weight.gradient
        model.forward(x, workspace: &ws)
        model.backward(x, outputGradient: c, workspace: &ws)
        for (a, b) in zip(model.layers[0].weight.gradient.scalars, once.scalars) {
            XCTAssertEqual(a, 2 * b, accuracy: 1e-6)
        }
        model.zeroGradients()
        XCTAssertEqual(model.layers[0].weight.gradient.squaredNorm(), 0)
    }

    func testOrthogonalInitialisationGivesScaledIdentity() {
        var rng = TestRNG(state: 5)
        for (rows, columns, gain) in [(507, 64, 2.0.squareRoot()), (64, 64, 1.0), (16, 64, 0.01)] {
            let w = Initialization.orthogonal(rows: rows, columns: columns, gain: gain, rng: &rng)
            // The smaller dimension's vectors are orthonormal.
            let gram = rows >= columns ? Tensor.matmul(w, w, transposeA: true) : Tensor.matmul(w, w, transposeB: true)
            let k = min(rows, columns)
            XCTAssertEqual(gram.shape, [k, k])
            for i in 0..<k {
                for j in 0..<k {
                    XCTAssertEqual(Double(gram[i, j]), i == j ? gain * gain : 0, accuracy: 1e-5 * max(1, gain * gain))
                }
            }
        }
    }

    func testFlatParametersRoundTripExactly() throws {
        var rng = TestRNG(state: 9)
        let model = MLP(sizes: [6, 5, 3], outputGain: 0.01, rng: &rng)
        var copy = MLP(sizes: [6, 5, 3], outputGain: 1, rng: &rng)
        XCTAssertNotEqual(copy.flatParameters(), model.flatParameters())
        try copy.loadFlatParameters(model.flatParameters())
        XCTAssertEqual(copy.flatParameters(), model.flatParameters())
        XCTAssertThrowsError(try copy.loadFlatParameters([1, 2, 3]))
    }

    func testFLOPCountOfForwardPass() {
        var rng = TestRNG(state: 1)
        let model = MLP(sizes: [10, 4, 2], activation: .relu, outputGain: 1, rng: &rng)
        // Layer 1: 3 rows × 4 outputs × (2·10 + 1); ReLU: 3·4; layer 2: 3 × 2 × (2·4 + 1).
        XCTAssertEqual(model.forwardFLOPs(batch: 3), Double(3 * 4 * 21 + 12 + 3 * 2 * 9))
    }
}
