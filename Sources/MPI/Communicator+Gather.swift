extension Communicator {
    /// Collects one byte blob of any length from every rank at `root` (e.g.
    /// each rank's environment state, for a checkpoint rank 0 writes). Returns
    /// the blobs in rank order on `root` and nil elsewhere.
    ///
    /// The lengths go to every rank first (MPI_Allgather), so all ranks agree
    /// on whether the total fits MPI's 32-bit displacements and throw
    /// together if not; then the bytes go to the root (MPI_Gatherv).
    public func gatherBytes(_ blob: [UInt8], root: Int = 0) throws(MPIError) -> [[UInt8]]? {
        try ensureActive()
        let mpiRoot = try mpiRoot(root)
        var lengths = [Int64](repeating: 0, count: size)
        var length = Int64(blob.count)
        let lengthsCode = lengths.withUnsafeMutableBufferPointer {
            library.allgather(&length, 1, library.int64, $0.baseAddress, 1, library.int64, world)
        }
        try check("MPI_Allgather", lengthsCode)
        let layout = try Layout(lengths: lengths, operation: "gatherBytes")
        let sendCount = layout.counts[rank]
        guard rank == root else {
            let code = blob.withUnsafeBytes {
                library.gatherv($0.baseAddress, sendCount, library.byte, nil, nil, nil, library.byte, mpiRoot, world)
            }
            try check("MPI_Gatherv", code)
            return nil
        }
        // One spare byte so that the receive buffer is never empty (a nil base).
        var received = [UInt8](repeating: 0, count: layout.total + 1)
        let code = blob.withUnsafeBytes { send in
            received.withUnsafeMutableBytes { receive in
                library.gatherv(
                    send.baseAddress, sendCount, library.byte, receive.baseAddress, layout.counts,
                    layout.displacements, library.byte, mpiRoot, world)
            }
        }
        try check("MPI_Gatherv", code)
        return (0..<size).map { r in
            let start = Int(layout.displacements[r])
            return Array(received[start..<start + Int(layout.counts[r])])
        }
    }

    /// The reverse of `gatherBytes`: `root` passes one blob per rank (in rank
    /// order; other ranks pass nil, which is ignored) and every rank receives
    /// its own — e.g. each rank's environment state on resume.
    ///
    /// The root broadcasts the lengths first, with a status word, so that a
    /// wrong number of blobs at the root makes every rank throw
    /// `.blobCountMismatch` instead of leaving the others blocked.
    public func scatterBytes(_ blobs: [[UInt8]]?, root: Int = 0) throws(MPIError) -> [UInt8] {
        try ensureActive()
        let mpiRoot = try mpiRoot(root)
        // header[0]: 0 = lengths follow in header[1...size]; 1 = header[1] is
        // the wrong number of blobs the root was given.
        var header = [Int64](repeating: 0, count: size + 1)
        if rank == root {
            let blobs = blobs ?? []
            if blobs.count == size {
                for (r, blob) in blobs.enumerated() { header[r + 1] = Int64(blob.count) }
            } else {
                header[0] = 1
                header[1] = Int64(blobs.count)
            }
        }
        let headerCount = try Self.mpiCount(size + 1, "scatterBytes")
        let headerCode = header.withUnsafeMutableBufferPointer {
            library.bcast($0.baseAddress, headerCount, library.int64, mpiRoot, world)
        }
        try check("MPI_Bcast", headerCode)
        guard header[0] == 0 else { throw .blobCountMismatch(blobs: Int(header[1]), ranks: size) }
        let layout = try Layout(lengths: Array(header[1...]), operation: "scatterBytes")
        let receiveCount = layout.counts[rank]
        // One spare byte so that no buffer is ever empty (a nil base).
        var received = [UInt8](repeating: 0, count: Int(receiveCount) + 1)
        var send: [UInt8] = []
        if rank == root {
            send.reserveCapacity(layout.total + 1)
            for blob in blobs ?? [] { send += blob }
        }
        send.append(0)
        let isRoot = rank == root
        let code = send.withUnsafeBytes { send in
            received.withUnsafeMutableBytes { receive in
                library.scatterv(
                    isRoot ? send.baseAddress : nil, isRoot ? layout.counts : nil, isRoot ? layout.displacements : nil,
                    library.byte, receive.baseAddress, receiveCount, library.byte, mpiRoot, world)
            }
        }
        try check("MPI_Scatterv", code)
        received.removeLast()
        return received
    }

    /// Per-rank byte counts and offsets as MPI's 32-bit ints. Built from
    /// lengths every rank knows, so every rank throws or none does.
    struct Layout {
        let counts: [Int32]
        let displacements: [Int32]
        let total: Int

        init(lengths: [Int64], operation: String) throws(MPIError) {
            var counts: [Int32] = []
            var displacements: [Int32] = []
            var total = 0
            for length in lengths {
                guard length >= 0, let count = Int32(exactly: length) else {
                    throw .countTooLarge(operation: operation, count: Int(length))
                }
                guard let offset = Int32(exactly: total) else { throw .countTooLarge(operation: operation, count: total) }
                counts.append(count)
                displacements.append(offset)
                total += Int(count)
            }
            guard total <= Int(Int32.max) else { throw .countTooLarge(operation: operation, count: total) }
            self.counts = counts
            self.displacements = displacements
            self.total = total
        }
    }
}
