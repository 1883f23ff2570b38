import Foundation
import RunStorage
import Plotting

/// `rl-methods.svg`, when a language-model sweep's first axis is `algo`:
/// the methods side by side from the same SFT start (a seed's SFT does not
/// depend on the algorithm), against what they cost in samples — held-out
/// accuracy on the longest size, greedy and sampled, and the sampled
/// completion length, against the completion tokens RL has sampled so far.
/// Expert iteration and GRPO sample the same prompts and group sizes per
/// step, but their completions' lengths drift apart; tokens are the fair x.
extension SweepResults {
    func rlMethods(accuracy: [TextEvaluationKey: [Double]], tokens: [TextEvaluationKey: [Double]]) -> ReportFigure? {
        guard let axis = spec.axes.first, axis.flag == "algo", pointGroups.count >= 2,
              let longest = Set(accuracy.keys.map(\.digits)).max() else { return nil }
        let methods = pointGroups.compactMap { group -> (name: String, point: String)? in
            guard let run = group.runs.first else { return nil }
            return (run.axisValues[0], run.point)
        }
        // Per method and RL step, the completion tokens sampled so far, one value per seed.
        var sampledSoFar: [String: [Int: [Double]]] = [:]
        for run in runs {
            guard let steps = try? run.progress.doubles("step"), let sampled = try? run.progress.doubles("sampled_tokens") else { continue }
            var total = 0.0
            for (step, n) in zip(steps, sampled) {
                guard let step else { continue }
                total += n ?? 0
                sampledSoFar[run.point, default: [:]][Int(step), default: []].append(total)
            }
        }
        func curve(_ values: [TextEvaluationKey: [Double]], _ point: String, _ selection: String, _ digits: Int?) -> [(x: Double, stats: SampleStatistics)] {
            let keys = values.keys.filter { $0.point == point && $0.selection == selection && (digits == nil || $0.digits == digits) }
            return Set(keys.map(\.step)).sorted().compactMap { s in
                guard let x = SampleStatistics(sampledSoFar[point]?[s] ?? (s == 0 ? [0] : [])) else { return nil }
                // Several sizes (digits nil): each seed's mean over them.
                let sizes = Set(keys.map(\.digits)).sorted()
                let perSize = sizes.compactMap { values[TextEvaluationKey(point: point, digits: $0, selection: selection, step: s)] }
                guard let count = perSize.map(\.count).min(), count > 0 else { return nil }
                let perSeed = (0..<count).map { i in perSize.map { $0[i] }.reduce(0, +) / Double(perSize.count) }
                return SampleStatistics(perSeed).map { (x.mean, $0) }
            }
        }
        func series(_ values: [TextEvaluationKey: [Double]], _ selection: String, _ digits: Int?) -> [LinePlot.Series] {
            methods.enumerated().map { color, m in
                LinePlot.Series(name: m.name, means: curve(values, m.point, selection, digits), style: .lineAndMarkers, color: color)
            }
        }
        let greedy = series(accuracy, "greedy", longest)
        let xLabel = "completion tokens sampled by RL so far"
        let panels = [
            LinePlot(title: "\(longest)-digit held-out accuracy, greedy", xLabel: xLabel, yLabel: "exact-match accuracy",
                     yRange: 0...1, series: greedy, width: 520, height: 340),
            LinePlot(title: "\(longest)-digit held-out accuracy, one sample", xLabel: xLabel, yLabel: "exact-match accuracy",
                     yRange: 0...1, series: series(accuracy, "sample", longest), width: 520, height: 340),
            LinePlot(title: "Sampled completion length, all sizes", xLabel: xLabel, yLabel: "tokens per completion",
                     series: series(tokens, "sample", nil), width: 520, height: 340),
        ]
        // The finding: each method's accuracy where the method that sampled least stops.
        let sampled = panels[1].series
        let reach = (greedy + sampled).compactMap { $0.points.last?.x }.min() ?? 0
        func ends(_ series: [LinePlot.Series]) -> String {
            series.compactMap { s in Self.interpolate(s.points, at: reach).map { String(format: "%@ %.0f%%", s.name, 100 * $0) } }
                .joined(separator: ", ")
        }
        func start(_ series: [LinePlot.Series]) -> String {
            series.first?.points.first.map { String(format: "%.0f%%", 100 * $0.y) } ?? "?"
        }
        let title = "From one SFT start, after \(Console.count(Int(reach))) sampled tokens, \(longest)-digit held-out accuracy of one sample: "
            + "\(start(sampled)) → \(ends(sampled)) (greedy: \(start(greedy)) → \(ends(greedy)))"
        let seeds = pointGroups.map(\.runs.count).max() ?? 0
        return ReportFigure(file: "rl-methods.svg", title: title,
                            caption: "Each seed's SFT model is shared by the methods (SFT does not depend on --algo); every RL step samples the same prompts and group sizes. x: the completion tokens RL has sampled, mean over \(seeds) seed\(seeds == 1 ? "" : "s"); y: held-out accuracy, mean, band ± one standard deviation. The title compares the methods where the one that sampled least stops.",
                            figure: Figure(title: title, panels: panels, columns: 3))
    }

    /// y at x on a polyline sorted by x; nil outside it.
    static func interpolate(_ points: [(x: Double, y: Double)], at x: Double) -> Double? {
        guard let first = points.first, let last = points.last, x >= first.x, x <= last.x else { return nil }
        for (a, b) in zip(points, points.dropFirst()) where x <= b.x {
            return b.x == a.x ? b.y : a.y + (b.y - a.y) * (x - a.x) / (b.x - a.x)
        }
        return last.y
    }
}
