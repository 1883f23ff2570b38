import ArgumentParser
import Foundation
import Tensor
import RunStorage
import Experiments

@main
struct RLTrain: ParsableCommand {
    // Built once: argument-parser asks for it many times per parse, and the
    // help text it holds is assembled from every environment's flags.
    static let configuration = CommandConfiguration(
        commandName: "rltrain",
        abstract: "A fast, honest PPO trainer: gridworlds, and arithmetic that a policy learns to reason about.",
        discussion: """
            Train:     rltrain --env arithmetic --workers 8
                       rltrain --env gridworld --layout fourrooms --total-timesteps 1500000
            Resume:    rltrain --resume runs/<run-name>
            Evaluate:  rltrain eval runs/<run-name> --digits 12 --samples 8 --show 3
            Search:    rltrain train-verifier runs/<run-name>
                       rltrain eval runs/<run-name> --samples 16 --temperature 2 --select verifier
            Sweep:     rltrain sweep Benchmarks/doubling-steps.json

            ENVIRONMENTS (--env NAME; `rltrain help train` lists their flags):
            \(HelpText.environments)
            """,
        version: versionText,
        subcommands: [Train.self, Evaluate.self, TrainVerifier.self, Export.self, Sweep.self, Report.self],
        defaultSubcommand: Train.self)

    static var versionText: String {
        let request = ProcessInfo.processInfo.environment["RLTRAIN_BLAS"]
        let blas: String
        do {
            blas = try BLAS.resolve(request).version
        } catch {
            blas = "unavailable (\(error))"
        }
        return "rltrain \(RunRecord.currentVersion)\nBLAS backend: \(blas)"
    }

    /// Parses and runs, turning every error into one line on stderr: exit
    /// status 2 for bad input (flags, files, configurations, checkpoints), 1
    /// for a run that failed (disk, numerics), 130 after an interrupt.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            if exitCode(for: error) == .success {
                self.exit(withError: error)  // --help, --version
            }
            let message = CommandErrors.message(for: error)
            if DataParallel.speaks { FileHandle.standardError.write(Data("rltrain: \(message)\n".utf8)) }
            Foundation.exit(CommandErrors.isRuntimeFailure(error) ? 1 : 2)
        }
    }
}
