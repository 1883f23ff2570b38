import CTensorKernels
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension BLAS {
    /// OpenBLAS's CBLAS entry points, found at run time with dlopen/dlsym so
    /// that building (and running without it) needs no BLAS at all.
    ///
    /// The library handle is never closed: the function pointers stay valid
    /// for the lifetime of the process.
    struct OpenBLASLibrary: Sendable {
        // CBLAS enums (cblas.h) and Debian's `blasint` (Int32, LP64 build).
        static let rowMajor: Int32 = 101
        static let noTrans: Int32 = 111
        static let trans: Int32 = 112

        // The function pointer types are declared `@Sendable`. That is sound
        // because a `@convention(c)` function pointer captures no context: it
        // is an immutable code address, and the functions themselves are
        // thread-safe (OpenBLAS's `cblas_sgemm` may be called concurrently
        // from several threads; the thread-count setter/getter touch one
        // global int). With `@Sendable` on the types, the struct is Sendable
        // by the compiler's own checking, no `@unchecked` needed.
        typealias SGEMM = @Sendable @convention(c) (
            _ order: Int32, _ transA: Int32, _ transB: Int32, _ m: Int32, _ n: Int32, _ k: Int32,
            _ alpha: Float, _ a: UnsafePointer<Float>?, _ lda: Int32,
            _ b: UnsafePointer<Float>?, _ ldb: Int32,
            _ beta: Float, _ c: UnsafeMutablePointer<Float>?, _ ldc: Int32
        ) -> Void
        typealias SetNumThreads = @Sendable @convention(c) (Int32) -> Void
        typealias GetNumThreads = @Sendable @convention(c) () -> Int32
        typealias GetConfig = @Sendable @convention(c) () -> UnsafePointer<CChar>?

        let cblasSgemm: SGEMM
        let setNumThreads: SetNumThreads
        let getNumThreads: GetNumThreads
        /// "OpenBLAS 0.3.21 DYNAMIC_ARCH … Cooperlake … (libopenblas.so.0; OPENBLAS_CORETYPE=…)".
        let version: String

        /// The library from the default search names, loaded once per
        /// process (Swift's lazy `static let` is thread-safe).
        static let system: Result<OpenBLASLibrary, BLASError> = Result {
            () throws(BLASError) -> OpenBLASLibrary in
            try load(candidates: ["libopenblas.so.0", "libopenblas.so"])
        }

        /// The OPENBLAS_CORETYPE this process set, or nil when it set none
        /// (the user chose one, or the CPU offers nothing to choose).
        ///
        /// Why: Debian's OpenBLAS 0.3.21 (DYNAMIC_ARCH) picks its kernels from
        /// a table of CPU models, and a CPU newer than the table, such as the
        /// Xeon (family 6, model 207, AVX-512 with BF16) these benchmarks ran
        /// on, falls back to "Prescott", SSE3 kernels at about a quarter of
        /// the speed its own AVX-512 kernels reach (docs/benchmarks/gemm.md).
        /// OpenBLAS reads OPENBLAS_CORETYPE in its library constructor, i.e.
        /// inside the first dlopen, so it is set here, before that, to the core
        /// whose kernels the CPU's features can run (ctk_openblas_core_type:
        /// the same choice OpenBLAS makes for CPUs it does know). A value the
        /// user set is never overridden. Evaluated once per process, before
        /// any worker thread exists that might read the environment.
        static let chosenCoreType: String? = {
            guard getenv("OPENBLAS_CORETYPE") == nil, let core = coreTypeForThisCPU else { return nil }
            guard setenv("OPENBLAS_CORETYPE", core, 0) == 0 else { return nil }
            return core
        }()

        /// The OpenBLAS core whose kernels this CPU runs ("Cooperlake",
        /// "SkylakeX", "Haswell", "Sandybridge"), or nil (no AVX, not x86).
        static var coreTypeForThisCPU: String? {
            ctk_openblas_core_type().map { String(cString: $0) }
        }

        /// Opens the first candidate that dlopen accepts and that exports the
        /// needed symbols, then sets OpenBLAS's thread count to 1.
        static func load(candidates: [String]) throws(BLASError) -> OpenBLASLibrary {
            let coreType = chosenCoreType
            var failures: [String] = []
            for name in candidates {
                guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) else {
                    failures.append(dlerror().map { String(cString: $0) } ?? "\(name): dlopen failed")
                    continue
                }
                do throws(BLASError) {
                    let library = try OpenBLASLibrary(handle: handle, name: name, coreType: coreType)
                    library.setThreadCount(1)
                    return library
                } catch {
                    failures.append("\(name): \(error)")
                    dlclose(handle)
                }
            }
            throw BLASError.openBLASUnavailable(failures.joined(separator: "; "))
        }

        private init(handle: UnsafeMutableRawPointer, name: String, coreType: String?) throws(BLASError) {
            func symbol<F>(_ symbolName: String, as type: F.Type) throws(BLASError) -> F {
                guard let address = dlsym(handle, symbolName) else {
                    throw BLASError.openBLASUnavailable("\(name) has no symbol \(symbolName)")
                }
                return unsafeBitCast(address, to: type)
            }
            cblasSgemm = try symbol("cblas_sgemm", as: SGEMM.self)
            setNumThreads = try symbol("openblas_set_num_threads", as: SetNumThreads.self)
            getNumThreads = try symbol("openblas_get_num_threads", as: GetNumThreads.self)
            let getConfig = try symbol("openblas_get_config", as: GetConfig.self)
            let config = getConfig().map { String(cString: $0) } ?? "OpenBLAS (unknown version)"
            let origin = coreType.map { "; OPENBLAS_CORETYPE=\($0) set from the CPU's features" } ?? ""
            version = "\(config.trimmingCharacters(in: .whitespaces)) (\(name)\(origin))"
        }

        func setThreadCount(_ count: Int) {
            setNumThreads(Int32(clamping: count))
        }

        var threadCount: Int { Int(getNumThreads()) }

        func sgemm(
            transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
            alpha: Float, a: UnsafePointer<Float>, lda: Int,
            b: UnsafePointer<Float>, ldb: Int,
            beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
        ) {
            func blasint(_ value: Int, _ what: String) -> Int32 {
                guard let v = Int32(exactly: value) else {
                    preconditionFailure("gemm: \(what)=\(value) does not fit OpenBLAS's 32-bit blasint")
                }
                return v
            }
            // CBLAS insists on leading dimensions ≥ 1 even for empty matrices;
            // a zero one can only come with a zero dimension, so 1 is harmless.
            cblasSgemm(
                Self.rowMajor, transposeA ? Self.trans : Self.noTrans, transposeB ? Self.trans : Self.noTrans,
                blasint(m, "m"), blasint(n, "n"), blasint(k, "k"),
                alpha, a, blasint(Swift.max(lda, 1), "lda"), b, blasint(Swift.max(ldb, 1), "ldb"),
                beta, c, blasint(Swift.max(ldc, 1), "ldc"))
        }
    }
}
