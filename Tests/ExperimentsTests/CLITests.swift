#if canImport(Glibc)
import Glibc
#endif
import Foundation
import XCTest
import RL
import Environments
@testable import Experiments
@testable import RunStorage
@testable import Plotting
@testable import Sweeps

/// Issue #7 at the process level: the built `rltrain` executable, its exit
/// codes, its one-line errors, signals and kill -9. Skipped when the
/// executable is not next to the test bundle (set RLTRAIN_EXECUTABLE to point
/// at one).
final class CLITests: XCTestCase {
    struct Result {
        var status: Int32
        var signalled: Bool
        var stdout: String
        var stderr: String
    }

    static func executable() throws -> String {
        if let path = ProcessInfo.processInfo.environment["RLTRAIN_EXECUTABLE"] { return path }
        var candidates: [URL] = []
        if let url = Bundle.main.executableURL { candidates.append(url.deletingLastPathComponent()) }
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent())
        candidates.append(Bundle.main.bundleURL)
        for directory in candidates {
            let path = directory.appendingPathComponent("rltrain").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw XCTSkip("rltrain executable not found near \(candidates.map(\.path)); set RLTRAIN_EXECUTABLE")
    }

    /// A running rltrain with its output going to files.
    final class Child {
        let process = Process()
        let out: String
        let err: String
        init(_ arguments: [String], in dir: TemporaryDirectory) throws {
            let id = UUID().uuidString
            out = dir.file(".out-\(id)")
            err = dir.file(".err-\(id)")
            _ = FileManager.default.createFile(atPath: out, contents: nil)
            _ = FileManager.default.createFile(atPath: err, contents: nil)
            process.executableURL = URL(fileURLWithPath: try CLITests.executable())
            process.arguments = arguments
            process.standardOutput = FileHandle(forWritingAtPath: out)
            process.standardError = FileHandle(forWritingAtPath: err)
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }
        var pid: Int32 { process.processIdentifier }
        func signal(_ number: Int32) { kill(pid, number) }
        func wait(timeout: Double = 60) -> Result {
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning && Date() < deadline { usleep(5_000) }
            if process.isRunning {
                kill(pid, SIGKILL)
                process.waitUntilExit()
                XCTFail("rltrain did not finish within \(timeout) s")
            }
            process.waitUntilExit()
            return Result(
                status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal,
                stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
                stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
        }
    }

    func run(_ arguments: [String], in dir: TemporaryDirectory, timeout: Double = 60) throws -> Result {
        try Child(arguments, in: dir).wait(timeout: timeout)
    }

    static func tinyArguments(_ env: TestEnvironment, runsDir: String, name: String, updates: Int = 10) -> [String] {
        var arguments = ["--env", env.rawValue, "--num-envs", "3", "--num-steps", "32", "--total-timesteps", "\(96 * updates)",
                         "--checkpoint-every", "2", "--runs-dir", runsDir, "--run-name", name, "--quiet"]
        switch env {
        case .gridworld: arguments += ["--layout", "empty-5"]
        case .arithmetic: arguments += ["--demos", "20", "--bc-steps", "10", "--eval-problems", "30"]
        }
        return arguments
    }

    private func rowCount(_ path: String) -> Int {
        (try? CSVTable(path: path).rows.count) ?? 0
    }

    /// Every file in a run directory is absent or complete and valid.
    /// Returns the names of leftover temporary files.
    @discardableResult
    private func checkRunDirectory(_ path: String, env: TestEnvironment, context: String) throws -> [String] {
        let directory = RunDirectory(path: path)
        var leftovers: [String] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: path) {
            let file = directory.file(name)
            switch name {
            case "config.json":
                XCTAssertNoThrow(try RunRecord.read(from: directory), context)
            case "checkpoint.bin":
                XCTAssertNoThrow(try RunFixtures.comparablePayload(file, env: env), context)
                if let rows = (try? RunFixtures.payloadObject(file))?["progressRows"] as? Int {
                    XCTAssertGreaterThanOrEqual(rowCount(directory.progress), rows, "\(context): the checkpoint counts rows that are missing")
                }
            case "progress.csv":
                let table = try CSVTable(path: file)  // complete rows only; throws on a malformed complete row
                XCTAssertEqual(table.columns, ProgressColumns.all(for: env.type), context)
                // Row 0 is the policy before PPO; row k is update k.
                XCTAssertEqual(table.rows.map { $0[0] }, table.rows.indices.map { "\($0)" }, context)
            case "pretrain.csv":
                XCTAssertEqual(try CSVTable(path: file).columns, ["step", "loss", "demo_accuracy"], context)
            case "eval.csv":
                XCTAssertNoThrow(try CSVTable(path: file), context)
            case "curves.svg":
                XCTAssertTrue(try String(contentsOfFile: file, encoding: .utf8).hasSuffix("</svg>\n"), context)
            default:
                if name.hasPrefix("."), name.contains(".tmp-") {
                    leftovers.append(name)
                } else {
                    XCTFail("\(context): unexpected file \(name)")
                }
            }
        }
        return leftovers
    }

    // MARK: - Signals

    /// Uninterrupted references for the process tests, made by the executable itself.
    private func reference(_ env: TestEnvironment, _ dir: TemporaryDirectory, updates: Int = 10) throws -> (rows: [String], checkpoint: Data, seconds: Double) {
        let name = "reference-\(env)-\(updates)"
        let start = Date()
        let result = try run(Self.tinyArguments(env, runsDir: dir.path, name: name, updates: updates), in: dir)
        let seconds = Date().timeIntervalSince(start)
        XCTAssertEqual(result.status, 0, result.stderr)
        let directory = RunDirectory(path: dir.file(name))
        return (try RunFixtures.reproducibleRows(directory.progress),
                try RunFixtures.comparablePayload(directory.checkpoint, env: env), seconds)
    }

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

    func testSecondSignalExitsAtOnce() throws {
        let dir = try TemporaryDirectory()
        // Two kill(2)s in the same instant merge in the kernel (standard signals
        // are not queued), so the gaps are a person's double Ctrl-C, not zero.
        for gap in [20_000, 200_000] as [UInt32] {
            // Slow updates (32k samples, a second or more each), so that "at once" is visible.
            let name = "twice-\(gap)"
            let arguments = ["--env", "gridworld", "--layout", "fourrooms", "--num-envs", "8", "--num-steps", "4096",
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

    // MARK: - Bad input

    private func assertBadInput(_ arguments: [String], _ fragment: String, in dir: TemporaryDirectory, status: Int32 = 2, file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try run(arguments, in: dir, timeout: 30)
        let label = arguments.joined(separator: " ")
        XCTAssertEqual(result.status, status, "\(label): \(result.stderr)", file: file, line: line)
        XCTAssertTrue(result.stderr.hasPrefix("rltrain: ") && result.stderr.hasSuffix("\n"), "\(label): \(result.stderr)", file: file, line: line)
        XCTAssertEqual(result.stderr.filter { $0 == "\n" }.count, 1, "\(label): not one line: \(result.stderr)", file: file, line: line)
        XCTAssertTrue(result.stderr.contains(fragment), "\(label): expected '\(fragment)' in \(result.stderr)", file: file, line: line)
        for crash in ["Fatal error", "Backtrac", "runtime failure", "Crash"] {
            XCTAssertFalse(result.stderr.contains(crash) || result.stdout.contains(crash), "\(label): \(result.stderr)", file: file, line: line)
        }
    }

    func testBadFlagsGetOneLineAndExitCode2() throws {
        let dir = try TemporaryDirectory()
        let runs = dir.file("runs")
        let grid = ["--env", "gridworld", "--runs-dir", runs]
        let arith = ["--env", "arithmetic", "--runs-dir", runs]
        let cases: [([String], String)] = [
            (grid + ["--num-steps", "nan"], "--num-steps"), (grid + ["--num-steps=-3"], "--num-steps must be a positive integer"),
            (grid + ["--num-steps", "0"], "--num-steps"), (grid + ["--num-envs", "0"], "--num-envs"),
            (grid + ["--num-envs", "4611686018427387904", "--num-steps", "4"], "--num-envs must be at most"),
            (grid + ["--num-envs", "99999999999999999999"], "--num-envs"),
            (grid + ["--workers", "1024", "--envs-per-worker", "9007199254740993"], "--envs-per-worker"),
            (grid + ["--workers", "0"], "--workers"), (grid + ["--workers", "5000"], "--workers"),
            (grid + ["--workers", "4", "--num-envs", "3"], "--workers 4 exceeds --num-envs 3"),
            (grid + ["--envs-per-worker", "0"], "--envs-per-worker"),
            (grid + ["--total-timesteps", "0"], "--total-timesteps"), (grid + ["--total-timesteps", "nan"], "--total-timesteps"),
            (grid + ["--total-timesteps", "5"], "less than one batch"),
            (grid + ["--learning-rate", "nan"], "--learning-rate"), (grid + ["--learning-rate", "0"], "--learning-rate"),
            (grid + ["--learning-rate=-1e-3"], "--learning-rate"), (grid + ["--learning-rate", "inf"], "--learning-rate"),
            (grid + ["--learning-rate", "1e9"], "--learning-rate"),
            (grid + ["--gamma", "1.5"], "--gamma"), (grid + ["--gamma", "nan"], "--gamma"),
            (grid + ["--gae-lambda", "nan"], "--gae-lambda"), (grid + ["--gae-lambda=-0.1"], "--gae-lambda"),
            (grid + ["--num-minibatches", "0"], "--num-minibatches"), (grid + ["--num-minibatches", "7"], "--num-minibatches 7 must divide"),
            (grid + ["--update-epochs", "0"], "--update-epochs"), (grid + ["--update-epochs", "nan"], "--update-epochs"),
            (grid + ["--clip-coef", "nan"], "--clip-coef"), (grid + ["--clip-coef=-1"], "--clip-coef"),
            (grid + ["--ent-coef", "nan"], "--ent-coef"), (grid + ["--ent-coef=-1"], "--ent-coef"),
            (grid + ["--vf-coef", "inf"], "--vf-coef"), (grid + ["--max-grad-norm", "0"], "--max-grad-norm"),
            (grid + ["--max-grad-norm", "nan"], "--max-grad-norm"), (grid + ["--target-kl", "nan"], "--target-kl"),
            (grid + ["--target-kl", "0"], "--target-kl"), (grid + ["--seed", "nan"], "--seed"), (grid + ["--seed=-1"], "--seed"),
            (grid + ["--hidden", "64,x"], "--hidden"), (grid + ["--hidden", "0"], "--hidden"), (grid + ["--hidden", "100000"], "--hidden"),
            (grid + ["--activation", "sigmoid"], "--activation"), (grid + ["--anneal-lr", "maybe"], "--anneal-lr"),
            (grid + ["--checkpoint-every", "0"], "--checkpoint-every"), (grid + ["--checkpoint-every", "nan"], "--checkpoint-every"),
            (grid + ["--max-steps", "0"], "--max-steps"), (grid + ["--max-steps", "nan"], "--max-steps"),
            (grid + ["--run-name", "../x"], "--run-name"), (grid + ["--run-name", ""], "--run-name"),
            (["--env", "chess"], "'chess' is invalid for '--env"), (["--frobnicate"], "Unknown option '--frobnicate'"),
            (grid + ["--layout", "maze"], "unknown gridworld layout"), (grid + ["--layout", "empty-2"], "empty-N needs"),
            (grid + ["--layout", "empty-99999999999999999999"], "empty-N needs"),
            (arith + ["--digits", "0"], "--digits"), (arith + ["--digits", "3-1"], "reversed"), (arith + ["--digits", "1-99"], "at most"),
            (arith + ["--digits", "nan"], "--digits"), (arith + ["--think-budget=-1"], "think budget"),
            (arith + ["--think-budget", "9223372036854775807"], "think budget"), (arith + ["--think-symbols", "0"], "think symbols"),
            (arith + ["--think-cost", "nan"], "think cost"), (arith + ["--think-cost", "inf"], "think cost"),
            (arith + ["--demos=-1"], "--demos"), (arith + ["--demos", "1e12"], "--demos"), (arith + ["--bc-steps=-1"], "--bc-steps"),
            (arith + ["--bc-learning-rate", "nan"], "--bc-learning-rate"), (arith + ["--eval-problems", "0"], "--eval-problems"),
            (arith + ["--eval-every", "0"], "--eval-every"), (arith + ["--view", "wide"], "--view"), (arith + ["--reward", "x"], "--reward"),
            (["eval", dir.path], "is not a run directory"), (["eval", dir.file("missing")], "is not a run directory"),
            (["eval", dir.path, "--samples", "0"], "--samples"), (["eval", dir.path, "--problems", "nan"], "--problems"),
            (["eval", dir.path, "--digits", "99"], "--digits"), (["eval", dir.path, "--episodes", "0"], "--episodes"),
            (["--resume", dir.path], "is not a run directory"), (["--resume", dir.path, "--seed", "3"], "give no other flag"),
        ]
        for (arguments, fragment) in cases {
            try assertBadInput(arguments, fragment, in: dir)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: runs), "bad input wrote a run directory")
    }

    func testMalformedMapFiles() throws {
        let dir = try TemporaryDirectory()
        let maps: [(String, String)] = [
            ("", "map is empty"), ("#####\n#.x.#\n#####\n", ":2:3: unknown character"), ("###\n#..#\n", ":2:"),
            ("####\n####\n", "no floor"), ("#S#S#\n", "second start"), ("#.#.#\n", "unreachable"),
            ("#S#G#\n", "unreachable"), ("#.#\n", "only 1 floor cell"), ("\u{0}\u{1}\u{FF}", "unknown character"),
            ("\n\n", "empty"),
        ]
        for (i, (text, fragment)) in maps.enumerated() {
            let path = dir.file("map-\(i).txt")
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            try assertBadInput(["--env", "gridworld", "--map", path, "--runs-dir", dir.file("runs")], fragment, in: dir)
        }
        try assertBadInput(["--env", "gridworld", "--map", dir.file("absent.txt"), "--runs-dir", dir.file("runs")], "no such file", in: dir)
        try assertBadInput(["--env", "gridworld", "--map", dir.path, "--runs-dir", dir.file("runs")], "is a directory", in: dir)
    }

    func testDamagedRunDirectoriesGetOneLineAndExitCode2() throws {
        let dir = try TemporaryDirectory()
        func stopped(_ env: TestEnvironment, _ name: String) throws -> RunDirectory {
            let config = RunFixtures.config(env, runsDir: dir.path, name: name)
            return try TrainingRun.start(config, options: RunFixtures.quiet(stopAfter: 2)).0
        }
        let grid = try stopped(.gridworld, "grid")
        let arith = try stopped(.arithmetic, "arith")
        let good = try Data(contentsOf: URL(fileURLWithPath: grid.checkpoint))
        let goodConfig = try Data(contentsOf: URL(fileURLWithPath: grid.config))
        func put(_ data: Data, _ path: String) throws { try data.write(to: URL(fileURLWithPath: path)) }
        func check(_ fragment: String, line: UInt = #line) throws {
            try assertBadInput(["--resume", grid.path], fragment, in: dir, line: line)
            try assertBadInput(["eval", grid.path], fragment, in: dir, line: line)
        }
        try put(good.prefix(good.count - 100), grid.checkpoint)
        try check("truncated")
        var flipped = good
        flipped[good.count - 50] ^= 0x01
        try put(flipped, grid.checkpoint)
        try check("checksum")
        var version = good
        version[Checkpoint.magic.count] = 9
        try put(version, grid.checkpoint)
        try check("checkpoint format version 9")
        try put(Data("hello".utf8), grid.checkpoint)
        try check("not an rltrain checkpoint")
        try put(try Data(contentsOf: URL(fileURLWithPath: arith.checkpoint)), grid.checkpoint)
        try assertBadInput(["--resume", grid.path], grid.checkpoint, in: dir)
        try put(good, grid.checkpoint)
        // Another network shape: config.json edited to 32,32 hidden units.
        var record = try RunRecord.read(from: grid)
        record.config.ppo.hidden = [32, 32]
        try record.write(to: grid)
        try assertBadInput(["--resume", grid.path], "another configuration", in: dir)
        try put(goodConfig.prefix(goodConfig.count / 2), grid.config)
        try check("config.json is damaged")
        try put(Data(), grid.config)
        try check("config.json is damaged")
        try put(goodConfig, grid.config)
        let resumed = try run(["--resume", grid.path, "--quiet"], in: dir)
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
    }

    // MARK: - Numerics and disk

    /// A poisoned reward (a think cost of 1e30 per token) overflows the losses:
    /// exit 1, the update and quantity named, the last good checkpoint kept.
    func testNonFiniteLossExits1AndKeepsTheCheckpoint() throws {
        let dir = try TemporaryDirectory()
        let arguments = Self.tinyArguments(.arithmetic, runsDir: dir.path, name: "nan") + ["--think-cost", "1e30"]
        try assertBadInput(arguments, "became NaN or infinite in update 1", in: dir, status: 1)
        let directory = RunDirectory(path: dir.file("nan"))
        XCTAssertEqual(try RunFixtures.completedUpdates(directory.checkpoint), 0)
        try checkRunDirectory(directory.path, env: .arithmetic, context: "nan")
        // It resumes from that checkpoint, and deterministically meets the same NaN.
        try assertBadInput(["--resume", directory.path], "became NaN or infinite in update 1", in: dir, status: 1)
        XCTAssertEqual(try RunFixtures.completedUpdates(directory.checkpoint), 0)
    }

    func testUnwritableRunDirectory() throws {
        let dir = try TemporaryDirectory()
        let blocker = dir.file("a-file")
        try Data("x".utf8).write(to: URL(fileURLWithPath: blocker))
        var arguments = Self.tinyArguments(.gridworld, runsDir: blocker + "/runs", name: "x")
        try assertBadInput(arguments, "cannot create directory", in: dir, status: 1)
        arguments = Self.tinyArguments(.gridworld, runsDir: "/proc/rltrain-test", name: "x")
        try assertBadInput(arguments, "cannot create directory", in: dir, status: 1)
    }

    /// A full disk, simulated with a small tmpfs (needs root; skipped otherwise).
    func testFullDiskStopsWithAClearErrorAndKeepsEarlierFiles() throws {
        let dir = try TemporaryDirectory()
        let mountPoint = dir.file("small-disk")
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        let mount = Process()
        mount.executableURL = URL(fileURLWithPath: "/bin/mount")
        mount.arguments = ["-t", "tmpfs", "-o", "size=4m", "tmpfs", mountPoint]
        mount.standardError = FileHandle.nullDevice
        try mount.run()
        mount.waitUntilExit()
        guard mount.terminationStatus == 0 else { throw XCTSkip("cannot mount a tmpfs here (needs root)") }
        defer {
            let umount = Process()
            umount.executableURL = URL(fileURLWithPath: "/bin/umount")
            umount.arguments = [mountPoint]
            try? umount.run()
            umount.waitUntilExit()
        }
        let expected = try reference(.gridworld, dir)
        let directory = RunDirectory(path: mountPoint + "/full")
        // A run stopped after 4 updates, in process (a SIGINT raced the tiny
        // run to its end), configured as `tinyArguments` (the comparison with
        // the CLI reference run below checks that the two agree).
        let config = RunFixtures.config(.gridworld, runsDir: mountPoint, name: "full")
        let (_, first) = try TrainingRun.start(config, options: RunFixtures.quiet(stopAfter: 4))
        XCTAssertEqual(first, .interrupted)
        XCTAssertEqual(try RunFixtures.completedUpdates(directory.checkpoint), 4)
        let checkpoint = try Data(contentsOf: URL(fileURLWithPath: directory.checkpoint))
        // Fill the disk completely.
        let filler = mountPoint + "/filler"
        let fd = open(filler, O_WRONLY | O_CREAT, 0o644)
        let chunk = [UInt8](repeating: 0xAB, count: 4096)
        while chunk.withUnsafeBytes({ write(fd, $0.baseAddress!, 4096) }) > 0 {}
        close(fd)
        let failed = try run(["--resume", directory.path, "--quiet"], in: dir)
        XCTAssertEqual(failed.status, 1, failed.stderr)
        XCTAssertTrue(failed.stderr.contains("No space left on device"), failed.stderr)
        XCTAssertEqual(failed.stderr.filter { $0 == "\n" }.count, 1, failed.stderr)
        // What was written before is intact and whole.
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: directory.checkpoint)), checkpoint)
        XCTAssertEqual(try checkRunDirectory(directory.path, env: .gridworld, context: "full disk"), [])
        // With space again, the run resumes and ends as if never stopped.
        try FileManager.default.removeItem(atPath: filler)
        let resumed = try run(["--resume", directory.path, "--quiet"], in: dir)
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertEqual(try RunFixtures.reproducibleRows(directory.progress), expected.rows)
    }
}
