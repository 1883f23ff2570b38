import Foundation
import NN
import Tensor

/// One RL step of a language-model policy on sampled completions: GRPO and
/// its critic-free relatives (Dr. GRPO, RLOO) over tokens, in the order of
/// the DeepSeekMath paper —
///  1. each prompt's G completions are scored (the caller's verifier) and
///     given group-relative advantages Â_i (the algorithm's formula);
///  2. groups where every Â_i is 0 (all right or all wrong) carry no signal
///     and are left out of the passes, and without the KL term so is any
///     completion whose Â_i is 0;
///  3. for `epochs` passes over the batch, every completion token t of
///     completion i gets the clipped surrogate with the ratio
///     ρ = π(o_t)/π_old(o_t) against the sampling policy, plus β·k3 against
///     a frozen reference (the SFT model),
///       L = 1/N Σ_i w_i Σ_t [ −min(ρ Â_i, clip(ρ, 1 ± ε) Â_i) + β·k3_t ],
///     N the completions sampled (left-out ones included, so the scale does
///     not depend on how many groups carry a signal), w_i = 1/|o_i| when
///     the algorithm normalises by length (GRPO), else 1 (Dr. GRPO, RLOO);
///  4. backward through log π(o_t), global-norm clipping, Adam.
public struct GroupRelativeUpdate: Sendable {
    public let algorithm: any GroupRelativeAlgorithm
    public var epochs: Int
    public var maxGradNorm: Double

    public init(algorithm: any GroupRelativeAlgorithm, epochs: Int = 2, maxGradNorm: Double = 1) {
        self.algorithm = algorithm
        self.epochs = epochs
        self.maxGradNorm = maxGradNorm
    }

    /// One step's samples: `groupSize` consecutive completions per prompt.
    public struct Batch: Sendable {
        public var prompts: [[Int]]
        public var completions: [Transformer.Completion]
        public var rewards: [Float]
        public var groupSize: Int

        public init(prompts: [[Int]], completions: [Transformer.Completion], rewards: [Float], groupSize: Int) {
            precondition(prompts.count == completions.count && rewards.count == completions.count
                         && groupSize > 0 && completions.count % groupSize == 0,
                         "GroupRelativeUpdate.Batch: \(prompts.count) prompts, \(completions.count) completions, \(rewards.count) rewards, groups of \(groupSize)")
            self.prompts = prompts
            self.completions = completions
            self.rewards = rewards
            self.groupSize = groupSize
        }
    }

    public struct Log: Sendable, Equatable {
        /// Completions that carry a signal (see step 2), of all sampled.
        public var signalFraction: Double
        /// The surrogate loss of the last pass (0 when no group had a signal).
        public var loss: Double
        /// Tokens whose ratio was clipped, in the last pass.
        public var clipFraction: Double
        /// The k3 estimate of KL(π‖π_ref) per token, last pass (0 without a reference).
        public var referenceKL: Double
        public var gradientNorm: Double
        /// Tokens run through the model in all passes (reference included).
        public var tokens: Int
        /// Forward and backward passes, the reference's forward and Adam.
        public var flops: Double
    }

    /// Under data parallelism each rank is given its own prompts' groups
    /// (whole groups, so advantages stay local) and N counts every rank's
    /// completions; the ranks' summed gradients are the one-process
    /// gradient, and the log's sums are every rank's.
    public func step(
        _ model: inout Transformer, on batch: Batch, reference: Transformer?, optimizer: inout Adam,
        workspace: inout Transformer.Workspace, collective: (any Collective)? = nil
    ) -> Log {
        // 1. Group-relative advantages.
        var advantages = [Float](repeating: 0, count: batch.completions.count)
        for start in stride(from: 0, to: advantages.count, by: batch.groupSize) {
            let group = start ..< start + batch.groupSize
            advantages.replaceSubrange(group, with: algorithm.advantages(returns: Array(batch.rewards[group])))
        }

        // 2. Keep the completions of groups with a signal (and at least one
        // token); without the KL term, only those whose own Â is not 0 — a
        // zero advantage adds nothing to the surrogate (expert iteration's
        // rejected samples).
        let kept = batch.completions.indices.filter { i in
            guard !batch.completions[i].tokens.isEmpty else { return false }
            if algorithm.klCoef == 0 { return advantages[i] != 0 }
            let g = i - i % batch.groupSize
            return advantages[g ..< g + batch.groupSize].contains { $0 != 0 }
        }
        var counts = [Double(kept.count), Double(batch.completions.count)]
        collective?.sum(&counts)
        let (keptEverywhere, sampled) = (counts[0], counts[1])
        let signalFraction = keptEverywhere / max(sampled, 1)
        guard keptEverywhere > 0 else {
            return Log(signalFraction: 0, loss: 0, clipFraction: 0, referenceKL: 0, gradientNorm: 0, tokens: 0, flops: 0)
        }
        let tokens = TokenBatch(kept.map { batch.prompts[$0] + batch.completions[$0].tokens })
        let targets = tokens.nextTokenTargets
        let mask = tokens.completionMask(promptLengths: kept.map { batch.prompts[$0].count })
        // Per row: the completion's advantage, its weight w_i / N, and the sampler's log-probability.
        var rowAdvantage = [Float](repeating: 0, count: tokens.totalTokens)
        var rowWeight = [Float](repeating: 0, count: tokens.totalTokens)
        var rowOldLogProbability = [Float](repeating: 0, count: tokens.totalTokens)
        let n = Float(sampled)
        for (s, i) in kept.enumerated() {
            let completion = batch.completions[i]
            let weight = (algorithm.normalisesLength ? 1 / Float(completion.tokens.count) : 1) / n
            let first = tokens.starts[s] + batch.prompts[i].count - 1  // the row predicting the first completion token
            for (t, logProbability) in completion.logProbabilities.enumerated() {
                rowAdvantage[first + t] = advantages[i]
                rowWeight[first + t] = weight
                rowOldLogProbability[first + t] = logProbability
            }
        }
        var processed = 0

        // The reference policy's log-probabilities, once (the KL term's anchor).
        let beta = algorithm.klCoef
        var referenceLogProbabilities: [Float]? = nil
        if let reference, beta != 0, !kept.isEmpty {
            var referenceWorkspace = Transformer.Workspace(blas: workspace.blas)
            referenceLogProbabilities = SoftmaxCrossEntropy.logProbabilities(
                logits: reference.forward(tokens, workspace: &referenceWorkspace), targets: targets)
            processed += tokens.totalTokens
        }

        // 3–4. Passes of the clipped surrogate, each a full-batch gradient step
        // (a rank whose groups all lack a signal adds zero gradients).
        let epsilon = algorithm.clipCoef
        var log = Log(signalFraction: signalFraction, loss: 0, clipFraction: 0, referenceKL: 0, gradientNorm: 0, tokens: 0, flops: 0)
        var coefficients = [Float](repeating: 0, count: tokens.totalTokens)
        var logitsGradient = Tensor(zeros: [0])
        for _ in 0..<max(epochs, 1) {
            model.zeroGradients()
            var loss = 0.0, clipped = 0, counted = 0, kl = 0.0
            if !kept.isEmpty {
                let logits = model.forward(tokens, workspace: &workspace)
                let logProbabilities = SoftmaxCrossEntropy.logProbabilities(logits: logits, targets: targets)
                processed += tokens.totalTokens
                for t in 0..<tokens.totalTokens where mask[t] != 0 {
                    let term = Self.tokenTerm(
                        logProbability: logProbabilities[t], sampled: rowOldLogProbability[t],
                        reference: referenceLogProbabilities?[t], advantage: rowAdvantage[t], clipCoef: epsilon, klCoef: beta)
                    loss += Double(rowWeight[t] * term.loss)
                    coefficients[t] = rowWeight[t] * term.derivative
                    if term.clipped { clipped += 1 }
                    kl += Double(term.k3)
                    counted += 1
                }
                SoftmaxCrossEntropy.logProbabilityGradient(logits: logits, targets: targets, coefficients: coefficients,
                                                           into: &logitsGradient)
                model.backward(tokens, logitsGradient: logitsGradient, workspace: &workspace)
            }
            var sums = [loss, Double(clipped), Double(counted), kl]
            if let collective {
                collective.sumGradients(&model)
                collective.sum(&sums)
            }
            let norm = GradientClipping.globalNorm([model])
            let scale = GradientClipping.scale(norm: norm, maxNorm: maxGradNorm)
            if scale != 1 { model.scaleGradients(by: scale) }
            optimizer.update(&model)
            log.loss = sums[0]
            log.clipFraction = sums[1] / max(sums[2], 1)
            log.referenceKL = sums[3] / max(sums[2], 1)
            log.gradientNorm = norm
        }
        // Tokens and FLOPs of every rank's passes (Adam's once per pass).
        let shape = model.config
        let pass = shape.forwardFLOPs(sequenceLengths: tokens.lengths) + shape.backwardFLOPs(sequenceLengths: tokens.lengths)
        var work = [Double(processed), Double(max(epochs, 1)) * pass
                    + (referenceLogProbabilities == nil ? 0 : shape.forwardFLOPs(sequenceLengths: tokens.lengths))]
        collective?.sum(&work)
        log.tokens = Int(work[0])
        log.flops = work[1] + Double(max(epochs, 1)) * Adam.flops(parameterCount: model.parameterCount)
        return log
    }

    /// One token's term of L and its derivative with respect to log π(o_t):
    ///   −min(ρÂ, clip(ρ, 1 ± ε)Â) + β·k3,  ρ = e^(l − l_old),
    ///   k3 = e^(r − l) − (r − l) − 1 ≥ 0 (Schulman's estimator of KL(π‖π_ref)).
    /// The surrogate's derivative is −ρÂ while the unclipped term is the
    /// smaller, 0 once clipping holds it; k3's is 1 − e^(r − l).
    static func tokenTerm(
        logProbability l: Float, sampled: Float, reference: Float?, advantage a: Float, clipCoef epsilon: Float, klCoef beta: Float
    ) -> (loss: Float, derivative: Float, clipped: Bool, k3: Float) {
        let ratio = exp(l - sampled)
        let clippedRatio = min(max(ratio, 1 - epsilon), 1 + epsilon)
        let (unclipped, bounded) = (ratio * a, clippedRatio * a)
        var loss = -min(unclipped, bounded)
        var derivative: Float = unclipped <= bounded ? -unclipped : 0
        var k3: Float = 0
        if let reference, beta != 0 {
            let difference = reference - l
            k3 = exp(difference) - difference - 1
            loss += beta * k3
            derivative += beta * (1 - exp(difference))
        }
        return (loss, derivative, clippedRatio != ratio, k3)
    }
}
