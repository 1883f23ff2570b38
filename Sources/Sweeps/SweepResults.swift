import Foundation
import RunStorage
import Plotting
import Environments
import Experiments

/// One finished run of a sweep, as its CSVs hold it.
public struct SweepRunData: Sendable, Equatable {
    public var point: String
    public var seed: String
    /// The value of each axis, in the order of the spec's axes.
    public var axisValues: [String]
    /// num-envs × num-steps: env steps per update.
    public var batchSize: Int
    /// The run's progress.csv.
    public var progress: CSVTable
    /// The run's eval.csv, if it has one.
    public var evaluations: CSVTable?

    public init(point: String, seed: String, axisValues: [String], batchSize: Int, progress: CSVTable, evaluations: CSVTable? = nil) {
        self.point = point
        self.seed = seed
        self.axisValues = axisValues
        self.batchSize = batchSize
        self.progress = progress
        self.evaluations = evaluations
    }

    var key: String { "\(point)\u{0}\(seed)" }
}

/// Every finished run of a sweep, merged from one or more sweep directories
/// (e.g. one per shard), and the long-format tables written from them.
///
/// `sweep.csv` has one row per run per update: `point`, `seed`, one column
/// per axis (the flag with `_` for `-`), `batch_size`, then the columns of
/// progress.csv. `sweep-eval.csv` has the same leading columns, then those of
/// eval.csv (every row, with its `stage`).
public struct SweepResults: Sendable {
    public var spec: SweepSpec
    public var runs: [SweepRunData]

    public init(spec: SweepSpec, runs: [SweepRunData]) {
        self.spec = spec
        self.runs = runs
    }

    public var identityColumns: [String] { ["point", "seed"] + spec.axes.map(\.column) + ["batch_size"] }

    /// Reads each directory's sweep.json and its finished runs (from
    /// `runs/`, or from `sweep.csv` and `sweep-eval.csv` when it has no
    /// `runs/`). A run present in several directories counts once: the copy
    /// with the most updates.
    public static func collect(from directories: [String]) throws -> SweepResults {
        var spec: SweepSpec?
        var byKey: [String: SweepRunData] = [:]
        var order: [String] = []
        for directory in directories {
            let specPath = (directory as NSString).appendingPathComponent(SweepRunner.specFile)
            guard FileManager.default.fileExists(atPath: specPath) else {
                throw SweepError("\(directory) is not a sweep directory (no \(SweepRunner.specFile))")
            }
            let s = try SweepSpec(contentsOfFile: specPath)
            if let spec, spec.json != s.json {
                throw SweepError("\(directory) holds a different sweep than \(directories[0]) (their sweep.json differ)")
            }
            spec = spec ?? s
            for run in try readRuns(directory, spec: s) {
                if let existing = byKey[run.key] {
                    if run.progress.rows.count > existing.progress.rows.count { byKey[run.key] = run }
                } else {
                    byKey[run.key] = run
                    order.append(run.key)
                }
            }
        }
        guard let spec else { throw SweepError("name at least one sweep directory") }
        // The sweep file's order: points as expanded, seeds as listed.
        let rank = Dictionary(spec.runs.enumerated().map { ("\($1.point.name)\u{0}\($1.seed)", $0) }, uniquingKeysWith: { a, _ in a })
        let sorted = order.enumerated().sorted { a, b in
            (rank[a.element] ?? Int.max, a.offset) < (rank[b.element] ?? Int.max, b.offset)
        }.compactMap { byKey[$0.element] }
        return SweepResults(spec: spec, runs: sorted)
    }

    static func readRuns(_ directory: String, spec: SweepSpec) throws -> [SweepRunData] {
        let runsDir = (directory as NSString).appendingPathComponent("runs")
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: runsDir, isDirectory: &isDirectory), isDirectory.boolValue {
            var out: [SweepRunData] = []
            for run in spec.runs {
                let dir = RunDirectory(path: (runsDir as NSString).appendingPathComponent(run.name))
                guard SweepRunner.isDone(dir) else { continue }
                let record = try RunRecord.read(from: dir)
                let evaluations = FileManager.default.fileExists(atPath: dir.evaluations) ? try CSVTable(path: dir.evaluations) : nil
                out.append(SweepRunData(
                    point: run.point.name, seed: String(run.seed), axisValues: run.point.values,
                    batchSize: record.config.ppo.batchSize, progress: try CSVTable(path: dir.progress), evaluations: evaluations))
            }
            return out
        }
        let progressPath = (directory as NSString).appendingPathComponent(SweepReport.sweepCSV)
        guard FileManager.default.fileExists(atPath: progressPath) else { return [] }
        let evalPath = (directory as NSString).appendingPathComponent(SweepReport.evalCSV)
        let evals = FileManager.default.fileExists(atPath: evalPath) ? try CSVTable(path: evalPath) : nil
        return try split(spec: spec, progress: try CSVTable(path: progressPath), evaluations: evals)
    }

    /// The inverse of `progressTable()` / `evaluationTable()`.
    public static func split(spec: SweepSpec, progress: CSVTable, evaluations: CSVTable?) throws -> [SweepRunData] {
        let identity = ["point", "seed"] + spec.axes.map(\.column) + ["batch_size"]
        func groups(_ table: CSVTable) throws -> (keys: [String], rows: [String: [[String]]], columns: [String], source: String) {
            let indices = try identity.map { name throws(SweepError) -> Int in
                guard let i = table.columnIndex(name) else { throw SweepError("\(table.source): no column \"\(name)\"; is it from this sweep?") }
                return i
            }
            guard indices == Array(0..<identity.count) else { throw SweepError("\(table.source): the columns \(identity.joined(separator: ", ")) must come first") }
            var keys: [String] = [], rows: [String: [[String]]] = [:]
            for row in table.rows {
                let key = row[0..<identity.count].joined(separator: "\u{0}")
                if rows[key] == nil { keys.append(key) }
                rows[key, default: []].append(row)
            }
            return (keys, rows, Array(table.columns.dropFirst(identity.count)), table.source)
        }
        let p = try groups(progress)
        let e = try evaluations.map(groups)
        return try p.keys.compactMap { key throws -> SweepRunData? in
            guard let rows = p.rows[key], let first = rows.first else { return nil }
            guard let batch = Int(first[identity.count - 1]) else { throw SweepError("\(progress.source): batch_size \"\(first[identity.count - 1])\" is not an integer") }
            let evalTable = e.flatMap { e in
                e.rows[key].map { CSVTable(columns: e.columns, rows: $0.map { Array($0.dropFirst(identity.count)) }, source: e.source) }
            }
            return SweepRunData(
                point: first[0], seed: first[1], axisValues: Array(first[2..<identity.count - 1]), batchSize: batch,
                progress: CSVTable(columns: p.columns, rows: rows.map { Array($0.dropFirst(identity.count)) }, source: progress.source),
                evaluations: evalTable)
        }
    }

    func identity(_ run: SweepRunData) -> [String] { [run.point, run.seed] + run.axisValues + [String(run.batchSize)] }

    /// `sweep.csv`: one row per run per update.
    public func progressTable() throws -> CSVTable { try merged(\.progress) }

    /// `sweep-eval.csv`: one row per evaluation of each run; nil when no run has one.
    public func evaluationTable() throws -> CSVTable? {
        runs.contains { $0.evaluations != nil } ? try merged { $0.evaluations ?? CSVTable(columns: [], rows: []) } : nil
    }

    private func merged(_ table: (SweepRunData) -> CSVTable) throws -> CSVTable {
        var columns: [String] = []
        for run in runs { for c in table(run).columns where !columns.contains(c) { columns.append(c) } }
        var rows: [[String]] = []
        for run in runs {
            let t = table(run)
            let map = columns.map { t.columnIndex($0) }
            for row in t.rows { rows.append(identity(run) + map.map { $0.map { row[$0] } ?? "" }) }
        }
        return CSVTable(columns: identityColumns + columns, rows: rows)
    }
}

extension CSVTable {
    /// The table as CSV text (RFC 4180, one header line).
    public var csvText: String {
        ([columns] + rows).map { CSVWriter.line($0.map(CSVField.text)) }.joined()
    }
}
