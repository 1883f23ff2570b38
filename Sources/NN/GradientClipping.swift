import Tensor

/// Global-norm gradient clipping over several models at once (PPO clips the
/// actor and the critic together, as CleanRL does with one optimiser).
public enum GradientClipping {
    /// The L2 norm of all gradients of all `models`, summed in a fixed order
    /// and in Float64 so that the result does not depend on threading.
    public static func globalNorm(_ models: [MLP]) -> Double {
        var sum = 0.0
        for model in models {
            for layer in model.layers {
                sum += Double(layer.weight.gradient.squaredNorm())
                sum += Double(layer.bias.gradient.squaredNorm())
            }
        }
        return sum.squareRoot()
    }

    /// The factor PyTorch's `clip_grad_norm_` multiplies every gradient by:
    /// maxNorm / norm when the norm exceeds maxNorm, else 1.
    public static func scale(norm: Double, maxNorm: Double) -> Float {
        norm > maxNorm ? Float(maxNorm / (norm + 1e-6)) : 1
    }
}

extension MLP {
    public mutating func scaleGradients(by factor: Float) {
        guard factor != 1 else { return }
        updateEachParameter { _, p in p.gradient.scale(by: factor) }
    }
}
