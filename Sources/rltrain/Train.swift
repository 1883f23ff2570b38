import ArgumentParser
import Foundation
import RL
import Environments
import RunStorage
import Experiments

/// `rltrain [--env …] [flags]`: trains a policy with PPO and writes a run directory.
struct Train: ParsableCommand {
    // Built once: argument-parser asks for it many times per parse, and the
    // help text it holds is assembled from every environment's flags.
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a policy with PPO (the default command).",
        discussion: """
            Every flag left out takes the environment's default; config.json in the run directory records them all.

            \(HelpText.options(title: "OPTIONS", of: { $0.trainingHelp }))
            """)

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("The environment to train in (default \(EnvironmentRegistry.defaultEnvironment.name)); its own flags are listed above.", valueName: "name"))
    var env: EnvironmentName?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Continue the run in this directory from its last checkpoint; every other flag is taken from its config.json.", valueName: "run-dir"))
    var resume: String?

    @OptionGroup(title: "PPO") var ppo: PPOOptions
    @OptionGroup(title: "Language model") var languageModel: LanguageModelOptions
    @OptionGroup(title: "Run") var runOptions: RunOptions

    /// The environment's own flags (listed below under the environment's
    /// name), applied by its settings type.
    @Argument(parsing: .allUnrecognized, help: .hidden)
    var environmentArguments: [String] = []

    /// The full configuration: the environment's defaults, then every flag given.
    func makeConfig() throws -> RunConfig {
        var config = RunConfig.defaults(for: env?.type ?? EnvironmentRegistry.defaultEnvironment)
        if languageModel.isTransformer {
            if let flag = ppo.mlpOnlyFlagsGiven.first {
                throw ValidationError("\(flag) applies to the MLP policy; --policy transformer samples completions of prompts (see --rl-steps, --prompts-per-step)")
            }
            if let algo = ppo.algo, algo.usesCritic {
                throw ValidationError("--algo \(algo.rawValue) needs a critic; the transformer policy trains with a critic-free algorithm (\(PolicyAlgorithmKind.criticFreeNames))")
            }
            let source = (env?.type ?? EnvironmentRegistry.defaultEnvironment) as? any TextTaskSource.Type
            // The environment's own flags that only its MLP environment reads (another's are refused when applied).
            if let source, let flag = environmentArguments.first(where: { argument in
                let name = String(argument.prefix { $0 != "=" })
                return argument.hasPrefix("--") && source.trainingFlagNames.contains { "--\($0.name)" == name } && !source.textTaskFlags.contains(name)
            }) {
                throw ValidationError("\(flag.prefix { $0 != "=" }) sets the MLP policy's \(source.name) environment; with --policy transformer only \(source.textTaskFlags.joined(separator: ", ")) apply")
            }
            var settings = LanguageModelSettings()
            languageModel.apply(to: &settings)
            config.useLanguageModel(settings)
        } else if let flag = languageModel.transformerFlagsGiven.first {
            throw ValidationError("\(flag) applies to --policy transformer only")
        }
        ppo.apply(to: &config.ppo, envsPerWorker: &config.run.envsPerWorker)
        ppo.apply(to: &config.network)
        try config.applyEnvironmentArguments(environmentArguments)
        if languageModel.context == nil { config.fitContextToTextTask() }
        runOptions.apply(to: &config.run)
        try config.validate()
        return config
    }

    mutating func validate() throws {
        if resume != nil {
            // From the parsed flags, not CommandLine.arguments: a sweep and
            // the tests parse argument lists of their own.
            let given = (env != nil ? ["--env"] : []) + ppo.flagsGiven + languageModel.flagsGiven + runOptions.settingFlagsGiven
                + environmentArguments
            guard given.isEmpty else {
                throw ValidationError("--resume takes its settings from the run's config.json; give no other flag (got \(given[0]))")
            }
            return
        }
        _ = try makeConfig()
    }

    func run() throws {
        try CommandErrors.checkBLAS()
        // Before any thread starts, so that every thread keeps to these cores
        // (under mpirun only rank 0 may see the run directory, and mpirun places the ranks).
        let config = try resume == nil ? makeConfig() : nil
        let cores = DataParallel.launchRank != nil ? nil : try config?.run.cores ?? resume.flatMap {
            try RunRecord.read(from: RunDirectory(path: $0)).config.run.cores
        }
        if let cores { try CoreAffinity.confine(to: cores) }
        let collective = try DataParallel.join()  // under mpirun: this rank trains its share
        let interrupt = InterruptFlag()
        interrupt.install()
        let options = TrainingRun.Options(
            console: Console(quiet: runOptions.quiet || !DataParallel.speaks), shouldStop: { interrupt.isRaised },
            collective: collective)
        let outcome: TrainingRun.Outcome
        do {
            if let resume {
                outcome = try TrainingRun.resume(RunDirectory(path: resume), options: options)
            } else {
                outcome = try TrainingRun.start(try config ?? makeConfig(), options: options).1
            }
        } catch {
            DataParallel.finish(collective, after: error)
            throw error
        }
        DataParallel.finish(collective, after: nil)
        if outcome == .interrupted { throw ExitCode(130) }
    }
}

/// `--env NAME`: one of the registered environments.
struct EnvironmentName: ExpressibleByArgument {
    let type: any EnvironmentSettings.Type

    init(_ type: any EnvironmentSettings.Type) { self.type = type }

    init?(argument: String) {
        guard let type = EnvironmentRegistry.named(argument) else { return nil }
        self.type = type
    }

    var defaultValueDescription: String { type.name }
    static var allValueStrings: [String] { EnvironmentRegistry.names }
}
