import Foundation
import Tensor
import NN
import RL
import Environments

/// Runs training end to end: the run directory, `config.json`, the warm
/// start, the PPO loop with `progress.csv`, checkpoints, `curves.svg`, and
/// the console. `start` begins a run; `resume` continues one from its last
/// checkpoint exactly as if it had never stopped.
public enum TrainingRun {
    public struct Options: Sendable {
        public var console: Console
        public var interrupt: InterruptFlag?
        public var blas: BLAS
        /// Stop as if interrupted once this many updates are done (for tests
        /// of resuming, and for running a budget in slices).
        public var stopAfterUpdates: Int?

        public init(console: Console = Console(), interrupt: InterruptFlag? = nil, blas: BLAS = .shared, stopAfterUpdates: Int? = nil) {
            self.console = console
            self.interrupt = interrupt
            self.blas = blas
            self.stopAfterUpdates = stopAfterUpdates
        }
    }

    public enum Outcome: Sendable, Equatable {
        case finished
        /// Stopped by a signal after writing a checkpoint.
        case interrupted
        /// `--resume` of a run that had already finished.
        case alreadyFinished
    }

    /// Starts a new run in `<runs-dir>/<run-name>`, which must not hold a run yet.
    public static func start(_ config: RunConfig, options: Options = Options()) throws -> (RunDirectory, Outcome) {
        try config.validate()
        var config = config
        if config.run.runName == nil {
            let formatter = DateFormatter()
            formatter.dateFormat = "yyyyMMdd-HHmmss"
            formatter.timeZone = TimeZone(identifier: "UTC")
            config.run.runName = "\(config.env.rawValue)-\(config.ppo.seed)-\(formatter.string(from: Date()))"
        }
        let directory = RunDirectory(path: (config.run.runsDir as NSString).appendingPathComponent(config.run.runName!))
        if directory.exists {
            throw ConfigError("\(directory.path) already holds a run; resume it with --resume \(directory.path) or choose another --run-name")
        }
        try directory.create()
        directory.removeTemporaryFiles()
        try RunRecord(config: config, blas: options.blas).write(to: directory)
        return (directory, try dispatch(config, directory: directory, resuming: false, options: options))
    }

    /// Continues the run in `directory` from its last checkpoint (or from the
    /// start, when it stopped before writing one).
    public static func resume(_ directory: RunDirectory, options: Options = Options()) throws -> Outcome {
        let record = try RunRecord.read(from: directory)
        directory.removeTemporaryFiles()
        let resuming = FileManager.default.fileExists(atPath: directory.checkpoint)
        return try dispatch(record.config, directory: directory, resuming: resuming, options: options)
    }

    private static func dispatch(_ config: RunConfig, directory: RunDirectory, resuming: Bool, options: Options) throws -> Outcome {
        switch config.env {
        case .gridworld:
            let environment = GridworldEnvironment(map: try config.gridMap(), maxSteps: config.gridworld.maxSteps)
            var loop = try TrainingLoop(config: config, directory: directory, resuming: resuming, options: options) { _ in environment }
            return try loop.run(GridworldReporting())
        case .arithmetic:
            let environment = ArithmeticEnvironment(config: config.arithmetic.environment)
            var loop = try TrainingLoop(config: config, directory: directory, resuming: resuming, options: options) { _ in environment }
            return try loop.run(ArithmeticReporting(config: config))
        }
    }
}

/// What a checkpoint's payload holds (JSON inside the checksummed container).
struct CheckpointPayload<E: Environment>: Codable {
    var config: RunConfig
    var state: PPOTrainer<E>.State
    var wallSeconds: Double
    var progressRows: Int

    /// The run's checkpoint, checked (container) and decoded (payload); one
    /// line naming the file when it is damaged or for another environment.
    static func read(from directory: RunDirectory) throws -> CheckpointPayload {
        let payload = try Checkpoint.read(from: directory.checkpoint)
        do {
            return try JSONDecoder().decode(CheckpointPayload.self, from: payload)
        } catch {
            throw ConfigFileError("\(directory.checkpoint) does not fit this run: \(RunRecord.describe(error))")
        }
    }
}

/// What differs between environments: extra columns, the warm start, the
/// status line and the closing summary.
protocol RunReporting<E> {
    associatedtype E: Environment
    /// Runs before the first update of a new run (the supervised warm start).
    /// Returns the environment's fields of row 0 (the policy before PPO).
    func prepare(_ trainer: inout PPOTrainer<E>, directory: RunDirectory, console: Console) throws -> [String: CSVField]
    func extraFields(_ trainer: PPOTrainer<E>, _ metrics: UpdateMetrics, isLast: Bool) throws -> [String: CSVField]
    func status(_ metrics: UpdateMetrics, _ fields: [String: CSVField]) -> String
    func finish(_ trainer: PPOTrainer<E>, directory: RunDirectory, console: Console) throws
}

struct TrainingLoop<E: Environment> {
    let config: RunConfig
    let directory: RunDirectory
    let options: Options
    var trainer: PPOTrainer<E>
    var wallSecondsBefore = 0.0
    var progressRows = 0
    let resuming: Bool
    typealias Options = TrainingRun.Options

    init(config: RunConfig, directory: RunDirectory, resuming: Bool, options: Options, makeEnvironment: (Int) -> E) throws {
        self.config = config
        self.directory = directory
        self.options = options
        self.resuming = resuming
        if resuming {
            let saved = try CheckpointPayload<E>.read(from: directory)
            guard saved.config == config else {
                throw ConfigFileError("\(directory.checkpoint) was written for another configuration than \(directory.config)")
            }
            do {
                trainer = try PPOTrainer(config: config.ppo, state: saved.state)
            } catch {
                throw ConfigFileError("\(directory.checkpoint): \(error)")
            }
            wallSecondsBefore = saved.wallSeconds
            progressRows = saved.progressRows
        } else {
            trainer = PPOTrainer(config: config.ppo, makeEnvironment: makeEnvironment)
        }
    }

    mutating func run<R: RunReporting>(_ reporting: R) throws -> TrainingRun.Outcome where R.E == E {
        let console = options.console
        let columns = ProgressColumns.all(for: config.env)
        if trainer.isFinished {
            console.line("\(directory.path) has already finished all \(config.ppo.numUpdates) updates; nothing to do")
            return .alreadyFinished
        }
        console.line("rltrain \(RunRecord.currentVersion) · BLAS: \(options.blas.version) · run directory \(directory.path)")
        console.line("\(config.environmentDescription) · \(config.ppo.numEnvs) envs × \(config.ppo.numSteps) steps on \(config.ppo.workers) worker\(config.ppo.workers == 1 ? "" : "s") · \(config.ppo.numUpdates) updates · seed \(config.ppo.seed)")

        let clock = ContinuousClock()
        let started = clock.now
        let csv: CSVWriter
        if resuming {
            csv = try CSVWriter(resuming: directory.progress, columns: columns, keepingRows: progressRows)
            console.line("resuming after update \(trainer.completedUpdates) (\(trainer.envSteps) env steps)")
        } else {
            // Row 0: the policy before PPO (after the warm start, if any), so
            // that curves start where RL starts.
            var row = try reporting.prepare(&trainer, directory: directory, console: console)
            let wallSeconds = (clock.now - started).seconds
            row.merge(["update": .int(0), "env_steps": .int(0), "episodes": .int(0), "wall_seconds": .double(wallSeconds),
                       "flops": .double(trainer.flops), "learning_rate": .double(config.ppo.learningRate)]) { $1 }
            csv = try CSVWriter(creating: directory.progress, columns: columns)
            try csv.append(row)
            try csv.sync()
            try saveCheckpoint(rows: csv.rowCount, wallSeconds: wallSeconds)
            wallSecondsBefore = wallSeconds
        }
        defer { csv.close() }
        let loopStarted = clock.now
        var updateSeconds: [Double] = []
        let reportEvery = max(1, config.ppo.numUpdates / 20)
        while !trainer.isFinished {
            let before = clock.now
            let metrics = try trainer.update()
            let seconds = (clock.now - before).seconds
            updateSeconds.append(seconds)
            let wallSeconds = wallSecondsBefore + (clock.now - loopStarted).seconds
            var row = ProgressColumns.row(metrics, wallSeconds: wallSeconds, sps: Double(config.ppo.batchSize) / seconds)
            let isLast = trainer.isFinished
            row.merge(try reporting.extraFields(trainer, metrics, isLast: isLast)) { $1 }
            try csv.append(row)

            let remaining = Double(config.ppo.numUpdates - metrics.update) * median(updateSeconds.suffix(20))
            let line = String(
                format: "update %d/%d │ %@ steps │ %@ steps/s │ %@ │ ETA %@",
                metrics.update, config.ppo.numUpdates, Console.count(metrics.envSteps),
                Console.count(Int(Double(config.ppo.batchSize) / seconds)),
                reporting.status(metrics, row), Console.duration(remaining))
            console.status(line, persist: metrics.update % reportEvery == 0 || isLast)

            let interrupted = (options.interrupt?.isRaised ?? false)
                || options.stopAfterUpdates.map { metrics.update >= $0 } ?? false
            if metrics.update % config.run.checkpointEvery == 0 || isLast || interrupted {
                try csv.sync()
                try saveCheckpoint(rows: csv.rowCount, wallSeconds: wallSeconds)
            }
            if interrupted && !isLast {
                console.finishStatus()
                console.line("stopped after update \(metrics.update); continue with: rltrain --resume \(directory.path)")
                return .interrupted
            }
        }
        console.finishStatus()
        try writeCurves()
        try reporting.finish(trainer, directory: directory, console: console)
        console.line("wrote \(directory.path)/{config.json, progress.csv, checkpoint.bin, curves.svg}")
        return .finished
    }

    func saveCheckpoint(rows: Int, wallSeconds: Double) throws {
        let payload = CheckpointPayload<E>(config: config, state: trainer.state, wallSeconds: wallSeconds, progressRows: rows)
        // Sorted keys: swift-corelibs-foundation emits keyed containers and
        // dictionaries in hash order, which Swift seeds per process, so
        // without this two identical runs wrote different checkpoint bytes.
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(payload)
        try Checkpoint.write(payload: data, to: directory.checkpoint)
    }

    func writeCurves() throws {
        let table = try CSVTable(path: directory.progress)
        let steps = try table.doubles("env_steps")
        func series(_ column: String) throws -> [(x: Double, y: Double)] {
            try zip(steps, table.doubles(column)).compactMap { x, y in
                guard let x, let y else { return nil }
                return (x, y)
            }
        }
        var panels = [
            LinePlot(title: "Episodic return (last 100 episodes)", xLabel: "env steps", yLabel: "return",
                     series: [.init(name: "", points: try series("episodic_return_mean"))]),
            LinePlot(title: "Success rate (last 100 episodes)", xLabel: "env steps", yLabel: "success rate",
                     yRange: 0...1, series: [.init(name: "", points: try series("success_rate"))]),
        ]
        if config.env == .arithmetic {
            panels.append(LinePlot(
                title: "Held-out accuracy (greedy)", xLabel: "env steps", yLabel: "exact match",
                yRange: 0...1, series: [.init(name: "", points: try series("accuracy"))]))
        }
        let figure = Figure(title: "\(config.environmentDescription) · seed \(config.ppo.seed)", panels: panels)
        try AtomicFile.write(figure.svg(), to: directory.curves)
    }

    private func median(_ values: ArraySlice<Double>) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }
}
