import Foundation

/// A GEMM backend: C ← α·op(A)·op(B) + β·C on row-major Float32 matrices.
///
/// Two backends exist: OpenBLAS's `cblas_sgemm`, loaded at run time with
/// dlopen so that building needs no BLAS at all (BLAS+OpenBLAS.swift), and a
/// built-in blocked GEMM, named `swift` for the backend it started as, whose
/// kernel is chosen by CPU: AVX-512 or AVX2+FMA C kernels where the CPU has
/// them, else the portable Swift SIMD4 kernel (BLAS+Kernel.swift,
/// BLAS+SwiftGEMM.swift). `BLAS.shared` is chosen once per process from
/// `RLTRAIN_BLAS` (`openblas`, `swift`, or unset for "OpenBLAS when it loads,
/// else built-in") and, for the built-in GEMM, `RLTRAIN_GEMM_KERNEL`
/// (`portable`, `avx2`, `avx512`, or unset for the fastest the CPU runs).
///
/// OpenBLAS threads: loading OpenBLAS sets its thread count to **1** and rltrain
/// keeps it there: the parallelism comes from the callers — rollout workers,
/// and the actor and critic updated side by side — and a multi-threaded
/// OpenBLAS call leaves worker threads spinning on cores those callers need.
/// `setThreadCount(_:)` exists for programs that own the machine otherwise;
/// the count is a process-wide setting of the OpenBLAS library, not of this value.
/// The backend itself is process-wide too: every `Tensor` operation uses
/// `BLAS.shared`, so there is no backend to pass around.
public struct BLAS: Sendable {
    public enum Backend: String, Sendable, CaseIterable, Codable {
        case openblas, swift
    }

    public let backend: Backend
    /// Human-readable backend and version, e.g. "OpenBLAS 0.3.21 … (libopenblas.so.0)"
    /// or "built-in GEMM (AVX-512F, 12×32 register tile)".
    public let version: String
    /// The built-in GEMM's kernel; nil for OpenBLAS.
    public let kernel: Kernel?

    /// The loaded OpenBLAS entry points; nil for the built-in backend.
    let openBLASLibrary: OpenBLASLibrary?

    init(backend: Backend, version: String, kernel: Kernel?, openBLASLibrary: OpenBLASLibrary?) {
        self.backend = backend
        self.version = version
        self.kernel = kernel
        self.openBLASLibrary = openBLASLibrary
    }

    /// C ← α·op(A)·op(B) + β·C, all matrices row-major; op(A) is m×k, op(B)
    /// is k×n, C is m×n. `lda`, `ldb`, `ldc` are the row strides (in elements)
    /// of A, B and C as stored. When β == 0, C's old content is ignored (NaN
    /// included), as in the reference BLAS.
    public func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        precondition(m >= 0 && n >= 0 && k >= 0, "gemm: negative size m=\(m) n=\(n) k=\(k)")
        precondition(lda >= (transposeA ? m : k), "gemm: lda=\(lda) is smaller than a row of A (\(transposeA ? m : k))")
        precondition(ldb >= (transposeB ? k : n), "gemm: ldb=\(ldb) is smaller than a row of B (\(transposeB ? k : n))")
        precondition(ldc >= n, "gemm: ldc=\(ldc) is smaller than a row of C (\(n))")
        if let library = openBLASLibrary {
            library.sgemm(
                transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        } else if let kernel, kernel != .portable {
            if m == 0 || n == 0 { return }
            if k == 0 || alpha == 0 {
                SwiftGEMM.scale(m: m, n: n, beta: beta, c: c, ldc: ldc)
                return
            }
            BLAS.nativeGEMM(
                kernel: kernel, transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        } else {
            SwiftGEMM.gemm(
                transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        }
    }

    /// Sets the number of threads OpenBLAS may use for one call (no-op for
    /// the built-in GEMM, which is single-threaded). Process-wide: it affects every
    /// `BLAS` value backed by the same library. Call it between phases, not
    /// while other threads are inside `gemm` (OpenBLAS resizes its thread
    /// pool here).
    public func setThreadCount(_ count: Int) {
        precondition(count >= 1, "setThreadCount: \(count) is not a thread count")
        openBLASLibrary?.setThreadCount(count)
    }

    /// The number of threads OpenBLAS currently uses (always 1 for the built-in GEMM).
    public var threadCount: Int {
        openBLASLibrary?.threadCount ?? 1
    }

    /// The built-in GEMM (always available) with the kernel named by
    /// `RLTRAIN_GEMM_KERNEL`, or the fastest this CPU runs when that is unset
    /// or cannot be honoured (the CLI resolves first and refuses to start).
    public static let swift: BLAS =
        (try? builtIn(kernelNamed: ProcessInfo.processInfo.environment["RLTRAIN_GEMM_KERNEL"]))
        ?? BLAS(builtIn: .best)

    /// OpenBLAS from the system library path: "libopenblas.so.0", then
    /// "libopenblas.so". Loaded once per process; the first load sets
    /// OpenBLAS's thread count to 1.
    public static func openBLAS() throws(BLASError) -> BLAS {
        let library = try OpenBLASLibrary.system.get()
        return BLAS(backend: .openblas, version: library.version, kernel: nil, openBLASLibrary: library)
    }

    /// OpenBLAS from an explicit file name or path (passed to dlopen). Sets
    /// OpenBLAS's thread count to 1.
    public static func openBLAS(path: String) throws(BLASError) -> BLAS {
        let library = try OpenBLASLibrary.load(candidates: [path])
        return BLAS(backend: .openblas, version: library.version, kernel: nil, openBLASLibrary: library)
    }

    /// Resolves the backend named by `request` (normally `RLTRAIN_BLAS`):
    /// nil or empty means OpenBLAS when it loads, else built-in; "openblas"
    /// throws when OpenBLAS cannot be loaded (no silent fallback); any other
    /// name throws `unknownBackend`. `kernel` (normally `RLTRAIN_GEMM_KERNEL`)
    /// picks the built-in GEMM's kernel, as in `builtIn(kernelNamed:)`; an
    /// unknown kernel name throws whichever backend is chosen, a kernel this
    /// CPU cannot run only when the built-in GEMM is.
    public static func resolve(
        _ request: String?, kernel: String? = ProcessInfo.processInfo.environment["RLTRAIN_GEMM_KERNEL"]
    ) throws(BLASError) -> BLAS {
        if let name = kernel?.trimmingCharacters(in: .whitespaces).lowercased(), !name.isEmpty,
            Kernel(rawValue: name) == nil
        {
            throw BLASError.unknownKernel(name)
        }
        switch request?.trimmingCharacters(in: .whitespaces).lowercased() {
        case nil, "":
            if let blas = try? openBLAS() { return blas }
            return try builtIn(kernelNamed: kernel)
        case "openblas": return try openBLAS()
        case "swift": return try builtIn(kernelNamed: kernel)
        case let other?: throw BLASError.unknownBackend(other)
        }
    }

    /// The process-wide backend, resolved once from `RLTRAIN_BLAS` and
    /// `RLTRAIN_GEMM_KERNEL`. If the request cannot be honoured this falls
    /// back to the built-in GEMM; the CLI calls `resolve` first and refuses to
    /// start instead.
    public static let shared: BLAS =
        (try? resolve(ProcessInfo.processInfo.environment["RLTRAIN_BLAS"])) ?? .swift
}

public enum BLASError: Error, CustomStringConvertible, Equatable {
    case openBLASUnavailable(String)
    case unknownBackend(String)
    case unknownKernel(String)
    case kernelUnavailable(String)

    public var description: String {
        switch self {
        case .openBLASUnavailable(let why): "OpenBLAS was requested but could not be loaded: \(why)"
        case .unknownBackend(let name): "RLTRAIN_BLAS=\(name) is not a backend; use openblas or swift"
        case .unknownKernel(let name):
            "RLTRAIN_GEMM_KERNEL=\(name) is not a GEMM kernel; use \(BLAS.Kernel.allCases.map(\.rawValue).joined(separator: ", "))"
        case .kernelUnavailable(let name):
            "the \(name) GEMM kernel does not run on this CPU; it runs \(BLAS.Kernel.available.map(\.rawValue).joined(separator: ", "))"
        }
    }
}
