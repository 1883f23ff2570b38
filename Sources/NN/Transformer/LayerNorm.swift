import Foundation
import Tensor

/// Layer normalisation over the last dimension, y = (x − μ)/σ · w + b with
/// σ = √(var + 1e-5) (PyTorch's default eps), weight 1 and bias 0 at init.
///
/// The forward pass keeps each row's μ and 1/σ; the backward pass rebuilds
/// the normalised row from x with them instead of storing it (llm.c's trade).
public struct LayerNorm: Sendable, Codable, Equatable {
    public var weight: Parameter
    public var bias: Parameter
    public static let epsilon: Float = 1e-5

    public init(size: Int) {
        weight = Parameter(Tensor(repeating: 1, shape: [size]))
        bias = Parameter(Tensor(zeros: [size]))
    }

    public var size: Int { weight.value.count }

    /// y ← LN(x) for `rows` rows of `size`; mean and rstd get one entry per row.
    func forward(
        _ x: UnsafePointer<Float>, rows: Int, into y: UnsafeMutablePointer<Float>,
        mean: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>
    ) {
        let n = size
        weight.value.scalars.withUnsafeBufferPointer { w in
            bias.value.scalars.withUnsafeBufferPointer { b in
                for r in 0..<rows {
                    let xr = x + r * n, yr = y + r * n
                    var sum: Float = 0
                    for j in 0..<n { sum += xr[j] }
                    let m = sum / Float(n)
                    var squares: Float = 0
                    for j in 0..<n {
                        let c = xr[j] - m
                        squares += c * c
                    }
                    let s = 1 / (squares / Float(n) + Self.epsilon).squareRoot()
                    for j in 0..<n { yr[j] = (xr[j] - m) * s * w[j] + b[j] }
                    mean[r] = m
                    rstd[r] = s
                }
            }
        }
    }

    /// Given dL/dy, accumulates dL/dw and dL/db and *adds* dL/dx into `dx`
    /// (the residual stream's gradient, which already holds the skip path's):
    /// dx += σ⁻¹·(ĝ − mean(ĝ) − x̂·mean(ĝ ⊙ x̂)), ĝ = dy ⊙ w, x̂ the normalised row.
    mutating func backward(
        _ x: UnsafePointer<Float>, outputGradient dy: UnsafePointer<Float>, rows: Int,
        mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>, inputGradient dx: UnsafeMutablePointer<Float>
    ) {
        let n = size
        let w = weight.value
        weight.gradient.scalars.withUnsafeMutableBufferPointer { gw in
            bias.gradient.scalars.withUnsafeMutableBufferPointer { gb in
                w.scalars.withUnsafeBufferPointer { w in
                    for r in 0..<rows {
                        let xr = x + r * n, dyr = dy + r * n, dxr = dx + r * n
                        let (m, s) = (mean[r], rstd[r])
                        var meanG: Float = 0, meanGX: Float = 0
                        for j in 0..<n {
                            let xhat = (xr[j] - m) * s
                            let g = dyr[j] * w[j]
                            meanG += g
                            meanGX += g * xhat
                            gb[j] += dyr[j]
                            gw[j] += dyr[j] * xhat
                        }
                        meanG /= Float(n)
                        meanGX /= Float(n)
                        for j in 0..<n {
                            let xhat = (xr[j] - m) * s
                            dxr[j] += s * (dyr[j] * w[j] - meanG - xhat * meanGX)
                        }
                    }
                }
            }
        }
    }

    /// FLOPs per row of the forward pass (sum, centre, square, scale, affine)
    /// and of the backward pass, roughly: element-wise work is ≈1% here.
    static func forwardFLOPs(size: Int) -> Double { 8 * Double(size) }
    static func backwardFLOPs(size: Int) -> Double { 12 * Double(size) }
}
