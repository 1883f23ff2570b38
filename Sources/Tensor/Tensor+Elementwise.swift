import CTensorKernels
import Foundation

/// Element-wise kernels and reductions. Each works in place or into a
/// preallocated output so that training loops allocate nothing per step.
extension Tensor {
    /// self ← self + α·x (BLAS's axpy).
    public mutating func add(_ x: Tensor, scaledBy alpha: Float = 1) {
        precondition(shape == x.shape, "add: shapes \(shape) and \(x.shape) differ")
        scalars.withUnsafeMutableBufferPointer { y in
            x.scalars.withUnsafeBufferPointer { x in
                for i in y.indices { y[i] += alpha * x[i] }
            }
        }
    }

    /// self ← α·self.
    public mutating func scale(by alpha: Float) {
        scalars.withUnsafeMutableBufferPointer { y in
            for i in y.indices { y[i] *= alpha }
        }
    }

    /// Adds a row vector to every row of a matrix (bias broadcast).
    public mutating func addRowVector(_ v: Tensor, kernel: BLAS.Kernel = Tensor.vectorKernel) {
        precondition(rank == 2 && v.count == shape[1], "addRowVector: \(v.shape) does not broadcast over rows of \(shape)")
        let (rows, n) = (shape[0], shape[1])
        scalars.withUnsafeMutableBufferPointer { y in
            v.scalars.withUnsafeBufferPointer { v in
                guard let yBase = y.baseAddress, let vBase = v.baseAddress else { return }
                if kernel.hasVectorKernels {
                    ctk_add_row_vector(kernel.cKernel, yBase, vBase, rows, n)
                    return
                }
                for r in 0..<rows {
                    let row = r * n
                    for j in 0..<n { y[row + j] += v[j] }
                }
            }
        }
    }

    /// y ← tanh(y + v) for a row vector v added to every row: the bias and
    /// the activation of a layer in one pass, with `addRowVector`'s and
    /// `applyTanh`'s operations (the same bits as the two passes).
    public mutating func addRowVectorAndApplyTanh(_ v: Tensor, kernel: BLAS.Kernel = Tensor.vectorKernel) {
        precondition(rank == 2 && v.count == shape[1], "addRowVectorAndApplyTanh: \(v.shape) does not broadcast over rows of \(shape)")
        guard kernel.hasVectorKernels else {
            addRowVector(v, kernel: kernel)
            applyTanh(kernel: kernel)
            return
        }
        let (rows, n) = (shape[0], shape[1])
        scalars.withUnsafeMutableBufferPointer { y in
            v.scalars.withUnsafeBufferPointer { v in
                guard let yBase = y.baseAddress, let vBase = v.baseAddress else { return }
                ctk_bias_tanh(kernel.cKernel, yBase, vBase, rows, n)
            }
        }
    }

    /// Column sums of a matrix, accumulated into `into` (bias gradients):
    /// rows are added in order.
    public func sumRows(accumulatingInto out: inout Tensor, kernel: BLAS.Kernel = Tensor.vectorKernel) {
        precondition(rank == 2 && out.count == shape[1], "sumRows: \(shape) does not reduce into \(out.shape)")
        let (rows, n) = (shape[0], shape[1])
        scalars.withUnsafeBufferPointer { x in
            out.scalars.withUnsafeMutableBufferPointer { o in
                guard let xBase = x.baseAddress, let oBase = o.baseAddress else { return }
                if kernel.hasVectorKernels {
                    ctk_sum_rows(kernel.cKernel, xBase, rows, n, oBase)
                    return
                }
                for r in 0..<rows {
                    let row = r * n
                    for j in 0..<n { o[j] += x[row + j] }
                }
            }
        }
    }

    /// tanh by a rational approximation (Eigen's `generic_fast_tanh_float`,
    /// error within a few ulp): glibc's `tanhf` goes through `expm1f`, which
    /// profiled as 40% of a PPO update. Branch-free, so the loop vectorises.
    public mutating func applyTanh(kernel: BLAS.Kernel = Tensor.vectorKernel) {
        scalars.withUnsafeMutableBufferPointer { y in
            guard let base = y.baseAddress else { return }
            if kernel.hasVectorKernels {
                ctk_bias_tanh(kernel.cKernel, base, nil, 1, y.count)
                return
            }
            for i in y.indices { y[i] = Tensor.fastTanh(y[i]) }
        }
    }

    public mutating func applyReLU() {
        scalars.withUnsafeMutableBufferPointer { y in
            for i in y.indices { y[i] = Swift.max(y[i], 0) }
        }
    }

    public mutating func applyExp() {
        scalars.withUnsafeMutableBufferPointer { y in
            for i in y.indices { y[i] = Foundation.exp(y[i]) }
        }
    }

    /// gradient ← gradient ⊙ (1 − y²), where `output` holds y = tanh(x).
    public mutating func multiplyByTanhDerivative(output y: Tensor, kernel: BLAS.Kernel = Tensor.vectorKernel) {
        precondition(shape == y.shape, "tanh backward: shapes \(shape) and \(y.shape) differ")
        scalars.withUnsafeMutableBufferPointer { g in
            y.scalars.withUnsafeBufferPointer { y in
                guard let gBase = g.baseAddress, let yBase = y.baseAddress else { return }
                if kernel.hasVectorKernels {
                    ctk_tanh_backward(kernel.cKernel, gBase, yBase, g.count)
                    return
                }
                for i in g.indices { g[i] *= 1 - y[i] * y[i] }
            }
        }
    }

    /// gradient ← gradient ⊙ 1[y > 0], where `output` holds y = relu(x).
    public mutating func multiplyByReLUDerivative(output y: Tensor) {
        precondition(shape == y.shape, "relu backward: shapes \(shape) and \(y.shape) differ")
        scalars.withUnsafeMutableBufferPointer { g in
            y.scalars.withUnsafeBufferPointer { y in
                for i in g.indices where y[i] <= 0 { g[i] = 0 }
            }
        }
    }

    /// Row-wise log-softmax of a matrix, numerically stable (max subtracted).
    public func logSoftmaxRows(into out: inout Tensor) {
        precondition(rank == 2, "logSoftmaxRows needs a matrix, got \(shape)")
        out.resize(to: shape)
        let n = shape[1]
        scalars.withUnsafeBufferPointer { x in
            out.scalars.withUnsafeMutableBufferPointer { o in
                for r in 0..<shape[0] {
                    let row = r * n
                    var m = -Float.infinity
                    for j in 0..<n { m = Swift.max(m, x[row + j]) }
                    var s: Float = 0
                    for j in 0..<n { s += Foundation.exp(x[row + j] - m) }
                    // (x − m) − log s, not x − (m + log s): the latter rounds the
                    // normaliser to the scale of the largest logit first.
                    let logS = Foundation.log(s)
                    for j in 0..<n { o[row + j] = (x[row + j] - m) - logS }
                }
            }
        }
    }

    public func sum() -> Float { scalars.reduce(0, +) }
    public func mean() -> Float { count == 0 ? 0 : sum() / Float(count) }
    /// Σ x², summed in eight fixed lanes then across them: vectorised, and
    /// the same order every time, so the result is reproducible.
    public func squaredNorm() -> Float {
        scalars.withUnsafeBufferPointer { x in
            var lanes = SIMD8<Float>()
            var i = 0
            while i + 8 <= x.count {
                let v = UnsafeRawPointer(x.baseAddress! + i).loadUnaligned(as: SIMD8<Float>.self)
                lanes += v * v
                i += 8
            }
            var s = lanes.sum()
            while i < x.count {
                s += x[i] * x[i]
                i += 1
            }
            return s
        }
    }
    public func max() -> Float { scalars.max() ?? -.infinity }
}
