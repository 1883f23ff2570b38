import Foundation
import RunStorage
import Plotting
import Environments

/// When a run first reached the threshold.
public struct ThresholdCrossing: Sendable, Equatable {
    public var updates: Double
    public var envSteps: Double
    public var flops: Double
    /// Wall-clock seconds of the run's updates at that point; nil when progress.csv has no `wall_seconds`.
    public var wallSeconds: Double? = nil
}

extension SweepRunData {
    /// The last value of `column` that is not empty.
    public func final(_ column: String) -> Double? {
        guard let values = try? progress.doubles(column) else { return nil }
        return values.last { $0 != nil } ?? nil
    }

    /// The first update whose `metric` is ≥ `value`; nil if none is.
    public func crossing(_ threshold: Threshold) -> ThresholdCrossing? {
        guard let values = try? progress.doubles(threshold.metric),
              let updates = try? progress.doubles("update"), let steps = try? progress.doubles("env_steps"),
              let flops = try? progress.doubles("flops") else { return nil }
        for i in values.indices {
            if let v = values[i], v >= threshold.value, let u = updates[i], let s = steps[i], let f = flops[i] {
                let wall = (try? progress.doubles("wall_seconds")).flatMap { $0[i] }
                return ThresholdCrossing(updates: u, envSteps: s, flops: f, wallSeconds: wall)
            }
        }
        return nil
    }
}

extension SweepResults {
    /// The runs grouped by point, in the sweep's order.
    public var pointGroups: [(point: String, values: [String], runs: [SweepRunData])] {
        var order: [String] = [], groups: [String: [SweepRunData]] = [:]
        for run in runs {
            if groups[run.point] == nil { order.append(run.point) }
            groups[run.point, default: []].append(run)
        }
        return order.compactMap { point in
            groups[point].flatMap { runs in runs.first.map { (point, $0.axisValues, runs) } }
        }
    }

    /// Final metrics reported in summary.csv (those the runs have).
    var summaryMetrics: [String] {
        let wanted = spec.environment.summaryMetrics
        return wanted.filter { name in runs.contains { $0.progress.columnIndex(name) != nil } }
    }

    /// Columns of summary.csv that measure the wall clock, and so differ
    /// between two runs of the same sweep.
    public static let wallClockSummaryColumns: Set<String> = ["wall_seconds_mean", "wall_seconds_to_threshold_mean", "wall_seconds_to_threshold_std"]

    /// `summary.csv`: one row per point; means and standard deviations over seeds.
    public func summaryTable() -> CSVTable {
        let threshold = spec.effectiveThreshold
        let metrics = summaryMetrics
        var columns = ["point"] + spec.axes.map(\.column) + ["batch_size", "seeds", "updates", "env_steps", "flops", "wall_seconds_mean"]
        for m in metrics { columns += ["final_\(m)_mean", "final_\(m)_std"] }
        columns += ["threshold_metric", "threshold_value", "seeds_reaching",
                    "env_steps_to_threshold_mean", "env_steps_to_threshold_std",
                    "updates_to_threshold_mean", "updates_to_threshold_std",
                    "flops_to_threshold_mean", "flops_to_threshold_std",
                    "wall_seconds_to_threshold_mean", "wall_seconds_to_threshold_std"]
        func text(_ x: Double?) -> String {
            guard let x else { return "" }
            return x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : CSVField.double(x).text
        }
        func stats(_ values: [Double]) -> [String] {
            let s = SampleStatistics(values)
            return [text(s?.mean), text(s?.std)]
        }
        var rows: [[String]] = []
        for group in pointGroups {
            let runs = group.runs
            var row = [group.point] + group.values + [String(runs[0].batchSize), String(runs.count)]
            row.append(text(SampleStatistics(runs.compactMap { $0.final("update") })?.mean))
            row.append(text(SampleStatistics(runs.compactMap { $0.final("env_steps") })?.mean))
            row.append(text(SampleStatistics(runs.compactMap { $0.final("flops") })?.mean))
            row.append(text(SampleStatistics(runs.compactMap { $0.final("wall_seconds") })?.mean))
            for m in metrics { row += stats(runs.compactMap { $0.final(m) }) }
            let crossings = runs.compactMap { $0.crossing(threshold) }
            row += [threshold.metric, CSVField.double(threshold.value).text, String(crossings.count)]
            row += stats(crossings.map(\.envSteps)) + stats(crossings.map(\.updates)) + stats(crossings.map(\.flops)) + stats(crossings.compactMap(\.wallSeconds))
            rows.append(row)
        }
        return CSVTable(columns: columns, rows: rows)
    }
}
