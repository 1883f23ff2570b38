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

/// Issue #7 at the process level: the built `rltrain` executable, its exit
/// codes, its one-line errors, signals and kill -9. The harness the process
/// tests (CLISignalTests, CLIBadInputTests, CLINumericsAndDiskTests) share:
/// a child rltrain with its output in files, the tiny run's flags, and checks
/// of what a run directory holds. Skipped when the executable is not next to
/// the test bundle (set RLTRAIN_EXECUTABLE to point at one).
class RLTrainProcessTestCase: XCTestCase {
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
            process.executableURL = URL(fileURLWithPath: try RLTrainProcessTestCase.executable())
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

    func rowCount(_ path: String) -> Int {
        (try? CSVTable(path: path).rows.count) ?? 0
    }

    /// Every file in a run directory is absent or complete and valid.
    /// Returns the names of leftover temporary files.
    @discardableResult
    func checkRunDirectory(_ path: String, env: TestEnvironment, context: String) throws -> [String] {
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

    /// Uninterrupted references for the process tests, made by the executable itself.
    func reference(_ env: TestEnvironment, _ dir: TemporaryDirectory, updates: Int = 10) throws -> (rows: [String], checkpoint: Data, seconds: Double) {
        let name = "reference-\(env)-\(updates)"
        let start = Date()
        let result = try run(Self.tinyArguments(env, runsDir: dir.path, name: name, updates: updates), in: dir)
        let seconds = Date().timeIntervalSince(start)
        XCTAssertEqual(result.status, 0, result.stderr)
        let directory = RunDirectory(path: dir.file(name))
        return (try RunFixtures.reproducibleRows(directory.progress),
                try RunFixtures.comparablePayload(directory.checkpoint, env: env), seconds)
    }

    /// rltrain with `arguments` exits with `status` and one line on stderr,
    /// "rltrain: …" containing `fragment`, with no sign of a crash.
    func assertBadInput(_ arguments: [String], _ fragment: String, in dir: TemporaryDirectory, status: Int32 = 2, file: StaticString = #filePath, line: UInt = #line) throws {
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
}
