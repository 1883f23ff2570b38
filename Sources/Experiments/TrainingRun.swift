import Foundation
import Tensor
import NN
import RL
import RunStorage
import Plotting
import Environments

/// Runs training end to end: the run directory, `config.json`, the
/// environment's preparation (a warm start), the update loop with
/// `progress.csv`, checkpoints, `curves.svg`, and the console. `start`
/// begins a run; `resume` continues one from its last checkpoint exactly as
/// if it had never stopped.
public enum TrainingRun {
    public struct Options: Sendable {
        public var console: Console
        /// Asked after every update: true stops the run after a checkpoint
        /// (the CLI answers from its signal handler).
        public var shouldStop: @Sendable () -> Bool
        /// Stop as if interrupted once this many updates are done (for tests
        /// of resuming, and for running a budget in slices).
        public var stopAfterUpdates: Int?
        /// The ranks of a data-parallel run (`mpirun`): rank 0 reads and
        /// writes the run directory and prints; every rank trains its share.
        public var collective: (any Collective)?

        public init(
            console: Console = Console(), shouldStop: @escaping @Sendable () -> Bool = { false }, stopAfterUpdates: Int? = nil,
            collective: (any Collective)? = nil
        ) {
            self.console = console
            self.shouldStop = shouldStop
            self.stopAfterUpdates = stopAfterUpdates
            self.collective = collective
        }

        var isRoot: Bool { (collective?.rank ?? 0) == 0 }
    }

    public enum Outcome: Sendable, Equatable {
        case finished
        /// Stopped on request after writing a checkpoint.
        case interrupted
        /// `--resume` of a run that had already finished.
        case alreadyFinished
    }

    /// Starts a new run in `<runs-dir>/<run-name>`, which must not hold a run yet.
    public static func start(_ config: RunConfig, options: Options = Options()) throws -> (RunDirectory, Outcome) {
        var config = config
        config.run.ranks = options.collective?.size ?? 1
        try config.validate()
        // Rank 0 names the run and creates its directory; every rank trains it.
        config = try onRoot(options.collective) { try create(config).config }
        let directory = Self.directory(config)
        return (directory, try train(config.environment, config: config, directory: directory, resuming: false, options: options))
    }

    /// Creates a new run's directory and `config.json` without training it
    /// (`resume` then starts it: how a sweep hands a run to a process of its
    /// own). Names the run when `config` does not.
    public static func create(_ config: RunConfig) throws -> (config: RunConfig, directory: RunDirectory) {
        try config.validate()
        var config = config
        if config.run.runName == nil {
            let formatter = DateFormatter()
            formatter.dateFormat = "yyyyMMdd-HHmmss"
            formatter.timeZone = TimeZone(identifier: "UTC")
            config.run.runName = "\(config.env)-\(config.ppo.seed)-\(formatter.string(from: Date()))"
        }
        let directory = Self.directory(config)
        if directory.exists {
            throw ConfigError("\(directory.path) already holds a run; resume it with --resume \(directory.path) or choose another --run-name")
        }
        try directory.create()
        directory.removeTemporaryFiles()
        try RunRecord(config: config).write(to: directory)
        return (config, directory)
    }

    private static func directory(_ config: RunConfig) -> RunDirectory {
        RunDirectory(path: (config.run.runsDir as NSString).appendingPathComponent(config.run.runName ?? ""))
    }

    /// Continues the run in `directory` from its last checkpoint (or from the
    /// start, when it stopped before writing one).
    public static func resume(_ directory: RunDirectory, options: Options = Options()) throws -> Outcome {
        struct Resumable: Codable { var config: RunConfig; var resuming: Bool }
        let run = try onRoot(options.collective) {
            let record = try RunRecord.read(from: directory)
            let ranks = options.collective?.size ?? 1
            guard record.config.run.ranks == ranks else {
                throw ConfigFileError(
                    "\(directory.path) was trained by \(record.config.run.ranks) process\(record.config.run.ranks == 1 ? "" : "es") and is resumed by \(ranks): resume it "
                        + (record.config.run.ranks == 1 ? "without mpirun" : "under mpirun -np \(record.config.run.ranks)"))
            }
            directory.removeTemporaryFiles()
            return Resumable(config: record.config, resuming: FileManager.default.fileExists(atPath: directory.checkpoint))
        }
        return try train(run.config.environment, config: run.config, directory: directory, resuming: run.resuming, options: options)
    }

    /// Runs `body` on rank 0 (or this process, without data parallelism)
    /// and gives every rank its result — or its failure: rank 0 throws the
    /// error, the other ranks `FailedOnAnotherRank`.
    static func onRoot<T: Codable>(_ collective: (any Collective)?, _ body: () throws -> T) throws -> T {
        guard let collective else { return try body() }
        var bytes: [UInt8] = [0]
        var failure: (any Error)?
        if collective.rank == 0 {
            do {
                bytes = [1] + [UInt8](try JSONEncoder().encode(try body()))
            } catch {
                failure = error
            }
        }
        collective.broadcast(&bytes, root: 0)
        if let failure { throw failure }
        guard bytes.first == 1, let value = try? JSONDecoder().decode(T.self, from: Data(bytes.dropFirst())) else {
            throw FailedOnAnotherRank()
        }
        return value
    }

    private static func train<S: EnvironmentSettings>(
        _ settings: S, config: RunConfig, directory: RunDirectory, resuming: Bool, options: Options
    ) throws -> Outcome {
        if let languageModel = config.languageModel, let task = config.textTask {
            return try trainLanguageModel(task, settings: languageModel, config: config, directory: directory,
                                          resuming: resuming, options: options)
        }
        var loop = try TrainingLoop<S, RunNetwork>(
            settings: settings, config: config, network: config.network, directory: directory, resuming: resuming, options: options)
        return try loop.run()
    }
}

extension TrainingRun {
    static func trainLanguageModel<T: TextTask>(
        _ task: T, settings: LanguageModelSettings, config: RunConfig, directory: RunDirectory, resuming: Bool,
        options: Options
    ) throws -> Outcome {
        var loop = try LanguageModelLoop(task: task, config: config, settings: settings, directory: directory,
                                         resuming: resuming, options: options)
        return try loop.run()
    }
}

/// A data-parallel run stopped on another rank, which said why.
public struct FailedOnAnotherRank: Error, CustomStringConvertible {
    public var description: String { "stopped: rank 0 failed (its message says why)" }
}

/// The network a run described by config.json trains: the MLP, with the
/// settings `RunConfig.network`. A test may train another `PolicyNetwork`
/// through `TrainingLoop` directly.
public typealias RunNetwork = MLP

/// What a checkpoint's payload holds (JSON inside the checksummed container).
typealias CheckpointPayload<E: Environment> = NetworkCheckpointPayload<E, RunNetwork>

struct NetworkCheckpointPayload<E: Environment, N: PolicyNetwork>: Codable, Sendable {
    var config: RunConfig
    var state: Trainer<E, N>.State
    var wallSeconds: Double
    var progressRows: Int

    /// The run's checkpoint, checked (container) and decoded (payload); one
    /// line naming the file when it is damaged or for another environment.
    static func read(from directory: RunDirectory) throws -> NetworkCheckpointPayload {
        let payload = try Checkpoint.read(from: directory.checkpoint)
        do {
            return try JSONDecoder().decode(NetworkCheckpointPayload.self, from: payload)
        } catch {
            throw ConfigFileError("\(directory.checkpoint) does not fit this run: \(RunRecord.describe(error))")
        }
    }

    /// The run's checkpoint and the trainer it holds, refused in one line
    /// naming the file when it was written for another configuration than
    /// `config` or does not hold together (networks, optimiser moments or
    /// reference policy of other shapes, environments of another size).
    /// Under data parallelism rank 0 reads the file and every rank takes its
    /// environments from it.
    static func load(
        from directory: RunDirectory, config: RunConfig, network: N.Settings, collective: (any Collective)? = nil
    ) throws -> (NetworkCheckpointPayload, Trainer<E, N>) {
        let saved = try TrainingRun.onRoot(collective) { try read(from: directory) }
        guard saved.config == config else {
            throw ConfigFileError("\(directory.checkpoint) was written for another configuration than \(directory.config)")
        }
        do {
            return (saved, try Trainer(config: config.ppo, network: network, state: saved.state, collective: collective))
        } catch {
            throw ConfigFileError("\(directory.checkpoint): \(error)")
        }
    }

    func write(to directory: RunDirectory) throws {
        // Sorted keys: swift-corelibs-foundation emits keyed containers and
        // dictionaries in hash order, which Swift seeds per process, so
        // without this two identical runs wrote different checkpoint bytes.
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        try Checkpoint.write(payload: try encoder.encode(self), to: directory.checkpoint)
    }
}

/// One run's loop over updates: each update's `progress.csv` row (common
/// columns from the trainer, the environment's from its settings), the
/// progress line, checkpoints, and the environment's closing summary.
struct TrainingLoop<S: EnvironmentSettings, N: PolicyNetwork> {
    let settings: S
    let config: RunConfig
    let network: N.Settings
    let directory: RunDirectory
    let options: TrainingRun.Options
    let context: RunContext
    var trainer: Trainer<S.Env, N>
    var wallSecondsBefore = 0.0
    var progressRows = 0
    let resuming: Bool
    /// The checkpoint being written, if any (`saveCheckpoint`).
    var pendingCheckpoint: BackgroundWrite?

    init(
        settings: S, config: RunConfig, network: N.Settings, directory: RunDirectory, resuming: Bool, options: TrainingRun.Options
    ) throws {
        self.settings = settings
        self.config = config
        self.network = network
        self.directory = directory
        self.options = options
        self.resuming = resuming
        context = RunContext(directory: directory, console: options.console, seed: config.ppo.seed, shouldStop: options.shouldStop)
        if resuming {
            let (saved, trainer) = try NetworkCheckpointPayload<S.Env, N>.load(
                from: directory, config: config, network: network, collective: options.collective)
            self.trainer = trainer
            wallSecondsBefore = saved.wallSeconds
            progressRows = saved.progressRows
        } else {
            let environment = try settings.makeEnvironment()
            trainer = Trainer(config: config.ppo, network: network, collective: options.collective) { _ in environment }
        }
    }

    mutating func run() throws -> TrainingRun.Outcome {
        let console = options.console
        let columns = ProgressColumns.all(for: S.self, algorithm: config.ppo.algorithm, ranks: config.run.ranks)
        if trainer.isFinished {
            // Killed between its last checkpoint and its figure, a run draws it now.
            if !FileManager.default.fileExists(atPath: directory.curves) { try writeCurves() }
            console.line("\(directory.path) has already finished all \(config.ppo.numUpdates) updates; nothing to do")
            return .alreadyFinished
        }
        console.line("rltrain \(RunRecord.currentVersion) · BLAS: \(BLAS.shared.version) · run directory \(directory.path)")
        console.line("\(settings.label) · \(config.ppo.numEnvs) envs × \(config.ppo.numSteps) steps on \(config.ppo.workers) worker\(config.ppo.workers == 1 ? "" : "s") · \(config.ppo.numUpdates) updates · seed \(config.ppo.seed)")

        // Under data parallelism rank 0 alone writes the files and runs the
        // environment's hooks; every rank trains and takes part in checkpoints.
        let isRoot = options.isRoot
        let clock = ContinuousClock()
        let started = clock.now
        var csv: CSVWriter?
        // TensorBoard's copy of progress.csv (rank 0), step = env_steps.
        // Events after the rows the checkpoint keeps are cut, as
        // progress.csv's rows are: those rows end at the checkpoint's env
        // steps, so the first step logged again is one more. A run that
        // starts (over) keeps none.
        var events: TensorBoardWriter?
        let tags = TensorBoardTags.tags(for: columns)
        func log(_ row: [String: CSVField], step: Int) throws {
            try events?.append(step: Int64(step), scalars: TensorBoardTags.scalars(row, tags: tags))
        }
        if resuming {
            if isRoot {
                csv = try CSVWriter(resuming: directory.progress, columns: columns, keepingRows: progressRows)
                if config.run.tensorboard {
                    events = try TensorBoardWriter(resuming: directory.path, firstStep: Int64(trainer.envSteps) + 1)
                }
            }
            console.line("resuming after update \(trainer.completedUpdates) (\(trainer.envSteps) env steps)")
        } else {
            // Row 0: the policy before the first update (after the warm
            // start, if any), so that curves start where RL starts.
            var row: [String: CSVField] = [:]
            if isRoot { row = try settings.prepare(&trainer, run: context) }
            var stopped = options.shouldStop()
            if let collective = options.collective { stopped = collective.any(stopped) }  // every rank stops alike
            if stopped {
                // Stopped during the warm start: nothing of it is kept (its
                // log would describe a policy no checkpoint holds), so the
                // directory holds config.json alone, and --resume starts over.
                if isRoot { try? FileManager.default.removeItem(atPath: directory.pretrain) }
                console.line("stopped before the first update; rltrain --resume \(directory.path) starts the run over")
                return .interrupted
            }
            trainer.synchroniseWithRoot()  // every rank starts RL from rank 0's weights
            let wallSeconds = (clock.now - started).seconds
            row.merge(["update": .int(0), "env_steps": .int(0), "episodes": .int(0), "wall_seconds": .double(wallSeconds),
                       "flops": .double(trainer.flops), "learning_rate": .double(config.ppo.learningRate)]) { $1 }
            if isRoot {
                let writer = try CSVWriter(creating: directory.progress, columns: columns)
                try writer.append(row)
                if config.run.tensorboard {
                    events = try TensorBoardWriter(resuming: directory.path, firstStep: 0)
                    try log(row, step: 0)
                    try events?.sync()
                }
                try writer.sync()
                csv = writer
            }
            try saveCheckpoint(rows: 1, wallSeconds: wallSeconds)
            wallSecondsBefore = wallSeconds
        }
        defer {
            // Leaving by an error: the last checkpoint is still completed.
            try? finishCheckpoint()
            csv?.close()
            events?.close()
        }
        let loopStarted = clock.now
        var updateSeconds: [Double] = []
        let reportEvery = max(1, config.ppo.numUpdates / 20)
        while !trainer.isFinished {
            let before = clock.now
            let stepsBefore = trainer.envSteps
            let collectiveSecondsBefore = options.collective?.secondsInCalls ?? 0
            let metrics = try trainer.update()
            let seconds = (clock.now - before).seconds
            // numEnvs × numSteps, or a few more when whole episodes were collected.
            let steps = Double(metrics.envSteps - stepsBefore)
            updateSeconds.append(seconds)
            let wallSeconds = wallSecondsBefore + (clock.now - loopStarted).seconds
            var row = ProgressColumns.row(metrics, wallSeconds: wallSeconds, sps: steps / seconds)
            if !config.ppo.algorithm.usesCritic { row.merge(ProgressColumns.groupRolloutFields(metrics)) { $1 } }
            if let collective = options.collective, config.run.ranks > 1 {
                row["allreduce_seconds"] = .double(collective.secondsInCalls - collectiveSecondsBefore)
            }
            let isLast = trainer.isFinished
            if let csv {
                row.merge(try settings.progressFields(trainer, metrics, isLast: isLast, run: context)) { $1 }
                try csv.append(row)
                try log(row, step: metrics.envSteps)
            }

            let remaining = Double(config.ppo.numUpdates - metrics.update) * median(updateSeconds.suffix(20))
            let line = String(
                format: "update %d/%d │ %@ steps │ %@ steps/s │ %@ │ ETA %@",
                metrics.update, config.ppo.numUpdates, Console.count(metrics.envSteps),
                Console.count(Int(steps / seconds)),
                settings.status(metrics, row), Console.duration(remaining))
            console.status(line, persist: metrics.update % reportEvery == 0 || isLast)

            var interrupted = options.shouldStop() || options.stopAfterUpdates.map { metrics.update >= $0 } ?? false
            if let collective = options.collective { interrupted = collective.any(interrupted) }  // every rank stops at the same update
            if metrics.update % config.run.checkpointEvery == 0 || isLast || interrupted {
                try csv?.sync()
                try events?.sync()
                // progress.csv holds row 0 and one row per update.
                try saveCheckpoint(rows: metrics.update + 1, wallSeconds: wallSeconds)
                // The run's last checkpoint is on disk before it reports.
                if isLast || interrupted { try finishCheckpoint() }
            }
            if interrupted && !isLast {
                console.finishStatus()
                console.line("stopped after update \(metrics.update); continue with: rltrain --resume \(directory.path)")
                return .interrupted
            }
        }
        console.finishStatus()
        guard isRoot else { return .finished }
        try writeCurves()
        try settings.finish(trainer, run: context)
        console.line("wrote \(directory.path)/{config.json, progress.csv, checkpoint.bin, curves.svg\(events == nil ? "" : ", events.out.tfevents.*")}")
        return .finished
    }

    /// Every rank gathers the state (the environments are spread over the
    /// ranks); rank 0 writes it on another thread (`BackgroundWrite`) while
    /// training goes on, once the previous checkpoint is written. The state
    /// is a snapshot (values), so the write sees the update it was taken at.
    mutating func saveCheckpoint(rows: Int, wallSeconds: Double) throws {
        try finishCheckpoint()
        let state = trainer.state
        guard options.isRoot else { return }
        let payload = NetworkCheckpointPayload<S.Env, N>(config: config, state: state, wallSeconds: wallSeconds, progressRows: rows)
        let directory = self.directory
        pendingCheckpoint = BackgroundWrite { try payload.write(to: directory) }
    }

    /// Waits for the checkpoint being written; rethrows its error.
    mutating func finishCheckpoint() throws {
        guard let pending = pendingCheckpoint else { return }
        pendingCheckpoint = nil
        try pending.wait()
    }

    /// `curves.svg`: return and success rate, then the environment's panels.
    func writeCurves() throws {
        let table = try CSVTable(path: directory.progress)
        func series(_ column: String) throws -> [(x: Double, y: Double)] { try table.points(x: "env_steps", y: column) }
        var panels = [
            LinePlot(title: "Episodic return (last 100 episodes)", xLabel: "env steps", yLabel: "return",
                     series: [.init(name: "", points: try series("episodic_return_mean"))]),
            LinePlot(title: "Success rate (last 100 episodes)", xLabel: "env steps", yLabel: "success rate",
                     yRange: 0...1, series: [.init(name: "", points: try series("success_rate"))]),
        ]
        for panel in S.curvePanels {
            panels.append(LinePlot(
                title: panel.title, xLabel: "env steps", yLabel: panel.yLabel,
                yRange: panel.unitInterval ? 0...1 : nil, series: [.init(name: "", points: try series(panel.column))]))
        }
        let figure = Figure(title: "\(settings.label) · seed \(config.ppo.seed)", panels: panels)
        try AtomicFile.write(figure.svg(), to: directory.curves)
    }

    private func median(_ values: ArraySlice<Double>) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }
}
