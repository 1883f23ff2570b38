import Foundation

/// Whether this process belongs to an MPI job, and the way into one.
///
/// A binary that was not started by mpirun should never touch MPI: check
/// `launchedByMPI` first and call `initialize()` only when it is true. (Open
/// MPI can initialise a lone "singleton" process, but that forks its runtime
/// daemon, which is slow and pointless for a single-process run.)
public enum MPIRuntime {
    /// Variables Open MPI's launcher sets in every rank's environment
    /// (OMPI_COMM_WORLD_* by mpirun/orted, PMIX_RANK by the PMIx server).
    public static let launcherVariables = ["OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_RANK", "PMIX_RANK"]

    /// True when this process was started by mpirun (or another PMIx launcher).
    public static var launchedByMPI: Bool {
        launched(environment: ProcessInfo.processInfo.environment)
    }

    public static func launched(environment: [String: String]) -> Bool {
        launcherVariables.contains { environment[$0] != nil }
    }

    /// `RLTRAIN_MPI_LIBRARY` (a soname or a path, for an Open MPI outside the
    /// loader's search path) when set, else `libmpi.so.40` then `libmpi.so`
    /// (Open MPI 3.x–4.x keep soname 40).
    public static var defaultLibraryNames: [String] {
        libraryNames(environment: ProcessInfo.processInfo.environment)
    }

    public static func libraryNames(environment: [String: String]) -> [String] {
        if let name = environment["RLTRAIN_MPI_LIBRARY"], !name.isEmpty { return [name] }
        return MPILibrary.defaultNames
    }

    /// The loaded library's self-description ("Open MPI v4.1.4, …"). Loads
    /// libmpi but does not initialise MPI, so it is safe outside mpirun.
    public static func libraryVersion(libraryNames: [String] = defaultLibraryNames) throws(MPIError) -> String {
        try MPILibrary.load(candidates: libraryNames, launchedByMPI: launchedByMPI).version
    }

    /// Loads libmpi, initialises MPI (once per process) and returns
    /// MPI_COMM_WORLD.
    ///
    /// Requests MPI_THREAD_SERIALIZED: the trainer has other threads (rollout
    /// workers) and may issue collectives from whichever thread runs the
    /// update, but never from two threads at once. Errors on the world
    /// communicator are set to return (MPI_ERRORS_RETURN) so that a failed
    /// call becomes an `MPIError` rather than Open MPI's multi-paragraph abort.
    ///
    /// Calling it again before `finalize()` returns another `Communicator` on
    /// the same world; after `finalize()` it throws `.finalized` (MPI allows
    /// one initialisation per process).
    public static func initialize(libraryNames: [String] = defaultLibraryNames) throws(MPIError) -> Communicator {
        let library = try MPILibrary.load(candidates: libraryNames, launchedByMPI: launchedByMPI)
        var flag: Int32 = 0
        if library.finalized(&flag) == 0, flag != 0 { throw .finalized }
        guard library.initialized(&flag) == 0 else {
            throw .initializationFailed("MPI_Initialized failed (\(library.name))")
        }
        var provided = MPILibrary.threadSerialized
        if flag == 0 {
            let code = library.initThread(nil, nil, MPILibrary.threadSerialized, &provided)
            guard code == 0 else { throw .initializationFailed(library.message(for: code)) }
        } else {
            guard library.queryThread(&provided) == 0 else {
                throw .initializationFailed("MPI_Query_thread failed (\(library.name))")
            }
        }
        return try Communicator(library: library, threadLevel: MPIThreadLevel(rawValue: provided) ?? .single)
    }
}

/// What MPI_Init_thread granted. Open MPI 4.1 grants what it is asked for.
public enum MPIThreadLevel: Int32, Sendable, Comparable {
    case single = 0, funneled, serialized, multiple

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}
