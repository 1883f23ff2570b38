import Foundation
import XCTest

@testable import Tensor

/// The GEMM backends themselves: degenerate sizes, resolving a backend by
/// name, OpenBLAS's loading, version, core type and threads.
final class GEMMBackendTests: XCTestCase {
    /// k == 0 and α == 0 reduce to C ← β·C; β == 0 then writes zeros over NaN.
    func testDegenerateSizes() throws {
        var backends = builtInKernels()
        if let openBLAS = try? openBLASOrSkip() { backends.append(openBLAS) }
        for blas in backends {
            let a: [Float] = [1, 2, 3, 4]
            var c: [Float] = [.nan, .nan, 2, 4]
            blas.gemm(
                transposeA: false, transposeB: false, m: 2, n: 2, k: 0, alpha: 1, a: a, lda: 1, b: a, ldb: 2,
                beta: 0, c: &c, ldc: 2)
            XCTAssertEqual(c, [0, 0, 0, 0], "\(blas.version)")
            c = [1, 2, 3, 4]
            blas.gemm(
                transposeA: false, transposeB: false, m: 2, n: 2, k: 2, alpha: 0, a: a, lda: 2, b: a, ldb: 2,
                beta: 0.5, c: &c, ldc: 2)
            XCTAssertEqual(c, [0.5, 1, 1.5, 2], "\(blas.version)")
            // m == 0 and n == 0 touch nothing.
            blas.gemm(
                transposeA: false, transposeB: false, m: 0, n: 2, k: 2, alpha: 1, a: a, lda: 2, b: a, ldb: 2,
                beta: 0, c: &c, ldc: 2)
            XCTAssertEqual(c, [0.5, 1, 1.5, 2], "\(blas.version)")
        }
    }

    func testResolve() throws {
        XCTAssertEqual(try BLAS.resolve("swift").backend, .swift)
        XCTAssertEqual(try BLAS.resolve("Swift").backend, .swift)
        XCTAssertThrowsError(try BLAS.resolve("mkl")) { error in
            XCTAssertEqual(error as? BLASError, .unknownBackend("mkl"))
        }
        let loadable = (try? BLAS.openBLAS()) != nil
        XCTAssertEqual(try BLAS.resolve(nil).backend, loadable ? .openblas : .swift)
        XCTAssertEqual(try BLAS.resolve("").backend, loadable ? .openblas : .swift)
        if loadable {
            XCTAssertEqual(try BLAS.resolve("openblas").backend, .openblas)
        } else {
            XCTAssertThrowsError(try BLAS.resolve("openblas")) { error in
                guard case .openBLASUnavailable? = error as? BLASError else {
                    return XCTFail("unexpected error \(error)")
                }
            }
        }
    }

    func testMissingLibraryThrows() {
        XCTAssertThrowsError(try BLAS.openBLAS(path: "/nonexistent/libopenblas.so.0")) { error in
            guard case .openBLASUnavailable(let why)? = error as? BLASError else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssertTrue(why.contains("/nonexistent/libopenblas.so.0"), why)
        }
    }

    /// CI runs the suite with RLTRAIN_BLAS=openblas and with RLTRAIN_BLAS=swift;
    /// the shared backend must be the one asked for.
    func testSharedBackendMatchesEnvironment() throws {
        guard let request = ProcessInfo.processInfo.environment["RLTRAIN_BLAS"], !request.isEmpty else {
            let expected: BLAS.Backend = (try? BLAS.openBLAS()) != nil ? .openblas : .swift
            XCTAssertEqual(BLAS.shared.backend, expected)
            return
        }
        XCTAssertEqual(BLAS.shared.backend.rawValue, request.lowercased())
    }

    func testOpenBLASVersionAndThreads() throws {
        let blas = try openBLASOrSkip()
        XCTAssertTrue(blas.version.contains("OpenBLAS"), blas.version)
        XCTAssertTrue(blas.version.contains("libopenblas"), blas.version)
        let before = blas.threadCount
        blas.setThreadCount(2)
        XCTAssertEqual(blas.threadCount, 2)
        blas.setThreadCount(1)
        XCTAssertEqual(blas.threadCount, 1)
        blas.setThreadCount(before)
        XCTAssertEqual(BLAS.swift.threadCount, 1)
    }

    /// Unless the user chose one, loading OpenBLAS first sets
    /// OPENBLAS_CORETYPE from the CPU's features, and OpenBLAS then runs that
    /// core's kernels (its configuration string names the core).
    func testOpenBLASCoreType() throws {
        let blas = try openBLASOrSkip()
        guard let core = BLAS.OpenBLASLibrary.chosenCoreType else {
            // Either the user set it, or there is nothing to choose (no AVX, not x86).
            let userSet = getenv("OPENBLAS_CORETYPE") != nil
            XCTAssertTrue(userSet || BLAS.OpenBLASLibrary.coreTypeForThisCPU == nil)
            return
        }
        XCTAssertEqual(getenv("OPENBLAS_CORETYPE").map { String(cString: $0) }, core)
        XCTAssertTrue(blas.version.lowercased().contains(" \(core.lowercased()) "), blas.version)
        XCTAssertFalse(blas.version.contains("Prescott"), blas.version)
        #if arch(x86_64) && os(Linux)
        let flags = cpuinfoFlags()
        if flags.contains("avx512_bf16") {
            XCTAssertEqual(core, "Cooperlake")
        } else if flags.isSuperset(of: ["avx512f", "avx512vl", "avx512bw", "avx512dq", "avx512cd"]) {
            XCTAssertEqual(core, "SkylakeX")
        } else if flags.isSuperset(of: ["avx2", "fma"]) {
            XCTAssertEqual(core, "Haswell")
        }
        #endif
    }

    /// Loading OpenBLAS (explicitly, from its path) leaves it on one thread.
    func testOpenBLASDefaultsToOneThread() throws {
        _ = try openBLASOrSkip()
        let blas = try BLAS.openBLAS(path: "libopenblas.so.0")
        XCTAssertEqual(blas.threadCount, 1)
    }
}
