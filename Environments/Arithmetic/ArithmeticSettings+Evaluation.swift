import Foundation
import NN
import RL
import RunStorage

/// `rltrain eval` on an arithmetic run: held-out problems of any length,
/// any think budget, greedy or a majority vote over sampled solutions.
extension ArithmeticSettings {
    public struct EvaluationRequest: Sendable, Equatable {
        public var problems = 1000
        /// Operand length (nil: the longest trained length).
        public var digits: Int? = nil
        /// Think tokens per column at evaluation (nil: as trained).
        public var thinkBudget: Int? = nil
        /// Sampled solutions per problem, majority vote; 1 = greedy.
        public var samples = 1
        /// Solved problems to print with their thinking.
        public var show = 0
        public init() {}
    }

    public static var defaultEvaluation: EvaluationRequest { EvaluationRequest() }

    public static var evaluationOptions: [CommandLineOption<EvaluationRequest>] {
        [
            .integer("problems", \.problems, help: "Arithmetic: held-out problems to solve (default 1000)."),
            .integer("digits", \.digits, help: "Arithmetic: digits per operand (default: the longest trained length)."),
            .integer("think-budget", \.thinkBudget, help: "Arithmetic: think tokens allowed per column at evaluation (default: as trained)."),
            .integer("samples", \.samples, help: "Arithmetic: sampled solutions per problem, majority vote; 1 = greedy (default 1)."),
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
        guard (1...1024).contains(request.samples) else { throw ConfigError("--samples must be between 1 and 1024, got \(request.samples)") }
        guard request.show >= 0 else { throw ConfigError("--show must be 0 or more, got \(request.show)") }
    }

    public static var evaluationColumns: [String] {
        [
            "digits", "think_budget", "samples", "problems", "accuracy", "think_tokens_mean",
            "sample_accuracy", "digit_accuracy", "carry_think_rate", "plain_think_rate", "column_accuracy", "stage",
        ]
    }

    public func evaluate(actor: MLP, _ request: EvaluationRequest, run: RunContext) throws {
        let result = try ArithmeticEvaluator(config: environment).evaluate(
            actor: actor, seed: run.seed, problems: request.problems, digits: request.digits ?? evalDigits,
            thinkBudget: request.thinkBudget, samples: request.samples, traces: request.show)
        for trace in result.traces { run.console.line(trace.description) }
        run.console.line(String(
            format: "%d-digit problems, think budget %d, %d sample%@: %@ exact match (%d problems), %.2f think tokens per problem",
            result.digits, result.thinkBudget, result.samples, result.samples == 1 ? " (greedy)" : "s (majority vote)",
            Console.percent(result.accuracy), result.problems, result.thinkTokensPerProblem))
        run.console.line("per-column accuracy, units first: " + result.columnAccuracy.map(Console.percent).joined(separator: " "))
        try EvaluationLog.append([Self.evaluationRow(result, stage: "eval")], columns: Self.evaluationColumns, to: run.directory)
    }

    static func evaluationRow(_ r: ArithmeticEvaluation, stage: String) -> [String: CSVField] {
        [
            "digits": .int(r.digits), "think_budget": .int(r.thinkBudget), "samples": .int(r.samples),
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
