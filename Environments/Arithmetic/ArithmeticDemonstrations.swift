import RL

/// Worked examples for the supervised warm start: flat arrays, one row per step.
public struct ArithmeticDemonstrationSet: Sendable, Equatable {
    public let observationSize: Int
    public let actionCount: Int
    /// Number of demonstrations (episodes).
    public let demos: Int
    /// `steps × observationSize` floats, row-major.
    public internal(set) var observations: [Float]
    /// `steps × actionCount` flags, row-major: the action mask at each step.
    public internal(set) var masks: [Bool]
    /// The expert's action at each step.
    public internal(set) var actions: [Int]
    /// Index of the first step of each demonstration (`demos` entries).
    public internal(set) var episodeStarts: [Int]
    /// The problems demonstrated, in order.
    public internal(set) var problems: [ArithmeticProblem]

    /// Number of rows.
    public var steps: Int { actions.count }
}

/// The expert: a note in exactly the columns whose sum with the incoming carry
/// reaches 10, no note elsewhere, then the right digit.
public enum ArithmeticDemonstrations {
    /// The think token the expert writes to mark "this column carries" (note symbol 1).
    public static let carryNoteAction = 10

    /// The expert's actions for `problem`: for each column 0 … D, action 10 if the
    /// column carries and `thinkBudget ≥ 1`, then the column's answer digit.
    public static func expertActions(for problem: ArithmeticProblem, thinkBudget: Int) -> [Int] {
        var actions: [Int] = []
        actions.reserveCapacity(2 * (problem.digits + 1))
        for (digit, carries) in zip(problem.answer, problem.carries) {
            if carries && thinkBudget >= 1 { actions.append(carryNoteAction) }
            actions.append(Int(digit))
        }
        return actions
    }

    /// Replays the expert on `count` training problems drawn from `rng` exactly as
    /// `ArithmeticEnvironment.reset(rng:)` draws them (so never a held-out problem),
    /// recording the observation, mask and action at every step.
    public static func dataset(count: Int, config: ArithmeticConfig, rng: inout RNG) -> ArithmeticDemonstrationSet {
        precondition(count >= 0, "demonstration count must be ≥ 0, got \(count)")
        var env = ArithmeticEnvironment(config: config)
        let obsSize = env.observationSize, actionCount = env.actionCount
        var set = ArithmeticDemonstrationSet(
            observationSize: obsSize, actionCount: actionCount, demos: count,
            observations: [], masks: [], actions: [], episodeStarts: [], problems: [])
        set.episodeStarts.reserveCapacity(count)
        set.problems.reserveCapacity(count)
        var observation = [Float](repeating: 0, count: obsSize)
        var mask = [Bool](repeating: false, count: actionCount)
        for _ in 0..<count {
            env.reset(rng: &rng)
            set.episodeStarts.append(set.actions.count)
            set.problems.append(env.problem)
            // Under the episode's own cap: with a range of caps the demos show
            // the expert answering after its one note even where more are allowed.
            for action in expertActions(for: env.problem, thinkBudget: env.cap) {
                observation.withUnsafeMutableBufferPointer { env.writeObservation(into: $0) }
                mask.withUnsafeMutableBufferPointer { env.writeActionMask(into: $0) }
                precondition(mask[action], "expert action \(action) is masked")
                set.observations.append(contentsOf: observation)
                set.masks.append(contentsOf: mask)
                set.actions.append(action)
                _ = env.step(action, rng: &rng)
            }
            precondition(env.isDone && env.episodeSummary().success, "expert failed on \(env.problem)")
        }
        return set
    }
}
