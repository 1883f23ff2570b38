import Foundation
import NN
import RL
import RunStorage
import Plotting

/// Everything rltrain knows about one environment, carried by the type of
/// its settings: what `--env NAME` selects and `config.json` stores under
/// NAME; its flags, defaults and validation; how a run builds the
/// environment, what it logs each update, its warm start and closing
/// summary; how `rltrain eval` and a sweep's evaluations measure a trained
/// policy; and which metrics its figures and sweep thresholds use.
///
/// An environment is one folder holding its `Environment` and a type
/// conforming to this protocol; registering it is one line in
/// `EnvironmentRegistry`. Nothing outside the folder names it.
public protocol EnvironmentSettings: Codable, Sendable, Equatable {
    associatedtype Env: Environment
    associatedtype EvaluationRequest: Sendable

    // MARK: Identity and configuration

    /// The `--env` value and the key of these settings in `config.json`.
    static var name: String { get }
    /// One line for `--help`.
    static var summary: String { get }
    /// The default settings.
    init()
    /// The training flags that set these settings.
    static var options: [CommandLineOption<Self>] { get }
    /// PPO and worker defaults that differ from CleanRL's for this
    /// environment (the README's table of defaults says why).
    static func adjustDefaults(_ ppo: inout PPOConfig, envsPerWorker: inout Int)
    /// Throws one line naming the flag for the first setting out of range.
    func validate() throws(ConfigError)
    /// A short description for progress lines: `arithmetic 1-3 digits, think budget 1`.
    var label: String { get }
    /// The environment every slot starts from (settings already validated).
    func makeEnvironment() throws -> Env

    // MARK: Training

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

    // MARK: Evaluation

    /// What `rltrain eval` runs when given no flag.
    static var defaultEvaluation: EvaluationRequest { get }
    /// The flags of `rltrain eval` (and the keys of a sweep's `eval`).
    static var evaluationOptions: [CommandLineOption<EvaluationRequest>] { get }
    /// Throws one line naming the flag for the first value out of range.
    static func validate(_ request: EvaluationRequest) throws(ConfigError)
    /// The columns of `eval.csv`.
    static var evaluationColumns: [String] { get }
    /// Measures a trained actor, prints the result and appends it to `eval.csv`.
    func evaluate(actor: some PolicyNetwork, _ request: EvaluationRequest, run: RunContext) throws

    // MARK: Test-time search

    /// `count` problems as `request` (flags of `rltrain eval`) chooses them —
    /// length, difficulty, cap — each an environment reset to its problem:
    /// held out (what evaluation and a verifier's test see) or from the
    /// training split (what a verifier learns on). Nil: this environment has
    /// no test-time search and no verifier (see Search/).
    func searchProblems(_ request: EvaluationRequest, count: Int, heldOut: Bool, seed: UInt64) throws -> [Env]?

    // MARK: Sweeps and figures

    /// "Reached" in a sweep when the file sets no threshold.
    static var defaultThreshold: Threshold { get }
    /// Final metrics in a sweep's `summary.csv`, in order (those its runs have).
    static var summaryMetrics: [String] { get }
    /// Metrics that live in [0, 1] (figures fix their y axis there).
    static var unitIntervalMetrics: Set<String> { get }
    /// Figures of a sweep report that only this environment can draw, from
    /// its runs' `eval.csv` rows (e.g. accuracy against test-time compute).
    static func evaluationFigures(_ runs: [EvaluatedRun]) -> [ReportFigure]
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

/// "Reached" means the `progress.csv` column `metric` ≥ `value` for the first time.
public struct Threshold: Sendable, Equatable {
    public var metric: String
    public var value: Double
    public init(metric: String, value: Double) {
        self.metric = metric
        self.value = value
    }
}

/// One run of a sweep as the environment's figures see it: its point's
/// label and its `eval.csv` rows.
public struct EvaluatedRun: Sendable {
    /// Identifies the point (several seeds share it).
    public var point: String
    /// The point's legend label, e.g. `think-budget 2`.
    public var label: String
    public var evaluations: CSVTable

    public init(point: String, label: String, evaluations: CSVTable) {
        self.point = point
        self.label = label
        self.evaluations = evaluations
    }
}

/// What an environment that needs nothing more gets: no warm start, no
/// columns or panels of its own, the common progress line, success rate as
/// what "reached" means, no test-time search, and no figures of its own.
extension EnvironmentSettings {
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

    public func searchProblems(_ request: EvaluationRequest, count: Int, heldOut: Bool, seed: UInt64) throws -> [Env]? { nil }

    public static var defaultThreshold: Threshold { Threshold(metric: "success_rate", value: 0.9) }
    public static var summaryMetrics: [String] { ["success_rate", "episodic_return_mean"] }
    public static var unitIntervalMetrics: Set<String> { ["success_rate"] }
    public static func evaluationFigures(_ runs: [EvaluatedRun]) -> [ReportFigure] { [] }
}

extension EnvironmentSettings {
    /// Settings compared across environment types (false for different types).
    public func isEqual(to other: any EnvironmentSettings) -> Bool {
        guard let other = other as? Self else { return false }
        return self == other
    }

    /// Each training flag's name and whether it takes a value.
    public static var trainingFlagNames: [(name: String, takesValue: Bool)] {
        options.map { ($0.name, $0.valueName != nil) }
    }

    /// Each evaluation flag's name and whether it takes a value.
    public static var evaluationFlagNames: [(name: String, takesValue: Bool)] {
        evaluationOptions.map { ($0.name, $0.valueName != nil) }
    }

    /// The evaluation `arguments` (flags of `rltrain eval`) ask for, checked.
    public static func evaluationRequest(_ arguments: [String]) throws -> EvaluationRequest {
        var request = defaultEvaluation
        try evaluationOptions.apply(arguments, to: &request, context: "\(name) runs") { flag in
            EnvironmentRegistry.evaluationOwner(of: flag, except: name)
        }
        try validate(request)
        return request
    }
}
