/// Everything that can go wrong reaching Open MPI, as one line each: the CLI
/// prints `description` on stderr and exits, so it never contains a newline.
public enum MPIError: Error, CustomStringConvertible, Equatable, Sendable {
    /// No candidate library could be opened (or one lacked a symbol). The
    /// string lists each candidate's dlopen/dlsym failure.
    case libraryUnavailable(launchedByMPI: Bool, reasons: String)
    /// MPI_Init_thread returned an error code.
    case initializationFailed(String)
    /// A call was made after `finalize()` (MPI cannot be initialised twice).
    case finalized
    /// An MPI call returned an error code; `message` is MPI_Error_string's.
    case callFailed(function: String, message: String)
    /// MPI counts and displacements are C `int`s in MPI 3.1.
    case countTooLarge(operation: String, count: Int)
    case invalidRoot(root: Int, size: Int)
    /// `scatterBytes` was given a number of blobs that is not the number of
    /// ranks; every rank throws this, not only the root.
    case blobCountMismatch(blobs: Int, ranks: Int)

    public var description: String {
        let line: String = switch self {
        case .libraryUnavailable(let launched, let reasons):
            launched
                ? "started under mpirun but Open MPI's libmpi cannot be loaded (\(reasons)): install openmpi-bin (apt-get install openmpi-bin libopenmpi-dev) or set RLTRAIN_MPI_LIBRARY to its path"
                : "Open MPI's libmpi cannot be loaded (\(reasons)): install openmpi-bin (apt-get install openmpi-bin libopenmpi-dev) or set RLTRAIN_MPI_LIBRARY to its path"
        case .initializationFailed(let why): "MPI_Init_thread failed: \(why)"
        case .finalized: "MPI was already finalized in this process"
        case .callFailed(let function, let message): "\(function) failed: \(message)"
        case .countTooLarge(let operation, let count):
            "\(operation): \(count) elements exceed MPI's 32-bit count (\(Int32.max))"
        case .invalidRoot(let root, let size): "root rank \(root) is not in 0..<\(size)"
        case .blobCountMismatch(let blobs, let ranks):
            "scatterBytes: the root passed \(blobs) blobs for \(ranks) ranks"
        }
        return Self.oneLine(line)
    }

    /// dlerror and MPI_Error_string text is outside our control.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
