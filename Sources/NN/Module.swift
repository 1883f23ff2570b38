import Tensor

/// What an optimiser, gradient clipping, a checkpoint and the data-parallel
/// allreduce need of a network: its parameters, visited in one fixed order
/// (micrograd's `Module.parameters()`). Every network in NN — the MLP, the
/// transformer — is a `Module`; none of those consumers knows which.
public protocol Module: Sendable {
    /// Visits every parameter, numbered from 0 in a fixed order: the order
    /// optimiser state, clipping sums and flat saves rely on.
    mutating func updateEachParameter(_ body: (Int, inout Parameter) throws -> Void) rethrows
    /// The same order, read-only.
    func forEachParameter(_ body: (Int, Parameter) throws -> Void) rethrows
    /// A short name of the architecture for messages ("4-64-64-2").
    var architecture: String { get }
}

extension Module {
    public var parameterCount: Int {
        var count = 0
        forEachParameter { _, p in count += p.value.count }
        return count
    }

    /// The size of each parameter tensor, in visiting order.
    public var parameterSizes: [Int] {
        var sizes: [Int] = []
        forEachParameter { _, p in sizes.append(p.value.count) }
        return sizes
    }

    public mutating func zeroGradients() {
        updateEachParameter { _, p in p.zeroGradient() }
    }

    public mutating func scaleGradients(by factor: Float) {
        guard factor != 1 else { return }
        updateEachParameter { _, p in p.gradient.scale(by: factor) }
    }

    /// The sum of squared gradient entries, tensor by tensor in visiting
    /// order and in Float64, so that it does not depend on threading.
    public var squaredGradientNorm: Double {
        var sum = 0.0
        forEachParameter { _, p in sum += Double(p.gradient.squaredNorm()) }
        return sum
    }
}
