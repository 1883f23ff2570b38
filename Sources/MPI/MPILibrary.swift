import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Open MPI's C entry points and predefined handles, found at run time with
/// dlopen/dlsym so that building (and running without mpirun) needs no MPI.
///
/// Open MPI's handles (`MPI_Comm`, `MPI_Datatype`, `MPI_Op`, …) are pointers
/// to global objects exported by libmpi (`MPI_COMM_WORLD` is
/// `&ompi_mpi_comm_world`), so dlsym's address of the object *is* the handle.
/// This is Open MPI's ABI; MPICH uses integer handles and is not supported.
///
/// The library handle is never closed: the pointers stay valid for the life
/// of the process, and MPI cannot be re-initialised after finalisation anyway.
struct MPILibrary {
    typealias Handle = UnsafeMutableRawPointer

    /// Sonames tried in order: the versioned one (runtime package) first, the
    /// development symlink second.
    static let defaultNames: [String] = {
        #if canImport(Darwin)
        ["libmpi.40.dylib", "libmpi.dylib"]
        #else
        ["libmpi.so.40", "libmpi.so"]
        #endif
    }()

    /// `MPI_IN_PLACE` is `(void *) 1` in Open MPI's mpi.h.
    static var inPlace: UnsafeRawPointer? { UnsafeRawPointer(bitPattern: 1) }

    // MPI_Init_thread levels (an enum in mpi.h, in this order).
    static let threadSingle: Int32 = 0
    static let threadFunneled: Int32 = 1
    static let threadSerialized: Int32 = 2
    static let threadMultiple: Int32 = 3

    typealias InitThread = @convention(c) (
        _ argc: UnsafeMutableRawPointer?, _ argv: UnsafeMutableRawPointer?,
        _ required: Int32, _ provided: UnsafeMutablePointer<Int32>?) -> Int32
    typealias Flag = @convention(c) (UnsafeMutablePointer<Int32>?) -> Int32
    typealias CommInt = @convention(c) (Handle?, UnsafeMutablePointer<Int32>?) -> Int32
    typealias Comm = @convention(c) (Handle?) -> Int32
    typealias Finalize = @convention(c) () -> Int32
    typealias Abort = @convention(c) (Handle?, Int32) -> Int32
    typealias SetErrhandler = @convention(c) (Handle?, Handle?) -> Int32
    typealias ErrorString = @convention(c) (Int32, UnsafeMutablePointer<CChar>?, UnsafeMutablePointer<Int32>?) -> Int32
    typealias LibraryVersion = @convention(c) (UnsafeMutablePointer<CChar>?, UnsafeMutablePointer<Int32>?) -> Int32
    typealias Allreduce = @convention(c) (
        _ send: UnsafeRawPointer?, _ receive: UnsafeMutableRawPointer?, _ count: Int32,
        _ type: Handle?, _ op: Handle?, _ comm: Handle?) -> Int32
    typealias Bcast = @convention(c) (
        _ buffer: UnsafeMutableRawPointer?, _ count: Int32, _ type: Handle?, _ root: Int32, _ comm: Handle?) -> Int32
    typealias Allgather = @convention(c) (
        _ send: UnsafeRawPointer?, _ sendCount: Int32, _ sendType: Handle?,
        _ receive: UnsafeMutableRawPointer?, _ receiveCount: Int32, _ receiveType: Handle?,
        _ comm: Handle?) -> Int32
    typealias Gatherv = @convention(c) (
        _ send: UnsafeRawPointer?, _ sendCount: Int32, _ sendType: Handle?,
        _ receive: UnsafeMutableRawPointer?, _ receiveCounts: UnsafePointer<Int32>?,
        _ displacements: UnsafePointer<Int32>?, _ receiveType: Handle?, _ root: Int32, _ comm: Handle?) -> Int32
    typealias Scatterv = @convention(c) (
        _ send: UnsafeRawPointer?, _ sendCounts: UnsafePointer<Int32>?, _ displacements: UnsafePointer<Int32>?,
        _ sendType: Handle?, _ receive: UnsafeMutableRawPointer?, _ receiveCount: Int32,
        _ receiveType: Handle?, _ root: Int32, _ comm: Handle?) -> Int32

    let name: String
    let initThread: InitThread
    let initialized: Flag
    let finalized: Flag
    let queryThread: Flag
    let commRank: CommInt
    let commSize: CommInt
    let commSetErrhandler: SetErrhandler
    let errorString: ErrorString
    let getLibraryVersion: LibraryVersion
    let allreduce: Allreduce
    let bcast: Bcast
    let allgather: Allgather
    let gatherv: Gatherv
    let scatterv: Scatterv
    let barrier: Comm
    let finalize: Finalize
    let abort: Abort

    // Predefined handles.
    let commWorld: Handle
    let errorsReturn: Handle
    let float: Handle
    let double: Handle
    let int32: Handle
    let int64: Handle
    let byte: Handle
    let opSum: Handle
    let opMax: Handle
    let opMin: Handle

    /// Opens the first candidate that dlopen accepts and that exports every
    /// symbol used here.
    ///
    /// RTLD_GLOBAL because Open MPI loads its components (mca_*.so) with
    /// dlopen too, and before 3.0 they resolved libmpi's symbols from the
    /// global namespace, so MPI_Init failed under RTLD_LOCAL
    /// (open-mpi/ompi#3705). Debian's 4.1.4 initialises either way.
    static func load(candidates: [String], launchedByMPI: Bool) throws(MPIError) -> MPILibrary {
        var failures: [String] = []
        for name in candidates {
            guard let handle = dlopen(name, RTLD_NOW | RTLD_GLOBAL) else {
                failures.append(dlerror().map { String(cString: $0) } ?? "\(name): dlopen failed")
                continue
            }
            do throws(MissingSymbol) {
                return try MPILibrary(handle: handle, name: name)
            } catch {
                failures.append("\(name) has no symbol \(error.symbol)")
                dlclose(handle)
            }
        }
        if failures.isEmpty { failures.append("no library names to try") }
        throw .libraryUnavailable(launchedByMPI: launchedByMPI, reasons: failures.joined(separator: "; "))
    }

    private struct MissingSymbol: Error { let symbol: String }

    private init(handle: UnsafeMutableRawPointer, name: String) throws(MissingSymbol) {
        func address(_ symbol: String) throws(MissingSymbol) -> UnsafeMutableRawPointer {
            guard let address = dlsym(handle, symbol) else { throw MissingSymbol(symbol: symbol) }
            return address
        }
        func function<F>(_ symbol: String, as type: F.Type) throws(MissingSymbol) -> F {
            unsafeBitCast(try address(symbol), to: type)
        }
        self.name = name
        initThread = try function("MPI_Init_thread", as: InitThread.self)
        initialized = try function("MPI_Initialized", as: Flag.self)
        finalized = try function("MPI_Finalized", as: Flag.self)
        queryThread = try function("MPI_Query_thread", as: Flag.self)
        commRank = try function("MPI_Comm_rank", as: CommInt.self)
        commSize = try function("MPI_Comm_size", as: CommInt.self)
        commSetErrhandler = try function("MPI_Comm_set_errhandler", as: SetErrhandler.self)
        errorString = try function("MPI_Error_string", as: ErrorString.self)
        getLibraryVersion = try function("MPI_Get_library_version", as: LibraryVersion.self)
        allreduce = try function("MPI_Allreduce", as: Allreduce.self)
        bcast = try function("MPI_Bcast", as: Bcast.self)
        allgather = try function("MPI_Allgather", as: Allgather.self)
        gatherv = try function("MPI_Gatherv", as: Gatherv.self)
        scatterv = try function("MPI_Scatterv", as: Scatterv.self)
        barrier = try function("MPI_Barrier", as: Comm.self)
        finalize = try function("MPI_Finalize", as: Finalize.self)
        abort = try function("MPI_Abort", as: Abort.self)
        commWorld = try address("ompi_mpi_comm_world")
        errorsReturn = try address("ompi_mpi_errors_return")
        float = try address("ompi_mpi_float")
        double = try address("ompi_mpi_double")
        int32 = try address("ompi_mpi_int32_t")
        int64 = try address("ompi_mpi_int64_t")
        byte = try address("ompi_mpi_byte")
        opSum = try address("ompi_mpi_op_sum")
        opMax = try address("ompi_mpi_op_max")
        opMin = try address("ompi_mpi_op_min")
    }

    /// "Open MPI v4.1.4, package: Debian OpenMPI, …" — legal before MPI_Init.
    var version: String {
        var buffer = [CChar](repeating: 0, count: 1024)  // MPI_MAX_LIBRARY_VERSION_STRING is 256
        var length: Int32 = 0
        guard getLibraryVersion(&buffer, &length) == 0 else { return "unknown MPI version (\(name))" }
        let text = String(decoding: buffer.prefix(Int(max(0, min(length, 1024)))).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return MPIError.oneLine(text.trimmingCharacters(in: .whitespacesAndNewlines.union(["\0"])))
    }

    func message(for code: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: 1024)  // MPI_MAX_ERROR_STRING is 256
        var length: Int32 = 0
        guard errorString(code, &buffer, &length) == 0 else { return "MPI error code \(code)" }
        let text = String(decoding: buffer.prefix(Int(max(0, min(length, 1024)))).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return MPIError.oneLine("\(text) (code \(code))")
    }
}
