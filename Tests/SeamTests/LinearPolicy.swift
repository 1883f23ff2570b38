import Tensor
import NN

/// A second network, defined outside the library: logits = x·W + b, one
/// `Linear` layer and nothing else. Everything the trainer asks of a
/// network is here; nothing in Sources/ knows it exists.
struct LinearPolicy: PolicyNetwork {
    var layer: Linear

    init(inputSize: Int, outputSize: Int, settings: LinearSettings, outputGain: Double, rng: inout some RandomNumberGenerator) {
        var weights = [Float](repeating: 0, count: inputSize * outputSize)
        for i in weights.indices { weights[i] = Float(outputGain) * Float.random(in: -0.1...0.1, using: &rng) }
        layer = Linear(weight: Tensor(shape: [inputSize, outputSize], scalars: weights), bias: Tensor(zeros: [outputSize]))
    }

    var inputSize: Int { layer.inputSize }
    var outputSize: Int { layer.outputSize }
    var architecture: String { "linear \(inputSize)→\(outputSize)" }

    mutating func updateEachParameter(_ body: (Int, inout Parameter) throws -> Void) rethrows {
        try body(0, &layer.weight)
        try body(1, &layer.bias)
    }

    func forEachParameter(_ body: (Int, Parameter) throws -> Void) rethrows {
        try body(0, layer.weight)
        try body(1, layer.bias)
    }

    func forward(_ x: NetworkInput, workspace: inout NetworkWorkspace) -> Tensor {
        if workspace.outputs.count != 1 { workspace.outputs = [Tensor(zeros: [0])] }
        switch x {
        case .dense(let x): layer.forward(x, into: &workspace.outputs[0])
        case .sparse(let x): layer.forward(x, into: &workspace.outputs[0])
        }
        return workspace.outputs[0]
    }

    @discardableResult
    mutating func backward(_ x: NetworkInput, outputGradient: Tensor, workspace: inout NetworkWorkspace, inputGradient: Bool) -> Tensor? {
        var dx: Tensor? = inputGradient ? Tensor(zeros: [0]) : nil
        switch x {
        case .dense(let x): layer.backward(x, outputGradient: outputGradient, inputGradient: &dx)
        case .sparse(let x): layer.backward(x, outputGradient: outputGradient, inputGradient: &dx)
        }
        return dx
    }

    func forwardFLOPs(batch: Int) -> Double { layer.forwardFLOPs(batch: batch) }
    func backwardFLOPs(batch: Int) -> Double { layer.backwardFLOPs(batch: batch, inputGradient: false) }

    static func forwardFLOPs(inputSize: Int, outputSize: Int, settings: LinearSettings, batch: Int) -> Double {
        Linear.forwardFLOPs(inputs: inputSize, outputs: outputSize, batch: batch)
    }

    static func backwardFLOPs(inputSize: Int, outputSize: Int, settings: LinearSettings, batch: Int) -> Double {
        Linear.backwardFLOPs(inputs: inputSize, outputs: outputSize, batch: batch, inputGradient: false)
    }

    static func parameterCount(inputSize: Int, outputSize: Int, settings: LinearSettings) -> Int {
        inputSize * outputSize + outputSize
    }
}

/// The linear policy has no settings of its own.
struct LinearSettings: NetworkSettings {
    typealias Network = LinearPolicy
}
