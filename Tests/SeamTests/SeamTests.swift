import XCTest
import NN
import RL
import RunStorage
import Environments
@testable import Experiments
import ExperimentsTestSupport
import TestSupport

/// The seams hold: a network and an algorithm that only this test target
/// defines (`LinearPolicy`, `REINFORCE`) train through the library's own
/// trainer, rollouts, warm start and run loop, on the gridworld and on
/// one-digit addition.
final class SeamTests: XCTestCase {
    func config(numEnvs: Int, totalTimesteps: Int, learningRate: Double) -> PPOConfig {
        var c = PPOConfig()
        c.algorithm = PolicyAlgorithmKind(REINFORCE.self)
        c.groupSize = 2
        c.numEnvs = numEnvs
        c.numSteps = 32
        c.totalTimesteps = totalTimesteps
        c.learningRate = learningRate
        c.numMinibatches = 1
        c.updateEpochs = 1
        return c
    }

    /// empty-5: the linear policy learns to walk to the goal by the short
    /// way (a random walk gets there too, in about twice the steps).
    func testLinearPolicyLearnsEmpty5WithREINFORCE() throws {
        let map = try GridMap.layout(named: "empty-5")
        let c = config(numEnvs: 16, totalTimesteps: 60_000, learningRate: 0.02)
        var trainer = Trainer<GridworldEnvironment, LinearPolicy>(config: c, network: LinearSettings()) { _ in GridworldEnvironment(map: map) }
        var first = UpdateMetrics(), last = UpdateMetrics()
        while !trainer.isFinished {
            last = try trainer.update()
            if last.update == 1 { first = last }
        }
        XCTAssertEqual(trainer.actor.network.architecture, "linear \(trainer.observationSize)→\(trainer.actionCount)")
        XCTAssertNil(trainer.critic, "REINFORCE declares a rollout without a critic")
        XCTAssertGreaterThan(last.successRate, 0.95, "first update \(first.successRate)")
        XCTAssertLessThan(last.episodeLengthMean, 0.7 * first.episodeLengthMean)
        XCTAssertGreaterThan(last.episodicReturnMean, first.episodicReturnMean + 0.1)
        XCTAssertGreaterThan(trainer.flops, 0, "the network's FLOP formulas are counted")
    }

    /// One-digit addition through the whole run loop: the warm start clones
    /// worked examples into the linear policy, REINFORCE goes on from there,
    /// and the held-out accuracy column is written as for the MLP.
    func testLinearPolicyLearnsOneDigitAdditionThroughTheRunLoop() throws {
        let dir = try TemporaryDirectory()
        var run = RunConfig.defaults(for: ArithmeticSettings.self)
        run.ppo = config(numEnvs: 16, totalTimesteps: 40_000, learningRate: 0.01)
        run.arithmetic.environment.digits = 1...1
        run.arithmetic.demos = 200
        run.arithmetic.bcSteps = 200
        run.arithmetic.bcLearningRate = 0.05
        run.arithmetic.evalProblems = 200
        run.arithmetic.evalEvery = 10
        run.run.runsDir = dir.path
        run.run.runName = "linear"
        let directory = RunDirectory(path: dir.path + "/linear")
        try FileManager.default.createDirectory(atPath: directory.path, withIntermediateDirectories: true)
        var loop = try TrainingLoop<ArithmeticSettings, LinearPolicy>(
            settings: run.arithmetic, config: run, network: LinearSettings(), directory: directory, resuming: false,
            options: RunFixtures.quiet())
        _ = try loop.run()
        let progress = try CSVTable(path: directory.progress)
        let accuracy = try progress.doubles("accuracy").compactMap { $0 }
        let steps = try CSVTable(path: directory.pretrain).rows.count
        XCTAssertEqual(steps, 200, "the warm start ran on the linear policy")
        let (afterWarmStart, final) = (try XCTUnwrap(accuracy.first), try XCTUnwrap(accuracy.last))
        // Chance is about 10%. One linear map of the column view cannot
        // hold the whole table (the sum digit is (a + b) mod 10), so the
        // linear policy stops near 40%; the MLP reaches 100%.
        XCTAssertGreaterThan(afterWarmStart, 0.3)
        XCTAssertGreaterThan(final, 0.3)
    }
}
