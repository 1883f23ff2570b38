import Foundation
import XCTest

/// The thinking issue at the process level: the multiplication environment
/// and addition's cap ranges through the built `rltrain` — bad input is one
/// line and exit 2; a tiny multiplication run trains, and `rltrain eval`
/// holds it to any cap. (Self-contained, so that it does not depend on the
/// helpers of CLITests.)
final class ThinkingCLITests: XCTestCase {
    struct Result {
        var status: Int32
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

    func run(_ arguments: [String], in directory: URL) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.executable())
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let out = directory.appendingPathComponent(".out-\(UUID().uuidString)")
        let err = directory.appendingPathComponent(".err-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }

    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rltrain-thinking-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    func assertBadInput(_ arguments: [String], _ fragment: String, in directory: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try run(arguments, in: directory)
        let label = arguments.joined(separator: " ")
        XCTAssertEqual(result.status, 2, "\(label): \(result.stderr)", file: file, line: line)
        XCTAssertTrue(result.stderr.hasPrefix("rltrain: "), "\(label): \(result.stderr)", file: file, line: line)
        XCTAssertEqual(result.stderr.filter { $0 == "\n" }.count, 1, "\(label): not one line: \(result.stderr)", file: file, line: line)
        XCTAssertTrue(result.stderr.contains(fragment), "\(label): expected '\(fragment)' in \(result.stderr)", file: file, line: line)
    }

    func testBadInputIsOneLineAndExitCode2() throws {
        let dir = try temporaryDirectory()
        let runs = dir.appendingPathComponent("runs").path
        let mult = ["--env", "multiplication", "--runs-dir", runs]
        let arith = ["--env", "arithmetic", "--runs-dir", runs]
        let cases: [([String], String)] = [
            (mult + ["--multiplier", "0"], "multiplier must be within 1-9"), (mult + ["--multiplier", "10"], "multiplier must be within 1-9"),
            (mult + ["--multiplier", "7-2"], "reversed"), (mult + ["--multiplier", "1-"], "expected a number"),
            (mult + ["--digits", "0"], "digits must be within"), (mult + ["--digits", "1-40"], "digits must be within"),
            (mult + ["--think-budget=-1"], "--think-budget"), (mult + ["--think-budget", "65"], "think budget must be within 0-64"),
            (mult + ["--think-budget", "8-2"], "reversed"), (mult + ["--think-cost", "nan"], "think cost"),
            (mult + ["--demos=-1"], "--demos"), (mult + ["--view", "full"], "--view is an option of arithmetic"),
            (arith + ["--think-budget", "2-1"], "reversed"), (arith + ["--think-budget", "1-x"], "think budget"),
            (arith + ["--think-budget", "0-101"], "think budget"),
        ]
        for (arguments, fragment) in cases { try assertBadInput(arguments, fragment, in: dir) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: runs), "bad input wrote a run directory")
    }

    func testTinyRunAndBudgetForcedEvaluation() throws {
        let dir = try temporaryDirectory()
        let runs = dir.appendingPathComponent("runs").path
        let trained = try run(
            ["--env", "multiplication", "--digits", "1-2", "--demos", "40", "--bc-steps", "20", "--num-envs", "2", "--num-steps", "32",
             "--total-timesteps", "128", "--eval-problems", "20", "--runs-dir", runs, "--run-name", "tiny", "--quiet"], in: dir)
        XCTAssertEqual(trained.status, 0, trained.stderr)
        let run = URL(fileURLWithPath: runs).appendingPathComponent("tiny").path
        let evaluated = try self.run(["eval", run, "--think-budget", "4", "--multiplier", "9", "--problems", "30", "--show", "2"], in: dir)
        XCTAssertEqual(evaluated.status, 0, evaluated.stderr)
        XCTAssertTrue(evaluated.stdout.contains(" × 9: "), evaluated.stdout)
        XCTAssertTrue(evaluated.stdout.contains("think budget 4 marks per column"), evaluated.stdout)
        XCTAssertTrue(evaluated.stdout.contains("the ideal reasoner under the same cap"), evaluated.stdout)
        let csv = try String(contentsOfFile: run + "/eval.csv", encoding: .utf8)
        XCTAssertTrue(csv.hasPrefix("digits,multiplier,think_budget,problems,accuracy,think_tokens_mean,ideal_accuracy"), csv)
        XCTAssertTrue(csv.contains(",9,4,30,"), csv)
        for (arguments, fragment) in [
            (["eval", run, "--think-budget", "-1"], "--think-budget must be between 0 and"),
            (["eval", run, "--multiplier", "0-9"], "multiplier must be within 1-9"),
            (["eval", run, "--multiplier", "x"], "expected a number"),
            (["eval", run, "--samples", "3"], "--samples is an option of arithmetic runs"),
        ] {
            try assertBadInput(arguments, fragment, in: dir)
        }
    }
}
