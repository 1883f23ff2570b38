import RunStorage
import Plotting

/// What a sweep over this environment reports: what "reached" means, its
/// final metrics, and figures only it can draw.
public protocol SweepMetrics {
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

/// Success rate as what "reached" means, and no figures of its own.
extension SweepMetrics {
    public static var defaultThreshold: Threshold { Threshold(metric: "success_rate", value: 0.9) }
    public static var summaryMetrics: [String] { ["success_rate", "episodic_return_mean"] }
    public static var unitIntervalMetrics: Set<String> { ["success_rate"] }
    public static func evaluationFigures(_ runs: [EvaluatedRun]) -> [ReportFigure] { [] }
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
