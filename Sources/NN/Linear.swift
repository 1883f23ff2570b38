import Tensor

/// A fully connected layer y = x·W + b, with `weight` stored [inputs, outputs]
/// so that the forward pass is a plain GEMM and the backward passes are the
/// two transposed ones.
public struct Linear: Sendable, Codable, Equatable {
    public var weight: Parameter
    public var bias: Parameter

    public init(weight: Tensor, bias: Tensor) {
        precondition(weight.rank == 2 && bias.shape == [weight.shape[1]],
                     "Linear: weight \(weight.shape) and bias \(bias.shape) do not match")
        self.weight = Parameter(weight)
        self.bias = Parameter(bias)
    }

    enum CodingKeys: String, CodingKey { case weight, bias }

    /// Refuses shapes that `init(weight:bias:)` would trap on (a damaged checkpoint).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        weight = try c.decode(Parameter.self, forKey: .weight)
        bias = try c.decode(Parameter.self, forKey: .bias)
        guard weight.value.rank == 2, bias.value.shape == [weight.value.shape[1]] else {
            throw DecodingError.dataCorruptedError(
                forKey: .bias, in: c,
                debugDescription: "weight \(weight.value.shape) and bias \(bias.value.shape) do not form a layer")
        }
    }

    public var inputSize: Int { weight.value.shape[0] }
    public var outputSize: Int { weight.value.shape[1] }

    /// y ← f(x·W + b) for a batch x of shape [batch, inputs], with f the
    /// activation when one is given (tanh fused with the bias in one pass).
    public func forward(_ x: Tensor, into y: inout Tensor, activation: Activation? = nil) {
        Tensor.matmul(x, weight.value, into: &y)
        if activation == .tanh {
            y.addRowVectorAndApplyTanh(bias.value)
        } else {
            y.addRowVector(bias.value)
            activation?.forward(&y)
        }
    }

    /// The same for a sparse batch: a sum of rows of W per row of x.
    public func forward(_ x: SparseRows, into y: inout Tensor, activation: Activation? = nil) {
        x.multiply(by: weight.value, adding: bias.value, into: &y)
        activation?.forward(&y)
    }

    /// Given dL/dy, accumulates dL/dW = xᵀ·dy and dL/db = Σ_rows dy, and
    /// writes dL/dx = dy·Wᵀ into `inputGradient` when one is asked for.
    public mutating func backward(_ x: Tensor, outputGradient dy: Tensor, inputGradient dx: inout Tensor?) {
        Tensor.matmul(x, dy, transposeA: true, into: &weight.gradient, beta: 1)
        finishBackward(outputGradient: dy, inputGradient: &dx)
    }

    /// The same for a sparse batch: dL/dW is a scatter-add of dy's rows.
    public mutating func backward(_ x: SparseRows, outputGradient dy: Tensor, inputGradient dx: inout Tensor?) {
        x.accumulateTransposedProduct(dy, into: &weight.gradient)
        finishBackward(outputGradient: dy, inputGradient: &dx)
    }

    /// dL/db and dL/dx, which do not depend on x.
    private mutating func finishBackward(outputGradient dy: Tensor, inputGradient dx: inout Tensor?) {
        dy.sumRows(accumulatingInto: &bias.gradient)
        if var gradient = dx {
            dx = nil  // keep the buffer uniquely referenced while it is written
            Tensor.matmul(dy, weight.value, transposeB: true, into: &gradient)
            dx = gradient
        }
    }

    public func forwardFLOPs(batch: Int) -> Double {
        Self.forwardFLOPs(inputs: inputSize, outputs: outputSize, batch: batch)
    }

    public func backwardFLOPs(batch: Int, inputGradient: Bool) -> Double {
        Self.backwardFLOPs(inputs: inputSize, outputs: outputSize, batch: batch, inputGradient: inputGradient)
    }

    /// FLOPs of a layer of this shape, without building one (for budgets).
    public static func forwardFLOPs(inputs: Int, outputs: Int, batch: Int) -> Double {
        Double(batch) * Double(outputs) * Double(2 * inputs + 1)
    }

    public static func backwardFLOPs(inputs: Int, outputs: Int, batch: Int, inputGradient: Bool) -> Double {
        let weightGradient = 2.0 * Double(batch) * Double(inputs * outputs)
        let biasGradient = Double(batch * outputs)
        return weightGradient + biasGradient + (inputGradient ? weightGradient : 0)
    }
}
