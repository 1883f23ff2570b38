#if canImport(Glibc)
import Glibc
#endif
import Foundation
import XCTest
import TestSupport
import ExperimentsTestSupport
@testable import RunStorage

/// Issue 16 at the process level: `mpirun -np 2 rltrain …` against one
/// process with the same environments, reruns, resuming after a Ctrl-C, and
/// the bad input data parallelism adds. Skipped without mpirun on PATH.
final class CLIDataParallelTests: RLTrainProcessTestCase {
    static func mpirun() throws -> String {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/mpirun"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw XCTSkip("mpirun is not on PATH: apt-get install openmpi-bin libopenmpi-dev")
    }

    /// Starts `mpirun --oversubscribe -np N rltrain ARGS` (+ --allow-run-as-root for root).
    func startMPI(_ ranks: Int, _ arguments: [String], in dir: TemporaryDirectory, environment: [String: String] = [:]) throws -> (Process, out: String, err: String) {
        let process = Process()
        let out = dir.file(".mpi-out-\(UUID().uuidString)"), err = dir.file(".mpi-err-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        process.executableURL = URL(fileURLWithPath: try Self.mpirun())
        process.arguments = (geteuid() == 0 ? ["--allow-run-as-root"] : []) + ["--oversubscribe", "-np", "\(ranks)"]
            + environment.keys.sorted().flatMap { ["-x", $0] } + [try Self.executable()] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle(forWritingAtPath: out)
        process.standardError = FileHandle(forWritingAtPath: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return (process, out, err)
    }

    func finish(_ started: (Process, out: String, err: String), timeout: Double = 120) -> Result {
        let deadline = Date().addingTimeInterval(timeout)
        while started.0.isRunning && Date() < deadline { usleep(10_000) }
        if started.0.isRunning {
            started.0.terminate()
            XCTFail("mpirun did not finish within \(timeout) s")
        }
        started.0.waitUntilExit()
        return Result(status: started.0.terminationStatus, signalled: started.0.terminationReason == .uncaughtSignal,
                      stdout: (try? String(contentsOfFile: started.out, encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOfFile: started.err, encoding: .utf8)) ?? "")
    }

    func mpirun(_ ranks: Int, _ arguments: [String], in dir: TemporaryDirectory, environment: [String: String] = [:]) throws -> Result {
        finish(try startMPI(ranks, arguments, in: dir, environment: environment))
    }

    /// 8 envs × 32 steps, 10 updates on empty-5.
    func flags(_ runs: String, _ name: String) -> [String] {
        ["--env", "gridworld", "--layout", "empty-5", "--num-envs", "8", "--num-steps", "32", "--total-timesteps", "2560",
         "--checkpoint-every", "2", "--runs-dir", runs, "--run-name", name, "--quiet"]
    }

    func rows(_ path: String) throws -> [[String: Double]] {
        let table = try CSVTable(path: path)
        let wall: Set<String> = ["wall_seconds", "sps", "rollout_seconds", "update_seconds"]
        return table.rows.map { row in
            var out: [String: Double] = [:]
            for (c, v) in zip(table.columns, row) where !wall.contains(c) { out[c] = Double(v) }
            return out
        }
    }

    func testTwoRanksMatchOneProcessAndRerunsAreBitIdentical() throws {
        let dir = try TemporaryDirectory()
        let two = try mpirun(2, flags(dir.path, "two"), in: dir)
        XCTAssertEqual(two.status, 0, two.stderr)
        let again = try mpirun(2, flags(dir.file("again"), "two"), in: dir)
        XCTAssertEqual(again.status, 0, again.stderr)
        let one = try run(flags(dir.path, "one") + ["--workers", "2"], in: dir)
        XCTAssertEqual(one.status, 0, one.stderr)
        // Reruns under the same N: the same bytes, wall-clock aside.
        XCTAssertEqual(try RunFixtures.reproducibleRows(dir.file("two/progress.csv")),
                       try RunFixtures.reproducibleRows(dir.file("again/two/progress.csv")))
        // Against one process with all 8 environments: the same counters, and
        // the same floats up to the order of the sums (the ranks' partial
        // gradients are added, where one process sums over the whole minibatch).
        let a = try rows(dir.file("one/progress.csv")), b = try rows(dir.file("two/progress.csv"))
        XCTAssertEqual(a.count, 11)
        XCTAssertEqual(a.count, b.count)
        var worst = 0.0
        for (x, y) in zip(a, b) {
            for key in ["update", "env_steps", "episodes"] { XCTAssertEqual(x[key], y[key], key) }
            for (key, u) in x {
                guard let v = y[key], u != v else { continue }
                worst = max(worst, abs(u - v) / max(abs(u), abs(v)))
            }
        }
        print("two ranks vs one process, first 10 updates: largest relative difference \(worst)")
        XCTAssertLessThan(worst, 1e-3)
        XCTAssertGreaterThan(worst, 0, "the sums run in another order, so some last bits differ")
        // Rank 0 alone wrote the run directory, with every environment in its checkpoint.
        let payload = try RunFixtures.payloadObject(dir.file("two/checkpoint.bin"))
        let slots = ((payload["state"] as? [String: Any])?["slots"] as? [Any])?.count
        XCTAssertEqual(slots, 8)
    }

    func testCtrlCStopsEveryRankAndResumeUnderTheSameRanksIsExact() throws {
        let dir = try TemporaryDirectory()
        var long = flags(dir.file("straight"), "run")
        // 300 updates (about 3 s): long enough that the interrupt, forwarded by
        // mpirun to both ranks, always lands before the end, even on a fast machine.
        long[long.firstIndex(of: "2560")!] = "76800"
        XCTAssertEqual(try mpirun(2, long, in: dir).status, 0)
        var stopped = long
        stopped[stopped.firstIndex(of: dir.file("straight"))!] = dir.file("stopped")
        // Interrupt mpirun once a few updates are logged; it forwards SIGINT to both ranks.
        let started = try startMPI(2, stopped, in: dir)
        let progress = dir.file("stopped/run/progress.csv")
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: progress, encoding: .utf8), text.split(separator: "\n").count > 5 { break }
            usleep(20_000)
        }
        kill(started.0.processIdentifier, SIGINT)
        let interrupted = finish(started)
        XCTAssertNotEqual(interrupted.status, 0, "mpirun reports the interrupted job")
        XCTAssertEqual(interrupted.stderr.components(separatedBy: "stopping after this update").count - 1, 1, "rank 0 alone says so")
        let done = try RunFixtures.completedUpdates(dir.file("stopped/run/checkpoint.bin"))
        XCTAssertLessThan(done, 300, "stopped before the end")
        let resumed = try mpirun(2, ["--resume", dir.file("stopped/run"), "--quiet"], in: dir)
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertEqual(try RunFixtures.reproducibleRows(dir.file("stopped/run/progress.csv")),
                       try RunFixtures.reproducibleRows(dir.file("straight/run/progress.csv")))
    }

    func testBadInputIsOneLineAndExitCode2() throws {
        let dir = try TemporaryDirectory()
        // Environments that do not split over the ranks: refused, nothing written.
        let uneven = try mpirun(2, flags(dir.path, "uneven").map { $0 == "8" ? "5" : $0 }, in: dir)
        XCTAssertEqual(uneven.status, 2)
        XCTAssertEqual(uneven.stderr.components(separatedBy: "rltrain: ").count - 1, 1, uneven.stderr)
        XCTAssertTrue(uneven.stderr.contains("is not divisible by the 2 ranks"), uneven.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.file("uneven")))
        // Open MPI that cannot be loaded.
        let missing = try mpirun(2, flags(dir.path, "missing"), in: dir, environment: ["RLTRAIN_MPI_LIBRARY": "libno-such-mpi.so"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("rltrain: started under mpirun but Open MPI's libmpi cannot be loaded"), missing.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.file("missing")))
        // Resuming under another number of processes.
        XCTAssertEqual(try mpirun(2, flags(dir.path, "two"), in: dir).status, 0)
        try assertBadInput(["--resume", dir.file("two")], "was trained by 2 processes and is resumed by 1", in: dir)
        // Commands that run in one process.
        let eval = try mpirun(2, ["eval", dir.file("two")], in: dir)
        XCTAssertEqual(eval.status, 2)
        XCTAssertTrue(eval.stderr.contains("rltrain eval runs in one process"), eval.stderr)
    }
}
