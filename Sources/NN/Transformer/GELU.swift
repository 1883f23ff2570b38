import Tensor

/// GELU with GPT-2's tanh approximation,
/// y = ½x(1 + tanh(√(2/π)(x + 0.044715x³))), through `Tensor.fastTanh` (a few
/// ulp from tanh, branch-free so the loops vectorise).
enum GELU {
    static let scale: Float = 0.7978845608028654  // √(2/π)
    static let cubic: Float = 0.044715

    static func forward(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count {
            let v = x[i]
            y[i] = 0.5 * v * (1 + Tensor.fastTanh(scale * (v + cubic * v * v * v)))
        }
    }

    /// dx ← dy ⊙ GELU′(x) (dx may be dy: each element is read before it is written).
    static func backward(
        _ x: UnsafePointer<Float>, outputGradient dy: UnsafePointer<Float>,
        inputGradient dx: UnsafeMutablePointer<Float>, count: Int
    ) {
        for i in 0..<count {
            let v = x[i]
            let t = Tensor.fastTanh(scale * (v + cubic * v * v * v))
            let dt = (1 - t * t) * scale * (1 + 3 * cubic * v * v)
            dx[i] = dy[i] * (0.5 * (1 + t) + 0.5 * v * dt)
        }
    }

    static let flopsPerElement = 20
}
