import MPI

/// The checks, in the order every rank runs them (collectives must match).
final class SelfTestChecks {
    let communicator: Communicator
    let expectedSize: Int?
    var count = 0
    var failures: [String] = []

    init(communicator: Communicator, expectedSize: Int?) {
        self.communicator = communicator
        self.expectedSize = expectedSize
    }

    var rank: Int { communicator.rank }
    var size: Int { communicator.size }

    func expect(_ condition: Bool, _ what: @autoclosure () -> String) {
        count += 1
        if !condition { failures.append(what()) }
    }

    func run() throws(MPIError) {
        if let expectedSize { expect(size == expectedSize, "size is \(size), expected \(expectedSize)") }
        expect((0..<size).contains(rank), "rank \(rank) outside 0..<\(size)")
        expect(communicator.threadLevel >= .serialized, "thread level \(communicator.threadLevel) < serialized")
        expect(communicator.libraryVersion.contains("Open MPI"), "library version '\(communicator.libraryVersion)'")
        try communicator.barrier()
        try allreduces()
        try broadcasts()
        try gathers()
        try scatters()
        try communicator.barrier()
    }

    /// Sum over ranks of a per-rank term, in Int.
    func overRanks(_ term: (Int) -> Int) -> Int { (0..<size).reduce(0) { $0 + term($1) } }

    func allreduces() throws(MPIError) {
        // Small integers and halves: every partial sum is exact in Float.
        var floats = (0..<1000).map { Float($0 % 97) + Float(rank) * 0.5 }
        try communicator.allreduceSum(&floats)
        let floatsOK = floats.indices.allSatisfy {
            floats[$0] == Float(size * ($0 % 97)) + Float(overRanks { $0 }) * 0.5
        }
        expect(floatsOK, "Float sum of 1000 small values")

        // Gradient-sized random floats: on 2 ranks the sum is a0 + a1 (one
        // rounding, commutative), so it must match to the bit; on more ranks
        // the association is Open MPI's, so only closeness is checked. Every
        // rank must end with the same bits as rank 0 either way.
        let n = 300_000
        var gradient = randomFloats(count: n, seed: UInt64(rank + 1))
        try communicator.allreduceSum(&gradient)
        var reference = [Float](repeating: 0, count: n)
        for r in 0..<size {
            let other = randomFloats(count: n, seed: UInt64(r + 1))
            for i in 0..<n { reference[i] += other[i] }
        }
        if size <= 2 {
            expect(gradient.elementsEqual(reference) { $0.bitPattern == $1.bitPattern }, "300k Float sum differs from a0 + a1")
        } else {
            expect(zip(gradient, reference).allSatisfy { abs($0 - $1) <= 1e-5 * Float(size) }, "300k Float sum not within 1e-5")
        }
        var rootCopy = gradient
        try communicator.broadcast(&rootCopy, root: 0)
        expect(rootCopy.elementsEqual(gradient) { $0.bitPattern == $1.bitPattern }, "300k Float sum: bits differ from rank 0's")

        var doubles = (0..<500).map { Double($0) * 0.25 + Double(rank) * 1e6 }
        try communicator.allreduce(&doubles, .sum)
        expect(doubles.indices.allSatisfy { doubles[$0] == Double(size) * Double($0) * 0.25 + Double(overRanks { $0 }) * 1e6 },
               "Double sum")

        // Above 2^53: only a real 64-bit integer sum is exact.
        var int64s = (0..<100).map { Int64(1) << 55 + Int64(rank) * 3 + Int64($0) }
        try communicator.allreduceSum(&int64s)
        expect(int64s.indices.allSatisfy { int64s[$0] == Int64(size) << 55 + Int64(overRanks { $0 * 3 }) + Int64(size * $0) },
               "Int64 sum above 2^53")

        var int32Max = (0..<50).map { Int32(rank * 10 - $0) }
        var int32Min = int32Max
        try communicator.allreduceMax(&int32Max)
        try communicator.allreduceMin(&int32Min)
        expect(int32Max.indices.allSatisfy { int32Max[$0] == Int32((size - 1) * 10 - $0) }, "Int32 max")
        expect(int32Min.indices.allSatisfy { int32Min[$0] == Int32(-$0) }, "Int32 min")

        var floatMax = (0..<50).map { Float(rank) - Float($0) }
        try communicator.allreduceMax(&floatMax)
        expect(floatMax.indices.allSatisfy { floatMax[$0] == Float(size - 1 - $0) }, "Float max")

        let total = try communicator.allreduce(Int64(rank + 1), .sum)
        expect(total == Int64(size * (size + 1) / 2), "scalar Int64 sum \(total)")
        let largest = try communicator.allreduce(Double(rank) + 0.5, .max)
        expect(largest == Double(size) - 0.5, "scalar Double max \(largest)")

        // A buffer pointer into the middle of an array: only that range changes.
        var window = [Float](repeating: 1, count: 10)
        try window.withUnsafeMutableBufferPointer { (all) throws(MPIError) in
            try communicator.allreduce(UnsafeMutableBufferPointer(rebasing: all[3..<7]), .sum)
        }
        expect(window == [1, 1, 1] + [Float](repeating: Float(size), count: 4) + [1, 1, 1], "allreduce on a sub-buffer: \(window)")

        var empty: [Float] = []
        try communicator.allreduceSum(&empty)
        expect(empty.isEmpty, "empty allreduce")
    }

    func broadcasts() throws(MPIError) {
        let root = size - 1
        var weights = rank == root ? (0..<4096).map { Float($0) * 1.5 } : [Float](repeating: -1, count: 4096)
        try communicator.broadcast(&weights, root: root)
        expect(weights == (0..<4096).map { Float($0) * 1.5 }, "Float broadcast from rank \(root)")

        let state = blob(length: 100_001, salt: 99)
        var bytes: [UInt8] = rank == 0 ? state : [9, 9, 9]
        try communicator.broadcast(bytes: &bytes, root: 0)
        expect(bytes == state, "byte broadcast of 100001 bytes (got \(bytes.count))")

        var nothing: [UInt8] = rank == 0 ? [] : [1, 2]
        try communicator.broadcast(bytes: &nothing, root: 0)
        expect(nothing.isEmpty, "empty byte broadcast")

        do {
            try communicator.broadcast(bytes: &nothing, root: size)
            expect(false, "broadcast to root \(size) did not throw")
        } catch {
            expect(error == .invalidRoot(root: size, size: size), "broadcast to root \(size) threw \(error)")
        }
    }

    /// Rank r's blob; rank 1's is empty so that a zero-length part is covered.
    func rankBlob(_ r: Int) -> [UInt8] { blob(length: r == 1 ? 0 : 1000 * r + 7, salt: r) }

    func gathers() throws(MPIError) {
        for root in Set([0, size - 1]).sorted() {
            let gathered = try communicator.gatherBytes(rankBlob(rank), root: root)
            if rank == root {
                expect(gathered == (0..<size).map(rankBlob), "gatherBytes at rank \(root)")
            } else {
                expect(gathered == nil, "gatherBytes returned blobs on non-root rank")
            }
        }
    }

    func scatters() throws(MPIError) {
        let mine = try communicator.scatterBytes(rank == 0 ? (0..<size).map(rankBlob) : nil, root: 0)
        expect(mine == rankBlob(rank), "scatterBytes: got \(mine.count) bytes, expected \(rankBlob(rank).count)")

        // A wrong number of blobs at the root: every rank throws, none hangs.
        do {
            _ = try communicator.scatterBytes(rank == 0 ? [[1], [2], [3]] + (0..<size).map { _ in [] } : nil, root: 0)
            expect(false, "scatterBytes with \(size + 3) blobs did not throw")
        } catch {
            expect(error == .blobCountMismatch(blobs: size + 3, ranks: size), "scatterBytes mismatch threw \(error)")
        }
    }
}

/// Deterministic bytes, different for each salt.
func blob(length: Int, salt: Int) -> [UInt8] {
    (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ salt &* 7 &+ ($0 >> 8)) }
}

/// Uniform floats in [-1, 1) from SplitMix64, so every rank can regenerate
/// every other rank's input.
func randomFloats(count: Int, seed: UInt64) -> [Float] {
    var state = seed
    return (0..<count).map { _ in
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Float(z >> 40) / Float(1 << 23) - 1
    }
}
