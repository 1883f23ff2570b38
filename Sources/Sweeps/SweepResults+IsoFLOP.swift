import Foundation
import RunStorage
import Plotting

/// The IsoFLOP analysis of a sweep that crosses a `flop-budget` axis with a
/// `hidden` axis (Hoffmann et al. 2022, approach 2; Hilton et al. 2023 for
/// RL): at each fixed budget C the final metric against width bends — a
/// narrow network learns too little per step, a wide one gets too few steps
/// — and the best width N_opt of a parabola in log width, followed over the
/// budgets, gives the compute-optimal frontier N_opt ∝ C^a.
public struct IsoFLOPAnalysis: Sendable {
    public struct Budget: Sendable {
        public var flops: Double
        /// (width, final metric) of every seed.
        public var seeds: [(width: Double, value: Double)]
        /// Mean ± std over seeds per width, by width.
        public var means: [(width: Double, mean: Double, std: Double)]
        public var fit: LogParabolaFit?
        /// The parabola's peak when it lies strictly inside the swept widths.
        public var optimum: Double?
    }

    public var metric: String
    public var budgets: [Budget]
    /// N_opt ∝ C^a over the budgets with an interior optimum (needs two).
    public var frontier: PowerLawFit?

    /// "N_opt ∝ C^0.41 ± 0.07 (standard error; r² 0.93, 4 budgets); the fitted optimum lies inside the swept widths for 4 of 5 budgets"
    public var text: String {
        let inside = budgets.filter { $0.optimum != nil }.count
        var out = "the fitted optimum lies inside the swept widths for \(inside) of \(budgets.count) budgets"
        if let f = frontier {
            let se = f.exponentStandardError.map { String(format: " ± %.2f", $0) } ?? " (two budgets: no error estimate)"
            out = String(format: "N_opt ∝ C^%.2f%@ (standard error; r² %.2f over %d budgets); ", f.exponent, se, f.rSquared, f.count) + out
        } else {
            out = "no N_opt ∝ C^a fit (fewer than two budgets with an interior optimum); " + out
        }
        return out
    }
}

extension IsoFLOPAnalysis {
    /// Per budget: the mean ± std over seeds per size, a parabola in log size
    /// through every seed, and its optimum where the data bend — the best
    /// size beats both edge sizes by more than their seeds' spread (and by
    /// 0.005 at least): a plateau reaching an edge has no best size,
    /// whatever a parabola through it says. Then N_opt ∝ C^a over the budgets
    /// with an optimum. Nil without any point.
    init?(metric: String, byBudget: [Double: [(width: Double, value: Double)]], higherIsBetter: Bool) {
        let sign: Double = higherIsBetter ? 1 : -1
        let budgets = byBudget.keys.sorted().map { c -> Budget in
            let seeds = byBudget[c] ?? []
            let means = Set(seeds.map(\.width)).sorted().compactMap { w -> (width: Double, mean: Double, std: Double)? in
                SampleStatistics(seeds.filter { $0.width == w }.map(\.value)).map { (w, $0.mean, $0.std ?? 0) }
            }
            let fit = try? LogParabolaFit(x: seeds.map(\.width), y: seeds.map(\.value))
            var optimum = fit?.interiorOptimum(higherIsBetter: higherIsBetter)
            if let best = means.max(by: { sign * $0.mean < sign * $1.mean }), let first = means.first, let last = means.last {
                let bends = [first, last].allSatisfy { edge in
                    sign * (best.mean - edge.mean) > max(0.005, (best.std * best.std + edge.std * edge.std).squareRoot())
                }
                if !bends { optimum = nil }
            }
            return Budget(flops: c, seeds: seeds, means: means, fit: fit, optimum: optimum)
        }
        guard !budgets.isEmpty else { return nil }
        let inside = budgets.compactMap { b in b.optimum.map { (b.flops, $0) } }
        self.init(metric: metric, budgets: budgets, frontier: try? PowerLawFit(x: inside.map(\.0), y: inside.map(\.1)))
    }

    /// The figure's title: the frontier where there is one, else what the
    /// curves are — how far the plateau of near-best widths reaches at each
    /// budget.
    func finding(metricText: String) -> String {
        if let f = frontier {
            return String(format: "The compute-optimal width grows as C^%.2f (r² %.2f over %d budgets)", f.exponent, f.rSquared, f.count)
        }
        let plateaus = budgets.map { b -> Double? in
            guard let best = b.means.max(by: { $0.mean < $1.mean }) else { return nil }
            return b.means.filter { best.mean - $0.mean <= max(0.01, (best.std * best.std + $0.std * $0.std).squareRoot()) }.map(\.width).max()
        }.compactMap { $0 }
        let widths = plateaus.map { String(format: "%.0f", $0) }.joined(separator: ", ")
        let inside = budgets.filter { $0.optimum != nil }.count
        let lead = inside == 0 ? "No budget has a best width inside the sweep" : "Only \(inside) of \(budgets.count) budgets has a best width inside the sweep"
        return "\(lead): \(metricText) is flat up to width \(widths) as the budget doubles, then falls off"
    }
}

extension SweepResults {
    /// The first number of a `--hidden` value: "64,64" → 64.
    static func width(_ hidden: String) -> Double? {
        hidden.split(separator: ",").first.flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }
    }

    /// The analysis, when the sweep crosses `flop-budget` with `hidden`.
    public func isoFLOP() -> IsoFLOPAnalysis? {
        guard let b = spec.axes.firstIndex(where: { $0.flag == SweepSpec.flopBudget }),
              let h = spec.axes.firstIndex(where: { $0.flag == "hidden" }) else { return nil }
        let metric = metricName
        var byBudget: [Double: [(width: Double, value: Double)]] = [:]
        for run in runs {
            guard let c = Double(run.axisValues[b]), let w = Self.width(run.axisValues[h]), let y = run.final(metric) else { continue }
            byBudget[c, default: []].append((w, y))
        }
        // Every metric a sweep thresholds on (accuracy, success, return) is better higher.
        return IsoFLOPAnalysis(metric: metric, byBudget: byBudget, higherIsBetter: true)
    }

    /// `isoflop.svg`: final metric vs width per budget with its parabola and
    /// peak; N_opt vs C on log–log axes with the power law; the frontier of
    /// the final metric over budgets.
    func isoFLOPFigure() -> ReportFigure? {
        guard let analysis = isoFLOP() else { return nil }
        let metricText = analysis.metric.replacingOccurrences(of: "_", with: " ")
        func budgetText(_ c: Double) -> String { String(format: "%.3g", c) }
        var curves: [LinePlot.Series] = []
        var optima: [(x: Double, y: Double)] = []
        for (i, budget) in analysis.budgets.enumerated() {
            let best = budget.optimum.map { String(format: "N_opt ≈ %.0f", $0) } ?? "best at an edge"
            curves.append(LinePlot.Series(
                name: "C = \(budgetText(budget.flops)) FLOPs: \(best)", points: budget.means.map { ($0.width, $0.mean) },
                band: budget.means.map { ($0.width, $0.mean - $0.std, $0.mean + $0.std) }, style: .lineAndMarkers, color: i))
            // The parabola only where it finds a best width: through a
            // plateau and a cliff it would invent a peak.
            if let fit = budget.fit, budget.optimum != nil {
                let lo = fit.xRange.lowerBound, hi = fit.xRange.upperBound
                curves.append(LinePlot.Series(name: "", points: (0...40).map { k in
                    let x = lo * pow(hi / lo, Double(k) / 40)
                    return (x, fit.predict(x))
                }, style: .dashed, color: i))
                if let w = budget.optimum { optima.append((w, fit.predict(w))) }
            }
        }
        if !optima.isEmpty { curves.append(LinePlot.Series(name: "fitted optimum N_opt", points: optima, style: .lineAndMarkers, color: 7)) }

        let inside = analysis.budgets.compactMap { b in b.optimum.map { (x: b.flops, y: $0) } }
        var frontierSeries: [LinePlot.Series] = [LinePlot.Series(name: "N_opt per budget (interior optima)", points: inside, style: .markers, color: 0)]
        if let f = analysis.frontier, let lo = analysis.budgets.first?.flops, let hi = analysis.budgets.last?.flops {
            let se = f.exponentStandardError.map { String(format: " ± %.2f", $0) } ?? ""
            frontierSeries.append(LinePlot.Series(
                name: String(format: "fit N_opt = %.3g·C^%.2f%@ (r² %.2f)", f.coefficient, f.exponent, se, f.rSquared),
                points: (0...20).map { k in let c = lo * pow(hi / lo, Double(k) / 20); return (c, f.predict(c)) }, style: .dashed, color: 1))
        }

        // Per width, the final metric (mean over seeds) across budgets, and the best over widths.
        var perWidth: [Double: [(x: Double, y: Double)]] = [:]
        for budget in analysis.budgets { for m in budget.means { perWidth[m.width, default: []].append((budget.flops, m.mean)) } }
        var envelope: [LinePlot.Series] = perWidth.keys.sorted().enumerated().map { i, w in
            LinePlot.Series(name: String(format: "width %.0f", w), points: perWidth[w] ?? [], style: .lineAndMarkers, color: i)
        }
        envelope.append(LinePlot.Series(name: "frontier: best width per budget", points: analysis.budgets.compactMap { b in
            b.means.max { $0.mean < $1.mean }.map { (b.flops, $0.mean) }
        }, style: .dashed, color: 7))

        let finding = analysis.finding(metricText: metricText)
        let panels = [
            LinePlot(title: "IsoFLOP: final \(metricText) vs width per budget", xLabel: "hidden width (log scale)", yLabel: "final \(metricText)",
                     xScale: .log10, yRange: yRange(analysis.metric), series: curves, width: LinePlot.width(fitting: curves, atLeast: 640), height: 420),
            LinePlot(title: "compute-optimal width N_opt vs budget", xLabel: "FLOP budget C (log scale)", yLabel: "N_opt: hidden width (log scale)",
                     xScale: .log10, yScale: .log10, series: frontierSeries, width: 760, height: 400),
            LinePlot(title: "final \(metricText) vs budget, per width", xLabel: "FLOP budget C (log scale)", yLabel: "final \(metricText)",
                     xScale: .log10, yRange: yRange(analysis.metric), series: envelope, width: LinePlot.width(fitting: envelope, atLeast: 640), height: 420),
        ]
        return ReportFigure(
            file: "isoflop.svg", title: finding,
            caption: "Each budget C fixes the training FLOPs (rollouts and updates; a warm start is extra): steps = C ÷ FLOPs per env step, so wider networks train for fewer steps. Markers: mean over \(seedsText) (band ± one standard deviation); dashed, only where a best width exists: y = a + b·log10 w + c·(log10 w)² fitted to every seed, its peak N_opt marked. A best width exists when the best mean beats both edge widths by more than their seeds' spread and the parabola peaks strictly inside the swept widths. Middle: N_opt ∝ C^a fitted on log–log axes. Right: the final \(metricText) of each width across budgets and the best width's (the frontier). \(analysis.text.prefix(1).uppercased() + analysis.text.dropFirst()).",
            figure: Figure(title: finding, panels: panels, columns: 1))
    }
}
