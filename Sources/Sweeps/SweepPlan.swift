import Foundation
import RunStorage
import Plotting
import Environments
import Experiments
import RL

/// Builds a run's configuration from CLI arguments, e.g.
/// `["--env", NAME, "--total-timesteps", "25000", "--seed", "1"]`.
/// The CLI passes its own parser, so sweep files accept exactly its flags
/// and report bad ones with its messages; tests can pass a small stand-in.
public typealias SweepConfigBuilder = @Sendable ([String]) throws -> RunConfig

/// One combination of axis values (all seeds of it share a point).
public struct SweepPoint: Sendable, Equatable {
    /// `total-timesteps=25000`, or `hidden=32,32_workers=2` for several axes.
    public var name: String
    /// The value of each axis, in the order of `SweepSpec.axes`.
    public var values: [String]
}

/// One training run of a sweep: a point and a seed, in `<out>/runs/<name>`.
public struct SweepRun: Sendable, Equatable {
    public var point: SweepPoint
    public var seed: UInt64
    /// Position in the full sweep (what `--shard` partitions).
    public var index: Int
    public var name: String { "\(point.name)-seed\(seed)" }
}

extension SweepSpec {
    /// Every combination of axis values, the first axis outermost.
    public var points: [SweepPoint] {
        var combos: [[String]] = [[]]
        for axis in axes {
            combos = combos.flatMap { prefix in axis.values.map { prefix + [$0] } }
        }
        return combos.map { values in
            let name = zip(axes, values).map { "\($0.flag)=\(Self.pathSafe($1))" }.joined(separator: "_")
            return SweepPoint(name: name, values: values)
        }
    }

    /// Every run: each point with each seed, point-major.
    public var runs: [SweepRun] {
        var out: [SweepRun] = []
        for point in points {
            for seed in seeds { out.append(SweepRun(point: point, seed: seed, index: out.count)) }
        }
        return out
    }

    /// The CLI arguments of a run: the base flags, then the axis values
    /// (which replace a base flag of the same name), then the seed.
    /// The `flop-budget` axis is not a flag: the plan turns it into
    /// `--total-timesteps` (see `SweepPlan`).
    public func arguments(for run: SweepRun) -> [String] {
        var args: [String] = []
        let axisFlags = Set(axes.map(\.flag))
        for s in base where !axisFlags.contains(s.flag) && s.flag != Self.flopBudget { args += ["--\(s.flag)", s.value] }
        for (axis, value) in zip(axes, run.point.values) where axis.flag != Self.flopBudget { args += ["--\(axis.flag)", value] }
        args += ["--seed", String(run.seed)]
        return args
    }

    /// The FLOP budget of a run (the `flop-budget` axis or base value), if the sweep sets one.
    public func flopBudget(for run: SweepRun) -> Double? {
        if let i = axes.firstIndex(where: { $0.flag == Self.flopBudget }) { return Double(run.point.values[i]) }
        return base.first { $0.flag == Self.flopBudget }.flatMap { Double($0.value) }
    }

    static func pathSafe(_ value: String) -> String {
        String(value.map { $0 == "/" || $0 == " " ? "-" : $0 })
    }
}

/// Which runs a shard takes: `--shard k/n` (1 ≤ k ≤ n) takes runs k−1, k−1+n, …
public struct SweepShard: Sendable, Equatable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public static let all = SweepShard(validIndex: 1, count: 1)

    private init(validIndex: Int, count: Int) {
        index = validIndex
        self.count = count
    }

    public init(index: Int, count: Int) throws(SweepError) {
        guard count >= 1, (1...count).contains(index) else {
            throw SweepError("--shard k/n needs 1 ≤ k ≤ n, got \(index)/\(count)")
        }
        self.init(validIndex: index, count: count)
    }

    /// Parses `k/n`.
    public init(parsing text: String) throws(SweepError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]) else {
            throw SweepError("--shard takes k/n, e.g. 2/4 (the second of four shards), got '\(text)'")
        }
        try self.init(index: k, count: n)
    }

    public func contains(_ run: SweepRun) -> Bool { run.index % count == index - 1 }

    public func select(_ runs: [SweepRun]) -> [SweepRun] { runs.filter(contains) }

    public var description: String { "\(index)/\(count)" }
}

/// A sweep with every run's configuration built and validated, before any
/// file is written: an unknown flag or a bad value stops the sweep at once.
public struct SweepPlan: Sendable {
    public struct Entry: Sendable {
        public var run: SweepRun
        public var config: RunConfig
        public var directory: RunDirectory
    }

    public let spec: SweepSpec
    public let outDirectory: String
    public let entries: [Entry]

    public var runsDirectory: String { (outDirectory as NSString).appendingPathComponent("runs") }

    public init(spec: SweepSpec, outDirectory: String, builder: SweepConfigBuilder) throws(SweepError) {
        self.spec = spec
        self.outDirectory = outDirectory
        let runsDir = (outDirectory as NSString).appendingPathComponent("runs")
        // The base alone first, so that a bad base flag is reported as such
        // rather than once per point.
        var baseArgs: [String] = []
        for s in spec.base { baseArgs += ["--\(s.flag)", s.value] }
        do {
            _ = try builder(baseArgs)
        } catch {
            throw SweepError("\(spec.source): base: \(Self.oneLine(error))")
        }
        var entries: [Entry] = []
        for run in spec.runs {
            var config: RunConfig
            do {
                config = try builder(spec.arguments(for: run))
            } catch {
                throw SweepError("\(spec.source): point \(run.point.name): \(Self.oneLine(error))")
            }
            if let budget = spec.flopBudget(for: run) {
                if config.languageModel != nil {
                    do {
                        let steps = try config.sftSteps(forFLOPBudget: budget)
                        config.languageModel?.sft.steps = steps
                    } catch {
                        throw SweepError("\(spec.source): point \(run.point.name): \(Self.oneLine(error))")
                    }
                } else {
                    config.ppo.totalTimesteps = try Self.timesteps(budget: budget, config: config, point: run.point.name, source: spec.source)
                }
            }
            config.run.runsDir = runsDir
            config.run.runName = run.name
            entries.append(Entry(run: run, config: config, directory: RunDirectory(path: (runsDir as NSString).appendingPathComponent(run.name))))
        }
        let envs = Set(entries.map(\.config.env))
        if envs.count > 1 { throw SweepError("\(spec.source): every run of a sweep must train the same environment") }
        self.entries = entries
    }

    /// Whole batches of env steps that a FLOP budget buys with this config
    /// (at least one): budget ÷ FLOPs per env step, the same count the
    /// `flops` column keeps. A warm start's FLOPs are not part of the budget.
    static func timesteps(budget: Double, config: RunConfig, point: String, source: String) throws(SweepError) -> Int {
        let environment: any RL.Environment
        do {
            environment = try config.environment.makeEnvironment()
        } catch {
            throw SweepError("\(source): point \(point): \(oneLine(error))")
        }
        let perStep = config.ppo.flopsPerEnvStep(
            network: config.network, observationSize: environment.observationSize, actionCount: environment.actionCount)
        let batches = max(1, Int((budget / perStep / Double(config.ppo.batchSize)).rounded()))
        return batches * config.ppo.batchSize
    }

    static func oneLine(_ error: any Error) -> String {
        let text = String(describing: error)
        return text.split(separator: "\n").first.map(String.init) ?? text
    }
}
