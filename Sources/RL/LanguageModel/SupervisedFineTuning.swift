import Foundation
import NN
import Tensor

/// Supervised fine-tuning (SFT) of a language-model policy on worked
/// examples: next-token cross-entropy on the completion tokens only (the
/// prompt is given, not learned), Adam with a linear warm-up then a cosine
/// decay, global-norm clipping. One `step` is one minibatch.
public struct SupervisedFineTuning: Sendable, Codable, Equatable {
    public var steps = 1500
    /// Examples per step.
    public var batchSize = 64
    public var learningRate = 1e-3
    /// Steps of linear warm-up from 0 to `learningRate`.
    public var warmupSteps = 100
    /// The cosine ends at this fraction of `learningRate`.
    public var finalLearningRateFraction = 0.1
    public var maxGradNorm = 1.0

    public init() {}

    /// The learning rate of step `step` (0-based): warm-up, then cosine decay.
    public func learningRate(at step: Int) -> Double {
        let warmup = min(warmupSteps, max(steps - 1, 0))
        if step < warmup { return learningRate * Double(step + 1) / Double(warmup) }
        let progress = Double(step - warmup) / Double(max(steps - warmup, 1))
        let cosine = 0.5 * (1 + cos(Double.pi * min(progress, 1)))
        return learningRate * (finalLearningRateFraction + (1 - finalLearningRateFraction) * cosine)
    }

    /// The optimiser SFT starts from.
    public func makeOptimizer() -> Adam { .languageModel(learningRate: learningRate) }

    public struct StepLog: Sendable, Equatable {
        /// Mean cross-entropy per completion token, before the update.
        public var loss: Double
        /// Completion tokens the loss was taken over.
        public var completionTokens: Int
        /// Every token the step ran (prompts too; every rank's).
        public var tokens: Int
        public var gradientNorm: Double
        public var learningRate: Double
        /// Forward, backward and Adam (`TransformerConfig.forwardFLOPs`, …).
        public var flops: Double
    }

    /// One step on `examples` (prompt, completion): forward, masked loss,
    /// backward, clip, Adam at the scheduled learning rate. Under data
    /// parallelism every rank is given the whole batch and runs its share,
    /// normalised by the whole batch's completion tokens; the ranks' summed
    /// gradients are the one-process gradient, so every rank takes its step.
    public func step(
        _ model: inout Transformer, on examples: [(prompt: [Int], completion: [Int])], step: Int,
        optimizer: inout Adam, workspace: inout Transformer.Workspace, collective: (any Collective)? = nil
    ) -> StepLog {
        // 1. Pack this rank's examples; row t predicts token t + 1 of its sequence.
        let mine = collective.map { Array(examples[$0.share(of: examples.count)]) } ?? examples
        let batch = TokenBatch(mine.map { $0.prompt + $0.completion })
        let targets = batch.nextTokenTargets
        let mask = batch.completionMask(promptLengths: mine.map(\.prompt.count))
        let completionTokens = examples.reduce(0) { $0 + $1.completion.count }

        // 2. Forward and the mean cross-entropy over the batch's completion tokens.
        let logits = model.forward(batch, workspace: &workspace)
        let normaliser = Float(max(completionTokens, 1))
        var (loss, _) = SoftmaxCrossEntropy.loss(logits: logits, targets: targets, mask: mask, normaliser: normaliser)

        // 3. Backward into fresh gradients, summed over the ranks.
        var logitsGradient = Tensor(zeros: [0])
        SoftmaxCrossEntropy.lossGradient(logits: logits, targets: targets, mask: mask, normaliser: normaliser,
                                         into: &logitsGradient)
        model.zeroGradients()
        model.backward(batch, logitsGradient: logitsGradient, workspace: &workspace)
        if let collective {
            collective.sumGradients(&model)
            var sums = [loss]
            collective.sum(&sums)
            loss = sums[0]
        }

        // 4. Clip the global norm, then Adam at this step's rate.
        let norm = GradientClipping.globalNorm([model])
        let scale = GradientClipping.scale(norm: norm, maxNorm: maxGradNorm)
        if scale != 1 { model.scaleGradients(by: scale) }
        let rate = learningRate(at: step)
        optimizer.learningRate = Float(rate)
        optimizer.update(&model)
        let lengths = examples.map { $0.prompt.count + $0.completion.count }
        let flops = model.config.forwardFLOPs(sequenceLengths: lengths)
            + model.config.backwardFLOPs(sequenceLengths: lengths) + Adam.flops(parameterCount: model.parameterCount)
        return StepLog(loss: loss, completionTokens: completionTokens, tokens: lengths.reduce(0, +),
                       gradientNorm: norm, learningRate: rate, flops: flops)
    }
}
