import Foundation
import NN
import RL
import RunStorage

/// `rltrain eval` on an arithmetic run: held-out problems of any length,
/// any think budget, greedy or test-time search — several sampled solutions
/// at a temperature, one chosen by majority vote or by the run's learned
/// verifier, or pass@N (the oracle's coverage).
extension ArithmeticSettings {
    public struct EvaluationRequest: Sendable, Equatable {
        public var problems = 1000
        /// Operand length (nil: the longest trained length).
        public var digits: Int? = nil
        /// Think tokens per column at evaluation (nil: as trained).
        public var thinkBudget: Int? = nil
        /// Samples, temperature, selection and threads (default: greedy).
        public var search = SearchOptions()
        /// Solved problems to print with their thinking.
        public var show = 0
        public init() {}
    }

    public static var defaultEvaluation: EvaluationRequest { EvaluationRequest() }

    public static var evaluationOptions: [CommandLineOption<EvaluationRequest>] {
        [
            .integer("problems", \.problems, help: "Arithmetic: held-out problems to solve (default 1000)."),
            .integer("digits", \.digits, help: "Arithmetic: digits per operand (default: the longest trained length)."),
            .integer("think-budget", \.thinkBudget, help: "Arithmetic: think tokens allowed per column at evaluation (default: as trained); language model: tokens of working before the answer is forced."),
        ] + SearchOptions.options(\.search, environment: "Arithmetic") + [
            .integer("show", \.show, help: "Arithmetic: print this many solved problems with their thinking (default 0)."),
        ]
    }

    public static func validate(_ request: EvaluationRequest) throws(ConfigError) {
        guard (1...10_000_000).contains(request.problems) else {
            throw ConfigError("--problems must be between 1 and 10000000, got \(request.problems)")
        }
        if let digits = request.digits, !(1...ArithmeticConfig.maxSupportedDigits).contains(digits) {
            throw ConfigError("--digits must be between 1 and \(ArithmeticConfig.maxSupportedDigits), got \(digits)")
        }
        if let budget = request.thinkBudget, !(0...ArithmeticConfig.maxThinkBudget).contains(budget) {
            throw ConfigError("--think-budget must be between 0 and \(ArithmeticConfig.maxThinkBudget), got \(budget)")
        }
        try request.search.validate()
        guard request.show >= 0 else { throw ConfigError("--show must be 0 or more, got \(request.show)") }
    }

    public static var evaluationColumns: [String] {
        [
            "digits", "think_budget", "samples", "temperature", "selection", "problems", "accuracy", "coverage",
            "think_tokens_mean", "sample_accuracy", "digit_accuracy", "carry_think_rate", "plain_think_rate", "column_accuracy",
            "verifier_auc", "test_flops", "train_flops", "stage",
        ]
    }

    /// Held-out problems (those `rltrain eval` draws) or training problems
    /// (a verifier's), `count` of them with the request's length, under its
    /// think budget.
    public func searchProblems(_ request: EvaluationRequest, count: Int, heldOut: Bool, seed: UInt64) throws -> [ArithmeticEnvironment]? {
        let digits = request.digits ?? evalDigits
        var config = environment
        config.thinkBudget = request.thinkBudget ?? environment.thinkBudget
        config.minThinkBudget = config.thinkBudget
        try config.validate()
        try ArithmeticEnvironment.checkFits(digits: digits, config: config)
        let root = RNG(seed: seed)
        let problems: [ArithmeticProblem]
        if heldOut {
            problems = ArithmeticEvaluator.heldOutProblems(count: count, digits: digits, rng: root.stream("eval-problems", digits))
        } else {
            var rng = root.stream("verifier-problems", digits)
            problems = (0..<count).map { _ in ArithmeticProblem.drawTraining(digits: digits, rng: &rng) }
        }
        var env = ArithmeticEnvironment(config: config)
        return try problems.map { problem in
            try env.reset(problem: problem)
            return env
        }
    }

    public func evaluate(actor: some PolicyNetwork, _ request: EvaluationRequest, run: RunContext) throws {
        BudgetForcing.warnIfAboveFixedCap(
            requested: request.thinkBudget, trained: environment.minThinkBudget...environment.thinkBudget, console: run.console)
        let starts = try searchProblems(request, count: request.problems, heldOut: true, seed: run.seed) ?? []
        let outcome = try TestTimeSearch.run(
            starts, request.search, actor: actor, policyRNG: RNG(seed: run.seed).stream("eval-policy"), directory: run.directory) { $0.answer }
        let result = ArithmeticEvaluator.summarize(
            starts.map(\.problem), thinkBudget: starts.first?.config.thinkBudget ?? 0, solutions: outcome.solutions,
            chosen: outcome.chosen, traces: request.show)
        for trace in result.traces { run.console.line(trace.description) }
        run.console.line(String(
            format: "%d-digit problems, think budget %d, %@: %@ (%d problems), %.2f think tokens per problem",
            result.digits, result.thinkBudget, outcome.methodText, outcome.resultText, result.problems, result.thinkTokensPerProblem))
        if outcome.accuracy != nil {
            run.console.line("per-column accuracy, units first: " + result.columnAccuracy.map(Console.percent).joined(separator: " "))
        }
        var row = Self.evaluationRow(result, stage: "eval").merging(outcome.csvFields) { $1 }
        if outcome.accuracy == nil {
            // The oracle's "choice" needs the answer key: nothing of it is an accuracy.
            for column in ["accuracy", "digit_accuracy", "column_accuracy"] { row[column] = .missing }
        }
        row["train_flops"] = CSVField((try? CSVTable(path: run.directory.progress).doubles("flops").last).flatMap { $0 })
        try EvaluationLog.append([row], columns: Self.evaluationColumns, to: run.directory)
    }

    static func evaluationRow(_ r: ArithmeticEvaluation, stage: String) -> [String: CSVField] {
        [
            "digits": .int(r.digits), "think_budget": .int(r.thinkBudget), "samples": .int(r.samples),
            "temperature": .double(r.samples == 1 ? 0 : 1), "selection": .text(r.samples == 1 ? "greedy" : "majority"),
            "problems": .int(r.problems), "accuracy": .double(r.accuracy), "think_tokens_mean": .double(r.thinkTokensPerProblem),
            "sample_accuracy": .double(r.sampleAccuracy),
            "digit_accuracy": .double(r.digitAccuracy),
            "carry_think_rate": CSVField(measured: r.carryThinkRate),
            "plain_think_rate": CSVField(measured: r.plainThinkRate),
            // Column 0 (units) first, separated by spaces: one field, no quoting.
            "column_accuracy": .text(r.columnAccuracy.map { String($0) }.joined(separator: " ")),
            "stage": .text(stage),
        ]
    }
}
