import Foundation
import XCTest
import Environments
@testable import Sweeps

final class SweepSpecTests: XCTestCase {
    func testDoublingListsAndSeveralAxes() throws {
        let spec = try SweepSpec(json: """
            {"base": {"env": "arithmetic", "total-timesteps": 100000, "num-envs": 2},
             "axes": {"total-timesteps": {"double": 25000, "times": 4},
                      "hidden": {"double": "16,8", "times": 2},
                      "learning-rate": [0.001, 2.5e-4]},
             "seeds": [1, 2, 3]}
            """)
        XCTAssertEqual(spec.axes.map(\.flag), ["total-timesteps", "hidden", "learning-rate"])
        XCTAssertEqual(spec.axes[0].values, ["25000", "50000", "100000", "200000"])
        XCTAssertEqual(spec.axes[1].values, ["16,8", "32,16"])
        XCTAssertEqual(spec.axes[2].values, ["0.001", "2.5e-4"])
        let points = spec.points
        XCTAssertEqual(points.count, 16)
        XCTAssertEqual(points[0].name, "total-timesteps=25000_hidden=16,8_learning-rate=0.001")
        XCTAssertEqual(points[1].values, ["25000", "16,8", "2.5e-4"])
        XCTAssertEqual(points[15].values, ["200000", "32,16", "2.5e-4"])
        XCTAssertEqual(spec.runs.count, 48)
        XCTAssertEqual(spec.runs.map(\.index), Array(0..<48))
        XCTAssertEqual(spec.runs[4].name, "total-timesteps=25000_hidden=16,8_learning-rate=2.5e-4-seed2")
        // Axis values replace the base's; the seed comes last.
        XCTAssertEqual(spec.arguments(for: spec.runs[0]), [
            "--env", "arithmetic", "--num-envs", "2", "--total-timesteps", "25000", "--hidden", "16,8",
            "--learning-rate", "0.001", "--seed", "1",
        ])
        let floats = try SweepSpec(json: #"{"axes": {"learning-rate": {"double": 0.25, "times": 3}}}"#)
        XCTAssertEqual(floats.axes[0].values, ["0.25", "0.5", "1.0"])
        XCTAssertEqual(floats.seeds, [1])
        XCTAssertEqual(floats.effectiveThreshold, .init(metric: "accuracy", value: 0.9))
    }

    func testEvaluationCombinations() throws {
        let spec = try SweepSpec(json: #"{"axes": {"demos": [0]}, "eval": {"digits": [3, 6], "think-budget": [0, 1], "samples": [1, 4], "problems": 50}}"#)
        let requests = try spec.evaluation.requests.map { try ArithmeticSettings.evaluationRequest($0) }
        XCTAssertEqual(requests.count, 8)
        XCTAssertEqual(requests.map(\.digits), [3, 3, 3, 3, 6, 6, 6, 6])
        XCTAssertEqual(requests.map(\.search.samples), [1, 4, 1, 4, 1, 4, 1, 4])
        XCTAssertTrue(requests.allSatisfy { $0.problems == 50 })
        XCTAssertTrue(try SweepSpec(json: #"{"axes": {"demos": [0]}}"#).evaluation.requests.isEmpty)
    }

    private func error(_ json: String) -> String {
        do {
            let spec = try SweepSpec(json: json, source: "s.json")
            _ = try SweepPlan(spec: spec, outDirectory: "/tmp/unused", builder: testSweepBuilder)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    func testClearErrors() {
        XCTAssertEqual(error("{\n  \"axes\": {\n    \"demos\": [1 2]\n  }\n}"), "s.json: malformed JSON at line 3, column 17: expected ',' or ']', found '2'")
        XCTAssertEqual(error("{\"axes\": {\"demos\": [1]}"), "s.json: malformed JSON at line 1, column 24: expected ',' or '}', found the end of the file")
        XCTAssertEqual(error("{\"axes\": {\"demos\": []}}"), "s.json (line 1, column 20): axis \"demos\" is empty: list at least one value")
        XCTAssertEqual(error("{\"axes\": {\"demos\": {\"double\": 8, \"times\": 0}}}"), "s.json (line 1, column 20): axis \"demos\" is empty: \"times\" must be at least 1, got 0")
        XCTAssertEqual(error("{\"axes\": {}}"), "s.json: \"axes\" is empty: name at least one flag to vary")
        XCTAssertTrue(error("{\"axis\": {}}").hasPrefix("s.json (line 1, column 10): unknown key \"axis\""))
        XCTAssertEqual(error("{\"axes\": {\"--demos\": [1]}}"), "s.json (line 1, column 22): write flags without dashes: \"demos\", not \"--demos\"")
        XCTAssertTrue(error("{\"base\": {\"seed\": 3}, \"axes\": {\"demos\": [1]}}").contains("\"seed\" cannot be set in a sweep file"))
        // Flags and values are the builder's (the CLI's) to judge.
        XCTAssertEqual(error("{\"base\": {\"frobnicate\": 1}, \"axes\": {\"demos\": [1]}}"), "s.json: base: Unknown option '--frobnicate'")
        XCTAssertEqual(error("{\"axes\": {\"total-timesteps\": [\"lots\"]}}"), "s.json: point total-timesteps=lots: The value 'lots' is invalid for '--total-timesteps <total-timesteps>'")
        XCTAssertTrue(error("{\"axes\": {\"total-timesteps\": [64]}}").contains("less than one batch"))
        XCTAssertTrue(error("{\"axes\": {\"demos\": [1]}, \"threshold\": {\"metric\": \"acc\", \"value\": 0.9}}").contains("threshold metric \"acc\" is not a progress.csv column"))
    }

    func testShardsPartitionTheRuns() throws {
        let spec = try SweepSpec(json: #"{"axes": {"demos": {"double": 1, "times": 5}, "bc-steps": [1, 2, 3]}, "seeds": [1, 2]}"#)
        let runs = spec.runs
        XCTAssertEqual(runs.count, 30)
        for n in 1...7 {
            var seen: [Int] = []
            for k in 1...n { seen += try SweepShard(index: k, count: n).select(runs).map(\.index) }
            XCTAssertEqual(seen.sorted(), Array(0..<30), "n = \(n)")
        }
        XCTAssertEqual(try SweepShard(parsing: "2/4").select(runs).map(\.index), [1, 5, 9, 13, 17, 21, 25, 29])
        for bad in ["0/3", "4/3", "3", "a/b", "1/0"] {
            XCTAssertThrowsError(try SweepShard(parsing: bad), bad)
        }
    }
}

final class SweepAxisColumnTests: XCTestCase {
    func testAxisColumnsNeverCollideWithDataColumns() throws {
        let spec = try SweepSpec(json: #"{"axes": {"think-budget": [1, 2], "total-timesteps": [512]}}"#)
        XCTAssertEqual(spec.axes.map(\.column), ["train_think_budget", "total_timesteps"])
    }
}

/// IsoFLOP sweeps: a `flop-budget` axis sets each run's env steps from its
/// FLOPs per env step.
final class SweepFLOPBudgetTests: XCTestCase {
    func testBudgetsBecomeWholeBatchesOfEnvSteps() throws {
        let spec = try SweepSpec(json: #"{"axes": {"flop-budget": [1e10, 4e10], "hidden": ["16,16", "64,64"]}}"#)
        let plan = try SweepPlan(spec: spec, outDirectory: "/tmp/unused", builder: testSweepBuilder)
        XCTAssertEqual(plan.entries.count, 4)
        for entry in plan.entries {
            let budget = try XCTUnwrap(spec.flopBudget(for: entry.run))
            let ppo = entry.config.ppo
            XCTAssertEqual(ppo.totalTimesteps % ppo.batchSize, 0)
            let perStep = ppo.flopsPerEnvStep(network: entry.config.network, observationSize: 32, actionCount: 12)  // the arithmetic column view
            XCTAssertEqual(Double(ppo.totalTimesteps) * perStep, budget, accuracy: Double(ppo.batchSize) * perStep)
            XCTAssertFalse(spec.arguments(for: entry.run).contains("--flop-budget"), "not a flag")
        }
        // Four times the budget buys about four times the steps; a wider network fewer.
        let steps = plan.entries.map(\.config.ppo.totalTimesteps)
        XCTAssertEqual(Double(steps[2]) / Double(steps[0]), 4, accuracy: 0.2)
        XCTAssertGreaterThan(steps[0], 2 * steps[1])
    }

    func testBudgetErrors() {
        func error(_ json: String) -> String {
            do { _ = try SweepSpec(json: json, source: "s.json"); return "no error" } catch { return "\(error)" }
        }
        XCTAssertTrue(error(#"{"axes": {"flop-budget": [1e10], "total-timesteps": [1000]}}"#).contains("give one or the other"))
        XCTAssertTrue(error(#"{"base": {"sft-steps": 100}, "axes": {"flop-budget": [1e10]}}"#).contains("sets --sft-steps from each run's FLOPs per SFT step: give one or the other"))
        XCTAssertTrue(error(#"{"axes": {"flop-budget": [-5]}}"#).contains("positive numbers of FLOPs"))
        XCTAssertTrue(error(#"{"axes": {"flop-budget": ["lots"]}}"#).contains("positive numbers of FLOPs"))
    }
}
