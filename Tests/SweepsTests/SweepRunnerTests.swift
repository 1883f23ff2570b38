import Foundation
import XCTest
import TestSupport
@testable import Experiments
@testable import RunStorage
@testable import Sweeps

final class SweepRunnerTests: XCTestCase {
    static let tinySweep = """
        {"name": "tiny",
         "base": {"env": "arithmetic", "num-steps": 64, "num-envs": 2, "demos": 10, "bc-steps": 5, "eval-problems": 20},
         "axes": {"total-timesteps": {"double": 256, "times": 2}},
         "seeds": [1, 2],
         "eval": {"digits": [2], "samples": [1, 3], "problems": 20}}
        """

    private func runner(_ out: String, jobs: Int = 1) throws -> SweepRunner {
        let spec = try SweepSpec(json: Self.tinySweep)
        let plan = try SweepPlan(spec: spec, outDirectory: out, builder: testSweepBuilder)
        return SweepRunner(plan: plan, jobs: jobs, console: Console(quiet: true))
    }

    func testResumeSkipsFinishedAndContinuesUnfinishedRuns() throws {
        let dir = try TemporaryDirectory()
        let out = dir.file("sweep")
        let runner = try runner(out, jobs: 2)
        let entries = runner.plan.entries
        XCTAssertEqual(entries.map(\.run.name), [
            "total-timesteps=256-seed1", "total-timesteps=256-seed2", "total-timesteps=512-seed1", "total-timesteps=512-seed2",
        ])
        // A run stopped half-way, as a killed sweep leaves it.
        let stopped = entries[3]
        let (_, early) = try TrainingRun.start(stopped.config, options: .init(console: Console(quiet: true), stopAfterUpdates: 2))
        XCTAssertEqual(early, .interrupted)
        XCTAssertEqual(try CSVTable(path: stopped.directory.progress).rows.count, 3)  // row 0 and 2 updates
        let stoppedWall = try CSVTable(path: stopped.directory.progress).rows[0]

        var outcome = try runner.run()
        XCTAssertEqual(outcome.total, 4)
        XCTAssertEqual(outcome.completed, 4)
        XCTAssertEqual(outcome.skipped, 0)
        XCTAssertEqual(outcome.failures, [])
        for entry in entries {
            XCTAssertTrue(SweepRunner.isDone(entry.directory))
            XCTAssertEqual(try CSVTable(path: entry.directory.progress).rows.count, entry.config.ppo.numUpdates + 1)
            let evals = try CSVTable(path: entry.directory.evaluations)
            XCTAssertEqual(try evals.column("stage").filter { $0 == "eval" }.count, 2)
        }
        // Resumed, not started over: the rows before the stop are the same (wall time included).
        XCTAssertEqual(try CSVTable(path: stopped.directory.progress).rows[0], stoppedWall)

        // Everything done: nothing runs again.
        let before = try String(contentsOfFile: entries[0].directory.progress, encoding: .utf8)
        outcome = try runner.run()
        XCTAssertEqual(outcome.skipped, 4)
        XCTAssertEqual(outcome.completed, 0)
        XCTAssertEqual(try String(contentsOfFile: entries[0].directory.progress, encoding: .utf8), before)

        // Trained but its evaluations cut short: they are redone, not duplicated.
        try FileManager.default.removeItem(atPath: entries[1].directory.file(SweepRunner.doneMarker))
        outcome = try runner.run()
        XCTAssertEqual(outcome.skipped, 3)
        XCTAssertEqual(outcome.completed, 1)
        XCTAssertEqual(try CSVTable(path: entries[1].directory.evaluations).column("stage").filter { $0 == "eval" }.count, 2)

        // A different sweep file for the same directory is refused.
        let other = try SweepSpec(json: Self.tinySweep.replacingOccurrences(of: "\"seeds\": [1, 2]", with: "\"seeds\": [1, 3]"))
        let otherRunner = SweepRunner(plan: try SweepPlan(spec: other, outDirectory: out, builder: testSweepBuilder), console: Console(quiet: true))
        XCTAssertThrowsError(try otherRunner.run()) { XCTAssertTrue("\($0)".contains("holds another sweep"), "\($0)") }

        // The report: CSVs, figures, page.
        let report = try SweepReport.build(from: [out], outDirectory: out)
        XCTAssertEqual(report.runs, 4)
        XCTAssertEqual(report.points, 2)
        let sweep = try CSVTable(path: out + "/sweep.csv")
        XCTAssertEqual(Array(sweep.columns.prefix(5)), ["point", "seed", "total_timesteps", "batch_size", "update"])
        XCTAssertEqual(sweep.rows.count, 2 * 3 + 2 * 5)  // row 0 and every update, per run
        let summary = try CSVTable(path: out + "/summary.csv")
        XCTAssertEqual(summary.rows.count, 2)
        XCTAssertEqual(try summary.column("seeds"), ["2", "2"])
        XCTAssertEqual(try summary.column("updates"), ["2", "4"])
        for file in ["learning-curves.svg", "final-vs-compute.svg", "test-time-compute.svg", "index.html", "sweep-eval.csv"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/" + file), file)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/critical-batch.svg"), "one batch size: no critical-batch figure")
        let html = try String(contentsOfFile: out + "/index.html", encoding: .utf8)
        XCTAssertTrue(html.contains("<img src=\"learning-curves.svg\""))
        XCTAssertTrue(html.contains("4 of 4 finished"))
    }

    func testShardsMergeInTheReport() throws {
        let dir = try TemporaryDirectory()
        let spec = try SweepSpec(json: Self.tinySweep)
        var outs: [String] = []
        for k in 1...2 {
            let out = dir.file("shard\(k)")
            outs.append(out)
            let plan = try SweepPlan(spec: spec, outDirectory: out, builder: testSweepBuilder)
            let outcome = try SweepRunner(plan: plan, shard: try SweepShard(index: k, count: 2), console: Console(quiet: true)).run()
            XCTAssertEqual(outcome.completed, 2)
        }
        let merged = dir.file("merged")
        let report = try SweepReport.build(from: outs, outDirectory: merged)
        XCTAssertEqual(report.runs, 4)
        let sweep = try CSVTable(path: merged + "/sweep.csv")
        XCTAssertEqual(Set(try sweep.column("point")), ["total-timesteps=256", "total-timesteps=512"])
        XCTAssertEqual(Set(try sweep.column("seed")), ["1", "2"])

        // The same report again from the merged CSVs alone (no runs/).
        let again = dir.file("again")
        let fromCSV = try SweepReport.build(from: [merged], outDirectory: again)
        XCTAssertEqual(fromCSV.runs, 4)
        XCTAssertEqual(try String(contentsOfFile: again + "/sweep.csv", encoding: .utf8), try String(contentsOfFile: merged + "/sweep.csv", encoding: .utf8))
        XCTAssertEqual(try String(contentsOfFile: again + "/summary.csv", encoding: .utf8), try String(contentsOfFile: merged + "/summary.csv", encoding: .utf8))
        XCTAssertEqual(try String(contentsOfFile: again + "/sweep-eval.csv", encoding: .utf8), try String(contentsOfFile: merged + "/sweep-eval.csv", encoding: .utf8))
    }
}
