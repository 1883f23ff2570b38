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
                            "\(blas.version) \(self): C[\(i),\(j)] = \(got), expected \(expected) (scale \(scale))",
                            file: file, line: line)
                    }
                }
            }
            for j in n..<ldc where !out[i * ldc + j].isNaN {
                XCTFail("\(blas.version) \(self): wrote C's padding at [\(i),\(j)]", file: file, line: line)
                return
            }
        }
    }
}

/// The built-in GEMM with every kernel this CPU runs: the portable Swift one
/// always, and the AVX2 and AVX-512 C kernels where the CPU has them, so that
/// one test run covers both sides of the run-time dispatch.
func builtInKernels() -> [BLAS] {
    BLAS.Kernel.available.compactMap { try? BLAS.builtIn(kernel: $0) }
}

/// The feature flags of /proc/cpuinfo (empty where there is none), to check
/// the C kernels' CPU detection against the kernel's own.
func cpuinfoFlags() -> Set<String> {
    guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
        let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
        let colon = line.firstIndex(of: ":")
    else { return [] }
    return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
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
