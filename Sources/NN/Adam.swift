import Tensor

/// Adam (Kingma & Ba), as PyTorch implements it, with CleanRL's eps = 1e-5.
///
/// The moment estimates are plain arrays indexed in the parameter order of
/// `Module.updateEachParameter`, so the optimiser's whole state can be saved in a
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

    enum CodingKeys: String, CodingKey {
        case learningRate, beta1, beta2, epsilon, step, firstMoments, secondMoments
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        learningRate = try c.decode(Float.self, forKey: .learningRate)
        beta1 = try c.decode(Float.self, forKey: .beta1)
        beta2 = try c.decode(Float.self, forKey: .beta2)
        epsilon = try c.decode(Float.self, forKey: .epsilon)
        step = try c.decode(Int.self, forKey: .step)
        func moments(_ key: CodingKeys) throws -> [[Float]] {
            try c.decode([Data].self, forKey: key).map {
                guard let floats = [Float](float32Bits: $0) else {
                    throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "moment data is not Float32")
                }
                return floats
            }
        }
        firstMoments = try moments(.firstMoments)
        secondMoments = try moments(.secondMoments)
        guard firstMoments.map(\.count) == secondMoments.map(\.count) else {
            throw DecodingError.dataCorruptedError(forKey: .secondMoments, in: c, debugDescription: "moment shapes differ")
        }
    }

    /// Moments as Float32 bit patterns: exact and compact (see `float32Bits`).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(learningRate, forKey: .learningRate)
        try c.encode(beta1, forKey: .beta1)
        try c.encode(beta2, forKey: .beta2)
        try c.encode(epsilon, forKey: .epsilon)
        try c.encode(step, forKey: .step)
        try c.encode(firstMoments.map(\.float32Bits), forKey: .firstMoments)
        try c.encode(secondMoments.map(\.float32Bits), forKey: .secondMoments)
    }

    public init(learningRate: Float, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-5) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    /// Whether this state can update `model`: no moments yet (no step taken),
    /// or one pair of moments per parameter tensor, each of its size.
    public func fits(_ model: some Module) -> Bool {
        if firstMoments.isEmpty { return step == 0 && secondMoments.isEmpty }
        let sizes = model.parameterSizes
        return firstMoments.map(\.count) == sizes && secondMoments.map(\.count) == sizes
    }

    /// One update of every parameter of `model` from its accumulated gradient.
    public mutating func update(_ model: inout some Module) {
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
                            Adam.step(
                                m.baseAddress!, v.baseAddress!, g.baseAddress!, w.baseAddress!, count: w.count,
                                b1: b1, b2: b2, eps: eps, stepSize: stepSize, rootBiasCorrection2: rootBiasCorrection2)
                        }
                    }
                }
            }
        }
    }

    /// The element-wise update (`Tensor.adamStep`: a C kernel or Swift SIMD,
    /// the same bits either way).
    @inline(__always)
    static func step(
        _ m: UnsafeMutablePointer<Float>, _ v: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>,
        _ w: UnsafeMutablePointer<Float>, count: Int,
        b1: Float, b2: Float, eps: Float, stepSize: Float, rootBiasCorrection2: Float,
        kernel: BLAS.Kernel = Tensor.vectorKernel
    ) {
        Tensor.adamStep(
            m, v, g, w, count: count, b1: b1, b2: b2, eps: eps, stepSize: stepSize,
            rootBiasCorrection2: rootBiasCorrection2, kernel: kernel)
    }

    /// Floating-point operations of one update over `parameterCount` scalars.
    public static func flops(parameterCount: Int) -> Double { 12 * Double(parameterCount) }
}

import Foundation
