import Tensor
import NN

/// One minibatch gathered from the rollout buffer into contiguous arrays,
/// reused from step to step.
public struct Minibatch: Sendable {
    public private(set) var size: Int
    public let observationSize: Int
    public let actionCount: Int
    /// The samples' observations, as the networks take them: sparse rows
    /// when the rollout's observations were sparse (`RolloutBuffer.sparseObservations`),
    /// else a dense [size, observationSize] tensor.
    var observations: NetworkInput { isSparse ? .sparse(sparseObservations) : .dense(denseObservations) }
    private(set) var isSparse = false
    private var denseObservations: Tensor
    private var sparseObservations: SparseRows
    public internal(set) var masks: [Bool]
    public internal(set) var actions: [Int32]
    public internal(set) var logProbabilities: [Float]
    public internal(set) var advantages: [Float]
    public internal(set) var returns: [Float]
    public internal(set) var values: [Float]
    /// Group rollouts: each sample's weight in the loss's mean, and the
    /// reference policy's log-probability of its action.
    public internal(set) var weights: [Float] = []
    public internal(set) var referenceLogProbabilities: [Float] = []
    /// Data parallelism: the whole minibatch's size (or weight), by which
    /// this rank's share of the losses is divided; nil: the minibatch's own.
    public internal(set) var normalizer: Double?

    init(size: Int, observationSize: Int, actionCount: Int) {
        self.size = size
        self.observationSize = observationSize
        self.actionCount = actionCount
        denseObservations = Tensor(zeros: [size, observationSize])
        sparseObservations = SparseRows(columns: observationSize)
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
        let actionCount = buffer.actionCount
        gatherObservations(indices, from: buffer)
        masks.withUnsafeMutableBufferPointer { masks in
            for (row, sample) in indices.enumerated() {
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

    /// The samples' observations: their entries from the rollout's sparse
    /// index (sharing its shared entries), or their dense rows.
    private mutating func gatherObservations(_ indices: ArraySlice<Int>, from buffer: RolloutBuffer) {
        if let index = buffer.sparseObservations {
            isSparse = true
            sparseObservations.adoptShared(of: index)
            sparseObservations.appendRows(indices, of: index)
            return
        }
        isSparse = false
        let obsSize = buffer.observationSize
        denseObservations.scalars.withUnsafeMutableBufferPointer { obs in
            for (row, sample) in indices.enumerated() {
                (obs.baseAddress! + row * obsSize).update(from: buffer.observations + sample * obsSize, count: obsSize)
            }
        }
    }
}
