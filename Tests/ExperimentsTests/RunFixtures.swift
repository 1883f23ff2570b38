import Foundation
import XCTest
import RL
import Environments
@testable import Experiments
@testable import RunStorage
@testable import Plotting
@testable import Sweeps

/// Tiny runs for the reliability tests: a few hundred env steps, well under a
/// second each in release mode.
enum RunFixtures {
    /// 10 updates of 3 envs × 32 steps, a checkpoint every 2 updates.
    static func config(_ env: TestEnvironment, workers: Int = 1, runsDir: String, name: String) -> RunConfig {
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

    static func quiet(stopAfter: Int? = nil) -> TrainingRun.Options {
        TrainingRun.Options(console: Console(quiet: true), stopAfterUpdates: stopAfter)
    }

    /// progress.csv without the wall-clock columns, one string per complete row.
    static func reproducibleRows(_ path: String) throws -> [String] {
        let table = try CSVTable(path: path)
        let keep = table.columns.indices.filter { !ProgressColumns.wallClock.contains(table.columns[$0]) }
        return [keep.map { table.columns[$0] }.joined(separator: ",")]
            + table.rows.map { row in keep.map { row[$0] }.joined(separator: ",") }
    }

    /// The checkpoint's payload bytes with `wallSeconds` zeroed and the run
    /// name blanked (it names the directory): everything else must match.
    static func comparablePayload(_ path: String, env: TestEnvironment) throws -> Data {
        let payload = try Checkpoint.read(from: path)
        switch env {
        case .gridworld: return try normalise(payload, as: GridworldEnvironment.self)
        case .arithmetic: return try normalise(payload, as: ArithmeticEnvironment.self)
        }
    }

    static func normalise<E: Environment>(_ payload: Data, as: E.Type) throws -> Data {
        var decoded = try JSONDecoder().decode(CheckpointPayload<E>.self, from: payload)
        decoded.wallSeconds = 0
        decoded.config.run.runName = nil
        decoded.config.run.runsDir = ""
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return try encoder.encode(decoded)
    }

    /// The raw JSON payload of a checkpoint as a dictionary.
    static func payloadObject(_ path: String) throws -> [String: Any] {
        let payload = try Checkpoint.read(from: path)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: payload) as? [String: Any])
    }

    static func completedUpdates(_ path: String) throws -> Int {
        let state = try XCTUnwrap(payloadObject(path)["state"] as? [String: Any])
        return try XCTUnwrap(state["completedUpdates"] as? Int)
    }
}
