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

    enum CodingKeys: String, CodingKey { case value, gradient }

    /// Refuses a gradient whose shape is not the value's (a damaged checkpoint).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        value = try c.decode(Tensor.self, forKey: .value)
        gradient = try c.decode(Tensor.self, forKey: .gradient)
        guard gradient.shape == value.shape else {
            throw DecodingError.dataCorruptedError(
                forKey: .gradient, in: c, debugDescription: "gradient shape \(gradient.shape) differs from value shape \(value.shape)")
        }
    }
}
