import Foundation

/// The figures of a sweep report, each a `Figure` (an SVG file).
extension SweepResults {
    public struct NamedFigure: Sendable {
        public var file: String
        public var title: String
        public var caption: String
        public var figure: Figure
    }

    /// Legend label of a point: `total-timesteps 20000`, axes joined by commas.
    func label(_ values: [String]) -> String {
        zip(spec.axes, values).map { "\($0.flag) \($1)" }.joined(separator: ", ")
    }

    var metricName: String { spec.effectiveThreshold.metric }

    /// y range of a metric: 0…1 for rates and accuracies.
    func yRange(_ metric: String) -> ClosedRange<Double>? {
        ["accuracy", "digit_accuracy", "success_rate", "path_efficiency", "sample_accuracy"].contains(metric) ? 0...1 : nil
    }

    /// Mean over seeds, update by update (seeds share their x), with mean ± std as a band.
    func meanCurve(_ runs: [SweepRunData], x: String, y: String) -> LinePlot.Series {
        let columns = runs.compactMap { run -> ([Double?], [Double?])? in
            guard let xs = try? run.progress.doubles(x), let ys = try? run.progress.doubles(y) else { return nil }
            return (xs, ys)
        }
        let n = columns.map { $0.0.count }.min() ?? 0
        var points: [(x: Double, y: Double)] = [], band: [(x: Double, low: Double, high: Double)] = []
        for i in 0..<n {
            let xs = columns.compactMap { $0.0[i] }, ys = columns.compactMap { $0.1[i] }
            guard xs.count == columns.count, ys.count == columns.count,
                  let mx = SweepStatistics(xs), let my = SweepStatistics(ys) else { continue }
            points.append((mx.mean, my.mean))
            if let s = my.std { band.append((mx.mean, my.mean - s, my.mean + s)) }
        }
        return LinePlot.Series(name: "", points: points, band: band)
    }

    /// A panel wide enough that no legend entry is cut (the legend gets at
    /// most 30% of the width, ~6.6 px per character).
    static func width(_ series: [LinePlot.Series], atLeast base: Double) -> Double {
        let chars = series.map(\.name.count).max() ?? 0
        return max(base, (Double(chars) * 6.6 + 40) / 0.3)
    }

    /// Two panels per row unless they are too wide to read side by side.
    static func columns(_ panels: [LinePlot]) -> Int {
        (panels.map(\.width).max() ?? 0) > 700 ? 1 : 2
    }

    /// Every figure this sweep has data for.
    public func figures() -> [NamedFigure] {
        guard !runs.isEmpty else { return [] }
        var out = [learningCurves(), finalVersusCompute()]
        if let c = criticalBatch() { out.append(c) }
        if let d = testTimeCompute() { out.append(d) }
        return out
    }

    var seedsText: String {
        let counts = Set(pointGroups.map(\.runs.count))
        return counts.count == 1 ? "\(counts.first!) seed\(counts.first! == 1 ? "" : "s")" : "\(counts.min()!)–\(counts.max()!) seeds"
    }

    // (a)
    func learningCurves() -> NamedFigure {
        let metric = metricName
        let secondary = metric == "episodic_return_mean" ? nil : "episodic_return_mean"
        var panels: [LinePlot] = []
        for y in [metric] + (secondary.map { [$0] } ?? []) {
            for (x, xLabel) in [("env_steps", "env steps (log scale)"), ("flops", "training FLOPs (log scale)")] {
                var series: [LinePlot.Series] = []
                for (i, group) in pointGroups.enumerated() {
                    var s = meanCurve(group.runs, x: x, y: y)
                    s.name = label(group.values)
                    s.color = i
                    series.append(s)
                }
                let yName = y == "episodic_return_mean" ? "return (last 100 episodes)" : y.replacingOccurrences(of: "_", with: " ")
                panels.append(LinePlot(
                    title: "\(yName) vs \(x == "flops" ? "FLOPs" : "env steps")", xLabel: xLabel, yLabel: yName,
                    xScale: .log10, yRange: yRange(y), series: series,
                    referenceLines: y == metric ? [.init(y: spec.effectiveThreshold.value, label: "threshold \(spec.effectiveThreshold.value)")] : [],
                    width: Self.width(series, atLeast: 640), height: 380))
            }
        }
        return NamedFigure(
            file: "learning-curves.svg", title: "Learning curves per budget",
            caption: "Mean over \(seedsText) (line) and mean ± one standard deviation (band), update by update; x on a log scale. FLOPs count the warm start, rollouts and updates.",
            figure: Figure(panels: panels, columns: Self.columns(panels)))
    }

    /// "0.412 + 0.118·log10 x" or "0.03·x^0.12".
    func fitSeries(xs: [Double], ys: [Double], color: Int, yMetric: String) -> LinePlot.Series {
        let finite = zip(xs, ys).filter { $0.0 > 0 && $0.0.isFinite && $0.1.isFinite }
        guard let lo = finite.map(\.0).min(), let hi = finite.map(\.0).max() else {
            return LinePlot.Series(name: "no fit: no data", points: [], style: .dashed, color: color)
        }
        // A line through points that barely differ in compute says nothing.
        guard hi >= 1.5 * lo else {
            return LinePlot.Series(name: "no fit: compute varies < 1.5×", points: [], style: .dashed, color: color)
        }
        let grid = (0...40).map { lo * pow(hi / lo, Double($0) / 40) }
        do {
            switch spec.fit {
            case .logLinear:
                let f = try LogLinearFit(x: xs, y: ys)
                return LinePlot.Series(
                    name: String(format: "fit %.3g %@ %.3g·log10 x (r² %.2f)", f.intercept, f.slope < 0 ? "−" : "+", abs(f.slope), f.rSquared),
                    points: grid.map { ($0, f.predict($0)) }, style: .dashed, color: color)
            case .powerLaw:
                let f = try PowerLawFit(x: xs, y: ys)
                return LinePlot.Series(
                    name: String(format: "fit %.3g·x^%.3g (r² %.2f)", f.coefficient, f.exponent, f.rSquared),
                    points: grid.map { ($0, f.predict($0)) }, style: .dashed, color: color)
            }
        } catch {
            return LinePlot.Series(name: "no fit: \(error)".replacingOccurrences(of: "cannot fit: ", with: ""), points: [], style: .dashed, color: color)
        }
    }

    // (b)
    func finalVersusCompute() -> NamedFigure {
        let metric = metricName
        var panels: [LinePlot] = []
        var fitTexts: [String] = []
        for (x, xLabel) in [("flops", "training FLOPs (log scale)"), ("env_steps", "env steps (log scale)")] {
            var seedPoints: [(x: Double, y: Double)] = []
            var meanPoints: [(x: Double, y: Double)] = [], band: [(x: Double, low: Double, high: Double)] = []
            for group in pointGroups {
                let pairs = group.runs.compactMap { run -> (Double, Double)? in
                    guard let a = run.final(x), let b = run.final(metric) else { return nil }
                    return (a, b)
                }
                seedPoints += pairs.map { (x: $0.0, y: $0.1) }
                guard let mx = SweepStatistics(pairs.map(\.0)), let my = SweepStatistics(pairs.map(\.1)) else { continue }
                meanPoints.append((mx.mean, my.mean))
                band.append((mx.mean, my.mean - (my.std ?? 0), my.mean + (my.std ?? 0)))
            }
            let order = meanPoints.indices.sorted { meanPoints[$0].x < meanPoints[$1].x }
            let fit = fitSeries(xs: seedPoints.map(\.x), ys: seedPoints.map(\.y), color: 1, yMetric: metric)
            fitTexts.append("vs \(x == "flops" ? "FLOPs" : "env steps"): \(fit.name)")
            panels.append(LinePlot(
                title: "final \(metric.replacingOccurrences(of: "_", with: " ")) vs \(x == "flops" ? "FLOPs" : "env steps")",
                xLabel: xLabel, yLabel: "final \(metric.replacingOccurrences(of: "_", with: " "))",
                xScale: .log10, yRange: yRange(metric),
                series: [
                    LinePlot.Series(name: "mean ± std over seeds", points: order.map { meanPoints[$0] }, band: order.map { band[$0] }, style: .lineAndMarkers, color: 0),
                    LinePlot.Series(name: "each seed", points: seedPoints, style: .markers, color: 5),
                    fit,
                ],
                width: 820, height: 400))
        }
        return NamedFigure(
            file: "final-vs-compute.svg", title: "Final \(metric) vs compute",
            caption: "One point per point of the sweep (mean over seeds, band ± one standard deviation) and per seed; dashed: \(spec.fit == .logLinear ? "y = a + b·log10 x" : "y = c·x^k") fitted to every seed. \(fitTexts.joined(separator: "; ")).",
            figure: Figure(panels: panels, columns: 1))
    }

    // (c)
    func criticalBatch() -> NamedFigure? {
        let batches = Set(runs.map(\.batchSize))
        guard batches.count >= 2 else { return nil }
        let threshold = spec.effectiveThreshold
        let thresholdText = "\(threshold.metric) ≥ \(CSVField.double(threshold.value).text)"
        var seedS: [Double] = [], seedE: [Double] = []
        var seedPoints: [(x: Double, y: Double)] = []
        var means: [(b: Double, s: Double, e: Double, sStd: Double, eStd: Double)] = []
        var missing = 0
        for group in pointGroups {
            let crossings = group.runs.compactMap { $0.crossing(threshold) }
            missing += group.runs.count - crossings.count
            seedS += crossings.map(\.updates)
            seedE += crossings.map(\.envSteps)
            seedPoints += crossings.map { (x: $0.updates, y: $0.envSteps) }
            guard let s = SweepStatistics(crossings.map(\.updates)), let e = SweepStatistics(crossings.map(\.envSteps)) else { continue }
            means.append((Double(group.runs[0].batchSize), s.mean, e.mean, s.std ?? 0, e.std ?? 0))
        }
        means.sort { $0.b < $1.b }
        // Without two batch sizes that reached the threshold there is nothing to compare.
        guard Set(means.map(\.b)).count >= 2 else { return nil }
        var tradeOff: [LinePlot.Series] = [
            LinePlot.Series(name: "mean per batch size", points: means.map { ($0.s, $0.e) }, style: .lineAndMarkers, color: 0),
            LinePlot.Series(name: "each seed", points: seedPoints, style: .markers, color: 5),
        ]
        var stepsVsB: [LinePlot.Series] = [
            LinePlot.Series(name: "env steps (mean ± std)", points: means.map { ($0.b, $0.e) }, band: means.map { ($0.b, $0.e - $0.eStd, $0.e + $0.eStd) }, style: .lineAndMarkers, color: 0),
        ]
        var updatesVsB: [LinePlot.Series] = [
            LinePlot.Series(name: "updates (mean ± std)", points: means.map { ($0.b, $0.s) }, band: means.map { ($0.b, $0.s - $0.sStd, $0.s + $0.sStd) }, style: .lineAndMarkers, color: 2),
        ]
        var fitText = ""
        do {
            let fit = try CriticalBatchFit(steps: seedS, examples: seedE)
            let lo = Double(batches.min()!) / 4, hi = Double(batches.max()!) * 4
            let grid = (0...40).map { lo * pow(hi / lo, Double($0) / 40) }
            fitText = String(format: "B_crit ≈ %@ env steps per update (S_min %.3g updates, E_min %@ env steps, rms residual %.2f)",
                             Console.count(Int(fit.criticalBatchSize.rounded())), fit.minSteps, Console.count(Int(fit.minExamples.rounded())), fit.rmsResidual)
            let name = "fit: B_crit ≈ \(Console.count(Int(fit.criticalBatchSize.rounded())))"
            tradeOff.append(LinePlot.Series(name: name, points: grid.map { (fit.steps(batchSize: $0), fit.examples(batchSize: $0)) }, style: .dashed, color: 1))
            stepsVsB.append(LinePlot.Series(name: name, points: grid.map { ($0, fit.examples(batchSize: $0)) }, style: .dashed, color: 1))
            updatesVsB.append(LinePlot.Series(name: name, points: grid.map { ($0, fit.steps(batchSize: $0)) }, style: .dashed, color: 1))
        } catch {
            fitText = "no critical-batch fit: \(error)"
            tradeOff.append(LinePlot.Series(name: "no fit", points: [], style: .dashed, color: 1))
        }
        let note = missing > 0 ? " (\(missing) run\(missing == 1 ? "" : "s") never reached it)" : ""
        let panels = [
            LinePlot(title: "env steps vs updates to \(thresholdText)", xLabel: "updates to threshold (log scale)", yLabel: "env steps to threshold",
                     xScale: .log10, yScale: .log10, series: tradeOff, width: 640, height: 400),
            LinePlot(title: "env steps to threshold vs batch", xLabel: "batch size: env steps per update (log scale)", yLabel: "env steps to threshold",
                     xScale: .log10, yScale: .log10, series: stepsVsB, width: 640, height: 400),
            LinePlot(title: "updates to threshold vs batch", xLabel: "batch size: env steps per update (log scale)", yLabel: "updates to threshold",
                     xScale: .log10, yScale: .log10, series: updatesVsB, width: 640, height: 400),
        ]
        return NamedFigure(
            file: "critical-batch.svg", title: "Data vs steps: env steps and updates to \(thresholdText)\(note)",
            caption: "Each batch size reaches the threshold after S updates and E = B·S env steps; larger batches need fewer updates but more data. Dashed: (S/S_min − 1)(E/E_min − 1) = 1 (McCandlish et al. 2018) fitted to every seed; \(fitText).",
            figure: Figure(panels: panels, columns: 2))
    }

    // (d)
    func testTimeCompute() -> NamedFigure? {
        struct Key: Hashable { var point: String; var digits: Int; var think: Int; var samples: Int }
        var accuracy: [Key: [Double]] = [:], tokens: [Key: [Double]] = [:]
        var pointOrder: [String] = [], labels: [String: String] = [:]
        for run in runs {
            guard let table = run.evaluations, let stage = try? table.column("stage"),
                  let d = try? table.doubles("digits"), let t = try? table.doubles("think_budget"),
                  let s = try? table.doubles("samples"), let a = try? table.doubles("accuracy"),
                  let k = try? table.doubles("think_tokens_mean") else { continue }
            for i in stage.indices where stage[i] == "eval" {
                guard let d = d[i], let t = t[i], let s = s[i], let a = a[i] else { continue }
                let key = Key(point: run.point, digits: Int(d), think: Int(t), samples: Int(s))
                accuracy[key, default: []].append(a)
                tokens[key, default: []].append(k[i] ?? .nan)
                if labels[run.point] == nil { pointOrder.append(run.point); labels[run.point] = label(run.axisValues) }
            }
        }
        guard !accuracy.isEmpty else { return nil }
        let digits = Set(accuracy.keys.map(\.digits)).sorted()
        let thinks = Set(accuracy.keys.map(\.think)).sorted()
        let samples = Set(accuracy.keys.map(\.samples)).sorted()
        // Only worth a figure when test-time compute varies.
        guard thinks.count > 1 || samples.count > 1 else { return nil }
        let several = pointOrder.count > 1
        var panels: [LinePlot] = []
        for d in digits {
            var bySamples: [LinePlot.Series] = [], byTokens: [LinePlot.Series] = []
            // Colour: the evaluation setting; line style: the point (solid
            // with markers for the first, dashed for the others), so the
            // same setting reads alike across points.
            for (pi, p) in pointOrder.enumerated() {
                for (color, t) in thinks.enumerated() {
                    let keys = samples.map { Key(point: p, digits: d, think: t, samples: $0) }.filter { accuracy[$0] != nil }
                    guard !keys.isEmpty else { continue }
                    let stats = keys.map { SweepStatistics(accuracy[$0]!)! }
                    let name = (several ? "\(labels[p]!) · " : "") + "eval think budget \(t)"
                    bySamples.append(LinePlot.Series(
                        name: name, points: zip(keys, stats).map { (Double($0.samples), $1.mean) },
                        band: zip(keys, stats).map { (Double($0.samples), $1.mean - ($1.std ?? 0), $1.mean + ($1.std ?? 0)) },
                        style: pi == 0 ? .lineAndMarkers : .dashed, color: color))
                }
            }
            for (pi, p) in pointOrder.enumerated() {
                for (color, s) in samples.enumerated() {
                    let keys = thinks.map { Key(point: p, digits: d, think: $0, samples: s) }.filter { accuracy[$0] != nil }
                    guard !keys.isEmpty else { continue }
                    let pts = keys.compactMap { k -> (x: Double, y: Double)? in
                        guard let x = SweepStatistics(tokens[k]!), let y = SweepStatistics(accuracy[k]!) else { return nil }
                        return (x.mean, y.mean)
                    }
                    let name = (several ? "\(labels[p]!) · " : "") + (s == 1 ? "greedy" : "vote of \(s)")
                    byTokens.append(LinePlot.Series(name: name, points: pts, style: pi == 0 ? .lineAndMarkers : .dashed, color: color))
                }
            }
            panels.append(LinePlot(
                title: "\(d)-digit problems: accuracy vs samples", xLabel: "samples per problem, majority vote (log scale)", yLabel: "exact-match accuracy",
                xScale: .log10, yRange: 0...1, series: bySamples, width: Self.width(bySamples + byTokens, atLeast: 640), height: 380))
            panels.append(LinePlot(
                title: "\(d)-digit problems: accuracy vs thinking", xLabel: "think tokens per problem (points: think budgets \(thinks.map(String.init).joined(separator: ", ")))", yLabel: "exact-match accuracy",
                yRange: 0...1, series: byTokens, width: Self.width(bySamples + byTokens, atLeast: 640), height: 380))
        }
        return NamedFigure(
            file: "test-time-compute.svg", title: "Accuracy vs test-time compute",
            caption: "Held-out accuracy of the trained policies when evaluation may think more (think budget per column) or sample several solutions and take the majority answer; mean over \(seedsText), band ± one standard deviation.",
            figure: Figure(panels: panels, columns: Self.columns(panels)))
    }
}
