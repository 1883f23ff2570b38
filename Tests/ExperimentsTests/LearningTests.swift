import Foundation
import XCTest
import RL
import Environments
import TestSupport
import ExperimentsTestSupport
@testable import Experiments
@testable import RunStorage

/// Learning in seconds (release mode): the whole pipeline, from the
/// environment to progress.csv, must actually learn.
final class LearningTests: XCTestCase {
    private func column(_ name: String, _ directory: RunDirectory) throws -> [Double] {
        try CSVTable(path: directory.progress).doubles(name).compactMap { $0 }
    }

    /// empty-5 with the standard PPO config: the 100-episode success rate
    /// reaches 0.95 within 60k env steps (about a second).
    func testGridworldEmpty5IsLearned() throws {
        let dir = try TemporaryDirectory()
        var config = RunConfig.defaults(for: .gridworld)
        config.gridworld.layout = "empty-5"
        config.ppo.totalTimesteps = 61_440
        config.run.runsDir = dir.path
        config.run.runName = "empty-5"
        let (directory, outcome) = try TrainingRun.start(config, options: RunFixtures.quiet())
        XCTAssertEqual(outcome, .finished)
        let success = try column("success_rate", directory)
        XCTAssertLessThan(success[5], 0.9, "the random policy should not already succeed")
        XCTAssertGreaterThanOrEqual(success.last!, 0.95)
        let efficiency = try column("path_efficiency", directory)
        XCTAssertGreaterThan(efficiency.last!, efficiency.first! + 0.2, "paths should get shorter")
    }

    /// 1–2 digit addition after a weak warm start (100 demos): PPO with
    /// strong exploration adds at least 20 points of held-out accuracy in
    /// 100k env steps (about three seconds). Where the notes end up is not
    /// asserted: some runs first learn to note every column, a valid code.
    func testArithmeticOneToTwoDigitsImprovesWithRL() throws {
        let dir = try TemporaryDirectory()
        var config = RunConfig.defaults(for: .arithmetic)
        config.arithmetic.environment.digits = 1...2
        config.arithmetic.demos = 100
        config.arithmetic.bcSteps = 300
        config.arithmetic.evalProblems = 200
        config.arithmetic.evalEvery = 10
        config.ppo.entCoef = 0.2
        config.ppo.learningRate = 1e-3
        config.ppo.numEnvs = 8
        config.ppo.workers = 2
        config.ppo.totalTimesteps = 102_400
        config.run.runsDir = dir.path
        config.run.runName = "digits-1-2"
        let (directory, outcome) = try TrainingRun.start(config, options: RunFixtures.quiet())
        XCTAssertEqual(outcome, .finished)
        let accuracy = try column("accuracy", directory)
        XCTAssertGreaterThanOrEqual(accuracy.last!, accuracy.first! + 0.2, "\(accuracy)")
        XCTAssertGreaterThanOrEqual(accuracy.last!, 0.4)
        XCTAssertGreaterThan(try column("carry_think_rate", directory).last!, 0.5, "carrying columns need notes")
    }
}
