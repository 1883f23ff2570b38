import CTensorKernels

extension Tensor {
    /// y ← GELU(x) with GPT-2's tanh approximation,
    /// y = ½x(1 + tanh(√(2/π)(x + 0.044715x³))), tanh by `fastTanh`.
    ///
    /// With a C kernel (AVX2 or AVX-512: the Swift SIMD8 loop, compiled for
    /// SSE2, profiled at 10–12% of the language model's training and
    /// decoding) or eight lanes at a time in Swift; both do the same rounded
    /// operations in the same order, so every path gives the same bits.
    public static func gelu(
        _ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int,
        kernel: BLAS.Kernel = Tensor.vectorKernel
    ) {
        if kernel.hasVectorKernels {
            ctk_gelu(kernel.cKernel, x, y, count)
            return
        }
        GELULanes.map(count) { i in
            let v = GELULanes.load(x, i)
            return 0.5 * v * (1 + GELULanes.tanh(v))
        } store: { i, value in GELULanes.store(value, y, i) }
    }

    /// dx ← dy ⊙ GELU′(x) (dx may be dy: each element is read before it is written).
    public static func geluBackward(
        _ x: UnsafePointer<Float>, outputGradient dy: UnsafePointer<Float>,
        inputGradient dx: UnsafeMutablePointer<Float>, count: Int, kernel: BLAS.Kernel = Tensor.vectorKernel
    ) {
        if kernel.hasVectorKernels {
            ctk_gelu_backward(kernel.cKernel, x, dy, dx, count)
            return
        }
        GELULanes.map(count) { i in
            let v = GELULanes.load(x, i)
            let t = GELULanes.tanh(v)
            let dt = (1 - t * t) * GELULanes.scale * (1 + 3 * GELULanes.cubic * v * v)
            return GELULanes.load(dy, i) * (0.5 * (1 + t) + 0.5 * v * dt)
        } store: { i, value in GELULanes.store(value, dx, i) }
    }
}

/// The Swift path's eight-lane windows.
private enum GELULanes {
    static let scale: Float = 0.7978845608028654  // √(2/π)
    static let cubic: Float = 0.044715

    @inline(__always)
    static func tanh(_ v: SIMD8<Float>) -> SIMD8<Float> {
        Tensor.fastTanh(scale * (v + cubic * v * v * v))
    }

    /// Runs `body` on eight elements at a time; the tail goes through a
    /// zero-padded vector, so every element sees the same operations.
    @inline(__always)
    static func map(_ count: Int, _ body: (Window) -> SIMD8<Float>, store: (Window, SIMD8<Float>) -> Void) {
        var i = 0
        while i < count {
            let window = Window(start: i, count: min(8, count - i))
            store(window, body(window))
            i += 8
        }
    }

    struct Window {
        let start: Int
        let count: Int
    }

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>, _ w: Window) -> SIMD8<Float> {
        if w.count == 8 { return UnsafeRawPointer(p + w.start).loadUnaligned(as: SIMD8<Float>.self) }
        var v = SIMD8<Float>()
        for k in 0..<w.count { v[k] = p[w.start + k] }
        return v
    }

    @inline(__always)
    static func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>, _ w: Window) {
        if w.count == 8 {
            UnsafeMutableRawPointer(p + w.start).storeBytes(of: v, as: SIMD8<Float>.self)
            return
        }
        for k in 0..<w.count { p[w.start + k] = v[k] }
    }
}
