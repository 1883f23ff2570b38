/// One rollout's samples: numEnvs × numSteps of them, stored env-major
/// (sample = env · numSteps + step) so that each worker fills one contiguous
/// block and each environment's trajectory is contiguous for GAE.
///
/// Plain manually allocated storage, because the rollout workers write into it
/// concurrently. That is safe by construction: worker w writes only the
/// samples of its own environments, and the trainer reads the buffer only
/// after every worker has joined. Hence the `@unchecked Sendable`.
public final class RolloutBuffer: @unchecked Sendable {
    public let numEnvs: Int
    public let numSteps: Int
    public let observationSize: Int
    public let actionCount: Int
    public var count: Int { numEnvs * numSteps }

    public let observations: UnsafeMutablePointer<Float>
    public let masks: UnsafeMutablePointer<Bool>
    public let actions: UnsafeMutablePointer<Int32>
    public let logProbabilities: UnsafeMutablePointer<Float>
    public let values: UnsafeMutablePointer<Float>
    public let rewards: UnsafeMutablePointer<Float>
    /// V of the state reached after the step (the final observation when the episode ended).
    public let nextValues: UnsafeMutablePointer<Float>
    public let terminated: UnsafeMutablePointer<Bool>
    public let episodeEnded: UnsafeMutablePointer<Bool>
    public let advantages: UnsafeMutablePointer<Float>
    public let returns: UnsafeMutablePointer<Float>

    public init(numEnvs: Int, numSteps: Int, observationSize: Int, actionCount: Int) {
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
    public func index(env: Int, step: Int) -> Int { env * numSteps + step }
}
