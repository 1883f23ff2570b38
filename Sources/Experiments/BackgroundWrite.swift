import Foundation

/// A file write running on a thread of its own, whose error the caller
/// collects with `wait`.
///
/// A checkpoint of the standard gridworld run is 0.7 MB of JSON: encoding
/// and checksumming it every ten updates took 6% of the run's CPU time, all
/// of it on the training thread, which stood still meanwhile. Written from a
/// snapshot of the state on another thread, it overlaps the next rollout,
/// which runs on one core of two. A dedicated thread rather than Dispatch's
/// pool, which `Parallel` uses for the update and which runs at most one
/// thread per core: a write holding a pool thread would serialise the
/// actor's and the critic's halves.
final class BackgroundWrite: @unchecked Sendable {
    private let finished = DispatchSemaphore(value: 0)
    /// Written by the thread before it signals `finished`, read after `wait`.
    private var failure: (any Error)?

    init(_ write: @escaping @Sendable () throws -> Void) {
        let thread = Thread { [self] in
            do { try write() } catch { failure = error }
            finished.signal()
        }
        thread.name = "rltrain checkpoint"
        thread.start()
    }

    /// Blocks until the write is done; rethrows its error. Call once.
    func wait() throws {
        finished.wait()
        if let failure { throw failure }
    }
}
