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
