import Foundation
import XCTest
import TestSupport

/// Issue #11 at the process level: the multiplication environment and
/// addition's ranges of caps through the built `rltrain` — bad input is one
/// line and exit 2; a tiny multiplication run trains, and `rltrain eval`
/// holds it to any cap beside the ideal reasoner.
final class CLIThinkingTests: RLTrainProcessTestCase {
    func testBadThinkingInputIsOneLineAndExitCode2() throws {
        let dir = try TemporaryDirectory()
        let runs = dir.file("runs")
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

    func testTinyMultiplicationRunAndBudgetForcedEvaluation() throws {
        let dir = try TemporaryDirectory()
        let trained = try run(
            ["--env", "multiplication", "--digits", "1-2", "--demos", "40", "--bc-steps", "20", "--num-envs", "2", "--num-steps", "32",
             "--total-timesteps", "128", "--eval-problems", "20", "--runs-dir", dir.path, "--run-name", "tiny", "--quiet"], in: dir)
        XCTAssertEqual(trained.status, 0, trained.stderr)
        let run = dir.file("tiny")
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
