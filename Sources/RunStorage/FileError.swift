import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed file-system operation, reduced to one line a user can act on:
/// which path, which operation, and the operating system's reason
/// (`strerror`), e.g. `cannot create runs/a/progress.csv: No space left on device`.
///
/// The raw `errno` is kept so that callers (and tests) can tell
/// "does not exist" from "permission denied" without parsing text.
public struct FileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What was being attempted, as a verb phrase: "create", "write", "read", ...
    public let operation: String
    /// The path the user gave (or the directory, for directory operations).
    public let path: String
    /// The `errno` value reported by the failing system call.
    public let code: Int32

    public init(_ operation: String, path: String, code: Int32) {
        self.operation = operation
        self.path = path
        self.code = code
    }

    /// The operating system's text for `code`, e.g. "Permission denied".
    public var reason: String { String(cString: strerror(code)) }

    public var description: String { "cannot \(operation) \(path): \(reason)" }

    /// Captures the current `errno`; call immediately after the failing call.
    static func last(_ operation: String, path: String) -> FileError {
        FileError(operation, path: path, code: errno)
    }
}

// So that `error.localizedDescription` shows the same single line.
extension FileError: LocalizedError {
    public var errorDescription: String? { description }
}
