import Foundation

/// A GEMM backend: C ← α·op(A)·op(B) + β·C on row-major Float32 matrices.
///
/// Two backends exist: OpenBLAS's `cblas_sgemm`, loaded at run time with
/// dlopen so that building needs no BLAS at all, and a pure-Swift blocked
/// SIMD kernel. `BLAS.shared` is chosen once per process from `RLTRAIN_BLAS`
/// (`openblas`, `swift`, or unset for "OpenBLAS when it loads, else Swift").
public struct BLAS: Sendable {
    public enum Backend: String, Sendable, CaseIterable, Codable {
        case openblas, swift
    }

    public let backend: Backend
    /// Human-readable backend and version, e.g. "OpenBLAS 0.3.21 (libopenblas.so.0)".
    public let version: String

    // SKELETON: the GEMM helper replaces the storage below with the real
    // OpenBLAS function pointers and the blocked SIMD kernel.
    public func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        for i in 0..<m {
            for j in 0..<n {
                var sum: Float = 0
                for p in 0..<k {
                    let x = transposeA ? a[p * lda + i] : a[i * lda + p]
                    let y = transposeB ? b[j * ldb + p] : b[p * ldb + j]
                    sum += x * y
                }
                c[i * ldc + j] = alpha * sum + (beta == 0 ? 0 : beta * c[i * ldc + j])
            }
        }
    }

    /// Sets the number of threads OpenBLAS may use for one call (no-op for Swift).
    public func setThreadCount(_ count: Int) {}

    public static let swift = BLAS(backend: .swift, version: "pure Swift (naive placeholder)")

    public static func openBLAS() throws(BLASError) -> BLAS {
        throw BLASError.openBLASUnavailable("not implemented yet")
    }

    /// Resolves the backend named by `request` (normally `RLTRAIN_BLAS`).
    public static func resolve(_ request: String?) throws(BLASError) -> BLAS {
        switch request?.lowercased() {
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
        case .openBLASUnavailable(let why): "RLTRAIN_BLAS=openblas but OpenBLAS could not be loaded: \(why)"
        case .unknownBackend(let name): "RLTRAIN_BLAS=\(name) is not a backend; use openblas or swift"
        }
    }
}
