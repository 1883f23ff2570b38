import Foundation
import NN
import RL
import RunStorage
import Environments

/// `rltrain eval`: reloads a run's actor from its checkpoint and lets its
/// environment measure it, appending a row to the run's `eval.csv`.
public enum RunEvaluation {
    /// Evaluates the run in `directory` as `arguments` (the environment's
    /// flags of `rltrain eval`) ask.
    public static func evaluate(_ directory: RunDirectory, arguments: [String], console: Console) throws {
        let record = try RunRecord.read(from: directory)
        if record.config.languageModel != nil, let source = record.config.environment as? any TextTaskSource {
            return try LanguageModelEvaluation.evaluate(source, config: record.config, directory: directory,
                                                        arguments: arguments, console: console)
        }
        try evaluate(record.config.environment, config: record.config, directory: directory, arguments: arguments, console: console)
    }

    /// Checks that `arguments` are valid evaluation flags for runs of `environment`.
    public static func check(_ arguments: [String], for environment: any EnvironmentSettings.Type) throws {
        _ = try environment.evaluationRequest(arguments)
    }

    private static func evaluate<S: EnvironmentSettings>(
        _ settings: S, config: RunConfig, directory: RunDirectory, arguments: [String], console: Console
    ) throws {
        let request = try S.evaluationRequest(arguments)
        let actor = try loadActor(directory, config: config, as: S.Env.self)
        try settings.evaluate(actor: actor, request, run: RunContext(directory: directory, console: console, seed: config.ppo.seed))
    }

    /// The run's trained actor, from a checkpoint checked as `--resume`
    /// checks it: a network that does not fit the run's environment would
    /// trap in its first forward pass.
    static func loadActor<E: Environment>(_ directory: RunDirectory, config: RunConfig, as: E.Type) throws -> RunNetwork {
        guard FileManager.default.fileExists(atPath: directory.checkpoint) else {
            throw ConfigFileError("\(directory.path) has no checkpoint yet: nothing to evaluate")
        }
        return try CheckpointPayload<E>.load(from: directory, config: config, network: config.network).1.actor.network
    }
}
