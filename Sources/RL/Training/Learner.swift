import Tensor
import NN

/// A network with its optimiser, and the scratch one minibatch step needs:
/// `forward` keeps the activations that `backward` reads, and
/// `outputGradient` is where a loss writes dL/d(output).
public struct Learner<N: PolicyNetwork>: Sendable, Codable {
    public private(set) var network: N
    public private(set) var optimizer: Adam
    // Scratch, rebuilt on demand; not part of a checkpoint.
    var outputGradient = Tensor(zeros: [0])
    private var workspace = NetworkWorkspace()

    public init(network: N, optimizer: Adam) {
        self.network = network
        self.optimizer = optimizer
    }

    enum CodingKeys: String, CodingKey { case network, optimizer }

    /// Clears the gradients and runs a minibatch forward.
    mutating func forward(_ input: NetworkInput) -> Tensor {
        network.zeroGradients()
        return network.forward(input, workspace: &workspace)
    }

    /// Backpropagates `outputGradient` through the last `forward` of `input`,
    /// leaving the minibatch's gradient in the network.
    mutating func backward(_ input: NetworkInput) {
        network.backward(input, outputGradient: outputGradient, workspace: &workspace)
    }

    mutating func scaleGradients(by factor: Float) { network.scaleGradients(by: factor) }

    /// Visits every parameter's gradient in `updateEachParameter` order.
    mutating func setGradients(_ body: (inout Parameter) -> Void) {
        network.updateEachParameter { _, p in body(&p) }
    }

    /// One Adam step at `learningRate`.
    mutating func step(learningRate: Float) {
        optimizer.learningRate = learningRate
        optimizer.update(&network)
    }

    /// Changes the network outside an optimiser step: the supervised warm
    /// start trains it with an Adam of its own before PPO's first update.
    mutating func modifyNetwork<R>(_ body: (inout N) throws -> R) rethrows -> R {
        try body(&network)
    }
}
