import RL

/// The expert — the worked examples of the warm start, and the ideal
/// reasoner the figures compare with: in each column it computes
/// s = a_i·m + c, where c is the number of tally marks in the previous
/// column, puts ⌊s/10⌋ marks here (as many as the cap allows), then writes
/// s mod 10. It acts on the observation alone, so it sees exactly what the
/// policy sees and is held to the same cap: a carry larger than the cap is
/// cut to the cap, and the next column then goes wrong.
public enum MultiplicationExpert {
    /// The expert's action for an observation and mask of `MultiplicationEnvironment`.
    public static func action(observation: UnsafeBufferPointer<Float>, mask: UnsafeBufferPointer<Bool>) -> Int {
        let previous = 19, here = previous + MultiplicationEnvironment.shownMarks + 1
        func hot(_ start: Int, _ count: Int) -> Int? { (0..<count).first { observation[start + $0] > 0.5 } }
        let a = hot(0, 10) ?? 0  // none in the carry-out column
        let m = (hot(10, 9) ?? 0) + 1
        let carry = hot(previous, MultiplicationEnvironment.shownMarks + 1) ?? 0
        let marks = hot(here, MultiplicationEnvironment.shownMarks + 1) ?? 0
        let sum = a * m + carry
        if marks < sum / 10 && mask[MultiplicationEnvironment.markAction] { return MultiplicationEnvironment.markAction }
        return sum % 10
    }
}

/// Worked examples for the supervised warm start: flat arrays, one row per step.
public struct MultiplicationDemonstrationSet: Sendable, Equatable {
    public let observationSize: Int
    public let actionCount: Int
    public let demos: Int
    /// `steps × observationSize` floats, row-major.
    public internal(set) var observations: [Float]
    /// `steps × actionCount` flags, row-major: the action mask at each step.
    public internal(set) var masks: [Bool]
    public internal(set) var actions: [Int]
    /// The problems demonstrated, in order, and the cap of each.
    public internal(set) var problems: [MultiplicationProblem]
    public internal(set) var caps: [Int]

    public var steps: Int { actions.count }

    /// The expert replayed on `count` training episodes drawn from `rng`
    /// exactly as `MultiplicationEnvironment.reset(rng:)` draws them — length,
    /// multiplier, digits and cap, so never a held-out problem, and each
    /// under its own cap — recording the observation, mask and action at
    /// every step.
    public init(count: Int, config: MultiplicationConfig, rng: inout RNG) {
        precondition(count >= 0, "demonstration count must be ≥ 0, got \(count)")
        var env = MultiplicationEnvironment(config: config)
        observationSize = env.observationSize
        actionCount = env.actionCount
        demos = count
        observations = []
        masks = []
        actions = []
        problems = []
        caps = []
        var observation = [Float](repeating: 0, count: observationSize)
        var mask = [Bool](repeating: false, count: actionCount)
        for _ in 0..<count {
            env.reset(rng: &rng)
            problems.append(env.problem)
            caps.append(env.cap)
            while !env.isDone {
                observation.withUnsafeMutableBufferPointer { env.writeObservation(into: $0) }
                mask.withUnsafeMutableBufferPointer { env.writeActionMask(into: $0) }
                let action = observation.withUnsafeBufferPointer { o in
                    mask.withUnsafeBufferPointer { MultiplicationExpert.action(observation: o, mask: $0) }
                }
                observations.append(contentsOf: observation)
                masks.append(contentsOf: mask)
                actions.append(action)
                _ = env.step(action, rng: &rng)
            }
        }
    }
}
