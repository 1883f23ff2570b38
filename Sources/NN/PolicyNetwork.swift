import Tensor

/// A network that maps a batch of fixed-width observation rows to one
/// output row each (logits for an actor, a value for a critic): what the
/// PPO-family trainer, its rollout workers, behaviour cloning, evaluation
/// and search run, without knowing which network it is (CleanRL's `Agent`
/// as a plug). The MLP is one; a test's linear policy is another.
///
/// Networks hold only parameters. A pass keeps what its backward needs in
/// a caller-owned `NetworkWorkspace`, so several threads can run one
/// network at once, each with its own workspace.
public protocol PolicyNetwork: Module, Codable, Equatable {
    /// The architecture's own settings (widths, activation, …), as config.json records them.
    associatedtype Settings: NetworkSettings where Settings.Network == Self

    /// A freshly initialised network; `outputGain` scales the last layer
    /// (0.01 for an actor's logits, 1 for a critic's value, as in CleanRL).
    init(inputSize: Int, outputSize: Int, settings: Settings, outputGain: Double, rng: inout some RandomNumberGenerator)

    var inputSize: Int { get }
    var outputSize: Int { get }

    /// Runs a batch of `inputSize`-wide rows; returns [rows, outputSize].
    func forward(_ x: NetworkInput, workspace: inout NetworkWorkspace) -> Tensor

    /// Backpropagates dL/d(output) for the batch `x` last passed through
    /// `forward` with this workspace, adding into every parameter's
    /// gradient; returns dL/dx only when `inputGradient` is true.
    @discardableResult
    mutating func backward(_ x: NetworkInput, outputGradient: Tensor, workspace: inout NetworkWorkspace, inputGradient: Bool) -> Tensor?

    /// FLOPs of one pass over `batch` rows.
    func forwardFLOPs(batch: Int) -> Double
    func backwardFLOPs(batch: Int) -> Double

    /// FLOPs of a network with these settings, before building one (what a
    /// sweep's FLOP budget and the `flops` column count).
    static func forwardFLOPs(inputSize: Int, outputSize: Int, settings: Settings, batch: Int) -> Double
    static func backwardFLOPs(inputSize: Int, outputSize: Int, settings: Settings, batch: Int) -> Double
    static func parameterCount(inputSize: Int, outputSize: Int, settings: Settings) -> Int
}

extension PolicyNetwork {
    /// Runs a dense batch x of shape [rows, inputSize].
    @discardableResult
    public func forward(_ x: Tensor, workspace: inout NetworkWorkspace) -> Tensor {
        forward(.dense(x), workspace: &workspace)
    }

    @discardableResult
    public mutating func backward(
        _ x: Tensor, outputGradient: Tensor, workspace: inout NetworkWorkspace, inputGradient: Bool = false
    ) -> Tensor? {
        backward(.dense(x), outputGradient: outputGradient, workspace: &workspace, inputGradient: inputGradient)
    }

    @discardableResult
    public mutating func backward(_ x: NetworkInput, outputGradient: Tensor, workspace: inout NetworkWorkspace) -> Tensor? {
        backward(x, outputGradient: outputGradient, workspace: &workspace, inputGradient: false)
    }
}

/// A network's settings, which name the network they build — so that a
/// trainer given `MLPSettings(hidden: [64, 64])` knows it trains an MLP.
public protocol NetworkSettings: Codable, Sendable, Equatable {
    associatedtype Network: PolicyNetwork where Network.Settings == Self
}

/// A batch of inputs: dense, or sparse (one-hot and binary features),
/// which a first layer may multiply as a sum of rows of its weights. The
/// two give the same function; the sums are taken in another order.
public enum NetworkInput: Sendable {
    case dense(Tensor)
    case sparse(SparseRows)

    public var rows: Int {
        switch self {
        case .dense(let x): x.rank == 2 ? x.shape[0] : 0
        case .sparse(let x): x.rows
        }
    }

    public var columns: Int {
        switch self {
        case .dense(let x): x.rank == 2 ? x.shape[1] : -1
        case .sparse(let x): x.columns
        }
    }
}

/// The activations of one forward pass (kept for the backward pass) and
/// the gradient buffers of one backward pass; reused from step to step.
public struct NetworkWorkspace: Sendable {
    /// outputs[i] is layer i's output (after its activation for hidden layers).
    public var outputs: [Tensor]
    public var gradients: [Tensor]

    public init() {
        outputs = []
        gradients = []
    }
}
