/// Mean and sample standard deviation (n − 1) of the finite values of a
/// sample, e.g. a metric over seeds; `std` is nil for one value.
public struct SampleStatistics: Sendable {
    public let mean: Double
    public let std: Double?
    public let count: Int

    /// Nil when no value is finite.
    public init?(_ values: [Double]) {
        let v = values.filter(\.isFinite)
        guard !v.isEmpty else { return nil }
        count = v.count
        mean = v.reduce(0, +) / Double(v.count)
        if v.count >= 2 {
            let m = mean
            std = (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count - 1)).squareRoot()
        } else {
            std = nil
        }
    }
}

extension LinePlot.Series {
    /// The mean over seeds at each x, with mean ± one standard deviation
    /// (none for a single seed) as its band.
    public init(name: String, means: [(x: Double, stats: SampleStatistics)], style: LinePlot.Style = .line, color: Int? = nil) {
        self.init(name: name, points: means.map { ($0.x, $0.stats.mean) },
                  band: means.map { ($0.x, $0.stats.mean - ($0.stats.std ?? 0), $0.stats.mean + ($0.stats.std ?? 0)) },
                  style: style, color: color)
    }
}
