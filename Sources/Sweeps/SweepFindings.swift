import Foundation
import RunStorage
import Plotting

/// The titles of a sweep's figures: each states what the figure shows — its
/// finding, computed from the runs — rather than naming its axes, so that a
/// re-run with other results retitles itself.
extension SweepResults {
    /// "0.61", or "12,345" for large values.
    static func value(_ v: Double) -> String {
        abs(v) >= 100 ? Console.count(Int(v.rounded())) : String(format: abs(v) >= 10 ? "%.1f" : "%.2f", v)
    }

    var metricText: String { metricName == "episodic_return_mean" ? "return" : metricName.replacingOccurrences(of: "_", with: " ") }

    /// The final metric's mean over seeds per point, in the sweep's order.
    var finalMeans: [(label: String, mean: Double)] {
        pointGroups.compactMap { group in
            SampleStatistics(group.runs.compactMap { $0.final(metricName) }).map { (label(group.values), $0.mean) }
        }
    }

    /// How the final metric moves along a sequence of means: "rises from
    /// 0.61 to 0.99", "rises from 0.61 to 0.99, levelling off", "stays at
    /// 0.87", or "peaks at 0.93 (label)".
    static func trend(_ means: [(label: String, mean: Double)], tolerance: Double = 0.01) -> String {
        guard let first = means.first, let last = means.last, let best = means.max(by: { $0.mean < $1.mean }),
              let worst = means.min(by: { $0.mean < $1.mean }) else { return "has no data" }
        if best.mean - worst.mean <= tolerance { return "stays at \(value(first.mean))" }
        let steps = zip(means, means.dropFirst()).map { $1.mean - $0.mean }
        let levelling = means.count >= 3 && abs(steps.last ?? 0) <= tolerance ? ", levelling off" : ""
        if steps.allSatisfy({ $0 >= -tolerance }) { return "rises from \(value(first.mean)) to \(value(last.mean))\(levelling)" }
        if steps.allSatisfy({ $0 <= tolerance }) { return "falls from \(value(first.mean)) to \(value(last.mean))\(levelling)" }
        return "peaks at \(value(best.mean)) (\(best.label)), from \(value(first.mean)) at \(first.label) to \(value(last.mean)) at \(last.label)"
    }

    /// The sweep's axes in words: "total-timesteps", "cores".
    var axesText: String { spec.axes.map(\.flag).joined(separator: " × ") }

    /// Learning curves: how the final metric moves along the sweep, and when
    /// it does not move, which point gets to the threshold first on the clock.
    func learningCurvesFinding() -> String {
        let means = finalMeans
        if pointGroups.count == 1, let only = means.first {
            return "Learning curves at \(label(pointGroups[0].values)) (final \(metricText) \(Self.value(only.mean)))"
        }
        let trend = Self.trend(means)
        var out = "Across \(axesText), final \(metricText) \(trend)"
        if trend.hasPrefix("stays") {
            out = "Every value of \(axesText) learns the same \(metricText) curve (final \(Self.value(means.first?.mean ?? 0)))"
            let t = spec.effectiveThreshold
            let walls = pointGroups.compactMap { group -> (String, Double)? in
                SampleStatistics(group.runs.compactMap { $0.crossing(t)?.wallSeconds }).map { (label(group.values), $0.mean) }
            }.sorted { $0.1 < $1.1 }
            if walls.count >= 2, let fast = walls.first, let slow = walls.last, slow.1 > fast.1 * 1.05 {
                out += String(format: "; %@ reaches %@ first on the clock, %.2f× the time of %@", fast.0, CSVField.double(t.value).text, fast.1 / slow.1, slow.0)
            }
        }
        return out
    }

    /// Final metric against compute, over the doublings the sweep spans.
    func finalVersusComputeFinding(x: String) -> String {
        let means = pointGroups.compactMap { group -> (label: String, x: Double, mean: Double)? in
            let xs = group.runs.compactMap { $0.final(x) }, ys = group.runs.compactMap { $0.final(metricName) }
            guard let mx = SampleStatistics(xs), let my = SampleStatistics(ys) else { return nil }
            return (label(group.values), mx.mean, my.mean)
        }.sorted { $0.x < $1.x }
        guard let lo = means.first?.x, let hi = means.last?.x, lo > 0 else { return "Final \(metricText) against compute" }
        let doublings = log2(hi / lo)
        let unit = x == "flops" ? "training FLOPs" : "env steps"
        return "Final \(metricText) \(Self.trend(means.map { ($0.label, $0.mean) })) over \(String(format: "%.1f", doublings)) doublings of \(unit)"
    }
}
