import RL

/// One episode's tokens on a problem, renderable as
/// `473 + 859: [t1] 2 [t1] 3 [t1] 3 1 → 1332 ✓`.
public struct ArithmeticTrace: Sendable, Codable, Equatable, CustomStringConvertible {
    public var problem: ArithmeticProblem
    /// The actions in the order taken: 0–9 answer digits, 10+k think token k.
    public var actions: [Int]

    public init(problem: ArithmeticProblem, actions: [Int]) {
        self.problem = problem
        self.actions = actions
    }

    /// Answer digits as written, least significant first.
    public var answer: [UInt8] { actions.filter { $0 < 10 }.map(UInt8.init) }

    public var isCorrect: Bool { answer == problem.answer }

    /// Operands most-significant first, the tokens in order (`[tK]` for note symbol
    /// K = 1…, digits as written, least significant first), `→` the answer read most
    /// significant first (`?` for a column never answered), then ✓, or ✗ and the right answer.
    public var description: String {
        let tokens = actions.map { $0 < 10 ? "\($0)" : "[t\($0 - 9)]" }.joined(separator: " ")
        var shown = answer.map { Character(String($0)) }
        if shown.count < problem.digits + 1 {
            shown += Array(repeating: "?", count: problem.digits + 1 - shown.count)
        }
        let read = String(shown.reversed())
        let verdict = isCorrect ? "✓" : "✗ (expected \(ArithmeticProblem.text(problem.answer)))"
        return "\(problem): \(tokens) → \(read) \(verdict)"
    }
}

/// What `ArithmeticEvaluator.evaluate` measured.
public struct ArithmeticEvaluation: Sendable, Codable, Equatable, HeldOutAccuracy {
    public var digits: Int
    public var thinkBudget: Int
    public var samples: Int
    public var problems: Int
    /// Exact-match accuracy of the majority-voted answer.
    public var accuracy: Double
    /// Exact-match accuracy of single sampled episodes (mean over all problems × samples):
    /// `accuracy − sampleAccuracy` is what the vote gained.
    public var sampleAccuracy: Double
    /// For each column 0 … D, the fraction of problems whose voted answer has that digit right.
    public var columnAccuracy: [Double]
    /// Mean of `columnAccuracy`: the fraction of answer digits right.
    public var digitAccuracy: Double { columnAccuracy.reduce(0, +) / Double(max(1, columnAccuracy.count)) }
    /// Think tokens per episode, mean over all sampled episodes.
    public var thinkTokensPerProblem: Double
    /// Fraction of carrying columns (over all sampled episodes) with at least one think
    /// token; nil when no column carried.
    public var carryThinkRate: Double?
    /// Same for non-carrying columns (carry-out column included); nil when there were none.
    public var plainThinkRate: Double?
    /// Mean episodic return over all sampled episodes.
    public var meanReturn: Double
    /// The first sample of each of the first `traces` problems.
    public var traces: [ArithmeticTrace]
}

/// Evaluates a policy on held-out problems, with an optional majority vote over samples.
public struct ArithmeticEvaluator: Sendable {
    /// Picks an available action given the observation and action mask; greedy or
    /// sampling is the caller's choice (sampling should draw from `rng`).
    public typealias Policy = (_ observation: UnsafeBufferPointer<Float>, _ mask: UnsafeBufferPointer<Bool>, _ rng: inout RNG) -> Int

    /// The configuration the policy was trained with: it fixes the view, the note
    /// symbols, the reward and (for the full view) the largest digit count.
    public let config: ArithmeticConfig

    public init(config: ArithmeticConfig) {
        self.config = config
    }

    /// `count` held-out problems with `digits` digits, drawn from `rng` alone.
    public static func heldOutProblems(count: Int, digits: Int, rng: RNG) -> [ArithmeticProblem] {
        var rng = rng
        return (0..<count).map { _ in ArithmeticProblem.drawHeldOut(digits: digits, rng: &rng) }
    }

    /// Runs `policy` on `problems` fresh held-out `digits`-digit problems drawn from
    /// `problemRNG` (the same RNG gives the same problems whatever the budget or samples),
    /// with `thinkBudget` think tokens per column (default: the training budget), and
    /// `samples` episodes per problem. Sample s of problem i draws from
    /// `policyRNG.stream("problem", i).stream("sample", s)`, so results are deterministic
    /// and the first S samples are the same whatever S.
    public func evaluate(
        problems count: Int,
        digits: Int,
        thinkBudget: Int? = nil,
        samples: Int = 1,
        traces: Int = 0,
        problemRNG: RNG,
        policyRNG: RNG,
        policy: Policy
    ) throws -> ArithmeticEvaluation {
        guard count >= 1 else { throw ArithmeticError("problems must be at least 1, got \(count)") }
        try ArithmeticEnvironment.checkFits(digits: digits, config: config)
        let problems = Self.heldOutProblems(count: count, digits: digits, rng: problemRNG)
        return try evaluate(on: problems, thinkBudget: thinkBudget, samples: samples, traces: traces,
                            policyRNG: policyRNG, policy: policy)
    }

    /// Runs `policy` on the given problems (all with the same number of digits).
    ///
    /// Majority vote: the answer given by most of the `samples` episodes wins; a tie
    /// goes to the answer seen first (lowest sample index).
    public func evaluate(
        on problems: [ArithmeticProblem],
        thinkBudget: Int? = nil,
        samples: Int = 1,
        traces: Int = 0,
        policyRNG: RNG,
        policy: Policy
    ) throws -> ArithmeticEvaluation {
        guard let digits = problems.first?.digits else { throw ArithmeticError("no problems to evaluate") }
        guard problems.allSatisfy({ $0.digits == digits }) else {
            throw ArithmeticError("every evaluated problem must have the same number of digits")
        }
        guard samples >= 1 else { throw ArithmeticError("samples must be at least 1, got \(samples)") }
        guard traces >= 0 else { throw ArithmeticError("traces must be ≥ 0, got \(traces)") }
        var envConfig = config
        envConfig.thinkBudget = thinkBudget ?? config.thinkBudget
        envConfig.minThinkBudget = envConfig.thinkBudget
        try envConfig.validate()
        try ArithmeticEnvironment.checkFits(digits: digits, config: envConfig)

        var env = ArithmeticEnvironment(config: envConfig)
        let starts = try problems.map { problem in
            try env.reset(problem: problem)
            return env
        }
        let solutions: [[SampledSolution<ArithmeticEnvironment>]]
        do {
            solutions = try SolutionSampler.play(starts, samples: samples, policyRNG: policyRNG, policy: policy)
        } catch {
            throw ArithmeticError(error.description)
        }
        let chosen = solutions.map { SampleSelection.majorityIndex($0.map(\.final.answer)) }
        return Self.summarize(problems, thinkBudget: envConfig.thinkBudget, solutions: solutions, chosen: chosen, traces: traces)
    }

    /// What sampled solutions measured, `chosen[i]` being the sample chosen
    /// for problem i: exact match and column accuracy of the chosen answers,
    /// the rest over every sample; traces of the first sample of the first
    /// `traces` problems.
    public static func summarize(
        _ problems: [ArithmeticProblem], thinkBudget: Int, solutions: [[SampledSolution<ArithmeticEnvironment>]], chosen: [Int], traces: Int
    ) -> ArithmeticEvaluation {
        let digits = problems.first?.digits ?? 0
        let samples = solutions.first?.count ?? 1
        let columns = digits + 1
        var exact = 0, sampleExact = 0
        var columnCorrect = [Int](repeating: 0, count: columns)
        var thinkTokens = 0.0, totalReturn = 0.0
        var carryColumns = 0, carryThought = 0, plainColumns = 0, plainThought = 0
        var shownTraces: [ArithmeticTrace] = []
        for (index, problem) in problems.enumerated() {
            for solution in solutions[index] {
                let summary = solution.summary
                if summary.success { sampleExact += 1 }
                totalReturn += summary.episodicReturn
                thinkTokens += summary.metrics["think_tokens", default: 0]
                carryColumns += Int(summary.metrics["carry_columns", default: 0])
                carryThought += Int(summary.metrics["carry_columns_with_thought", default: 0])
                plainColumns += Int(summary.metrics["plain_columns", default: 0])
                plainThought += Int(summary.metrics["plain_columns_with_thought", default: 0])
            }
            if index < traces, let first = solutions[index].first {
                shownTraces.append(ArithmeticTrace(problem: problem, actions: first.actions))
            }
            let picked = solutions[index][chosen[index]].final.answer
            let right = problem.answer
            if picked == right { exact += 1 }
            for column in 0..<columns where column < picked.count && picked[column] == right[column] { columnCorrect[column] += 1 }
        }

        let episodes = Double(problems.count * samples)
        let n = Double(problems.count)
        return ArithmeticEvaluation(
            digits: digits,
            thinkBudget: thinkBudget,
            samples: samples,
            problems: problems.count,
            accuracy: Double(exact) / n,
            sampleAccuracy: Double(sampleExact) / episodes,
            columnAccuracy: columnCorrect.map { Double($0) / n },
            thinkTokensPerProblem: thinkTokens / episodes,
            carryThinkRate: carryColumns > 0 ? Double(carryThought) / Double(carryColumns) : nil,
            plainThinkRate: plainColumns > 0 ? Double(plainThought) / Double(plainColumns) : nil,
            meanReturn: totalReturn / episodes,
            traces: shownTraces)
    }

    /// The answer with the most votes; ties go to the one first seen.
    static func majority(_ votes: [[UInt8]: (count: Int, first: Int)]) -> [UInt8] {
        let winner = votes.min { lhs, rhs in
            lhs.value.count != rhs.value.count ? lhs.value.count > rhs.value.count : lhs.value.first < rhs.value.first
        }
        return winner?.key ?? []  // every problem casts at least one vote
    }
}
