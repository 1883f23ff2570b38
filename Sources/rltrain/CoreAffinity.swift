#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// `--cores N`: confines this process to N of the cores it may run on, so
/// that a sweep can show what doubling cores alone buys on the wall clock.
/// Set before any other thread starts, so every thread (rollout workers,
/// the update's pool) inherits it. Linux's `sched_setaffinity` is reached
/// with dlsym because Swift's Glibc module does not export it (a GNU extension).
enum CoreAffinity {
    private typealias Call = @convention(c) (pid_t, Int, UnsafeMutableRawPointer) -> Int32

    /// The cores this process may run on now.
    static func available() -> [Int] {
        #if os(Linux)
        guard let get = symbol("sched_getaffinity") else { return [] }
        var mask = [UInt8](repeating: 0, count: 128)  // cpu_set_t: 1024 bits
        guard mask.withUnsafeMutableBytes({ get(0, 128, $0.baseAddress!) }) == 0 else { return [] }
        return (0..<1024).filter { mask[$0 / 8] & (1 << ($0 % 8)) != 0 }
        #else
        return []
        #endif
    }

    /// Keeps the first `count` available cores; one line when it cannot.
    static func confine(to count: Int) throws {
        #if os(Linux)
        let cores = available()
        guard let set = symbol("sched_setaffinity"), !cores.isEmpty else {
            throw CoreAffinityError("--cores: this system does not let rltrain choose its cores")
        }
        guard count <= cores.count else {
            throw CoreAffinityError("--cores \(count) exceeds the \(cores.count) core\(cores.count == 1 ? "" : "s") this process may use")
        }
        var mask = [UInt8](repeating: 0, count: 128)
        for core in cores.prefix(count) { mask[core / 8] |= 1 << (core % 8) }
        guard mask.withUnsafeMutableBytes({ set(0, 128, $0.baseAddress!) }) == 0 else {
            throw CoreAffinityError("--cores: sched_setaffinity failed: \(String(cString: strerror(errno)))")
        }
        #else
        throw CoreAffinityError("--cores is only supported on Linux")
        #endif
    }

    private static func symbol(_ name: String) -> Call? {
        guard let handle = dlopen(nil, RTLD_NOW), let address = dlsym(handle, name) else { return nil }
        return unsafeBitCast(address, to: Call.self)
    }
}

struct CoreAffinityError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
