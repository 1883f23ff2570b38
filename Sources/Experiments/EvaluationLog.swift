import Foundation
import Environments

/// `eval.csv`: one row per evaluation of a run, appended by the end of
/// training and by every `rltrain eval` call.
public enum EvaluationLog {
    public static let arithmeticColumns = [
        "digits", "think_budget", "samples", "problems", "accuracy", "think_tokens_mean",
        "sample_accuracy", "digit_accuracy", "carry_think_rate", "plain_think_rate", "column_accuracy", "stage",
    ]
    public static let gridworldColumns = ["episodes", "greedy", "success_rate", "path_efficiency", "return_mean", "episode_length", "stage"]

    public static func appendArithmetic(_ results: [ArithmeticEvaluation], stage: String, to directory: RunDirectory) throws {
        let csv = try open(directory.evaluations, columns: arithmeticColumns)
        defer { csv.close() }
        for r in results {
            try csv.append([
                "digits": .int(r.digits), "think_budget": .int(r.thinkBudget), "samples": .int(r.samples),
                "problems": .int(r.problems), "accuracy": .double(r.accuracy), "think_tokens_mean": .double(r.thinkTokensPerProblem),
                "sample_accuracy": .double(r.sampleAccuracy),
                "digit_accuracy": .double(r.digitAccuracy),
                "carry_think_rate": CSVField(measured: r.carryThinkRate),
                "plain_think_rate": CSVField(measured: r.plainThinkRate),
                // Column 0 (units) first, separated by spaces: one field, no quoting.
                "column_accuracy": .text(r.columnAccuracy.map { String($0) }.joined(separator: " ")),
                "stage": .text(stage),
            ])
        }
        try csv.sync()
    }

    public static func appendGridworld(_ fields: [String: CSVField], to directory: RunDirectory) throws {
        let csv = try open(directory.evaluations, columns: gridworldColumns)
        defer { csv.close() }
        try csv.append(fields)
        try csv.sync()
    }

    static func open(_ path: String, columns: [String]) throws -> CSVWriter {
        FileManager.default.fileExists(atPath: path)
            ? try CSVWriter(resuming: path, columns: columns)
            : try CSVWriter(creating: path, columns: columns)
    }
}
