import Foundation
import XCTest
import NN
import RL
import Environments
import TestSupport
import ExperimentsTestSupport
@testable import Experiments
@testable import RunStorage

/// A gridworld whose rewards turn NaN after `poisonAfter` steps of this
/// environment: a poisoned reward, to test the numerical guard of a run.
struct PoisonedGridworld: Environment {
    var inner: GridworldEnvironment
    var poisonAfter: Int
    var steps = 0

    var observationSize: Int { inner.observationSize }
    var actionCount: Int { inner.actionCount }
    mutating func reset(rng: inout RNG) { inner.reset(rng: &rng) }
    func writeObservation(into buffer: UnsafeMutableBufferPointer<Float>) { inner.writeObservation(into: buffer) }
    func writeActionMask(into mask: UnsafeMutableBufferPointer<Bool>) { inner.writeActionMask(into: mask) }
    mutating func step(_ action: Int, rng: inout RNG) -> StepOutcome {
        steps += 1
        var outcome = inner.step(action, rng: &rng)
        if steps > poisonAfter { outcome.reward = .nan }
        return outcome
    }
    func episodeSummary() -> EpisodeSummary { inner.episodeSummary() }
}

/// A gridworld whose environments are poisoned: an environment defined
/// outside the Environments module, registered as a library user would.
struct PoisonedGridworldSettings: EnvironmentSettings {
    var gridworld = GridworldSettings()
    var poisonAfter = 0
    static let name = "poisoned-gridworld"
    static let summary = "a gridworld whose rewards turn NaN"
    static var options: [CommandLineOption<Self>] { [] }
    static func adjustDefaults(_ ppo: inout PPOConfig, envsPerWorker: inout Int) {}
    func validate() throws(ConfigError) { try gridworld.validate() }
    var label: String { "poisoned \(gridworld.label)" }
    func makeEnvironment() throws -> PoisonedGridworld {
        PoisonedGridworld(inner: try gridworld.makeEnvironment(), poisonAfter: poisonAfter)
    }
    static var defaultEvaluation: GridworldSettings.EvaluationRequest { .init() }
    static var evaluationOptions: [CommandLineOption<GridworldSettings.EvaluationRequest>] { [] }
    static func validate(_ request: GridworldSettings.EvaluationRequest) throws(ConfigError) {}
    static var evaluationColumns: [String] { [] }
    func evaluate(actor: some PolicyNetwork, _ request: GridworldSettings.EvaluationRequest, run: RunContext) throws {}

    static let registered: Void = EnvironmentRegistry.register(PoisonedGridworldSettings.self)
}

/// Issue #7, item 5: a NaN stops the run with a message naming the update and
/// the quantity, and the last good checkpoint stays valid and resumable.
final class NumericalGuardTests: XCTestCase {
    func testPoisonedRewardStopsTheRunAndKeepsTheLastGoodCheckpoint() throws {
        let dir = try TemporaryDirectory()
        _ = PoisonedGridworldSettings.registered
        var config = RunFixtures.config(.gridworld, runsDir: dir.path, name: "poisoned")
        // 32 steps per env per update: the poison arrives during update 5,
        // after the checkpoint of update 4.
        let poisoned = PoisonedGridworldSettings(gridworld: config.gridworld, poisonAfter: 4 * 32 + 5)
        config.environment = poisoned
        let directory = RunDirectory(path: dir.file("poisoned"))
        try directory.create()
        try RunRecord(config: config).write(to: directory)
        func loop(resuming: Bool) throws -> TrainingLoop<PoisonedGridworldSettings, MLP> {
            try TrainingLoop(settings: poisoned, config: config, network: config.network, directory: directory, resuming: resuming, options: RunFixtures.quiet())
        }
        var first = try loop(resuming: false)
        XCTAssertThrowsError(try first.run()) { error in
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
        XCTAssertThrowsError(try second.run()) { error in
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
        var loop = try TrainingLoop<GridworldSettings, MLP>(settings: config.gridworld, config: config, network: config.network, directory: directory, resuming: false, options: RunFixtures.quiet())
        XCTAssertThrowsError(try loop.run()) { error in
            guard case .nonFinite(let update, let quantity)? = error as? TrainingError else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssertTrue("\(error)".contains("in update \(update)"))
            XCTAssertFalse(quantity.isEmpty)
        }
        XCTAssertEqual(try RunFixtures.completedUpdates(directory.checkpoint), 0)
    }
}
