import Foundation

/// `eval.csv`: one row per evaluation of a run, appended by the end of
/// training and by every `rltrain eval` call; its columns are the
/// environment's.
public enum EvaluationLog {
    /// Appends `rows` to the run's `eval.csv`, creating it with `columns`
    /// as its header when it does not exist yet.
    public static func append(_ rows: [[String: CSVField]], columns: [String], to directory: RunDirectory) throws {
        let path = directory.evaluations
        let csv = FileManager.default.fileExists(atPath: path)
            ? try CSVWriter(resuming: path, columns: columns)
            : try CSVWriter(creating: path, columns: columns)
        defer { csv.close() }
        for row in rows { try csv.append(row) }
        try csv.sync()
    }
}
