import ArgumentParser
import Foundation
import Environments
import RunStorage
import Experiments

/// `rltrain train-verifier RUN_DIR [flags]`: trains the run's learned verifier,
/// which `rltrain eval --select verifier` then ranks samples with.
struct TrainVerifier: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "train-verifier",
            abstract: "Train a learned verifier on a run's own sampled solutions (for rltrain eval --select verifier).",
            usage: "rltrain train-verifier <run-dir> [<flags>] [<problem flags of the run's environment>]",
            discussion: """
                Samples solutions of training problems from the run's policy, labels each with the verifiable reward \
                (right or wrong), and fits a network that scores a solution step by step: P(right) = Π σ(f(observation, action)). \
                Writes RUN_DIR/verifier.bin and verifier.csv; stopped (Ctrl-C), it continues when run again with the same flags. \
                It reports its accuracy and AUC on the samples of held-out problems. The problems are chosen with the run's \
                environment's flags of rltrain eval (e.g. --digits 12, --multiplier 9, --think-budget 4).

                \(options)
                """)
    }

    static var options: String {
        "VERIFIER OPTIONS:\n" + VerifierTraining.options.map { HelpText.entry(flag: $0.flag, valueName: $0.valueName, help: $0.help) }.joined(separator: "\n")
    }

    @Argument(help: "The run directory (holding config.json and checkpoint.bin).")
    var runDir: String

    /// This command's flags and the environment's problem flags.
    @Argument(parsing: .allUnrecognized, help: .hidden)
    var arguments: [String] = []

    func validate() throws {
        do {
            try VerifierTraining.checkOwnArguments(arguments)
        } catch {
            throw ValidationError("\(error)")
        }
    }

    func run() throws {
        try DataParallel.refuse("train-verifier")
        try CommandErrors.checkBLAS()
        let interrupt = InterruptFlag()
        interrupt.install()
        let outcome = try VerifierTraining.train(
            RunDirectory(path: runDir), arguments: arguments, console: Console(), shouldStop: { interrupt.isRaised })
        if outcome == .interrupted { throw ExitCode(130) }
    }
}
