import Foundation
import XCTest
import TestSupport

/// Issue #12 at the process level: test-time search through the built
/// `rltrain` — bad input is one line and exit 2; eval.csv records
/// temperature, samples and selection, never calls the oracle's coverage an
/// accuracy, and does not depend on the number of sampling threads;
/// `train-verifier` trains the verifier that `--select verifier` uses.
final class CLISearchTests: RLTrainProcessTestCase {
    func tinyRun(_ dir: TemporaryDirectory) throws -> String {
        let trained = try run(
            ["--env", "multiplication", "--digits", "1-2", "--demos", "40", "--bc-steps", "20", "--num-envs", "2", "--num-steps", "32",
             "--total-timesteps", "128", "--eval-problems", "20", "--runs-dir", dir.path, "--run-name", "tiny", "--quiet"], in: dir)
        XCTAssertEqual(trained.status, 0, trained.stderr)
        return dir.file("tiny")
    }

    func testBadSearchInputIsOneLineAndExitCode2() throws {
        let dir = try TemporaryDirectory()
        let run = try tinyRun(dir)
        let cases: [([String], String)] = [
            (["eval", run, "--temperature", "-1"], "--temperature must be a finite number ≥ 0"),
            (["eval", run, "--temperature", "nan"], "--temperature must be a finite number ≥ 0"),
            (["eval", run, "--temperature", "inf"], "--temperature must be a finite number ≥ 0"),
            (["eval", run, "--temperature", "x"], "--temperature"),
            (["eval", run, "--samples", "0"], "--samples must be between 1 and"),
            (["eval", run, "--samples", "4", "--select", "best"], "--select"),
            (["eval", run, "--samples", "4", "--select", "verifier"], "has no trained verifier; train one first with: rltrain train-verifier"),
            (["eval", run, "--workers", "0"], "--workers"),
            (["train-verifier", run, "--samples", "0"], "--samples must be between"),
            (["train-verifier", run, "--temperature", "0"], "--temperature must be a finite number > 0"),
            (["train-verifier", run, "--temperature", "nan"], "--temperature"),
            (["train-verifier", run, "--steps", "0"], "--steps"),
            (["train-verifier", run, "--hidden", "8,x"], "--hidden"),
            (["train-verifier", run, "--select", "majority"], "is a flag of rltrain eval"),
            (["train-verifier", run, "--multiplier", "0"], "multiplier must be within 1-9"),
            (["train-verifier", dir.file("missing")], "missing"),
        ]
        for (arguments, fragment) in cases { try assertBadInput(arguments, fragment, in: dir) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: run + "/verifier.bin"), "bad input wrote a verifier")
    }

    func testSearchRowsWorkersAndVerifier() throws {
        let dir = try TemporaryDirectory()
        let run = try tinyRun(dir)
        let evalCSV = run + "/eval.csv"
        try? FileManager.default.removeItem(atPath: evalCSV)
        let common = ["eval", run, "--problems", "40", "--digits", "2"]
        for extra in [["--samples", "4", "--temperature", "0.5", "--workers", "1"], ["--samples", "4", "--temperature", "0.5", "--workers", "3"],
                      ["--samples", "4", "--temperature", "0.5", "--select", "oracle"], []] {
            let result = try self.run(common + extra, in: dir)
            XCTAssertEqual(result.status, 0, result.stderr)
            if extra.contains("oracle") {
                XCTAssertTrue(result.stdout.contains("pass@4 = "), result.stdout)
                XCTAssertTrue(result.stdout.contains("coverage, an upper bound — not accuracy"), result.stdout)
                XCTAssertFalse(result.stdout.contains("exact match"), result.stdout)
            }
        }
        let rows = try String(contentsOfFile: evalCSV, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(rows.count, 5, rows.joined(separator: "\n"))
        let header = rows[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        func field(_ row: Int, _ name: String) -> String {
            let cells = rows[row].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return header.firstIndex(of: name).map { cells[$0] } ?? "<no column \(name)>"
        }
        XCTAssertEqual(rows[1], rows[2], "the sampling threads changed the result")
        XCTAssertEqual([field(1, "samples"), field(1, "temperature"), field(1, "selection")], ["4", "0.5", "majority"])
        XCTAssertEqual([field(3, "selection"), field(3, "accuracy")], ["oracle", ""], "an oracle row must carry no accuracy")
        XCTAssertFalse(field(3, "coverage").isEmpty)
        XCTAssertGreaterThanOrEqual(Double(field(3, "coverage")) ?? -1, Double(field(1, "accuracy")) ?? 2, "pass@4 bounds the vote")
        XCTAssertEqual([field(4, "samples"), field(4, "temperature"), field(4, "selection")], ["1", "0.0", "greedy"])

        let verifier = ["train-verifier", run, "--problems", "30", "--samples", "4", "--test-problems", "10", "--steps", "20",
                        "--hidden", "8", "--eval-every", "10", "--digits", "2"]
        let trained = try self.run(verifier, in: dir)
        XCTAssertEqual(trained.status, 0, trained.stderr)
        XCTAssertTrue(trained.stdout.contains("AUC"), trained.stdout)
        XCTAssertTrue(FileManager.default.fileExists(atPath: run + "/verifier.bin"))
        let again = try self.run(verifier, in: dir)
        XCTAssertTrue(again.stdout.contains("already trained"), again.stdout)
        let chosen = try self.run(common + ["--samples", "4", "--select", "verifier"], in: dir)
        XCTAssertEqual(chosen.status, 0, chosen.stderr)
        XCTAssertTrue(chosen.stdout.contains("best of 4 by the verifier"), chosen.stdout)
        let last = try String(contentsOfFile: evalCSV, encoding: .utf8).split(separator: "\n").map(String.init).last ?? ""
        XCTAssertTrue(last.contains(",verifier,"), last)

        // The verifier of a multiplication run, copied into an addition run:
        // its steps have another width, refused in one line before any is read.
        let addition = try self.run(
            ["--env", "arithmetic", "--demos", "40", "--bc-steps", "20", "--num-envs", "2", "--num-steps", "32",
             "--total-timesteps", "128", "--eval-problems", "20", "--runs-dir", dir.path, "--run-name", "addition", "--quiet"], in: dir)
        XCTAssertEqual(addition.status, 0, addition.stderr)
        try FileManager.default.copyItem(atPath: run + "/verifier.bin", toPath: dir.file("addition/verifier.bin"))
        try assertBadInput(["eval", dir.file("addition"), "--samples", "4", "--select", "verifier"], "this run's environment has", in: dir)
    }
}
