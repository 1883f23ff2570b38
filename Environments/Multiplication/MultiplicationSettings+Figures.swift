import Foundation
import Plotting
import RunStorage

/// Multiplication's own figures in a sweep report, from its runs' eval.csv:
/// the two panels of the reasoning-model headline (accuracy against
/// train-time and against test-time compute), thinking by difficulty, and
/// the think-cost trade-off.
extension MultiplicationSettings {
    public static func evaluationFigures(_ runs: [EvaluatedRun]) -> [ReportFigure] {
        let data = EvaluationData(runs)
        return [data.computeFigure(), data.difficultyFigure(), data.thinkCostFigure()].compactMap { $0 }
    }

    /// One eval.csv row, parsed.
    struct EvaluationRow {
        var stage: String
        var digits: Int
        var multiplier: String
        var budget: Int
        var accuracy: Double
        var tokens: Double
        var idealAccuracy: Double
        var idealTokens: Double
        var flops: Double?

        /// A range of multipliers ("1-9") rather than one.
        var isMixture: Bool { multiplier.contains("-") }
        var singleMultiplier: Int? { isMixture ? nil : Int(multiplier) }
    }

    /// Accuracy axes run a little past 1, so that curves and lines at 100%
    /// (the ideal reasoner, mostly) are not lost on the frame.
    static let accuracyRange = 0.0...1.04

    /// The rows of every run, grouped by point (seeds within).
    struct EvaluationData {
        struct Point {
            var label: String
            var seeds: [[EvaluationRow]]
        }
        var points: [Point] = []

        init(_ runs: [EvaluatedRun]) {
            var order: [String] = [], byPoint: [String: Point] = [:]
            for run in runs {
                let t = run.evaluations
                guard let stage = try? t.column("stage"), let multiplier = try? t.column("multiplier"),
                      let d = try? t.doubles("digits"), let b = try? t.doubles("think_budget"),
                      let a = try? t.doubles("accuracy"), let k = try? t.doubles("think_tokens_mean"),
                      let ia = try? t.doubles("ideal_accuracy"), let ik = try? t.doubles("ideal_think_tokens_mean")
                else { continue }
                let flops = (try? t.doubles("train_flops")) ?? Array(repeating: nil, count: stage.count)
                let rows = stage.indices.compactMap { i -> EvaluationRow? in
                    guard let d = d[i], let b = b[i], let a = a[i], let k = k[i], let ia = ia[i], let ik = ik[i] else { return nil }
                    return EvaluationRow(
                        stage: stage[i], digits: Int(d), multiplier: multiplier[i], budget: Int(b), accuracy: a, tokens: k,
                        idealAccuracy: ia, idealTokens: ik, flops: flops[i])
                }
                guard !rows.isEmpty else { continue }
                if byPoint[run.point] == nil {
                    order.append(run.point)
                    byPoint[run.point] = Point(label: run.label, seeds: [])
                }
                byPoint[run.point]?.seeds.append(rows)
            }
            points = order.compactMap { byPoint[$0] }
        }

        /// Mean and ± std over seeds of `value` of the row each seed has
        /// matching `match` (seeds without one are left out).
        static func stats(_ seeds: [[EvaluationRow]], _ match: (EvaluationRow) -> Bool, _ value: (EvaluationRow) -> Double?) -> SampleStatistics? {
            SampleStatistics(seeds.compactMap { rows in rows.first(where: match).flatMap(value) })
        }

        /// Training FLOPs of a point (mean over seeds).
        static func flops(_ point: Point) -> Double? {
            SampleStatistics(point.seeds.compactMap { $0.first(where: { $0.flops != nil })?.flops })?.mean
        }

        /// The point trained with the most compute: whose test-time curve is drawn.
        var strongest: Point? {
            points.max { (Self.flops($0) ?? 0) < (Self.flops($1) ?? 0) }
        }

        var seedsText: String {
            let counts = points.map(\.seeds.count)
            let low = counts.min() ?? 0, high = counts.max() ?? 0
            return low == high ? "\(low) seed\(low == 1 ? "" : "s")" : "\(low)–\(high) seeds"
        }

        /// The ideal reasoner's colour beside the policy's: the lighter
        /// companion in the palette (sky blue for blue, orange for
        /// vermillion), so its dashes show even where the curves coincide.
        static func idealColor(_ color: Int) -> Int { color == 0 ? 5 : color == 1 ? 4 : color }

        static func band(_ x: Double, _ s: SampleStatistics) -> (x: Double, low: Double, high: Double) {
            (x, s.mean - (s.std ?? 0), s.mean + (s.std ?? 0))
        }

        /// "51%", or "99.6%" where whole points would round to 100% or 0%.
        static func percent(_ v: Double) -> String {
            let whole = (100 * v).rounded()
            return (whole == 100 && v < 1) || (whole == 0 && v > 0) ? String(format: "%.1f%%", 100 * v) : String(format: "%.0f%%", whole)
        }

        /// How a value moves from `first` to `last`: "rises from 51% to 99%".
        static func movement(_ first: Double, _ last: Double, _ text: (Double) -> String, tolerance: Double) -> String {
            abs(last - first) <= tolerance ? "stays at \(text(first))"
                : "\(last > first ? "rises" : "falls") from \(text(first)) to \(text(last))"
        }

        /// Several curves' moves in one phrase: "rises (51% → 99% on m 1-9,
        /// 20% → 96% on m = 9)".
        static func movements(_ moves: [(name: String, first: Double, last: Double)]) -> String {
            let verb = moves.allSatisfy { $0.last > $0.first } ? "rises" : moves.allSatisfy { $0.last < $0.first } ? "falls" : "moves"
            return verb + " (" + moves.map { "\(percent($0.first)) → \(percent($0.last)) on \($0.name)" }.joined(separator: ", ") + ")"
        }

        // MARK: The two panels

        /// Accuracy against train-time compute (one point per sweep point)
        /// and against test-time compute (think tokens per problem, from the
        /// `rltrain eval --think-budget` rows of the strongest point), each
        /// beside the ideal reasoner.
        func computeFigure() -> ReportFigure? {
            guard let top = strongest else { return nil }
            let evalRows = top.seeds.flatMap { $0 }.filter { $0.stage == "eval" }
            let budgets = Set(evalRows.map(\.budget)).sorted()
            guard budgets.count > 1, let digits = evalRows.map(\.digits).min() else { return nil }
            let mixture = evalRows.filter(\.isMixture).map(\.multiplier).max { a, b in
                let w = { (s: String) in s.split(separator: "-").compactMap { Int($0) }.reduce(0) { $1 - $0 } }
                return w(a) < w(b)
            }
            let hardest = evalRows.compactMap(\.singleMultiplier).max()
            var sets: [(name: String, multiplier: String)] = []
            if let mixture { sets.append(("m \(mixture)", mixture)) }
            if let hardest { sets.append(("m = \(hardest)", "\(hardest)")) }
            guard !sets.isEmpty, let largest = budgets.last else { return nil }

            func matches(_ multiplier: String, _ budget: Int) -> (EvaluationRow) -> Bool {
                { $0.stage == "eval" && $0.digits == digits && $0.multiplier == multiplier && $0.budget == budget }
            }

            // Test time: one curve per problem set, the ideal reasoner dashed in the same colour.
            struct Measured { var x: Double; var y: SampleStatistics; var idealX: Double; var idealY: Double }
            func measured(_ set: (name: String, multiplier: String), _ budget: Int) -> Measured? {
                let match = matches(set.multiplier, budget)
                guard let x = Self.stats(top.seeds, match, { $0.tokens }), let y = Self.stats(top.seeds, match, { $0.accuracy }),
                      let ix = Self.stats(top.seeds, match, { $0.idealTokens }), let iy = Self.stats(top.seeds, match, { $0.idealAccuracy })
                else { return nil }
                return Measured(x: x.mean, y: y, idealX: ix.mean, idealY: iy.mean)
            }
            // A cap above the largest carry changes nothing: its point lies on
            // the last cap's, so it is drawn once (the axis label reads "8–32",
            // the caption says why).
            var caps: [Int] = [], merged: [Int: [Int]] = [:]
            for budget in budgets where budget > 0 {
                if let last = caps.last, sets.allSatisfy({ set in
                    guard let a = measured(set, last), let b = measured(set, budget) else { return false }
                    return abs(a.x - b.x) <= 0.01 * max(a.x, 1e-9) && abs(a.y.mean - b.y.mean) <= 0.002
                }) {
                    merged[last, default: []].append(budget)
                } else {
                    caps.append(budget)
                }
            }
            var testSeries: [LinePlot.Series] = [], references: [LinePlot.ReferenceLine] = []
            var testMoves: [(name: String, first: Double, last: Double)] = [], idealGap = 0.0
            for (color, set) in sets.enumerated() {
                var points: [(x: Double, y: Double)] = [], band: [(x: Double, low: Double, high: Double)] = []
                var ideal: [(x: Double, y: Double)] = []
                for budget in caps {
                    guard let m = measured(set, budget) else { continue }
                    points.append((m.x, m.y.mean))
                    band.append(Self.band(m.x, m.y))
                    ideal.append((m.idealX, m.idealY))
                    idealGap = max(idealGap, m.idealY - m.y.mean)
                }
                if let first = points.first, let last = points.last { testMoves.append((set.name, first.y, last.y)) }
                testSeries.append(LinePlot.Series(name: "policy, \(set.name)", points: points, band: band, style: .lineAndMarkers, color: color))
                testSeries.append(LinePlot.Series(name: "ideal, \(set.name)", points: ideal, style: .dashed, color: Self.idealColor(color)))
                if budgets.contains(0), let zero = Self.stats(top.seeds, matches(set.multiplier, 0), { $0.accuracy }) {
                    references.append(.init(y: zero.mean, label: String(format: "budget 0, %@: %.0f%%", set.name, 100 * zero.mean)))
                }
            }
            // A log axis that hugs the data (from 1 token) rather than whole decades.
            let allX = testSeries.flatMap { $0.points.map(\.x) }.filter { $0 > 0 }
            let xHigh = pow(2, ceil(log2(max(2, (allX.max() ?? 2) * 1.15))))
            let capsText = caps.map { cap in merged[cap].map { "\(cap)–\($0.last!)" } ?? "\(cap)" }.joined(separator: ", ")
            let sameText = caps.compactMap { cap in merged[cap].map { "Caps \($0.map(String.init).joined(separator: ", ")) think as \(cap) does: one point." } }
            let testPanel = LinePlot(
                title: "Test-time compute",
                xLabel: "think tokens per problem (log scale; caps \(capsText))",
                yLabel: "exact-match accuracy", xScale: .log10, xRange: 1...xHigh, yRange: accuracyRange, series: testSeries, referenceLines: references,
                width: 600, height: 400)

            // Train time: final accuracy at the largest budget, one point per sweep point.
            var trainSeries: [LinePlot.Series] = [], trainReferences: [LinePlot.ReferenceLine] = []
            var trainMoves: [(name: String, first: Double, last: Double)] = []
            let ordered = points.compactMap { p in Self.flops(p).map { (p, $0) } }.sorted { $0.1 < $1.1 }
            // Only when training compute differs between the points (as the
            // generic compute figures require: at least 1.5×).
            if ordered.count > 1, let low = ordered.first?.1, let high = ordered.last?.1, high >= 1.5 * low {
                for (color, set) in sets.enumerated() {
                    var line: [(x: Double, y: Double)] = [], band: [(x: Double, low: Double, high: Double)] = []
                    var ideal: [(x: Double, y: Double)] = []
                    for (point, x) in ordered {
                        let match = matches(set.multiplier, largest)
                        guard let y = Self.stats(point.seeds, match, { $0.accuracy }) else { continue }
                        line.append((x, y.mean))
                        band.append(Self.band(x, y))
                        if let iy = Self.stats(point.seeds, match, { $0.idealAccuracy }) { ideal.append((x, iy.mean)) }
                    }
                    trainSeries.append(LinePlot.Series(name: "policy, \(set.name)", points: line, band: band, style: .lineAndMarkers, color: color))
                    if let first = line.first, let last = line.last { trainMoves.append((set.name, first.y, last.y)) }
                    // The points share their problems, so the ideal reasoner is
                    // one value: a labelled line, not a curve lost on the frame.
                    if let first = ideal.first, ideal.allSatisfy({ abs($0.y - first.y) < 1e-12 }) {
                        let label = String(format: "ideal, %@: %.0f%%", set.name, 100 * first.y)
                        if let i = trainReferences.firstIndex(where: { abs($0.y - first.y) < 1e-12 }) {
                            trainReferences[i].label = String(format: "ideal reasoner, every set: %.0f%%", 100 * first.y)
                        } else {
                            trainReferences.append(.init(y: first.y, label: label))
                        }
                    } else {
                        trainSeries.append(LinePlot.Series(name: "ideal, \(set.name)", points: ideal, style: .dashed, color: Self.idealColor(color)))
                    }
                }
            }
            var panels = [testPanel]
            if !trainSeries.isEmpty {
                panels.insert(LinePlot(
                    title: "Train-time compute", xLabel: "training FLOPs, warm start + RL (log scale)",
                    yLabel: "exact-match accuracy (cap \(largest))", xScale: .log10, yRange: accuracyRange, series: trainSeries,
                    referenceLines: trainReferences,
                    width: 600, height: 400), at: 0)
            }
            // The finding: how accuracy moves along each axis, and how far the
            // policy's test-time curve lies from the ideal reasoner's.
            var finding = "Accuracy "
            if !trainMoves.isEmpty, let low = ordered.first?.1, let high = ordered.last?.1 {
                finding += Self.movements(trainMoves) + String(format: " over %.1f doublings of training compute, and ", log2(high / low))
            }
            finding += Self.movements(testMoves) + " with test-time thinking"
            let gapPoints = (100 * idealGap).rounded()
            finding += gapPoints <= 1
                ? ", within 1 point of the ideal reasoner: the task sets that curve's shape"
                : String(format: ", up to %.0f points below the ideal reasoner", gapPoints)
            return ReportFigure(
                file: "test-time-compute.svg", title: finding,
                caption: "Held-out \(digits)-digit problems, greedy, mean over \(seedsText), band ± one standard deviation. "
                    + (trainSeries.isEmpty ? "" : "Left: accuracy with \(largest) marks allowed per column against the FLOPs spent training each point (\(ordered.map(\.0.label).joined(separator: ", ")); behaviour cloning on the worked examples, then RL). ")
                    + "Right: the policy trained with the most compute (\(top.label)), held to a cap of 1, 2, 4, … tally marks per column (budget forcing), against the think tokens it spent per problem; "
                    + "the dashed curves are the ideal reasoner — the expert that writes every carry as tally marks — held to the same cap, on the same problems. "
                    + "Below the largest carry (8) the cap cuts carries short and the task, not the policy, sets the curve's shape: no reasoner can do better. "
                    + "Budget 0 (no thinking) has no place on a log axis: it is the horizontal line."
                    + sameText.map { " " + $0 }.joined(),
                figure: Figure(title: finding, panels: panels, columns: 2))
        }

        // MARK: Thinking by difficulty

        /// Think tokens and accuracy against the multiplier, from the closing
        /// summary's per-multiplier rows of the strongest point.
        func difficultyFigure() -> ReportFigure? {
            guard let top = strongest else { return nil }
            let rows = top.seeds.flatMap { $0 }.filter { $0.stage == "end of training" && $0.singleMultiplier != nil }
            let multipliers = Set(rows.compactMap(\.singleMultiplier)).sorted()
            guard multipliers.count > 1, let digits = rows.map(\.digits).max() else { return nil }
            var tokens: [(x: Double, y: Double)] = [], tokenBand: [(x: Double, low: Double, high: Double)] = []
            var idealTokens: [(x: Double, y: Double)] = []
            var accuracy: [(x: Double, y: Double)] = [], accuracyBand: [(x: Double, low: Double, high: Double)] = []
            var idealAccuracy: [(x: Double, y: Double)] = []
            for m in multipliers {
                let match = { (r: EvaluationRow) in r.stage == "end of training" && r.singleMultiplier == m && r.digits == digits }
                let x = Double(m)
                if let s = Self.stats(top.seeds, match, { $0.tokens }) {
                    tokens.append((x, s.mean))
                    tokenBand.append(Self.band(x, s))
                }
                if let s = Self.stats(top.seeds, match, { $0.idealTokens }) { idealTokens.append((x, s.mean)) }
                if let s = Self.stats(top.seeds, match, { $0.accuracy }) {
                    accuracy.append((x, s.mean))
                    accuracyBand.append(Self.band(x, s))
                }
                if let s = Self.stats(top.seeds, match, { $0.idealAccuracy }) { idealAccuracy.append((x, s.mean)) }
            }
            let panels = [
                LinePlot(
                    title: "Thinking rises with difficulty", xLabel: "multiplier m (the carry into a column is at most m − 1)",
                    yLabel: "tally marks per problem", xRange: 0.5...9.5, yRange: 0...(max(tokens.map(\.y).max() ?? 1, idealTokens.map(\.y).max() ?? 1) * 1.1),
                    series: [
                        LinePlot.Series(name: "policy", points: tokens, band: tokenBand, style: .lineAndMarkers, color: 0),
                        LinePlot.Series(name: "ideal reasoner", points: idealTokens, style: .dashed, color: Self.idealColor(0)),
                    ], width: 560, height: 380),
                LinePlot(
                    title: "Accuracy by difficulty", xLabel: "multiplier m", yLabel: "exact-match accuracy", xRange: 0.5...9.5, yRange: accuracyRange,
                    series: [
                        LinePlot.Series(name: "policy", points: accuracy, band: accuracyBand, style: .lineAndMarkers, color: 1),
                        LinePlot.Series(name: "ideal reasoner", points: idealAccuracy, style: .dashed, color: Self.idealColor(1)),
                    ], width: 560, height: 380),
            ]
            guard let firstTokens = tokens.first, let lastTokens = tokens.last, let lowest = accuracy.min(by: { $0.y < $1.y }),
                  let highest = accuracy.max(by: { $0.y < $1.y }) else { return nil }
            let marks = { (v: Double) in String(format: "%.1f", v) }
            // How closely the policy spends the ideal reasoner's marks, multiplier by multiplier.
            let gap = zip(tokens, idealTokens).map { abs($0.y - $1.y) }.max() ?? .infinity
            var finding = "From m = \(Int(firstTokens.x)) to m = \(Int(lastTokens.x)) the policy's thinking "
                + Self.movement(firstTokens.y, lastTokens.y, marks, tolerance: 0.05) + " tally marks per problem"
            if idealTokens.count == tokens.count {
                finding += gap < 0.05 ? ", as the ideal reasoner's does (to 0.05 marks)"
                    : gap <= 0.25 ? ", as the ideal reasoner's does (within \(marks(gap)))" : ", up to \(marks(gap)) marks from the ideal reasoner's"
            }
            finding += highest.y - lowest.y <= 0.005
                ? "; accuracy stays at \(Self.percent(lowest.y))"
                : "; accuracy is \(Self.percent(lowest.y)) at its lowest (m = \(Int(lowest.x))), \(Self.percent(highest.y)) at its highest"
            return ReportFigure(
                file: "thinking-by-difficulty.svg", title: finding,
                caption: "The policy trained with the most compute (\(top.label)) on held-out \(digits)-digit problems with each multiplier, at its largest trained cap (end-of-training evaluation, 500 problems per multiplier), mean over \(seedsText), band ± one standard deviation; dashed: the ideal reasoner.",
                figure: Figure(title: finding, panels: panels, columns: 2))
        }

        // MARK: Think cost

        /// When the points differ in `--think-cost`: accuracy against think
        /// tokens per problem, one marker per point at its largest evaluated
        /// budget, beside the budget-forcing curve of the cheapest point.
        func thinkCostFigure() -> ReportFigure? {
            guard points.count > 1, points.allSatisfy({ $0.label.contains("think-cost") }) else { return nil }
            var series: [LinePlot.Series] = []
            var digitsSeen: Int?
            var means: [(label: String, tokens: Double, accuracy: Double)] = []
            for (color, point) in points.enumerated() {
                let evalRows = point.seeds.flatMap { $0 }.filter { $0.stage == "eval" && $0.isMixture }
                guard let largest = evalRows.map(\.budget).max(), let digits = evalRows.map(\.digits).min() else { continue }
                digitsSeen = digits
                // Every seed, not the mean: a cost near the threshold splits the
                // seeds between keeping and dropping their marks.
                let seedPoints = point.seeds.compactMap { rows in
                    rows.first { $0.stage == "eval" && $0.isMixture && $0.budget == largest && $0.digits == digits }.map { (x: $0.tokens, y: $0.accuracy) }
                }
                series.append(LinePlot.Series(name: "\(point.label) (each seed)", points: seedPoints, style: .markers, color: color))
                if let x = SampleStatistics(seedPoints.map(\.x)), let y = SampleStatistics(seedPoints.map(\.y)) {
                    means.append((point.label, x.mean, y.mean))
                }
                if color == 0 {
                    // The first point's budget-forcing curve: the same policy held to smaller caps.
                    let budgets = Set(evalRows.map(\.budget)).sorted()
                    let curve = budgets.compactMap { b -> (x: Double, y: Double)? in
                        let m = { (r: EvaluationRow) in r.stage == "eval" && r.isMixture && r.budget == b && r.digits == digits }
                        guard let x = Self.stats(point.seeds, m, { $0.tokens }), let y = Self.stats(point.seeds, m, { $0.accuracy }) else { return nil }
                        return (x.mean, y.mean)
                    }
                    series.append(LinePlot.Series(name: "\(point.label) held to caps \(budgets.map(String.init).joined(separator: ", "))", points: curve, style: .dashed, color: color))
                }
            }
            guard !series.isEmpty, let digits = digitsSeen, let first = means.first, let last = means.last else { return nil }
            let marks = { (v: Double) in String(format: "%.1f", v) }
            var finding = "From \(first.label) to \(last.label), thinking " + Self.movement(first.tokens, last.tokens, marks, tolerance: 0.05)
                + " tally marks per problem and accuracy " + Self.movement(first.accuracy, last.accuracy, Self.percent, tolerance: 0.005)
            // The dearest cost that still keeps accuracy within 2 points of the first point's.
            if let kept = means.prefix(while: { first.accuracy - $0.accuracy <= 0.02 }).last, kept.label != first.label, kept.label != last.label {
                finding += "; up to \(kept.label) accuracy stays within 2 points"
            }
            let panel = LinePlot(
                title: "A think cost in training (markers) or a cap at test time (dashed)", xLabel: "think tokens (tally marks) per problem", yLabel: "exact-match accuracy",
                yRange: accuracyRange, series: series, width: LinePlot.width(fitting: series, atLeast: 700), height: 420)
            return ReportFigure(
                file: "think-cost.svg", title: finding,
                caption: "One marker per seed of each point (\(seedsText)): held-out \(digits)-digit problems, every multiplier, at the largest evaluated cap. A think cost trades accuracy for fewer tally marks during training; the dashed curve holds the first point's policy to smaller caps at test time instead (budget forcing; mean over seeds).",
                figure: Figure(title: finding, panels: [panel], columns: 1))
        }
    }
}
