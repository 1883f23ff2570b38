import CTensorKernels

extension Tensor {
    /// The instruction set of the element-wise and sparse kernels: the
    /// built-in GEMM's kernel (so `RLTRAIN_GEMM_KERNEL=portable` runs the Swift
    /// loops everywhere), whichever backend does the GEMMs. Every kernel gives
    /// the same bits on every instruction set: the C kernels do exactly the
    /// rounded operations of the Swift loops, in the same order, without FMA
    /// (CTensorKernels' vector_template.h), which the tests check bit for bit.
    public static let vectorKernel: BLAS.Kernel = BLAS.swift.kernel ?? .portable
}

extension BLAS.Kernel {
    /// Whether the C element-wise and sparse kernels of this instruction set
    /// run here (false for `portable`: the Swift loops).
    @inline(__always)
    var hasVectorKernels: Bool {
        switch self {
        case .portable: false
        case .avx2: Self.vectorKernelsRun.avx2
        case .avx512: Self.vectorKernelsRun.avx512
        }
    }

    /// Asked once: the answer involves CPUID.
    private static let vectorKernelsRun = (
        avx2: ctk_vector_available(BLAS.Kernel.avx2.cKernel), avx512: ctk_vector_available(BLAS.Kernel.avx512.cKernel))
}

extension Tensor {
    /// Asks the CPU to start loading `bytes` bytes at `pointer` into its
    /// caches (a hint: nothing observable changes), for a loop that knows
    /// which scattered block it reads next.
    @inlinable @inline(__always)
    public static func prefetch(_ pointer: UnsafeRawPointer, bytes: Int) {
        ctk_prefetch(pointer, bytes)
    }
}
