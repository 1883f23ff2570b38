import Foundation
import XCTest
import RL
import Environments
@testable import Experiments

/// A gridworld whose rewards turn NaN after `poisonAfter` steps of this
/// environment: a poisoned reward, to test the numerical guard of a run.
struct PoisonedGridworld: Environment {
    var inner: GridworldEnvironment
    var poisonAfter: Int
    var steps = 0

    var observationSize: Int { inner.observationSize }
    var actionCount: Int { inner.actionCount }
    mutating func reset(rng: inout RNG) { inner.reset(rng: &rng) }
    func writeObservation(into buffer: UnsafeMutablePointer<Float>) { inner.writeObservation(into: buffer) }
    func writeActionMask(into mask: UnsafeMutablePointer<Bool>) { inner.writeActionMask(into: mask) }
    mutating func step(_ action: Int, rng: inout RNG) -> StepOutcome {
        steps += 1
        var outcome = inner.step(action, rng: &rng)
        if steps > poisonAfter { outcome.reward = .nan }
        return outcome
    }
    func episodeSummary() -> EpisodeSummary { inner.episodeSummary() }
}

struct PoisonedReporting: RunReporting {
    typealias E = PoisonedGridworld
    func prepare(_ trainer: inout PPOTrainer<E>, directory: RunDirectory, console: Console) throws -> [String: CSVField] { [:] }
    func extraFields(_ trainer: PPOTrainer<E>, _ metrics: UpdateMetrics, isLast: Bool) throws -> [String: CSVField] { [:] }
    func status(_ metrics: UpdateMetrics, _ fields: [String: CSVField]) -> String { "" }
    func finish(_ trainer: PPOTrainer<E>, directory: RunDirectory, console: Console) throws {}
}

/// Issue #7, item 5: a NaN stops the run with a message naming the update and
/// the quantity, and the last good checkpoint stays valid and resumable.
final class NumericalGuardTests: XCTestCase {
    func testPoisonedRewardStopsTheRunAndKeepsTheLastGoodCheckpoint() throws {
        let dir = try TemporaryDirectory()
        let config = RunFixtures.config(.gridworld, runsDir: dir.path, name: "poisoned")
        let directory = RunDirectory(path: dir.file("poisoned"))
        try directory.create()
        try RunRecord(config: config, blas: .shared).write(to: directory)
        let map = try config.gridMap()
        // 32 steps per env per update: the poison arrives during update 5,
        // after the checkpoint of update 4.
        let poisoned = PoisonedGridworld(inner: GridworldEnvironment(map: map), poisonAfter: 4 * 32 + 5)
        func loop(resuming: Bool) throws -> TrainingLoop<PoisonedGridworld> {
            try TrainingLoop(config: config, directory: directory, resuming: resuming, options: RunFixtures.quiet()) { _ in poisoned }
        }
        var first = try loop(resuming: false)
        XCTAssertThrowsError(try first.run(PoisonedReporting())) { error in
            XCTAssertEqual(error as? TrainingError, .nonFinite(update: 5, quantity: "policy loss"))
            XCTAssertEqual("\(error)", "policy loss became NaN or infinite in update 5; stopping (the last checkpoint is kept)")
        }
        // The last good checkpoint (update 4) loads; progress.csv holds row 0 and updates 1–4 only.
        XCTAssertEqual(try RunFixtures.completedUpdates(directory.checkpoint), 4)
        let table = try CSVTable(path: directory.progress)
        XCTAssertEqual(table.rows.map { $0[0] }, ["0", "1", "2", "3", "4"])
        XCTAssertTrue(table.rows.joined().joined().lowercased().contains("nan") == false)
        // It resumes from update 4 — and, being deterministic, meets the same poison in update 5.
        var second = try loop(resuming: true)
        XCTAssertEqual(second.trainer.completedUpdates, 4)
        XCTAssertThrowsError(try second.run(PoisonedReporting())) { error in
            XCTAssertEqual(error as? TrainingError, .nonFinite(update: 5, quantity: "policy loss"))
        }
        XCTAssertEqual(try RunFixtures.completedUpdates(directory.checkpoint), 4)
    }

    /// An infinite learning rate (past the CLI's validation, straight into the
    /// loop) blows the parameters up; the guard names them.
    func testPoisonedLearningRateStopsTheRun() throws {
        let dir = try TemporaryDirectory()
        var config = RunFixtures.config(.gridworld, runsDir: dir.path, name: "lr")
        config.ppo.learningRate = 1e30
        let directory = RunDirectory(path: dir.file("lr"))
        try directory.create()
        let map = try config.gridMap()
        var loop = try TrainingLoop<GridworldEnvironment>(config: config, directory: directory, resuming: false, options: RunFixtures.quiet()) { _ in
            GridworldEnvironment(map: map)
        }
        XCTAssertThrowsError(try loop.run(GridworldReporting())) { error in
            guard case .nonFinite(let update, let quantity)? = error as? TrainingError else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssertTrue("\(error)".contains("in update \(update)"))
            XCTAssertFalse(quantity.isEmpty)
        }
        XCTAssertEqual(try RunFixtures.completedUpdates(directory.checkpoint), 0)
    }
}
