import XCTest
import Tensor
@testable import NN

final class OptimizerTests: XCTestCase {
    /// One weight w = 1 (bias 0), gradients 0.5 then −1, lr 0.1, β1 0.9,
    /// β2 0.999, ε 1e-5; by hand (PyTorch's formula):
    ///   t=1: m = 0.05, v = 0.00025, m̂ = 0.5, √v̂ = 0.5 → w = 1 − 0.1·0.5/(0.5+1e-5) = 0.90000200
    ///   t=2: m = 0.045 − 0.1 = −0.055, v = 0.00024975 + 0.001 = 0.00124975,
    ///        m̂ = −0.055/0.19 = −0.28947368, √v̂ = √(0.00124975/0.001999) = 0.79069... 
    ///        w = 0.90000200 + 0.1·0.28947368/(0.79069..+1e-5)
    func testAdamMatchesHandComputedTwoSteps() {
        var fixedRNG = TestRNG(state: 42)
        var model = MLP(sizes: [1, 1], outputGain: 1, rng: &fixedRNG)
        model.layers[0].weight.value.scalars = [1]
        var adam = Adam(learningRate: 0.1)
        model.layers[0].weight.gradient.scalars = [0.5]
        adam.update(&model)
        XCTAssertEqual(Double(model.layers[0].weight.value.scalars[0]), 1 - 0.1 * 0.5 / (0.5 + 1e-5), accuracy: 1e-6)
        model.layers[0].weight.gradient.scalars = [-1]
        adam.update(&model)
        let m2 = 0.9 * 0.05 + 0.1 * -1.0
        let v2 = 0.999 * 0.00025 + 0.001 * 1.0
        let mHat = m2 / (1 - 0.81)
        let rootVHat = (v2 / (1 - 0.999 * 0.999)).squareRoot()
        let expected = 1 - 0.1 * 0.5 / (0.5 + 1e-5) - 0.1 * mHat / (rootVHat + 1e-5)
        XCTAssertEqual(Double(model.layers[0].weight.value.scalars[0]), expected, accuracy: 1e-6)
        XCTAssertEqual(expected, 0.90000200 + 0.1 * 0.28947368 / (0.7906977 + 1e-5), accuracy: 1e-5)
        // Zero gradient on the bias leaves it at zero.
        XCTAssertEqual(model.layers[0].bias.value.scalars[0], 0)
    }

    func testGlobalNormClippingScalesEveryModelTogether() {
        var fixedRNG = TestRNG(state: 42)
        var a = MLP(sizes: [1, 1], outputGain: 1, rng: &fixedRNG)
        var b = MLP(sizes: [1, 1], outputGain: 1, rng: &fixedRNG)
        a.layers[0].weight.gradient.scalars = [3]
        b.layers[0].bias.gradient.scalars = [4]
        let norm = GradientClipping.globalNorm([a, b])
        XCTAssertEqual(norm, 5, accuracy: 1e-9)
        let factor = GradientClipping.scale(norm: norm, maxNorm: 0.5)
        a.scaleGradients(by: factor)
        b.scaleGradients(by: factor)
        XCTAssertEqual(a.layers[0].weight.gradient.scalars[0], 0.3, accuracy: 1e-6)
        XCTAssertEqual(b.layers[0].bias.gradient.scalars[0], 0.4, accuracy: 1e-6)
        XCTAssertEqual(GradientClipping.globalNorm([a, b]), 0.5, accuracy: 1e-6)
        // Below the threshold nothing changes.
        XCTAssertEqual(GradientClipping.scale(norm: 0.5, maxNorm: 10), 1)
    }

    /// The eight-lane update gives the same bits as the scalar formula.
    func testVectorisedAdamStepEqualsTheScalarFormula() {
        var rng = TestRNG(state: 3)
        let n = 19  // two SIMD blocks and a tail of three
        var m = (0..<n).map { _ in rng.uniform() * 0.1 }, v = (0..<n).map { _ in abs(rng.uniform()) * 0.01 }
        var w = (0..<n).map { _ in rng.uniform() }
        let g = (0..<n).map { _ in rng.uniform() }
        var (mr, vr, wr) = (m, v, w)
        for i in 0..<n {
            mr[i] = 0.9 * mr[i] + (1 - 0.9) * g[i]
            vr[i] = 0.999 * vr[i] + (1 - 0.999) * g[i] * g[i]
            wr[i] -= 0.01 * mr[i] / (vr[i].squareRoot() / 0.5 + 1e-5)
        }
        Adam.step(&m, &v, g, &w, count: n, b1: 0.9, b2: 0.999, eps: 1e-5, stepSize: 0.01, rootBiasCorrection2: 0.5)
        XCTAssertEqual(m, mr)
        XCTAssertEqual(v, vr)
        XCTAssertEqual(w, wr)
    }
}
