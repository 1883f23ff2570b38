import Foundation

/// A GEMM backend: C ← α·op(A)·op(B) + β·C on row-major Float32 matrices.
///
/// Two backends exist: OpenBLAS's `cblas_sgemm`, loaded at run time with
/// dlopen so that building needs no BLAS at all (BLAS+OpenBLAS.swift), and a
/// pure-Swift blocked SIMD kernel (BLAS+SwiftGEMM.swift). `BLAS.shared` is
/// chosen once per process from `RLTRAIN_BLAS` (`openblas`, `swift`, or unset
/// for "OpenBLAS when it loads, else Swift").
///
/// OpenBLAS threads: loading OpenBLAS sets its thread count to **1**, so that
/// GEMMs issued from rollout workers never oversubscribe the cores. Callers
/// that own the whole machine for a while (the PPO update phase) raise it with
/// `setThreadCount(_:)` and lower it again afterwards. The thread count is a
/// process-wide setting of the OpenBLAS library, not of this value.
public struct BLAS: Sendable {
    public enum Backend: String, Sendable, CaseIterable, Codable {
        case openblas, swift
    }

    public let backend: Backend
    /// Human-readable backend and version, e.g. "OpenBLAS 0.3.21 … (libopenblas.so.0)".
    public let version: String

    /// The loaded OpenBLAS entry points; nil for the Swift backend.
    let openBLASLibrary: OpenBLASLibrary?

    init(backend: Backend, version: String, openBLASLibrary: OpenBLASLibrary?) {
        self.backend = backend
        self.version = version
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
        } else {
            SwiftGEMM.gemm(
                transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        }
    }

    /// Sets the number of threads OpenBLAS may use for one call (no-op for
    /// Swift, which is single-threaded). Process-wide: it affects every
    /// `BLAS` value backed by the same library. Call it between phases, not
    /// while other threads are inside `gemm` (OpenBLAS resizes its thread
    /// pool here).
    public func setThreadCount(_ count: Int) {
        precondition(count >= 1, "setThreadCount: \(count) is not a thread count")
        openBLASLibrary?.setThreadCount(count)
    }

    /// The number of threads OpenBLAS currently uses (always 1 for Swift).
    public var threadCount: Int {
        openBLASLibrary?.threadCount ?? 1
    }

    /// The pure-Swift backend (always available).
    public static let swift = BLAS(
        backend: .swift, version: "pure Swift blocked SIMD GEMM (\(SwiftGEMM.mr)×\(SwiftGEMM.nr) micro-kernel)",
        openBLASLibrary: nil)

    /// OpenBLAS from the system library path: "libopenblas.so.0", then
    /// "libopenblas.so". Loaded once per process; the first load sets
    /// OpenBLAS's thread count to 1.
    public static func openBLAS() throws(BLASError) -> BLAS {
        let library = try OpenBLASLibrary.system.get()
        return BLAS(backend: .openblas, version: library.version, openBLASLibrary: library)
    }

    /// OpenBLAS from an explicit file name or path (passed to dlopen). Sets
    /// OpenBLAS's thread count to 1.
    public static func openBLAS(path: String) throws(BLASError) -> BLAS {
        let library = try OpenBLASLibrary.load(candidates: [path])
        return BLAS(backend: .openblas, version: library.version, openBLASLibrary: library)
    }

    /// Resolves the backend named by `request` (normally `RLTRAIN_BLAS`):
    /// nil or empty means OpenBLAS when it loads, else Swift; "openblas"
    /// throws when OpenBLAS cannot be loaded (no silent fallback); any other
    /// name throws `unknownBackend`.
    public static func resolve(_ request: String?) throws(BLASError) -> BLAS {
        switch request?.trimmingCharacters(in: .whitespaces).lowercased() {
        case nil, "": return (try? openBLAS()) ?? .swift
        case "openblas": return try openBLAS()
        case "swift": return .swift
        case let other?: throw BLASError.unknownBackend(other)
        }
    }

    /// The process-wide backend, resolved once from `RLTRAIN_BLAS`. If the
    /// request cannot be honoured this falls back to Swift; the CLI calls
    /// `resolve` first and refuses to start instead.
    public static let shared: BLAS =
        (try? resolve(ProcessInfo.processInfo.environment["RLTRAIN_BLAS"])) ?? .swift
}

public enum BLASError: Error, CustomStringConvertible, Equatable {
    case openBLASUnavailable(String)
    case unknownBackend(String)

    public var description: String {
        switch self {
        case .openBLASUnavailable(let why): "OpenBLAS was requested but could not be loaded: \(why)"
        case .unknownBackend(let name): "RLTRAIN_BLAS=\(name) is not a backend; use openblas or swift"
        }
    }
}
