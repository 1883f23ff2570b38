import Tensor

/// A multilayer perceptron: Linear → activation → … → Linear (no activation
/// on the output), with an explicit batched forward and backward pass.
///
/// The network holds only parameters. Everything a pass produces lives in a
/// caller-owned `Workspace`, so several threads can run one network at once
/// (each with its own workspace) and a steady-state training step allocates
/// nothing.
public struct MLP: PolicyNetwork {
    /// Layer widths, input first: `[obs, 64, 64, actions]`.
    public let sizes: [Int]
    public let activation: Activation
    public var layers: [Linear]

    /// Orthogonally initialised weights (gain `hiddenGain` for hidden layers,
    /// `outputGain` for the last) and zero biases, as CleanRL does.
    public init<G: RandomNumberGenerator>(
        sizes: [Int], activation: Activation = .tanh,
        hiddenGain: Double = 2.0.squareRoot(), outputGain: Double, rng: inout G
    ) {
        precondition(sizes.count >= 2 && sizes.allSatisfy { $0 > 0 }, "MLP needs at least two positive sizes, got \(sizes)")
        self.sizes = sizes
        self.activation = activation
        self.layers = (0..<(sizes.count - 1)).map { i in
            let isOutput = i == sizes.count - 2
            return Linear(
                weight: Initialization.orthogonal(
                    rows: sizes[i], columns: sizes[i + 1], gain: isOutput ? outputGain : hiddenGain, rng: &rng),
                bias: Tensor(zeros: [sizes[i + 1]]))
        }
    }

    enum CodingKeys: String, CodingKey { case sizes, activation, layers }

    /// Refuses layers that do not chain into `sizes` (a damaged checkpoint),
    /// so that a network that decodes can always run.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sizes = try c.decode([Int].self, forKey: .sizes)
        activation = try c.decode(Activation.self, forKey: .activation)
        layers = try c.decode([Linear].self, forKey: .layers)
        let chained = sizes.count >= 2 && sizes.allSatisfy { $0 > 0 } && layers.count == sizes.count - 1
            && layers.indices.allSatisfy { layers[$0].weight.value.shape == [sizes[$0], sizes[$0 + 1]] }
        guard chained else {
            throw DecodingError.dataCorruptedError(
                forKey: .layers, in: c,
                debugDescription: "layers \(layers.map(\.weight.value.shape)) do not chain into sizes \(sizes)")
        }
    }

    // Both exist: init and decoding check that `sizes` has at least two entries.
    public var inputSize: Int { sizes[0] }
    public var outputSize: Int { sizes[sizes.count - 1] }
    public var architecture: String { sizes.map(String.init).joined(separator: "-") }

    public typealias Workspace = NetworkWorkspace
    public typealias Input = NetworkInput

    /// The `PolicyNetwork` initialiser: widths [inputSize] + hidden + [outputSize].
    public init(inputSize: Int, outputSize: Int, settings: MLPSettings, outputGain: Double, rng: inout some RandomNumberGenerator) {
        self.init(
            sizes: settings.sizes(inputSize: inputSize, outputSize: outputSize), activation: settings.hiddenActivation,
            outputGain: outputGain, rng: &rng)
    }

    /// Runs a batch, dense or sparse; returns [batch, outputs].
    @discardableResult
    public func forward(_ x: Input, workspace: inout Workspace) -> Tensor {
        precondition(x.columns == inputSize, "MLP input of \(x.columns) columns does not match input size \(inputSize)")
        if workspace.outputs.count != layers.count {
            workspace.outputs = Array(repeating: Tensor(zeros: [0]), count: layers.count)
        }
        for i in layers.indices {
            let hidden = i < layers.count - 1 ? activation : nil
            if i > 0 {
                layers[i].forward(workspace.outputs[i - 1], into: &workspace.outputs[i], activation: hidden)
                continue
            }
            switch x {
            case .dense(let x): layers[0].forward(x, into: &workspace.outputs[0], activation: hidden)
            case .sparse(let x): layers[0].forward(x, into: &workspace.outputs[0], activation: hidden)
            }
        }
        return workspace.outputs[layers.count - 1]
    }

    /// Backpropagates dL/dy for the batch `x` last passed through `forward`
    /// with this workspace, accumulating into every parameter's gradient;
    /// dL/dx only when `inputGradient` is true (for tests and stacked models).
    @discardableResult
    public mutating func backward(
        _ x: Input, outputGradient: Tensor, workspace: inout Workspace, inputGradient: Bool
    ) -> Tensor? {
        precondition(workspace.outputs.count == layers.count, "MLP.backward before forward")
        precondition(outputGradient.shape == workspace.outputs[layers.count - 1].shape,
                     "MLP output gradient \(outputGradient.shape) does not match output \(workspace.outputs[layers.count - 1].shape)")
        if workspace.gradients.count != layers.count {
            workspace.gradients = Array(repeating: Tensor(zeros: [0]), count: layers.count)
        }
        // gradients[i] holds dL/d(output of layer i), pre-activation once the
        // activation's derivative has been applied.
        workspace.gradients[layers.count - 1] = outputGradient
        // Drop the reference to the caller's tensor on the way out, so that the
        // caller can overwrite it next step without a copy.
        defer { workspace.gradients[layers.count - 1] = Tensor(zeros: [0]) }
        for i in layers.indices.reversed() {
            var inputGradientOfLayer: Tensor? = nil
            if i > 0 {
                inputGradientOfLayer = workspace.gradients[i - 1]
                workspace.gradients[i - 1] = Tensor(zeros: [0])  // keep the buffer unique
            } else if inputGradient {
                inputGradientOfLayer = Tensor(zeros: [0])
            }
            if i > 0 {
                layers[i].backward(
                    workspace.outputs[i - 1], outputGradient: workspace.gradients[i], inputGradient: &inputGradientOfLayer)
            } else {
                switch x {
                case .dense(let x):
                    layers[0].backward(x, outputGradient: workspace.gradients[0], inputGradient: &inputGradientOfLayer)
                case .sparse(let x):
                    layers[0].backward(x, outputGradient: workspace.gradients[0], inputGradient: &inputGradientOfLayer)
                }
            }
            if i > 0, var g = inputGradientOfLayer {
                inputGradientOfLayer = nil  // keep the buffer unique while the derivative is applied
                activation.backward(&g, output: workspace.outputs[i - 1])
                workspace.gradients[i - 1] = g
            } else if inputGradient {
                return inputGradientOfLayer
            }
        }
        return nil
    }

    /// Visits every parameter in a fixed order (weight, bias per layer), the
    /// order optimisers, clipping and serialisation rely on.
    public mutating func updateEachParameter(_ body: (Int, inout Parameter) throws -> Void) rethrows {
        for i in layers.indices {
            try body(2 * i, &layers[i].weight)
            try body(2 * i + 1, &layers[i].bias)
        }
    }

    public func forEachParameter(_ body: (Int, Parameter) throws -> Void) rethrows {
        for i in layers.indices {
            try body(2 * i, layers[i].weight)
            try body(2 * i + 1, layers[i].bias)
        }
    }

    public func forwardFLOPs(batch: Int) -> Double { Self.forwardFLOPs(sizes: sizes, activation: activation, batch: batch) }

    public func backwardFLOPs(batch: Int) -> Double { Self.backwardFLOPs(sizes: sizes, batch: batch) }

    /// FLOPs of a network of these sizes, without building one (for budgets).
    public static func forwardFLOPs(sizes: [Int], activation: Activation, batch: Int) -> Double {
        let shapes = zip(sizes, sizes.dropFirst())
        var flops = shapes.reduce(0.0) { $0 + Linear.forwardFLOPs(inputs: $1.0, outputs: $1.1, batch: batch) }
        for (_, outputs) in shapes.dropLast() {
            flops += Double(batch * outputs * activation.flopsPerElement)
        }
        return flops
    }

    public static func backwardFLOPs(sizes: [Int], batch: Int) -> Double {
        var flops = 0.0
        for (i, (inputs, outputs)) in zip(sizes, sizes.dropFirst()).enumerated() {
            flops += Linear.backwardFLOPs(inputs: inputs, outputs: outputs, batch: batch, inputGradient: i > 0)
            if i > 0 { flops += Double(3 * batch * inputs) }  // activation derivative
        }
        return flops
    }

    public static func forwardFLOPs(inputSize: Int, outputSize: Int, settings: MLPSettings, batch: Int) -> Double {
        forwardFLOPs(sizes: settings.sizes(inputSize: inputSize, outputSize: outputSize), activation: settings.hiddenActivation, batch: batch)
    }

    public static func backwardFLOPs(inputSize: Int, outputSize: Int, settings: MLPSettings, batch: Int) -> Double {
        backwardFLOPs(sizes: settings.sizes(inputSize: inputSize, outputSize: outputSize), batch: batch)
    }

    public static func parameterCount(inputSize: Int, outputSize: Int, settings: MLPSettings) -> Int {
        parameterCount(sizes: settings.sizes(inputSize: inputSize, outputSize: outputSize))
    }

    public static func parameterCount(sizes: [Int]) -> Int {
        zip(sizes, sizes.dropFirst()).reduce(0) { $0 + $1.0 * $1.1 + $1.1 }
    }
}
