import NN
import RL

/// One episode's tokens: `473 × 8: || 4 ||||| 8 ||| 7 3 → 3784 ✓` (marks
/// grouped, digits as written, least significant first; `→` the answer read
/// most significant first, `?` for a column never answered).
public struct MultiplicationTrace: Sendable, Codable, Equatable, CustomStringConvertible {
    public var problem: MultiplicationProblem
    public var actions: [Int]

    public init(problem: MultiplicationProblem, actions: [Int]) {
        self.problem = problem
        self.actions = actions
    }

    public var answer: [UInt8] { actions.filter { $0 < 10 }.map(UInt8.init) }
    public var isCorrect: Bool { answer == problem.answer }

    public var description: String {
        var tokens: [String] = [], run = 0
        for action in actions {
            if action == MultiplicationEnvironment.markAction {
                run += 1
                continue
            }
            if run > 0 { tokens.append(String(repeating: "|", count: run)) }
            run = 0
            tokens.append("\(action)")
        }
        if run > 0 { tokens.append(String(repeating: "|", count: run)) }
        var shown = answer.map { Character(String($0)) }
        if shown.count < problem.digits + 1 { shown += Array(repeating: "?", count: problem.digits + 1 - shown.count) }
        let verdict = isCorrect ? "✓" : "✗ (expected \(MultiplicationProblem.text(problem.answer)))"
        return "\(problem): \(tokens.joined(separator: " ")) → \(String(shown.reversed())) \(verdict)"
    }
}

/// What an evaluation measured, for the policy and for the expert held to the same cap.
public struct MultiplicationEvaluation: Sendable, HeldOutAccuracy {
    public var digits: Int
    public var multipliers: ClosedRange<Int>
    public var cap: Int
    public var problems: Int
    /// Exact-match accuracy, greedy.
    public var accuracy: Double
    /// Fraction of answer digits right.
    public var digitAccuracy: Double
    /// Tally marks per problem.
    public var thinkTokensPerProblem: Double
    /// The expert under the same cap on the same problems (the ideal reasoner).
    public var idealAccuracy: Double
    public var idealThinkTokensPerProblem: Double
    /// Per multiplier present: (problems, accuracy, think tokens per problem).
    public var byMultiplier: [Int: (problems: Int, accuracy: Double, thinkTokens: Double)]
    public var traces: [MultiplicationTrace]
}

/// Greedy evaluation on held-out problems under a fixed cap per column.
public enum MultiplicationEvaluator {
    /// Picks an available action from an observation and its mask.
    public typealias Policy = (_ observation: UnsafeBufferPointer<Float>, _ mask: UnsafeBufferPointer<Bool>) -> Int

    /// `count` held-out problems of `digits` digits, multipliers uniform in
    /// `multipliers`, drawn from `rng` alone (so every cap sees the same ones).
    public static func heldOutProblems(count: Int, digits: Int, multipliers: ClosedRange<Int>, rng: RNG) -> [MultiplicationProblem] {
        var rng = rng
        return (0..<count).map { _ in MultiplicationProblem.drawHeldOut(digits: digits, multipliers: multipliers, rng: &rng) }
    }

    /// The problems a run evaluates: from its seed's evaluation stream.
    public static func heldOutProblems(seed: UInt64, count: Int, digits: Int, multipliers: ClosedRange<Int>) -> [MultiplicationProblem] {
        heldOutProblems(
            count: count, digits: digits, multipliers: multipliers,
            rng: RNG(seed: seed).stream("eval-problems", digits).stream("multiplier", 10 * multipliers.lowerBound + multipliers.upperBound))
    }

    /// Runs `policy` (and the expert) on `problems` with `cap` marks allowed per column.
    public static func evaluate(
        _ problems: [MultiplicationProblem], multipliers: ClosedRange<Int>, cap: Int, traces: Int = 0, config: MultiplicationConfig,
        policy: Policy
    ) throws -> MultiplicationEvaluation {
        guard let digits = problems.first?.digits, problems.allSatisfy({ $0.digits == digits }) else {
            throw MultiplicationError("evaluate needs problems, all with the same number of digits")
        }
        guard MultiplicationConfig.thinkBudgetLimits.contains(cap) else {
            throw MultiplicationError("think budget must be within 0-\(MultiplicationConfig.maxThinkBudget), got \(cap)")
        }
        var env = MultiplicationEnvironment(config: config)
        var observation = [Float](repeating: 0, count: env.observationSize)
        var mask = [Bool](repeating: false, count: env.actionCount)
        var rng = RNG(seed: 0)  // the environment draws nothing while stepping

        func run(_ problem: MultiplicationProblem, _ act: Policy) throws -> (correct: Int, marks: Int, actions: [Int]) {
            env.reset(problem: problem, cap: cap)
            var actions: [Int] = []
            while !env.isDone {
                observation.withUnsafeMutableBufferPointer { env.writeObservation(into: $0) }
                mask.withUnsafeMutableBufferPointer { env.writeActionMask(into: $0) }
                let action = observation.withUnsafeBufferPointer { o in mask.withUnsafeBufferPointer { act(o, $0) } }
                guard (0..<env.actionCount).contains(action), mask[action] else {
                    throw MultiplicationError("the policy chose unavailable action \(action) on \(problem)")
                }
                actions.append(action)
                _ = env.step(action, rng: &rng)
            }
            return (problem.correctDigits(env.written, below: env.cursor), env.marks.reduce(0, +), actions)
        }

        let policyRuns = try problems.map { try run($0, policy) }
        let idealRuns = try problems.map { try run($0, MultiplicationExpert.action) }
        return aggregate(problems, multipliers: multipliers, cap: cap, traces: traces, policyRuns: policyRuns, idealRuns: idealRuns)
    }

    /// The same measures for solutions a test-time search sampled and chose
    /// (`chosen[i]` the answer to problem i); marks per problem are the mean
    /// over `allSamples`, every sample drawn. The ideal reasoner runs as above.
    public static func evaluate(
        _ problems: [MultiplicationProblem], multipliers: ClosedRange<Int>, cap: Int, traces: Int = 0, config: MultiplicationConfig,
        chosen: [SampledSolution<MultiplicationEnvironment>], allSamples: [[SampledSolution<MultiplicationEnvironment>]]
    ) throws -> MultiplicationEvaluation {
        let ideal = try evaluate(problems, multipliers: multipliers, cap: cap, config: config, policy: MultiplicationExpert.action)
        let runs = chosen.map { s in
            (correct: Int(s.summary.metrics["correct_digits", default: 0]), marks: Int(s.summary.metrics["think_tokens", default: 0]), actions: s.actions)
        }
        var result = aggregate(problems, multipliers: multipliers, cap: cap, traces: traces, policyRuns: runs, idealRuns: [])
        result.idealAccuracy = ideal.idealAccuracy
        result.idealThinkTokensPerProblem = ideal.idealThinkTokensPerProblem
        let episodes = allSamples.flatMap { $0 }
        if !episodes.isEmpty {
            result.thinkTokensPerProblem = episodes.reduce(0) { $0 + $1.summary.metrics["think_tokens", default: 0] } / Double(episodes.count)
        }
        return result
    }

    static func aggregate(
        _ problems: [MultiplicationProblem], multipliers: ClosedRange<Int>, cap: Int, traces: Int,
        policyRuns: [(correct: Int, marks: Int, actions: [Int])], idealRuns: [(correct: Int, marks: Int, actions: [Int])]
    ) -> MultiplicationEvaluation {
        let digits = problems.first?.digits ?? 0
        var exact = 0, digitsRight = 0, marks = 0, idealExact = 0, idealMarks = 0
        var perMultiplier: [Int: (problems: Int, exact: Int, marks: Int)] = [:]
        var shown: [MultiplicationTrace] = []
        for (i, problem) in problems.enumerated() {
            let columns = digits + 1
            let policyRun = policyRuns[i]
            let right = policyRun.correct == columns
            if right { exact += 1 }
            if i < idealRuns.count {
                if idealRuns[i].correct == columns { idealExact += 1 }
                idealMarks += idealRuns[i].marks
            }
            digitsRight += policyRun.correct
            marks += policyRun.marks
            perMultiplier[problem.multiplier, default: (0, 0, 0)].problems += 1
            perMultiplier[problem.multiplier, default: (0, 0, 0)].exact += right ? 1 : 0
            perMultiplier[problem.multiplier, default: (0, 0, 0)].marks += policyRun.marks
            if shown.count < traces { shown.append(MultiplicationTrace(problem: problem, actions: policyRun.actions)) }
        }
        let n = Double(problems.count)
        return MultiplicationEvaluation(
            digits: digits, multipliers: multipliers, cap: cap, problems: problems.count,
            accuracy: Double(exact) / n, digitAccuracy: Double(digitsRight) / (n * Double(digits + 1)),
            thinkTokensPerProblem: Double(marks) / n,
            idealAccuracy: Double(idealExact) / n, idealThinkTokensPerProblem: Double(idealMarks) / n,
            byMultiplier: perMultiplier.mapValues { ($0.problems, Double($0.exact) / Double($0.problems), Double($0.marks) / Double($0.problems)) },
            traces: shown)
    }

    /// Greedy evaluation of an actor network.
    public static func evaluate(
        actor: some PolicyNetwork, _ problems: [MultiplicationProblem], multipliers: ClosedRange<Int>, cap: Int, traces: Int = 0,
        config: MultiplicationConfig
    ) throws -> MultiplicationEvaluation {
        var inference = PolicyInference(network: actor)
        var rng = RNG(seed: 0)  // greedy: never drawn from
        return try evaluate(problems, multipliers: multipliers, cap: cap, traces: traces, config: config) { observation, mask in
            inference.act(observation: observation, mask: mask, greedy: true, rng: &rng)
        }
    }
}
