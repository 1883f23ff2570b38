#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension BLAS {
    /// Per-thread packing buffers for the Swift GEMM, so that a call
    /// allocates nothing in steady state.
    ///
    /// `withUnsafeTemporaryAllocation` would be the natural choice, but on
    /// Linux the runtime only puts allocations of up to 1 KB on the stack and
    /// heap-allocates the rest (measured: one posix_memalign per GEMM call),
    /// and the packing buffers are 13–290 KB. Instead each thread keeps one
    /// buffer in pthread thread-specific storage, grown to the largest size it
    /// has needed and freed by the key's destructor when the thread exits.
    /// This is sound without locks: a thread only ever sees its own buffer,
    /// and the GEMM never re-enters itself while it holds the buffer.
    enum Scratch {
        /// Bytes before the floats: the capacity (in floats), padded so that
        /// the floats start on a cache line.
        private static let header = 64

        private static let key: pthread_key_t = {
            var key = pthread_key_t()
            let status = pthread_key_create(&key) { buffer in free(buffer) }
            precondition(status == 0, "pthread_key_create failed with \(status)")
            return key
        }()

        /// At least `count` floats of scratch memory, 64-byte aligned, private
        /// to the calling thread. Their content is unspecified, and the memory
        /// is only valid until this thread's next call (it may be reallocated
        /// to grow): take it once per GEMM and do not keep it.
        @inline(__always)
        static func buffer(count: Int) -> UnsafeMutablePointer<Float> {
            if let raw = pthread_getspecific(key), raw.load(as: Int.self) >= count {
                return (raw + header).assumingMemoryBound(to: Float.self)
            }
            return grow(to: count)
        }

        private static func grow(to count: Int) -> UnsafeMutablePointer<Float> {
            free(pthread_getspecific(key))
            var fresh: UnsafeMutableRawPointer?
            let status = posix_memalign(&fresh, 64, header + count * MemoryLayout<Float>.stride)
            guard status == 0, let fresh else {
                fatalError("GEMM scratch: cannot allocate \(count) floats (posix_memalign: \(status))")
            }
            fresh.storeBytes(of: count, as: Int.self)
            pthread_setspecific(key, fresh)
            return (fresh + header).bindMemory(to: Float.self, capacity: count)
        }
    }
}
