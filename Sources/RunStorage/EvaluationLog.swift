import Foundation

/// `eval.csv`: one row per evaluation of a run, appended by the end of
/// training and by every `rltrain eval` call; its columns are the
/// environment's.
public enum EvaluationLog {
    /// Appends `rows` to the run's `eval.csv`, creating it with `columns`
    /// as its header when it does not exist yet. A file written by an
    /// earlier version, whose columns are all among `columns`, is first
    /// rewritten (atomically) with the new header, its rows keeping their
    /// values and leaving the new columns empty.
    public static func append(_ rows: [[String: CSVField]], columns: [String], to directory: RunDirectory) throws {
        let path = directory.evaluations
        let exists = FileManager.default.fileExists(atPath: path)
        if exists { try upgrade(path, to: columns) }
        let csv = exists
            ? try CSVWriter(resuming: path, columns: columns)
            : try CSVWriter(creating: path, columns: columns)
        defer { csv.close() }
        for row in rows { try csv.append(row) }
        try csv.sync()
    }

    /// Rewrites an older eval.csv under `columns` when its own columns are a
    /// subset of them; leaves it alone otherwise (the writer then names the mismatch).
    public static func upgrade(_ path: String, to columns: [String]) throws {
        let table = try CSVTable(path: path)
        guard table.columns != columns, Set(table.columns).isSubset(of: columns) else { return }
        let map = columns.map { table.columnIndex($0) }
        var text = CSVWriter.line(columns.map(CSVField.text))
        for row in table.rows {
            text += CSVWriter.line(map.map { $0.map { CSVField.text(row[$0]) } ?? .missing })
        }
        try AtomicFile.write(text, to: path)
    }
}
