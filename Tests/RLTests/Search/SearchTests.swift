import XCTest
import Tensor
import NN
@testable import RL

/// Test-time search's parts on the corridor: sampling at a temperature,
/// choosing among samples, the ROC area, and the learned verifier's fit.
final class SearchTests: XCTestCase {
    func testAUCCountsOrderedPairsAndTies() throws {
        XCTAssertEqual(ROC.auc(scores: [0.1, 0.2, 0.8, 0.9], labels: [false, false, true, true]), 1)
        XCTAssertEqual(ROC.auc(scores: [0.9, 0.8, 0.2, 0.1], labels: [false, false, true, true]), 0)
        XCTAssertEqual(ROC.auc(scores: [0.5, 0.5, 0.5, 0.5], labels: [false, true, false, true]), 0.5)
        // Pairs (right, wrong): (0.3, 0.1) yes, (0.3, 0.4) no, (0.6, 0.1) yes, (0.6, 0.4) yes → 3/4.
        XCTAssertEqual(ROC.auc(scores: [0.1, 0.3, 0.4, 0.6], labels: [false, true, false, true]), 0.75)
        XCTAssertNil(ROC.auc(scores: [1, 2], labels: [true, true]))
    }

    func testMajorityAndBestBreakTiesTowardTheFirst() {
        XCTAssertEqual(SampleSelection.majorityIndex([3, 5, 5, 3, 7]), 0)
        XCTAssertEqual(SampleSelection.majorityIndex([3, 5, 5, 7]), 1)
        XCTAssertEqual(SampleSelection.majorityIndex([[1, 2], [2, 1], [2, 1]] as [[UInt8]]), 1)
        XCTAssertEqual(SampleSelection.bestIndex([-3, -1, -1, -2]), 1)
        XCTAssertEqual(SampleSelection.bestIndex([.nan, -5, -4]), 2)
    }

    func testTemperatureZeroIsGreedyOneIsThePolicyAndSmallIsNearlyGreedy() {
        var init_ = RNG(seed: 7)
        let actor = MLP(sizes: [4, 8, 3], activation: .tanh, outputGain: 1, rng: &init_)
        var inference = PolicyInference(network: actor)
        let observation: [Float] = [0.3, -1, 0.5, 2]
        let mask = [true, true, false]
        func act(_ t: Float?, _ rng: inout RNG) -> Int {
            observation.withUnsafeBufferPointer { o in
                mask.withUnsafeBufferPointer { m in
                    t.map { inference.act(observation: o, mask: m, temperature: $0, rng: &rng) }
                        ?? inference.act(observation: o, mask: m, greedy: false, rng: &rng)
                }
            }
        }
        var a = RNG(seed: 1), b = RNG(seed: 1), c = RNG(seed: 2)
        var greedyRNG = RNG(seed: 1)
        let mode = observation.withUnsafeBufferPointer { o in mask.withUnsafeBufferPointer { inference.act(observation: o, mask: $0, greedy: true, rng: &greedyRNG) } }
        var counts = [0, 0, 0], cold = [0, 0, 0], hot = [0, 0, 0]
        for _ in 0..<2000 {
            let x = act(1, &a), y = act(nil, &b)
            XCTAssertEqual(x, y, "temperature 1 must be the policy's own distribution, draw for draw")
            counts[x] += 1
            XCTAssertEqual(act(0, &a), mode)  // draws nothing: a and b stay in step
            cold[act(0.05, &c)] += 1
            hot[act(50, &c)] += 1
        }
        XCTAssertEqual(counts[2] + cold[2] + hot[2], 0, "a masked action was sampled")
        XCTAssertGreaterThan(cold[mode], 1990, "T = 0.05 should nearly always take the mode: \(cold)")
        XCTAssertGreaterThan(min(hot[0], hot[1]), 850, "T = 50 should be nearly uniform over the two actions: \(hot)")
    }

    func testSamplingIsDeterministicWhateverTheWorkersAndPrefixStable() throws {
        var init_ = RNG(seed: 3)
        let actor = MLP(sizes: [4, 16, 3], activation: .tanh, outputGain: 1, rng: &init_)
        var starts: [Corridor] = []
        var rng = RNG(seed: 9)
        for _ in 0..<7 {
            var env = Corridor()
            env.reset(rng: &rng)
            starts.append(env)
        }
        let policy = RNG(seed: 11)
        func play(_ samples: Int, _ workers: Int, _ t: Float = 1) throws -> [[[Int]]] {
            try SolutionSampler.play(starts, samples: samples, temperature: t, actor: actor, policyRNG: policy, workers: workers)
                .map { $0.map(\.actions) }
        }
        let one = try play(5, 1)
        XCTAssertEqual(try play(5, 3), one)
        XCTAssertEqual(try play(5, 7), one)
        XCTAssertEqual(try play(2, 2).map { $0 }, one.map { Array($0.prefix(2)) }, "the first samples must not depend on how many follow")
        XCTAssertGreaterThan(Set(one.flatMap { $0 }).count, 7, "sampling at T = 1 should vary")
        let greedy = try play(4, 2, 0)
        for problem in greedy { XCTAssertEqual(Set(problem).count, 1) }
        XCTAssertThrowsError(try play(2, 1, -1))
        XCTAssertThrowsError(try play(0, 1))
    }

    /// dL/dz of the product-of-steps cross-entropy against central differences.
    func testVerifierLossGradientMatchesFiniteDifferences() {
        var init_ = RNG(seed: 5)
        let verifier = Verifier(observationSize: 2, actionCount: 2, hidden: [4], rng: &init_)
        var data = VerifierFit.Data(inputSize: verifier.inputSize)
        data.append(observations: [0, 1, 1, 0, 0.5, 0.5], actions: [0, 1, 1], right: true, verifier: verifier)
        data.append(observations: [1, 1, 0, 0], actions: [1, 0], right: false, verifier: verifier)
        let chosen = [0, 1]
        var logits: [Float] = [0.7, -0.4, 1.3, 2.1, -0.2]
        var gradient = [Float](repeating: 0, count: logits.count)
        _ = VerifierFit.lossAndGradient(logits, data: data, chosen: chosen, gradient: &gradient)
        var scratch = gradient
        for i in logits.indices {
            let h: Float = 1e-2, x = logits[i]
            logits[i] = x + h
            let up = VerifierFit.lossAndGradient(logits, data: data, chosen: chosen, gradient: &scratch)
            logits[i] = x - h
            let down = VerifierFit.lossAndGradient(logits, data: data, chosen: chosen, gradient: &scratch)
            logits[i] = x
            XCTAssertEqual(Double(gradient[i]), (up - down) / Double(2 * h), accuracy: 1e-3, "step \(i)")
        }
    }

    /// Solutions are right unless some step takes action 1 in cell 2: the
    /// verifier must learn to blame that step from outcomes alone, and a fit
    /// stopped half way and continued must equal one that never stopped.
    func testVerifierLearnsTheBadStepAndResumesExactly() throws {
        var init_ = RNG(seed: 2)
        let fresh = Verifier(observationSize: 4, actionCount: 3, hidden: [16], rng: &init_)
        var data = VerifierFit.Data(inputSize: fresh.inputSize), test = data
        var rng = RNG(seed: 4)
        var labels: [Bool] = []
        for i in 0..<400 {
            let steps = 2 + rng.int(below: 4)
            var observations: [Float] = [], actions: [Int] = [], right = true
            for _ in 0..<steps {
                let cell = rng.int(below: 4), action = rng.int(below: 2)
                observations += (0..<4).map { $0 == cell ? 1 : 0 }
                actions.append(action)
                if cell == 2 && action == 1 { right = false }
            }
            if i < 300 { data.append(observations: observations, actions: actions, right: right, verifier: fresh) } else {
                test.append(observations: observations, actions: actions, right: right, verifier: fresh)
                labels.append(right)
            }
        }
        let shuffle = RNG(seed: 8)
        var whole = VerifierFit.State(verifier: fresh, learningRate: 1e-2)
        XCTAssertTrue(try VerifierFit.fit(&whole, data: data, steps: 300, batchSize: 32, rng: shuffle))
        var halves = VerifierFit.State(verifier: fresh, learningRate: 1e-2)
        var calls = 0
        XCTAssertFalse(try VerifierFit.fit(&halves, data: data, steps: 300, batchSize: 32, rng: shuffle, shouldStop: { calls += 1; return calls > 130 }))
        XCTAssertEqual(halves.step, 130)
        let encoded = try JSONEncoder().encode(halves)
        halves = try JSONDecoder().decode(VerifierFit.State.self, from: encoded)
        XCTAssertTrue(try VerifierFit.fit(&halves, data: data, steps: 300, batchSize: 32, rng: shuffle))
        XCTAssertEqual(halves, whole, "a fit stopped after 130 steps and continued must equal an unbroken one")

        let scores = VerifierFit.scores(whole.verifier, data: test)
        let auc = try XCTUnwrap(ROC.auc(scores: scores.map(\.weakestStep), labels: labels))
        XCTAssertGreaterThan(auc, 0.95)
        let before = try XCTUnwrap(ROC.auc(scores: VerifierFit.scores(fresh, data: test).map(\.weakestStep), labels: labels))
        XCTAssertLessThan(before, 0.8)
        // The process score: the bad step is the weakest one of a wrong solution.
        var inference = VerifierInference(verifier: whole.verifier)
        let good: [Float] = [0, 0, 1, 0, 1, 0, 0], wrong: [Float] = [0, 0, 1, 0, 0, 1, 0]
        let g = good.withUnsafeBufferPointer { inference.stepScores(stepInputs: $0) }[0]
        let w = wrong.withUnsafeBufferPointer { inference.stepScores(stepInputs: $0) }[0]
        XCTAssertLessThan(w, g - 1, "action 1 in cell 2 should score far below action 0 there")
    }
}
