import Foundation
import XCTest
import NN
import RL
import Environments
import TestSupport
import ExperimentsTestSupport
@testable import Experiments

/// Issue 17: a run whose memory cannot fit is refused up front, in one line
/// giving the estimate, instead of dying in an allocation.
final class MemoryEstimateTests: XCTestCase {
    /// The networks' share counts exactly the parameters the trainer builds:
    /// value, gradient and two Adam moments, 4 bytes each.
    func testNetworkTermMatchesTheTrainersParameters() throws {
        for (env, algorithm) in [(TestEnvironment.gridworld, PolicyAlgorithmKind.ppo), (.arithmetic, .ppo), (.arithmetic, .grpo)] {
            var config = RunFixtures.config(env, runsDir: "/nonexistent", name: "x")
            config.network.hidden = [24, 40]
            config.ppo.algorithm = algorithm
            if !algorithm.usesCritic { config.ppo.groupSize = 3; config.ppo.klCoef = 0.1 }
            let estimate = try config.memoryEstimate()
            let built = try builtNetworks(config.environment, config.ppo, config.network)
            let referenceFloats = algorithm.usesCritic ? 0 : 2 * built.actor
            XCTAssertEqual(estimate.networks, Double(16 * (built.actor + built.critic) + 4 * referenceFloats), "\(env) \(algorithm)")
            // The checkpoint holds each of those floats as 4/3 × 4 bytes of base64, twice while written.
            XCTAssertEqual(estimate.checkpoint, estimate.networks * 2 * 4 / 3, accuracy: 1e-6 * estimate.checkpoint)
            XCTAssertGreaterThan(estimate.samples, Double(config.ppo.batchSize * built.observationSize * 4))
        }
    }

    /// The parameter counts of the networks a trainer builds for `ppo`.
    private func builtNetworks<S: EnvironmentSettings>(
        _ settings: S, _ ppo: PPOConfig, _ network: MLPSettings
    ) throws -> (actor: Int, critic: Int, observationSize: Int) {
        let environment = try settings.makeEnvironment()
        let trainer = Trainer<S.Env, MLP>(config: ppo, network: network) { _ in environment }
        return (trainer.actor.network.parameterCount, trainer.critic?.network.parameterCount ?? 0, environment.observationSize)
    }

    func testDefaultRunsFitAndHugeOnesAreRefused() throws {
        for env in TestEnvironment.allCases {
            let config = RunConfig.defaults(for: env)
            XCTAssertNoThrow(try config.validate(), "\(env)")
            XCTAssertLessThan(try config.memoryEstimate().total, 100e6, "\(env): the default run needs well under 100 MB")
        }
        var wide = RunConfig.defaults(for: .arithmetic)
        wide.network.hidden = [65536, 65536]
        let estimate = try wide.memoryEstimate()
        XCTAssertGreaterThan(estimate.networks, 2 * 16 * 65536.0 * 65536)
        XCTAssertThrowsError(try wide.validate()) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("this run needs about ") && text.contains("of physical memory here"), text)
            XCTAssertTrue(text.contains(MemoryEstimate.describe(estimate.total)), text)
            XCTAssertFalse(text.contains("\n"))
        }
        // A billion-sample rollout of 507-float observations: the buffer alone is 2 TB.
        var long = RunConfig.defaults(for: .gridworld)
        long.ppo.numEnvs = 1_000_000
        long.ppo.numSteps = 1_000
        long.ppo.totalTimesteps = 1_000_000_000
        XCTAssertGreaterThan(try long.memoryEstimate().samples, 2e12)
        XCTAssertThrowsError(try long.validate()) { XCTAssertTrue("\($0)".contains(" TB, checkpoint text"), "\($0)") }
    }

    func testLimitIsTheBoundary() throws {
        let config = RunFixtures.config(.gridworld, runsDir: "/nonexistent", name: "x")
        let total = try config.memoryEstimate().total
        XCTAssertNoThrow(try config.checkMemory(limit: total))
        XCTAssertThrowsError(try config.checkMemory(limit: total - 1))
    }

    func testDescribe() {
        XCTAssertEqual(MemoryEstimate.describe(512), "512 bytes")
        XCTAssertEqual(MemoryEstimate.describe(1_500), "1.5 kB")
        XCTAssertEqual(MemoryEstimate.describe(68_000_000), "68 MB")
        XCTAssertEqual(MemoryEstimate.describe(5.04e11), "504 GB")
        XCTAssertEqual(MemoryEstimate.describe(3e21), "3000 EB")
    }
}
