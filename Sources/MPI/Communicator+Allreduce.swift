extension Communicator {
    /// Reduces `values` element-wise across all ranks, in place
    /// (MPI_IN_PLACE): afterwards every rank holds the same result. Every rank
    /// passes the same count. For data-parallel PPO: sum the gradient buffer,
    /// then divide by `size`.
    ///
    /// Float sums depend on the order in which the ranks' values are combined.
    /// Open MPI 4.1's allreduce algorithms either reduce each element once and
    /// send the result to every rank, or combine pairs commutatively, so every
    /// rank ends with the same bits — which data-parallel PPO needs for the
    /// ranks' weights to stay identical. The MPI standard only recommends
    /// this; mpi-selftest checks it on 300k floats.
    public func allreduce<T: MPIScalar>(_ values: UnsafeMutableBufferPointer<T>, _ reduction: MPIReduction) throws(MPIError) {
        try ensureActive()
        let count = try Self.mpiCount(values.count, "allreduce")
        guard count > 0, let base = values.baseAddress else { return }
        try check(
            "MPI_Allreduce",
            library.allreduce(
                MPILibrary.inPlace, base, count, library.handle(T.mpiDatatype), library.handle(reduction), world))
    }

    public func allreduce<T: MPIScalar>(_ values: inout [T], _ reduction: MPIReduction) throws(MPIError) {
        try ensureActive()
        let count = try Self.mpiCount(values.count, "allreduce")
        guard count > 0 else { return }
        let code = values.withUnsafeMutableBufferPointer {
            library.allreduce(
                MPILibrary.inPlace, $0.baseAddress, count, library.handle(T.mpiDatatype), library.handle(reduction), world)
        }
        try check("MPI_Allreduce", code)
    }

    /// One value reduced across ranks (episode counts, a max KL, …).
    public func allreduce<T: MPIScalar>(_ value: T, _ reduction: MPIReduction) throws(MPIError) -> T {
        var values = [value]
        try allreduce(&values, reduction)
        return values[0]
    }

    public func allreduceSum<T: MPIScalar>(_ values: inout [T]) throws(MPIError) { try allreduce(&values, .sum) }
    public func allreduceMax<T: MPIScalar>(_ values: inout [T]) throws(MPIError) { try allreduce(&values, .max) }
    public func allreduceMin<T: MPIScalar>(_ values: inout [T]) throws(MPIError) { try allreduce(&values, .min) }
}
