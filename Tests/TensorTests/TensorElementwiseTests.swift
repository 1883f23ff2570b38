import Foundation
import XCTest

@testable import Tensor

final class TensorElementwiseTests: XCTestCase {
    func testLogSoftmaxRowsNormalises() {
        let x = Tensor(shape: [2, 4], scalars: [0.5, -1, 2, 0, 3, 3, 3, 3])
        var out = Tensor(zeros: [0])
        x.logSoftmaxRows(into: &out)
        XCTAssertEqual(out.shape, [2, 4])
        for r in 0..<2 {
            let total = (0..<4).reduce(0.0) { $0 + exp(Double(out[r, $1])) }
            XCTAssertEqual(total, 1, accuracy: 1e-6)
        }
        XCTAssertEqual(out[1, 0], -log(4), accuracy: 1e-6)
    }

    func testLogSoftmaxRowsIsStableForLargeLogits() {
        let x = Tensor(shape: [2, 3], scalars: [1000, 999, -1000, -5000, -5001, -5002])
        var out = Tensor(zeros: [0])
        x.logSoftmaxRows(into: &out)
        XCTAssertTrue(out.scalars.allSatisfy { $0.isFinite || $0 == -.infinity }, "\(out)")
        XCTAssertFalse(out.scalars.contains { $0.isNaN }, "\(out)")
        // The kernel computes (x − m) − log Σ e^(x−m): no rounding to the scale
        // of the largest logit (x − (m + log s) was off by 6e-5 at 1000 and
        // 5e-4 at −5000).
        for r in 0..<2 {
            let total = (0..<3).reduce(0.0) { $0 + exp(Double(out[r, $1])) }
            XCTAssertEqual(total, 1, accuracy: 1e-6)
        }
        XCTAssertEqual(Double(out[0, 0]), -log(1 + exp(-1.0)), accuracy: 1e-6)
        XCTAssertEqual(Double(out[1, 0]), -log(1 + exp(-1.0) + exp(-2.0)), accuracy: 1e-6)
        XCTAssertEqual(Double(out[0, 2]), -2000 - log(1 + exp(-1.0)), accuracy: 1e-3)
    }

    func testTanhDerivative() {
        var y = Tensor(shape: [4], scalars: [-2, -0.5, 0, 1.5])
        y.applyTanh()
        var g = Tensor(repeating: 2, shape: [4])
        g.multiplyByTanhDerivative(output: y)
        for (i, x) in [-2.0, -0.5, 0, 1.5].enumerated() {
            // d/dx tanh(x) = 1 − tanh²(x), checked against a central difference.
            let h = 1e-4
            let numeric = (tanh(x + h) - tanh(x - h)) / (2 * h)
            XCTAssertEqual(Double(g.scalars[i]), 2 * numeric, accuracy: 1e-4)
        }
    }

    func testReLUAndDerivative() {
        var y = Tensor(shape: [4], scalars: [-2, 0, 0.5, 3])
        y.applyReLU()
        XCTAssertEqual(y.scalars, [0, 0, 0.5, 3])
        var g = Tensor(shape: [4], scalars: [1, 2, 3, 4])
        g.multiplyByReLUDerivative(output: y)
        XCTAssertEqual(g.scalars, [0, 0, 3, 4])
    }

    func testAddScaleAndBroadcast() {
        var x = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        x.add(Tensor(repeating: 1, shape: [2, 2]), scaledBy: 2)
        XCTAssertEqual(x.scalars, [3, 4, 5, 6])
        x.scale(by: 0.5)
        XCTAssertEqual(x.scalars, [1.5, 2, 2.5, 3])
        x.addRowVector(Tensor(shape: [2], scalars: [10, 20]))
        XCTAssertEqual(x.scalars, [11.5, 22, 12.5, 23])
        var sums = Tensor(zeros: [2])
        x.sumRows(accumulatingInto: &sums)
        XCTAssertEqual(sums.scalars, [24, 45])
    }
}
