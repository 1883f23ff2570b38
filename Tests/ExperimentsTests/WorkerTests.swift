import Foundation
import XCTest
import RL
import Environments
import TestSupport
import ExperimentsTestSupport
@testable import Experiments
@testable import RunStorage

/// Rollout workers: determinism per worker count, uneven splits, and the
/// limits of the flag.
final class WorkerTests: XCTestCase {
    private func rows(_ env: TestEnvironment, workers: Int, numEnvs: Int, _ dir: TemporaryDirectory, _ name: String) throws -> [String] {
        var config = RunFixtures.config(env, workers: workers, runsDir: dir.path, name: name)
        config.ppo.numEnvs = numEnvs
        config.ppo.totalTimesteps = numEnvs * config.ppo.numSteps * 6
        let (directory, outcome) = try TrainingRun.start(config, options: RunFixtures.quiet())
        XCTAssertEqual(outcome, .finished)
        return try RunFixtures.reproducibleRows(directory.progress)
    }

    /// Same seed, config and worker count → the same progress.csv to the bit
    /// (wall-clock columns aside), for 1 and 3 workers on both environments;
    /// 3 workers over 7 envs is an uneven split (3, 2, 2).
    func testSameWorkerCountGivesIdenticalRuns() throws {
        let dir = try TemporaryDirectory()
        for env in TestEnvironment.allCases {
            for workers in [1, 3] {
                let a = try rows(env, workers: workers, numEnvs: 7, dir, "\(env)-\(workers)-a")
                let b = try rows(env, workers: workers, numEnvs: 7, dir, "\(env)-\(workers)-b")
                XCTAssertEqual(a.count, 8)  // header, row 0, 6 updates
                XCTAssertEqual(a, b, "\(env), \(workers) workers")
            }
        }
    }

    func testWorkerCountsOutOfRangeAreRefused() {
        for (workers, envs, fragment) in [(0, 4, "--workers must be a positive integer"),
                                           (-2, 4, "--workers must be a positive integer"),
                                           (1025, 2048, "--workers must be at most 1024"),
                                           (5, 4, "--workers 5 exceeds --num-envs 4")] {
            var config = RunConfig.defaults(for: .gridworld)
            config.ppo.workers = workers
            config.ppo.numEnvs = envs
            XCTAssertThrowsError(try config.validate()) { error in
                XCTAssertTrue("\(error)".contains(fragment), "\(error)")
            }
        }
        var config = RunConfig.defaults(for: .arithmetic)
        config.run.envsPerWorker = 0
        XCTAssertThrowsError(try config.validate()) { XCTAssertTrue("\($0)".contains("--envs-per-worker"), "\($0)") }
    }
}
