import CTensorKernels
import Foundation

extension BLAS {
    /// The kernels of the built-in GEMM (the `swift` backend).
    ///
    /// SwiftPM compiles Swift for baseline x86-64 (SSE2, no FMA), which caps a
    /// Swift kernel at about a third of OpenBLAS (docs/benchmarks/gemm.md).
    /// The AVX2 and AVX-512 kernels are C (the CTensorKernels target), each
    /// function compiled for its own instruction set with a target attribute,
    /// so that the package still builds for, and runs on, any x86-64 and
    /// arm64; one of them runs only after the CPU reported the features it
    /// needs. `portable` is the Swift SIMD4 kernel (BLAS+SwiftGEMM.swift), the
    /// one every CPU runs.
    public enum Kernel: String, Sendable, CaseIterable, Codable {
        case portable, avx2, avx512

        /// The kernels this CPU can run, slowest first (`portable` always).
        public static let available: [Kernel] = allCases.filter(\.isSupported)

        /// The fastest kernel this CPU can run.
        public static var best: Kernel { available.last ?? .portable }

        public var isSupported: Bool {
            switch self {
            case .portable: true
            case .avx2, .avx512: ctk_sgemm_supported(cKernel)
            }
        }

        /// The kernel's number in CTensorKernels.h (CTK_SGEMM_NONE for portable).
        var cKernel: Int32 {
            switch self {
            case .portable: Int32(CTK_SGEMM_NONE)
            case .avx2: Int32(CTK_SGEMM_AVX2)
            case .avx512: Int32(CTK_SGEMM_AVX512)
            }
        }

        /// "AVX-512F, 12×32 register tile", for `BLAS.version`.
        var summary: String {
            switch self {
            case .portable: "portable Swift SIMD4, \(SwiftGEMM.mr)×\(SwiftGEMM.nr) register tile"
            case .avx2: "AVX2+FMA, \(ctk_sgemm_tile_rows(cKernel))×\(ctk_sgemm_tile_columns(cKernel)) register tile"
            case .avx512: "AVX-512F, \(ctk_sgemm_tile_rows(cKernel))×\(ctk_sgemm_tile_columns(cKernel)) register tile"
            }
        }
    }

    /// The built-in GEMM with the given kernel; throws `kernelUnavailable`
    /// when this CPU cannot run it.
    public static func builtIn(kernel: Kernel) throws(BLASError) -> BLAS {
        guard kernel.isSupported else { throw BLASError.kernelUnavailable(kernel.rawValue) }
        return BLAS(builtIn: kernel)
    }

    /// The built-in GEMM with a kernel this CPU supports.
    init(builtIn kernel: Kernel) {
        self.init(backend: .swift, version: "built-in GEMM (\(kernel.summary))", kernel: kernel, openBLASLibrary: nil)
    }

    /// The built-in GEMM with the kernel named by `request` (normally
    /// `RLTRAIN_GEMM_KERNEL`): nil or empty means the fastest this CPU runs.
    public static func builtIn(kernelNamed request: String?) throws(BLASError) -> BLAS {
        guard let name = request?.trimmingCharacters(in: .whitespaces).lowercased(), !name.isEmpty else {
            return try builtIn(kernel: .best)
        }
        guard let kernel = Kernel(rawValue: name) else { throw BLASError.unknownKernel(name) }
        return try builtIn(kernel: kernel)
    }

    /// One GEMM with a C kernel; sizes are positive and α ≠ 0 (BLAS.gemm and
    /// SwiftGEMM.gemm's checks have run).
    static func nativeGEMM(
        kernel: Kernel, transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        let scratch = Scratch.buffer(count: ctk_sgemm_scratch_count(kernel.cKernel, m, n, k))
        ctk_sgemm(
            kernel.cKernel, transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, scratch)
    }
}
