import ArgumentParser
import Foundation
import Environments
import RunStorage
import Experiments

/// `rltrain eval RUN_DIR [flags]`: measures a trained policy; the flags are
/// the run's environment's.
struct Evaluate: ParsableCommand {
    // Built once: argument-parser asks for it many times per parse, and the
    // help text it holds is assembled from every environment's flags.
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a trained run on held-out problems (arithmetic) or fresh episodes (gridworld).",
        usage: "rltrain eval <run-dir> [<flags of the run's environment>]",
        discussion: """
            Appends one row per call to RUN_DIR/eval.csv. The flags depend on the run's environment:

            \(HelpText.options(title: "EVALUATION OPTIONS", of: { $0.evaluationHelp }))
            """)

    @Argument(help: "The run directory (holding config.json and checkpoint.bin).")
    var runDir: String

    /// The environment's evaluation flags (listed in the help above).
    @Argument(parsing: .allUnrecognized, help: .hidden)
    var evaluationArguments: [String] = []

    func validate() throws {
        // Before the run is read: a bad value is refused whatever the run holds.
        do {
            try EnvironmentRegistry.checkEvaluationArguments(evaluationArguments)
        } catch {
            throw ValidationError("\(error)")
        }
    }

    func run() throws {
        try DataParallel.refuse("eval")
        try CommandErrors.checkBLAS()
        try RunEvaluation.evaluate(RunDirectory(path: runDir), arguments: evaluationArguments, console: Console())
    }
}
