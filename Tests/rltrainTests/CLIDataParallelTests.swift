#if canImport(Glibc)
import Glibc
#endif
import Foundation
import XCTest
import TestSupport
import ExperimentsTestSupport
import Experiments
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

    func mpirun(_ ranks: Int, _ arguments: [String], in dir: TemporaryDirectory, environment: [String: String] = [:],
                timeout: Double = 120) throws -> Result {
        finish(try startMPI(ranks, arguments, in: dir, environment: environment), timeout: timeout)
    }

    /// 8 envs × 32 steps, 10 updates on empty-5.
    func flags(_ runs: String, _ name: String) -> [String] {
        ["--env", "gridworld", "--layout", "empty-5", "--num-envs", "8", "--num-steps", "32", "--total-timesteps", "2560",
         "--checkpoint-every", "2", "--runs-dir", runs, "--run-name", name, "--quiet"]
    }

    func rows(_ path: String) throws -> [[String: Double]] {
        let table = try CSVTable(path: path)
        return table.rows.map { row in
            var out: [String: Double] = [:]
            for (c, v) in zip(table.columns, row) where !ProgressColumns.wallClock.contains(c) { out[c] = Double(v) }
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
        // The data-parallel run reports the seconds its collectives took in
        // each update (row 0, before any update, leaves it empty).
        let twoTable = try CSVTable(path: dir.file("two/progress.csv"))
        let column = try XCTUnwrap(twoTable.columns.firstIndex(of: "allreduce_seconds"))
        XCTAssertFalse(try CSVTable(path: dir.file("one/progress.csv")).columns.contains("allreduce_seconds"))
        for row in twoTable.rows.dropFirst() {
            let seconds = try XCTUnwrap(Double(row[column]))
            XCTAssertTrue(seconds > 0 && seconds < 10, "allreduce_seconds \(seconds)")
        }
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

    /// The language-model policy under mpirun: each rank runs its share of
    /// every SFT batch and samples its share of each RL step's prompts (their
    /// completions drawn from the same streams as in one process), and the
    /// ranks sum their gradients. 20 SFT steps and 10 RL updates (KL term,
    /// clipping) give one process's numbers up to the order of the sums.
    func testLanguageModelTwoRanksMatchOneProcess() throws {
        let dir = try TemporaryDirectory()
        func flags(_ name: String) -> [String] {
            ["--env", "arithmetic", "--policy", "transformer", "--layers", "2", "--d-model", "32", "--heads", "2",
             "--sft-examples", "256", "--sft-steps", "20", "--sft-batch", "16", "--rl-steps", "10", "--prompts-per-step", "6",
             "--group-size", "4", "--kl-coef", "0.05", "--learning-rate", "1e-3", "--eval-problems", "20", "--eval-every", "5",
             "--sft-think-fraction", "0.5", "--seed", "3", "--runs-dir", dir.path, "--run-name", name, "--quiet"]
        }
        let two = try mpirun(2, flags("two"), in: dir, timeout: 300)
        XCTAssertEqual(two.status, 0, two.stderr)
        let one = try run(flags("one"), in: dir)
        XCTAssertEqual(one.status, 0, one.stderr)
        let timings: Set<String> = ["wall_seconds", "tokens_per_second", "sample_seconds", "score_seconds", "update_seconds"]
        var worst = 0.0
        for file in ["sft.csv", "progress.csv", "eval.csv"] {
            let a = try CSVTable(path: dir.file("one/\(file)")), b = try CSVTable(path: dir.file("two/\(file)"))
            XCTAssertEqual(a.columns, b.columns, file)
            XCTAssertEqual(a.rows.count, b.rows.count, file)
            XCTAssertEqual(a.rows.count, ["sft.csv": 20, "progress.csv": 11, "eval.csv": 18][file], file)
            for (x, y) in zip(a.rows, b.rows) {
                for (column, (u, v)) in zip(a.columns, zip(x, y)) where !timings.contains(column) && u != v {
                    guard let p = Double(u), let q = Double(v) else {
                        XCTFail("\(file) \(column): \(u) against \(v)")
                        continue
                    }
                    worst = max(worst, abs(p - q) / max(abs(p), abs(q)))
                }
            }
        }
        print("language model, two ranks vs one process: largest relative difference \(worst)")
        XCTAssertLessThan(worst, 1e-5)
        // Rank 0 alone wrote the run directory; the run resumes only under the same ranks.
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.file("two/checkpoint.bin")))
        try assertBadInput(["--resume", dir.file("two")], "was trained by 2 processes and is resumed by 1", in: dir)
        // More ranks than prompts per step: refused before anything is written.
        var tooMany = flags("many")
        tooMany[tooMany.firstIndex(of: "6")!] = "1"
        let many = try mpirun(2, tooMany, in: dir)
        XCTAssertEqual(many.status, 2)
        XCTAssertTrue(many.stderr.contains("needs at least 2 SFT examples and prompts per step"), many.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.file("many")))
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
