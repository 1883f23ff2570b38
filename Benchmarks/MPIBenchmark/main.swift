// mpi-benchmark: median latency of an in-place Float allreduce (sum) for
// gradient-sized buffers, the one collective data-parallel PPO issues per
// minibatch. Sizes are interleaved within each round, and every call starts
// after a barrier so that the ranks enter together; the time is the call's
// own, on each rank, and the slowest rank's time per call is reported too.
// Usage: mpirun -np 2 mpi-benchmark [--counts 1,40000,300000] [--calls 500] [--warmup 20]
import Foundation
import MPI

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("mpi-benchmark: \(message)\n".utf8))
    exit(2)
}

var counts = [1, 40_000, 300_000]
var calls = 500
var warmup = 20
var arguments = Array(CommandLine.arguments.dropFirst())
while !arguments.isEmpty {
    let flag = arguments.removeFirst()
    guard let value = arguments.first else { fail("\(flag) needs a value") }
    arguments.removeFirst()
    switch flag {
    case "--counts":
        let parsed = value.split(separator: ",").map { Int($0) }
        guard !parsed.isEmpty, parsed.allSatisfy({ ($0 ?? 0) >= 1 }) else { fail("--counts wants positive integers, got \(value)") }
        counts = parsed.compactMap { $0 }
    case "--calls":
        guard let n = Int(value), n >= 1 else { fail("--calls wants a positive integer, got \(value)") }
        calls = n
    case "--warmup":
        guard let n = Int(value), n >= 0 else { fail("--warmup wants a non-negative integer, got \(value)") }
        warmup = n
    default: fail("unknown option \(flag); usage: mpirun -np 2 mpi-benchmark [--counts 1,40000,300000] [--calls 500] [--warmup 20]")
    }
}
guard MPIRuntime.launchedByMPI else { fail("not started by mpirun; run: mpirun -np 2 mpi-benchmark") }

let communicator: Communicator
do { communicator = try MPIRuntime.initialize() } catch { fail("\(error)") }

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
}

do {
    var buffers = counts.map { [Float](repeating: 1e-3, count: $0) }
    // seconds[c][call] on this rank.
    var seconds = counts.map { _ in [Double](repeating: 0, count: calls) }
    for call in -warmup..<calls {
        for c in counts.indices {
            try communicator.barrier()
            let start = DispatchTime.now().uptimeNanoseconds
            try communicator.allreduceSum(&buffers[c])
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
            if call >= 0 { seconds[c][call] = elapsed }
            // Keep the values bounded (sums would grow by ×size per call).
            if buffers[c][0] > 1 { buffers[c] = [Float](repeating: 1e-3, count: counts[c]) }
        }
    }
    if communicator.isRoot {
        print("mpi-benchmark: \(communicator.size) ranks, \(calls) calls per size after \(warmup) warm-up rounds, sizes interleaved")
        print("  \(communicator.libraryVersion.prefix(60))")
        print("  floats     bytes  median µs   p10 µs   p90 µs  slowest-rank median µs  GB/s (bytes/median)")
    }
    for c in counts.indices {
        var slowest = seconds[c]
        try communicator.allreduceMax(&slowest)
        guard communicator.isRoot else { continue }
        let mine = seconds[c].sorted()
        let median = percentile(mine, 0.5)
        let bytes = counts[c] * MemoryLayout<Float>.size
        print(String(
            format: "  %7d  %8d  %9.1f  %7.1f  %7.1f  %22.1f  %6.2f",
            counts[c], bytes, median * 1e6, percentile(mine, 0.1) * 1e6, percentile(mine, 0.9) * 1e6,
            percentile(slowest.sorted(), 0.5) * 1e6, Double(bytes) / median / 1e9))
    }
    try communicator.finalize()
} catch {
    FileHandle.standardError.write(Data("mpi-benchmark: rank \(communicator.rank): \(error)\n".utf8))
    communicator.abort(code: 1)
}
