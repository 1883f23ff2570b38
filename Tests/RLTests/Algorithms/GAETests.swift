import XCTest
@testable import RL

final class GAETests: XCTestCase {
    /// Four steps: an ordinary step, a truncation (bootstrapped from the
    /// final observation's value 0.9), a termination (not bootstrapped), and
    /// the rollout's last step (bootstrapped from the next state's value 0.6).
    /// γ = 0.9, λ = 0.8, by hand:
    ///   t=3: δ = 1 + 0.9·0.6 − 0.2 = 1.34                  A = 1.34
    ///   t=2: δ = 2 + 0 − 0.3 = 1.7 (terminated)            A = 1.7
    ///   t=1: δ = 0 + 0.9·0.9 − 0.4 = 0.41 (truncated)      A = 0.41
    ///   t=0: δ = 1 + 0.9·0.4 − 0.5 = 0.86                  A = 0.86 + 0.72·0.41 = 1.1552
    func testHandComputedExampleWithTruncationAndTermination() {
        let (advantages, returns) = GAE.advantages(
            rewards: [1, 0, 2, 1], values: [0.5, 0.4, 0.3, 0.2], nextValues: [0.4, 0.9, 0.7, 0.6],
            terminated: [false, false, true, false], episodeEnded: [false, true, true, false],
            gamma: 0.9, lambda: 0.8)
        for (a, e) in zip(advantages, [1.1552, 0.41, 1.7, 1.34] as [Float]) { XCTAssertEqual(a, e, accuracy: 1e-6) }
        for (r, e) in zip(returns, [1.6552, 0.81, 2.0, 1.54] as [Float]) { XCTAssertEqual(r, e, accuracy: 1e-6) }
    }

    /// Treating the truncation as a termination (CleanRL's behaviour) would
    /// give a different advantage: the test above would catch that mistake.
    func testTruncationDiffersFromTermination() {
        let truncated = GAE.advantages(
            rewards: [0], values: [0.4], nextValues: [0.9], terminated: [false], episodeEnded: [true],
            gamma: 0.9, lambda: 0.8)
        let terminated = GAE.advantages(
            rewards: [0], values: [0.4], nextValues: [0.9], terminated: [true], episodeEnded: [true],
            gamma: 0.9, lambda: 0.8)
        XCTAssertEqual(truncated.advantages[0], 0.41, accuracy: 1e-6)
        XCTAssertEqual(terminated.advantages[0], -0.4, accuracy: 1e-6)
    }

    func testLambdaOneGivesDiscountedReturnsMinusValues() {
        let (advantages, returns) = GAE.advantages(
            rewards: [1, 1, 1], values: [0, 0, 0], nextValues: [0, 0, 5], terminated: [false, false, false],
            episodeEnded: [false, false, false], gamma: 0.5, lambda: 1)
        XCTAssertEqual(returns[0], 1 + 0.5 + 0.25 + 0.125 * 5, accuracy: 1e-6)
        XCTAssertEqual(advantages[2], 1 + 2.5, accuracy: 1e-6)
    }
}
