import Tensor

/// `Linear` on raw row buffers, for the transformer, whose activations live
/// in one flat workspace: the same three GEMMs as `Linear.forward/backward`,
/// with the bias folded into the forward GEMM (C starts as the bias rows, or
/// as what C held plus the bias when accumulating, and the GEMM adds x·W with
/// β = 1), so a residual add costs nothing extra.
extension Linear {
    /// y ← x·W + b, or y += x·W + b when `accumulate`; x is [rows, inputs].
    func forward(
        _ x: UnsafePointer<Float>, rows: Int, into y: UnsafeMutablePointer<Float>, accumulate: Bool, blas: BLAS
    ) {
        let (k, n) = (inputSize, outputSize)
        bias.value.scalars.withUnsafeBufferPointer { b in
            for r in 0..<rows {
                let row = y + r * n
                if accumulate {
                    for j in 0..<n { row[j] += b[j] }
                } else {
                    row.update(from: b.baseAddress!, count: n)
                }
            }
        }
        weight.value.scalars.withUnsafeBufferPointer { w in
            blas.gemm(transposeA: false, transposeB: false, m: rows, n: n, k: k, alpha: 1, a: x, lda: k,
                      b: w.baseAddress!, ldb: n, beta: 1, c: y, ldc: n)
        }
    }

    /// Given dL/dy, accumulates dL/dW += xᵀ·dy and dL/db += Σ_rows dy, and
    /// writes dL/dx = dy·Wᵀ into `dx` when given (adds to it when `accumulate`).
    mutating func backward(
        _ x: UnsafePointer<Float>, outputGradient dy: UnsafePointer<Float>, rows: Int,
        inputGradient dx: UnsafeMutablePointer<Float>?, accumulate: Bool = false, blas: BLAS
    ) {
        let (k, n) = (inputSize, outputSize)
        weight.gradient.scalars.withUnsafeMutableBufferPointer { gw in
            blas.gemm(transposeA: true, transposeB: false, m: k, n: n, k: rows, alpha: 1, a: x, lda: k,
                      b: dy, ldb: n, beta: 1, c: gw.baseAddress!, ldc: n)
        }
        bias.gradient.scalars.withUnsafeMutableBufferPointer { gb in
            for r in 0..<rows {
                let row = dy + r * n
                for j in 0..<n { gb[j] += row[j] }
            }
        }
        guard let dx else { return }
        weight.value.scalars.withUnsafeBufferPointer { w in
            blas.gemm(transposeA: false, transposeB: true, m: rows, n: k, k: n, alpha: 1, a: dy, lda: n,
                      b: w.baseAddress!, ldb: n, beta: accumulate ? 1 : 0, c: dx, ldc: k)
        }
    }

    /// A layer of normal(0, std) weights and zero biases (GPT-2's init).
    init<G: RandomNumberGenerator>(inputs: Int, outputs: Int, std: Double, rng: inout G) {
        self.init(weight: Initialization.normal(shape: [inputs, outputs], std: std, rng: &rng),
                  bias: Tensor(zeros: [outputs]))
    }
}
