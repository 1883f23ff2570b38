#if canImport(Glibc)
import Glibc
#endif
import Foundation
import XCTest
import RL
import Environments
import TestSupport
import ExperimentsTestSupport
@testable import Experiments
@testable import RunStorage

/// SIGINT, SIGTERM and kill -9 sent to a running rltrain: the run stops
/// cleanly (or dies), every file it leaves is whole, and --resume ends as if
/// the run had never stopped.
final class CLISignalTests: RLTrainProcessTestCase {
    func testFirstSignalCheckpointsAndExits130ThenResumeMatches() throws {
        let dir = try TemporaryDirectory()
        // 100 tiny updates (a few tenths of a second): long enough that the
        // signal lands before the run ends.
        let updates = 100
        let expected = try reference(.gridworld, dir, updates: updates)
        for (number, name) in [(SIGINT, "int"), (SIGTERM, "term")] {
            let child = try Child(Self.tinyArguments(.gridworld, runsDir: dir.path, name: name, updates: updates), in: dir)
            let directory = RunDirectory(path: dir.file(name))
            let deadline = Date().addingTimeInterval(30)
            while rowCount(directory.progress) < 2 && child.process.isRunning && Date() < deadline { usleep(2_000) }
            child.signal(number)
            let result = child.wait()
            XCTAssertEqual(result.status, 130, "\(name): \(result.stderr)")
            XCTAssertFalse(result.signalled)
            XCTAssertTrue(result.stderr.contains("stopping after this update"), result.stderr)
            // The checkpoint is the last update logged: the CSV was flushed and nothing is lost.
            let done = try RunFixtures.completedUpdates(directory.checkpoint)
            XCTAssertLessThan(done, updates, "\(name): the signal came too late to test anything")
            XCTAssertEqual(rowCount(directory.progress), done + 1)  // row 0 and one row per update
            try checkRunDirectory(directory.path, env: .gridworld, context: name)
            let resumed = try run(["--resume", directory.path, "--quiet"], in: dir)
            XCTAssertEqual(resumed.status, 0, resumed.stderr)
            XCTAssertEqual(try RunFixtures.reproducibleRows(directory.progress), expected.rows, name)
            XCTAssertTrue(try RunFixtures.comparablePayload(directory.checkpoint, env: .gridworld) == expected.checkpoint, name)
            // Resuming a finished run says so and exits 0, changing nothing.
            let before = try Data(contentsOf: URL(fileURLWithPath: directory.checkpoint))
            let again = try run(["--resume", directory.path], in: dir)
            XCTAssertEqual(again.status, 0, again.stderr)
            XCTAssertTrue(again.stdout.contains("has already finished"), again.stdout)
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: directory.checkpoint)), before)
        }
    }

    /// Issue 17: Ctrl-C during the warm start stops it at its next Adam step
    /// and exits 130 at once, leaving config.json alone (no checkpoint, no
    /// partial pretrain.csv); --resume then starts the run over.
    func testSignalDuringWarmStartExits130LeavingOnlyConfig() throws {
        let dir = try TemporaryDirectory()
        // A warm start of 10 million Adam steps: minutes, were it not stopped.
        let name = "warm"
        var arguments = Self.tinyArguments(.arithmetic, runsDir: dir.path, name: name)
        arguments += ["--bc-steps", "10000000"]
        let child = try Child(arguments, in: dir)
        let directory = RunDirectory(path: dir.file(name))
        let deadline = Date().addingTimeInterval(30)
        while rowCount(directory.pretrain) < 20 && child.process.isRunning && Date() < deadline { usleep(2_000) }
        XCTAssertTrue(child.process.isRunning, "the warm start ended before the signal")
        let sent = Date()
        child.signal(SIGINT)
        let result = child.wait(timeout: 30)
        let seconds = Date().timeIntervalSince(sent)
        XCTAssertEqual(result.status, 130, result.stderr)
        XCTAssertFalse(result.signalled)
        XCTAssertLessThan(seconds, 2, "the warm start should stop at its next step")
        XCTAssertTrue(result.stderr.contains("stopping"), result.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["config.json"])
        // --resume starts over: it rebuilds the run from config.json (the
        // same long warm start), so it is stopped again here and checked
        // to have begun it anew.
        let again = try Child(["--resume", directory.path, "--quiet"], in: dir)
        let resumeDeadline = Date().addingTimeInterval(30)
        while rowCount(directory.pretrain) < 2 && again.process.isRunning && Date() < resumeDeadline { usleep(2_000) }
        XCTAssertEqual(try CSVTable(path: directory.pretrain).rows.first?.first, "1", "the warm start begins again at step 1")
        again.signal(SIGINT)
        XCTAssertEqual(again.wait(timeout: 30).status, 130)
    }

    func testSecondSignalExitsAtOnce() throws {
        let dir = try TemporaryDirectory()
        // Two kill(2)s in the same instant merge in the kernel (standard signals
        // are not queued), so the gaps are a person's double Ctrl-C, not zero.
        for gap in [20_000, 200_000] as [UInt32] {
            // Slow updates (32k samples through 256-unit layers, seconds each,
            // however fast the kernels get), so that "at once" is visible.
            let name = "twice-\(gap)"
            let arguments = ["--env", "gridworld", "--layout", "fourrooms", "--num-envs", "8", "--num-steps", "4096", "--hidden", "256,256",
                             "--total-timesteps", "655360", "--runs-dir", dir.path, "--run-name", name, "--quiet"]
            let child = try Child(arguments, in: dir)
            let directory = RunDirectory(path: dir.file(name))
            let deadline = Date().addingTimeInterval(30)
            while !FileManager.default.fileExists(atPath: directory.checkpoint) && Date() < deadline { usleep(2_000) }
            usleep(100_000)
            child.signal(SIGINT)
            usleep(gap)
            let second = Date()
            child.signal(SIGINT)
            let result = child.wait()
            let seconds = Date().timeIntervalSince(second)
            XCTAssertEqual(result.status, 130, result.stderr)
            XCTAssertTrue(result.stderr.contains("stopped at once"), "gap \(gap) µs: \(result.stderr)")
            XCTAssertLessThan(seconds, 0.5, "gap \(gap) µs")
            // Whatever was written is whole: the update-0 checkpoint loads and resumes.
            try checkRunDirectory(directory.path, env: .gridworld, context: name)
        }
    }

    /// kill -9 at random moments: every file is absent or whole, and resume
    /// finishes with the same progress.csv and checkpoint as an uninterrupted run.
    func testKillNineAtRandomMomentsThenResume() throws {
        let dir = try TemporaryDirectory()
        var references: [TestEnvironment: (rows: [String], checkpoint: Data, seconds: Double)] = [:]
        for env in TestEnvironment.allCases { references[env] = try reference(env, dir) }
        // Killed after its last checkpoint but before its figure, a run draws it on --resume.
        let finished = RunDirectory(path: dir.file("reference-\(TestEnvironment.gridworld)-10"))
        try FileManager.default.removeItem(atPath: finished.curves)
        XCTAssertEqual(try run(["--resume", finished.path, "--quiet"], in: dir).status, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: finished.curves))
        var rng = RNG(seed: UInt64(ProcessInfo.processInfo.environment["RLTRAIN_KILL_SEED"] ?? "") ?? 9)
        var leftovers = 0, killedMidRun = 0, restarted = 0, attempts = 0
        // Kill until 20 kills have landed while the run was running (a kill
        // after the run finished tests nothing); bounded, for a very loaded machine.
        let kills = 20
        for i in 0..<(3 * kills) where killedMidRun < kills {
            attempts += 1
            let env: TestEnvironment = i % 3 == 2 ? .arithmetic : .gridworld
            let expected = references[env]!
            let name = "kill-\(i)"
            let arguments = Self.tinyArguments(env, runsDir: dir.path, name: name)
            let child = try Child(arguments, in: dir)
            usleep(UInt32(rng.uniformDouble() * 0.8 * expected.seconds * 1e6))
            let wasRunning = child.process.isRunning
            child.signal(SIGKILL)
            let killed = child.wait()
            if wasRunning && killed.signalled { killedMidRun += 1 }
            let path = dir.file(name)
            let context = "kill \(i) (\(env))"
            let directory = RunDirectory(path: path)
            if FileManager.default.fileExists(atPath: path) {
                leftovers += try checkRunDirectory(path, env: env, context: context).count
            }
            // Killed before config.json existed there is no run yet: start it again.
            let resumed: Result
            if directory.exists {
                resumed = try run(["--resume", path, "--quiet"], in: dir)
            } else {
                restarted += 1
                resumed = try run(arguments, in: dir)
            }
            XCTAssertEqual(resumed.status, 0, "\(context): \(resumed.stderr)")
            XCTAssertEqual(try RunFixtures.reproducibleRows(directory.progress), expected.rows, context)
            XCTAssertTrue(try RunFixtures.comparablePayload(directory.checkpoint, env: env) == expected.checkpoint, context)
            XCTAssertEqual(try checkRunDirectory(path, env: env, context: context + " after resume"), [], "\(context): temporary files left after resume")
        }
        print("kill -9: \(attempts) kills, \(killedMidRun) mid-run, \(restarted) before config.json, \(leftovers) temporary files left by kills")
        XCTAssertGreaterThanOrEqual(killedMidRun, kills, "kills that landed mid-run")
    }
}
