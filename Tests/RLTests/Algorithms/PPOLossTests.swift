import XCTest
import Tensor
@testable import RL

final class PPOLossTests: XCTestCase {
    let actions: [Int32] = [0, 2, 1, 3, 2, 0]
    // Row 1 masks action 1 and row 4 masks action 3.
    var masks: [Bool] {
        var m = [Bool](repeating: true, count: 24)
        m[1 * 4 + 1] = false
        m[4 * 4 + 3] = false
        return m
    }
    let advantages: [Float] = [1.0, -0.5, 2.0, -1.5, 0.7, -0.2]

    func logits(_ rng: inout RNG) -> Tensor {
        Tensor(shape: [6, 4], scalars: (0..<24).map { _ in rng.uniformFloat() * 4 - 2 })
    }

    /// Old log-probabilities chosen so that some ratios fall inside the clip
    /// range and some outside on either side.
    func oldLogProbabilities(for logits: Tensor) -> [Float] {
        var lp = [Float](repeating: 0, count: 4)
        let shifts: [Float] = [0.05, -0.5, 0.4, -0.1, 0.6, -0.35]
        return (0..<6).map { i in
            _ = logits.scalars.withUnsafeBufferPointer { z in
                masks.withUnsafeBufferPointer { m in
                    MaskedCategorical.logProbabilities(
                        logits: z.baseAddress! + 4 * i, mask: m.baseAddress! + 4 * i, count: 4, into: &lp)
                }
            }
            return lp[Int(actions[i])] + shifts[i]
        }
    }

    func policyLoss(_ z: Tensor, old: [Float], gradient: inout Tensor) -> PolicyLossTerms {
        var batch = Minibatch(size: 6, observationSize: 1, actionCount: 4)
        batch.masks = masks
        batch.actions = actions
        batch.logProbabilities = old
        batch.advantages = advantages
        return PPOLoss.policy(logits: z, minibatch: batch, clipCoef: 0.2, entCoef: 0.05, logitGradient: &gradient)
    }

    func valueLoss(_ values: Tensor, old: [Float], returns: [Float], clip: Bool, gradient: inout Tensor) -> Double {
        var batch = Minibatch(size: values.count, observationSize: 1, actionCount: 1)
        batch.values = old
        batch.returns = returns
        return PPOLoss.value(values: values, minibatch: batch, clipCoef: 0.2, clipValueLoss: clip, vfCoef: 0.5, valueGradient: &gradient)
    }

    func testClippedPolicyLossGradientMatchesFiniteDifferences() {
        var rng = RNG(seed: 3)
        let z = logits(&rng)
        let old = oldLogProbabilities(for: z)
        var gradient = Tensor(zeros: [0])
        let terms = policyLoss(z, old: old, gradient: &gradient)
        XCTAssertGreaterThan(terms.clipFraction, 0)
        XCTAssertLessThan(terms.clipFraction, 1)
        var scratch = Tensor(zeros: [0])
        for i in 0..<z.count where masks[i] {
            func loss(_ delta: Float) -> Double {
                var zp = z
                zp.scalars[i] += delta
                let t = policyLoss(zp, old: old, gradient: &scratch)
                return t.policyLoss - 0.05 * t.entropy
            }
            let numeric = (loss(1e-3) - loss(-1e-3)) / 2e-3
            XCTAssertEqual(Double(gradient.scalars[i]), numeric, accuracy: 2e-3, "logit \(i)")
        }
        // Masked logits get no gradient.
        XCTAssertEqual(gradient.scalars[1 * 4 + 1], 0)
        XCTAssertEqual(gradient.scalars[4 * 4 + 3], 0)
    }

    func testRatioOfOneGivesMinusMeanAdvantageAndZeroKL() {
        var rng = RNG(seed: 4)
        let z = logits(&rng)
        var old = oldLogProbabilities(for: z)
        let shifts: [Float] = [0.05, -0.5, 0.4, -0.1, 0.6, -0.35]
        for i in old.indices { old[i] -= shifts[i] }
        var gradient = Tensor(zeros: [0])
        let terms = policyLoss(z, old: old, gradient: &gradient)
        XCTAssertEqual(terms.policyLoss, -Double(advantages.reduce(0, +)) / 6, accuracy: 1e-6)
        XCTAssertEqual(terms.approxKL, 0, accuracy: 1e-6)
        XCTAssertEqual(terms.clipFraction, 0)
    }

    func testClippedValueLossGradientMatchesFiniteDifferences() {
        let values = Tensor(shape: [5, 1], scalars: [0.5, 1.5, -0.2, 0.9, 2.0])
        let old: [Float] = [0.4, 1.0, 0.1, 0.85, 2.5]
        let returns: [Float] = [1.0, 1.2, 0.5, -0.3, 2.1]
        for clip in [true, false] {
            var gradient = Tensor(zeros: [0])
            _ = valueLoss(values, old: old, returns: returns, clip: clip, gradient: &gradient)
            var scratch = Tensor(zeros: [0])
            for i in 0..<5 {
                func loss(_ delta: Float) -> Double {
                    var v = values
                    v.scalars[i] += delta
                    return 0.5 * valueLoss(v, old: old, returns: returns, clip: clip, gradient: &scratch)
                }
                let numeric = (loss(1e-3) - loss(-1e-3)) / 2e-3
                XCTAssertEqual(Double(gradient.scalars[i]), numeric, accuracy: 1e-3, "value \(i), clip \(clip)")
            }
        }
    }
}
