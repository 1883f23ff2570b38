import Tensor

/// A trainable tensor and the gradient accumulated for it.
///
/// Backward passes *add* into `gradient`, so gradients of several losses or
/// minibatch pieces sum naturally; `zeroGradient()` starts a new step.
public struct Parameter: Sendable, Codable, Equatable {
    public var value: Tensor
    public var gradient: Tensor

    public init(_ value: Tensor) {
        self.value = value
        self.gradient = Tensor(zeros: value.shape)
    }

    public mutating func zeroGradient() { gradient.fill(0) }
}
