import Tensor

/// GELU with GPT-2's tanh approximation,
/// y = ½x(1 + tanh(√(2/π)(x + 0.044715x³))); the element-wise loops are
/// `Tensor.gelu` and `Tensor.geluBackward` (a C kernel where the CPU has
/// one, the same bits either way).
enum GELU {
    static func forward(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        Tensor.gelu(x, into: y, count: count)
    }

    /// dx ← dy ⊙ GELU′(x) (dx may be dy: each element is read before it is written).
    static func backward(
        _ x: UnsafePointer<Float>, outputGradient dy: UnsafePointer<Float>,
        inputGradient dx: UnsafeMutablePointer<Float>, count: Int
    ) {
        Tensor.geluBackward(x, outputGradient: dy, inputGradient: dx, count: count)
    }

    static let flopsPerElement = 20
}
