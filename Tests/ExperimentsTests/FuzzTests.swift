import Foundation
import XCTest
import NN
import RL
import Environments
import TestSupport
import ExperimentsTestSupport
@testable import Experiments
@testable import RunStorage

/// Issue #7, item 4: random and mutated inputs to every parser a user's file
/// reaches — config.json and checkpoints here, map files in EnvironmentsTests'
/// GridMapFuzzTests — must give an error or a value, never a trap and never a
/// hang. Seeded, so a failure reproduces; 6,100 inputs (2,500 configs,
/// 2 × 1,800 checkpoints), a few seconds in release mode. `Mutator` and
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
        config.network.hidden = [4]
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
            _ = try TrainingLoop<S, MLP>(settings: settings, config: config, network: config.network, directory: directory, resuming: true, options: RunFixtures.quiet())
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

    /// One JSON-preserving edit of a checkpoint payload's text (compact JSON).
    static func structuralEdit(_ text: String, rng: inout RNG) -> String {
        let numbers = text.ranges(of: #"(?<=[\[,:])-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?(?=[\],}])"#)
        let data = text.ranges(of: #""[A-Za-z0-9+/]{6,}={0,2}""#)
        let elements = text.ranges(of: #",("[A-Za-z0-9+/=]*"|-?[0-9.eE+-]+)(?=[\],])"#)
        switch rng.int(below: 3) {
        case 0 where !numbers.isEmpty:
            let values = ["-1", "0", "1", "2", "3", "7", "64", "65", "4294967296", "9223372036854775807", "-9223372036854775808", "1e308", "0.5"]
            return text.replacingCharacters(in: numbers[rng.int(below: numbers.count)], with: values[rng.int(below: values.count)])
        case 1 where !data.isEmpty:
            let range = data[rng.int(below: data.count)]
            var bytes = Data(base64Encoded: String(text[range].dropFirst().dropLast())) ?? Data()
            switch rng.int(below: 3) {
            case 0: bytes = bytes.dropLast(4 * (1 + rng.int(below: 3)))
            case 1: bytes.append(contentsOf: [UInt8](repeating: 0x3F, count: 4 * (1 + rng.int(below: 3))))
            default: bytes = Data()
            }
            return text.replacingCharacters(in: range, with: "\"" + Data(bytes).base64EncodedString() + "\"")
        case _ where !elements.isEmpty:
            return text.replacingCharacters(in: elements[rng.int(below: elements.count)], with: "")
        default:
            return text
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
            // ... and structural edits that keep the JSON valid — a number
            // (a shape, a size, a counter) changed, tensor data lengthened or
            // shortened, an array element dropped — which the byte mutations
            // above rarely produce and which reach the shape checks (issue 17).
            let text = String(decoding: payload, as: UTF8.self)
            files += (0..<600).map { _ in
                var edited = text
                for _ in 0..<(1 + mutator.rng.int(below: 2)) { edited = Self.structuralEdit(edited, rng: &mutator.rng) }
                return Array(Checkpoint.encode(payload: Data(edited.utf8)))
            }
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

extension String {
    /// The ranges of every match of `pattern`.
    fileprivate func ranges(of pattern: String) -> [Range<String.Index>] {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
        return regex.matches(in: self, range: NSRange(startIndex..., in: self)).compactMap { Range($0.range, in: self) }
    }
}
