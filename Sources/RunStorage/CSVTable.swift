import Foundation

/// A whole CSV file in memory: the header and every complete row as text,
/// for plotting and merging sweeps.
///
/// A trailing line without its newline is what a killed writer leaves
/// behind, so it is ignored rather than reported as malformed. Complete rows
/// with the wrong number of fields are errors.
public struct CSVTable: Sendable, Equatable {
    public let columns: [String]
    public let rows: [[String]]
    /// Where the table came from, for error messages.
    public let source: String

    public init(columns: [String], rows: [[String]], source: String = "<csv>") {
        self.columns = columns
        self.rows = rows
        self.source = source
    }

    /// Reads and parses the file at `path`.
    public init(path: String) throws(CSVError) {
        let data: Data
        do { data = try POSIXFile.readAll(path) } catch { throw .file(error) }
        try self.init(parsing: data, path: path)
    }

    /// Parses CSV bytes; `path` only names the source in error messages.
    public init(parsing data: Data, path: String = "<csv>") throws(CSVError) {
        var records = CSVParser.parse([UInt8](data)).records
        guard !records.isEmpty else { throw .noHeader(path: path) }
        let header = records.removeFirst()
        for (i, record) in records.enumerated() where record.count != header.count {
            throw .wrongFieldCount(path: path, row: i + 1, expected: header.count, found: record.count)
        }
        columns = header
        rows = records
        source = path
    }

    /// Position of the column named `name`, if any.
    public func columnIndex(_ name: String) -> Int? {
        columns.firstIndex(of: name)
    }

    /// Every row's text in column `name`.
    public func column(_ name: String) throws(CSVError) -> [String] {
        guard let index = columnIndex(name) else { throw .unknownColumn(path: source, name: name) }
        return rows.map { $0[index] }
    }

    /// Column `name` as numbers: empty fields become nil, text that is not a
    /// number throws. Accepts everything `CSVField` writes, including `nan`
    /// and `inf`.
    public func doubles(_ name: String) throws(CSVError) -> [Double?] {
        let texts = try column(name)
        var values: [Double?] = []
        values.reserveCapacity(texts.count)
        for (row, text) in texts.enumerated() {
            if text.isEmpty {
                values.append(nil)
            } else if let value = Double(text) {
                values.append(value)
            } else {
                throw .notANumber(path: source, column: name, row: row + 1, text: text)
            }
        }
        return values
    }

    /// (x, y) points from two numeric columns, skipping rows where either is
    /// empty: a curve to plot.
    public func points(x: String, y: String) throws(CSVError) -> [(x: Double, y: Double)] {
        zip(try doubles(x), try doubles(y)).compactMap { x, y in
            guard let x, let y else { return nil }
            return (x, y)
        }
    }
}
