import Foundation
import XCTest
import RL
import Environments
import TestSupport
import ExperimentsTestSupport
@testable import Experiments
@testable import RunStorage

/// Issue #7, item 4: random and mutated inputs to every parser a user's file
/// reaches — config.json and checkpoints here, map files in EnvironmentsTests'
/// GridMapFuzzTests — must give an error or a value, never a trap and never a
/// hang. Seeded, so a failure reproduces; 4,900 inputs (2,500 configs,
/// 2 × 1,200 checkpoints), a few seconds in release mode. `Mutator` and
/// `fuzz` are TestSupport's.
///
/// TODO(sweep parser): the sweep-file parser (Sweeps' SweepJSON) has no fuzz
/// test yet. Add `testSweepParser` to SweepsTests: random bytes plus
/// mutations of every file in Benchmarks/*.json (use `Mutator`, ≥ 2,000
/// inputs), asserting only "throws or returns, within `fuzzMaxSeconds`".
final class FuzzTests: XCTestCase {
    func testConfigLoader() throws {
        let dir = try TemporaryDirectory()
        var seeds: [[UInt8]] = []
        for env in TestEnvironment.allCases {
            let directory = RunDirectory(path: dir.file("seed-\(env)"))
            try directory.create()
            try RunRecord(config: RunFixtures.config(env, runsDir: dir.path, name: "x")).write(to: directory)
            seeds.append(Array(try Data(contentsOf: URL(fileURLWithPath: directory.config))))
        }
        var mutator = Mutator(rng: RNG(seed: 77))
        var inputs: [[UInt8]] = (0..<300).map { _ in mutator.randomBytes(maxCount: 200) }
        for i in 0..<2_200 { inputs.append(mutator.mutate(seeds[i % seeds.count])) }
        let directory = RunDirectory(path: dir.file("fuzz"))
        try directory.create()
        let (accepted, refused) = fuzz(inputs, "config loader") { bytes in
            try! Data(bytes).write(to: URL(fileURLWithPath: directory.config))  // plain write: no fsync per input
            do {
                let record = try RunRecord.read(from: directory)
                XCTAssertNoThrow(try record.config.validate())
                return true
            } catch {
                let text = "\(error)"
                XCTAssertTrue(text.contains("config.json") && !text.contains("\n"), text)
                return false
            }
        }
        XCTAssertGreaterThan(accepted, 50)
        XCTAssertGreaterThan(refused, 1_000)
    }

    /// A tiny run's checkpoint: small enough to decode thousands of times.
    private func tinyRun(_ env: TestEnvironment, _ dir: TemporaryDirectory) throws -> (RunConfig, RunDirectory) {
        var config = RunFixtures.config(env, runsDir: dir.path, name: "tiny-\(env)")
        config.ppo.hidden = [4]
        config.ppo.numEnvs = 2
        config.ppo.numSteps = 8
        config.ppo.numMinibatches = 2
        config.ppo.totalTimesteps = 64
        config.gridworld.layout = "empty-4"
        config.arithmetic.demos = 2
        config.arithmetic.bcSteps = 1
        config.arithmetic.evalProblems = 2
        let (directory, _) = try TrainingRun.start(config, options: RunFixtures.quiet(stopAfter: 1))
        return (config, directory)
    }

    /// Loads the checkpoint the way `--resume` does; true when it loaded.
    private func load(_ config: RunConfig, _ directory: RunDirectory) -> Bool {
        func open<S: EnvironmentSettings>(_ settings: S) throws {
            _ = try TrainingLoop(settings: settings, config: config, directory: directory, resuming: true, options: RunFixtures.quiet())
        }
        do {
            try open(config.environment)
            return true
        } catch {
            XCTAssertFalse("\(error)".contains("\n"), "\(error)")
            XCTAssertTrue("\(error)".contains(directory.checkpoint), "\(error)")
            return false
        }
    }

    func testCheckpointLoader() throws {
        let dir = try TemporaryDirectory()
        var mutator = Mutator(rng: RNG(seed: 4242))
        for env in TestEnvironment.allCases {
            let (config, directory) = try tinyRun(env, dir)
            let good = try Data(contentsOf: URL(fileURLWithPath: directory.checkpoint))
            let payload = try Checkpoint.read(from: directory.checkpoint)
            // Whole files: random bytes, mutated containers (the checksum catches these) ...
            var files: [[UInt8]] = (0..<150).map { _ in mutator.randomBytes(maxCount: 100) }
            files += (0..<150).map { _ in Array(Checkpoint.magic) + mutator.randomBytes(maxCount: 100) }
            files += (0..<400).map { _ in mutator.mutate(Array(good)) }
            // ... and mutated payloads behind a valid checksum, as a hand-edited
            // file or a bug would make them, which reach the JSON decoder.
            files += (0..<500).map { _ in Array(Checkpoint.encode(payload: Data(mutator.mutate(Array(payload))))) }
            let url = URL(fileURLWithPath: directory.checkpoint)
            let (accepted, refused) = fuzz(files, "checkpoint loader (\(env))") { bytes in
                try! Data(bytes).write(to: url)
                return load(config, directory)
            }
            XCTAssertGreaterThan(refused, 1_000, "\(env)")
            print("checkpoint fuzz \(env): \(accepted) accepted, \(refused) refused")
            try good.write(to: url)
        }
    }
}
