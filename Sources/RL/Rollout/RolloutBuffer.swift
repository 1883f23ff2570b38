/// One rollout's samples: numEnvs × numSteps of them, stored env-major
/// (sample = env · numSteps + step) so that each worker fills one contiguous
/// block and each environment's trajectory is contiguous for GAE.
///
/// Plain manually allocated storage, because the rollout workers write into it
/// concurrently. That is safe by construction: worker w writes only the
/// samples of its own environments, and the trainer reads the buffer only
/// after every worker has joined. Hence the `@unchecked Sendable`. Internal
/// to RL: every pointer here is valid for exactly `count` samples.
final class RolloutBuffer: @unchecked Sendable {
    let numEnvs: Int
    let numSteps: Int
    let observationSize: Int
    let actionCount: Int
    var count: Int { numEnvs * numSteps }

    let observations: UnsafeMutablePointer<Float>
    let masks: UnsafeMutablePointer<Bool>
    let actions: UnsafeMutablePointer<Int32>
    let logProbabilities: UnsafeMutablePointer<Float>
    /// V(s_t) from the critic; 0 for critic-free algorithms.
    let values: UnsafeMutablePointer<Float>
    let rewards: UnsafeMutablePointer<Float>
    /// V of the state reached after the step (the final observation when the episode ended).
    let nextValues: UnsafeMutablePointer<Float>
    let terminated: UnsafeMutablePointer<Bool>
    let episodeEnded: UnsafeMutablePointer<Bool>
    let advantages: UnsafeMutablePointer<Float>
    /// The critic's regression targets (advantage + value).
    let returns: UnsafeMutablePointer<Float>

    init(numEnvs: Int, numSteps: Int, observationSize: Int, actionCount: Int) {
        self.numEnvs = numEnvs
        self.numSteps = numSteps
        self.observationSize = observationSize
        self.actionCount = actionCount
        let n = numEnvs * numSteps
        func make<T>(_ count: Int, _ value: T) -> UnsafeMutablePointer<T> {
            let p = UnsafeMutablePointer<T>.allocate(capacity: count)
            p.initialize(repeating: value, count: count)
            return p
        }
        observations = make(n * observationSize, 0)
        masks = make(n * actionCount, false)
        actions = make(n, 0)
        logProbabilities = make(n, 0)
        values = make(n, 0)
        rewards = make(n, 0)
        nextValues = make(n, 0)
        terminated = make(n, false)
        episodeEnded = make(n, false)
        advantages = make(n, 0)
        returns = make(n, 0)
    }

    deinit {
        observations.deallocate()
        masks.deallocate()
        actions.deallocate()
        logProbabilities.deallocate()
        values.deallocate()
        rewards.deallocate()
        nextValues.deallocate()
        terminated.deallocate()
        episodeEnded.deallocate()
        advantages.deallocate()
        returns.deallocate()
    }

    @inline(__always)
    func index(env: Int, step: Int) -> Int { env * numSteps + step }

    /// One sample's observation or mask row, as a buffer with its count.
    @inline(__always)
    func observation(_ sample: Int) -> UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: observations + sample * observationSize, count: observationSize)
    }

    @inline(__always)
    func mask(_ sample: Int) -> UnsafeMutableBufferPointer<Bool> {
        UnsafeMutableBufferPointer(start: masks + sample * actionCount, count: actionCount)
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
