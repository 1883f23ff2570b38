import CTensorKernels

extension Tensor {
    /// One Adam step over `count` parameters, element by element:
    /// m ← b1·m + (1 − b1)·g, v ← b2·v + (1 − b2)·g·g,
    /// w ← w − stepSize·m / (√v / rootBiasCorrection2 + eps)
    /// (NN's `Adam` computes the step size and bias correction).
    ///
    /// With a C kernel (AVX2 or AVX-512) or eight lanes at a time in Swift:
    /// the Swift SIMD8 loop, which SwiftPM compiles for SSE2, profiled at 8%
    /// of a fourrooms run, and its scalar predecessor at 15% of a 13×13 map's.
    /// Each element gets exactly the operations of the scalar tail on every
    /// path, so results depend neither on where the SIMD part ends nor on
    /// the instruction set.
    @inline(__always)
    public static func adamStep(
        _ m: UnsafeMutablePointer<Float>, _ v: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>,
        _ w: UnsafeMutablePointer<Float>, count: Int,
        b1: Float, b2: Float, eps: Float, stepSize: Float, rootBiasCorrection2: Float,
        kernel: BLAS.Kernel = Tensor.vectorKernel
    ) {
        if kernel.hasVectorKernels {
            ctk_adam(kernel.cKernel, m, v, g, w, count, b1, 1 - b1, b2, 1 - b2, eps, stepSize, rootBiasCorrection2)
            return
        }
        typealias Lanes = SIMD8<Float>
        var i = 0
        while i + 8 <= count {
            let gi = UnsafeRawPointer(g + i).loadUnaligned(as: Lanes.self)
            var mi = UnsafeRawPointer(m + i).loadUnaligned(as: Lanes.self)
            var vi = UnsafeRawPointer(v + i).loadUnaligned(as: Lanes.self)
            var wi = UnsafeRawPointer(w + i).loadUnaligned(as: Lanes.self)
            mi = b1 * mi + (1 - b1) * gi
            vi = b2 * vi + (1 - b2) * gi * gi
            wi -= stepSize * mi / (vi.squareRoot() / rootBiasCorrection2 + eps)
            UnsafeMutableRawPointer(m + i).storeBytes(of: mi, as: Lanes.self)
            UnsafeMutableRawPointer(v + i).storeBytes(of: vi, as: Lanes.self)
            UnsafeMutableRawPointer(w + i).storeBytes(of: wi, as: Lanes.self)
            i += 8
        }
        while i < count {
            m[i] = b1 * m[i] + (1 - b1) * g[i]
            v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
            w[i] -= stepSize * m[i] / (v[i].squareRoot() / rootBiasCorrection2 + eps)
            i += 1
        }
    }
}
