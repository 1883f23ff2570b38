import Plotting
import RunStorage

/// Arithmetic's own figure in a sweep report: held-out accuracy against
/// test-time compute (think budget per column, majority-vote samples).
extension ArithmeticSettings {
    public static func evaluationFigures(_ runs: [EvaluatedRun]) -> [ReportFigure] {
        testTimeCompute(runs).map { [$0] } ?? []
    }

    static func testTimeCompute(_ runs: [EvaluatedRun]) -> ReportFigure? {
        struct Key: Hashable { var point: String; var digits: Int; var think: Int; var samples: Int }
        var accuracy: [Key: [Double]] = [:], tokens: [Key: [Double]] = [:]
        var pointOrder: [String] = [], labels: [String: String] = [:], seeds: [String: Int] = [:]
        for run in runs {
            let table = run.evaluations
            guard let stage = try? table.column("stage"),
                  let d = try? table.doubles("digits"), let t = try? table.doubles("think_budget"),
                  let s = try? table.doubles("samples"), let a = try? table.doubles("accuracy"),
                  let k = try? table.doubles("think_tokens_mean") else { continue }
            var counted = false
            for i in stage.indices where stage[i] == "eval" {
                guard let d = d[i], let t = t[i], let s = s[i], let a = a[i] else { continue }
                let key = Key(point: run.point, digits: Int(d), think: Int(t), samples: Int(s))
                accuracy[key, default: []].append(a)
                tokens[key, default: []].append(k[i] ?? .nan)
                if labels[run.point] == nil { pointOrder.append(run.point); labels[run.point] = run.label }
                if !counted { seeds[run.point, default: 0] += 1; counted = true }
            }
        }
        guard !accuracy.isEmpty else { return nil }
        let digits = Set(accuracy.keys.map(\.digits)).sorted()
        let thinks = Set(accuracy.keys.map(\.think)).sorted()
        let samples = Set(accuracy.keys.map(\.samples)).sorted()
        // Only worth a figure when test-time compute varies.
        guard thinks.count > 1 || samples.count > 1 else { return nil }
        let several = pointOrder.count > 1
        func label(_ point: String) -> String { labels[point] ?? point }
        var panels: [LinePlot] = []
        for d in digits {
            var bySamples: [LinePlot.Series] = [], byTokens: [LinePlot.Series] = []
            // Colour: the evaluation setting; line style: the point (solid
            // with markers for the first, dashed for the others), so the
            // same setting reads alike across points.
            for (pi, p) in pointOrder.enumerated() {
                for (color, t) in thinks.enumerated() {
                    let measured = samples.compactMap { s -> (samples: Int, stats: SampleStatistics)? in
                        let key = Key(point: p, digits: d, think: t, samples: s)
                        return accuracy[key].flatMap(SampleStatistics.init).map { (s, $0) }
                    }
                    guard !measured.isEmpty else { continue }
                    let name = (several ? "\(label(p)) · " : "") + "eval think budget \(t)"
                    bySamples.append(LinePlot.Series(name: name, means: measured.map { (Double($0.samples), $0.stats) },
                                                     style: pi == 0 ? .lineAndMarkers : .dashed, color: color))
                }
            }
            for (pi, p) in pointOrder.enumerated() {
                for (color, s) in samples.enumerated() {
                    let pts = thinks.compactMap { t -> (x: Double, y: Double)? in
                        let key = Key(point: p, digits: d, think: t, samples: s)
                        guard let x = tokens[key].flatMap(SampleStatistics.init),
                              let y = accuracy[key].flatMap(SampleStatistics.init) else { return nil }
                        return (x.mean, y.mean)
                    }
                    guard !pts.isEmpty else { continue }
                    let name = (several ? "\(label(p)) · " : "") + (s == 1 ? "greedy" : "vote of \(s)")
                    byTokens.append(LinePlot.Series(name: name, points: pts, style: pi == 0 ? .lineAndMarkers : .dashed, color: color))
                }
            }
            let width = LinePlot.width(fitting: bySamples + byTokens, atLeast: 640)
            panels.append(LinePlot(
                title: "\(d)-digit problems: accuracy vs samples", xLabel: "samples per problem, majority vote (log scale)", yLabel: "exact-match accuracy",
                xScale: .log10, yRange: 0...1, series: bySamples, width: width, height: 380))
            panels.append(LinePlot(
                title: "\(d)-digit problems: accuracy vs thinking", xLabel: "think tokens per problem (points: think budgets \(thinks.map(String.init).joined(separator: ", ")))", yLabel: "exact-match accuracy",
                yRange: 0...1, series: byTokens, width: width, height: 380))
        }
        // The finding, on the longest problems of the first point: what
        // sampling more and thinking more each do to accuracy.
        var findings: [String] = []
        if let p = pointOrder.first, let d = digits.last {
            func mean(_ t: Int, _ s: Int) -> Double? { accuracy[Key(point: p, digits: d, think: t, samples: s)].flatMap(SampleStatistics.init)?.mean }
            let pct = { (v: Double) in String(format: "%.0f%%", 100 * v) }
            if samples.count > 1, let t = thinks.last, let one = samples.first, let many = samples.last, let a = mean(t, one), let b = mean(t, many) {
                findings.append("a vote of \(many) samples moves accuracy from \(pct(a)) (\(one == 1 ? "greedy" : "\(one) samples")) to \(pct(b))")
            }
            if thinks.count > 1, let s = samples.first, let low = thinks.first, let high = thinks.last, let a = mean(low, s), let b = mean(high, s) {
                findings.append("raising the think budget from \(low) to \(high) moves it from \(pct(a)) to \(pct(b))")
            }
            if !findings.isEmpty { findings[0] = "On \(d)-digit problems\(several ? " (\(label(p)))" : ""), " + findings[0] }
        }
        let finding = findings.isEmpty ? "Accuracy against test-time compute" : findings.joined(separator: "; ")
        let counts = Set(seeds.values)
        let low = counts.min() ?? 0, high = counts.max() ?? 0
        let seedsText = low == high ? "\(low) seed\(low == 1 ? "" : "s")" : "\(low)–\(high) seeds"
        return ReportFigure(
            file: "test-time-compute.svg", title: finding,
            caption: "Held-out accuracy of the trained policies when evaluation may think more (think budget per column) or sample several solutions and take the majority answer; mean over \(seedsText), band ± one standard deviation.",
            figure: Figure(title: finding, panels: panels, columns: Figure.columns(fitting: panels)))
    }
}
