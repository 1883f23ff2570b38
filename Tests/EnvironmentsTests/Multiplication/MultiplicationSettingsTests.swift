import XCTest
import RunStorage
@testable import Environments

final class MultiplicationSettingsTests: XCTestCase {
    func testFlagsAndEvaluationRequests() throws {
        var settings = MultiplicationSettings()
        try MultiplicationSettings.options.apply(["--multiplier", "2-8", "--think-budget=0-4", "--digits", "2"], to: &settings, context: "multiplication")
        XCTAssertEqual(settings.environment.multiplier, 2...8)
        XCTAssertEqual(settings.environment.thinkBudget, 0...4)
        XCTAssertEqual(settings.environment.digits, 2...2)
        for (arguments, fragment) in [
            (["--multiplier", "0"], "--multiplier: multiplier must be within 1-9"), (["--multiplier", "3-1"], "reversed"),
            (["--think-budget", "-1"], "--think-budget: think budget: expected"), (["--digits", "x"], "--digits"),
        ] {
            XCTAssertThrowsError(try MultiplicationSettings.options.apply(arguments, to: &settings, context: "multiplication")) { error in
                XCTAssertTrue("\(error)".contains(fragment), "\(error)")
            }
        }
        let request = try MultiplicationSettings.evaluationRequest(["--multiplier", "9", "--think-budget", "4", "--problems", "10"])
        XCTAssertEqual(request.multiplier, 9...9)
        XCTAssertEqual(request.thinkBudget, 4)
        XCTAssertEqual(request.search, SearchOptions())
        let search = try MultiplicationSettings.evaluationRequest(["--samples", "8", "--temperature", "0.5", "--select", "oracle"]).search
        XCTAssertEqual(search, SearchOptions(samples: 8, temperature: 0.5, select: .oracle))
        XCTAssertEqual(search.selectionLabel, "oracle")
        XCTAssertEqual(SearchOptions(samples: 4).effectiveTemperature, 1)
        XCTAssertEqual(SearchOptions().selectionLabel, "greedy")
        for (arguments, fragment) in [
            (["--think-budget", "-1"], "--think-budget must be between 0 and 64, got -1"), (["--multiplier", "10"], "multiplier must be within 1-9"),
            (["--digits", "0"], "--digits"), (["--problems", "0"], "--problems"), (["--samples", "0"], "--samples must be between 1 and"),
            (["--temperature", "-0.5"], "--temperature must be a finite number ≥ 0"), (["--select", "vote"], "--select"),
        ] {
            XCTAssertThrowsError(try MultiplicationSettings.evaluationRequest(arguments)) { error in
                XCTAssertTrue("\(error)".contains(fragment), "\(error)")
            }
        }
        var bad = MultiplicationSettings()
        bad.demos = -1
        XCTAssertThrowsError(try bad.validate())
    }

    /// The sweep figures from synthetic eval.csv rows: the two compute
    /// panels side by side, thinking by difficulty, and think cost only when
    /// the points differ in it.
    func testFigures() throws {
        func run(point: String, label: String, flops: Double, accuracyScale: Double, seed: Int) -> EvaluatedRun {
            var rows: [[String]] = []
            // The fields named, in eval.csv's column order (the rest empty).
            let named = ["digits", "multiplier", "think_budget", "problems", "accuracy", "think_tokens_mean", "ideal_accuracy",
                         "ideal_think_tokens_mean", "digit_accuracy", "train_flops", "stage"]
            func append(_ values: [String]) {
                let fields = Dictionary(uniqueKeysWithValues: zip(named, values))
                rows.append(MultiplicationSettings.evaluationColumns.map { fields[$0] ?? "" })
            }
            for (multiplier, hard) in [("1-9", false), ("9", true)] {
                for budget in [0, 1, 2, 4, 8, 16] {
                    let ideal = min(1, Double(budget) / 8) * (hard ? 0.9 : 1)
                    append(["3", multiplier, "\(budget)", "100", "\(ideal * accuracyScale + 0.01 * Double(seed))", "\(Double(min(budget, 8)) * (hard ? 1.5 : 0.8))",
                            "\(ideal)", "\(Double(min(budget, 8)) * (hard ? 1.5 : 0.8))", "0.9", "\(flops)", "eval"])
                }
            }
            for m in 1...9 {
                append(["3", "\(m)", "16", "100", "0.9", "\(Double(m) * 1.2)", "1", "\(Double(m) * 1.2)", "0.95", "\(flops)", "end of training"])
            }
            return EvaluatedRun(point: point, label: label, evaluations: CSVTable(columns: MultiplicationSettings.evaluationColumns, rows: rows))
        }
        let runs = (1...2).flatMap { seed in
            [run(point: "a", label: "demos 500", flops: 1e10, accuracyScale: 0.6, seed: seed),
             run(point: "b", label: "demos 1000", flops: 2e10, accuracyScale: 0.9, seed: seed)]
        }
        let figures = MultiplicationSettings.evaluationFigures(runs)
        XCTAssertEqual(figures.map(\.file), ["test-time-compute.svg", "thinking-by-difficulty.svg"])
        let compute = figures[0].figure
        XCTAssertEqual(compute.columns, 2)
        XCTAssertEqual(compute.panels.map(\.title), ["Train-time compute", "Test-time compute"])
        // Policy and ideal for the mixture and for the hardest multiplier.
        XCTAssertEqual(compute.panels[1].series.map(\.name), ["policy, m 1-9", "ideal, m 1-9", "policy, m = 9", "ideal, m = 9"])
        // Budgets 1…8 on the log axis; 16 spends and scores what 8 does, so it
        // is named in the axis label rather than drawn on top; budget 0 is a
        // reference line.
        XCTAssertEqual(compute.panels[1].series[0].points.count, 4)
        XCTAssertTrue(compute.panels[1].xLabel.hasSuffix("caps 1, 2, 4, 8–16)"), compute.panels[1].xLabel)
        XCTAssertTrue(figures[0].caption.hasSuffix("Caps 16 think as 8 does: one point."), figures[0].caption)
        XCTAssertEqual(compute.panels[1].referenceLines.count, 2)
        // One train-time point per sweep point, in order of compute, the strongest on the right.
        XCTAssertEqual(compute.panels[0].series[0].points.map(\.x), [1e10, 2e10])
        XCTAssertEqual(compute.panels[0].series[0].points[1].y, 0.9 + 0.015, accuracy: 1e-9)
        XCTAssertTrue(figures[0].caption.contains("demos 1000"))
        // The titles state the finding, computed from the rows.
        XCTAssertEqual(compute.title, figures[0].title)
        XCTAssertTrue(figures[0].title.hasPrefix("Accuracy rises ("), figures[0].title)
        XCTAssertTrue(figures[0].title.contains("over 1.0 doublings of training compute, and rises (13% → 92% on m 1-9"), figures[0].title)
        XCTAssertTrue(figures[0].title.contains("points below the ideal reasoner"), figures[0].title)
        XCTAssertTrue(figures[1].title.hasPrefix("From m = 1 to m = 9 the policy's thinking rises from 1.2 to 10.8 tally marks per problem, as the ideal reasoner's does"), figures[1].title)
        XCTAssertTrue(figures[1].title.hasSuffix("accuracy stays at 90%"), figures[1].title)
        XCTAssertEqual(figures[1].figure.panels[0].series[0].points.map(\.y), (1...9).map { Double($0) * 1.2 })

        let costs = (1...2).flatMap { seed in
            [run(point: "a", label: "think-cost 0", flops: 1e10, accuracyScale: 1, seed: seed),
             run(point: "b", label: "think-cost 0.1", flops: 1e10, accuracyScale: 0.5, seed: seed)]
        }
        let costFigures = MultiplicationSettings.evaluationFigures(costs)
        XCTAssertEqual(costFigures.map(\.file), ["test-time-compute.svg", "thinking-by-difficulty.svg", "think-cost.svg"])
        // Points trained with the same compute get no train-time panel.
        XCTAssertEqual(costFigures[0].figure.panels.map(\.title), ["Test-time compute"])
        // Every seed of every point is a marker; the first point's caps are the dashed curve.
        XCTAssertEqual(costFigures[2].figure.panels[0].series.map(\.points.count), [2, 6, 2])
        XCTAssertTrue(costFigures[2].title.hasPrefix("From think-cost 0 to think-cost 0.1, thinking stays at 6.4 tally marks per problem and accuracy falls from"), costFigures[2].title)
        XCTAssertTrue(MultiplicationSettings.evaluationFigures([]).isEmpty)
    }
}
