import NN
import RL
import RunStorage

/// What a run does with an environment beyond stepping it: its columns and
/// panels, a warm start before the first update, per-update fields, the
/// progress line and a closing summary.
public protocol TrainingHooks: TaskDefinition {
    /// Columns this environment appends to `progress.csv`, after the common ones.
    static var progressColumns: [String] { get }
    /// Panels `curves.svg` draws beside return and success rate.
    static var curvePanels: [CurvePanel] { get }
    /// Runs before the first update of a new run (a supervised warm start,
    /// say) and returns this environment's fields of row 0. A long one
    /// returns early once `run.shouldStop()` (what it returns is then unused).
    func prepare<N: PolicyNetwork>(_ trainer: inout Trainer<Env, N>, run: RunContext) throws -> [String: CSVField]
    /// This environment's fields of an update's `progress.csv` row.
    func progressFields<N: PolicyNetwork>(_ trainer: Trainer<Env, N>, _ metrics: UpdateMetrics, isLast: Bool, run: RunContext) throws -> [String: CSVField]
    /// Its part of the progress line.
    func status(_ metrics: UpdateMetrics, _ fields: [String: CSVField]) -> String
    /// After the last update: a closing summary (and its `eval.csv` rows).
    func finish<N: PolicyNetwork>(_ trainer: Trainer<Env, N>, run: RunContext) throws
    /// Extra cost of a run beyond its env steps (a warm start), in env-step
    /// equivalents: the sweep's ETA weighs runs by it.
    var warmStartCost: Double { get }
}

/// What an environment that needs nothing more gets: no warm start, no
/// columns or panels of its own, the common progress line.
extension TrainingHooks {
    public static var progressColumns: [String] { [] }
    public static var curvePanels: [CurvePanel] { [] }
    public var warmStartCost: Double { 0 }

    public func prepare<N: PolicyNetwork>(_ trainer: inout Trainer<Env, N>, run: RunContext) throws -> [String: CSVField] { [:] }

    public func progressFields<N: PolicyNetwork>(_ trainer: Trainer<Env, N>, _ metrics: UpdateMetrics, isLast: Bool, run: RunContext) throws -> [String: CSVField] {
        [:]
    }

    public func status(_ metrics: UpdateMetrics, _ fields: [String: CSVField]) -> String {
        let ret = metrics.episodicReturnMean.isFinite ? String(format: "%.3f", metrics.episodicReturnMean) : "–"
        return "return \(ret) │ success \(Console.percent(metrics.successRate))"
    }

    public func finish<N: PolicyNetwork>(_ trainer: Trainer<Env, N>, run: RunContext) throws {}
}

/// Where a run writes and prints, and its seed: what an environment's
/// training and evaluation hooks need besides the trainer.
public struct RunContext: Sendable {
    public var directory: RunDirectory
    public var console: Console
    public var seed: UInt64
    /// True once the run has been asked to stop (Ctrl-C): a long `prepare`
    /// (a warm start) checks it and returns early; the run then stops
    /// without a checkpoint, so `--resume` starts it over.
    public var shouldStop: @Sendable () -> Bool

    public init(directory: RunDirectory, console: Console, seed: UInt64, shouldStop: @escaping @Sendable () -> Bool = { false }) {
        self.directory = directory
        self.console = console
        self.seed = seed
        self.shouldStop = shouldStop
    }
}

/// One panel of `curves.svg`: a `progress.csv` column against env steps.
public struct CurvePanel: Sendable {
    public var title: String
    public var column: String
    public var yLabel: String
    public var unitInterval: Bool

    public init(title: String, column: String, yLabel: String, unitInterval: Bool) {
        self.title = title
        self.column = column
        self.yLabel = yLabel
        self.unitInterval = unitInterval
    }
}
