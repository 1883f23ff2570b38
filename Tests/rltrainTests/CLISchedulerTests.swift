#if canImport(Glibc)
import Glibc
#endif
import Foundation
import XCTest
import TestSupport
import ExperimentsTestSupport
@testable import Experiments
@testable import RunStorage

/// Issue 16, item 4: a sweep's shards run under a real job scheduler, each
/// shard a separate `rltrain sweep --shard k/n` process, merged with
/// `rltrain report`, give the same sweep.csv, sweep-eval.csv and summary.csv
/// (wall clock aside) as one unsharded `rltrain sweep`: as a Slurm job array
/// and under GNU parallel. And the README's data-parallel recipe under Slurm,
/// `srun --mpi=pmix`. Each test skips, with the install hint, when its
/// scheduler is missing. The Slurm jobs write to the test's temporary
/// directory, so they must run where it is visible: CI's one-node cluster
/// (.ci/run), or set TMPDIR to a shared file system.
final class CLISchedulerTests: RLTrainProcessTestCase {
    /// 2 points × 2 seeds on empty-5: 3 and 6 updates of 64 env steps.
    static let sweep = """
        {"name": "scheduler",
         "base": {"env": "gridworld", "layout": "empty-5", "num-envs": 2, "num-steps": 32, "workers": 1},
         "axes": {"total-timesteps": [192, 384]},
         "seeds": [1, 2],
         "eval": {"episodes": 5}}
        """
    /// One run more than shards, so that the shards are uneven (2, 1, 1 runs)
    /// and, on two cores, one array task waits for a free CPU.
    static let shards = 3
    static let runNames: Set<String> = [
        "total-timesteps=192-seed1", "total-timesteps=192-seed2", "total-timesteps=384-seed1", "total-timesteps=384-seed2",
    ]

    // MARK: Slurm

    static let slurmHint = """
        apt-get install slurmctld slurmd slurm-client munge, then start munged, slurmctld and slurmd \
        (.ci/run does it for one machine; docs/sweeps.md)
        """

    /// Skips unless `sbatch` is on PATH and the controller reports a node that can take jobs.
    func slurm() throws -> (sbatch: String, scancel: String) {
        guard let sbatch = Self.onPath("sbatch"), let sinfo = Self.onPath("sinfo"), let scancel = Self.onPath("scancel") else {
            throw XCTSkip("Slurm is not installed: \(Self.slurmHint)")
        }
        let dir = try TemporaryDirectory()
        let states = try tool(sinfo, ["--noheader", "--format=%T"], in: dir, timeout: 20)
        let usable = states.stdout.split(separator: "\n").contains { state in
            ["idle", "mixed", "allocated", "completing"].contains { state.hasPrefix($0) }
        }
        guard states.status == 0, usable else {
            let said = (states.stdout + states.stderr).trimmingCharacters(in: .whitespacesAndNewlines)
            throw XCTSkip("Slurm has no node that takes jobs (sinfo exit \(states.status): \(said)): \(Self.slurmHint)")
        }
        return (sbatch, scancel)
    }

    func testSlurmArrayShardsMergeToTheUnshardedSweep() throws {
        let (sbatch, scancel) = try slurm()
        let dir = try TemporaryDirectory()
        let file = dir.file("tiny.json")
        try Self.sweep.write(toFile: file, atomically: true, encoding: .utf8)
        let rltrain = try Self.executable()
        // The README's recipe: one array task per shard, the shard from the
        // task's index and the array's size.
        let script = """
            #!/bin/sh
            #SBATCH --job-name=rltrain-shards
            #SBATCH --array=1-\(Self.shards)
            #SBATCH --ntasks=1
            #SBATCH --cpus-per-task=1
            #SBATCH --time=10
            #SBATCH --output=\(dir.path)/slurm-%A_%a.out
            echo "task $SLURM_ARRAY_TASK_ID of $SLURM_ARRAY_TASK_COUNT in array $SLURM_ARRAY_JOB_ID on $SLURMD_NODENAME"
            exec '\(rltrain)' sweep '\(file)' --out '\(dir.path)/shard-'"$SLURM_ARRAY_TASK_ID" \\
                --shard "$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT" --quiet

            """
        try script.write(toFile: dir.file("shards.sbatch"), atomically: true, encoding: .utf8)

        let start = Date()
        // --wait: sbatch returns when every task has ended, with the highest exit status of them.
        let job = try tool(sbatch, ["--wait", "--parsable", "--chdir", dir.path, dir.file("shards.sbatch")], in: dir, timeout: 300) { out in
            // A job that outlives the test is cancelled, not left in the queue.
            if let id = out.split(separator: "\n").first.flatMap({ $0.split(separator: ";").first }) {
                _ = try? self.tool(scancel, [String(id)], in: dir, timeout: 20)
            }
        }
        let seconds = Date().timeIntervalSince(start)
        let logs = ((try? dir.contents()) ?? []).filter { $0.hasPrefix("slurm-") }
        let logText = logs.map { "\($0): " + ((try? String(contentsOfFile: dir.file($0), encoding: .utf8)) ?? "") }.joined(separator: "\n")
        XCTAssertEqual(job.status, 0, "sbatch: \(job.stderr)\n\(logText)")
        let id = try XCTUnwrap(job.stdout.split(separator: "\n").first.flatMap { $0.split(separator: ";").first }, job.stdout)
        // Every array task ran under Slurm and saw the array's size.
        for k in 1...Self.shards {
            let log = try String(contentsOfFile: dir.file("slurm-\(id)_\(k).out"), encoding: .utf8)
            XCTAssertTrue(log.hasPrefix("task \(k) of \(Self.shards) in array \(id) on "), log)
        }
        print("Slurm array job \(id): \(Self.shards) shards in \(String(format: "%.1f", seconds)) s (submission to the last task's end)")
        try checkShardsMerge(dir: dir, file: file)
    }

    /// The README's data-parallel recipe under Slurm: `srun --mpi=pmix -n 2
    /// rltrain …` (Slurm's PMIx server starts the ranks, no mpirun) trains the
    /// same run, bit for bit, as `mpirun -np 2 rltrain …`.
    func testSrunStartsTheSameDataParallelRunAsMpirun() throws {
        let (sbatch, scancel) = try slurm()
        let srun = URL(fileURLWithPath: sbatch).deletingLastPathComponent().appendingPathComponent("srun").path
        guard let mpirun = Self.onPath("mpirun") else { throw XCTSkip("mpirun is not on PATH: apt-get install openmpi-bin libopenmpi-dev") }
        let dir = try TemporaryDirectory()
        let plugins = try tool(srun, ["--mpi=list"], in: dir, timeout: 20)
        guard (plugins.stdout + plugins.stderr).contains("pmix") else {
            throw XCTSkip("this Slurm has no PMIx plugin (srun --mpi=list: \(plugins.stdout + plugins.stderr))")
        }
        // 8 environments, 4 per rank, 32 steps: 10 updates on empty-5.
        func flags(_ name: String) -> [String] {
            ["--env", "gridworld", "--layout", "empty-5", "--num-envs", "8", "--num-steps", "32", "--total-timesteps", "2560",
             "--checkpoint-every", "2", "--runs-dir", dir.path, "--run-name", name, "--quiet"]
        }
        let rltrain = try Self.executable()
        let name = "rltrain-srun-\(UUID().uuidString)"
        let slurm = try tool(srun, ["--mpi=pmix", "-n", "2", "--time=5", "--job-name", name, rltrain] + flags("srun"),
                             in: dir, timeout: 180) { _ in _ = try? self.tool(scancel, ["--name", name], in: dir, timeout: 20) }
        XCTAssertEqual(slurm.status, 0, slurm.stderr)
        let direct = try tool(mpirun, (geteuid() == 0 ? ["--allow-run-as-root"] : []) + ["--oversubscribe", "-np", "2", rltrain] + flags("mpirun"),
                              in: dir, timeout: 180)
        XCTAssertEqual(direct.status, 0, direct.stderr)
        XCTAssertEqual(try RunRecord.read(from: RunDirectory(path: dir.file("srun"))).config.run.ranks, 2)
        let rows = try RunFixtures.reproducibleRows(dir.file("srun/progress.csv"))
        XCTAssertEqual(rows.count, 12, "a header and updates 0…10")
        XCTAssertEqual(rows, try RunFixtures.reproducibleRows(dir.file("mpirun/progress.csv")))
    }

    // MARK: GNU parallel

    func testGNUParallelShardsMergeToTheUnshardedSweep() throws {
        let dir = try TemporaryDirectory()
        // moreutils has a `parallel` too, with other options.
        guard let parallel = Self.onPath("parallel"),
              try tool(parallel, ["--version"], in: dir, timeout: 20).stdout.hasPrefix("GNU parallel") else {
            throw XCTSkip("GNU parallel is not installed: apt-get install parallel")
        }
        let file = dir.file("tiny.json")
        try Self.sweep.write(toFile: file, atomically: true, encoding: .utf8)
        // docs/sweeps.md's recipe; parallel hands each line to a shell, so the
        // paths (temporary, no spaces) go in unquoted.
        let result = try tool(parallel, [
            "--will-cite", "--jobs", "2", "--halt", "now,fail=1",
            try Self.executable(), "sweep", file, "--out", dir.path + "/shard-{}", "--shard", "{}/\(Self.shards)", "--quiet",
            ":::"] + (1...Self.shards).map(String.init), in: dir, timeout: 300)
        XCTAssertEqual(result.status, 0, "parallel: \(result.stdout)\(result.stderr)")
        try checkShardsMerge(dir: dir, file: file)
    }

    // MARK: The comparison

    /// DIR/shard-1…n, written by the scheduler, hold every run exactly once;
    /// `rltrain report` merges them into what one unsharded sweep writes.
    func checkShardsMerge(dir: TemporaryDirectory, file: String) throws {
        var seen: [String] = []
        for k in 1...Self.shards {
            let runs = try FileManager.default.contentsOfDirectory(atPath: dir.file("shard-\(k)/runs")).filter { !$0.hasPrefix(".") }
            XCTAssertEqual(runs.count, k == 1 ? 2 : 1, "shard \(k): \(runs)")
            for run in runs {
                XCTAssertTrue(FileManager.default.fileExists(atPath: dir.file("shard-\(k)/runs/\(run)/sweep-done.json")), run)
            }
            seen += runs
        }
        XCTAssertEqual(seen.count, Self.runNames.count, "a run trained by two shards: \(seen.sorted())")
        XCTAssertEqual(Set(seen), Self.runNames)

        let merge = try run(["report"] + (1...Self.shards).map { dir.file("shard-\($0)") } + ["--out", dir.file("merged"), "--quiet"], in: dir)
        XCTAssertEqual(merge.status, 0, merge.stderr)
        let reference = try run(["sweep", file, "--out", dir.file("reference"), "--quiet"], in: dir, timeout: 120)
        XCTAssertEqual(reference.status, 0, reference.stderr)
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: dir.file("reference/runs"))), Self.runNames)

        // Rows: (3 + 1) and (6 + 1) per seed in sweep.csv, one per point in
        // summary.csv, the sweep's one evaluation per run in sweep-eval.csv
        // (gridworld has no end-of-training evaluation).
        let wallClock: [(String, Set<String>, Int)] = [
            ("sweep.csv", ProgressColumns.wallClock.intersection(ProgressColumns.common), 22), ("summary.csv", ["wall_seconds_mean", "wall_seconds_to_threshold_mean", "wall_seconds_to_threshold_std"], 2), ("sweep-eval.csv", [], 4),
        ]
        for (name, wall, rows) in wallClock {
            let merged = try CSVTable(path: dir.file("merged/\(name)")), unsharded = try CSVTable(path: dir.file("reference/\(name)"))
            XCTAssertEqual(merged.columns, unsharded.columns, name)
            XCTAssertTrue(wall.isSubset(of: merged.columns), "\(name): \(merged.columns)")
            XCTAssertEqual(merged.rows.count, rows, name)
            XCTAssertEqual(Self.rows(merged, without: wall), Self.rows(unsharded, without: wall), name)
        }
    }

    static func rows(_ table: CSVTable, without wall: Set<String>) -> [[String]] {
        let keep = table.columns.indices.filter { !wall.contains(table.columns[$0]) }
        return table.rows.map { row in keep.map { row[$0] } }
    }

    // MARK: Other programs

    static func onPath(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs `executable` with its output in files; past `timeout` it is
    /// killed, after `onTimeout` is given what it printed so far.
    func tool(_ executable: String, _ arguments: [String], in dir: TemporaryDirectory, timeout: Double,
              onTimeout: (String) -> Void = { _ in }) throws -> Result {
        let process = Process()
        let id = UUID().uuidString
        let out = dir.file(".tool-out-\(id)"), err = dir.file(".tool-err-\(id)")
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle(forWritingAtPath: out)
        process.standardError = FileHandle(forWritingAtPath: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        let read = { (path: String) in (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
        if process.isRunning {
            onTimeout(read(out))
            kill(process.processIdentifier, SIGKILL)
            XCTFail("\(executable) \(arguments.joined(separator: " ")) did not finish within \(timeout) s")
        }
        process.waitUntilExit()
        return Result(status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal,
                      stdout: read(out), stderr: read(err))
    }
}
