import Foundation
import RunStorage
import Plotting

/// The language-model policy's figures in a sweep report, drawn from its
/// runs' `eval.csv`: after SFT and every `--eval-every` RL steps, each
/// trained size answered greedily and by one completion sampled at RL's
/// temperature. What the model chooses to write shows in the sampled rows
/// (its think fraction and length); what it can do, in the greedy ones.
extension SweepResults {
    /// One curve's values at one evaluation: a point, a size, greedy or sampled, an RL step.
    struct TextEvaluationKey: Hashable {
        var point: String
        var digits: Int
        var selection: String
        var step: Int
    }

    /// Per key, one value per seed of `column`; nil when no run is a
    /// language-model run (no `phase` column).
    func textEvaluations(_ column: String) -> [TextEvaluationKey: [Double]]? {
        var out: [TextEvaluationKey: [Double]] = [:]
        for run in runs {
            guard let table = run.evaluations, let phase = try? table.column("phase"), let selection = try? table.column("selection"),
                  let step = try? table.doubles("step"), let digits = try? table.doubles("digits"),
                  let values = try? table.doubles(column) else { continue }
            for i in phase.indices where phase[i] == "sft" || phase[i] == "rl" {
                guard let d = digits[i], let s = step[i], let v = values[i] else { continue }
                let rlStep = phase[i] == "sft" ? 0 : Int(s)
                out[TextEvaluationKey(point: run.point, digits: Int(d), selection: selection[i], step: rlStep), default: []].append(v)
            }
        }
        return out.isEmpty ? nil : out
    }

    func languageModelFigures() -> [ReportFigure] {
        guard let think = textEvaluations("think_fraction"), let tokens = textEvaluations("completion_tokens_mean"),
              let accuracy = textEvaluations("accuracy") else { return [] }
        // Whether the model chooses to think: some size's sampled think fraction strictly inside (0.05, 0.95) at some step.
        let choosesMode = think.contains { key, values in
            key.selection == "sample" && SampleStatistics(values).map { (0.05...0.95).contains($0.mean) } == true
        }
        // One point (seeds only): its course over RL; several: the router or the methods side by side.
        if pointGroups.count == 1, let point = pointGroups[0].runs.first?.point {
            return [choosesMode ? thinkingOverRL(point: point, think: think, tokens: tokens, accuracy: accuracy)
                                : accuracyOverRL(accuracy: accuracy, tokens: tokens),
                    trainTimeCompute(point: point, accuracy: accuracy), testTimeCompute()].compactMap { $0 }
        }
        let comparison = router(think: think, tokens: tokens, accuracy: accuracy) ?? rlMethods(accuracy: accuracy, tokens: tokens)
            ?? accuracyOverRL(accuracy: accuracy, tokens: tokens)
        return [comparison, testTimeCompute()].compactMap { $0 }
    }

    /// `lm-train-time-compute.svg`: held-out accuracy on the longest size
    /// against the FLOPs RL has spent (log x), SFT's FLOPs stated beside it.
    /// RL's learning rate is constant, so RL step s of a run is where a run
    /// of s steps from the same SFT start would end.
    func trainTimeCompute(point: String, accuracy: [TextEvaluationKey: [Double]]) -> ReportFigure? {
        guard let longest = Set(accuracy.keys.filter { $0.point == point }.map(\.digits)).max() else { return nil }
        // Per RL step, the FLOPs RL spent so far, one value per seed; and SFT's.
        var rlFLOPs: [Int: [Double]] = [:], sftFLOPs: [Double] = []
        for run in runs where run.point == point {
            guard let steps = try? run.progress.doubles("step"), let flops = try? run.progress.doubles("flops"),
                  let start = flops.first ?? nil else { continue }
            sftFLOPs.append(start)
            for (step, f) in zip(steps, flops) {
                if let step, let f, step > 0 { rlFLOPs[Int(step), default: []].append(f - start) }
            }
        }
        guard let sft = SampleStatistics(sftFLOPs) else { return nil }
        func series(_ selection: String, _ name: String, _ style: LinePlot.Style) -> LinePlot.Series {
            let steps = accuracy.keys.filter { $0.point == point && $0.digits == longest && $0.selection == selection && $0.step > 0 }
                .map(\.step).sorted()
            let stats = steps.compactMap { s -> (x: Double, y: SampleStatistics)? in
                guard let x = rlFLOPs[s].flatMap(SampleStatistics.init),
                      let y = accuracy[TextEvaluationKey(point: point, digits: longest, selection: selection, step: s)].flatMap(SampleStatistics.init)
                else { return nil }
                return (x.mean, y)
            }
            return LinePlot.Series(name: name, means: stats.map { ($0.x, $0.y) }, style: style, color: 0)
        }
        let greedy = series("greedy", "greedy", .lineAndMarkers), sampled = series("sample", "one sample", .dashed)
        guard let first = sampled.points.first, let last = sampled.points.last, last.x > first.x else { return nil }
        let after = { (selection: String) in
            accuracy[TextEvaluationKey(point: point, digits: longest, selection: selection, step: 0)].flatMap(SampleStatistics.init)?.mean
        }
        var references: [LinePlot.ReferenceLine] = []
        if let g = after("greedy") { references.append(.init(y: g, label: String(format: "after SFT, greedy %.0f%%", 100 * g))) }
        let sftText = String(format: "%.2g", sft.mean)
        let title = String(format: "Sampled %@ accuracy goes from %.0f%% to %.0f%% over %.1f doublings of RL compute, after SFT's %@ FLOPs",
                           Self.adjective(sizeLabels()(longest)), 100 * first.y, 100 * last.y, log2(last.x / first.x), sftText)
        let panel = LinePlot(title: "\(Self.adjective(sizeLabels()(longest))) problems, held out", xLabel: "RL FLOPs so far (log scale; SFT's not counted)",
                             yLabel: "exact-match accuracy", xScale: .log10, yRange: 0...1, series: [greedy, sampled],
                             referenceLines: references)
        return ReportFigure(file: "lm-train-time-compute.svg", title: title,
                            caption: String(format: "The thinking-over-RL evaluations against the FLOPs RL has spent (sampling and updates); SFT spent %@ FLOPs before the first (the dotted line: its greedy accuracy). Mean over seeds, band ± one standard deviation.", sftText),
                            figure: Figure(title: title, panels: [panel]))
    }

    /// `lm-test-time-compute.svg`, from the `rltrain eval` rows a sweep's
    /// `"eval"` adds: per size, majority-vote accuracy and pass@N coverage
    /// against the tokens sampled per problem (samples × mean length), and
    /// greedy accuracy under budget forcing against its tokens, with
    /// the run's last greedy evaluation as a reference line; mean over
    /// seeds, band ± std.
    func testTimeCompute() -> ReportFigure? {
        struct Key: Hashable { var digits: Int; var selection: String; var samples: Int }
        var value: [Key: [Double]] = [:], tokens: [Key: [Double]] = [:]
        for run in runs {
            guard let table = run.evaluations, let phase = try? table.column("phase"), let selection = try? table.column("selection"),
                  let digits = try? table.doubles("digits"), let samples = try? table.doubles("samples"),
                  let accuracy = try? table.doubles("accuracy"), let coverage = try? table.doubles("coverage"),
                  let length = try? table.doubles("completion_tokens_mean") else { continue }
            // Greedy decoding's reference: the run's last greedy row of each size.
            var greedy: [Int: Double] = [:]
            for i in phase.indices where selection[i] == "greedy" {
                if let d = digits[i], let a = accuracy[i] { greedy[Int(d)] = a }
            }
            for (d, a) in greedy { value[Key(digits: d, selection: "greedy", samples: 1), default: []].append(a) }
            // Budget-forced rows (a `think_budget`) are keyed `budget` by their cap.
            let budgets = (try? table.doubles("think_budget")) ?? Array(repeating: nil, count: phase.count)
            for i in phase.indices where phase[i] == "eval" && (selection[i] != "greedy" || budgets[i] != nil) {
                guard let d = digits[i], let n = samples[i], let l = length[i],
                      let v = selection[i] == "oracle" ? coverage[i] : accuracy[i] else { continue }
                let key = budgets[i].map { Key(digits: Int(d), selection: "budget", samples: Int($0)) }
                    ?? Key(digits: Int(d), selection: selection[i], samples: Int(n))
                value[key, default: []].append(v)
                tokens[key, default: []].append(n * l)
            }
        }
        let sampleCounts = Set(value.keys.filter { $0.selection == "majority" || $0.selection == "oracle" }.map(\.samples)).sorted()
        let budgets = Set(value.keys.filter { $0.selection == "budget" }.map(\.samples)).sorted()
        let digits = Set(value.keys.filter { $0.selection != "greedy" }.map(\.digits)).sorted()
        guard sampleCounts.count >= 2 || budgets.count >= 2 else { return nil }
        var panels: [LinePlot] = [], findings: [String] = []
        let pct = { (v: Double) in String(format: "%.0f%%", 100 * v) }
        let size = sizeLabels()
        for d in digits {
            var series: [LinePlot.Series] = []
            for (color, (selection, name)) in [("majority", "majority vote"), ("oracle", "pass@N (any sample right)"),
                                               ("budget", "budget forcing (greedy, working cut)")].enumerated() {
                let stats = (selection == "budget" ? budgets : sampleCounts).compactMap { n -> (x: Double, y: SampleStatistics)? in
                    let key = Key(digits: d, selection: selection, samples: n)
                    guard let y = value[key].flatMap(SampleStatistics.init), let x = tokens[key].flatMap(SampleStatistics.init) else { return nil }
                    return (x.mean, y)
                }
                guard !stats.isEmpty else { continue }
                series.append(LinePlot.Series(name: name, means: stats.map { ($0.x, $0.y) }, style: .lineAndMarkers, color: color))
                // The finding, on the longest problems.
                if d == digits.last, selection == "majority", let first = stats.first, let last = stats.last {
                    let greedy = value[Key(digits: d, selection: "greedy", samples: 1)].flatMap(SampleStatistics.init)
                    findings.append("on \(Self.adjective(size(d))) problems a vote of \(sampleCounts.last!) samples moves accuracy from \(pct(first.y.mean)) to \(pct(last.y.mean))"
                                    + (greedy.map { " (greedy \(pct($0.mean)))" } ?? ""))
                }
                if d == digits.last, selection == "oracle", let last = stats.last { findings.append("pass@\(sampleCounts.last!) reaches \(pct(last.y.mean))") }
                if d == digits.last, selection == "budget", let first = stats.first, let last = stats.last, let low = budgets.first, let high = budgets.last {
                    findings.append("on \(Self.adjective(size(d))) problems, cutting the working at \(low) to \(high) tokens moves greedy accuracy from \(pct(first.y.mean)) to \(pct(last.y.mean))")
                }
            }
            let greedy = value[Key(digits: d, selection: "greedy", samples: 1)].flatMap(SampleStatistics.init)
            panels.append(LinePlot(
                title: "\(Self.adjective(size(d))) problems", xLabel: "tokens per problem (log; " + [
                    sampleCounts.isEmpty ? nil : "\(sampleCounts.map(String.init).joined(separator: ", ")) samples",
                    budgets.isEmpty ? nil : "working cut at \(budgets.map(String.init).joined(separator: ", "))",
                ].compactMap { $0 }.joined(separator: "; ") + ")",
                yLabel: "held-out accuracy", xScale: .log10, yRange: 0...1, series: series,
                referenceLines: greedy.map { [LinePlot.ReferenceLine(y: $0.mean, label: "greedy \(pct($0.mean))")] } ?? []))
        }
        guard !panels.isEmpty else { return nil }
        let text = findings.joined(separator: "; ")
        let title = findings.isEmpty ? "Accuracy against test-time compute" : text.prefix(1).uppercased() + text.dropFirst()
        return ReportFigure(file: "lm-test-time-compute.svg", title: title,
                            caption: "rltrain eval on each trained model: N completions sampled per held-out problem, the most frequent well-formed answer (majority) or any right one (pass@N); x is N times the mean completion length. Budget forcing: one greedy completion whose working is cut at B tokens, the answer forced there. Mean over seeds, band ± one standard deviation; the dashed line is greedy decoding.",
                            figure: Figure(title: title, panels: panels, columns: Figure.columns(fitting: panels)))
    }

    /// Mean ± std over seeds along RL steps, one series per size.
    private func curves(_ values: [TextEvaluationKey: [Double]], point: String, selection: String, digits: [Int],
                        style: LinePlot.Style = .lineAndMarkers) -> [LinePlot.Series] {
        digits.enumerated().map { color, d in
            let steps = values.keys.filter { $0.point == point && $0.digits == d && $0.selection == selection }.map(\.step).sorted()
            let stats = steps.compactMap { s in
                values[TextEvaluationKey(point: point, digits: d, selection: selection, step: s)]
                    .flatMap(SampleStatistics.init).map { (Double(s), $0) }
            }
            return LinePlot.Series(name: sizeLabels()(d), means: stats, style: style, color: color)
        }
    }

    /// `thinking-over-rl.svg`: the sampled think fraction, the sampled
    /// completion length and greedy (and sampled) accuracy per size, over RL
    /// steps; the title says how far the longest size moved.
    func thinkingOverRL(point: String, think: [TextEvaluationKey: [Double]], tokens: [TextEvaluationKey: [Double]],
                        accuracy: [TextEvaluationKey: [Double]]) -> ReportFigure? {
        let digits = Set(think.keys.filter { $0.point == point }.map(\.digits)).sorted()
        let steps = Set(think.keys.filter { $0.point == point }.map(\.step)).sorted()
        guard let longest = digits.last, let first = steps.first, let last = steps.last, steps.count >= 2 else { return nil }
        func mean(_ values: [TextEvaluationKey: [Double]], _ selection: String, _ d: Int, _ s: Int) -> Double? {
            values[TextEvaluationKey(point: point, digits: d, selection: selection, step: s)].flatMap(SampleStatistics.init)?.mean
        }
        let seeds = runs.filter { $0.point == point }.count
        let greedy = curves(accuracy, point: point, selection: "greedy", digits: digits)
        // The sampled accuracy dashed, in the greedy curve's colour, named by the panel's title.
        let sampled = curves(accuracy, point: point, selection: "sample", digits: digits, style: .dashed).map { series in
            var unnamed = series
            unnamed.name = ""
            return unnamed
        }
        let panels = [
            LinePlot(title: "Sampled think fraction", xLabel: "RL step (0: after SFT)", yLabel: "completions that think",
                     yRange: 0...1, series: curves(think, point: point, selection: "sample", digits: digits), width: 520, height: 340),
            LinePlot(title: "Sampled completion length", xLabel: "RL step (0: after SFT)", yLabel: "tokens per completion",
                     series: curves(tokens, point: point, selection: "sample", digits: digits), width: 520, height: 340),
            LinePlot(title: "Held-out accuracy: greedy (solid), one sample (dashed)", xLabel: "RL step (0: after SFT)",
                     yLabel: "exact-match accuracy", yRange: 0...1, series: greedy + sampled, width: 520, height: 340),
        ]
        var title = "RL on the outcome reward alone"
        let pct = { (v: Double) in String(format: "%.0f%%", 100 * v) }
        if let t0 = mean(think, "sample", longest, first), let t1 = mean(think, "sample", longest, last),
           let a0 = mean(accuracy, "greedy", longest, first), let a1 = mean(accuracy, "greedy", longest, last) {
            title += String(format: " takes the sampled think fraction on %d-digit problems from %.2f to %.2f and greedy accuracy from %@ to %@",
                            longest, t0, t1, pct(a0), pct(a1))
        }
        let lengths = [first, last].map { s in
            digits.compactMap { mean(tokens, "sample", $0, s) }.reduce(0, +) / Double(max(digits.count, 1))
        }
        let caption = String(format: "Every %d RL steps, %@ held-out problems per size, each answered greedily and by one completion sampled at RL's temperature; mean over %d seed%@, band ± one standard deviation. Mean sampled length over the sizes: %.1f → %.1f tokens (%.2f×).",
                             steps.count > 2 ? steps[2] - steps[1] : last - first, problemsPerEvaluation(point: point), seeds, seeds == 1 ? "" : "s",
                             lengths[0], lengths[1], lengths[1] / lengths[0])
        return ReportFigure(file: "thinking-over-rl.svg", title: title, caption: caption,
                            figure: Figure(title: title, panels: panels, columns: 2))
    }

    /// Held-out problems per size of an evaluation during training (of `point`'s runs, or any run's).
    func problemsPerEvaluation(point: String? = nil) -> String {
        for run in runs where point == nil || run.point == point {
            if let problems = try? run.evaluations?.doubles("problems").first, let n = problems { return Console.count(Int(n)) }
        }
        return "the"
    }

    /// `router.svg`, when the points differ in `--think-cost`: per size,
    /// the sampled think fraction and greedy accuracy at the last RL step
    /// against the points' first axis, and accuracy against sampled length
    /// with every seed a point.
    func router(think: [TextEvaluationKey: [Double]], tokens: [TextEvaluationKey: [Double]],
                accuracy: [TextEvaluationKey: [Double]]) -> ReportFigure? {
        guard let axis = spec.axes.first, axis.flag == "think-cost" else { return nil }
        let groups = pointGroups.compactMap { group -> (x: Double, point: String)? in
            guard let run = group.runs.first, let x = Double(run.axisValues[0]) else { return nil }
            return (x, run.point)
        }.sorted { $0.x < $1.x }
        guard groups.count >= 2 else { return nil }
        let digits = Set(think.keys.map(\.digits)).sorted()
        func lastStep(_ point: String) -> Int? { think.keys.filter { $0.point == point }.map(\.step).max() }
        func final(_ values: [TextEvaluationKey: [Double]], _ selection: String, _ d: Int, _ point: String) -> [Double] {
            guard let s = lastStep(point) else { return [] }
            return values[TextEvaluationKey(point: point, digits: d, selection: selection, step: s)] ?? []
        }
        // Per size: the mean over seeds as a line, every seed a marker (a
        // cost can split the seeds, which a band would hide).
        func byAxis(_ values: [TextEvaluationKey: [Double]], _ selection: String) -> [LinePlot.Series] {
            digits.enumerated().flatMap { color, d in
                let name = sizeLabels()(d)
                let means = groups.compactMap { g in SampleStatistics(final(values, selection, d, g.point)).map { (x: g.x, y: $0.mean) } }
                let seeds = groups.flatMap { g in final(values, selection, d, g.point).map { (x: g.x, y: $0) } }
                return [LinePlot.Series(name: name, points: means, style: .line, color: color),
                        LinePlot.Series(name: "", points: seeds, style: .markers, color: color)]
            }
        }
        // Seeds as points: a run's final greedy accuracy against its final sampled length, per size.
        let scatter = digits.enumerated().map { color, d in
            LinePlot.Series(name: sizeLabels()(d), points: groups.flatMap { g in
                zip(final(tokens, "sample", d, g.point), final(accuracy, "greedy", d, g.point)).map { (x: $0, y: $1) }
            }, style: .markers, color: color)
        }
        let xLabel = axis.flag
        let panels = [
            LinePlot(title: "Sampled think fraction after RL", xLabel: xLabel, yLabel: "completions that think",
                     yRange: 0...1, series: byAxis(think, "sample")),
            LinePlot(title: "Greedy held-out accuracy after RL", xLabel: xLabel, yLabel: "exact-match accuracy",
                     yRange: 0...1, series: byAxis(accuracy, "greedy")),
            LinePlot(title: "Accuracy against length (each run a point)", xLabel: "sampled tokens per completion",
                     yLabel: "greedy exact-match accuracy", yRange: 0...1, series: scatter),
        ]
        let title = routerFinding(groups: groups, digits: digits, xLabel: xLabel) { selection, values, d, point in
            final(selection == "think" ? think : accuracy, values, d, point)
        }
        return ReportFigure(file: "router.svg", title: title,
                            caption: "The last evaluation of each run: the think fraction of one sampled completion per held-out problem, and greedy accuracy; lines: the mean over seeds, markers: each seed.",
                            figure: Figure(title: title, panels: panels, columns: Figure.columns(fitting: panels)))
    }

    /// The router's finding: the smallest value at which every seed answers
    /// the shortest problems directly (sampled think fraction ≤ 0.2) while
    /// the longest keep thinking (≥ 0.8); else the widest such gap any run reached.
    private func routerFinding(groups: [(x: Double, point: String)], digits: [Int], xLabel: String,
                               final: (String, String, Int, String) -> [Double]) -> String {
        guard let short = digits.first, let long = digits.last, short != long else { return "Thinking per problem size against \(xLabel)" }
        let value = { (x: Double) in String(format: "%g", x) }
        for g in groups {
            let shortThink = final("think", "sample", short, g.point), longThink = final("think", "sample", long, g.point)
            guard !shortThink.isEmpty, shortThink.count == longThink.count,
                  zip(shortThink, longThink).allSatisfy({ $0 <= 0.2 && $1 >= 0.8 }) else { continue }
            let accuracy = SampleStatistics(final("accuracy", "greedy", long, g.point))?.mean ?? .nan
            return String(format: "At %@ %@, %d-digit problems are answered directly (sampled think fraction %.2f) while %d-digit ones keep thinking (%.2f, greedy accuracy %.0f%%)",
                          xLabel, value(g.x), short, shortThink.reduce(0, +) / Double(shortThink.count), long,
                          longThink.reduce(0, +) / Double(longThink.count), 100 * accuracy)
        }
        var widest: (gap: Double, short: Double, long: Double, x: Double)?
        for g in groups {
            for (s, l) in zip(final("think", "sample", short, g.point), final("think", "sample", long, g.point)) where l >= 0.8 {
                if l - s > (widest?.gap ?? -1) { widest = (l - s, s, l, g.x) }
            }
        }
        guard let w = widest else { return "No \(xLabel) tried keeps \(long)-digit problems thinking" }
        return String(format: "No %@ tried routes by size: where %d-digit problems keep thinking, %d-digit ones think too (widest gap in one run: %.2f against %.2f at %@ %@)",
                      xLabel, long, short, w.long, w.short, xLabel, value(w.x))
    }
}
