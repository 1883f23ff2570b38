/// How an axis maps values to positions.
public enum AxisScale: Sendable, Equatable {
    case linear
    /// Logarithmic: equal distances for equal ratios, the natural axis for
    /// compute (env steps, FLOPs) that sweeps double. Values ≤ 0 cannot be
    /// placed and are skipped.
    case log10
}
