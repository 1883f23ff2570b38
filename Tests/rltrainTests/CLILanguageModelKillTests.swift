#if canImport(Glibc)
import Glibc
#endif
import Foundation
import XCTest
import NN
import RL
import TestSupport
import ExperimentsTestSupport
@testable import Experiments
@testable import RunStorage

/// kill -9 sent to a running `--policy transformer` run at random moments —
/// in SFT, at its checkpoints, in RL — then `--resume`: every log ends with
/// the rows of a run never killed, and the weights are the same bits.
final class CLILanguageModelKillTests: RLTrainProcessTestCase {
    /// A tiny model (1 layer, width 16) on 1–2-digit addition: 240 SFT steps
    /// (checkpoints at 100 and 200) and 8 RL steps, a few tenths of a second.
    static func arguments(runsDir: String, name: String) -> [String] {
        ["--env", "arithmetic", "--digits", "1-2", "--eval-problems", "16", "--eval-every", "3",
         "--policy", "transformer", "--layers", "1", "--d-model", "16", "--heads", "2",
         "--sft-examples", "64", "--sft-steps", "240", "--sft-batch", "8", "--rl-steps", "8", "--prompts-per-step", "4",
         "--group-size", "4", "--kl-coef", "0.05", "--learning-rate", "1e-3", "--workers", "2", "--checkpoint-every", "2",
         "--seed", "1", "--runs-dir", runsDir, "--run-name", name, "--quiet"]
    }

    static let logs = ["sft.csv", "progress.csv", "eval.csv"]
    static let files = Set(["config.json", "checkpoint.bin", "curves.svg"] + logs)

    func rows(_ directory: RunDirectory) throws -> [[String]] {
        try Self.logs.map { try RunFixtures.reproducibleRows(directory.file($0)) }
    }

    func parameters(_ directory: RunDirectory) throws -> [Float] {
        try JSONDecoder().decode(LanguageModelCheckpoint.self, from: Checkpoint.read(from: directory.checkpoint)).parameters
    }

    func testKillNineAtRandomMomentsThenResume() throws {
        let dir = try TemporaryDirectory()
        let start = Date()
        let finished = try run(Self.arguments(runsDir: dir.path, name: "reference"), in: dir)
        let seconds = Date().timeIntervalSince(start)
        XCTAssertEqual(finished.status, 0, finished.stderr)
        let reference = RunDirectory(path: dir.file("reference"))
        let expected = try rows(reference)
        XCTAssertEqual(expected.map(\.count), [1 + 240, 1 + 1 + 8, 1 + 4 * 2 * 2])  // 4 evaluations × 2 sizes × greedy and sampled
        let weights = try parameters(reference)
        // Killed after its last checkpoint but before its figure, a run draws it on --resume.
        try FileManager.default.removeItem(atPath: reference.curves)
        XCTAssertEqual(try run(["--resume", reference.path, "--quiet"], in: dir).status, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: reference.curves))

        var rng = RNG(seed: 21)
        let kills = 10
        var killedMidRun = 0, attempts = 0, inSFT = 0, inRL = 0
        while killedMidRun < kills && attempts < 4 * kills {
            attempts += 1
            let name = "kill-\(attempts)"
            let arguments = Self.arguments(runsDir: dir.path, name: name)
            let child = try Child(arguments, in: dir)
            // Every other kill aims at the run's last 40%, where RL runs.
            let moment = attempts % 2 == 0 ? 0.5 + 0.45 * rng.uniformDouble() : 0.9 * rng.uniformDouble()
            usleep(UInt32(moment * seconds * 1e6))
            let wasRunning = child.process.isRunning
            child.signal(SIGKILL)
            let killed = child.wait()
            if wasRunning && killed.signalled { killedMidRun += 1 }
            let directory = RunDirectory(path: dir.file(name))
            let context = "kill \(attempts)"
            if wasRunning && killed.signalled {
                if rowCount(directory.file("sft.csv")) < 240 { inSFT += 1 } else { inRL += 1 }
            }
            // Killed before config.json existed there is no run yet: start it again.
            let resumed = try directory.exists
                ? run(["--resume", directory.path, "--quiet"], in: dir)
                : run(arguments, in: dir)
            XCTAssertEqual(resumed.status, 0, "\(context): \(resumed.stderr)")
            XCTAssertEqual(try rows(directory), expected, context)
            XCTAssertEqual(try parameters(directory), weights, context)
            let left = try Set(FileManager.default.contentsOfDirectory(atPath: directory.path))
            XCTAssertEqual(left, Self.files, "\(context): files left after resume")
        }
        print("kill -9 (language model): \(attempts) kills, \(killedMidRun) mid-run: \(inSFT) in SFT, \(inRL) in RL")
        XCTAssertGreaterThanOrEqual(killedMidRun, kills, "kills that landed mid-run (\(attempts) attempts)")
    }
}
