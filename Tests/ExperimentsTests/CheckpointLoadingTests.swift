import Foundation
import XCTest
import NN
import RL
import Environments
import TestSupport
import ExperimentsTestSupport
@testable import Experiments
@testable import RunStorage

/// Issue #7, item 4, in process: every damaged or foreign checkpoint and
/// every damaged config.json is refused by `TrainingRun.resume` with one line
/// naming the file, and the run directory is left as it was.
final class CheckpointLoadingTests: XCTestCase {
    /// A gridworld run stopped after 2 updates, ready to resume.
    private func stoppedRun(_ dir: TemporaryDirectory, env: TestEnvironment = .gridworld, name: String = "run") throws -> RunDirectory {
        let config = RunFixtures.config(env, runsDir: dir.path, name: name)
        let (directory, outcome) = try TrainingRun.start(config, options: RunFixtures.quiet(stopAfter: 2))
        XCTAssertEqual(outcome, .interrupted)
        return directory
    }

    private func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }
    private func write(_ data: Data, _ path: String) throws { try data.write(to: URL(fileURLWithPath: path)) }

    /// Resuming must throw an error whose text is one line containing `fragment`.
    private func assertRefused(_ directory: RunDirectory, _ fragment: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try TrainingRun.resume(directory, options: RunFixtures.quiet()), file: file, line: line) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains(fragment), "expected '\(fragment)' in: \(text)", file: file, line: line)
            XCTAssertFalse(text.contains("\n"), "more than one line: \(text)", file: file, line: line)
        }
    }

    func testDamagedCheckpointsAreRefused() throws {
        let dir = try TemporaryDirectory()
        let directory = try stoppedRun(dir)
        let good = try bytes(directory.checkpoint)
        let progress = try bytes(directory.progress)

        try write(good.prefix(good.count / 2), directory.checkpoint)
        assertRefused(directory, "truncated")
        try write(good.prefix(10), directory.checkpoint)
        assertRefused(directory, "truncated")
        try write(Data(), directory.checkpoint)
        assertRefused(directory, "not an rltrain checkpoint")

        var flipped = good
        flipped[good.count / 2] ^= 0x10
        try write(flipped, directory.checkpoint)
        assertRefused(directory, "checksum")

        var otherVersion = good
        otherVersion[Checkpoint.magic.count] = 2  // the version's low byte
        try write(otherVersion, directory.checkpoint)
        assertRefused(directory, "checkpoint format version 2, this rltrain reads 1")

        try write(good + Data([0]), directory.checkpoint)
        assertRefused(directory, "damaged")

        try write(Data("{\"not\": \"a checkpoint\"}".utf8), directory.checkpoint)
        assertRefused(directory, "not an rltrain checkpoint")

        // A container with a valid checksum around a payload that is not ours.
        try write(Checkpoint.encode(payload: Data("[1,2,3]".utf8)), directory.checkpoint)
        assertRefused(directory, "does not fit this run")

        // None of the refusals touched progress.csv; the good checkpoint still resumes.
        XCTAssertEqual(try bytes(directory.progress), progress)
        try write(good, directory.checkpoint)
        XCTAssertEqual(try TrainingRun.resume(directory, options: RunFixtures.quiet()), .finished)
    }

    /// Issue 17: a checkpoint with a valid checksum whose tensors, optimiser
    /// moments, reference policy or environments do not fit the run is
    /// refused by --resume and by rltrain eval, in one line naming the file.
    func testInconsistentCheckpointsAreRefusedByResumeAndEval() throws {
        let dir = try TemporaryDirectory()
        var grpo = RunFixtures.config(.arithmetic, runsDir: dir.path, name: "grpo")
        grpo.ppo.algorithm = .grpo
        grpo.ppo.groupSize = 3
        grpo.ppo.klCoef = 0.1
        let runs: [(TestEnvironment, RunDirectory)] = [
            (.gridworld, try stoppedRun(dir, env: .gridworld, name: "grid")),
            (.arithmetic, try TrainingRun.start(grpo, options: RunFixtures.quiet(stopAfter: 2)).0),
        ]
        var applied: Set<CheckpointDamage> = []
        for (env, directory) in runs {
            let good = try bytes(directory.checkpoint)
            for damage in CheckpointDamage.allCases {
                guard try RunFixtures.damageCheckpoint(directory, env: env, damage) else { continue }
                applied.insert(damage)
                assertRefused(directory, damage.fragment)
                assertRefused(directory, directory.checkpoint)
                XCTAssertThrowsError(try RunEvaluation.evaluate(directory, arguments: [], console: Console(quiet: true)), "\(env) \(damage)") { error in
                    let text = "\(error)"
                    XCTAssertTrue(text.contains(damage.fragment) && text.contains(directory.checkpoint), "\(env) \(damage): \(text)")
                    XCTAssertFalse(text.contains("\n"), text)
                }
                try write(good, directory.checkpoint)
            }
            XCTAssertEqual(try TrainingRun.resume(directory, options: RunFixtures.quiet()), .finished, "\(env)")
        }
        XCTAssertEqual(applied, Set(CheckpointDamage.allCases), "every damage tried on some run")
    }

    func testAnotherEnvironmentsCheckpointIsRefused() throws {
        let dir = try TemporaryDirectory()
        let grid = try stoppedRun(dir, env: .gridworld, name: "grid")
        let arithmetic = try stoppedRun(dir, env: .arithmetic, name: "arith")
        let gridCheckpoint = try bytes(grid.checkpoint)
        try write(try bytes(arithmetic.checkpoint), grid.checkpoint)
        assertRefused(grid, grid.checkpoint)
        try write(gridCheckpoint, arithmetic.checkpoint)
        assertRefused(arithmetic, arithmetic.checkpoint)
    }

    func testCheckpointOfAnotherConfigurationIsRefused() throws {
        let dir = try TemporaryDirectory()
        let a = try stoppedRun(dir, name: "a")
        // Another network shape: the same run, but config.json edited to 32,32.
        var record = try RunRecord.read(from: a)
        record.config.network.hidden = [32, 32]
        try record.write(to: a)
        assertRefused(a, "another configuration")
        // Another seed's checkpoint copied in.
        var config = RunFixtures.config(.gridworld, runsDir: dir.path, name: "b")
        config.ppo.seed = 2
        let (b, _) = try TrainingRun.start(config, options: RunFixtures.quiet(stopAfter: 1))
        try write(try bytes(b.checkpoint), dir.file("a/checkpoint.bin"))
        record.config.network.hidden = [64, 64]
        try record.write(to: a)
        assertRefused(a, "another configuration")
    }

    /// The trainer itself refuses a state whose networks do not fit its config
    /// (reachable when a checkpoint's config and state disagree).
    func testTrainerRefusesAnotherNetworkShape() throws {
        var config = PPOConfig()
        config.numEnvs = 2
        config.numSteps = 8
        config.totalTimesteps = 64
        let map = try GridMap.layout(named: "empty-5")
        let trainer = Trainer<GridworldEnvironment, MLP>(config: config, network: MLPSettings(hidden: [8])) { _ in GridworldEnvironment(map: map) }
        var other = config
        XCTAssertThrowsError(try Trainer<GridworldEnvironment, MLP>(config: other, network: MLPSettings(hidden: [16]), state: trainer.state)) { error in
            XCTAssertTrue("\(error)".contains("the checkpoint's networks are"), "\(error)")
        }
        other = config
        other.numEnvs = 4
        XCTAssertThrowsError(try Trainer<GridworldEnvironment, MLP>(config: other, network: MLPSettings(hidden: [8]), state: trainer.state)) { error in
            XCTAssertTrue("\(error)".contains("holds 2 environments"), "\(error)")
        }
    }

    /// config.json and checkpoints written before `run.tensorboard` existed
    /// load (without TensorBoard) and resume.
    func testRunWrittenBeforeTheTensorBoardSettingResumes() throws {
        let dir = try TemporaryDirectory()
        let directory = try stoppedRun(dir)
        let config = String(decoding: try bytes(directory.config), as: UTF8.self)
        let oldConfig = config.replacingOccurrences(of: #",\s*"tensorboard" : false"#, with: "", options: .regularExpression)
        XCTAssertNotEqual(oldConfig, config)
        try write(Data(oldConfig.utf8), directory.config)
        let payload = String(decoding: try Checkpoint.read(from: directory.checkpoint), as: UTF8.self)
        let oldPayload = payload.replacingOccurrences(of: #","tensorboard":false"#, with: "")
        XCTAssertNotEqual(oldPayload, payload)
        try write(Checkpoint.encode(payload: Data(oldPayload.utf8)), directory.checkpoint)
        XCTAssertFalse(try RunRecord.read(from: directory).config.run.tensorboard)
        XCTAssertEqual(try TrainingRun.resume(directory, options: RunFixtures.quiet()), .finished)
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: directory.path).contains { $0.contains("tfevents") })
    }

    func testDamagedConfigIsRefused() throws {
        let dir = try TemporaryDirectory()
        let directory = try stoppedRun(dir)
        let good = try bytes(directory.config)
        try write(good.prefix(good.count / 2), directory.config)
        assertRefused(directory, "config.json is damaged")
        try write(Data(), directory.config)
        assertRefused(directory, "config.json is damaged")
        let text = String(decoding: good, as: UTF8.self)
        try write(Data(text.replacingOccurrences(of: "\"numSteps\" : 32", with: "\"numSteps\" : -1").utf8), directory.config)
        assertRefused(directory, "--num-steps must be a positive integer")
        try write(Data(text.replacingOccurrences(of: "\"gridworld\"", with: "\"chess\"").utf8), directory.config)
        assertRefused(directory, "config.json is damaged")
        try write(Data(text.replacingOccurrences(of: "\"seed\"", with: "\"sead\"").utf8), directory.config)
        assertRefused(directory, "missing key 'seed'")
        try FileManager.default.removeItem(atPath: directory.config)
        assertRefused(directory, "is not a run directory")
        XCTAssertThrowsError(try TrainingRun.resume(RunDirectory(path: dir.file("nowhere")), options: RunFixtures.quiet())) {
            XCTAssertTrue("\($0)".contains("is not a run directory"), "\($0)")
        }
    }
}
