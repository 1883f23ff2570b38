import Tensor

/// The untied output head: logits = x·W, W [d, vocabularySize], no bias
/// (nanoGPT's lm_head without weight tying).
public struct OutputHead: Sendable, Codable, Equatable {
    public var weight: Parameter

    init<G: RandomNumberGenerator>(dModel: Int, vocabularySize: Int, rng: inout G) {
        weight = Parameter(Initialization.normal(shape: [dModel, vocabularySize], std: 0.02, rng: &rng))
    }

    var inputSize: Int { weight.value.shape[0] }
    var vocabularySize: Int { weight.value.shape[1] }

    /// logits ← x·W for x [rows, d].
    func forward(_ x: UnsafePointer<Float>, rows: Int, into logits: UnsafeMutablePointer<Float>, blas: BLAS) {
        let (k, n) = (inputSize, vocabularySize)
        weight.value.scalars.withUnsafeBufferPointer { w in
            blas.gemm(transposeA: false, transposeB: false, m: rows, n: n, k: k, alpha: 1, a: x, lda: k,
                      b: w.baseAddress!, ldb: n, beta: 0, c: logits, ldc: n)
        }
    }

    /// dW += xᵀ·dlogits; dx ← dlogits·Wᵀ.
    mutating func backward(
        _ x: UnsafePointer<Float>, outputGradient dlogits: UnsafePointer<Float>, rows: Int,
        inputGradient dx: UnsafeMutablePointer<Float>, blas: BLAS
    ) {
        let (k, n) = (inputSize, vocabularySize)
        weight.gradient.scalars.withUnsafeMutableBufferPointer { gw in
            blas.gemm(transposeA: true, transposeB: false, m: k, n: n, k: rows, alpha: 1, a: x, lda: k,
                      b: dlogits, ldb: n, beta: 1, c: gw.baseAddress!, ldc: n)
        }
        weight.value.scalars.withUnsafeBufferPointer { w in
            blas.gemm(transposeA: false, transposeB: true, m: rows, n: k, k: n, alpha: 1, a: dlogits, lda: n,
                      b: w.baseAddress!, ldb: n, beta: 0, c: dx, ldc: k)
        }
    }
}
