#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// MPI_COMM_WORLD: this process's rank among `size` processes, and the
/// collectives data-parallel PPO needs (Communicator+Allreduce.swift,
/// Communicator+Broadcast.swift, Communicator+Gather.swift).
///
/// Every collective must be called by every rank, in the same order, with
/// the same root and (for fixed-size collectives) the same element count;
/// a rank that skips one leaves the others blocked.
///
/// Threads: collectives are called from one thread at a time — normally the
/// thread that called `MPIRuntime.initialize()` — never concurrently (MPI is
/// initialised with MPI_THREAD_SERIALIZED). The class is deliberately not
/// `Sendable`, so Swift's region checking keeps it in one isolation domain.
///
/// Errors: after any thrown `MPIError` other ranks may be waiting inside the
/// same collective; call `abort(code:)`, not `finalize()`, to end the job.
/// Every rank must call `finalize()` before a normal exit: Open MPI treats a
/// rank that exits without it as a failure and kills the job.
public final class Communicator {
    let library: MPILibrary
    let world: MPILibrary.Handle
    /// 0-based; rank 0 is the conventional root (logs, writes checkpoints).
    public let rank: Int
    public let size: Int
    public let threadLevel: MPIThreadLevel

    init(library: MPILibrary, threadLevel: MPIThreadLevel) throws(MPIError) {
        self.library = library
        self.world = library.commWorld
        self.threadLevel = threadLevel
        var value: Int32 = 0
        try Self.check(library, "MPI_Comm_set_errhandler", library.commSetErrhandler(world, library.errorsReturn))
        try Self.check(library, "MPI_Comm_rank", library.commRank(world, &value))
        rank = Int(value)
        try Self.check(library, "MPI_Comm_size", library.commSize(world, &value))
        size = Int(value)
    }

    public var isRoot: Bool { rank == 0 }

    /// "Open MPI v4.1.4, package: Debian OpenMPI, …".
    public var libraryVersion: String { library.version }

    /// True once any communicator in this process has been finalised.
    public var isFinalized: Bool {
        var flag: Int32 = 0
        return library.finalized(&flag) == 0 && flag != 0
    }

    public func barrier() throws(MPIError) {
        try ensureActive()
        try check("MPI_Barrier", library.barrier(world))
    }

    /// Collective: every rank calls it once, at the end. Later calls do nothing.
    public func finalize() throws(MPIError) {
        guard !isFinalized else { return }
        try check("MPI_Finalize", library.finalize())
    }

    /// Ends every rank of the job with `code` (MPI_Abort on the world). For
    /// errors after which the ranks can no longer agree on what to do next.
    public func abort(code: Int32) -> Never {
        if !isFinalized { _ = library.abort(world, code) }
        exit(code)
    }

    // MARK: Shared checks

    func ensureActive() throws(MPIError) {
        if isFinalized { throw .finalized }
    }

    func check(_ function: String, _ code: Int32) throws(MPIError) {
        try Self.check(library, function, code)
    }

    static func check(_ library: MPILibrary, _ function: String, _ code: Int32) throws(MPIError) {
        guard code == 0 else { throw .callFailed(function: function, message: library.message(for: code)) }
    }

    /// The root as MPI's `int`; every rank passes the same root, so every
    /// rank throws together.
    func mpiRoot(_ root: Int) throws(MPIError) -> Int32 {
        guard (0..<size).contains(root) else { throw .invalidRoot(root: root, size: size) }
        return Int32(root)
    }

    static func mpiCount(_ count: Int, _ operation: String) throws(MPIError) -> Int32 {
        guard let value = Int32(exactly: count) else { throw .countTooLarge(operation: operation, count: count) }
        return value
    }
}
