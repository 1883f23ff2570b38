import Foundation
import NN
import RL
import RunStorage

/// `rltrain eval` on a multiplication run: held-out problems of any length,
/// any multiplier range and any cap, beside the ideal reasoner under the same
/// cap; greedy, or test-time search (several sampled solutions, one chosen
/// by majority vote or by the run's learned verifier, or pass@N).
extension MultiplicationSettings {
    public struct EvaluationRequest: Sendable, Equatable {
        public var problems = 1000
        /// Multiplicand length (nil: the longest trained length).
        public var digits: Int? = nil
        /// Multipliers drawn uniformly (nil: the trained range).
        public var multiplier: ClosedRange<Int>? = nil
        /// Marks allowed per column (nil: the largest trained cap).
        public var thinkBudget: Int? = nil
        /// Samples, temperature, selection and threads (default: greedy).
        public var search = SearchOptions()
        /// Solved problems to print with their marks.
        public var show = 0
        public init() {}
    }

    public static var defaultEvaluation: EvaluationRequest { EvaluationRequest() }

    public static var evaluationOptions: [CommandLineOption<EvaluationRequest>] {
        [
            .integer("problems", \.problems, help: "Multiplication: held-out problems to solve (default 1000)."),
            .integer("digits", \.digits, help: "Multiplication: digits of the multiplicand (default: the longest trained length)."),
            CommandLineOption("multiplier", valueName: "M or A-B", help: "Multiplication: the multiplier, or a range drawn per problem (default: as trained).") {
                (text: String?, request: inout EvaluationRequest) throws(OptionError) in
                do {
                    request.multiplier = try MultiplicationConfig.parseMultiplier(text ?? "")
                } catch {
                    throw OptionError("--multiplier: \(error)")
                }
            },
            .integer("think-budget", \.thinkBudget, help: "Multiplication: tally marks allowed per column (default: the largest trained cap); language model: tokens of working before the answer is forced."),
        ] + SearchOptions.options(\.search, environment: "Multiplication") + [
            .integer("show", \.show, help: "Multiplication: print this many solved problems with their marks (default 0)."),
        ]
    }

    public static func validate(_ request: EvaluationRequest) throws(ConfigError) {
        guard (1...10_000_000).contains(request.problems) else {
            throw ConfigError("--problems must be between 1 and 10000000, got \(request.problems)")
        }
        if let digits = request.digits, !MultiplicationConfig.digitsLimits.contains(digits) {
            throw ConfigError("--digits must be between 1 and \(MultiplicationConfig.maxSupportedDigits), got \(digits)")
        }
        if let cap = request.thinkBudget, !MultiplicationConfig.thinkBudgetLimits.contains(cap) {
            throw ConfigError("--think-budget must be between 0 and \(MultiplicationConfig.maxThinkBudget), got \(cap)")
        }
        try request.search.validate()
        guard request.show >= 0 else { throw ConfigError("--show must be 0 or more, got \(request.show)") }
    }

    public static var evaluationColumns: [String] {
        [
            "digits", "multiplier", "think_budget", "samples", "temperature", "selection", "problems", "accuracy", "coverage",
            "think_tokens_mean", "sample_accuracy", "ideal_accuracy", "ideal_think_tokens_mean", "digit_accuracy",
            "verifier_auc", "test_flops", "train_flops", "stage",
        ]
    }

    /// Held-out problems (those `rltrain eval` draws) or training problems
    /// (a verifier's), `count` of them with the request's length and
    /// multipliers, under its cap.
    public func searchProblems(_ request: EvaluationRequest, count: Int, heldOut: Bool, seed: UInt64) throws -> [MultiplicationEnvironment]? {
        let digits = request.digits ?? evalDigits, range = request.multiplier ?? environment.multiplier
        let cap = request.thinkBudget ?? trainedCap
        let problems: [MultiplicationProblem]
        if heldOut {
            problems = MultiplicationEvaluator.heldOutProblems(seed: seed, count: count, digits: digits, multipliers: range)
        } else {
            var rng = RNG(seed: seed).stream("verifier-problems", digits).stream("multiplier", 10 * range.lowerBound + range.upperBound)
            problems = (0..<count).map { _ in MultiplicationProblem.drawTraining(digits: digits, multipliers: range, rng: &rng) }
        }
        var env = MultiplicationEnvironment(config: environment)
        return problems.map { problem in
            env.reset(problem: problem, cap: cap)
            return env
        }
    }

    public func evaluate(actor: some PolicyNetwork, _ request: EvaluationRequest, run: RunContext) throws {
        let range = request.multiplier ?? environment.multiplier, cap = request.thinkBudget ?? trainedCap
        BudgetForcing.warnIfAboveFixedCap(requested: request.thinkBudget, trained: environment.thinkBudget, console: run.console)
        let starts = try searchProblems(request, count: request.problems, heldOut: true, seed: run.seed) ?? []
        let outcome = try TestTimeSearch.run(
            starts, request.search, actor: actor, policyRNG: RNG(seed: run.seed).stream("eval-policy"), directory: run.directory) { $0.answer }
        let result = try MultiplicationEvaluator.evaluate(
            starts.map(\.problem), multipliers: range, cap: cap, traces: request.show, config: environment,
            chosen: outcome.chosenSolutions, allSamples: outcome.solutions)
        for trace in result.traces { run.console.line(trace.description) }
        run.console.line(String(
            format: "%d-digit problems × %@, think budget %d marks per column, %@: %@ (%d problems), %.2f marks per problem; the ideal reasoner under the same cap: %@, %.2f marks",
            result.digits, MultiplicationConfig.describe(result.multipliers), result.cap, outcome.methodText, outcome.resultText, result.problems,
            result.thinkTokensPerProblem, Console.percent(result.idealAccuracy), result.idealThinkTokensPerProblem))
        // The training compute behind this policy, for figures against it.
        let flops = (try? CSVTable(path: run.directory.progress).doubles("flops").last).flatMap { $0 }
        var row = Self.evaluationRow(result, stage: "eval", flops: flops).merging(outcome.csvFields) { $1 }
        if outcome.accuracy == nil {
            // The oracle's "choice" needs the answer key: nothing of it is an accuracy.
            for column in ["accuracy", "digit_accuracy"] { row[column] = .missing }
        }
        try EvaluationLog.append([row], columns: Self.evaluationColumns, to: run.directory)
    }

    static func evaluationRow(_ r: MultiplicationEvaluation, stage: String, flops: Double?) -> [String: CSVField] {
        [
            "digits": .int(r.digits), "multiplier": .text(MultiplicationConfig.describe(r.multipliers)),
            "think_budget": .int(r.cap), "samples": .int(1), "temperature": .double(0), "selection": .text("greedy"),
            "problems": .int(r.problems),
            "accuracy": .double(r.accuracy), "think_tokens_mean": .double(r.thinkTokensPerProblem),
            "ideal_accuracy": .double(r.idealAccuracy), "ideal_think_tokens_mean": .double(r.idealThinkTokensPerProblem),
            "digit_accuracy": .double(r.digitAccuracy), "train_flops": CSVField(flops), "stage": .text(stage),
        ]
    }
}
