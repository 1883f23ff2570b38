import Foundation
import NN
import RL
import RunStorage

/// `rltrain eval` on a multiplication run: held-out problems of any length,
/// any multiplier range and any cap, beside the ideal reasoner under the same cap.
extension MultiplicationSettings {
    public struct EvaluationRequest: Sendable, Equatable {
        public var problems = 1000
        /// Multiplicand length (nil: the longest trained length).
        public var digits: Int? = nil
        /// Multipliers drawn uniformly (nil: the trained range).
        public var multiplier: ClosedRange<Int>? = nil
        /// Marks allowed per column (nil: the largest trained cap).
        public var thinkBudget: Int? = nil
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
            .integer("think-budget", \.thinkBudget, help: "Multiplication: tally marks allowed per column (default: the largest trained cap)."),
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
        guard request.show >= 0 else { throw ConfigError("--show must be 0 or more, got \(request.show)") }
    }

    public static var evaluationColumns: [String] {
        [
            "digits", "multiplier", "think_budget", "problems", "accuracy", "think_tokens_mean",
            "ideal_accuracy", "ideal_think_tokens_mean", "digit_accuracy", "train_flops", "stage",
        ]
    }

    public func evaluate(actor: MLP, _ request: EvaluationRequest, run: RunContext) throws {
        let result = try evaluate(
            actor, seed: run.seed, digits: request.digits ?? evalDigits, multipliers: request.multiplier,
            cap: request.thinkBudget, problems: request.problems, traces: request.show)
        for trace in result.traces { run.console.line(trace.description) }
        run.console.line(String(
            format: "%d-digit problems × %@, think budget %d marks per column, greedy: %@ exact match (%d problems), %.2f marks per problem; the ideal reasoner under the same cap: %@, %.2f marks",
            result.digits, MultiplicationConfig.describe(result.multipliers), result.cap, Console.percent(result.accuracy), result.problems,
            result.thinkTokensPerProblem, Console.percent(result.idealAccuracy), result.idealThinkTokensPerProblem))
        // The training compute behind this policy, for figures against it.
        let flops = (try? CSVTable(path: run.directory.progress).doubles("flops").last).flatMap { $0 }
        try EvaluationLog.append([Self.evaluationRow(result, stage: "eval", flops: flops)], columns: Self.evaluationColumns, to: run.directory)
    }

    static func evaluationRow(_ r: MultiplicationEvaluation, stage: String, flops: Double?) -> [String: CSVField] {
        [
            "digits": .int(r.digits), "multiplier": .text(MultiplicationConfig.describe(r.multipliers)),
            "think_budget": .int(r.cap), "problems": .int(r.problems),
            "accuracy": .double(r.accuracy), "think_tokens_mean": .double(r.thinkTokensPerProblem),
            "ideal_accuracy": .double(r.idealAccuracy), "ideal_think_tokens_mean": .double(r.idealThinkTokensPerProblem),
            "digit_accuracy": .double(r.digitAccuracy), "train_flops": CSVField(flops), "stage": .text(stage),
        ]
    }
}
