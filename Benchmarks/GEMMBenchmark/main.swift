// GEMM throughput of the Tensor backends at the shapes PPO uses: OpenBLAS,
// the built-in GEMM with the fastest kernel this CPU runs ("builtin"), and the
// built-in GEMM's other kernels ("builtin-avx2", "builtin-portable").
//
//   swift run -c release gemm-benchmark            # markdown table
//   swift run -c release gemm-benchmark --tsv      # shape<TAB>backend<TAB>GFLOP/s (for Benchmarks/gemm.sh)
//   swift run -c release gemm-benchmark --quick    # fewer repetitions
//   swift run -c release gemm-benchmark --only builtin --shape 8x507   # filter (for profiling)
//
// Each figure is the median over several timed samples; a sample repeats the
// call enough times to last about 20 ms. OpenBLAS runs on 1 thread (its
// default after loading) and, as an extra column, on 2 threads.
import Foundation
import Tensor

struct Shape {
    let name: String
    let m: Int, k: Int, n: Int
    let transposeA: Bool
    var transposeB = false
    var flops: Double { 2 * Double(m) * Double(n) * Double(k) }
}

// PPO's layers: 507 inputs (arithmetic observations), 64 hidden, 4 actions;
// minibatches of 1024, rollout inference on 8 environments. (A^T) is a weight
// gradient xᵀ·dy, (B^T) an input gradient dy·Wᵀ.
let shapes = [
    Shape(name: "1024x507*507x64", m: 1024, k: 507, n: 64, transposeA: false),
    Shape(name: "1024x64*64x64", m: 1024, k: 64, n: 64, transposeA: false),
    Shape(name: "64x1024*1024x64 (A^T)", m: 64, k: 1024, n: 64, transposeA: true),
    Shape(name: "507x1024*1024x64 (A^T)", m: 507, k: 1024, n: 64, transposeA: true),
    Shape(name: "1024x64*64x64 (B^T)", m: 1024, k: 64, n: 64, transposeA: false, transposeB: true),
    Shape(name: "8x507*507x64", m: 8, k: 507, n: 64, transposeA: false),
    Shape(name: "256x192*192x64", m: 256, k: 192, n: 64, transposeA: false),
    Shape(name: "256x64*64x4", m: 256, k: 64, n: 4, transposeA: false),
    Shape(name: "1024x1024*1024x1024", m: 1024, k: 1024, n: 1024, transposeA: false),
    // The standard gridworld config's minibatch of 256 through the 64×64
    // layer and the heads, once the first layer goes the sparse way.
    Shape(name: "256x64*64x64", m: 256, k: 64, n: 64, transposeA: false),
    Shape(name: "64x256*256x64 (A^T)", m: 64, k: 256, n: 64, transposeA: true),
    Shape(name: "256x64*64x64 (B^T)", m: 256, k: 64, n: 64, transposeA: false, transposeB: true),
    Shape(name: "64x256*256x4 (A^T)", m: 64, k: 256, n: 4, transposeA: true),
    Shape(name: "256x4*4x64 (B^T)", m: 256, k: 4, n: 64, transposeA: false, transposeB: true),
    Shape(name: "8x64*64x64", m: 8, k: 64, n: 64, transposeA: false),
]

let arguments = CommandLine.arguments.dropFirst()
let tsv = arguments.contains("--tsv")
let quick = arguments.contains("--quick")
func option(_ name: String) -> String? {
    guard let i = arguments.firstIndex(of: name), arguments.index(after: i) < arguments.endIndex else { return nil }
    return arguments[arguments.index(after: i)]
}
let onlyBackend = option("--only")
let onlyShape = option("--shape")
let samples = quick ? 5 : 11
let sampleSeconds = quick ? 0.01 : 0.02

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// Median GFLOP/s of `blas.gemm` at `shape`.
func measure(_ blas: BLAS, _ shape: Shape) -> Double {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func random() -> Float {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Float(Int64(bitPattern: state >> 11) % 2001 - 1000) / 1000
    }
    let a = (0..<(shape.m * shape.k)).map { _ in random() }
    let b = (0..<(shape.k * shape.n)).map { _ in random() }
    var c = [Float](repeating: 0, count: shape.m * shape.n)
    let lda = shape.transposeA ? shape.m : shape.k
    let ldb = shape.transposeB ? shape.k : shape.n
    func call() {
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    blas.gemm(
                        transposeA: shape.transposeA, transposeB: shape.transposeB, m: shape.m, n: shape.n,
                        k: shape.k, alpha: 1, a: a.baseAddress!, lda: lda, b: b.baseAddress!, ldb: ldb,
                        beta: 0, c: c.baseAddress!, ldc: shape.n)
                }
            }
        }
    }
    // Warm up and calibrate the number of calls per sample.
    call()
    var calls = 1
    while true {
        let start = now()
        for _ in 0..<calls { call() }
        let elapsed = now() - start
        if elapsed >= sampleSeconds { break }
        calls = Swift.max(calls * 2, Int(Double(calls) * sampleSeconds / Swift.max(elapsed, 1e-9)) + 1)
    }
    var rates: [Double] = []
    for _ in 0..<samples {
        let start = now()
        for _ in 0..<calls { call() }
        rates.append(shape.flops * Double(calls) / (now() - start) / 1e9)
    }
    rates.sort()
    return rates[rates.count / 2]
}

// Single-threaded backends first, interleaved shape by shape so that a change
// in the machine's load hits all of them alike; the 2-thread runs last: after
// a 2-thread call OpenBLAS's idle worker spins (sched_yield) for a while and
// would steal the second core from whatever is measured next.
var backends: [(label: String, blas: BLAS, threads: Int)] = []
var openBLAS: BLAS?
do {
    openBLAS = try BLAS.openBLAS()
    print("\(tsv ? "# " : "")OpenBLAS: \(openBLAS!.version)")
} catch {
    print("\(tsv ? "# " : "")OpenBLAS not available: \(error)")
}
if let openBLAS { backends.append(("openblas-1t", openBLAS, 1)) }
let best = BLAS.Kernel.best
for kernel in BLAS.Kernel.available.reversed() {
    guard let blas = try? BLAS.builtIn(kernel: kernel) else { continue }
    let label = kernel == best ? "builtin" : "builtin-\(kernel.rawValue)"
    backends.append((label, blas, 1))
    print("\(tsv ? "# " : "")\(label): \(blas.version)")
}
if let openBLAS { backends.append(("openblas-2t", openBLAS, 2)) }
if let onlyBackend { backends = backends.filter { $0.label == onlyBackend } }
let selectedShapes = shapes.filter { shape in onlyShape.map { shape.name.hasPrefix($0) } ?? true }

var rates = [[Double]](repeating: [Double](repeating: 0, count: backends.count), count: selectedShapes.count)
@MainActor func record(_ s: Int, _ b: Int) {
    rates[s][b] = measure(backends[b].blas, selectedShapes[s])
    if tsv { print("\(selectedShapes[s].name)\t\(backends[b].label)\t\(String(format: "%.2f", rates[s][b]))") }
}
let singleThreaded = backends.indices.filter { backends[$0].threads == 1 }
for s in selectedShapes.indices {
    for b in singleThreaded { record(s, b) }
}
for b in backends.indices where backends[b].threads > 1 {
    backends[b].blas.setThreadCount(backends[b].threads)
    for s in selectedShapes.indices { record(s, b) }
    backends[b].blas.setThreadCount(1)
}
if !tsv {
    print("")
    print("| shape (M×K·K×N) | " + backends.map { $0.label }.joined(separator: " | ") + " |")
    print("|---|" + backends.map { _ in "---:" }.joined(separator: "|") + "|")
    for (s, shape) in selectedShapes.enumerated() {
        print("| \(shape.name) | " + rates[s].map { String(format: "%.1f", $0) }.joined(separator: " | ") + " |")
    }
}
