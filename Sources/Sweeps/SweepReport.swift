import Foundation
import RunStorage
import Plotting

/// Writes a sweep's report into a directory: sweep.csv, sweep-eval.csv,
/// summary.csv, one SVG per figure and index.html. Built from the runs'
/// CSVs (or from sweep.csv of directories without runs), so it can be
/// rebuilt at any time and merges shards.
public struct SweepReport: Sendable {
    public static let sweepCSV = "sweep.csv"
    public static let evalCSV = "sweep-eval.csv"
    public static let summaryCSV = "summary.csv"
    /// Every figure a report may draw.
    public static let figureFiles = ["learning-curves.svg", "final-vs-compute.svg", "critical-batch.svg", "noise-scale.svg", "isoflop.svg", "test-time-compute.svg", "thinking-over-rl.svg", "router.svg", "lm-train-time-compute.svg", "lm-test-time-compute.svg"]

    /// Paths written.
    public var written: [String]
    public var runs: Int
    public var points: Int
    public var expectedRuns: Int

    public static func build(from directories: [String], outDirectory: String) throws -> SweepReport {
        let results = try SweepResults.collect(from: directories)
        return try write(results, to: outDirectory, sources: directories)
    }

    public static func write(_ results: SweepResults, to outDirectory: String, sources: [String] = []) throws -> SweepReport {
        try RunDirectory(path: outDirectory).create()
        func path(_ name: String) -> String { (outDirectory as NSString).appendingPathComponent(name) }
        var written: [String] = []
        if !FileManager.default.fileExists(atPath: path(SweepRunner.specFile)) {
            try AtomicFile.write(SweepRunner.render(results.spec.json) + "\n", to: path(SweepRunner.specFile))
        }
        try AtomicFile.write(try results.progressTable().csvText, to: path(sweepCSV))
        written.append(path(sweepCSV))
        if let evals = try results.evaluationTable() {
            try AtomicFile.write(evals.csvText, to: path(evalCSV))
            written.append(path(evalCSV))
        }
        try AtomicFile.write(results.summaryTable().csvText, to: path(summaryCSV))
        written.append(path(summaryCSV))
        var entries: [HTMLReport.FigureEntry] = []
        let (figures, omitted) = results.figuresAndOmissions()
        for figure in figures {
            try AtomicFile.write(figure.figure.svg(), to: path(figure.file))
            written.append(path(figure.file))
            entries.append(HTMLReport.FigureEntry(title: figure.title, file: figure.file, caption: figure.caption))
        }
        // A figure an earlier report drew but this one has no data for would
        // show stale results next to the page.
        for stale in figureFiles where !entries.contains(where: { $0.file == stale }) {
            try? FileManager.default.removeItem(atPath: path(stale))
        }
        let html = HTMLReport(title: "Sweep: \(results.spec.name)", settings: settings(results, sources: sources, omitted: omitted), figures: entries)
        written.append(try html.write(toDirectory: outDirectory))
        return SweepReport(written: written, runs: results.runs.count, points: results.pointGroups.count, expectedRuns: results.spec.runs.count)
    }

    static func settings(_ results: SweepResults, sources: [String], omitted: [SweepResults.Omission] = []) -> [(key: String, value: String)] {
        let spec = results.spec
        var out: [(key: String, value: String)] = []
        if !spec.description.isEmpty { out.append(("description", spec.description)) }
        out.append(("environment", spec.environment.name))
        out.append(("base flags", spec.base.map { "--\($0.flag) \($0.value)" }.joined(separator: " ")))
        for axis in spec.axes { out.append(("axis \(axis.flag)", axis.values.joined(separator: " · "))) }
        out.append(("seeds", spec.seeds.map(String.init).joined(separator: ", ")))
        if spec.evaluation.enabled {
            out.append(("evaluation", "rltrain eval, every combination of: \(spec.evaluation.description)"))
        }
        let t = spec.effectiveThreshold
        out.append(("threshold", "\(t.metric) ≥ \(CSVField.double(t.value).text)"))
        if let fit = results.criticalBatchFit() {
            out.append(("critical batch", String(format: "B_crit ≈ %@ env steps per update (S_min %.3g, E_min %@, rms residual %.2f)",
                                                 Console.count(Int(fit.criticalBatchSize.rounded())), fit.minSteps, Console.count(Int(fit.minExamples.rounded())), fit.rmsResidual)))
        }
        if Set(results.runs.map(\.batchSize)).count >= 2, let noise = results.noiseScaleSummary() {
            out.append(("gradient noise scale", noise.text))
        }
        if let iso = results.isoFLOP() { out.append(("IsoFLOP", iso.text)) }
        if let text = results.languageModelIsoFLOPText() { out.append(("IsoFLOP (held-out loss)", text)) }
        let wallToThreshold = results.pointGroups.compactMap { group -> String? in
            let walls = group.runs.compactMap { $0.crossing(t)?.wallSeconds }
            return SampleStatistics(walls).map { String(format: "%@ %.1f s (%d/%d seeds)", results.label(group.values), $0.mean, walls.count, group.runs.count) }
        }
        if !wallToThreshold.isEmpty {
            out.append(("wall-clock seconds to threshold", wallToThreshold.joined(separator: " · ")))
        }
        // One line for each figure or panel not drawn, saying why.
        for omission in omitted { out.append((omission.kind, omission.reason)) }
        out.append(("runs", "\(results.runs.count) of \(spec.runs.count) finished (\(spec.points.count) points × \(spec.seeds.count) seeds)"))
        let wall = results.runs.compactMap { $0.final("wall_seconds") }.reduce(0, +)
        out.append(("training time", "\(Console.duration(wall)) summed over runs (wall-clock of each run's updates)"))
        out.append(("data", "\(sweepCSV) (one row per run per update), \(summaryCSV) (one row per point), \(evalCSV) (evaluations)"))
        if sources.count > 1 { out.append(("merged from", sources.joined(separator: ", "))) }
        return out
    }
}
