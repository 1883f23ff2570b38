import Foundation
import Tensor
import NN

/// Supervised warm start: fits a policy to demonstrated actions by
/// minimising the masked cross-entropy −mean log π(a* | s), full batch, with
/// Adam — the "supervised first" half of today's reasoning-model recipe.
public enum BehaviourCloning {
    public struct Progress: Sendable, Equatable {
        public var step: Int
        public var loss: Double
        /// Fraction of demonstrated steps where the greedy action is the demonstrated one.
        public var accuracy: Double

        public init(step: Int, loss: Double, accuracy: Double) {
            self.step = step
            self.loss = loss
            self.accuracy = accuracy
        }
    }

    /// Runs `steps` Adam steps on (observations, masks, actions) and calls
    /// `report` after each with the loss and accuracy measured before it.
    /// Stops before the next step once `shouldStop()` (Ctrl-C: a warm start
    /// takes seconds). Returns the FLOPs spent.
    @discardableResult
    public static func fit(
        _ network: inout some PolicyNetwork, observations: Tensor, masks: [Bool], actions: [Int],
        steps: Int, learningRate: Float, shouldStop: () -> Bool = { false }, report: (Progress) -> Void = { _ in }
    ) -> Double {
        let count = observations.rows
        let actionCount = network.outputSize
        precondition(masks.count == count * actionCount && actions.count == count,
                     "demonstrations: \(count) observations, \(masks.count) mask flags, \(actions.count) actions")
        guard count > 0, steps > 0 else { return 0 }
        var optimizer = Adam(learningRate: learningRate)
        var workspace = NetworkWorkspace()
        var gradient = Tensor(zeros: [count, actionCount])
        var logProbabilities = [Float](repeating: 0, count: actionCount)
        var flops = 0.0
        for step in 1...steps {
            if shouldStop() { break }
            network.zeroGradients()
            let logits = network.forward(observations, workspace: &workspace)
            var loss = 0.0
            var correct = 0
            logits.scalars.withUnsafeBufferPointer { z in
                masks.withUnsafeBufferPointer { m in
                    gradient.scalars.withUnsafeMutableBufferPointer { g in
                        for i in 0..<count {
                            let row = i * actionCount
                            _ = MaskedCategorical.logProbabilities(
                                logits: z.baseAddress! + row, mask: m.baseAddress! + row, count: actionCount,
                                into: &logProbabilities)
                            let target = actions[i]
                            loss -= Double(logProbabilities[target])
                            if MaskedCategorical.mode(logits: z.baseAddress! + row, mask: m.baseAddress! + row, count: actionCount) == target {
                                correct += 1
                            }
                            // d(−log p_a)/dz_j = p_j − 1[j = a], zero where masked.
                            for j in 0..<actionCount {
                                let p = m[row + j] ? exp(logProbabilities[j]) : 0
                                g[row + j] = (p - (j == target ? 1 : 0)) / Float(count)
                            }
                        }
                    }
                }
            }
            network.backward(observations, outputGradient: gradient, workspace: &workspace)
            optimizer.update(&network)
            flops += network.forwardFLOPs(batch: count) + network.backwardFLOPs(batch: count)
                + Adam.flops(parameterCount: network.parameterCount)
            report(Progress(step: step, loss: loss / Double(count), accuracy: Double(correct) / Double(count)))
        }
        return flops
    }
}
