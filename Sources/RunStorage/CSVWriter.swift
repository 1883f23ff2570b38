#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// An append-only CSV log with a fixed header, e.g. `progress.csv`.
///
/// Each row goes to the kernel in a single `write(2)` as soon as it is
/// appended (there is no user-space buffer to lose), so a killed run leaves
/// only complete rows, except possibly a partial last line; `CSVTable` and
/// `resume` ignore such a line. Rows reach the *disk* on `sync()`: call it
/// before writing a checkpoint, so that the rows a checkpoint counts survive
/// a machine crash too.
///
/// Not thread-safe: one writer per file, used from one task at a time.
public final class CSVWriter {
    public let path: String
    public let columns: [String]
    /// Data rows in the file (header excluded).
    public private(set) var rowCount: Int
    private var fd: Int32
    /// File size after the last complete row, to undo a row that failed half-way.
    private var size: off_t

    /// Starts a new file holding only the header, replacing any existing file.
    /// The header is written atomically, so the file is never headerless.
    public init(creating path: String, columns: [String]) throws(CSVError) {
        precondition(!columns.isEmpty, "CSVWriter needs at least one column")
        self.path = path
        self.columns = columns
        rowCount = 0
        do {
            try AtomicFile.write(Data(CSVWriter.line(columns.map(CSVField.text)).utf8), to: path)
            fd = try POSIXFile.open(path, O_WRONLY | O_APPEND, operation: "open")
        } catch {
            throw .file(error)
        }
        size = lseek(fd, 0, SEEK_END)
    }

    /// Reopens an existing file to continue a run.
    ///
    /// Checks that the header equals `columns`, then truncates the file just
    /// after data row `keepingRows` — the row count stored in the checkpoint
    /// being resumed — so rows logged after that checkpoint, which the resumed
    /// run will log again, do not appear twice. With `keepingRows` nil every
    /// complete row is kept. An incomplete last line is always dropped.
    public init(resuming path: String, columns: [String], keepingRows: Int? = nil) throws(CSVError) {
        precondition(!columns.isEmpty, "CSVWriter needs at least one column")
        precondition((keepingRows ?? 0) >= 0, "keepingRows must not be negative")
        self.path = path
        self.columns = columns
        let bytes: Data
        do { bytes = try POSIXFile.readAll(path) } catch { throw .file(error) }
        let parsed = CSVParser.parse([UInt8](bytes))
        guard let header = parsed.records.first else { throw .noHeader(path: path) }
        guard header == columns else { throw .headerMismatch(path: path, expected: columns, found: header) }
        let available = parsed.records.count - 1
        let keep = keepingRows ?? available
        guard keep <= available else { throw .tooFewRows(path: path, needed: keep, found: available) }
        rowCount = keep
        size = off_t(parsed.recordEnds[keep])
        do throws(FileError) {
            fd = try POSIXFile.open(path, O_WRONLY | O_APPEND, operation: "open")
            if ftruncate(fd, size) != 0 {
                let error = FileError.last("truncate", path: path)
                POSIXFile.close(fd)
                throw error
            }
            try POSIXFile.sync(fd, path: path)
        } catch {
            throw .file(error)
        }
    }

    deinit {
        if fd >= 0 { POSIXFile.close(fd) }
    }

    /// Appends one row, fields in column order. Throws if the count differs
    /// from the header's.
    public func append(_ fields: [CSVField]) throws(CSVError) {
        guard fields.count == columns.count else {
            throw .wrongFieldCount(path: path, row: rowCount + 1, expected: columns.count, found: fields.count)
        }
        guard fd >= 0 else { throw .closed(path: path) }
        let bytes = Data(CSVWriter.line(fields).utf8)
        do {
            try POSIXFile.writeAll(fd, bytes, path: path)
        } catch {
            // E.g. the disk filled up mid-row: cut the partial row off, or the
            // next row would be glued to it.
            _ = ftruncate(fd, size)
            throw .file(error)
        }
        size += off_t(bytes.count)
        rowCount += 1
    }

    /// Appends one row given by column name; absent columns are left empty,
    /// an unknown name throws (a typo would otherwise lose a metric silently).
    public func append(_ values: [String: CSVField]) throws(CSVError) {
        for name in values.keys where !columns.contains(name) {
            throw .unknownColumn(path: path, name: name)
        }
        try append(columns.map { values[$0] ?? .missing })
    }

    /// Forces the rows written so far onto the disk.
    public func sync() throws(CSVError) {
        guard fd >= 0 else { throw .closed(path: path) }
        do { try POSIXFile.sync(fd, path: path) } catch { throw .file(error) }
    }

    /// Closes the file; later appends throw. Also done on deinit.
    public func close() {
        if fd >= 0 { POSIXFile.close(fd) }
        fd = -1
    }

    public static func line(_ fields: [CSVField]) -> String {
        // A lone empty field would make a blank line, which reads as nothing.
        if fields.count == 1, fields[0].text.isEmpty { return "\"\"\n" }
        return fields.map(\.encoded).joined(separator: ",") + "\n"
    }
}
