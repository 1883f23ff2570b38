import RL

/// Multiplication of a D-digit number by one digit, with tally marks for
/// notes: the agent writes the answer of `a × m` least-significant digit
/// first, and before answering a column it may put tally marks in it. The
/// carry into a column is never observed — only the marks in the previous
/// column are — so a policy that must carry c writes c marks. Carries grow
/// with the multiplier (up to m − 1), so harder problems need more thinking.
///
/// Actions: 0–9 write that digit and move the cursor to the next column;
/// 10 puts a tally mark in the cursor's column (the cursor stays), at most
/// `cap` per column — the think budget, drawn per episode from
/// `config.thinkBudget`. At the cap the mark is masked: the policy must
/// answer (budget forcing). The episode ends (terminated) when column D is
/// answered.
public struct MultiplicationEnvironment: Environment {
    public let config: MultiplicationConfig
    public private(set) var problem: MultiplicationProblem
    /// Tally marks allowed per column in this episode.
    public private(set) var cap: Int
    /// Column being answered, 0 … D; D+1 once the episode has ended.
    public private(set) var cursor: Int
    /// Tally marks in each column 0 … D.
    public private(set) var marks: [Int]
    /// Answer digits written so far, least significant first (valid below `cursor`).
    public private(set) var written: [UInt8]
    private var episodeReturn: Double

    /// The mark action.
    public static let markAction = 10
    /// Mark counts are shown one-hot up to this many; more read as this many.
    public static let shownMarks = 9

    public init(config: MultiplicationConfig) {
        do {
            try config.validate()
        } catch {
            preconditionFailure("invalid multiplication config: \(error)")
        }
        self.config = config
        let digits = config.digits.lowerBound
        problem = MultiplicationProblem(a: Array(repeating: 0, count: digits), multiplier: config.multiplier.lowerBound)
        cap = config.thinkBudget.upperBound
        cursor = 0
        marks = Array(repeating: 0, count: digits + 1)
        written = Array(repeating: 0, count: digits + 1)
        episodeReturn = 0
    }

    // MARK: Sizes

    /// Multiplicand digit (10), multiplier 1…9 (9), marks in the previous
    /// column (10), marks in this one (10), first column, carry-out column.
    public static let observationSize = 10 + 9 + 2 * (shownMarks + 1) + 2
    public var observationSize: Int { Self.observationSize }
    public var actionCount: Int { 11 }

    /// Whether the last column has been answered.
    public var isDone: Bool { cursor > problem.digits }

    // MARK: Episodes

    /// Starts an episode on a training problem: D uniform in `config.digits`,
    /// m uniform in `config.multiplier`, the multiplicand's digits uniform
    /// (held-out problems redrawn, D kept), then the cap uniform in
    /// `config.thinkBudget`.
    public mutating func reset(rng: inout RNG) {
        let digits = config.digits.lowerBound + rng.int(below: config.digits.count)
        problem.redrawTraining(digits: digits, multipliers: config.multiplier, rng: &rng)
        cap = config.thinkBudget.lowerBound + rng.int(below: config.thinkBudget.count)
        clearEpisode()
    }

    /// Starts an episode on a given problem with a given cap (any D up to 32:
    /// the observation is the cursor's column only).
    public mutating func reset(problem: MultiplicationProblem, cap: Int) {
        precondition(MultiplicationConfig.thinkBudgetLimits.contains(cap), "cap \(cap) out of range")
        self.problem = problem
        self.cap = cap
        clearEpisode()
    }

    private mutating func clearEpisode() {
        let columns = problem.digits + 1
        cursor = 0
        marks.removeAll(keepingCapacity: true)
        marks.append(contentsOf: repeatElement(0, count: columns))
        written.removeAll(keepingCapacity: true)
        written.append(contentsOf: repeatElement(0, count: columns))
        episodeReturn = 0
    }

    // MARK: Observation and mask

    public func writeObservation(into buffer: UnsafeMutableBufferPointer<Float>) {
        precondition(buffer.count == Self.observationSize, "observation buffer holds \(buffer.count) floats, not \(Self.observationSize)")
        buffer.update(repeating: 0)
        let digits = problem.digits
        guard cursor <= digits else { return }
        let multiplierSlot = 10, previous = 19, here = previous + Self.shownMarks + 1, first = here + Self.shownMarks + 1
        if cursor < digits { buffer[Int(problem.a[cursor])] = 1 }
        buffer[multiplierSlot + problem.multiplier - 1] = 1
        buffer[previous + min(cursor > 0 ? marks[cursor - 1] : 0, Self.shownMarks)] = 1
        buffer[here + min(marks[cursor], Self.shownMarks)] = 1
        if cursor == 0 { buffer[first] = 1 }
        if cursor == digits { buffer[first + 1] = 1 }
    }

    public func writeActionMask(into mask: UnsafeMutableBufferPointer<Bool>) {
        precondition(mask.count == 11, "action mask holds \(mask.count) flags, not 11")
        let canThink = !isDone && marks[cursor] < cap
        for action in mask.indices { mask[action] = action < 10 || canThink }
    }

    // MARK: Dynamics

    public mutating func step(_ action: Int, rng: inout RNG) -> StepOutcome {
        precondition(!isDone, "step after the episode ended; call reset first")
        precondition((0...10).contains(action), "action \(action) out of range 0...10")
        if action < 10 {
            written[cursor] = UInt8(action)
            cursor += 1
            guard isDone else { return StepOutcome(reward: 0) }
            let reward = config.reward.reward(correct: problem.correctDigits(written, below: cursor), of: problem.digits + 1)
            episodeReturn += Double(reward)
            return StepOutcome(reward: reward, terminated: true)
        }
        precondition(marks[cursor] < cap, "the tally mark is masked: this column's budget of \(cap) is used up")
        marks[cursor] += 1
        let reward = -Float(config.thinkCost)
        episodeReturn += Double(reward)
        return StepOutcome(reward: reward)
    }

    /// The answer digits written in the finished episode, least significant first.
    public var answer: [UInt8] { Array(written[0..<min(cursor, written.count)]) }

    public func episodeSummary() -> EpisodeSummary {
        let columns = problem.digits + 1
        let correct = problem.correctDigits(written, below: cursor)
        let thinkTokens = marks.reduce(0, +)
        let success = isDone && correct == columns
        return EpisodeSummary(
            episodicReturn: episodeReturn,
            length: cursor + thinkTokens,
            success: success,
            metrics: [
                "think_tokens": Double(thinkTokens),
                // Present for right or for wrong answers only, so that a window's
                // mean of each is over the episodes of that kind.
                success ? "think_tokens_correct" : "think_tokens_incorrect": Double(thinkTokens),
                "digits": Double(problem.digits),
                "multiplier": Double(problem.multiplier),
                "cap": Double(cap),
                "correct_digits": Double(correct),
                "digit_accuracy": Double(correct) / Double(columns),
            ])
    }
}
