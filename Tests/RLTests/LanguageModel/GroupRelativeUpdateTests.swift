import XCTest
import NN
import Tensor
@testable import RL

final class GroupRelativeUpdateTests: XCTestCase {
    static func tinyModel(seed: UInt64 = 3) throws -> Transformer {
        var rng = RNG(seed: seed)
        return Transformer(config: try TransformerConfig(vocabularySize: 6, context: 12, layers: 1, dModel: 8, heads: 2), rng: &rng)
    }

    /// Completions of `prompts`, sampled by the model, `groupSize` per prompt.
    static func sample(_ model: Transformer, prompts: [[Int]], groupSize: Int) -> (prompts: [[Int]], completions: [Transformer.Completion]) {
        let repeated = prompts.flatMap { Array(repeating: $0, count: groupSize) }
        var rngs = repeated.indices.map { RNG(seed: 9).stream("sample", $0) }
        var sampler = CompletionSampler(config: model.config, workers: 1)
        return (repeated, sampler.sample(model, prompts: repeated, maxNewTokens: 4, temperature: 1, stopToken: 5, rngs: &rngs))
    }

    func testTokenTermDerivativeMatchesFiniteDifferences() {
        let h: Float = 1e-3
        for (l, sampled, reference, advantage) in [(-1.2, -1.0, -1.1, 0.7), (-0.5, -1.0, nil, 1.3), (-2.0, -1.0, -0.3, -0.8),
                                                   (-1.0, -1.05, -2.0, -1.5)] as [(Float, Float, Float?, Float)] {
            let term = { (x: Float) in
                GroupRelativeUpdate.tokenTerm(logProbability: x, sampled: sampled, reference: reference, advantage: advantage,
                                              clipCoef: 0.2, klCoef: 0.1)
            }
            let numeric = (term(l + h).loss - term(l - h).loss) / (2 * h)
            XCTAssertEqual(term(l).derivative, numeric, accuracy: 2e-3, "l \(l), sampled \(sampled), Â \(advantage)")
        }
        // Clipped from above with Â > 0: no gradient from the surrogate.
        let held = GroupRelativeUpdate.tokenTerm(logProbability: 0, sampled: -1, reference: nil, advantage: 1, clipCoef: 0.2, klCoef: 0)
        XCTAssertTrue(held.clipped)
        XCTAssertEqual(held.derivative, 0)
    }

    func testGroupsWithoutSignalLeaveTheModelAlone() throws {
        var model = try Self.tinyModel()
        let before = model.flatParameters()
        let (prompts, completions) = Self.sample(model, prompts: [[0, 1], [2, 3]], groupSize: 3)
        var optimizer = Adam(learningRate: 1e-2)
        var workspace = Transformer.Workspace()
        let update = GroupRelativeUpdate(algorithm: try XCTUnwrap(PolicyAlgorithmKind.drGRPO.groupRelative(PPOConfig())))
        let log = update.step(&model, on: .init(prompts: prompts, completions: completions, rewards: [1, 1, 1, 0, 0, 0], groupSize: 3),
                              reference: nil, optimizer: &optimizer, workspace: &workspace)
        XCTAssertEqual(log.signalFraction, 0)
        XCTAssertEqual(model.flatParameters(), before)
    }

    /// Rewarded completions become likelier, unrewarded ones less likely,
    /// for each critic-free algorithm; groups without a signal are skipped.
    func testUpdateMovesProbabilityTowardsRewardedCompletions() throws {
        for kind in [PolicyAlgorithmKind.grpo, .drGRPO, .rloo] {
            var model = try Self.tinyModel()
            let (prompts, completions) = Self.sample(model, prompts: [[0, 1], [2, 3]], groupSize: 4)
            let rewards: [Float] = [1, 0, 0, 1, 1, 1, 1, 1]  // the second group carries no signal
            var optimizer = Adam(learningRate: 1e-2)
            var workspace = Transformer.Workspace()
            let update = GroupRelativeUpdate(algorithm: try XCTUnwrap(kind.groupRelative(PPOConfig())), epochs: 2)
            let log = update.step(&model, on: .init(prompts: prompts, completions: completions, rewards: rewards, groupSize: 4),
                                  reference: nil, optimizer: &optimizer, workspace: &workspace)
            XCTAssertEqual(log.signalFraction, 0.5, kind.rawValue)
            XCTAssertEqual(log.tokens, 2 * (0..<4).reduce(0) { $0 + 2 + completions[$1].tokens.count }, kind.rawValue)
            func logProbability(_ i: Int) -> Float {
                let batch = TokenBatch([prompts[i] + completions[i].tokens])
                var workspace = Transformer.Workspace()
                let values = SoftmaxCrossEntropy.logProbabilities(logits: model.forward(batch, workspace: &workspace),
                                                                  targets: batch.nextTokenTargets)
                return values[(prompts[i].count - 1)...].reduce(0, +)
            }
            func sampledLogProbability(_ i: Int) -> Float { completions[i].logProbabilities.reduce(0, +) }
            for i in [0, 3] { XCTAssertGreaterThan(logProbability(i), sampledLogProbability(i), "\(kind.rawValue) completion \(i)") }
            for i in [1, 2] { XCTAssertLessThan(logProbability(i), sampledLogProbability(i), "\(kind.rawValue) completion \(i)") }
        }
    }

    /// Expert iteration in one pass is SFT on the verified completions: the
    /// same gradient, scaled by T/N (its loss sums the kept completions'
    /// T tokens over all N sampled; SFT's averages over the T). Adam's step
    /// g/(|g| + ε) is the same for g and g·T/N with ε scaled alike.
    func testExpertIterationIsSupervisedFineTuningOnVerifiedCompletions() throws {
        let start = try Self.tinyModel()
        let (prompts, completions) = Self.sample(start, prompts: [[0, 1], [2, 3]], groupSize: 4)
        let kept = [0, 3], sampled = Float(completions.count)
        let keptTokens = Float(kept.reduce(0) { $0 + completions[$1].tokens.count })
        var iterated = start, optimizer = Adam(learningRate: 1e-2, epsilon: 1e-6), workspace = Transformer.Workspace()
        let update = GroupRelativeUpdate(algorithm: try XCTUnwrap(PolicyAlgorithmKind(rawValue: "expert-iteration")?.groupRelative(PPOConfig())),
                                         epochs: 1, maxGradNorm: 1e6)
        let log = update.step(&iterated, on: .init(prompts: prompts, completions: completions, rewards: [1, 0, 0, 1, 0, 0, 0, 0], groupSize: 4),
                              reference: nil, optimizer: &optimizer, workspace: &workspace)
        XCTAssertEqual(log.signalFraction, 0.25)  // the two verified completions, of eight

        var fineTuned = start, sftOptimizer = Adam(learningRate: 1e-2, epsilon: 1e-6 * sampled / keptTokens)
        var sft = SupervisedFineTuning()
        (sft.steps, sft.warmupSteps, sft.learningRate, sft.maxGradNorm) = (1, 0, 1e-2, 1e6)
        _ = sft.step(&fineTuned, on: kept.map { (prompts[$0], completions[$0].tokens) }, step: 0,
                     optimizer: &sftOptimizer, workspace: &workspace)
        let (a, b, s) = (iterated.flatParameters(), fineTuned.flatParameters(), start.flatParameters())
        let moved = zip(a, s).filter { $0 != $1 }.count
        XCTAssertGreaterThan(moved, a.count / 2)
        for i in a.indices { XCTAssertEqual(a[i], b[i], accuracy: 1e-6, "parameter \(i)") }
    }
}
