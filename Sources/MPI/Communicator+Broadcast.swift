extension Communicator {
    /// Copies `root`'s `values` into every rank's `values` (MPI_Bcast). Every
    /// rank passes the same count — e.g. rank 0's initial weights into every
    /// rank's identically shaped parameter buffer.
    public func broadcast<T: MPIScalar>(_ values: UnsafeMutableBufferPointer<T>, root: Int = 0) throws(MPIError) {
        try ensureActive()
        let root = try mpiRoot(root)
        let count = try Self.mpiCount(values.count, "broadcast")
        guard count > 0, let base = values.baseAddress else { return }
        try check("MPI_Bcast", library.bcast(base, count, library.handle(T.mpiDatatype), root, world))
    }

    public func broadcast<T: MPIScalar>(_ values: inout [T], root: Int = 0) throws(MPIError) {
        try ensureActive()
        let root = try mpiRoot(root)
        let count = try Self.mpiCount(values.count, "broadcast")
        guard count > 0 else { return }
        let code = values.withUnsafeMutableBufferPointer {
            library.bcast($0.baseAddress, count, library.handle(T.mpiDatatype), root, world)
        }
        try check("MPI_Bcast", code)
    }

    /// Replaces every rank's `bytes` with `root`'s, whatever their lengths
    /// (a checkpoint or configuration blob). Two MPI_Bcasts: the length
    /// first, so that every rank sizes its buffer and, when the blob is too
    /// large for MPI's 32-bit count, every rank throws instead of only the
    /// root.
    public func broadcast(bytes: inout [UInt8], root: Int = 0) throws(MPIError) {
        try ensureActive()
        let mpiRoot = try mpiRoot(root)
        var length = Int64(bytes.count)
        try check("MPI_Bcast", library.bcast(&length, 1, library.int64, mpiRoot, world))
        let count = try Self.mpiCount(Int(length), "broadcast(bytes:)")
        if rank != root { bytes = [UInt8](repeating: 0, count: Int(count)) }
        guard count > 0 else { return }
        let code = bytes.withUnsafeMutableBytes { library.bcast($0.baseAddress, count, library.byte, mpiRoot, world) }
        try check("MPI_Bcast", code)
    }
}
