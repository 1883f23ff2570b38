import Tensor

/// The hidden-layer nonlinearity. Both are written so that the backward pass
/// needs only the layer's output, which the forward pass keeps anyway.
public enum Activation: String, Sendable, Codable, CaseIterable {
    case tanh, relu

    /// y ← f(y), in place.
    public func forward(_ y: inout Tensor) {
        switch self {
        case .tanh: y.applyTanh()
        case .relu: y.applyReLU()
        }
    }

    /// gradient ← gradient ⊙ f′, with f′ computed from the output y = f(x).
    public func backward(_ gradient: inout Tensor, output y: Tensor) {
        switch self {
        case .tanh: gradient.multiplyByTanhDerivative(output: y)
        case .relu: gradient.multiplyByReLUDerivative(output: y)
        }
    }

    /// Floating-point operations per element, for the FLOP count.
    public var flopsPerElement: Int {
        switch self {
        case .tanh: 20  // a rational approximation costs about this much
        case .relu: 1
        }
    }
}
