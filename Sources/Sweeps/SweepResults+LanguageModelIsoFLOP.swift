import Foundation
import RunStorage
import Plotting

/// The language model's IsoFLOP profiles (Hoffmann et al. 2022, approach 2),
/// when a transformer sweep crosses `flop-budget` with a size axis
/// (`d-model` or `layers`): each budget C fixes SFT's FLOPs, so a larger
/// model reads fewer tokens, and the held-out next-token loss after SFT
/// against parameters N is a U whose bottom N_opt moves with C.
extension SweepResults {
    /// What one run's SFT evaluation gives the profiles.
    struct SFTOutcome {
        var parameters: Double
        var nonEmbeddingParameters: Double
        /// Held-out next-token loss per completion token, the mean over the trained sizes.
        var loss: Double
        /// Greedy held-out accuracy on the longest size.
        var accuracy: Double
    }

    /// The greedy rows of a run's evaluation after SFT (phase `sft`).
    static func sftOutcome(_ run: SweepRunData) -> SFTOutcome? {
        guard let table = run.evaluations, let phase = try? table.column("phase"), let selection = try? table.column("selection"),
              let loss = try? table.doubles("loss"), let parameters = try? table.doubles("parameters"),
              let nonEmbedding = try? table.doubles("non_embedding_parameters"), let accuracy = try? table.doubles("accuracy")
        else { return nil }
        let rows = phase.indices.filter { phase[$0] == "sft" && selection[$0] == "greedy" }
        let losses = rows.compactMap { loss[$0] }
        guard let last = rows.last, !losses.isEmpty, losses.count == rows.count,
              let n = parameters[last], let m = nonEmbedding[last], let a = accuracy[last] else { return nil }
        return SFTOutcome(parameters: n, nonEmbeddingParameters: m, loss: losses.reduce(0, +) / Double(losses.count), accuracy: a)
    }

    var isLanguageModelIsoFLOP: Bool {
        spec.axes.contains { $0.flag == SweepSpec.flopBudget } && spec.axes.contains { ["d-model", "layers"].contains($0.flag) }
    }

    /// log10 of the held-out loss against N per budget, N all parameters or
    /// without the embeddings (Kaplan et al.'s count); lower is better. The
    /// logarithm because the loss falls by orders of magnitude as a size
    /// masters the task: on a linear scale every budget's bottom is flat.
    public func languageModelIsoFLOP(nonEmbedding: Bool = false) -> IsoFLOPAnalysis? {
        guard isLanguageModelIsoFLOP, let b = spec.axes.firstIndex(where: { $0.flag == SweepSpec.flopBudget }) else { return nil }
        var byBudget: [Double: [(width: Double, value: Double)]] = [:]
        for run in runs {
            guard let c = Double(run.axisValues[b]), let outcome = Self.sftOutcome(run), outcome.loss > 0 else { continue }
            byBudget[c, default: []].append((nonEmbedding ? outcome.nonEmbeddingParameters : outcome.parameters, log10(outcome.loss)))
        }
        return IsoFLOPAnalysis(metric: "log10 held-out loss", byBudget: byBudget, higherIsBetter: false)
    }

    /// N_opt ∝ C^a through each budget's raw argmin (the size with the
    /// lowest mean loss, edges included), beside the parabola's vertex.
    static func rawFrontier(_ analysis: IsoFLOPAnalysis) -> PowerLawFit? {
        let argmins = analysis.budgets.compactMap { b in b.means.min { $0.mean < $1.mean }.map { (b.flops, $0.width) } }
        return try? PowerLawFit(x: argmins.map(\.0), y: argmins.map(\.1))
    }

    /// "N_opt ∝ C^0.52 ± 0.06 (r² 0.97, vertex, 4 budgets)"
    static func frontierText(_ fit: PowerLawFit?, _ what: String) -> String {
        guard let f = fit else { return "no fit (\(what): fewer than two budgets)" }
        let se = f.exponentStandardError.map { String(format: " ± %.2f", $0) } ?? ""
        return String(format: "N_opt ∝ C^%.2f%@ (r² %.2f, %@, %d budgets)", f.exponent, se, f.rSquared, what, f.count)
    }

    /// The report's line: per budget the raw argmin and the vertex, then the
    /// frontiers with all parameters and without embeddings.
    public func languageModelIsoFLOPText() -> String? {
        guard let all = languageModelIsoFLOP(), let nonEmbedding = languageModelIsoFLOP(nonEmbedding: true) else { return nil }
        let perBudget = all.budgets.map { b in
            let argmin = b.means.min { $0.mean < $1.mean }.map { Console.count(Int($0.width)) } ?? "–"
            let vertex = b.optimum.map { Console.count(Int($0.rounded())) } ?? "none"
            return String(format: "C %.3g: argmin %@, vertex %@", b.flops, argmin, vertex)
        }.joined(separator: " · ")
        return perBudget + ". All parameters: \(Self.frontierText(all.frontier, "vertex")); \(Self.frontierText(Self.rawFrontier(all), "raw argmin")). "
            + "Without embeddings: \(Self.frontierText(nonEmbedding.frontier, "vertex")); \(Self.frontierText(Self.rawFrontier(nonEmbedding), "raw argmin"))"
    }

    /// `lm-isoflop.svg`: held-out loss against parameters per budget with its
    /// parabola, vertex and raw argmin; N_opt against C (vertex and argmin, all
    /// parameters); greedy accuracy against parameters per budget.
    func languageModelIsoFLOPFigure() -> ReportFigure? {
        guard let analysis = languageModelIsoFLOP(), let nonEmbedding = languageModelIsoFLOP(nonEmbedding: true) else { return nil }
        func budgetText(_ c: Double) -> String { String(format: "%.3g", c) }
        var curves: [LinePlot.Series] = []
        var vertices: [(x: Double, y: Double)] = [], argmins: [(x: Double, y: Double)] = []
        for (i, budget) in analysis.budgets.enumerated() {
            let best = budget.optimum.map { "N_opt ≈ \(Console.count(Int($0.rounded())))" } ?? "no interior minimum"
            curves.append(LinePlot.Series(
                name: "C = \(budgetText(budget.flops)): \(best)", points: budget.means.map { ($0.width, $0.mean) },
                band: budget.means.map { ($0.width, $0.mean - $0.std, $0.mean + $0.std) }, style: .lineAndMarkers, color: i))
            if let fit = budget.fit, let n = budget.optimum {
                let lo = fit.xRange.lowerBound, hi = fit.xRange.upperBound
                curves.append(LinePlot.Series(name: "", points: (0...40).map { k in
                    let x = lo * pow(hi / lo, Double(k) / 40)
                    return (x, fit.predict(x))
                }, style: .dashed, color: i))
                vertices.append((n, fit.predict(n)))
            }
            if let m = budget.means.min(by: { $0.mean < $1.mean }) { argmins.append((budget.flops, m.width)) }
        }
        if !vertices.isEmpty { curves.append(LinePlot.Series(name: "parabola vertex", points: vertices, style: .markers, color: 7)) }

        let raw = Self.rawFrontier(analysis)
        var frontier: [LinePlot.Series] = [
            LinePlot.Series(name: "vertex", points: analysis.budgets.compactMap { b in b.optimum.map { (b.flops, $0) } }, style: .markers, color: 0),
            LinePlot.Series(name: "raw argmin", points: argmins, style: .markers, color: 1),
        ]
        if let lo = analysis.budgets.first?.flops, let hi = analysis.budgets.last?.flops {
            for (i, fit) in [(0, analysis.frontier), (1, raw)] {
                guard let fit else { continue }
                frontier.append(LinePlot.Series(name: String(format: "C^%.2f", fit.exponent),
                                                points: (0...20).map { k in let c = lo * pow(hi / lo, Double(k) / 20); return (c, fit.predict(c)) },
                                                style: .dashed, color: i))
            }
        }

        // Greedy accuracy on the longest size, per budget, against N.
        let b = spec.axes.firstIndex { $0.flag == SweepSpec.flopBudget } ?? 0
        var accuracy: [Double: [Double: [Double]]] = [:]
        for run in runs {
            guard let c = Double(run.axisValues[b]), let o = Self.sftOutcome(run) else { continue }
            accuracy[c, default: [:]][o.parameters, default: []].append(o.accuracy)
        }
        let accuracyCurves = accuracy.keys.sorted().enumerated().map { i, c in
            LinePlot.Series(name: "C = \(budgetText(c))", means: (accuracy[c] ?? [:]).keys.sorted().compactMap { n in
                SampleStatistics(accuracy[c]?[n] ?? []).map { (x: n, stats: $0) }
            }, style: .lineAndMarkers, color: i)
        }

        let inside = analysis.budgets.filter { $0.optimum != nil }.count
        let title: String
        if let f = analysis.frontier {
            title = String(format: "At a fixed SFT budget held-out loss is a U in model size; the best size grows as C^%.2f (%d of %d budgets with an interior minimum)",
                           f.exponent, inside, analysis.budgets.count)
        } else {
            // No frontier: say where each budget's lowest mean loss is.
            let argmins = analysis.budgets.compactMap { b in b.means.min { $0.mean < $1.mean }.map(\.width) }
            let place = Set(argmins).count == 1
                ? "at \(Console.count(Int(argmins[0]))) parameters at every budget"
                : "at " + argmins.map { Console.count(Int($0)) }.joined(separator: ", ") + " parameters as the budget grows"
            title = "Held-out loss against model size per SFT budget: the lowest mean loss is \(place); "
                + "\(inside) of \(analysis.budgets.count) budget\(analysis.budgets.count == 1 ? "" : "s") bend\(inside == 1 ? "s" : "") into an interior minimum"
        }
        let panels = [
            LinePlot(title: "Held-out loss after SFT vs parameters, per FLOP budget", xLabel: "parameters N (log scale)",
                     yLabel: "log10 next-token loss per completion token", xScale: .log10, series: curves,
                     width: LinePlot.width(fitting: curves, atLeast: 640), height: 420),
            LinePlot(title: "Compute-optimal size N_opt vs budget", xLabel: "SFT FLOP budget C (log scale)", yLabel: "N_opt (log scale)",
                     xScale: .log10, yScale: .log10, series: frontier, width: 640, height: 420),
            LinePlot(title: "Greedy held-out accuracy, longest size", xLabel: "parameters N (log scale)", yLabel: "exact-match accuracy",
                     xScale: .log10, yRange: 0...1, series: accuracyCurves, width: 640, height: 420),
        ]
        let seeds = pointGroups.map(\.runs.count).max() ?? 0
        let caption = "Each budget C fixes SFT's FLOPs (forward, backward and Adam; attention counted): steps = C ÷ FLOPs per mean SFT step, so a larger model reads fewer tokens. Loss: next-token cross-entropy per completion token on the worked examples of held-out problems, the mean over the trained sizes. Markers: mean over \(seeds) seed\(seeds == 1 ? "" : "s"), band ± one standard deviation; dashed: log10 loss = a + b·log10 N + c·(log10 N)² through every seed, drawn where the mean bends (the best size beats both edges by more than their spread) and the vertex lies inside the sizes. "
            + "All parameters: \(Self.frontierText(analysis.frontier, "vertex")); \(Self.frontierText(raw, "raw argmin")). Without embeddings: \(Self.frontierText(nonEmbedding.frontier, "vertex")); \(Self.frontierText(Self.rawFrontier(nonEmbedding), "raw argmin")). Tokens at the optimum D_opt ≈ C ÷ 6N_opt."
        return ReportFigure(file: "lm-isoflop.svg", title: title, caption: caption,
                            figure: Figure(title: title, panels: panels, columns: 1))
    }
}
