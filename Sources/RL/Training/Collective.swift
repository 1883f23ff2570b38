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
