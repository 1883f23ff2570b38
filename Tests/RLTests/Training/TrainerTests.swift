import XCTest
import NN
@testable import RL

final class TrainerTests: XCTestCase {
    func config(workers: Int = 1, numEnvs: Int = 4, seed: UInt64 = 1) -> PPOConfig {
        var c = PPOConfig()
        c.seed = seed
        c.numEnvs = numEnvs
        c.numSteps = 32
        c.totalTimesteps = 30 * numEnvs * 32
        c.learningRate = 3e-3
        c.workers = workers
        return c
    }

    /// The networks of these tests: one hidden layer of 16.
    let network = MLPSettings(hidden: [16])

    func train(_ config: PPOConfig) throws -> [UpdateMetrics] {
        var trainer = Trainer<Corridor, MLP>(config: config, network: network) { _ in Corridor() }
        var rows: [UpdateMetrics] = []
        while !trainer.isFinished {
            var row = try trainer.update()
            row.rolloutSeconds = 0  // wall-clock: the only figures that may differ
            row.updateSeconds = 0
            rows.append(row)
        }
        return rows
    }

    func testLearnsTheCorridor() throws {
        let rows = try train(config())
        XCTAssertEqual(rows.count, 30)
        XCTAssertEqual(rows.last!.envSteps, 30 * 128)
        XCTAssertGreaterThan(rows.last!.successRate, 0.95)
        // Moving right every step from cell 0 or 1 takes 2–3 steps.
        XCTAssertLessThan(rows.last!.episodeMetrics["steps"]!, 3.5)
        XCTAssertGreaterThan(rows.last!.flops, rows.first!.flops)
        XCTAssertLessThan(rows.last!.learningRate, rows.first!.learningRate)
    }

    func testSameSeedSameNumbersToTheBit() throws {
        for workers in [1, 3] {
            let a = try train(config(workers: workers, numEnvs: 5))
            let b = try train(config(workers: workers, numEnvs: 5))
            XCTAssertEqual(a, b, "workers \(workers)")
        }
        XCTAssertNotEqual(try train(config(seed: 1)), try train(config(seed: 2)))
    }

    func testWorkersSplitEnvironmentsEvenly() {
        let trainer = Trainer<Corridor, MLP>(config: config(workers: 3, numEnvs: 7), network: network) { _ in Corridor() }
        XCTAssertEqual(trainer.workers.map(\.slots.count), [3, 2, 2])
        XCTAssertEqual(trainer.workers.map(\.firstEnv), [0, 3, 5])
    }

    func testValidationRejectsBadSettings() {
        var c = config()
        c.gamma = 1.5
        XCTAssertThrowsError(try c.validate())
        c = config()
        c.learningRate = .nan
        XCTAssertThrowsError(try c.validate())
        c = config(workers: 5, numEnvs: 4)
        XCTAssertThrowsError(try c.validate()) { XCTAssertTrue("\($0)".contains("--workers")) }
        c = config()
        c.numMinibatches = 5
        XCTAssertThrowsError(try c.validate())
        XCTAssertNoThrow(try config().validate())
    }

    func testPoisonedLearningRateStopsWithAMessage() {
        var c = config()
        c.learningRate = 1e30
        var trainer = Trainer<Corridor, MLP>(config: c, network: network) { _ in Corridor() }
        XCTAssertThrowsError(try { for _ in 0..<5 { _ = try trainer.update() } }()) { error in
            XCTAssertTrue("\(error)".contains("NaN or infinite in update"), "\(error)")
        }
    }
}

final class FLOPBudgetTests: XCTestCase {
    /// The per-step cost a FLOP budget is planned with matches what a run's
    /// `flops` column counts (within the critic's few bootstrap rows).
    func testFLOPsPerEnvStepMatchesTheCountedFLOPs() throws {
        for algorithm in [PolicyAlgorithmKind.ppo, .grpo] {
            var c = PPOConfig()
            c.algorithm = algorithm
            c.groupSize = algorithm == .ppo ? 1 : 4
            c.numEnvs = 8
            c.numSteps = 32
            c.totalTimesteps = 10 * 256
            let network = MLPSettings(hidden: [16, 16])
            var trainer = Trainer<Corridor, MLP>(config: c, network: network) { _ in Corridor() }
            var last = UpdateMetrics()
            while !trainer.isFinished { last = try trainer.update() }
            let planned = c.flopsPerEnvStep(network: network, observationSize: 4, actionCount: 3)
            let counted = last.flops / Double(last.envSteps)
            XCTAssertEqual(counted, planned, accuracy: 0.05 * planned, "\(algorithm)")
        }
    }
}
