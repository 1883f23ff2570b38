import Foundation
import XCTest

@testable import Tensor

/// The GEMM kernels against a Double reference: every shape, transpose and
/// stride, the kernels' edges and selection, guarded memory, concurrent calls.
final class GEMMTests: XCTestCase {
    static let sizes = [1, 3, 17, 129]
    static let betas: [Float] = [0, 1, 0.5]

    /// All (m, n, k) ∈ sizes³ with all four transpose combinations; β cycles
    /// through 0, 1, 0.5 and the strides are padded.
    func checkAllShapes(_ blas: BLAS) {
        var random = TestRandom(seed: 1)
        var index = 0
        for m in Self.sizes {
            for n in Self.sizes {
                for k in Self.sizes {
                    for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
                        let beta = Self.betas[index % 3]
                        index += 1
                        GEMMCase(
                            m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB, alpha: -1.25,
                            beta: beta, padding: 1 + index % 5, random: &random
                        ).check(blas)
                    }
                }
            }
        }
    }

    /// Random shapes around the kernels' block edges (Swift: 12-row panels,
    /// 4-column panels, 128-deep k-slices, direct-B path for m ≤ 24; C: 6- or
    /// 12-row panels, 16- or 32-column panels with a half-width last panel,
    /// 384-deep k-slices, direct-B path for m ≤ 12 or 24), every β, and
    /// contiguous as well as padded strides.
    func checkRandomShapes(
        _ blas: BLAS, count: Int, m: ClosedRange<Int> = 1...40, n: ClosedRange<Int> = 1...21,
        k: ClosedRange<Int> = 1...300
    ) {
        var random = TestRandom(seed: 2)
        for index in 0..<count {
            GEMMCase(
                m: random.int(m), n: random.int(n), k: random.int(k),
                transposeA: random.next() % 2 == 0, transposeB: random.next() % 2 == 0,
                alpha: [0.5, 2, -1][index % 3], beta: Self.betas[(index / 3) % 3],
                padding: index % 2 == 0 ? 0 : random.int(1...7), random: &random
            ).check(blas)
        }
    }

    func testBuiltInMatchesReferenceOnAllShapes() {
        for blas in builtInKernels() { checkAllShapes(blas) }
    }

    func testBuiltInMatchesReferenceOnRandomShapes() {
        for blas in builtInKernels() {
            checkRandomShapes(blas, count: 60)
            checkRandomShapes(blas, count: 30, m: 1...60, n: 1...80, k: 300...900)
        }
    }

    /// Each transpose combination at the sizes where the C kernels change
    /// path: one row or column either side of a panel edge (6/12 rows,
    /// 8/16/32 columns), of the direct-B limit (12/24 rows), of a k-slice
    /// (384) and of a column block (512), narrow products (n ≤ 4), and
    /// PPO's own shapes.
    func testBuiltInKernelEdges() {
        let shapes: [(m: Int, n: Int, k: Int)] = [
            (11, 31, 7), (12, 32, 384), (13, 33, 385), (23, 15, 2), (24, 16, 769), (25, 17, 5),
            (6, 8, 9), (7, 9, 383), (5, 7, 1), (49, 64, 100), (8, 64, 507), (30, 513, 3), (2, 1100, 40),
            (64, 64, 1024), (100, 4, 64), (1, 1, 1000),
            // At most 4 columns: the AVX-512 kernel's narrow path (k in 16-wide steps, rows in 4s).
            (13, 4, 70), (5, 1, 17), (3, 3, 1000), (4, 2, 16), (1, 4, 15), (7, 4, 33),
        ]
        var random = TestRandom(seed: 5)
        for blas in builtInKernels() {
            for (index, shape) in shapes.enumerated() {
                for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
                    GEMMCase(
                        m: shape.m, n: shape.n, k: shape.k, transposeA: transposeA, transposeB: transposeB,
                        alpha: [1, -0.75, 3][index % 3], beta: Self.betas[(index / 3) % 3],
                        padding: index % 2 == 0 ? 0 : 3, random: &random
                    ).check(blas)
                }
            }
        }
    }

    /// The kernels the C side reports match what /proc/cpuinfo says this CPU
    /// has (so a test run on an AVX-512 machine really exercises the C
    /// kernels), each named kernel is honoured, and the ones this CPU lacks
    /// are refused.
    func testKernelSelection() throws {
        XCTAssertEqual(BLAS.Kernel.available.first, .portable)
        XCTAssertEqual(BLAS.Kernel.best, BLAS.Kernel.available.last)
        #if arch(x86_64) && os(Linux)
        let flags = cpuinfoFlags()
        XCTAssertEqual(BLAS.Kernel.avx512.isSupported, flags.contains("avx512f"), "\(flags.sorted())")
        XCTAssertEqual(BLAS.Kernel.avx2.isSupported, flags.contains("avx2") && flags.contains("fma"))
        #elseif arch(arm64)
        XCTAssertEqual(BLAS.Kernel.available, [.portable])
        #endif
        for kernel in BLAS.Kernel.allCases {
            if kernel.isSupported {
                let blas = try BLAS.builtIn(kernel: kernel)
                XCTAssertEqual(blas.kernel, kernel)
                XCTAssertEqual(blas.backend, .swift)
                XCTAssertEqual(try BLAS.resolve("swift", kernel: kernel.rawValue.uppercased()).kernel, kernel)
            } else {
                XCTAssertThrowsError(try BLAS.builtIn(kernel: kernel)) { error in
                    XCTAssertEqual(error as? BLASError, .kernelUnavailable(kernel.rawValue))
                }
            }
        }
        XCTAssertTrue(try BLAS.builtIn(kernel: .portable).version.contains("portable"))
        if BLAS.Kernel.avx512.isSupported {
            XCTAssertTrue(try BLAS.builtIn(kernel: .avx512).version.contains("AVX-512"))
        }
        XCTAssertEqual(try BLAS.resolve("swift", kernel: nil).kernel, BLAS.Kernel.best)
        XCTAssertEqual(try BLAS.resolve("swift", kernel: "").kernel, BLAS.Kernel.best)
        XCTAssertThrowsError(try BLAS.resolve("swift", kernel: "sse9")) { error in
            XCTAssertEqual(error as? BLASError, .unknownKernel("sse9"))
        }
        // A misspelt kernel is bad input whichever backend would run.
        XCTAssertThrowsError(try BLAS.resolve(nil, kernel: "avx-512"))
        XCTAssertNil((try? BLAS.openBLAS())?.kernel)
    }

    /// CI runs the suite with RLTRAIN_GEMM_KERNEL unset and set: `BLAS.swift`
    /// must run the kernel asked for, else the fastest one.
    func testSharedKernelMatchesEnvironment() {
        let request = ProcessInfo.processInfo.environment["RLTRAIN_GEMM_KERNEL"] ?? ""
        let expected = BLAS.Kernel(rawValue: request.lowercased()).flatMap { $0.isSupported ? $0 : nil }
        XCTAssertEqual(BLAS.swift.kernel, expected ?? BLAS.Kernel.best)
    }

    func testOpenBLASMatchesReferenceOnAllShapes() throws {
        checkAllShapes(try openBLASOrSkip())
    }

    func testOpenBLASMatchesReferenceOnRandomShapes() throws {
        checkRandomShapes(try openBLASOrSkip(), count: 60)
    }

    /// A shape wider than one Swift column block (ncMax) and the PPO
    /// inference shape, on every backend and kernel.
    func testWideAndInferenceShapes() throws {
        var random = TestRandom(seed: 3)
        var backends = builtInKernels()
        if let openBLAS = try? openBLASOrSkip() { backends.append(openBLAS) }
        for blas in backends {
            GEMMCase(
                m: 5, n: BLAS.SwiftGEMM.ncMax + 7, k: 3, transposeA: false, transposeB: true, alpha: 1, beta: 0.5,
                padding: 2, random: &random
            ).check(blas)
            GEMMCase(
                m: 8, n: 64, k: 507, transposeA: false, transposeB: false, alpha: 1, beta: 0, padding: 0,
                random: &random
            ).check(blas)
        }
    }

    /// No kernel reads or writes past the end of A, B or C (vector loads,
    /// masked edges, the narrow path's rows in fours): each matrix is copied
    /// to the very end of a mapping whose next page is inaccessible, so an
    /// overrun crashes the test instead of reading a neighbour's memory.
    func testNoAccessPastTheMatrices() throws {
        #if canImport(Glibc)
        var random = TestRandom(seed: 6)
        let reference = try BLAS.builtIn(kernel: .portable)
        for blas in builtInKernels() {
            for (m, n, k) in [(1, 1, 1), (5, 3, 15), (13, 4, 17), (3, 33, 385), (25, 17, 40), (7, 64, 33)] {
                for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
                    let problem = GEMMCase(
                        m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB, alpha: 1, beta: 0.5,
                        padding: 0, random: &random)
                    var expected = problem.c
                    problem.a.withUnsafeBufferPointer { a in
                        problem.b.withUnsafeBufferPointer { b in
                            reference.gemm(
                                transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 1,
                                a: a.baseAddress!, lda: problem.lda, b: b.baseAddress!, ldb: problem.ldb,
                                beta: 0.5, c: &expected, ldc: problem.ldc)
                        }
                    }
                    let got = try withGuarded(problem.a) { a in
                        try withGuarded(problem.b) { b in
                            try withGuarded(problem.c) { c in
                                blas.gemm(
                                    transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 1,
                                    a: a, lda: problem.lda, b: b, ldb: problem.ldb, beta: 0.5, c: c,
                                    ldc: problem.ldc)
                                return Array(UnsafeBufferPointer(start: c, count: problem.c.count))
                            }
                        }
                    }
                    for (x, y) in zip(got, expected) {
                        XCTAssertEqual(x, y, accuracy: 1e-4 * Float(k), "\(blas.version) \(problem)")
                    }
                }
            }
        }
        #else
        throw XCTSkip("needs mmap/mprotect from Glibc")
        #endif
    }

    #if canImport(Glibc)
    /// Runs `body` on a copy of `values` that ends exactly where an
    /// inaccessible page begins.
    func withGuarded<R>(_ values: [Float], _ body: (UnsafeMutablePointer<Float>) throws -> R) throws -> R {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let bytes = values.count * MemoryLayout<Float>.stride
        let dataPages = (bytes + page - 1) / page
        guard let base = mmap(nil, (dataPages + 1) * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
            base != MAP_FAILED
        else { throw XCTSkip("mmap failed") }
        defer { munmap(base, (dataPages + 1) * page) }
        XCTAssertEqual(mprotect(base + dataPages * page, page, PROT_NONE), 0)
        let start = (base + dataPages * page - bytes).bindMemory(to: Float.self, capacity: values.count)
        start.update(from: values, count: values.count)
        return try body(start)
    }
    #endif

    /// Rollout workers call GEMM from several threads at once: each call must
    /// be independent (the built-in kernels pack into per-thread buffers;
    /// OpenBLAS on one thread is reentrant).
    func testConcurrentCalls() throws {
        var backends = builtInKernels()
        if let openBLAS = try? openBLASOrSkip() { backends.append(openBLAS) }
        for blas in backends {
            var random = TestRandom(seed: 4)
            let cases = (0..<8).map { i in
                GEMMCase(
                    m: 8 + 9 * i, n: 64, k: 70 + i, transposeA: i % 2 == 1, transposeB: i % 3 == 1, alpha: 1,
                    beta: 0, padding: 0, random: &random)
            }
            DispatchQueue.concurrentPerform(iterations: cases.count) { i in
                for _ in 0..<3 { cases[i].check(blas) }
            }
        }
    }
}
