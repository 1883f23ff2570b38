import XCTest
import Tensor
import NN
@testable import RL

/// The critic-free algorithms: advantages from a group's returns, rollouts in
/// groups that share a start, the weighted loss with its KL penalty, and
/// determinism and checkpoints of the trainer that runs them.
final class GroupRelativeTests: XCTestCase {
    func testAdvantagesFromGroupReturns() {
        let returns: [Float] = [1, 0, 0, 1]
        // GRPO: (r − 0.5)/(0.5 + 1e-8), population std.
        let grpo = GRPO(clipCoef: 0.2, entCoef: 0, klCoef: 0).advantages(returns: returns)
        for (a, e) in zip(grpo, [1, -1, -1, 1] as [Float]) { XCTAssertEqual(a, e, accuracy: 1e-6) }
        // Dr. GRPO: r − mean, unscaled.
        XCTAssertEqual(DrGRPO(clipCoef: 0.2, entCoef: 0, klCoef: 0).advantages(returns: returns), [0.5, -0.5, -0.5, 0.5])
        // RLOO: r_i − mean of the other three.
        let rloo = RLOO(clipCoef: 0.2, entCoef: 0, klCoef: 0).advantages(returns: [1, 0, 0, 0.5])
        for (a, e) in zip(rloo, [1 - 0.5 / 3, -1.5 / 3, -1.5 / 3, 0.5 - 1.0 / 3] as [Float]) { XCTAssertEqual(a, e, accuracy: 1e-6) }
        // Expert iteration: 1 for a completion the checker passes (a think
        // cost lowers it a little), 0 for a wrong one, whatever the others got.
        XCTAssertEqual(ExpertIteration(clipCoef: 0.2, entCoef: 0, klCoef: 0).advantages(returns: [1, 0, 0.97, -0.03]), [1, 0, 1, 0])
        XCTAssertEqual(ExpertIteration(clipCoef: 0.2, entCoef: 0, klCoef: 0).advantages(returns: [1, 1]), [1, 1])
        XCTAssertEqual(PolicyAlgorithmKind(rawValue: "expert-iteration")?.usesCritic, false)
        XCTAssertEqual(PolicyAlgorithmKind.criticFreeNames, "grpo, dr-grpo, rloo or expert-iteration")
        // A group with one return has no signal under the others.
        XCTAssertEqual(GRPO(clipCoef: 0.2, entCoef: 0, klCoef: 0).advantages(returns: [0.7, 0.7, 0.7]), [0, 0, 0])
        XCTAssertEqual(DrGRPO(clipCoef: 0.2, entCoef: 0, klCoef: 0).advantages(returns: [0.7, 0.7]), [0, 0])
        XCTAssertEqual(RLOO(clipCoef: 0.2, entCoef: 0, klCoef: 0).advantages(returns: [0.7, 0.7]), [0, 0])
    }

    func testAdvantagesBroadcastToEveryStepWithLengthWeights() {
        let buffer = RolloutBuffer(numEnvs: 1, numSteps: 1, observationSize: 1, actionCount: 2)
        var traces = [EpisodeTrace(), EpisodeTrace()]
        // Problem (0, 1): a 2-step episode returning 1 and a 3-step one returning 0;
        // problem (0, 2): two 1-step episodes both returning 1 (no signal).
        for (t, (length, ret, round)) in [(2, 1, 1), (3, 0, 1)].enumerated() {
            traces[t].episodes.append(EpisodeSpan(start: 0, length: length, group: 0, round: round, episodicReturn: Float(ret)))
            traces[t].episodes.append(EpisodeSpan(start: length, length: 1, group: 0, round: 2, episodicReturn: 1))
            traces[t].actions = Array(repeating: 0, count: length + 1)
            traces[t].logProbabilities = Array(repeating: 0, count: length + 1)
            traces[t].referenceLogProbabilities = Array(repeating: 0, count: length + 1)
            traces[t].rewards = Array(repeating: 0, count: length + 1)
            traces[t].observations = Array(repeating: 0, count: length + 1)
            traces[t].masks = Array(repeating: true, count: 2 * (length + 1))
        }
        buffer.fill(with: traces)
        XCTAssertEqual(buffer.count, 7)
        XCTAssertEqual(buffer.episodes.map(\.start), [0, 2, 3, 6])
        GRPO(clipCoef: 0.2, entCoef: 0, klCoef: 0).computeAdvantages(buffer)
        let advantages = (0..<7).map { buffer.advantages[$0] }
        let weights = (0..<7).map { buffer.weights[$0] }
        for (a, e) in zip(advantages, [1, 1, 0, -1, -1, -1, 0] as [Float]) { XCTAssertEqual(a, e, accuracy: 1e-6) }
        XCTAssertEqual(weights, [0.5, 0.5, 1, 1 / 3, 1 / 3, 1 / 3, 1])
        XCTAssertEqual(buffer.zeroAdvantageFraction(), 0.5)
        DrGRPO(clipCoef: 0.2, entCoef: 0, klCoef: 0).computeAdvantages(buffer)
        XCTAssertEqual((0..<7).map { buffer.weights[$0] }, Array(repeating: 1, count: 7))
    }

    /// The weighted surrogate with the KL penalty: its logit gradient matches
    /// finite differences of the loss it reports.
    func testWeightedLossWithKLPenaltyMatchesFiniteDifferences() {
        var rng = RNG(seed: 5)
        let logits = Tensor(shape: [5, 3], scalars: (0..<15).map { _ in rng.uniformFloat() * 4 - 2 })
        var batch = Minibatch(size: 5, observationSize: 1, actionCount: 3)
        batch.masks = Array(repeating: true, count: 15)
        batch.masks[4] = false
        batch.actions = [0, 2, 1, 2, 0]
        batch.logProbabilities = [-1.0, -1.3, -0.9, -1.2, -1.1]
        batch.advantages = [0.8, -1.2, 0.3, 1.5, -0.4]
        batch.weights = [0.5, 0.5, 1, 0.25, 0.25]
        batch.referenceLogProbabilities = [-1.2, -0.8, -1.1, -1.0, -1.4]
        func loss(_ z: Tensor, _ gradient: inout Tensor) -> (PolicyLossTerms, Double) {
            let t = PPOLoss.policy(logits: z, minibatch: batch, clipCoef: 0.2, entCoef: 0.05, weighted: true, klCoef: 0.3, logitGradient: &gradient)
            return (t, t.policyLoss - 0.05 * t.entropy + 0.3 * t.klToReference)
        }
        var gradient = Tensor(zeros: [0])
        let (terms, _) = loss(logits, &gradient)
        XCTAssertGreaterThan(terms.klToReference, 0)
        var scratch = Tensor(zeros: [0])
        for i in 0..<15 where batch.masks[i] {
            func at(_ delta: Float) -> Double {
                var z = logits
                z.scalars[i] += delta
                return loss(z, &scratch).1
            }
            XCTAssertEqual(Double(gradient.scalars[i]), (at(1e-3) - at(-1e-3)) / 2e-3, accuracy: 2e-3, "logit \(i)")
        }
        XCTAssertEqual(gradient.scalars[4], 0)
    }

    func config(_ algorithm: PolicyAlgorithmKind, workers: Int = 1, klCoef: Double = 0, seed: UInt64 = 1) -> PPOConfig {
        var c = PPOConfig()
        c.algorithm = algorithm
        c.groupSize = 4
        c.klCoef = klCoef
        c.seed = seed
        c.numEnvs = 16
        c.numSteps = 8
        c.totalTimesteps = 30 * 16 * 8
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
            row.rolloutSeconds = 0
            row.updateSeconds = 0
            rows.append(row)
        }
        return rows
    }

    func testEveryCriticFreeAlgorithmLearnsTheCorridor() throws {
        for algorithm in [PolicyAlgorithmKind.grpo, .drGRPO, .rloo] {
            let rows = try train(config(algorithm))
            XCTAssertGreaterThanOrEqual(rows.last!.envSteps, 30 * 16 * 8, "\(algorithm)")
            XCTAssertGreaterThan(rows.last!.successRate, 0.95, "\(algorithm)")
            XCTAssertTrue(rows.last!.explainedVariance.isNaN, "no critic, nothing explained")
            XCTAssertTrue(rows.allSatisfy { (0...1).contains($0.zeroAdvantageGroups ?? -1) }, "\(algorithm)")
            XCTAssertTrue(rows.allSatisfy { $0.valueLoss == 0 }, "\(algorithm)")
        }
    }

    func testGroupsShareTheirStartAndEpisodesAreWhole() {
        let root = RNG(seed: 3)
        let slots = (0..<8).map { i in
            EnvironmentSlot(environment: Corridor(), environmentRNG: root.stream("environment", i), actionRNG: root.stream("action", i))
        }
        var worker = RolloutWorker(slots: slots, firstEnv: 0)
        var initRNG = root.stream("init")
        let actor = MLP(sizes: [4, 8, 3], outputGain: 0.01, rng: &initRNG)
        let collected = worker.collectGroups(actor: actor, reference: nil, groupSize: 4, stepsPerEnvironment: 10, firstGroup: 0)
        var starts: [[Int]: Set<[Float]>] = [:]
        for trace in collected.traces {
            XCTAssertEqual(trace.episodes.reduce(0) { $0 + $1.length }, trace.count, "every sample belongs to a whole episode")
            for episode in trace.episodes {
                let first = Array(trace.observations[(episode.start * 4)..<(episode.start * 4 + 4)])
                starts[[episode.group, episode.round], default: []].insert(first)
                // Whole episodes: the last step ends it (reward 1 at the right end, or the 12-step limit).
                XCTAssertTrue(trace.rewards[episode.start + episode.length - 1] == 1 || episode.length == 12)
            }
        }
        XCTAssertTrue(starts.values.allSatisfy { $0.count == 1 }, "every group's episodes start from one state")
        for g in 0..<2 {
            let steps = collected.traces[(4 * g)..<(4 * g + 4)].reduce(0) { $0 + $1.count }
            XCTAssertGreaterThanOrEqual(steps, 40, "group \(g) plays until its members average 10 steps")
        }
        XCTAssertEqual(collected.episodes.count, collected.traces.reduce(0) { $0 + $1.episodes.count })
    }

    func testSameSeedSameNumbersAndWorkersDealWholeGroups() throws {
        for workers in [1, 3] {
            XCTAssertEqual(try train(config(.grpo, workers: workers)), try train(config(.grpo, workers: workers)), "workers \(workers)")
        }
        let trainer = Trainer<Corridor, MLP>(config: config(.rloo, workers: 3), network: network) { _ in Corridor() }
        XCTAssertEqual(trainer.workers.map(\.slots.count), [8, 4, 4])
        XCTAssertNil(trainer.critic)
    }

    func testKLPenaltyFreezesTheReferenceAndCheckpointsContinueExactly() throws {
        let c = config(.grpo, klCoef: 0.1)
        let straight = try train(c)
        XCTAssertTrue(straight.allSatisfy { ($0.klToReference ?? -1) >= 0 })
        XCTAssertGreaterThan(straight.last!.klToReference ?? 0, 0)
        // Stop after 7 updates, save, restore, finish: the same numbers.
        var first = Trainer<Corridor, MLP>(config: c, network: network) { _ in Corridor() }
        var rows: [UpdateMetrics] = []
        for _ in 0..<7 { rows.append(try first.update()) }
        let data = try JSONEncoder().encode(first.state)
        XCTAssertNotNil(first.reference)
        var second = try Trainer<Corridor, MLP>(config: c, network: network, state: try JSONDecoder().decode(Trainer<Corridor, MLP>.State.self, from: data))
        XCTAssertEqual(second.reference, first.reference)
        while !second.isFinished { rows.append(try second.update()) }
        for i in rows.indices { rows[i].rolloutSeconds = 0; rows[i].updateSeconds = 0 }
        XCTAssertEqual(rows.count, straight.count)
        for (resumed, uninterrupted) in zip(rows, straight) {
            XCTAssertEqual(resumed, uninterrupted, "update \(uninterrupted.update)")
        }
    }

    func testValidation() {
        var c = config(.grpo)
        c.groupSize = 1
        XCTAssertThrowsError(try c.validate()) { XCTAssertTrue("\($0)".contains("--group-size")) }
        c = config(.grpo)
        c.groupSize = 3
        XCTAssertThrowsError(try c.validate()) { XCTAssertTrue("\($0)".contains("must divide --num-envs")) }
        c = config(.grpo, workers: 5)
        XCTAssertThrowsError(try c.validate()) { XCTAssertTrue("\($0)".contains("a group never spans workers")) }
        c = config(.rloo, klCoef: -1)
        XCTAssertThrowsError(try c.validate()) { XCTAssertTrue("\($0)".contains("--kl-coef")) }
        var ppo = PPOConfig()
        ppo.groupSize = 4
        XCTAssertThrowsError(try ppo.validate()) { XCTAssertTrue("\($0)".contains("critic-free")) }
        XCTAssertNoThrow(try config(.drGRPO).validate())
    }

    /// The FLOPs a critic-free update saves: no critic forward in the
    /// rollout, no critic backward or Adam in the update.
    func testCriticFreeFLOPsPerEnvStepAreAtLeast30PercentBelowPPO() throws {
        var ppo = config(.ppo)
        ppo.groupSize = 1
        let ppoRows = try train(ppo)
        let grpoRows = try train(config(.grpo))
        let perStep = { (rows: [UpdateMetrics]) in rows.last!.flops / Double(rows.last!.envSteps) }
        XCTAssertLessThan(perStep(grpoRows), 0.7 * perStep(ppoRows))
    }
}
