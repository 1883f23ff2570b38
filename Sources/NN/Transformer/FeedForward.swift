import Tensor

/// The block's MLP: Linear d → 4d, GELU, Linear 4d → d (the second a residual
/// output projection, its init scaled by 1/√(2L) as in GPT-2).
public struct FeedForward: Sendable, Codable, Equatable {
    public var expand: Linear
    public var contract: Linear

    init<G: RandomNumberGenerator>(dModel: Int, projectionStd: Double, rng: inout G) {
        expand = Linear(inputs: dModel, outputs: 4 * dModel, std: 0.02, rng: &rng)
        contract = Linear(inputs: 4 * dModel, outputs: dModel, std: projectionStd, rng: &rng)
    }

    /// out += W₂·GELU(W₁x + b₁) + b₂, keeping the pre-activation and the
    /// activation ([rows, 4d] each) for the backward pass.
    func forward(
        _ x: UnsafePointer<Float>, rows: Int, preActivation: UnsafeMutablePointer<Float>,
        activation: UnsafeMutablePointer<Float>, addingInto out: UnsafeMutablePointer<Float>, blas: BLAS
    ) {
        expand.forward(x, rows: rows, into: preActivation, accumulate: false, blas: blas)
        GELU.forward(preActivation, into: activation, count: rows * expand.outputSize)
        contract.forward(activation, rows: rows, into: out, accumulate: true, blas: blas)
    }

    /// Given dL/dout, accumulates the parameters' gradients and writes dL/dx
    /// into `dx`; `dHidden` [rows, 4d] is scratch.
    mutating func backward(
        _ x: UnsafePointer<Float>, outputGradient dout: UnsafePointer<Float>, rows: Int,
        preActivation: UnsafePointer<Float>, activation: UnsafePointer<Float>,
        dHidden: UnsafeMutablePointer<Float>, inputGradient dx: UnsafeMutablePointer<Float>, blas: BLAS
    ) {
        contract.backward(activation, outputGradient: dout, rows: rows, inputGradient: dHidden, blas: blas)
        GELU.backward(preActivation, outputGradient: dHidden, inputGradient: dHidden, count: rows * expand.outputSize)
        expand.backward(x, outputGradient: dHidden, rows: rows, inputGradient: dx, blas: blas)
    }
}
