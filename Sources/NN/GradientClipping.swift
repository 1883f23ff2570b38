import Tensor

/// Global-norm gradient clipping over several models at once (PPO clips the
/// actor and the critic together, as CleanRL does with one optimiser).
public enum GradientClipping {
    /// The L2 norm of all gradients of all `models`, summed in a fixed order
    /// and in Float64 so that the result does not depend on threading.
    public static func globalNorm(_ models: [any Module]) -> Double {
        var sum = 0.0  // one running sum over every tensor of every model, in order
        for model in models {
            model.forEachParameter { _, p in sum += Double(p.gradient.squaredNorm()) }
        }
        return sum.squareRoot()
    }

    /// The factor PyTorch's `clip_grad_norm_` multiplies every gradient by:
    /// maxNorm / norm when the norm exceeds maxNorm, else 1.
    public static func scale(norm: Double, maxNorm: Double) -> Float {
        norm > maxNorm ? Float(maxNorm / (norm + 1e-6)) : 1
    }
}
