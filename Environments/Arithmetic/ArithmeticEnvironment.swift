import RL

/// Multi-digit addition with a scratchpad: the agent writes the answer least
/// significant digit first, and may write notes (think tokens) into the cursor's
/// column before answering it. The carry is not observed; a policy that thinks
/// can write it down in one column and read it in the next.
///
/// Actions: 0–9 write that digit into the cursor's column and move the cursor to
/// the next column; 10 ..< 10+K write note symbol `action − 9` into the cursor's
/// column (cursor stays), at most `cap` per column — `thinkBudget`, or with a
/// range of caps one drawn per training episode. The episode ends
/// (terminated) when column D is answered.
public struct ArithmeticEnvironment: Environment {
    public let config: ArithmeticConfig
    /// The problem being solved.
    public private(set) var problem: ArithmeticProblem
    /// Column being answered, 0 … D; D+1 once the episode has ended.
    public private(set) var cursor: Int
    /// Note symbol in each column 0 … D: 0 = empty, 1 … K.
    public private(set) var notes: [UInt8]
    /// Answer digits written so far, least significant first (valid below `cursor`).
    public private(set) var written: [UInt8]
    /// Think tokens spent in each column.
    public private(set) var thinkTokensPerColumn: [Int]
    /// Think tokens allowed per column in this episode.
    public private(set) var cap: Int
    private var episodeReturn: Double

    public init(config: ArithmeticConfig) {
        do {
            try config.validate()
        } catch {
            preconditionFailure("invalid arithmetic config: \(error)")
        }
        self.config = config
        let digits = config.digits.lowerBound
        problem = ArithmeticProblem(a: Array(repeating: 0, count: digits), b: Array(repeating: 0, count: digits))
        cursor = 0
        notes = Array(repeating: 0, count: digits + 1)
        written = Array(repeating: 0, count: digits + 1)
        thinkTokensPerColumn = Array(repeating: 0, count: digits + 1)
        cap = config.thinkBudget
        episodeReturn = 0
    }

    // MARK: Sizes

    /// Floats of the column part: a digit (10), b digit (10), note here (K+1),
    /// note in the previous column (K+1), think tokens used here (4), first, last.
    public static func columnObservationSize(thinkSymbols: Int) -> Int {
        10 + 10 + 2 * (thinkSymbols + 1) + 4 + 2
    }

    /// Floats written by `writeObservation` under `config`.
    public static func observationSize(for config: ArithmeticConfig) -> Int {
        let column = columnObservationSize(thinkSymbols: config.thinkSymbols)
        switch config.view {
        case .column: return column
        case .full:
            let width = config.digits.upperBound
            return column + 2 * 10 * width + (width + 1)
        }
    }

    public var observationSize: Int { Self.observationSize(for: config) }
    public var actionCount: Int { 10 + config.thinkSymbols }

    /// Whether the last column has been answered.
    public var isDone: Bool { cursor > problem.digits }

    // MARK: Episodes

    /// Starts an episode on a training problem: D uniform in `config.digits`,
    /// operands uniform, held-out problems redrawn (D kept), then — only when
    /// the config has a range of caps, so a fixed cap draws exactly as before —
    /// the cap uniform in `config.thinkBudgets`.
    public mutating func reset(rng: inout RNG) {
        let digits = config.digits.lowerBound + rng.int(below: config.digits.count)
        problem.redrawTraining(digits: digits, rng: &rng)
        let caps = config.thinkBudgets
        cap = caps.count == 1 ? caps.lowerBound : caps.lowerBound + rng.int(below: caps.count)
        clearEpisode()
    }

    /// Starts an episode on a given problem. Any D up to 32 is accepted in the column
    /// view; the full view only fits up to `config.digits.upperBound` digits.
    public mutating func reset(problem: ArithmeticProblem) throws {
        try Self.checkFits(digits: problem.digits, config: config)
        self.problem = problem
        cap = config.thinkBudget
        clearEpisode()
    }

    /// Throws when a `digits`-digit problem cannot be shown under `config`.
    public static func checkFits(digits: Int, config: ArithmeticConfig) throws {
        guard (1...ArithmeticConfig.maxSupportedDigits).contains(digits) else {
            throw ArithmeticError("digits must be between 1 and \(ArithmeticConfig.maxSupportedDigits), got \(digits)")
        }
        if config.view == .full, digits > config.digits.upperBound {
            throw ArithmeticError(
                "the full view was configured for at most \(config.digits.upperBound) digits and cannot show \(digits); use the column view to evaluate longer problems")
        }
    }

    private mutating func clearEpisode() {
        let columns = problem.digits + 1
        cursor = 0
        notes.removeAll(keepingCapacity: true)
        notes.append(contentsOf: repeatElement(0, count: columns))
        written.removeAll(keepingCapacity: true)
        written.append(contentsOf: repeatElement(0, count: columns))
        thinkTokensPerColumn.removeAll(keepingCapacity: true)
        thinkTokensPerColumn.append(contentsOf: repeatElement(0, count: columns))
        episodeReturn = 0
    }

    // MARK: Observation and mask

    public func writeObservation(into buffer: UnsafeMutableBufferPointer<Float>) {
        precondition(buffer.count == observationSize, "observation buffer holds \(buffer.count) floats, not \(observationSize)")
        buffer.update(repeating: 0)
        let digits = problem.digits
        let symbols = config.thinkSymbols
        let noteHere = 20
        let notePrevious = noteHere + symbols + 1
        let used = notePrevious + symbols + 1
        let first = used + 4
        let last = first + 1
        if cursor <= digits {
            if cursor < digits {
                buffer[Int(problem.a[cursor])] = 1
                buffer[10 + Int(problem.b[cursor])] = 1
            }
            buffer[noteHere + Int(notes[cursor])] = 1
            buffer[notePrevious + (cursor > 0 ? Int(notes[cursor - 1]) : 0)] = 1
            buffer[used + min(thinkTokensPerColumn[cursor], 3)] = 1
            if cursor == 0 { buffer[first] = 1 }
            if cursor == digits { buffer[last] = 1 }
        }
        guard config.view == .full else { return }
        let width = config.digits.upperBound
        let aDigits = last + 1
        let bDigits = aDigits + 10 * width
        let cursorSlot = bDigits + 10 * width
        for column in 0..<digits {
            buffer[aDigits + 10 * column + Int(problem.a[column])] = 1
            buffer[bDigits + 10 * column + Int(problem.b[column])] = 1
        }
        if cursor <= digits { buffer[cursorSlot + cursor] = 1 }
    }

    public func writeActionMask(into mask: UnsafeMutableBufferPointer<Bool>) {
        precondition(mask.count == actionCount, "action mask holds \(mask.count) flags, not \(actionCount)")
        let canThink = !isDone && thinkTokensPerColumn[cursor] < cap
        for action in mask.indices { mask[action] = action < 10 || canThink }
    }

    // MARK: Dynamics

    public mutating func step(_ action: Int, rng: inout RNG) -> StepOutcome {
        precondition(!isDone, "step after the episode ended; call reset first")
        precondition((0..<actionCount).contains(action), "action \(action) out of range 0..<\(actionCount)")
        if action < 10 {
            written[cursor] = UInt8(action)
            cursor += 1
            guard isDone else { return StepOutcome(reward: 0) }
            let reward = config.reward.reward(correct: problem.correctDigits(written, below: cursor), of: problem.digits + 1)
            episodeReturn += Double(reward)
            return StepOutcome(reward: reward, terminated: true)
        }
        precondition(thinkTokensPerColumn[cursor] < cap, "think token \(action) is masked: column budget used up")
        notes[cursor] = UInt8(action - 9)
        thinkTokensPerColumn[cursor] += 1
        let reward = -Float(config.thinkCost)
        episodeReturn += Double(reward)
        return StepOutcome(reward: reward)
    }

    /// The answer digits written in the finished episode, least significant first.
    public var answer: [UInt8] { Array(written[0..<min(cursor, written.count)]) }

    public func episodeSummary() -> EpisodeSummary {
        let columns = problem.digits + 1
        let correct = problem.correctDigits(written, below: cursor)
        let carries = problem.carries
        var carryColumns = 0, carryThought = 0, plainThought = 0
        for column in 0..<columns {
            let thought = thinkTokensPerColumn[column] > 0
            if carries[column] {
                carryColumns += 1
                if thought { carryThought += 1 }
            } else if thought {
                plainThought += 1
            }
        }
        let thinkTokens = thinkTokensPerColumn.reduce(0, +)
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
                "carry_columns": Double(carryColumns),
                "carry_columns_with_thought": Double(carryThought),
                "plain_columns": Double(columns - carryColumns),
                "plain_columns_with_thought": Double(plainThought),
                "correct_digits": Double(correct),
                "digit_accuracy": Double(correct) / Double(columns),
            ])
    }
}
