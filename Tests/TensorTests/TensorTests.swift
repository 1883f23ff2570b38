import Foundation
import XCTest

@testable import Tensor

final class TensorMatmulTests: XCTestCase {
    func randomTensor(_ shape: [Int], _ random: inout TestRandom) -> Tensor {
        Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in random.float() })
    }

    /// op(A)·op(B) in Float64 from the tensors as stored.
    func reference(_ a: Tensor, _ ta: Bool, _ b: Tensor, _ tb: Bool) -> [Double] {
        let m = ta ? a.shape[1] : a.shape[0], k = ta ? a.shape[0] : a.shape[1]
        let n = tb ? b.shape[0] : b.shape[1]
        var out = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var s = 0.0
                for p in 0..<k {
                    s += Double(ta ? a[p, i] : a[i, p]) * Double(tb ? b[j, p] : b[p, j])
                }
                out[i * n + j] = s
            }
        }
        return out
    }

    func testMatmulAllTransposesBothBackends() throws {
        var random = TestRandom(seed: 10)
        var backends = builtInKernels()
        if let openBLAS = try? openBLASOrSkip() { backends.append(openBLAS) }
        let (m, k, n) = (13, 29, 7)
        for blas in backends {
            for ta in [false, true] {
                for tb in [false, true] {
                    let a = randomTensor(ta ? [k, m] : [m, k], &random)
                    let b = randomTensor(tb ? [n, k] : [k, n], &random)
                    let c = Tensor.matmul(a, b, transposeA: ta, transposeB: tb, blas: blas)
                    XCTAssertEqual(c.shape, [m, n])
                    let expected = reference(a, ta, b, tb)
                    for (got, want) in zip(c.scalars, expected) {
                        XCTAssertEqual(Double(got), want, accuracy: 1e-5 * Double(k), "\(blas.backend) ta=\(ta) tb=\(tb)")
                    }
                    // Accumulating form: C ← op(A)·op(B) + β·C.
                    var acc = Tensor(repeating: 2, shape: [m, n])
                    Tensor.matmul(a, b, transposeA: ta, transposeB: tb, into: &acc, beta: 0.5, blas: blas)
                    for (got, want) in zip(acc.scalars, expected) {
                        XCTAssertEqual(Double(got), want + 1, accuracy: 1e-5 * Double(k))
                    }
                }
            }
        }
    }

    /// Empty products: k == 0 gives zeros, m == 0 gives an empty result.
    func testMatmulWithEmptyDimensions() throws {
        var backends = builtInKernels()
        if let openBLAS = try? openBLASOrSkip() { backends.append(openBLAS) }
        for blas in backends {
            let c = Tensor.matmul(Tensor(zeros: [2, 0]), Tensor(zeros: [0, 3]), blas: blas)
            XCTAssertEqual(c, Tensor(zeros: [2, 3]), "\(blas.backend)")
            let d = Tensor.matmul(Tensor(zeros: [0, 4]), Tensor(zeros: [4, 3]), blas: blas)
            XCTAssertEqual(d.shape, [0, 3], "\(blas.backend)")
        }
    }

    func testMatvec() {
        let a = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let x = Tensor(shape: [3], scalars: [1, 0, -1])
        var y = Tensor(zeros: [0])
        Tensor.matvec(a, x, into: &y, blas: .swift)
        XCTAssertEqual(y, Tensor(shape: [2], scalars: [-2, -2]))
        let z = Tensor(shape: [2], scalars: [1, 1])
        var w = Tensor(zeros: [0])
        Tensor.matvec(a, z, transposeA: true, into: &w, blas: .swift)
        XCTAssertEqual(w, Tensor(shape: [3], scalars: [5, 7, 9]))
    }
}

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
