extension LinePlot {
    /// A panel width at which no legend entry of `series` is cut (the
    /// legend gets at most 30% of the width, ~6.6 px per character).
    public static func width(fitting series: [Series], atLeast base: Double) -> Double {
        let chars = series.map(\.name.count).max() ?? 0
        return max(base, (Double(chars) * 6.6 + 40) / 0.3)
    }
}

extension Figure {
    /// Two panels per row unless they are too wide to read side by side.
    public static func columns(fitting panels: [LinePlot]) -> Int {
        (panels.map(\.drawnSize.width).max() ?? 0) > 700 ? 1 : 2
    }
}
