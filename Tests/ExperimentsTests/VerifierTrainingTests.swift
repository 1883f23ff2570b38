import Foundation
import XCTest
import RL
import NN
import Environments
import Experiments
import RunStorage
import TestSupport
import ExperimentsTestSupport

/// `rltrain train-verifier` as a library call on a tiny arithmetic run: a
/// fit stopped part way and continued writes the same verifier.bin and
/// verifier.csv, byte for byte, as one that never stopped; other settings
/// are refused; and `--select verifier` then ranks samples with it.
final class VerifierTrainingTests: XCTestCase {
    /// Counts `shouldStop` calls and says stop after `limit` of them.
    final class StopAfter: @unchecked Sendable {
        private let lock = NSLock()
        private var calls = 0
        let limit: Int
        init(_ limit: Int) { self.limit = limit }
        func ask() -> Bool { lock.lock(); defer { lock.unlock() }; calls += 1; return calls > limit }
    }

    let arguments = ["--problems", "40", "--samples", "4", "--test-problems", "20", "--steps", "30", "--batch-size", "16",
                     "--hidden", "16", "--eval-every", "10", "--checkpoint-every", "4", "--workers", "2", "--digits", "2"]

    func testInterruptedFitResumesExactlyAndIsUsedBySearch() throws {
        let dir = try TemporaryDirectory()
        let config = RunFixtures.config(.arithmetic, runsDir: dir.path, name: "run")
        let (directory, outcome) = try TrainingRun.start(config, options: RunFixtures.quiet())
        XCTAssertEqual(outcome, .finished)
        let copy = RunDirectory(path: dir.file("copy"))
        try FileManager.default.copyItem(atPath: directory.path, toPath: copy.path)
        let quiet = Console(quiet: true)

        XCTAssertEqual(try VerifierTraining.train(directory, arguments: arguments, console: quiet), .finished)
        let stop = StopAfter(13)
        XCTAssertEqual(try VerifierTraining.train(copy, arguments: arguments, console: quiet, shouldStop: { stop.ask() }), .interrupted)
        XCTAssertEqual(try VerifierRecord.read(from: copy)?.state.step, 13)
        var rng = RNG(seed: 1)
        let actor = MLP(sizes: [1, 1], activation: .tanh, outputGain: 1, rng: &rng)
        XCTAssertThrowsError(try TestTimeSearch.run(
            [ArithmeticEnvironment](), SearchOptions(samples: 2, select: .verifier), actor: actor,
            policyRNG: RNG(seed: 1), directory: copy) { $0.answer }) { error in
            XCTAssertTrue("\(error)".contains("stopped after step 13"), "\(error)")
        }
        XCTAssertEqual(try VerifierTraining.train(copy, arguments: arguments, console: quiet), .finished)
        for file in [VerifierRecord.file, VerifierRecord.log] {
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: directory.file(file))),
                           try Data(contentsOf: URL(fileURLWithPath: copy.file(file))), "\(file) differs after an interruption")
        }
        XCTAssertEqual(try VerifierTraining.train(copy, arguments: arguments, console: quiet), .alreadyFinished)
        XCTAssertThrowsError(try VerifierTraining.train(copy, arguments: arguments.map { $0 == "30" ? "31" : $0 }, console: quiet)) { error in
            XCTAssertTrue("\(error)".contains("other settings"), "\(error)")
        }
        let record = try XCTUnwrap(VerifierRecord.read(from: directory))
        let metrics = try XCTUnwrap(record.heldOut)
        XCTAssertEqual(metrics.problems, 20)
        XCTAssertTrue((0...1).contains(metrics.accuracy))
        XCTAssertEqual(try String(contentsOfFile: directory.file(VerifierRecord.log), encoding: .utf8).split(separator: "\n").count, 32)  // header, step 0, 30 steps
    }
}
