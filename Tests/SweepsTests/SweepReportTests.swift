import Foundation
import XCTest
import TestSupport
@testable import RunStorage
@testable import Plotting
@testable import Sweeps

/// Figures and CSVs from synthetic runs: fast, and with known answers.
final class SweepReportTests: XCTestCase {
    /// Runs whose accuracy after `updates` updates of `batch` steps follows
    /// accuracy = 0.1 + 0.2·log10(flops), flops = `flopsPerStep` × env steps.
    private func syntheticRuns(batches: [Int], updates: (Int) -> Int, seeds: [String] = ["1", "2"], axis: String, flopsPerStep: Double = 1000) -> [SweepRunData] {
        var runs: [SweepRunData] = []
        for b in batches {
            for seed in seeds {
                let n = updates(b)
                let rows = (1...n).map { u -> [String] in
                    let steps = Double(u * b), flops = flopsPerStep * steps
                    return [String(u), String(u * b), CSVField.double(flops).text, CSVField.double(0.5 + 0.1 * Double(u)).text, CSVField.double(0.1 + 0.2 * log10(flops)).text, CSVField.double(0.5 + 0.01 * Double(u)).text]
                }
                runs.append(SweepRunData(
                    point: "\(axis)=\(b)", seed: seed, axisValues: [String(b)], batchSize: b,
                    progress: CSVTable(columns: ["update", "env_steps", "flops", "wall_seconds", "accuracy", "episodic_return_mean"], rows: rows)))
            }
        }
        return runs
    }

    private func spec(_ axis: String, threshold: String = "") throws -> SweepSpec {
        try SweepSpec(json: "{\"axes\": {\"\(axis)\": [1]}, \"seeds\": [1, 2]\(threshold)}")
    }

    func testFiguresAreWellFormedWithOneSeriesPerPoint() throws {
        // The second point spends twice the FLOPs per env step (a wider
        // network, say), so curves against FLOPs show something of their own.
        let results = SweepResults(spec: try spec("total-timesteps"), runs: syntheticRuns(batches: [128], updates: { _ in 10 }, axis: "total-timesteps")
            + syntheticRuns(batches: [128], updates: { _ in 20 }, axis: "total-timesteps", flopsPerStep: 2000).map { var r = $0; r.point = "total-timesteps=2"; r.axisValues = ["2"]; return r })
        let figures = results.figures()
        XCTAssertEqual(figures.map(\.file), ["learning-curves.svg", "final-vs-compute.svg"])

        let curves = SVGElements.parse(figures[0].figure.svg())
        // Accuracy vs env steps, FLOPs and wall-clock seconds; return vs env steps and FLOPs.
        XCTAssertEqual(curves.count("g", class: "panel"), 5)
        XCTAssertTrue(curves.text.contains("accuracy vs wall-clock seconds"))
        XCTAssertEqual(curves.count("path", class: "series"), 5 * 2, "one mean curve per point per panel")
        XCTAssertEqual(curves.count("polygon", class: "band"), 5 * 2, "two seeds: a band per curve")
        XCTAssertEqual(curves.count("g", class: "legend-entry"), 5 * 2)
        let firstPath = curves.all("path", class: "series")[0]["d"]!
        XCTAssertEqual(firstPath.components(separatedBy: " L").count, 10, "ten updates, ten points")

        let final = SVGElements.parse(figures[1].figure.svg())
        XCTAssertEqual(final.count("g", class: "panel"), 2)
        // Per panel: the mean line with its 2 markers, 4 seed markers, the fit.
        XCTAssertEqual(final.count("circle", class: "marker"), 2 * (2 + 4))
        XCTAssertEqual(final.count("path", class: "series"), 2 * 2)
        XCTAssertTrue(final.text.contains("fit 0.1 + 0.2·log10 x (r² 1.00)"), final.text)
        XCTAssertEqual(results.figuresAndOmissions().omitted, [])
    }

    /// Figure titles state how the final metric moves along the sweep.
    func testTrendPhrases() {
        XCTAssertEqual(SweepResults.trend([("a", 0.61), ("b", 0.8), ("c", 0.99)]), "rises from 0.61 to 0.99")
        XCTAssertEqual(SweepResults.trend([("a", 0.61), ("b", 0.98), ("c", 0.985)]), "rises from 0.61 to 0.98, levelling off")
        XCTAssertEqual(SweepResults.trend([("a", 0.9), ("b", 0.5)]), "falls from 0.90 to 0.50")
        XCTAssertEqual(SweepResults.trend([("a", 0.87), ("b", 0.875)]), "stays at 0.87")
        XCTAssertEqual(SweepResults.trend([("a", 0.5), ("b", 0.9), ("c", 0.6)]), "peaks at 0.90 (b), from 0.50 at a to 0.60 at c")
        // A sweep of one point (seeds only) has no trend to state.
        let one = SweepResults(spec: try! spec("total-timesteps"), runs: syntheticRuns(batches: [128], updates: { _ in 10 }, axis: "total-timesteps"))
        XCTAssertEqual(one.learningCurvesFinding(), "Learning curves at total-timesteps 128 (final accuracy 1.32)")
    }

    /// Panels that would carry no information are left out, and
    /// the report says why in one line each.
    func testFiguresWithoutInformationAreLeftOutAndSaidWhy() throws {
        // (1) Every point ends at the same env steps, and FLOPs differ by 1.2×:
        // final accuracy vs compute would be a vertical line in both panels.
        let sameBudget = SweepResults(spec: try spec("workers"), runs:
            syntheticRuns(batches: [128], updates: { _ in 10 }, axis: "workers")
            + syntheticRuns(batches: [128], updates: { _ in 10 }, axis: "workers", flopsPerStep: 1200).map { var r = $0; r.point = "workers=2"; r.axisValues = ["2"]; return r })
        var (figures, omitted) = sameBudget.figuresAndOmissions()
        XCTAssertEqual(figures.map(\.file), ["learning-curves.svg"])
        XCTAssertEqual(omitted.map(\.kind), ["figure left out"])
        XCTAssertEqual(omitted[0].reason, "final-vs-compute.svg: FLOPs vary only 1.20× (1.28e+06 to 1.54e+06), less than 1.5×; every run ends at 1,280 env steps: final accuracy vs compute would be a near-vertical line")

        // (2) Env steps double, FLOPs per step the same for every point: the
        // final-vs-FLOPs panel stays (FLOPs double too), but the learning
        // curves vs FLOPs are the curves vs env steps on another scale.
        let doubling = SweepResults(spec: try spec("total-timesteps"), runs:
            syntheticRuns(batches: [128], updates: { _ in 10 }, axis: "total-timesteps")
            + syntheticRuns(batches: [128], updates: { _ in 20 }, axis: "total-timesteps").map { var r = $0; r.point = "total-timesteps=2"; r.axisValues = ["2"]; return r })
        (figures, omitted) = doubling.figuresAndOmissions()
        XCTAssertEqual(figures.map(\.file), ["learning-curves.svg", "final-vs-compute.svg"])
        XCTAssertEqual(omitted.map(\.kind), ["panel left out"])
        XCTAssertTrue(omitted[0].reason.hasPrefix("learning curves vs FLOPs: FLOPs follow env steps by the same line in every run"), omitted[0].reason)
        let curves = SVGElements.parse(figures[0].figure.svg())
        XCTAssertEqual(curves.count("g", class: "panel"), 3, "accuracy and return vs env steps, accuracy vs wall-clock seconds")
        XCTAssertFalse(curves.text.contains("FLOPs"))
        XCTAssertEqual(SVGElements.parse(figures[1].figure.svg()).count("g", class: "panel"), 2)

        // (3) FLOPs vary 4× but env steps by 1.25×: only the env-steps panel goes.
        let wider = SweepResults(spec: try spec("hidden"), runs:
            syntheticRuns(batches: [128], updates: { _ in 8 }, axis: "hidden")
            + syntheticRuns(batches: [128], updates: { _ in 10 }, axis: "hidden", flopsPerStep: 3200).map { var r = $0; r.point = "hidden=2"; r.axisValues = ["2"]; return r })
        (figures, omitted) = wider.figuresAndOmissions()
        XCTAssertEqual(figures.map(\.file), ["learning-curves.svg", "final-vs-compute.svg"])
        XCTAssertEqual(omitted.map(\.reason), ["final accuracy vs env steps: env steps vary only 1.25× (1,024 to 1,280), less than 1.5×, so it would be a near-vertical line"])
        let final = SVGElements.parse(figures[1].figure.svg())
        XCTAssertEqual(final.count("g", class: "panel"), 1)

        // The report's settings table carries each reason, one line each.
        let dir = try TemporaryDirectory()
        _ = try SweepReport.write(sameBudget, to: dir.path)
        let html = try String(contentsOfFile: dir.file("index.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("<th scope=\"row\">figure left out</th><td class=\"value\">final-vs-compute.svg: FLOPs vary only 1.20×"), html)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.file("final-vs-compute.svg")))
    }

    func testCriticalBatchFitRecoversKnownParameters() throws {
        // S(B) = S_min (1 + B_crit/B) with S_min = 20, B_crit = 1000: E = B·S.
        let sMin = 20.0, bCrit = 1000.0
        let batches = [125, 250, 500, 1000, 2000, 4000]
        let threshold = ", \"threshold\": {\"metric\": \"accuracy\", \"value\": 0.5}"
        var runs: [SweepRunData] = []
        for b in batches {
            let s = Int((sMin * (1 + bCrit / Double(b))).rounded())
            for seed in ["1", "2"] {
                let rows = (1...(s + 5)).map { u -> [String] in
                    [String(u), String(u * b), String(u * b * 10), "1", u >= s ? "0.6" : "0.4", "0"]
                }
                runs.append(SweepRunData(point: "workers=\(b)", seed: seed, axisValues: [String(b)], batchSize: b,
                    progress: CSVTable(columns: ["update", "env_steps", "flops", "wall_seconds", "accuracy", "episodic_return_mean"], rows: rows)))
            }
        }
        let results = SweepResults(spec: try spec("workers", threshold: threshold), runs: runs)
        let crossing = try XCTUnwrap(runs[0].crossing(results.spec.effectiveThreshold))
        XCTAssertEqual(crossing.updates, 180)
        XCTAssertEqual(crossing.envSteps, 180 * 125)
        let fit = try CriticalBatchFit(steps: runs.compactMap { $0.crossing(results.spec.effectiveThreshold)?.updates },
                                       examples: runs.compactMap { $0.crossing(results.spec.effectiveThreshold)?.envSteps })
        XCTAssertEqual(fit.criticalBatchSize, bCrit, accuracy: 5)
        XCTAssertEqual(fit.minSteps, sMin, accuracy: 0.2)

        let figure = try XCTUnwrap(results.figures().first { $0.file == "critical-batch.svg" })
        XCTAssertTrue(figure.caption.contains("B_crit ≈ 1000 env steps per update"), figure.caption)
        let svg = SVGElements.parse(figure.figure.svg())
        XCTAssertEqual(svg.count("g", class: "panel"), 3)
        XCTAssertTrue(svg.text.contains("fit: B_crit ≈ 1000"))
        // Trade-off panel: 6 means + 12 seeds; the two others: 6 means each.
        XCTAssertEqual(svg.count("circle", class: "marker"), 6 + 12 + 6 + 6)

        let summary = results.summaryTable()
        XCTAssertEqual(summary.rows.count, 6)
        XCTAssertEqual(try summary.column("updates_to_threshold_mean")[0], "180")
        XCTAssertEqual(try summary.column("seeds_reaching"), Array(repeating: "2", count: 6))
        XCTAssertEqual(try summary.column("updates_to_threshold_std")[0], "0")
    }

    func testCSVRoundTrip() throws {
        var runs = syntheticRuns(batches: [64, 128], updates: { 2048 / $0 }, axis: "num-envs")
        runs[0].evaluations = CSVTable(columns: ["digits", "accuracy", "stage"], rows: [["3", "0.5", "eval"], ["6", "0.25, roughly", "eval"]])
        let results = SweepResults(spec: try spec("num-envs"), runs: runs)
        let progress = try results.progressTable()
        let evals = try XCTUnwrap(try results.evaluationTable())
        XCTAssertEqual(progress.rows.count, 2 * 32 + 2 * 16)
        XCTAssertEqual(evals.rows.count, 2)
        let reread = try CSVTable(parsing: Data(progress.csvText.utf8))
        let rereadEvals = try CSVTable(parsing: Data(evals.csvText.utf8))
        XCTAssertEqual(reread.columns, progress.columns)
        XCTAssertEqual(reread.rows, progress.rows)
        let split = try SweepResults.split(spec: results.spec, progress: reread, evaluations: rereadEvals)
        XCTAssertEqual(split.count, runs.count)
        for (a, b) in zip(split, runs) {
            XCTAssertEqual(a.point, b.point)
            XCTAssertEqual(a.seed, b.seed)
            XCTAssertEqual(a.batchSize, b.batchSize)
            XCTAssertEqual(a.progress.rows, b.progress.rows)
            XCTAssertEqual(a.progress.columns, b.progress.columns)
            XCTAssertEqual(a.evaluations?.rows, b.evaluations?.rows)
        }
        XCTAssertEqual(split[0].evaluations?.rows[1][1], "0.25, roughly")
    }

    func testTestTimeComputeFigure() throws {
        var runs = syntheticRuns(batches: [128], updates: { _ in 4 }, axis: "think-budget")
        for i in runs.indices {
            var rows: [[String]] = []
            for d in [3, 6] { for t in [0, 1, 2] { for s in [1, 2, 4] {
                rows.append([String(d), String(t), String(s), CSVField.double(Double(t + s) / 10).text, String(t), "eval"])
            } } }
            rows.append(["3", "1", "1", "0.9", "1", "end of training"])
            runs[i].evaluations = CSVTable(columns: ["digits", "think_budget", "samples", "accuracy", "think_tokens_mean", "stage"], rows: rows)
        }
        let results = SweepResults(spec: try spec("think-budget"), runs: runs)
        let figure = try XCTUnwrap(results.figures().first { $0.file == "test-time-compute.svg" })
        let svg = SVGElements.parse(figure.figure.svg())
        XCTAssertEqual(svg.count("g", class: "panel"), 4, "two panels per digits value")
        // Per digits: 3 think-budget series × 3 samples + 3 sample series × 3 budgets.
        XCTAssertEqual(svg.count("circle", class: "marker"), 2 * (9 + 9))
        XCTAssertEqual(svg.count("g", class: "legend-entry"), 2 * (3 + 3))
    }
}
