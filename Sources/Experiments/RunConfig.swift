import Foundation
import RL
import Environments

/// Every setting of a run — what `config.json` holds, defaults included, and
/// what `--resume` and `rltrain eval` rebuild the run from.
public struct RunConfig: Codable, Sendable, Equatable {
    public enum EnvironmentKind: String, Codable, Sendable, CaseIterable {
        case gridworld, arithmetic
    }

    public var env: EnvironmentKind
    public var ppo: PPOConfig
    public var gridworld: GridworldSettings
    public var arithmetic: ArithmeticSettings
    public var run: RunSettings

    public struct GridworldSettings: Codable, Sendable, Equatable {
        /// A built-in layout (`empty-N`, `fourrooms`); ignored when `map` is set.
        public var layout = "fourrooms"
        /// Path of an ASCII map file.
        public var map: String? = nil
        /// Steps before truncation; nil means H·W.
        public var maxSteps: Int? = nil
        public init() {}
    }

    public struct ArithmeticSettings: Codable, Sendable, Equatable {
        public var environment = ArithmeticConfig()
        /// Worked examples for the supervised warm start (0: pure RL).
        public var demos = 300
        public var bcSteps = 1000
        public var bcLearningRate = 1e-3
        /// Held-out problems for the `accuracy` column, greedy, at the longest trained length.
        public var evalProblems = 500
        /// Evaluate every this many updates (and after the last).
        public var evalEvery = 1
        public init() {}
    }

    public struct RunSettings: Codable, Sendable, Equatable {
        public var runsDir = "runs"
        /// nil: `<env>-<seed>-<timestamp>`, chosen when the run starts.
        public var runName: String? = nil
        public var checkpointEvery = 10
        /// Environments per rollout worker; `ppo.numEnvs` is workers × this
        /// unless `--num-envs` set it directly.
        public var envsPerWorker = 8
        public init() {}
    }

    /// The defaults for `env`: CleanRL's for the gridworld; for arithmetic, the
    /// recipe that makes the default run learn in under a minute (see the
    /// README: warm start on 300 demos, then PPO with γ = 1).
    public static func defaults(for env: EnvironmentKind) -> RunConfig {
        var ppo = PPOConfig()
        var run = RunSettings()
        switch env {
        case .gridworld:
            ppo.numEnvs = 8
            ppo.totalTimesteps = 500_000
            run.envsPerWorker = 8
        case .arithmetic:
            ppo.numEnvs = 1
            run.envsPerWorker = 1
            ppo.totalTimesteps = 400_000
            ppo.gamma = 1
            ppo.learningRate = 2.5e-4
            ppo.entCoef = 0.01
        }
        return RunConfig(env: env, ppo: ppo, gridworld: GridworldSettings(), arithmetic: ArithmeticSettings(), run: run)
    }

    /// Checks everything a run needs before any file is written; the error is one line.
    public func validate() throws(ConfigError) {
        if run.envsPerWorker <= 0 || run.envsPerWorker > 1_000_000 {
            throw ConfigError("--envs-per-worker must be a positive integer, got \(run.envsPerWorker)")
        }
        try ppo.validate()
        if run.checkpointEvery <= 0 {
            throw ConfigError("--checkpoint-every must be a positive integer, got \(run.checkpointEvery)")
        }
        if let name = run.runName, name.isEmpty || name.contains("/") || name == "." || name == ".." {
            throw ConfigError("--run-name must be a plain directory name, got '\(name)'")
        }
        if run.runsDir.isEmpty { throw ConfigError("--runs-dir must not be empty") }
        switch env {
        case .gridworld:
            if let maxSteps = gridworld.maxSteps, maxSteps <= 0 {
                throw ConfigError("--max-steps must be a positive integer, got \(maxSteps)")
            }
            do {
                _ = try gridMap()
            } catch {
                throw ConfigError("\(error)")
            }
        case .arithmetic:
            do {
                try arithmetic.environment.validate()
            } catch {
                throw ConfigError("\(error)")
            }
            let a = arithmetic
            if a.demos < 0 { throw ConfigError("--demos must be 0 or more, got \(a.demos)") }
            if a.demos > 1_000_000 { throw ConfigError("--demos must be at most 1000000, got \(a.demos)") }
            if a.bcSteps < 0 { throw ConfigError("--bc-steps must be 0 or more, got \(a.bcSteps)") }
            if !a.bcLearningRate.isFinite || a.bcLearningRate <= 0 {
                throw ConfigError("--bc-learning-rate must be a positive finite number, got \(a.bcLearningRate)")
            }
            if a.evalProblems <= 0 { throw ConfigError("--eval-problems must be a positive integer, got \(a.evalProblems)") }
            if a.evalEvery <= 0 { throw ConfigError("--eval-every must be a positive integer, got \(a.evalEvery)") }
        }
    }

    /// The gridworld's map: the file named by `map`, else the built-in layout.
    public func gridMap() throws -> GridMap {
        if let path = gridworld.map { return try GridMap(contentsOfFile: path) }
        return try GridMap.layout(named: gridworld.layout)
    }

    /// A short description of the environment for progress lines.
    public var environmentDescription: String {
        switch env {
        case .gridworld: "gridworld \(gridworld.map ?? gridworld.layout)"
        case .arithmetic: "arithmetic \(ArithmeticConfig.describeDigits(arithmetic.environment.digits)) digits, think budget \(arithmetic.environment.thinkBudget)"
        }
    }
}
