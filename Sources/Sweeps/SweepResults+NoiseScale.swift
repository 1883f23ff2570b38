import Foundation
import RunStorage
import Plotting

/// The live gradient noise scale beside the critical batch fitted from the
/// sweep: B_simple = tr(Σ)/|G|², logged by every update as
/// progress.csv's `gradient_noise_scale`, predicts the batch size beyond
/// which doubling it mostly wastes samples (McCandlish et al. 2018); the
/// critical-batch figure measures that batch from the runs themselves.
extension SweepResults {
    static let noiseScaleColumn = "gradient_noise_scale"

    /// The (S/S_min − 1)(E/E_min − 1) = 1 fit over every seed that reached
    /// the threshold; nil without two batch sizes or when the fit fails.
    func criticalBatchFit() -> CriticalBatchFit? {
        guard Set(runs.map(\.batchSize)).count >= 2 else { return nil }
        let crossings = runs.compactMap { $0.crossing(spec.effectiveThreshold) }
        return try? CriticalBatchFit(steps: crossings.map(\.updates), examples: crossings.map(\.envSteps))
    }

    /// Positive values of B_simple of a run, in update order, from the
    /// fraction `from` to `to` of its rows.
    func noiseScales(_ run: SweepRunData, from: Double = 0, to: Double = 1) -> [Double] {
        guard let values = try? run.progress.doubles(Self.noiseScaleColumn) else { return [] }
        let n = values.count
        let lo = Int((Double(n) * from).rounded(.down)), hi = Int((Double(n) * to).rounded(.up))
        return values[max(0, lo)..<min(n, max(hi, lo))].compactMap { $0 }.filter { $0 > 0 && $0.isFinite }
    }

    static func median(_ xs: [Double]) -> Double? {
        guard !xs.isEmpty else { return nil }
        let s = xs.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    /// Logged updates in the running median that draws B_simple over training:
    /// update to update the estimate is noisy, and a mean over seeds of a
    /// ratio is dominated by its largest values.
    static let noiseWindow = 9

    /// The series with its y (and band) replaced by running medians over
    /// `window` points; the band no lower than a tenth of the line, which a
    /// log axis could not show.
    static func runningMedian(_ series: LinePlot.Series, window: Int) -> LinePlot.Series {
        var out = series
        let ys = series.points.map(\.y)
        out.points = series.points.indices.map { i in
            let lo = max(0, i - window / 2), hi = min(ys.count, i + window / 2 + 1)
            return (series.points[i].x, median(Array(ys[lo..<hi])) ?? ys[i])
        }
        let lows = series.band.map(\.low), highs = series.band.map(\.high)
        out.band = series.band.indices.map { i in
            let lo = max(0, i - window / 2), hi = min(lows.count, i + window / 2 + 1)
            let mid = i < out.points.count ? out.points[i].y : series.band[i].high
            return (series.band[i].x, max(median(Array(lows[lo..<hi])) ?? 0, mid / 10), median(Array(highs[lo..<hi])) ?? series.band[i].high)
        }
        return out
    }

    /// What the noise-scale figure and the report say about B_simple: its
    /// median over the first and last quarters of training (every run
    /// pooled), over the second half, and the fitted B_crit.
    public struct NoiseScaleSummary: Sendable, Equatable {
        public var early: Double
        public var late: Double
        public var secondHalf: Double
        public var criticalBatch: Double?
        /// Batch sizes, and the median of B_simple over the second half of
        /// their runs (seeds pooled): the estimate depends on the batch it is
        /// measured with.
        public var batches: [Int] = []
        public var batchMedians: [Double] = []

        /// "B_simple rises from 210 (first quarter of training, median over runs) to 1,340 (last quarter); …"
        public var text: String {
            let trend = late > early * 1.25 ? "rises" : late < early / 1.25 ? "falls" : "stays near"
            var out = "live B_simple \(trend) \(trend == "stays near" ? "" : "from ")\(Console.count(Int(early.rounded())))"
                + " (median over the first quarter of every run's updates)\(trend == "stays near" ? " and" : " to") \(Console.count(Int(late.rounded()))) (last quarter)"
                + "; median over the second half \(Console.count(Int(secondHalf.rounded())))"
            if let b = criticalBatch {
                out += String(format: ", %.2g× the fitted B_crit ≈ %@", secondHalf / b, Console.count(Int(b.rounded())))
            }
            if !batches.isEmpty {
                out += "; by batch (second half): " + zip(batches, batchMedians).map { "\($0) → \(Console.count(Int($1.rounded())))" }.joined(separator: ", ")
            }
            return out
        }
    }

    public func noiseScaleSummary() -> NoiseScaleSummary? {
        let early = runs.flatMap { noiseScales($0, from: 0, to: 0.25) }
        let late = runs.flatMap { noiseScales($0, from: 0.75, to: 1) }
        let half = runs.flatMap { noiseScales($0, from: 0.5, to: 1) }
        guard let e = Self.median(early), let l = Self.median(late), let h = Self.median(half) else { return nil }
        var batches: [Int] = [], medians: [Double] = []
        for b in Set(runs.map(\.batchSize)).sorted() {
            if let m = Self.median(runs.filter { $0.batchSize == b }.flatMap { noiseScales($0, from: 0.5, to: 1) }) {
                batches.append(b)
                medians.append(m)
            }
        }
        return NoiseScaleSummary(early: e, late: l, secondHalf: h, criticalBatch: criticalBatchFit()?.criticalBatchSize, batches: batches, batchMedians: medians)
    }

    /// `noise-scale.svg`: B_simple's median over the second half of
    /// training against the batch it was measured at, with a power law
    /// fitted to every seed, beside the fitted B_crit. (Curves over training,
    /// one per batch, overlap into one band and are left out; the report
    /// gives early and late medians in words.) Drawn when points differ in
    /// batch size and runs logged the column.
    func noiseScaleFigure() -> ReportFigure? {
        guard Set(runs.map(\.batchSize)).count >= 2, let summary = noiseScaleSummary() else { return nil }
        var perBatch: [(b: Double, mean: Double, std: Double)] = []
        var seedPoints: [(x: Double, y: Double)] = []
        for group in pointGroups {
            let medians = group.runs.compactMap { Self.median(noiseScales($0, from: 0.5, to: 1)) }
            seedPoints += medians.map { (Double(group.runs[0].batchSize), $0) }
            if let m = SampleStatistics(medians) { perBatch.append((Double(group.runs[0].batchSize), m.mean, m.std ?? 0)) }
        }
        perBatch.sort { $0.b < $1.b }
        guard let lo = perBatch.first?.b, let hi = perBatch.last?.b else { return nil }
        var vsBatch: [LinePlot.Series] = [
            LinePlot.Series(name: "each seed", points: seedPoints, style: .markers, color: 5),
            LinePlot.Series(name: "mean over seeds", points: perBatch.map { ($0.b, $0.mean) }, style: .lineAndMarkers, color: 0),
        ]
        let grid = (0...20).map { lo * pow(hi / lo, Double($0) / 20) }
        let power = try? PowerLawFit(x: seedPoints.map(\.x), y: seedPoints.map(\.y))
        if let power {
            vsBatch.append(LinePlot.Series(name: String(format: "fit: B_simple ∝ batch^%.2f (r² %.2f)", power.exponent, power.rSquared),
                                           points: grid.map { ($0, power.predict($0)) }, style: .dashed, color: 2))
        }
        if let b = summary.criticalBatch {
            vsBatch.append(LinePlot.Series(name: "B_crit ≈ \(Console.count(Int(b.rounded()))) fitted from steps to threshold",
                                           points: [(lo, b), (hi, b)], style: .dashed, color: 1))
        }
        vsBatch.append(LinePlot.Series(name: "B_simple = batch", points: [(lo, lo), (hi, hi)], style: .dashed, color: 3))
        var finding = "The gradient noise scale grows with the batch it is measured at"
        if let power { finding += String(format: " (∝ batch^%.1f)", power.exponent) }
        if let b = summary.criticalBatch, let first = perBatch.first, let last = perBatch.last {
            finding += ", from \(Console.count(Int(first.mean.rounded()))) to \(Console.count(Int(last.mean.rounded()))): it does not pin down the fitted critical batch (≈ \(Console.count(Int(b.rounded()))))"
        }
        let panels = [
            LinePlot(title: "B_simple (second half of training) vs batch", xLabel: "batch size: env steps per update (log scale)", yLabel: "B_simple (env steps, log scale)",
                     xScale: .log10, yScale: .log10, series: vsBatch, width: 760, height: 420),
        ]
        return ReportFigure(
            file: "noise-scale.svg", title: finding,
            caption: "B_simple = tr(Σ)/|G|², the actor's, estimated every update from its minibatch gradients (progress.csv's gradient_noise_scale; docs/scaling.md): its median over the second half of each run's updates, per seed and as the mean over \(seedsText), against the batch the run trained with. The estimate depends on the batch it is measured at, so it cannot be read as one critical batch; the dashed horizontal line is B_crit fitted to env steps and updates to the threshold (critical-batch.svg). \(summary.text.prefix(1).uppercased() + summary.text.dropFirst()).",
            figure: Figure(title: finding, panels: panels, columns: 1))
    }
}
