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

    /// Scales every gradient by maxNorm / norm when the global norm exceeds
    /// `maxNorm`; returns the norm before clipping.
    @discardableResult
    public static func clip(_ models: inout [MLP], maxNorm: Double) -> Double {
        let norm = globalNorm(models)
        if norm > maxNorm {
            let scale = Float(maxNorm / (norm + 1e-6))  // PyTorch's clip_grad_norm_
            for i in models.indices {
                models[i].updateEachParameter { _, p in p.gradient.scale(by: scale) }
            }
        }
        return norm
    }
}
