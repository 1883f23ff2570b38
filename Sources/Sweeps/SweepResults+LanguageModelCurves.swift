import Foundation
import RunStorage
import Plotting

/// `lm-over-rl.svg`, for a language-model sweep that neither mixes formats
/// at its start (`thinking-over-rl.svg` is about that) nor compares think
/// costs or algorithms (`router.svg`, `rl-methods.svg`): held-out accuracy
/// per size over RL steps, greedy and one sample, each point a colour; the
/// sampled completion length; and, where the completions write working,
/// the fraction of its steps that are right and, for a task whose working is
/// a search (countdown), how often a completion tries again after a miss.
/// The title gives each size's greedy accuracy after SFT and after RL, the
/// caption the smallest gain of any seed.
extension SweepResults {
    func accuracyOverRL(accuracy: [TextEvaluationKey: [Double]], tokens: [TextEvaluationKey: [Double]]) -> ReportFigure? {
        let points = pointGroups.compactMap { group -> (point: String, label: String)? in
            guard let run = group.runs.first else { return nil }
            return (run.point, zip(spec.axes, run.axisValues).map { "\($0.flag) \($1)" }.joined(separator: ", "))
        }
        let sizes = Set(accuracy.keys.map(\.digits)).sorted()
        let steps = Set(accuracy.keys.map(\.step)).sorted()
        guard !points.isEmpty, !sizes.isEmpty, let first = steps.first, let last = steps.last, steps.count >= 2 else { return nil }
        let retries = textEvaluations("retry_fraction")
        let label = sizeLabels()
        let single = points.count == 1

        func curve(_ values: [TextEvaluationKey: [Double]], _ point: String, _ selection: String, _ size: Int?) -> [(x: Double, stats: SampleStatistics)] {
            let chosen = size.map { [$0] } ?? sizes
            return steps.compactMap { s in
                // Several sizes: each seed's mean over them.
                let perSize = chosen.compactMap { values[TextEvaluationKey(point: point, digits: $0, selection: selection, step: s)] }
                guard perSize.count == chosen.count, let count = perSize.map(\.count).min(), count > 0 else { return nil }
                let perSeed = (0..<count).map { i in perSize.map { $0[i] }.reduce(0, +) / Double(perSize.count) }
                return SampleStatistics(perSeed).map { (Double(s), $0) }
            }
        }
        var panels: [LinePlot] = []
        for size in sizes {
            var series: [LinePlot.Series] = []
            for (color, p) in points.enumerated() {
                series.append(LinePlot.Series(name: single ? "greedy" : p.label, means: curve(accuracy, p.point, "greedy", size),
                                              style: .lineAndMarkers, color: color))
                series.append(LinePlot.Series(name: single ? "one sample" : "", means: curve(accuracy, p.point, "sample", size),
                                              style: .dashed, color: single ? color + 1 : color))
            }
            panels.append(LinePlot(title: "\(label(size)), held out: greedy (solid), one sample (dashed)", xLabel: "RL step (0: after SFT)",
                                   yLabel: "exact-match accuracy", yRange: 0...1, series: series, width: 520, height: 340))
        }
        let lengths = points.enumerated().map { color, p in
            LinePlot.Series(name: single ? "all sizes" : p.label, means: curve(tokens, p.point, "sample", nil), style: .lineAndMarkers, color: color)
        }
        panels.append(LinePlot(title: "Sampled completion length, all sizes", xLabel: "RL step (0: after SFT)", yLabel: "tokens per completion",
                               series: lengths, width: 520, height: 340))
        // A search's retries, and the steps of working the task's step checker labels right (both unpaid by the reward).
        for (values, title, yLabel) in [(retries, "Sampled completions that try again after a miss", "fraction of completions"),
                                        (textEvaluations("step_accuracy"), "Sampled steps of working that are right", "fraction of steps")] {
            guard let values else { continue }
            let series = points.enumerated().map { color, p in
                LinePlot.Series(name: single ? "all sizes" : p.label, means: curve(values, p.point, "sample", nil), style: .lineAndMarkers, color: color)
            }.filter { !$0.points.isEmpty }
            if !series.isEmpty {
                panels.append(LinePlot(title: title, xLabel: "RL step (0: after SFT)", yLabel: yLabel, yRange: 0...1, series: series, width: 520, height: 340))
            }
        }

        // The finding: greedy accuracy after SFT and after RL per size and point; the smallest gain of any seed.
        let pct = { (v: Double) in String(format: "%.0f%%", 100 * v) }
        var findings: [String] = [], gains: [String] = []
        for p in points {
            let moves = sizes.compactMap { size -> String? in
                let key = { (s: Int) in TextEvaluationKey(point: p.point, digits: size, selection: "greedy", step: s) }
                guard let before = accuracy[key(first)], let after = accuracy[key(last)], before.count == after.count, !before.isEmpty else { return nil }
                let mean = { (v: [Double]) in v.reduce(0, +) / Double(v.count) }
                let least = zip(before, after).map { 100 * ($1 - $0) }.min()!
                gains.append(String(format: "%@%@ %+.1f points", single ? "" : p.label + ", ", label(size), least))
                return "\(label(size)) \(pct(mean(before))) → \(pct(mean(after)))"
            }
            guard !moves.isEmpty else { continue }
            findings.append((single ? "" : "\(p.label): ") + moves.joined(separator: ", "))
        }
        let title = "RL from SFT, greedy held-out accuracy after \(last) steps: " + findings.joined(separator: "; ")
        let seeds = pointGroups.map(\.runs.count).max() ?? 0
        let caption = "After SFT (step 0) and every \(steps.count > 2 ? steps[2] - steps[1] : last - first) RL steps"
            + ", \(problemsPerEvaluation()) held-out problems per size, each answered greedily and by one completion sampled at RL's temperature; mean over \(seeds) seed\(seeds == 1 ? "" : "s"), band ± one standard deviation. "
            + "Smallest gain in greedy accuracy of any seed, SFT to the last step: \(gains.joined(separator: "; "))."
        return ReportFigure(file: "lm-over-rl.svg", title: title, caption: caption,
                            figure: Figure(title: title, panels: panels, columns: Figure.columns(fitting: panels)))
    }

    /// Each size's name as the runs' eval.csv writes its difficulty
    /// (`3 numbers`, `2 digits`), else `D digits`.
    func sizeLabels() -> (Int) -> String {
        var names: [Int: String] = [:]
        for run in runs {
            guard let table = run.evaluations, let digits = try? table.doubles("digits"),
                  let difficulty = try? table.column("difficulty") else { continue }
            for (d, text) in zip(digits, difficulty) {
                guard let d, names[Int(d)] == nil, text.hasPrefix("\(Int(d)) ") else { continue }
                names[Int(d)] = text
            }
        }
        return { d in names[d] ?? "\(d) digit\(d == 1 ? "" : "s")" }
    }

    /// `3 digits` → `3-digit`, `4 numbers` → `4-number`.
    static func adjective(_ size: String) -> String {
        let words = size.split(separator: " ")
        guard words.count == 2 else { return size }
        return "\(words[0])-\(words[1].hasSuffix("s") ? words[1].dropLast() : words[1])"
    }
}
