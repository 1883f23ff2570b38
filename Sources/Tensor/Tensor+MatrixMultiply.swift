extension Tensor {
    /// C ← op(A)·op(B) + β·C, where op transposes when asked. `C` is resized
    /// to the product's shape (no allocation when it already has it).
    ///
    /// Both operands are matrices (rank 2); a shape mismatch stops with a
    /// message naming both shapes.
    public static func matmul(
        _ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false,
        into c: inout Tensor, beta: Float = 0, blas: BLAS = .shared
    ) {
        precondition(a.rank == 2 && b.rank == 2, "matmul needs matrices, got shapes \(a.shape) and \(b.shape)")
        let m = transposeA ? a.shape[1] : a.shape[0]
        let k = transposeA ? a.shape[0] : a.shape[1]
        let kB = transposeB ? b.shape[1] : b.shape[0]
        let n = transposeB ? b.shape[0] : b.shape[1]
        precondition(
            k == kB,
            "matmul shape mismatch: \(transposeA ? "transposed " : "")\(a.shape) · \(transposeB ? "transposed " : "")\(b.shape)")
        if beta == 0 {
            c.resize(to: [m, n])
        } else {
            precondition(c.shape == [m, n], "matmul accumulates into \(c.shape), product is \([m, n])")
        }
        a.scalars.withUnsafeBufferPointer { pa in
            b.scalars.withUnsafeBufferPointer { pb in
                c.scalars.withUnsafeMutableBufferPointer { pc in
                    blas.gemm(
                        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                        alpha: 1, a: pa.baseAddress!, lda: a.shape[1],
                        b: pb.baseAddress!, ldb: b.shape[1],
                        beta: beta, c: pc.baseAddress!, ldc: n)
                }
            }
        }
    }

    /// op(A)·op(B) as a new tensor.
    public static func matmul(
        _ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false, blas: BLAS = .shared
    ) -> Tensor {
        var c = Tensor(zeros: [0])
        matmul(a, b, transposeA: transposeA, transposeB: transposeB, into: &c, blas: blas)
        return c
    }

    /// y ← op(A)·x + β·y for a matrix A and vector x (GEMV as a one-column GEMM).
    public static func matvec(
        _ a: Tensor, _ x: Tensor, transposeA: Bool = false,
        into y: inout Tensor, beta: Float = 0, blas: BLAS = .shared
    ) {
        precondition(a.rank == 2 && x.rank == 1, "matvec needs a matrix and a vector, got shapes \(a.shape) and \(x.shape)")
        var column = beta == 0 ? Tensor(zeros: [0]) : y.reshaped([y.count, 1])
        matmul(a, x.reshaped([x.count, 1]), transposeA: transposeA, into: &column, beta: beta, blas: blas)
        y = column.reshaped([column.count])
    }
}
