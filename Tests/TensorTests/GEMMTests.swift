import Foundation
import XCTest

@testable import Tensor

/// A deterministic generator for test data (no dependency on RL's RNG).
struct TestRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 &+ 1 }
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        var z = state
        z = (z ^ (z >> 33)) &* 0xFF51_AFD7_ED55_8CCD
        return z ^ (z >> 33)
    }
    /// Uniform in [-1, 1).
    mutating func float() -> Float { Float(next() >> 40) / Float(1 << 23) - 1 }
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }
}

/// One GEMM problem with padded (strided) storage. Padding is filled with NaN
/// so that a kernel reading outside the logical matrices produces NaN.
struct GEMMCase: CustomStringConvertible {
    var transposeA: Bool, transposeB: Bool
    var m: Int, n: Int, k: Int
    var alpha: Float, beta: Float
    var lda: Int, ldb: Int, ldc: Int
    var a: [Float], b: [Float], c: [Float]

    var description: String {
        "m=\(m) n=\(n) k=\(k) transA=\(transposeA) transB=\(transposeB) α=\(alpha) β=\(beta) lda=\(lda) ldb=\(ldb) ldc=\(ldc)"
    }

    init(
        m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool, alpha: Float, beta: Float,
        padding: Int, random: inout TestRandom
    ) {
        self.m = m; self.n = n; self.k = k
        self.transposeA = transposeA; self.transposeB = transposeB
        self.alpha = alpha; self.beta = beta
        let (aRows, aCols) = transposeA ? (k, m) : (m, k)
        let (bRows, bCols) = transposeB ? (n, k) : (k, n)
        lda = aCols + padding
        ldb = bCols + (padding == 0 ? 0 : padding + 2)
        ldc = n + (padding == 0 ? 0 : padding + 1)
        func matrix(_ rows: Int, _ cols: Int, _ ld: Int, _ random: inout TestRandom) -> [Float] {
            var x = [Float](repeating: .nan, count: Swift.max(rows * ld, 1))
            for r in 0..<rows { for c in 0..<cols { x[r * ld + c] = random.float() } }
            return x
        }
        a = matrix(aRows, aCols, lda, &random)
        b = matrix(bRows, bCols, ldb, &random)
        c = matrix(m, n, ldc, &random)
        if beta == 0 {
            // β == 0 must ignore C's old content, NaN included.
            for i in 0..<m { for j in 0..<n { c[i * ldc + j] = .nan } }
        }
    }

    func opA(_ i: Int, _ p: Int) -> Double { Double(transposeA ? a[p * lda + i] : a[i * lda + p]) }
    func opB(_ p: Int, _ j: Int) -> Double { Double(transposeB ? b[j * ldb + p] : b[p * ldb + j]) }

    /// Runs `blas` and checks every element against a Float64 reference, to
    /// 1e-5 of Σ|α·a·b| + |β·c| for that element (the scale of a correct
    /// Float32 result's rounding error); a kernel that drops or repeats a
    /// single term of the k sum misses this by orders of magnitude. Also
    /// checks that C's padding is untouched.
    func check(_ blas: BLAS, file: StaticString = #filePath, line: UInt = #line) {
        var out = c
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                out.withUnsafeMutableBufferPointer { pc in
                    blas.gemm(
                        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                        alpha: alpha, a: pa.baseAddress!, lda: lda, b: pb.baseAddress!, ldb: ldb,
                        beta: beta, c: pc.baseAddress!, ldc: ldc)
                }
            }
        }
        var failures = 0
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0, scale = 0.0
                for p in 0..<k {
                    let term = opA(i, p) * opB(p, j)
                    sum += term
                    scale += abs(term)
                }
                var expected = Double(alpha) * sum
                scale *= Double(abs(alpha))
                if beta != 0 {
                    expected += Double(beta) * Double(c[i * ldc + j])
                    scale += abs(Double(beta) * Double(c[i * ldc + j]))
                }
                let got = Double(out[i * ldc + j])
                if !(abs(got - expected) <= 1e-5 * scale + 1e-30) {
                    failures += 1
                    if failures <= 3 {
                        XCTFail(
                            "\(blas.backend) \(self): C[\(i),\(j)] = \(got), expected \(expected) (scale \(scale))",
                            file: file, line: line)
                    }
                }
            }
            for j in n..<ldc where !out[i * ldc + j].isNaN {
                XCTFail("\(blas.backend) \(self): wrote C's padding at [\(i),\(j)]", file: file, line: line)
                return
            }
        }
    }
}

/// OpenBLAS, or a skip when it cannot be loaded, unless RLTRAIN_BLAS=openblas
/// asks for it explicitly, in which case failing to load is a test failure.
func openBLASOrSkip() throws -> BLAS {
    do {
        return try BLAS.openBLAS()
    } catch {
        if ProcessInfo.processInfo.environment["RLTRAIN_BLAS"]?.lowercased() == "openblas" {
            XCTFail("RLTRAIN_BLAS=openblas but OpenBLAS did not load: \(error)")
            throw error
        }
        throw XCTSkip("OpenBLAS not available: \(error)")
    }
}

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

    /// Random shapes around the Swift kernel's block edges (12-row panels,
    /// 4-column panels, 128-deep k-slices, direct-B path for m ≤ 24), every
    /// β, and contiguous as well as padded strides.
    func checkRandomShapes(_ blas: BLAS, count: Int) {
        var random = TestRandom(seed: 2)
        for index in 0..<count {
            GEMMCase(
                m: random.int(1...40), n: random.int(1...21), k: random.int(1...300),
                transposeA: random.next() % 2 == 0, transposeB: random.next() % 2 == 0,
                alpha: [0.5, 2, -1][index % 3], beta: Self.betas[(index / 3) % 3],
                padding: index % 2 == 0 ? 0 : random.int(1...7), random: &random
            ).check(blas)
        }
    }

    func testSwiftMatchesReferenceOnAllShapes() {
        checkAllShapes(.swift)
    }

    func testSwiftMatchesReferenceOnRandomShapes() {
        checkRandomShapes(.swift, count: 60)
    }

    func testOpenBLASMatchesReferenceOnAllShapes() throws {
        checkAllShapes(try openBLASOrSkip())
    }

    func testOpenBLASMatchesReferenceOnRandomShapes() throws {
        checkRandomShapes(try openBLASOrSkip(), count: 60)
    }

    /// A shape wider than one Swift column block (ncMax) and the PPO
    /// inference shape, on both backends.
    func testWideAndInferenceShapes() throws {
        var random = TestRandom(seed: 3)
        var backends = [BLAS.swift]
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

    /// Rollout workers call GEMM from several threads at once: each call must
    /// be independent (the Swift kernel packs into its own stack buffers;
    /// OpenBLAS on one thread is reentrant).
    func testConcurrentCalls() throws {
        var backends = [BLAS.swift]
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

    /// k == 0 and α == 0 reduce to C ← β·C; β == 0 then writes zeros over NaN.
    func testDegenerateSizes() throws {
        var backends = [BLAS.swift]
        if let openBLAS = try? openBLASOrSkip() { backends.append(openBLAS) }
        for blas in backends {
            let a: [Float] = [1, 2, 3, 4]
            var c: [Float] = [.nan, .nan, 2, 4]
            blas.gemm(
                transposeA: false, transposeB: false, m: 2, n: 2, k: 0, alpha: 1, a: a, lda: 1, b: a, ldb: 2,
                beta: 0, c: &c, ldc: 2)
            XCTAssertEqual(c, [0, 0, 0, 0], "\(blas.backend)")
            c = [1, 2, 3, 4]
            blas.gemm(
                transposeA: false, transposeB: false, m: 2, n: 2, k: 2, alpha: 0, a: a, lda: 2, b: a, ldb: 2,
                beta: 0.5, c: &c, ldc: 2)
            XCTAssertEqual(c, [0.5, 1, 1.5, 2], "\(blas.backend)")
            // m == 0 and n == 0 touch nothing.
            blas.gemm(
                transposeA: false, transposeB: false, m: 0, n: 2, k: 2, alpha: 1, a: a, lda: 2, b: a, ldb: 2,
                beta: 0, c: &c, ldc: 2)
            XCTAssertEqual(c, [0.5, 1, 1.5, 2], "\(blas.backend)")
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

    /// Loading OpenBLAS (explicitly, from its path) leaves it on one thread.
    func testOpenBLASDefaultsToOneThread() throws {
        _ = try openBLASOrSkip()
        let blas = try BLAS.openBLAS(path: "libopenblas.so.0")
        XCTAssertEqual(blas.threadCount, 1)
    }
}
