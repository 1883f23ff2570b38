import ArgumentParser
import Foundation
import Tensor
import RL
import Environments
import Experiments

/// `rltrain [--env …] [flags]`: trains a policy with PPO and writes a run directory.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a policy with PPO (the default command).",
        discussion: "Every flag left out takes the environment's default; config.json in the run directory records them all.")

    @Option(help: "Environment: gridworld or arithmetic.")
    var env: RunConfig.EnvironmentKind = .arithmetic

    @Option(help: ArgumentHelp("Continue the run in this directory from its last checkpoint; every other flag is taken from its config.json.", valueName: "run-dir"))
    var resume: String?

    @OptionGroup(title: "PPO") var ppo: PPOOptions
    @OptionGroup(title: "Gridworld") var gridworld: GridworldOptions
    @OptionGroup(title: "Arithmetic") var arithmetic: ArithmeticOptions
    @OptionGroup(title: "Run") var runOptions: RunOptions

    /// The full configuration: the environment's defaults, then every flag given.
    func makeConfig() throws -> RunConfig {
        var config = RunConfig.defaults(for: env)
        ppo.apply(to: &config.ppo, envsPerWorker: &config.run.envsPerWorker)
        try gridworld.apply(to: &config.gridworld)
        try arithmetic.apply(to: &config.arithmetic)
        runOptions.apply(to: &config.run)
        try config.validate()
        return config
    }

    mutating func validate() throws {
        if resume != nil {
            guard CommandLine.arguments.dropFirst().filter({ $0.hasPrefix("--") && $0 != "--resume" && !$0.hasPrefix("--resume=") && $0 != "--quiet" }).isEmpty else {
                throw ValidationError("--resume takes its settings from the run's config.json; give no other flag")
            }
            return
        }
        _ = try makeConfig()
    }

    func run() throws {
        let blas = try BLAS.resolve(ProcessInfo.processInfo.environment["RLTRAIN_BLAS"])
        let interrupt = InterruptFlag()
        interrupt.install()
        let options = TrainingRun.Options(console: Console(quiet: runOptions.quiet), interrupt: interrupt, blas: blas)
        let outcome: TrainingRun.Outcome
        if let resume {
            outcome = try TrainingRun.resume(RunDirectory(path: resume), options: options)
        } else {
            outcome = try TrainingRun.start(try makeConfig(), options: options).1
        }
        if outcome == .interrupted { throw ExitCode(130) }
    }
}

extension RunConfig.EnvironmentKind: ExpressibleByArgument {}
