import Foundation
import RunStorage
import Plotting
import Environments

/// The figures of a sweep report, each a `Figure` (an SVG file).
extension SweepResults {
    /// Legend label of a point: `total-timesteps 20000`, axes joined by commas.
    func label(_ values: [String]) -> String {
        zip(spec.axes, values).map { "\($0.flag) \($1)" }.joined(separator: ", ")
    }

    var metricName: String { spec.effectiveThreshold.metric }

    /// y range of a metric: 0…1 for the environment's rates and accuracies.
    func yRange(_ metric: String) -> ClosedRange<Double>? {
        spec.environment.unitIntervalMetrics.contains(metric) ? 0...1 : nil
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
                  let mx = SampleStatistics(xs), let my = SampleStatistics(ys) else { continue }
            points.append((mx.mean, my.mean))
            if let s = my.std { band.append((mx.mean, my.mean - s, my.mean + s)) }
        }
        return LinePlot.Series(name: "", points: points, band: band)
    }

    /// Every figure this sweep has data for that carries information.
    public func figures() -> [ReportFigure] { figuresAndOmissions().figures }

    /// A figure or panel not drawn, and why, in one line for the report.
    public struct Omission: Sendable, Equatable {
        /// `figure left out` or `panel left out`.
        public var kind: String
        public var reason: String
    }

    /// The figures, and the figures and panels left out because they would
    /// carry no information (a vertical line, a copy of another panel), each
    /// with the reason the report gives.
    public func figuresAndOmissions() -> (figures: [ReportFigure], omitted: [Omission]) {
        guard !runs.isEmpty else { return ([], []) }
        var figures: [ReportFigure] = [], omitted: [Omission] = []
        let curves = learningCurves()
        figures.append(curves.figure)
        omitted += curves.omitted
        let final = finalVersusCompute()
        if let figure = final.figure { figures.append(figure) }
        omitted += final.omitted
        if let c = criticalBatch() {
            figures.append(c)
        } else if Set(runs.map(\.batchSize)).count >= 2 {
            omitted.append(Omission(kind: "figure left out", reason: "critical-batch.svg: fewer than two batch sizes reached the threshold"))
        }
        if let n = noiseScaleFigure() {
            figures.append(n)
        } else if Set(runs.map(\.batchSize)).count >= 2 {
            omitted.append(Omission(kind: "figure left out", reason: "noise-scale.svg: no run logged a positive gradient_noise_scale"))
        }
        if let iso = isoFLOPFigure() { figures.append(iso) }
        if let iso = languageModelIsoFLOPFigure() { figures.append(iso) }
        figures += languageModelFigures()
        figures += spec.environment.evaluationFigures(runs.compactMap { run in
            run.evaluations.map { EvaluatedRun(point: run.point, label: label(run.axisValues), evaluations: $0) }
        })
        return (figures, omitted)
    }

    /// Compute that varies less than this factor between runs draws a final
    /// value against it as a near-vertical line, and supports no fit.
    static let minimumComputeRange = 1.5
    /// FLOPs within 5% of one line: 0.02 decades on a log axis.
    static let sameFLOPsTolerance = 0.05

    /// "every run ends at 81,920 env steps", "FLOPs vary only 1.08× (3.1e+10 to 3.35e+10), less than 1.5×".
    private func describeRange(_ x: String, _ values: [Double]) -> String {
        let lo = values.min() ?? 0, hi = values.max() ?? 0
        // Whole numbers with thousands separators: 81,920.
        func grouped(_ x: Double) -> String {
            let digits = String(Int(x.rounded()))
            return String(digits.reversed().enumerated().map { i, c in i > 0 && i % 3 == 0 && c != "-" ? ",\(c)" : "\(c)" }.joined().reversed())
        }
        if x == "env_steps" {
            return lo == hi ? "every run ends at \(grouped(lo)) env steps"
                : String(format: "env steps vary only %.2f× (%@ to %@), less than %.1f×", hi / lo, grouped(lo), grouped(hi), Self.minimumComputeRange)
        }
        return lo == hi ? String(format: "every run spends %.3g FLOPs", lo)
            : String(format: "FLOPs vary only %.2f× (%.3g to %.3g), less than %.1f×", hi / lo, lo, hi, Self.minimumComputeRange)
    }

    /// Whether FLOPs are one and the same affine function of env steps in
    /// every run (the same warm start, the same FLOPs per env step, within
    /// `sameFLOPsTolerance`): curves against FLOPs then repeat those against
    /// env steps, shifted by less than a line's width on the log axis.
    func flopsFollowEnvSteps() -> Bool {
        let tolerance = Self.sameFLOPsTolerance
        var line: (intercept: Double, slope: Double)?
        for run in runs {
            guard let steps = try? run.progress.doubles("env_steps"), let flops = try? run.progress.doubles("flops") else { return false }
            let points = zip(steps, flops).compactMap { s, f in s.flatMap { s in f.map { (s, $0) } } }
            guard let first = points.first, let last = points.last, last.0 > first.0 else { return false }
            let slope = (last.1 - first.1) / (last.0 - first.0)
            let intercept = first.1 - slope * first.0
            guard points.allSatisfy({ abs(intercept + slope * $0.0 - $0.1) <= tolerance * last.1 }) else { return false }
            if let line {
                // Intercepts (the warm start) compared at the scale of the run's FLOPs: both may be 0.
                guard abs(line.slope - slope) <= tolerance * max(abs(line.slope), abs(slope)),
                      abs(line.intercept - intercept) <= tolerance * last.1 else { return false }
            } else {
                line = (intercept, slope)
            }
        }
        return line != nil
    }

    var seedsText: String {
        let counts = pointGroups.map(\.runs.count)
        let low = counts.min() ?? 0, high = counts.max() ?? 0
        return low == high ? "\(low) seed\(low == 1 ? "" : "s")" : "\(low)–\(high) seeds"
    }

    // (a)
    func learningCurves() -> (figure: ReportFigure, omitted: [Omission]) {
        let metric = metricName
        let secondary = metric == "episodic_return_mean" ? nil : "episodic_return_mean"
        var panels: [LinePlot] = []
        var axes = [("env_steps", "env steps (log scale)"), ("flops", "training FLOPs (log scale)")]
        var omitted: [Omission] = []
        if flopsFollowEnvSteps() {
            axes.removeLast()
            omitted.append(Omission(
                kind: "panel left out",
                reason: "learning curves vs FLOPs: FLOPs follow env steps by the same line in every run (the same FLOPs per env step and warm start, within 5%), so they would repeat the curves vs env steps"))
        }
        // The threshold metric also against the wall clock: what a budget
        // costs in seconds, where cores and workers show (issue 14).
        let hasWallClock = runs.contains { run in
            guard let wall = try? run.progress.doubles("wall_seconds").compactMap({ $0 }), let first = wall.first, let last = wall.last else { return false }
            return last > first
        }
        if !hasWallClock {
            omitted.append(Omission(kind: "panel left out", reason: "\(metric.replacingOccurrences(of: "_", with: " ")) vs wall-clock seconds: no run's wall_seconds advances"))
        }
        for y in [metric] + (secondary.map { [$0] } ?? []) {
            let xAxes = axes + (y == metric && hasWallClock ? [("wall_seconds", "wall-clock seconds (log scale)")] : [])
            for (x, xLabel) in xAxes {
                var series: [LinePlot.Series] = []
                for (i, group) in pointGroups.enumerated() {
                    var s = meanCurve(group.runs, x: x, y: y)
                    s.name = label(group.values)
                    s.color = i
                    series.append(s)
                }
                let yName = y == "episodic_return_mean" ? "return (last 100 episodes)" : y.replacingOccurrences(of: "_", with: " ")
                panels.append(LinePlot(
                    title: "\(yName) vs \(x == "flops" ? "FLOPs" : x == "wall_seconds" ? "wall-clock seconds" : "env steps")", xLabel: xLabel, yLabel: yName,
                    xScale: .log10, yRange: yRange(y), series: series,
                    referenceLines: y == metric ? [.init(y: spec.effectiveThreshold.value, label: "threshold \(spec.effectiveThreshold.value)")] : [],
                    width: LinePlot.width(fitting: series, atLeast: 640), height: 380))
            }
        }
        let finding = learningCurvesFinding()
        return (ReportFigure(
            file: "learning-curves.svg", title: finding,
            caption: "Mean over \(seedsText) (line) and mean ± one standard deviation (band), update by update; x on a log scale."
                + (axes.count == 2 ? " FLOPs count the warm start, rollouts and updates." : "")
                + (hasWallClock ? " Wall-clock seconds count from the start of each run (a warm start included), on the machine and load it ran on; runs trained side by side (--jobs) share its cores." : ""),
            figure: Figure(title: finding, panels: panels, columns: Figure.columns(fitting: panels))), omitted)
    }

    /// A fit explaining less than this share of the variance is not drawn.
    static let minimumFitRSquared = 0.95

    /// "0.412 + 0.118·log10 x" or "0.03·x^0.12".
    func fitSeries(xs: [Double], ys: [Double], color: Int) -> LinePlot.Series {
        let finite = zip(xs, ys).filter { $0.0 > 0 && $0.0.isFinite && $0.1.isFinite }
        guard let lo = finite.map(\.0).min(), let hi = finite.map(\.0).max() else {
            return LinePlot.Series(name: "no fit: no data", points: [], style: .dashed, color: color)
        }
        // A line through points that barely differ in compute says nothing.
        guard hi >= 1.5 * lo else {
            return LinePlot.Series(name: "no fit: compute varies < 1.5×", points: [], style: .dashed, color: color)
        }
        let grid = (0...40).map { lo * pow(hi / lo, Double($0) / 40) }
        // A line through a curve that bends (an S, a plateau) would say the
        // wrong thing about the next doubling: named, not drawn.
        func bends(_ r2: Double) -> LinePlot.Series {
            LinePlot.Series(name: String(format: "no fit drawn: the points bend (a %@ fit explains r² %.2f)", spec.fit == .logLinear ? "log-linear" : "power-law", r2),
                            points: [], style: .dashed, color: color)
        }
        do {
            switch spec.fit {
            case .logLinear:
                let f = try LogLinearFit(x: xs, y: ys)
                if f.rSquared < Self.minimumFitRSquared { return bends(f.rSquared) }
                return LinePlot.Series(
                    name: String(format: "fit %.3g %@ %.3g·log10 x (r² %.2f)", f.intercept, f.slope < 0 ? "−" : "+", abs(f.slope), f.rSquared),
                    points: grid.map { ($0, f.predict($0)) }, style: .dashed, color: color)
            case .powerLaw:
                let f = try PowerLawFit(x: xs, y: ys)
                if f.rSquared < Self.minimumFitRSquared { return bends(f.rSquared) }
                return LinePlot.Series(
                    name: String(format: "fit %.3g·x^%.3g (r² %.2f)", f.coefficient, f.exponent, f.rSquared),
                    points: grid.map { ($0, f.predict($0)) }, style: .dashed, color: color)
            }
        } catch {
            return LinePlot.Series(name: "no fit: \(error)".replacingOccurrences(of: "cannot fit: ", with: ""), points: [], style: .dashed, color: color)
        }
    }

    // (b)
    func finalVersusCompute() -> (figure: ReportFigure?, omitted: [Omission]) {
        let metric = metricName
        let metricText = metric.replacingOccurrences(of: "_", with: " ")
        // Points that differ in more than compute (an IsoFLOP grid of widths
        // × budgets) would pool unlike runs into one zig-zag and one fit.
        if spec.axes.count > 1 {
            return (nil, [Omission(
                kind: "figure left out",
                reason: "final-vs-compute.svg: the points differ in \(axesText), not in compute alone; \(isoFLOP() != nil ? "isoflop.svg draws them per width" : "one curve through them would pool unlike runs")")])
        }
        var panels: [LinePlot] = []
        var fitTexts: [String] = []
        var findings: [String] = []
        var flat: [(axis: String, range: String)] = []
        for (x, xLabel) in [("flops", "training FLOPs (log scale)"), ("env_steps", "env steps (log scale)")] {
            // Compute that barely varies would draw the final metric as a vertical line.
            let xs = runs.compactMap { $0.final(x) }.filter { $0 > 0 && $0.isFinite }
            guard let lo = xs.min(), let hi = xs.max(), hi >= Self.minimumComputeRange * lo else {
                flat.append((x == "flops" ? "FLOPs" : "env steps", xs.isEmpty ? "no run logged \(x)" : describeRange(x, xs)))
                continue
            }
            var seedPoints: [(x: Double, y: Double)] = []
            var meanPoints: [(x: Double, y: Double)] = [], band: [(x: Double, low: Double, high: Double)] = []
            for group in pointGroups {
                let pairs = group.runs.compactMap { run -> (Double, Double)? in
                    guard let a = run.final(x), let b = run.final(metric) else { return nil }
                    return (a, b)
                }
                seedPoints += pairs.map { (x: $0.0, y: $0.1) }
                guard let mx = SampleStatistics(pairs.map(\.0)), let my = SampleStatistics(pairs.map(\.1)) else { continue }
                meanPoints.append((mx.mean, my.mean))
                band.append((mx.mean, my.mean - (my.std ?? 0), my.mean + (my.std ?? 0)))
            }
            let order = meanPoints.indices.sorted { meanPoints[$0].x < meanPoints[$1].x }
            let fit = fitSeries(xs: seedPoints.map(\.x), ys: seedPoints.map(\.y), color: 1)
            findings.append(finalVersusComputeFinding(x: x))
            fitTexts.append("vs \(x == "flops" ? "FLOPs" : "env steps"): \(fit.name)")
            // A fit that is not drawn stays out of the legend; the caption says why.
            var fitShown = fit
            if fit.points.isEmpty { fitShown.name = "" }
            panels.append(LinePlot(
                title: "final \(metric.replacingOccurrences(of: "_", with: " ")) vs \(x == "flops" ? "FLOPs" : "env steps")",
                xLabel: xLabel, yLabel: "final \(metric.replacingOccurrences(of: "_", with: " "))",
                xScale: .log10, yRange: yRange(metric),
                series: [
                    LinePlot.Series(name: "mean ± std over seeds", points: order.map { meanPoints[$0] }, band: order.map { band[$0] }, style: .lineAndMarkers, color: 0),
                    LinePlot.Series(name: "each seed", points: seedPoints, style: .markers, color: 5),
                    fitShown,
                ],
                width: 820, height: 400))
        }
        let why = "would be a near-vertical line"
        if panels.isEmpty {
            return (nil, [Omission(
                kind: "figure left out",
                reason: "final-vs-compute.svg: \(flat.map(\.range).joined(separator: "; ")): final \(metricText) vs compute \(why)")])
        }
        let omitted = flat.map {
            Omission(kind: "panel left out", reason: "final \(metricText) vs \($0.axis): \($0.range), so it \(why)")
        }
        let finding = findings.first ?? "Final \(metricText) against compute"
        return (ReportFigure(
            file: "final-vs-compute.svg", title: finding,
            caption: "One point per point of the sweep (mean over seeds, band ± one standard deviation) and per seed; dashed: \(spec.fit == .logLinear ? "y = a + b·log10 x" : "y = c·x^k") fitted to every seed. \(fitTexts.joined(separator: "; ")).",
            figure: Figure(title: finding, panels: panels, columns: 1)), omitted)
    }

    // (c)
    func criticalBatch() -> ReportFigure? {
        let batches = Set(runs.map(\.batchSize))
        guard batches.count >= 2 else { return nil }
        let threshold = spec.effectiveThreshold
        let thresholdText = "\(threshold.metric) ≥ \(CSVField.double(threshold.value).text)"
        var seedS: [Double] = [], seedE: [Double] = []
        var seedPoints: [(x: Double, y: Double)] = []
        var means: [(b: Double, s: Double, e: Double, sStd: Double, eStd: Double, censored: Bool)] = []
        var missing = 0
        for group in pointGroups {
            let crossings = group.runs.compactMap { $0.crossing(threshold) }
            missing += group.runs.count - crossings.count
            seedS += crossings.map(\.updates)
            seedE += crossings.map(\.envSteps)
            seedPoints += crossings.map { (x: $0.updates, y: $0.envSteps) }
            guard let s = SampleStatistics(crossings.map(\.updates)), let e = SampleStatistics(crossings.map(\.envSteps)) else { continue }
            means.append((Double(group.runs[0].batchSize), s.mean, e.mean, s.std ?? 0, e.std ?? 0, crossings.count < group.runs.count))
        }
        means.sort { $0.b < $1.b }
        // Without two batch sizes that reached the threshold there is nothing to compare.
        guard Set(means.map(\.b)).count >= 2 else { return nil }
        // A mean over only the seeds that got there is censored: open marker.
        let censored = Set(means.indices.filter { means[$0].censored })
        var tradeOff: [LinePlot.Series] = [
            LinePlot.Series(name: "mean per batch size", points: means.map { ($0.s, $0.e) }, style: .lineAndMarkers, color: 0, censored: censored),
            LinePlot.Series(name: "each seed", points: seedPoints, style: .markers, color: 5),
        ]
        var stepsVsB: [LinePlot.Series] = [
            LinePlot.Series(name: "env steps (mean ± std)", points: means.map { ($0.b, $0.e) }, band: means.map { ($0.b, $0.e - $0.eStd, $0.e + $0.eStd) }, style: .lineAndMarkers, color: 0, censored: censored),
        ]
        var updatesVsB: [LinePlot.Series] = [
            LinePlot.Series(name: "updates (mean ± std)", points: means.map { ($0.b, $0.s) }, band: means.map { ($0.b, $0.s - $0.sStd, $0.s + $0.sStd) }, style: .lineAndMarkers, color: 2, censored: censored),
        ]
        var fitText = ""
        var finding = "Larger batches need fewer updates but more env steps to reach \(thresholdText)"
        do {
            let fit = try CriticalBatchFit(steps: seedS, examples: seedE)
            // The fit over the batches swept, so that the axes fit the data.
            let lo = Double(batches.min() ?? 1), hi = Double(batches.max() ?? 1)  // two or more batch sizes here
            let grid = (0...40).map { lo * pow(hi / lo, Double($0) / 40) }
            fitText = String(format: "B_crit ≈ %@ env steps per update (S_min %.3g updates, E_min %@ env steps, rms residual %.2f)",
                             Console.count(Int(fit.criticalBatchSize.rounded())), fit.minSteps, Console.count(Int(fit.minExamples.rounded())), fit.rmsResidual)
            let name = "fit: B_crit ≈ \(Console.count(Int(fit.criticalBatchSize.rounded())))"
            finding += ": past a critical batch of about \(Console.count(Int(fit.criticalBatchSize.rounded()))) env steps per update, doubling the batch mostly doubles the data"
            tradeOff.append(LinePlot.Series(name: name, points: grid.map { (fit.steps(batchSize: $0), fit.examples(batchSize: $0)) }, style: .dashed, color: 1))
            stepsVsB.append(LinePlot.Series(name: name, points: grid.map { ($0, fit.examples(batchSize: $0)) }, style: .dashed, color: 1))
            updatesVsB.append(LinePlot.Series(name: name, points: grid.map { ($0, fit.steps(batchSize: $0)) }, style: .dashed, color: 1))
        } catch {
            fitText = "no critical-batch fit: \(error)"
            tradeOff.append(LinePlot.Series(name: "no fit", points: [], style: .dashed, color: 1))
        }
        let note = missing > 0 ? " (\(missing) run\(missing == 1 ? "" : "s") never reached it)" : ""
        let censorNote = "open: not every seed reached it"
        var panels = [
            LinePlot(title: "env steps vs updates to \(thresholdText)", xLabel: "updates to threshold (log scale)", yLabel: "env steps to threshold",
                     xScale: .log10, yScale: .log10, series: tradeOff, width: 640, height: 400),
            LinePlot(title: "env steps to threshold vs batch", xLabel: "batch size: env steps per update (log scale)", yLabel: "env steps to threshold",
                     xScale: .log10, yScale: .log10, series: stepsVsB, width: 640, height: 400),
            LinePlot(title: "updates to threshold vs batch", xLabel: "batch size: env steps per update (log scale)", yLabel: "updates to threshold",
                     xScale: .log10, yScale: .log10, series: updatesVsB, width: 640, height: 400),
        ]
        for i in panels.indices { panels[i].censoredNote = censorNote }
        return ReportFigure(
            file: "critical-batch.svg", title: finding + note,
            caption: "Each batch size reaches the threshold after S updates and E = B·S env steps; larger batches need fewer updates but more data. Dashed: (S/S_min − 1)(E/E_min − 1) = 1 (McCandlish et al. 2018) fitted to every seed; \(fitText). Open markers: a mean over only the seeds that reached the threshold (the others are censored), so it understates the steps needed.",
            figure: Figure(title: finding + note, panels: panels, columns: Figure.columns(fitting: panels)))
    }
}
