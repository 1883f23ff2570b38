import Foundation
import NN
import RL
import Environments

/// Every setting of a run — what `config.json` holds, defaults included, and
/// what `--resume` and `rltrain eval` rebuild the run from: the environment
/// (by name, with its settings under that name), PPO's hyperparameters, the
/// networks' architecture and the run's own settings.
public struct RunConfig: Sendable, Equatable {
    public var ppo: PPOConfig
    /// The actor's and the critic's architecture (`--hidden`, `--activation`).
    public var network = MLPSettings()
    public var environment: any EnvironmentSettings
    public var run: RunSettings
    /// The language-model policy (`--policy transformer`); nil: the MLP
    /// over the environment's observation (`network`).
    public var languageModel: LanguageModelSettings? = nil

    public struct RunSettings: Codable, Sendable, Equatable {
        public var runsDir = "runs"
        /// nil: `<env>-<seed>-<timestamp>`, chosen when the run starts.
        public var runName: String? = nil
        public var checkpointEvery = 10
        /// Environments per rollout worker; `ppo.numEnvs` is workers × this
        /// unless `--num-envs` set it directly.
        public var envsPerWorker = 8
        /// Processes of a data-parallel run (`mpirun -np N`); each steps
        /// numEnvs/N environments with its own `--workers` threads.
        public var ranks = 1
        /// Cores the run is confined to (`--cores`); nil: all it may use.
        /// Changes only the wall clock.
        public var cores: Int? = nil
        /// Also log every progress.csv row to TensorBoard event files in the run directory.
        public var tensorboard = false
        public init() {}

        private enum CodingKeys: String, CodingKey { case runsDir, runName, checkpointEvery, envsPerWorker, ranks, cores, tensorboard }

        /// Keys added later (`ranks`, `cores`, `tensorboard`) take their
        /// defaults in older config.json files.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            runsDir = try c.decode(String.self, forKey: .runsDir)
            runName = try c.decodeIfPresent(String.self, forKey: .runName)
            checkpointEvery = try c.decode(Int.self, forKey: .checkpointEvery)
            envsPerWorker = try c.decode(Int.self, forKey: .envsPerWorker)
            ranks = try c.decodeIfPresent(Int.self, forKey: .ranks) ?? 1
            cores = try c.decodeIfPresent(Int.self, forKey: .cores)
            tensorboard = try c.decodeIfPresent(Bool.self, forKey: .tensorboard) ?? false
        }
    }

    /// The environment's name (`--env`).
    public var env: String { type(of: environment).name }

    /// The defaults for an environment: CleanRL's PPO, adjusted where the
    /// environment says why (see the README's table of defaults).
    public static func defaults(for environment: any EnvironmentSettings.Type) -> RunConfig {
        var ppo = PPOConfig()
        var run = RunSettings()
        environment.adjustDefaults(&ppo, envsPerWorker: &run.envsPerWorker)
        return RunConfig(ppo: ppo, environment: environment.init(), run: run)
    }

    public init(ppo: PPOConfig, environment: any EnvironmentSettings, run: RunSettings) {
        self.ppo = ppo
        self.environment = environment
        self.run = run
    }

    /// Applies environment flags (`--digits 3`, `--layout=empty-8`); a flag
    /// of another environment is refused naming the environment it belongs to.
    public mutating func applyEnvironmentArguments(_ arguments: [String]) throws(OptionError) {
        environment = try Self.apply(arguments, to: environment)
    }

    private static func apply<S: EnvironmentSettings>(_ arguments: [String], to settings: S) throws(OptionError) -> S {
        var settings = settings
        try S.options.apply(arguments, to: &settings, context: S.name) { flag in
            EnvironmentRegistry.owner(of: flag, except: S.name)
        }
        return settings
    }

    /// Checks everything a run needs before any file is written; the error is one line.
    public func validate() throws(ConfigError) {
        if run.envsPerWorker <= 0 || run.envsPerWorker > 1_000_000 {
            throw ConfigError("--envs-per-worker must be a positive integer, got \(run.envsPerWorker)")
        }
        try ppo.validate()
        if let message = network.validationError() { throw ConfigError(message) }
        if run.checkpointEvery <= 0 {
            throw ConfigError("--checkpoint-every must be a positive integer, got \(run.checkpointEvery)")
        }
        if let name = run.runName, name.isEmpty || name.contains("/") || name == "." || name == ".." {
            throw ConfigError("--run-name must be a plain directory name, got '\(name)'")
        }
        if run.runsDir.isEmpty { throw ConfigError("--runs-dir must not be empty") }
        if let cores = run.cores {
            if cores < 1 || cores > 1024 { throw ConfigError("--cores must be between 1 and 1024, got \(cores)") }
            if run.ranks > 1 { throw ConfigError("--cores does not apply under mpirun, which places the ranks itself") }
        }
        if run.ranks > 1 && languageModel == nil {  // the language model splits its batches itself (validateLanguageModel)
            if ppo.numEnvs % run.ranks != 0 {
                throw ConfigError("--num-envs \(ppo.numEnvs) is not divisible by the \(run.ranks) ranks of mpirun: every rank steps the same number of environments")
            }
            if ppo.workers > ppo.numEnvs / run.ranks {
                throw ConfigError("--workers \(ppo.workers) exceeds the \(ppo.numEnvs / run.ranks) environments of each of the \(run.ranks) ranks")
            }
            if !ppo.algorithm.usesCritic {
                throw ConfigError("--algo \(ppo.algorithm.rawValue) does not run under mpirun yet (its updates hold a varying number of whole episodes); use ppo, or one process")
            }
        }
        try environment.validate()
        if let languageModel {
            try validateLanguageModel(languageModel)
        } else {
            try checkMemory()
        }
    }

    /// A short description for progress lines.
    public var environmentDescription: String { environment.label }

    public static func == (lhs: RunConfig, rhs: RunConfig) -> Bool {
        lhs.ppo == rhs.ppo && lhs.network == rhs.network && lhs.run == rhs.run && lhs.languageModel == rhs.languageModel
            && lhs.environment.isEqual(to: rhs.environment)
    }
}

extension RunConfig: Codable {
    /// `env` (the name), `ppo`, `network`, `run`, `languageModel` (only with
    /// that policy), and the environment's settings under
    /// its name. Keys of other environments (written by earlier versions,
    /// which stored every environment's settings) are ignored.
    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(env, forKey: Key("env"))
        try container.encode(ppo, forKey: Key("ppo"))
        try container.encode(network, forKey: Key("network"))
        try container.encode(run, forKey: Key("run"))
        try container.encodeIfPresent(languageModel, forKey: Key("languageModel"))
        try environment.encode(to: container.superEncoder(forKey: Key(env)))
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        let name = try container.decode(String.self, forKey: Key("env"))
        guard let type = EnvironmentRegistry.named(name) else {
            throw DecodingError.dataCorruptedError(
                forKey: Key("env"), in: container,
                debugDescription: "unknown environment '\(name)' (known: \(EnvironmentRegistry.names.joined(separator: ", ")))")
        }
        ppo = try container.decode(PPOConfig.self, forKey: Key("ppo"))
        // Files written before the network had a key of its own keep its
        // settings among PPO's.
        network = try container.decodeIfPresent(MLPSettings.self, forKey: Key("network"))
            ?? container.decode(MLPSettings.self, forKey: Key("ppo"))
        run = try container.decode(RunSettings.self, forKey: Key("run"))
        languageModel = try container.decodeIfPresent(LanguageModelSettings.self, forKey: Key("languageModel"))
        environment = try type.init(from: container.superDecoder(forKey: Key(name)))
    }
}
