import Foundation
import XCTest

@testable import Tensor

/// The C element-wise and sparse kernels (AVX2, AVX-512) give exactly the
/// bits of the portable Swift loops, on every length (full vectors and
/// masked tails). Kernels this CPU cannot run are skipped, not failed.
final class VectorKernelTests: XCTestCase {
    /// The C kernels this CPU runs.
    var kernels: [BLAS.Kernel] { BLAS.Kernel.available.filter(\.hasVectorKernels) }

    /// Column counts around the vector lengths (8 and 16) and PPO's widths.
    let widths = [1, 3, 7, 8, 9, 15, 16, 17, 31, 33, 64, 65, 100]

    func random(_ count: Int, _ random: inout TestRandom, scale: Float = 4) -> [Float] {
        (0..<count).map { _ in scale * random.float() }
    }

    func testPortableIsTheOnlyPathWithoutCKernels() {
        XCTAssertFalse(BLAS.Kernel.portable.hasVectorKernels)
        for kernel in BLAS.Kernel.available where kernel != .portable {
            XCTAssertTrue(kernel.hasVectorKernels, "\(kernel) runs its GEMM here, so its vector kernels too")
        }
        if kernels.isEmpty { print("VectorKernelTests: no C vector kernel runs on this CPU; portable paths only") }
    }

    func testElementwiseKernelsMatchPortableBitForBit() {
        var rng = TestRandom(seed: 11)
        for kernel in kernels {
            for n in widths {
                let rows = 3
                // Values past tanh's clamp (±7.9) and tiny ones too.
                var x = Tensor(shape: [rows, n], scalars: random(rows * n, &rng, scale: 10))
                x.scalars[0] = 1e-30
                let bias = Tensor(shape: [n], scalars: random(n, &rng))

                var (a, b) = (x, x)
                a.applyTanh(kernel: .portable)
                b.applyTanh(kernel: kernel)
                XCTAssertEqual(a.scalars.map(\.bitPattern), b.scalars.map(\.bitPattern), "tanh \(kernel) n=\(n)")

                (a, b) = (x, x)
                a.addRowVector(bias, kernel: .portable)
                b.addRowVector(bias, kernel: kernel)
                XCTAssertEqual(a.scalars, b.scalars, "addRowVector \(kernel) n=\(n)")

                a.applyTanh(kernel: .portable)  // a is now tanh(x + b), in two passes
                b = x
                b.addRowVectorAndApplyTanh(bias, kernel: kernel)
                XCTAssertEqual(a.scalars.map(\.bitPattern), b.scalars.map(\.bitPattern), "bias+tanh \(kernel) n=\(n)")

                var (sa, sb) = (bias, bias)
                x.sumRows(accumulatingInto: &sa, kernel: .portable)
                x.sumRows(accumulatingInto: &sb, kernel: kernel)
                XCTAssertEqual(sa.scalars, sb.scalars, "sumRows \(kernel) n=\(n)")

                let y = Tensor(shape: [rows, n], scalars: random(rows * n, &rng, scale: 1))
                (a, b) = (x, x)
                a.multiplyByTanhDerivative(output: y, kernel: .portable)
                b.multiplyByTanhDerivative(output: y, kernel: kernel)
                XCTAssertEqual(a.scalars, b.scalars, "tanh backward \(kernel) n=\(n)")
            }
        }
    }

    func testGELUKernelsMatchPortableBitForBit() {
        var rng = TestRandom(seed: 13)
        for kernel in kernels {
            for n in widths + [256, 1000] {
                // Past the tanh clamp (|u| > 7.9 from |x| ≳ 4.1) and tiny values too.
                var x = random(n, &rng, scale: 6)
                x[0] = 1e-30
                let dy = random(n, &rng, scale: 1)
                func run(_ kernel: BLAS.Kernel) -> (y: [Float], dx: [Float], inPlace: [Float]) {
                    var y = [Float](repeating: 0, count: n), dx = y, inPlace = dy
                    Tensor.gelu(x, into: &y, count: n, kernel: kernel)
                    Tensor.geluBackward(x, outputGradient: dy, inputGradient: &dx, count: n, kernel: kernel)
                    inPlace.withUnsafeMutableBufferPointer { g in
                        Tensor.geluBackward(x, outputGradient: g.baseAddress!, inputGradient: g.baseAddress!, count: n,
                                            kernel: kernel)
                    }
                    return (y, dx, inPlace)
                }
                let (a, b) = (run(.portable), run(kernel))
                XCTAssertEqual(a.y.map(\.bitPattern), b.y.map(\.bitPattern), "GELU \(kernel) n=\(n)")
                XCTAssertEqual(a.dx.map(\.bitPattern), b.dx.map(\.bitPattern), "GELU backward \(kernel) n=\(n)")
                XCTAssertEqual(a.dx.map(\.bitPattern), b.inPlace.map(\.bitPattern), "GELU backward in place \(kernel) n=\(n)")
            }
        }
    }

    func testNaNStaysNaNThroughTanh() {
        for kernel in [BLAS.Kernel.portable] + kernels {
            var x = Tensor(shape: [1, 17], scalars: [Float](repeating: .nan, count: 17))
            x.applyTanh(kernel: kernel)
            XCTAssertTrue(x.scalars.allSatisfy(\.isNaN), "\(kernel)")
        }
    }

    func testAdamKernelMatchesPortableBitForBit() {
        var rng = TestRandom(seed: 5)
        for kernel in kernels {
            for n in widths + [1000] {
                let g = random(n, &rng, scale: 1)
                let m0 = random(n, &rng, scale: 0.1), v0 = random(n, &rng, scale: 0.01).map(abs)
                let w0 = random(n, &rng, scale: 1)
                var (m1, v1, w1) = (m0, v0, w0)
                var (m2, v2, w2) = (m0, v0, w0)
                Tensor.adamStep(&m1, &v1, g, &w1, count: n, b1: 0.9, b2: 0.999, eps: 1e-5, stepSize: 2.5e-4,
                                rootBiasCorrection2: 0.03, kernel: .portable)
                Tensor.adamStep(&m2, &v2, g, &w2, count: n, b1: 0.9, b2: 0.999, eps: 1e-5, stepSize: 2.5e-4,
                                rootBiasCorrection2: 0.03, kernel: kernel)
                XCTAssertEqual(m1, m2, "m \(kernel) n=\(n)")
                XCTAssertEqual(v1, v2, "v \(kernel) n=\(n)")
                XCTAssertEqual(w1, w2, "w \(kernel) n=\(n)")
            }
        }
    }

    /// A batch of binary and real rows: a common part (like a map's walls),
    /// a few row-specific entries, a row of zeros, and a NaN.
    func sparseBatch(rows: Int, columns: Int, _ rng: inout TestRandom) -> Tensor {
        var x = Tensor(zeros: [rows, columns])
        for c in stride(from: 0, to: columns, by: 5) {
            for r in 0..<rows { x[r, c] = 1 }
        }
        for r in 0..<rows where r != 1 {
            for _ in 0..<3 { x[r, rng.int(0...(columns - 1))] = rng.float() * 2 }
        }
        if rows > 2 { x[2, columns - 1] = .nan }
        return x
    }

    func testSparseScanAndProductsMatchPortableBitForBit() {
        var rng = TestRandom(seed: 3)
        for kernel in kernels {
            for columns in [1, 7, 16, 17, 40, 507] {
                let x = sparseBatch(rows: 5, columns: columns, &rng)
                let portable = x.scalars.withUnsafeBufferPointer {
                    SparseRows(dense: $0.baseAddress!, rows: 5, columns: columns, kernel: .portable)
                }
                var fast = x.scalars.withUnsafeBufferPointer {
                    SparseRows(dense: $0.baseAddress!, rows: 5, columns: columns, kernel: kernel)
                }
                // Again, comparing the rows with the shared entries found the first time.
                x.scalars.withUnsafeBufferPointer { _ = fast.assign(dense: $0.baseAddress!, rows: 5, kernel: kernel) }
                // Field by field: a NaN value makes `==` false.
                XCTAssertEqual(portable.rowStarts, fast.rowStarts, "scan \(kernel) columns=\(columns)")
                XCTAssertEqual(portable.entries.columns, fast.entries.columns, "scan \(kernel) columns=\(columns)")
                XCTAssertEqual(portable.entries.values.map(\.bitPattern), fast.entries.values.map(\.bitPattern))
                XCTAssertEqual(portable.shared, fast.shared, "scan \(kernel) columns=\(columns)")
                XCTAssertTrue(portable.entries.values.contains { $0.isNaN }, "the NaN is kept")
                for n in widths {
                    let w = Tensor(shape: [columns, n], scalars: random(columns * n, &rng, scale: 1))
                    let bias = Tensor(shape: [n], scalars: random(n, &rng, scale: 1))
                    var (ya, yb) = (Tensor(zeros: [0]), Tensor(zeros: [0]))
                    portable.multiply(by: w, adding: bias, into: &ya, kernel: .portable)
                    portable.multiply(by: w, adding: bias, into: &yb, kernel: kernel)
                    XCTAssertEqual(ya.scalars.map(\.bitPattern), yb.scalars.map(\.bitPattern), "multiply \(kernel) \(columns)×\(n)")

                    let dy = Tensor(shape: [5, n], scalars: random(5 * n, &rng, scale: 1))
                    let start = Tensor(shape: [columns, n], scalars: random(columns * n, &rng, scale: 1))
                    var (ga, gb) = (start, start)
                    portable.accumulateTransposedProduct(dy, into: &ga, kernel: .portable)
                    portable.accumulateTransposedProduct(dy, into: &gb, kernel: kernel)
                    XCTAssertEqual(ga.scalars.map(\.bitPattern), gb.scalars.map(\.bitPattern), "xᵀ·dy \(kernel) \(columns)×\(n)")
                }
            }
        }
    }
}
