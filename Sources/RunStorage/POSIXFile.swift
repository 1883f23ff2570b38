#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The few raw system calls this module needs, wrapped so that each failure
/// becomes a `FileError` carrying `errno`. Foundation's `FileManager` and
/// `Data.write` hide `errno` and cannot fsync, so durability-sensitive code
/// (atomic writes, append-only logs, checkpoints) goes through here instead.
enum POSIXFile {
    /// `open(2)`, retried on EINTR.
    static func open(_ path: String, _ flags: Int32, mode: mode_t = 0o644, operation: String) throws(FileError) -> Int32 {
        while true {
            let fd = systemOpen(path, flags, mode)
            if fd >= 0 { return fd }
            if errno != EINTR { throw FileError.last(operation, path: path) }
        }
    }

    /// Writes every byte, looping over short writes and EINTR.
    ///
    /// Callers that need "one row, one write" pass the whole row at once: for
    /// a regular file the kernel performs it as a single write unless the
    /// disk fills up, in which case an error is reported anyway.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(FileError) {
        var offset = 0
        while offset < bytes.count {
            let n = systemWrite(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError.last("write", path: path)
            }
            offset += n
        }
    }

    static func writeAll(_ fd: Int32, _ data: Data, path: String) throws(FileError) {
        // Typed throws cannot cross `withUnsafeBytes`' untyped rethrows, so
        // carry the error out by hand.
        var failure: FileError?
        data.withUnsafeBytes { buffer in
            guard buffer.count > 0 else { return }
            do throws(FileError) { try writeAll(fd, buffer, path: path) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// `fsync(2)`, retried on EINTR.
    static func sync(_ fd: Int32, path: String) throws(FileError) {
        while fsync(fd) != 0 {
            if errno != EINTR { throw FileError.last("sync", path: path) }
        }
    }

    /// Makes a rename or creation inside `directory` durable. Some file
    /// systems cannot fsync a directory (EINVAL); there is nothing more to do
    /// on those, so that case is not an error.
    static func syncDirectory(_ directory: String) throws(FileError) {
        let fd = try open(directory, O_RDONLY | O_DIRECTORY, operation: "open directory")
        defer { close(fd) }
        while fsync(fd) != 0 {
            if errno == EINTR { continue }
            if errno == EINVAL || errno == ENOTSUP { return }
            throw FileError.last("sync directory", path: directory)
        }
    }

    /// Reads a whole file, so that a missing or unreadable file is reported
    /// with its real reason rather than Foundation's generic failure.
    static func readAll(_ path: String) throws(FileError) -> Data {
        let fd = try open(path, O_RDONLY, operation: "open")
        defer { close(fd) }
        var result = Data()
        let chunk = 1 << 16
        var buffer = [UInt8](repeating: 0, count: chunk)
        while true {
            let n = buffer.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress!, chunk) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError.last("read", path: path)
            }
            if n == 0 { return result }
            result.append(contentsOf: buffer[0..<n])
        }
    }

    /// `close(2)`; errors are ignored because only read-only or already
    /// fsynced descriptors are closed this way.
    static func close(_ fd: Int32) {
        _ = systemClose(fd)
    }

    /// The directory part of `path` ("." for a bare file name).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    /// The last component of `path`.
    static func fileName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}

// Module-qualified aliases: inside `POSIXFile`, the names `open`, `write` and
// `read` would otherwise resolve to the enum's own methods.
private func systemOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { open(path, flags, mode) }
private func systemWrite(_ fd: Int32, _ buf: UnsafeRawPointer, _ count: Int) -> Int { write(fd, buf, count) }
private func systemClose(_ fd: Int32) -> Int32 { close(fd) }
private func systemRead(_ fd: Int32, _ buf: UnsafeMutableRawPointer, _ count: Int) -> Int { read(fd, buf, count) }
