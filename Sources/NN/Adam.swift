import Tensor

/// Adam (Kingma & Ba), as PyTorch implements it, with CleanRL's eps = 1e-5.
///
/// The moment estimates are plain arrays indexed in the parameter order of
/// `MLP.updateEachParameter`, so the optimiser's whole state can be saved in a
/// checkpoint and restored exactly.
public struct Adam: Sendable, Codable, Equatable {
    public var learningRate: Float
    public var beta1: Float
    public var beta2: Float
    public var epsilon: Float
    /// Steps taken so far (t in the paper).
    public private(set) var step: Int = 0
    var firstMoments: [[Float]] = []
    var secondMoments: [[Float]] = []

    public init(learningRate: Float, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-5) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    /// One update of every parameter of `model` from its accumulated gradient.
    public mutating func update(_ model: inout MLP) {
        if firstMoments.isEmpty {
            model.updateEachParameter { _, p in
                firstMoments.append([Float](repeating: 0, count: p.value.count))
                secondMoments.append([Float](repeating: 0, count: p.value.count))
            }
        }
        step += 1
        let t = Double(step)
        let biasCorrection1 = 1 - pow(Double(beta1), t)
        let biasCorrection2 = 1 - pow(Double(beta2), t)
        let stepSize = Float(Double(learningRate) / biasCorrection1)
        let rootBiasCorrection2 = Float(biasCorrection2.squareRoot())
        let (b1, b2, eps) = (beta1, beta2, epsilon)
        model.updateEachParameter { index, p in
            precondition(firstMoments[index].count == p.value.count, "Adam state does not match the model's parameters")
            firstMoments[index].withUnsafeMutableBufferPointer { m in
                secondMoments[index].withUnsafeMutableBufferPointer { v in
                    p.gradient.scalars.withUnsafeBufferPointer { g in
                        p.value.scalars.withUnsafeMutableBufferPointer { w in
                            for i in w.indices {
                                m[i] = b1 * m[i] + (1 - b1) * g[i]
                                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
                                let denominator = v[i].squareRoot() / rootBiasCorrection2 + eps
                                w[i] -= stepSize * m[i] / denominator
                            }
                        }
                    }
                }
            }
        }
    }

    /// Floating-point operations of one update over `parameterCount` scalars.
    public static func flops(parameterCount: Int) -> Double { 12 * Double(parameterCount) }
}

import Foundation
