import Foundation
import XCTest
import RL
import Environments
import TestSupport
import ExperimentsTestSupport
@testable import Experiments
@testable import RunStorage

/// Issue #7, item 2: a run stopped after k updates and resumed ends with the
/// same progress.csv (wall-clock columns aside) and the same checkpoint as a
/// run that was never stopped — for both environments, 1 and 3 workers.
final class ResumeTests: XCTestCase {
    /// Uninterrupted runs, computed once per (env, workers) for the whole class.
    private nonisolated(unsafe) static var references: [String: (rows: [String], checkpoint: Data)] = [:]
    private nonisolated(unsafe) static var referenceDirectory: TemporaryDirectory?

    /// The uninterrupted run of the tiny config: its rows and final checkpoint.
    private func reference(_ env: TestEnvironment, workers: Int, algorithm: PolicyAlgorithmKind = .ppo) throws -> (rows: [String], checkpoint: Data) {
        let key = "\(env)-\(workers)-\(algorithm.rawValue)"
        if let cached = Self.references[key] { return cached }
        if Self.referenceDirectory == nil { Self.referenceDirectory = try TemporaryDirectory() }
        let config = Self.config(env, workers: workers, algorithm: algorithm, runsDir: Self.referenceDirectory!.path, name: key)
        let (directory, outcome) = try TrainingRun.start(config, options: RunFixtures.quiet())
        XCTAssertEqual(outcome, .finished)
        let rows = try RunFixtures.reproducibleRows(directory.progress)
        if algorithm == .ppo {
            XCTAssertEqual(rows.count, 12)  // header + row 0 (before PPO) + 10 updates
        } else {
            XCTAssertGreaterThan(rows.count, 7)  // whole episodes: a few more steps per update, so a few fewer updates
        }
        let result = (rows, try RunFixtures.comparablePayload(directory.checkpoint, env: env))
        Self.references[key] = result
        return result
    }

    /// The fixture's tiny config, for any algorithm (critic-free ones: groups
    /// of 3, and GRPO with a KL penalty so that its reference is checkpointed too).
    private static func config(
        _ env: TestEnvironment, workers: Int, algorithm: PolicyAlgorithmKind, runsDir: String, name: String
    ) -> RunConfig {
        var config = RunFixtures.config(env, workers: workers, runsDir: runsDir, name: name)
        config.ppo.algorithm = algorithm
        if !algorithm.usesCritic {
            config.ppo.groupSize = 3
            config.ppo.klCoef = algorithm == .grpo ? 0.1 : 0
        }
        return config
    }

    /// Stops after each update count in `stops` in turn (resuming in between), then finishes.
    private func checkResume(_ env: TestEnvironment, workers: Int, algorithm: PolicyAlgorithmKind = .ppo, stops: [Int]) throws {
        let dir = try TemporaryDirectory()
        let expected = try reference(env, workers: workers, algorithm: algorithm)
        let config = Self.config(env, workers: workers, algorithm: algorithm, runsDir: dir.path, name: "stopped")
        let (directory, first) = try TrainingRun.start(config, options: RunFixtures.quiet(stopAfter: stops[0]))
        XCTAssertEqual(first, .interrupted)
        XCTAssertEqual(try RunFixtures.completedUpdates(directory.checkpoint), stops[0])
        for stop in stops.dropFirst() {
            XCTAssertEqual(try TrainingRun.resume(directory, options: RunFixtures.quiet(stopAfter: stop)), .interrupted)
            XCTAssertEqual(try RunFixtures.completedUpdates(directory.checkpoint), stop)
            XCTAssertEqual(try RunFixtures.reproducibleRows(directory.progress), Array(expected.rows.prefix(stop + 2)))  // header, row 0, updates 1…stop
        }
        XCTAssertEqual(try TrainingRun.resume(directory, options: RunFixtures.quiet()), .finished)
        XCTAssertEqual(try RunFixtures.reproducibleRows(directory.progress), expected.rows, "\(env) \(workers) workers, \(algorithm), stops \(stops)")
        let checkpoint = try RunFixtures.comparablePayload(directory.checkpoint, env: env)
        XCTAssertTrue(checkpoint == expected.checkpoint, "\(env) \(workers) workers, stops \(stops): final checkpoints differ")
    }

    func testGridworldOneWorker() throws {
        // 3: between checkpoints; 4: on a checkpoint boundary; 9: the last but one.
        try checkResume(.gridworld, workers: 1, stops: [3, 4, 9])
    }

    func testGridworldThreeWorkers() throws {
        try checkResume(.gridworld, workers: 3, stops: [2, 7])
    }

    func testArithmeticOneWorker() throws {
        try checkResume(.arithmetic, workers: 1, stops: [1, 6, 9])
    }

    func testArithmeticThreeWorkers() throws {
        try checkResume(.arithmetic, workers: 3, stops: [3, 8])
    }

    /// Issue 13, item 4: checkpoints and --resume are bit-exact for every algorithm.
    func testCriticFreeAlgorithms() throws {
        for algorithm in [PolicyAlgorithmKind.grpo, .drGRPO, .rloo] {
            try checkResume(.arithmetic, workers: 1, algorithm: algorithm, stops: [2, 5])
        }
        try checkResume(.gridworld, workers: 1, algorithm: .grpo, stops: [3])
    }

    /// What kill -9 leaves: a checkpoint from update 4, progress.csv with rows
    /// up to update 7 and half a row after them. Resume drops rows 5–7 and the
    /// partial line, redoes updates 5–10 and matches the reference.
    func testResumeAfterKillDropsRowsPastTheCheckpoint() throws {
        for env in TestEnvironment.allCases {
            let dir = try TemporaryDirectory()
            let expected = try reference(env, workers: 1)
            let config = RunFixtures.config(env, runsDir: dir.path, name: "killed")
            let (directory, _) = try TrainingRun.start(config, options: RunFixtures.quiet(stopAfter: 4))
            let checkpointAt4 = try Data(contentsOf: URL(fileURLWithPath: directory.checkpoint))
            XCTAssertEqual(try TrainingRun.resume(directory, options: RunFixtures.quiet(stopAfter: 7)), .interrupted)
            try checkpointAt4.write(to: URL(fileURLWithPath: directory.checkpoint))
            let handle = try XCTUnwrap(FileHandle(forWritingAtPath: directory.progress))
            handle.seekToEndOfFile()
            handle.write(Data("8,768,0.5,12,0.4".utf8))  // a row cut off by the kill
            handle.closeFile()
            XCTAssertEqual(try TrainingRun.resume(directory, options: RunFixtures.quiet()), .finished)
            XCTAssertEqual(try RunFixtures.reproducibleRows(directory.progress), expected.rows, "\(env)")
            XCTAssertTrue(try RunFixtures.comparablePayload(directory.checkpoint, env: env) == expected.checkpoint, "\(env)")
        }
    }

    /// Killed after config.json but before the first checkpoint: resume starts over.
    func testResumeWithoutCheckpointStartsOver() throws {
        let dir = try TemporaryDirectory()
        let expected = try reference(.gridworld, workers: 1)
        let config = RunFixtures.config(.gridworld, runsDir: dir.path, name: "early")
        let (directory, _) = try TrainingRun.start(config, options: RunFixtures.quiet(stopAfter: 2))
        try FileManager.default.removeItem(atPath: directory.checkpoint)
        try FileManager.default.removeItem(atPath: directory.progress)
        XCTAssertEqual(try TrainingRun.resume(directory, options: RunFixtures.quiet()), .finished)
        XCTAssertEqual(try RunFixtures.reproducibleRows(directory.progress), expected.rows)
    }

    func testResumingAFinishedRunChangesNothing() throws {
        let dir = try TemporaryDirectory()
        let config = RunFixtures.config(.gridworld, runsDir: dir.path, name: "done")
        let (directory, _) = try TrainingRun.start(config, options: RunFixtures.quiet())
        let before = try [directory.progress, directory.checkpoint, directory.config].map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
        XCTAssertEqual(try TrainingRun.resume(directory, options: RunFixtures.quiet()), .alreadyFinished)
        let after = try [directory.progress, directory.checkpoint, directory.config].map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
        XCTAssertEqual(before, after)
    }

    /// Checkpoints are JSON: every Float must survive JSONEncoder → JSONDecoder
    /// bit for bit, including subnormals, -0 and the extremes.
    func testFloatsRoundTripThroughJSONBitExactly() throws {
        var rng = RNG(seed: 7)
        var values: [Float] = [0, -0.0, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude,
                               .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1, 0.1, 1e-5, 2.5e-4, .ulpOfOne]
        while values.count < 200_000 {
            let bits = UInt32(truncatingIfNeeded: rng.next())
            let x = Float(bitPattern: bits)
            if x.isFinite { values.append(x) }
        }
        // The same for neighbours of "round" decimals, where shortest digits are shortest.
        for k in -30...30 {
            let x = Float(pow(10, Double(k)))
            values += [x, x.nextUp, x.nextDown, x.nextUp.nextUp]
        }
        let data = try JSONEncoder().encode(values)
        let decoded = try JSONDecoder().decode([Float].self, from: data)
        XCTAssertEqual(decoded.count, values.count)
        let mismatches = zip(values, decoded).filter { $0.bitPattern != $1.bitPattern }
        XCTAssertTrue(mismatches.isEmpty, "\(mismatches.count) floats changed, e.g. \(mismatches.prefix(5))")

        var doubles: [Double] = [0.1, 1.0 / 3, .leastNonzeroMagnitude, .greatestFiniteMagnitude, -0.0]
        while doubles.count < 100_000 {
            let x = Double(bitPattern: rng.next())
            if x.isFinite { doubles.append(x) }
        }
        let back = try JSONDecoder().decode([Double].self, from: JSONEncoder().encode(doubles))
        XCTAssertEqual(zip(doubles, back).filter { $0.bitPattern != $1.bitPattern }.count, 0)

        let words: [UInt64] = [0, 1, UInt64.max, UInt64.max - 1, 1 << 53 + 1, 0x9E37_79B9_7F4A_7C15]
        XCTAssertEqual(try JSONDecoder().decode([UInt64].self, from: JSONEncoder().encode(words)), words)
    }

    /// Two runs of one config write the same checkpoint bytes, wall-clock aside.
    func testCheckpointBytesAreDeterministic() throws {
        let dir = try TemporaryDirectory()
        var payloads: [Data] = []
        for name in ["one", "two"] {
            let config = RunFixtures.config(.gridworld, runsDir: dir.path, name: "same")
            var c = config
            c.run.runsDir = dir.file(name)
            let (directory, _) = try TrainingRun.start(c, options: RunFixtures.quiet(stopAfter: 3))
            let text = String(decoding: try Checkpoint.read(from: directory.checkpoint), as: UTF8.self)
            let cleaned = text.replacingOccurrences(of: #""wallSeconds":[-0-9.e+E]+"#, with: "", options: .regularExpression)
                .replacingOccurrences(of: #""runsDir":"[^"]*""#, with: "", options: .regularExpression)
            payloads.append(Data(cleaned.utf8))
        }
        XCTAssertEqual(payloads[0], payloads[1])
    }
}
