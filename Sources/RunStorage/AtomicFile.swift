#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Replaces a file's contents so that, whatever happens — a kill, a full
/// disk, a power cut — the target holds either its old contents or the
/// complete new ones, never a mixture or a prefix.
///
/// The recipe: write a temporary file in the *same directory* (rename is only
/// atomic within one file system), fsync it (so the data is on disk before
/// the name points at it), rename it over the target, then fsync the
/// directory (so the rename itself survives a crash). On any failure the
/// temporary file is removed and the target is left untouched.
public enum AtomicFile {
    /// Atomically replaces (or creates) the file at `path` with `data`.
    /// The file gets mode 0644. Throws a `FileError` naming `path` and the
    /// reason, e.g. "No such file or directory" for a missing parent.
    public static func write(_ data: Data, to path: String) throws(FileError) {
        let directory = POSIXFile.directory(of: path)
        let name = POSIXFile.fileName(of: path)
        // A leading dot keeps half-written files out of `ls` and globs such
        // as `*.csv`; mkstemp's random suffix lets concurrent writers coexist.
        var template = Array("\(directory)/.\(name).tmp-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if fd < 0 { throw FileError.last("create", path: path) }
        let temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)

        do throws(FileError) {
            defer { _ = close(fd) }
            // mkstemp creates 0600; results are meant to be shared and read.
            if fchmod(fd, 0o644) != 0 { throw FileError.last("write", path: path) }
            try POSIXFile.writeAll(fd, data, path: path)
            try POSIXFile.sync(fd, path: path)
        } catch {
            _ = unlink(temporary)
            throw error
        }
        if rename(temporary, path) != 0 {
            let failure = FileError.last("replace", path: path)
            _ = unlink(temporary)
            throw failure
        }
        try POSIXFile.syncDirectory(directory)
    }

    /// Atomically replaces the file at `path` with the UTF-8 bytes of `text`.
    public static func write(_ text: String, to path: String) throws(FileError) {
        try write(Data(text.utf8), to: path)
    }
}
