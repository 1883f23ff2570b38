import NN

/// The ranks of a data-parallel run, as the trainer needs them: each rank
/// steps its share of the environments, and the ranks combine what one
/// process would have computed alone — gradients and loss terms (sums), the
/// finished episodes (gathered) — so that every rank takes the same
/// optimiser step and keeps the same weights. A single process has none.
///
/// Implemented over MPI by the run layer; every rank must make the same
/// calls in the same order. A failure is fatal to the whole job (the
/// implementation reports it and aborts every rank), so the calls do not throw.
public protocol Collective: Sendable {
    var rank: Int { get }
    var size: Int { get }
    /// Element-wise sums over the ranks, in place, on every rank.
    func sum(_ values: inout [Float])
    func sum(_ values: inout [Double])
    /// Every rank's bytes, in rank order, on every rank.
    func allGather(_ bytes: [UInt8]) -> [[UInt8]]
    /// Rank `root`'s bytes on every rank.
    func broadcast(_ bytes: inout [UInt8], root: Int)
    /// Wall-clock seconds this rank has spent inside the calls above, waits
    /// for slower ranks included: the cost of data parallelism, which the
    /// run reports per update (`allreduce_seconds`).
    var secondsInCalls: Double { get }
}

extension Collective {
    /// Whether any rank says yes: for decisions all ranks must take together.
    public func any(_ flag: Bool) -> Bool {
        var value: [Double] = [flag ? 1 : 0]
        sum(&value)
        return value[0] > 0
    }
}

extension Collective {
    /// Sums `model`'s gradients over the ranks, in place, on every rank: each
    /// rank's were taken over its share of a batch and normalised by the
    /// whole batch, so the sums are the whole batch's gradient.
    public func sumGradients<M: Module>(_ model: inout M) {
        var gradients: [Float] = []
        gradients.reserveCapacity(model.parameterCount)
        model.forEachParameter { _, p in gradients += p.gradient.scalars }
        sum(&gradients)
        var offset = 0
        model.updateEachParameter { _, p in
            let n = p.gradient.count
            p.gradient.scalars.replaceSubrange(0..<n, with: gradients[offset..<(offset + n)])
            offset += n
        }
    }

    /// This rank's contiguous share of `count` items (sizes differing by at
    /// most one, lower ranks taking the larger).
    public func share(of count: Int) -> Range<Int> {
        let (base, extra) = count.quotientAndRemainder(dividingBy: size)
        let start = rank * base + min(rank, extra)
        return start ..< start + base + (rank < extra ? 1 : 0)
    }
}
