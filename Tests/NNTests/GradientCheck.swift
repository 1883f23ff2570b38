import Tensor
@testable import NN

/// Central finite differences of a scalar loss with respect to every
/// parameter, compared with the gradient the backward pass accumulated.
/// Returns the largest error relative to the largest gradient entry.
func maxRelativeGradientError(
    model: MLP, analytic: MLP, step: Float = 1e-2, loss: (MLP) -> Double
) -> Double {
    var worst = 0.0
    var scale = 1e-12
    var numeric: [Double] = []
    var exact: [Double] = []
    for layer in model.layers.indices {
        for which in 0..<2 {
            let count = which == 0 ? model.layers[layer].weight.value.count : model.layers[layer].bias.value.count
            for i in 0..<count {
                func perturbed(_ delta: Float) -> Double {
                    var m = model
                    if which == 0 { m.layers[layer].weight.value.scalars[i] += delta } else { m.layers[layer].bias.value.scalars[i] += delta }
                    return loss(m)
                }
                numeric.append((perturbed(step) - perturbed(-step)) / (2 * Double(step)))
                let g = which == 0 ? analytic.layers[layer].weight.gradient.scalars[i] : analytic.layers[layer].bias.gradient.scalars[i]
                exact.append(Double(g))
            }
        }
    }
    for (n, e) in zip(numeric, exact) {
        worst = max(worst, abs(n - e))
        scale = max(scale, abs(e))
    }
    return worst / scale
}
