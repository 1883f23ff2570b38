import Foundation
import MPI
import Experiments
import RunStorage

/// `mpirun -np N rltrain …`: the training command joins the MPI job, and
/// only rank 0 speaks (errors, progress) — the other ranks run silently and
/// exit with the same status.
enum DataParallel {
    /// This process's rank as the launcher set it (before MPI is initialised),
    /// or nil when not started by mpirun.
    static var launchRank: Int? {
        guard MPIRuntime.launchedByMPI else { return nil }
        let environment = ProcessInfo.processInfo.environment
        return ["OMPI_COMM_WORLD_RANK", "PMIX_RANK"].lazy.compactMap { environment[$0].flatMap(Int.init) }.first ?? 0
    }

    /// Whether this process prints: rank 0, or any process outside mpirun.
    static var speaks: Bool { (launchRank ?? 0) == 0 }

    /// The job's collective when started by mpirun (nil otherwise); a
    /// missing or broken Open MPI is one line, exit 2.
    static func join() throws -> MPICollective? {
        guard MPIRuntime.launchedByMPI else { return nil }
        return MPICollective(try MPIRuntime.initialize())
    }

    /// Commands other than training run in one process.
    static func refuse(_ command: String) throws {
        if MPIRuntime.launchedByMPI {
            throw DataParallelError("rltrain \(command) runs in one process; start only training under mpirun")
        }
    }

    /// Ends the job after `run` returns or throws: every rank finalises when
    /// they all stopped together (bad input seen by all, a stop, a NaN every
    /// rank computes alike); a file error on rank 0 alone, with the others
    /// waiting in a collective, aborts the job instead.
    static func finish(_ collective: MPICollective?, after error: (any Error)?) {
        guard let collective else { return }
        switch error {
        case is FileError, is CSVError, is CheckpointError:
            collective.communicator.abort(code: 1)
        default:
            try? collective.communicator.finalize()
        }
    }
}

struct DataParallelError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
