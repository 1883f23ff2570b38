import Tensor

/// One rollout's samples. PPO's rollouts hold numEnvs × numSteps of them,
/// stored env-major (sample = env · numSteps + step) so that each worker
/// fills one contiguous block and each environment's trajectory is
/// contiguous for GAE. Group rollouts (critic-free algorithms) hold whole
/// episodes, a variable number, each contiguous, described by `episodes`.
///
/// Plain manually allocated storage, because the rollout workers write into it
/// concurrently. That is safe by construction: worker w writes only the
/// samples of its own environments, and the trainer reads the buffer only
/// after every worker has joined. Hence the `@unchecked Sendable`. For
/// an algorithm's `computeAdvantages`, which writes `advantages` (and `returns`, `weights`):
/// every pointer here is valid for `capacity` samples, of which the
/// first `count` hold this rollout.
public final class RolloutBuffer: @unchecked Sendable {
    public let numEnvs: Int
    public let numSteps: Int
    public let observationSize: Int
    public let actionCount: Int
    private(set) var capacity: Int
    /// Samples in this rollout.
    public private(set) var count: Int

    public private(set) var observations: UnsafeMutablePointer<Float>
    public private(set) var masks: UnsafeMutablePointer<Bool>
    public private(set) var actions: UnsafeMutablePointer<Int32>
    public private(set) var logProbabilities: UnsafeMutablePointer<Float>
    /// log π_ref(a|s) of the frozen reference policy (when a KL penalty asks for it).
    public private(set) var referenceLogProbabilities: UnsafeMutablePointer<Float>
    /// V(s_t) from the critic; 0 for critic-free algorithms.
    public private(set) var values: UnsafeMutablePointer<Float>
    public private(set) var rewards: UnsafeMutablePointer<Float>
    /// V of the state reached after the step (the final observation when the episode ended).
    public private(set) var nextValues: UnsafeMutablePointer<Float>
    public private(set) var terminated: UnsafeMutablePointer<Bool>
    public private(set) var episodeEnded: UnsafeMutablePointer<Bool>
    public private(set) var advantages: UnsafeMutablePointer<Float>
    /// The critic's regression targets (advantage + value).
    public private(set) var returns: UnsafeMutablePointer<Float>
    /// Each sample's weight in the loss's mean (1, or 1/|episode| for GRPO).
    public private(set) var weights: UnsafeMutablePointer<Float>

    /// Group rollouts: every episode, in sample order.
    public internal(set) var episodes: [EpisodeSpan] = []

    /// This rollout's observations as sparse rows, when they are sparse
    /// enough for the networks' sparse path (`indexObservations`); nil when
    /// they are not, or not indexed since they were written.
    private(set) var sparseObservations: SparseRows?
    private var sparseScratch: SparseRows

    init(numEnvs: Int, numSteps: Int, observationSize: Int, actionCount: Int) {
        self.numEnvs = numEnvs
        self.numSteps = numSteps
        self.observationSize = observationSize
        self.actionCount = actionCount
        capacity = 0
        count = 0
        observations = .allocate(capacity: 0)
        masks = .allocate(capacity: 0)
        actions = .allocate(capacity: 0)
        logProbabilities = .allocate(capacity: 0)
        referenceLogProbabilities = .allocate(capacity: 0)
        values = .allocate(capacity: 0)
        rewards = .allocate(capacity: 0)
        nextValues = .allocate(capacity: 0)
        terminated = .allocate(capacity: 0)
        episodeEnded = .allocate(capacity: 0)
        advantages = .allocate(capacity: 0)
        returns = .allocate(capacity: 0)
        weights = .allocate(capacity: 0)
        sparseScratch = SparseRows(columns: observationSize)
        resize(count: numEnvs * numSteps)
    }

    deinit { deallocate() }

    /// Makes room for `count` samples (their content is undefined until
    /// written). Only between rollouts: no worker may hold a pointer.
    func resize(count newCount: Int) {
        sparseObservations.map { sparseScratch = $0 }
        sparseObservations = nil
        if newCount > capacity {
            deallocate()
            let n = max(newCount, capacity + capacity / 2)
            func make<T>(_ count: Int, _ value: T) -> UnsafeMutablePointer<T> {
                let p = UnsafeMutablePointer<T>.allocate(capacity: count)
                p.initialize(repeating: value, count: count)
                return p
            }
            observations = make(n * observationSize, 0)
            masks = make(n * actionCount, false)
            actions = make(n, 0)
            logProbabilities = make(n, 0)
            referenceLogProbabilities = make(n, 0)
            values = make(n, 0)
            rewards = make(n, 0)
            nextValues = make(n, 0)
            terminated = make(n, false)
            episodeEnded = make(n, false)
            advantages = make(n, 0)
            returns = make(n, 0)
            weights = make(n, 1)
            capacity = n
        }
        count = newCount
    }

    private func deallocate() {
        observations.deallocate()
        masks.deallocate()
        actions.deallocate()
        logProbabilities.deallocate()
        referenceLogProbabilities.deallocate()
        values.deallocate()
        rewards.deallocate()
        nextValues.deallocate()
        terminated.deallocate()
        episodeEnded.deallocate()
        advantages.deallocate()
        returns.deallocate()
        weights.deallocate()
    }

    @inline(__always)
    public func index(env: Int, step: Int) -> Int { env * numSteps + step }

    /// Indexes the rollout's observations once all of them are written:
    /// every sample's nonzero entries, those that every sample shares (a
    /// map's walls) held once, so that minibatches gather a few entries per
    /// sample instead of whole rows. Leaves `sparseObservations` nil when the
    /// observations are too dense for the sparse path to pay.
    func indexObservations() {
        var index = sparseObservations ?? sparseScratch
        sparseObservations = nil  // keep the storage uniquely referenced
        if index.assign(dense: observations, rows: count, maximumDensity: SparseRows.densityLimit) {
            sparseObservations = index
        } else {
            sparseScratch = index
        }
    }

    /// One sample's observation or mask row, as a buffer with its count.
    @inline(__always)
    func observation(_ sample: Int) -> UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: observations + sample * observationSize, count: observationSize)
    }

    @inline(__always)
    func mask(_ sample: Int) -> UnsafeMutableBufferPointer<Bool> {
        UnsafeMutableBufferPointer(start: masks + sample * actionCount, count: actionCount)
    }

    /// Lays out a group rollout: the traces' samples one after another, and
    /// their episodes with starts in buffer indices.
    func fill(with traces: [EpisodeTrace]) {
        resize(count: traces.reduce(0) { $0 + $1.count })
        episodes.removeAll(keepingCapacity: true)
        var start = 0
        for trace in traces {
            let n = trace.count
            _ = UnsafeMutableBufferPointer(start: observations + start * observationSize, count: n * observationSize)
                .update(fromContentsOf: trace.observations)
            _ = UnsafeMutableBufferPointer(start: masks + start * actionCount, count: n * actionCount).update(fromContentsOf: trace.masks)
            _ = UnsafeMutableBufferPointer(start: actions + start, count: n).update(fromContentsOf: trace.actions)
            _ = UnsafeMutableBufferPointer(start: logProbabilities + start, count: n).update(fromContentsOf: trace.logProbabilities)
            _ = UnsafeMutableBufferPointer(start: referenceLogProbabilities + start, count: n)
                .update(fromContentsOf: trace.referenceLogProbabilities)
            _ = UnsafeMutableBufferPointer(start: rewards + start, count: n).update(fromContentsOf: trace.rewards)
            for episode in trace.episodes {
                var shifted = episode
                shifted.start += start
                episodes.append(shifted)
            }
            start += n
        }
    }

    /// The fraction of a group rollout's problems whose episodes all got a
    /// zero advantage (all right, or all wrong): no learning signal.
    func zeroAdvantageFraction() -> Double {
        var allZero: [[Int]: Bool] = [:]
        for episode in episodes {
            let key = [episode.group, episode.round]
            allZero[key] = (allZero[key] ?? true) && advantages[episode.start] == 0
        }
        return allZero.isEmpty ? .nan : Double(allZero.values.filter { $0 }.count) / Double(allZero.count)
    }

    /// 1 − Var(returns − values) / Var(returns) over the batch: how much of
    /// the return the critic explains (NaN when the returns do not vary).
    func explainedVariance() -> Double {
        let n = count
        var meanY = 0.0, meanD = 0.0
        for i in 0..<n {
            meanY += Double(returns[i])
            meanD += Double(returns[i] - values[i])
        }
        meanY /= Double(n)
        meanD /= Double(n)
        var varY = 0.0, varD = 0.0
        for i in 0..<n {
            let y = Double(returns[i]) - meanY
            let d = Double(returns[i] - values[i]) - meanD
            varY += y * y
            varD += d * d
        }
        return varY == 0 ? .nan : 1 - varD / varY
    }
}

/// One whole episode of a group rollout: its samples, the problem it
/// attempted (the episodes of one problem form a group) and its return.
public struct EpisodeSpan: Sendable, Equatable {
    public internal(set) var start: Int
    public internal(set) var length: Int
    /// The environment group and its round: the G episodes that share both
    /// started from one state.
    public internal(set) var group: Int
    public internal(set) var round: Int
    public internal(set) var episodicReturn: Float
}
