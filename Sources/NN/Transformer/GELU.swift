import Tensor

/// GELU with GPT-2's tanh approximation,
/// y = ½x(1 + tanh(√(2/π)(x + 0.044715x³))).
///
/// tanh is `Tensor.fastTanh` (Eigen's rational approximation) over eight
/// lanes at a time.
enum GELU {
    static let scale: Float = 0.7978845608028654  // √(2/π)
    static let cubic: Float = 0.044715

    static func forward(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        map(count) { i in
            let v = load(x, i)
            let t = Tensor.fastTanh(scale * (v + cubic * v * v * v))
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
            let t = Tensor.fastTanh(scale * (v + cubic * v * v * v))
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

    static let flopsPerElement = 20
}
