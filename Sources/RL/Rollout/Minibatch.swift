import Tensor

/// One minibatch gathered from the rollout buffer into contiguous arrays,
/// reused from step to step.
struct Minibatch: Sendable {
    private(set) var size: Int
    let observationSize: Int
    let actionCount: Int
    var observations: Tensor
    var masks: [Bool]
    var actions: [Int32]
    var logProbabilities: [Float]
    var advantages: [Float]
    var returns: [Float]
    var values: [Float]
    /// Group rollouts: each sample's weight in the loss's mean, and the
    /// reference policy's log-probability of its action.
    var weights: [Float] = []
    var referenceLogProbabilities: [Float] = []
    /// Data parallelism: the whole minibatch's size (or weight), by which
    /// this rank's share of the losses is divided; nil: the minibatch's own.
    var normalizer: Double?

    init(size: Int, observationSize: Int, actionCount: Int) {
        self.size = size
        self.observationSize = observationSize
        self.actionCount = actionCount
        observations = Tensor(zeros: [size, observationSize])
        masks = [Bool](repeating: false, count: size * actionCount)
        actions = [Int32](repeating: 0, count: size)
        logProbabilities = [Float](repeating: 0, count: size)
        advantages = [Float](repeating: 0, count: size)
        returns = [Float](repeating: 0, count: size)
        values = [Float](repeating: 0, count: size)
    }

    /// Copies the samples at `indices` (resizing when their number changes,
    /// as a group rollout's minibatches may); with `normalize`, the
    /// advantages are standardised within the minibatch (CleanRL's
    /// `norm_adv`, unbiased std); with `groupFields`, the loss weights and
    /// reference log-probabilities come along.
    mutating func gather(_ indices: ArraySlice<Int>, from buffer: RolloutBuffer, normalize: Bool, groupFields: Bool = false) {
        if indices.count != size { self = Minibatch(size: indices.count, observationSize: observationSize, actionCount: actionCount) }
        if groupFields && weights.count != size {
            weights = [Float](repeating: 0, count: size)
            referenceLogProbabilities = [Float](repeating: 0, count: size)
        }
        let obsSize = buffer.observationSize
        let actionCount = buffer.actionCount
        observations.scalars.withUnsafeMutableBufferPointer { obs in
            masks.withUnsafeMutableBufferPointer { masks in
                for (row, sample) in indices.enumerated() {
                    (obs.baseAddress! + row * obsSize).update(from: buffer.observations + sample * obsSize, count: obsSize)
                    (masks.baseAddress! + row * actionCount).update(from: buffer.masks + sample * actionCount, count: actionCount)
                    actions[row] = buffer.actions[sample]
                    logProbabilities[row] = buffer.logProbabilities[sample]
                    advantages[row] = buffer.advantages[sample]
                    returns[row] = buffer.returns[sample]
                    values[row] = buffer.values[sample]
                    if groupFields {
                        weights[row] = buffer.weights[sample]
                        referenceLogProbabilities[row] = buffer.referenceLogProbabilities[sample]
                    }
                }
            }
        }
        if normalize {
            var mean = 0.0
            for a in advantages { mean += Double(a) }
            mean /= Double(size)
            var variance = 0.0
            for a in advantages { variance += (Double(a) - mean) * (Double(a) - mean) }
            let std = size > 1 ? (variance / Double(size - 1)).squareRoot() : 0
            for i in advantages.indices { advantages[i] = Float((Double(advantages[i]) - mean) / (std + 1e-8)) }
        }
    }
}
