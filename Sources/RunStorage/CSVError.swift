import Foundation

/// Why a CSV file could not be written, resumed or read; one line each,
/// naming the file.
public enum CSVError: Error, Equatable, Sendable, CustomStringConvertible {
    case file(FileError)
    /// The file is empty or holds no complete header line.
    case noHeader(path: String)
    /// Resuming found different columns than this run writes.
    case headerMismatch(path: String, expected: [String], found: [String])
    /// Resuming from a checkpoint taken after `needed` rows, but the file has fewer.
    case tooFewRows(path: String, needed: Int, found: Int)
    case wrongFieldCount(path: String, row: Int, expected: Int, found: Int)
    case unknownColumn(path: String, name: String)
    case notANumber(path: String, column: String, row: Int, text: String)
    case closed(path: String)

    public var description: String {
        switch self {
        case let .file(error):
            error.description
        case let .noHeader(path):
            "\(path): no CSV header line"
        case let .headerMismatch(path, expected, found):
            "\(path): columns are \(found.joined(separator: ",")), expected \(expected.joined(separator: ","))"
        case let .tooFewRows(path, needed, found):
            "\(path): has \(found) complete rows, the checkpoint expects at least \(needed)"
        case let .wrongFieldCount(path, row, expected, found):
            "\(path): row \(row) has \(found) fields, the header has \(expected)"
        case let .unknownColumn(path, name):
            "\(path): no column named \"\(name)\""
        case let .notANumber(path, column, row, text):
            "\(path): row \(row), column \(column): \"\(text)\" is not a number"
        case let .closed(path):
            "\(path): CSV writer already closed"
        }
    }
}

// So that `error.localizedDescription` shows the same single line.
extension CSVError: LocalizedError {
    public var errorDescription: String? { description }
}
