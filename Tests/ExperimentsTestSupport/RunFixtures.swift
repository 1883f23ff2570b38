import Foundation
import XCTest
import RL
import Environments
import Experiments
import RunStorage

/// Tiny runs for the reliability tests: a few hundred env steps, well under a
/// second each in release mode. `comparablePayload` needs Experiments'
/// internal checkpoint type, so it lives in the test targets that use it
/// (RunFixtures+CheckpointPayload.swift in ExperimentsTests and rltrainTests).
public enum RunFixtures {
    /// 10 updates of 3 envs × 32 steps, a checkpoint every 2 updates.
    public static func config(_ env: TestEnvironment, workers: Int = 1, runsDir: String, name: String) -> RunConfig {
        var c = RunConfig.defaults(for: env)
        c.ppo.numEnvs = 3
        c.ppo.numSteps = 32
        c.ppo.totalTimesteps = 960
        c.ppo.workers = workers
        c.gridworld.layout = "empty-5"
        c.arithmetic.demos = 20
        c.arithmetic.bcSteps = 10
        c.arithmetic.evalProblems = 30
        c.run.checkpointEvery = 2
        c.run.runsDir = runsDir
        c.run.runName = name
        return c
    }

    public static func quiet(stopAfter: Int? = nil) -> TrainingRun.Options {
        TrainingRun.Options(console: Console(quiet: true), stopAfterUpdates: stopAfter)
    }

    /// progress.csv without the wall-clock columns, one string per complete row.
    public static func reproducibleRows(_ path: String) throws -> [String] {
        let table = try CSVTable(path: path)
        let keep = table.columns.indices.filter { !ProgressColumns.wallClock.contains(table.columns[$0]) }
        return [keep.map { table.columns[$0] }.joined(separator: ",")]
            + table.rows.map { row in keep.map { row[$0] }.joined(separator: ",") }
    }

    /// One row of a table without its wall-clock columns.
    public static func withoutWallClock(_ table: CSVTable, row: Int) -> [String] {
        table.columns.indices.filter { !ProgressColumns.wallClock.contains(table.columns[$0]) }.map { table.rows[row][$0] }
    }

    /// The raw JSON payload of a checkpoint as a dictionary.
    public static func payloadObject(_ path: String) throws -> [String: Any] {
        let payload = try Checkpoint.read(from: path)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: payload) as? [String: Any])
    }

    public static func completedUpdates(_ path: String) throws -> Int {
        let state = try XCTUnwrap(payloadObject(path)["state"] as? [String: Any])
        return try XCTUnwrap(state["completedUpdates"] as? Int)
    }
}
