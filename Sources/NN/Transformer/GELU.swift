/// GELU with GPT-2's tanh approximation,
/// y = ½x(1 + tanh(√(2/π)(x + 0.044715x³))).
///
/// tanh is Eigen's rational approximation (the formula of `Tensor.fastTanh`,
/// a few ulp from tanh), written here again over SIMD8 so that it inlines:
/// `Tensor.fastTanh` is not inlinable across the module boundary, and the
/// call per element cost a sixth of a training step (perf).
enum GELU {
    static let scale: Float = 0.7978845608028654  // √(2/π)
    static let cubic: Float = 0.044715

    static func forward(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        map(count) { i in
            let v = load(x, i)
            let t = tanh(scale * (v + cubic * v * v * v))
            return 0.5 * v * (1 + t)
        } store: { i, value in store(value, y, i) }
    }

    /// dx ← dy ⊙ GELU′(x) (dx may be dy: each element is read before it is written).
    static func backward(
        _ x: UnsafePointer<Float>, outputGradient dy: UnsafePointer<Float>,
        inputGradient dx: UnsafeMutablePointer<Float>, count: Int
    ) {
        map(count) { i in
            let v = load(x, i)
            let t = tanh(scale * (v + cubic * v * v * v))
            let dt = (1 - t * t) * scale * (1 + 3 * cubic * v * v)
            return load(dy, i) * (0.5 * (1 + t) + 0.5 * v * dt)
        } store: { i, value in store(value, dx, i) }
    }

    /// Runs `body` on eight elements at a time; the tail goes through a
    /// zero-padded vector, so every element sees the same operations.
    @inline(__always)
    private static func map(
        _ count: Int, _ body: (Window) -> SIMD8<Float>, store: (Window, SIMD8<Float>) -> Void
    ) {
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
    private static func load(_ p: UnsafePointer<Float>, _ w: Window) -> SIMD8<Float> {
        if w.count == 8 { return UnsafeRawPointer(p + w.start).loadUnaligned(as: SIMD8<Float>.self) }
        var v = SIMD8<Float>()
        for k in 0..<w.count { v[k] = p[w.start + k] }
        return v
    }

    @inline(__always)
    private static func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>, _ w: Window) {
        if w.count == 8 {
            UnsafeMutableRawPointer(p + w.start).storeBytes(of: v, as: SIMD8<Float>.self)
            return
        }
        for k in 0..<w.count { p[w.start + k] = v[k] }
    }

    /// Eigen's `generic_fast_tanh_float`, lane-wise.
    @inline(__always)
    static func tanh(_ value: SIMD8<Float>) -> SIMD8<Float> {
        let clamp: Float = 7.90531110763549805
        // Not `clamped`: its generic pointwiseMin/Max did not inline (perf).
        var x = value.replacing(with: clamp, where: value .> clamp)
        x.replace(with: -clamp, where: x .< -clamp)
        let x2 = x * x
        var p = SIMD8<Float>(repeating: -2.76076847742355e-16)
        p = p * x2 + 2.00018790482477e-13
        p = p * x2 - 8.60467152213735e-11
        p = p * x2 + 5.12229709037114e-08
        p = p * x2 + 1.48572235717979e-05
        p = p * x2 + 6.37261928875436e-04
        p = p * x2 + 4.89352455891786e-03
        p = p * x
        var q = SIMD8<Float>(repeating: 1.19825839466702e-06)
        q = q * x2 + 1.18534705686654e-04
        q = q * x2 + 2.26843463243900e-03
        q = q * x2 + 4.89352518554385e-03
        return p / q
    }

    static let flopsPerElement = 20
}
