import Foundation
import XCTest
import TestSupport
@testable import RunStorage
@testable import Plotting
@testable import Sweeps

/// Issue 14's figures from synthetic runs with known answers: the live noise
/// scale beside the fitted critical batch, the IsoFLOP fit, and the wall
/// clock to the threshold.
final class SweepScalingFigureTests: XCTestCase {
    private let columns = ["update", "env_steps", "flops", "wall_seconds", "accuracy", "episodic_return_mean", "gradient_noise_scale"]

    /// Batches 125…4000 reaching 0.5 after S = 20·(1 + 1000/B) updates (B_crit
    /// 1000), each logging B_simple = `noise(u, n)` at update u of n.
    private func batchRuns(noise: (Int, Int) -> Double) -> [SweepRunData] {
        var runs: [SweepRunData] = []
        for b in [125, 250, 500, 1000, 2000, 4000] {
            let s = Int((20 * (1 + 1000 / Double(b))).rounded())
            for seed in ["1", "2"] {
                let n = s + 20
                var rows: [[String]] = []
                for u in 1...n {
                    let wall: String = CSVField.double(Double(u * b) / 1e4).text
                    let accuracy: String = u >= s ? "0.6" : "0.4"
                    let scale: String = u < 3 ? "" : CSVField.double(noise(u, n)).text
                    rows.append([String(u), String(u * b), String(u * b * 10), wall, accuracy, "0", scale])
                }
                runs.append(SweepRunData(point: "workers=\(b)", seed: seed, axisValues: [String(b)], batchSize: b,
                                         progress: CSVTable(columns: columns, rows: rows)))
            }
        }
        return runs
    }

    private let threshold = ", \"threshold\": {\"metric\": \"accuracy\", \"value\": 0.5}"

    func testNoiseScaleBesideCriticalBatchAndItsTrend() throws {
        // B_simple grows linearly from 200 to 1800 over every run.
        let runs = batchRuns { u, n in 200 + 1600 * Double(u - 1) / Double(n - 1) }
        let results = SweepResults(spec: try SweepSpec(json: "{\"axes\": {\"workers\": [1]}, \"seeds\": [1, 2]\(threshold)}"), runs: runs)
        let summary = try XCTUnwrap(results.noiseScaleSummary())
        XCTAssertEqual(try XCTUnwrap(summary.criticalBatch), 1000, accuracy: 10)
        XCTAssertLessThan(summary.early, 600)
        XCTAssertGreaterThan(summary.late, 1400)
        XCTAssertEqual(summary.secondHalf, 1400, accuracy: 150)
        XCTAssertTrue(summary.text.hasPrefix("live B_simple rises from"), summary.text)
        XCTAssertTrue(summary.text.contains("× the fitted B_crit ≈ 1000"), summary.text)

        let (figures, _) = results.figuresAndOmissions()
        let figure = try XCTUnwrap(figures.first { $0.file == "noise-scale.svg" })
        let svg = SVGElements.parse(figure.figure.svg())
        // One panel, B_simple against the batch it was measured at (curves
        // over training, one per batch, would overlap into one band).
        XCTAssertEqual(svg.count("g", class: "panel"), 1)
        XCTAssertTrue(svg.text.contains("B_crit ≈ 1000 fitted from steps to threshold"), svg.text)
        XCTAssertTrue(figure.title.hasPrefix("The gradient noise scale grows with the batch it is measured at"), figure.title)
        // The mean over seeds, the power-law fit, B_crit and B = batch.
        XCTAssertEqual(svg.count("path", class: "series"), 4)

        let dir = try TemporaryDirectory()
        _ = try SweepReport.write(results, to: dir.path)
        let html = try String(contentsOfFile: dir.file("index.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("gradient noise scale</th><td class=\"value\">live B_simple rises"), html)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.file("noise-scale.svg")))
    }

    func testNoNoiseScaleColumnLeavesTheFigureOutAndSaysWhy() throws {
        let runs = batchRuns { _, _ in -1 }  // never positive: the estimator had nothing to say
        let results = SweepResults(spec: try SweepSpec(json: "{\"axes\": {\"workers\": [1]}, \"seeds\": [1, 2]\(threshold)}"), runs: runs)
        let (figures, omitted) = results.figuresAndOmissions()
        XCTAssertFalse(figures.contains { $0.file == "noise-scale.svg" })
        XCTAssertTrue(omitted.contains { $0.reason.hasPrefix("noise-scale.svg: no run logged a positive gradient_noise_scale") })
    }

    func testWallClockToThresholdInTheSummary() throws {
        // Batch 125 crosses at update 180: wall = 180·125/1e4 = 2.25 s.
        let results = SweepResults(spec: try SweepSpec(json: "{\"axes\": {\"workers\": [1]}, \"seeds\": [1, 2]\(threshold)}"), runs: batchRuns { _, _ in 500 })
        let summary = results.summaryTable()
        XCTAssertEqual(try summary.column("wall_seconds_to_threshold_mean")[0], "2.25")
        XCTAssertEqual(try summary.column("wall_seconds_to_threshold_std")[0], "0")
    }

    /// Runs of an IsoFLOP sweep whose final return peaks at width
    /// N_opt = 4·(C/1e10)^0.5 on a parabola in log width.
    private func isoRuns(budgets: [Double], widths: [Int]) -> [SweepRunData] {
        var runs: [SweepRunData] = []
        for c in budgets {
            let best = 4 * pow(c / 1e10, 0.5)
            for w in widths {
                for (k, seed) in ["1", "2"].enumerated() {
                    let offset: Double = log10(Double(w)) - log10(best)
                    let y: Double = 0.9 - 0.2 * offset * offset + (k == 0 ? 0.002 : -0.002)
                    let rows = [["1", "1024", CSVField.double(c).text, "1", "", CSVField.double(y).text, ""]]
                    let budget = CSVField.double(c).text
                    runs.append(SweepRunData(point: "flop-budget=\(budget)_hidden=\(w),\(w)", seed: seed, axisValues: [budget, "\(w),\(w)"], batchSize: 1024,
                                             progress: CSVTable(columns: columns, rows: rows)))
                }
            }
        }
        return runs
    }

    func testIsoFLOPRecoversOptimaAndExponent() throws {
        let spec = try SweepSpec(json: """
            {"base": {"env": "gridworld"}, "axes": {"flop-budget": [1e10, 4e10, 1.6e11, 6.4e11], "hidden": {"double": "1,1", "times": 8}}, "threshold": {"metric": "episodic_return_mean", "value": 0.8}}
            """)
        let budgets = [1e10, 4e10, 1.6e11, 6.4e11]
        let results = SweepResults(spec: spec, runs: isoRuns(budgets: budgets, widths: [1, 2, 4, 8, 16, 32, 64, 128]))
        let analysis = try XCTUnwrap(results.isoFLOP())
        XCTAssertEqual(analysis.budgets.count, 4)
        for (budget, c) in zip(analysis.budgets, budgets) {
            XCTAssertEqual(try XCTUnwrap(budget.optimum), 4 * pow(c / 1e10, 0.5), accuracy: 0.01 * 4 * pow(c / 1e10, 0.5))
        }
        let frontier = try XCTUnwrap(analysis.frontier)
        XCTAssertEqual(frontier.exponent, 0.5, accuracy: 1e-6)
        XCTAssertGreaterThan(frontier.rSquared, 0.999)
        XCTAssertTrue(analysis.text.hasPrefix("N_opt ∝ C^0.50 ± 0.00"), analysis.text)
        XCTAssertTrue(analysis.text.hasSuffix("inside the swept widths for 4 of 4 budgets"), analysis.text)

        let figure = try XCTUnwrap(results.figures().first { $0.file == "isoflop.svg" })
        let svg = SVGElements.parse(figure.figure.svg())
        XCTAssertEqual(svg.count("g", class: "panel"), 3)
        XCTAssertTrue(svg.text.contains("N_opt ≈ 8"), svg.text)
    }

    func testIsoFLOPOptimumAtTheEdgeIsNotCounted() throws {
        // Widths 1…12 only: the optimum of the two larger budgets (16, 32) lies past the widest.
        let spec = try SweepSpec(json: """
            {"base": {"env": "gridworld"}, "axes": {"flop-budget": [1e10, 4e10, 1.6e11, 6.4e11], "hidden": [1, 2, 4, 8, 12]}, "threshold": {"metric": "episodic_return_mean", "value": 0.8}}
            """)
        let results = SweepResults(spec: spec, runs: isoRuns(budgets: [1e10, 4e10, 1.6e11, 6.4e11], widths: [1, 2, 4, 8, 12]).map { var r = $0; r.axisValues[1] = String(r.axisValues[1].split(separator: ",")[0]); return r })
        let analysis = try XCTUnwrap(results.isoFLOP())
        XCTAssertEqual(analysis.budgets.map { $0.optimum != nil }, [true, true, false, false])
        XCTAssertTrue(analysis.text.contains("for 2 of 4 budgets"), analysis.text)
    }
}
