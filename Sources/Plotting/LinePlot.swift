/// One chart: learning curves, a metric against compute, or a scatter with a
/// fitted line. A value type describing *what* to draw; `svg()` draws it.
///
/// Points that cannot be drawn — NaN or infinite coordinates, and
/// coordinates ≤ 0 on a log axis — are skipped rather than rejected, because
/// real runs produce them (a loss that blew up, a run that never reached the
/// threshold) and one bad value must not cost the whole figure. A line is
/// broken where a point is skipped.
public struct LinePlot: Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var xScale: AxisScale
    public var yScale: AxisScale
    /// Fixed axis ranges; nil fits the data (extended to nice tick values).
    public var xRange: ClosedRange<Double>?
    public var yRange: ClosedRange<Double>?
    public var series: [Series]
    public var referenceLines: [ReferenceLine]
    /// Lists named series to the right of the plot area.
    public var showLegend: Bool
    /// Size of the whole panel in SVG user units (pixels), legend included;
    /// the panel grows where its legend needs more (`drawnSize`).
    public var width: Double
    public var height: Double
    /// The legend's line for open (censored) markers, added when a series
    /// has censored points.
    public var censoredNote = "open marker: not every seed got there"

    public init(
        title: String, xLabel: String, yLabel: String,
        xScale: AxisScale = .linear, yScale: AxisScale = .linear,
        xRange: ClosedRange<Double>? = nil, yRange: ClosedRange<Double>? = nil,
        series: [Series] = [], referenceLines: [ReferenceLine] = [],
        showLegend: Bool = true, width: Double = 560, height: Double = 360
    ) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xScale = xScale
        self.yScale = yScale
        self.xRange = xRange
        self.yRange = yRange
        self.series = series
        self.referenceLines = referenceLines
        self.showLegend = showLegend
        self.width = width
        self.height = height
    }

    /// One data set: a curve, a scatter, or a fitted line.
    public struct Series: Sendable {
        /// Shown in the legend; an empty name keeps the series out of it.
        public var name: String
        public var points: [(x: Double, y: Double)]
        /// A shaded band, typically min–max or mean ± std over seeds.
        public var band: [(x: Double, low: Double, high: Double)]
        public var style: Style
        /// Palette index; nil takes the series' position in the plot, so a
        /// fitted line can share its data's colour by naming the same index.
        public var color: Int?
        /// Indices of `points` that are censored — a mean over only the seeds
        /// that got there, say — drawn as open markers, and explained by the
        /// plot's `censoredNote` in the legend.
        public var censored: Set<Int>

        public init(
            name: String, points: [(x: Double, y: Double)],
            band: [(x: Double, low: Double, high: Double)] = [],
            style: Style = .line, color: Int? = nil, censored: Set<Int> = []
        ) {
            self.name = name
            self.points = points
            self.band = band
            self.style = style
            self.color = color
            self.censored = censored
        }
    }

    public enum Style: Sendable, Equatable {
        /// Solid line through the points in the given order.
        case line
        /// Dashed line, e.g. for a fit or a baseline.
        case dashed
        /// Points without a line (a scatter).
        case markers
        /// Solid line with a marker on every point.
        case lineAndMarkers
    }

    /// A horizontal line across the plot, e.g. a success threshold of 0.95.
    public struct ReferenceLine: Sendable {
        public var y: Double
        public var label: String

        public init(y: Double, label: String = "") {
            self.y = y
            self.label = label
        }
    }

    /// Whether the panel says nothing: its drawable points take a single x
    /// or a single y value (a vertical or horizontal line, or one point).
    /// `Figure` leaves such panels out.
    public var isDegenerate: Bool {
        var xs = Set<Double>(), ys = Set<Double>()
        for s in series {
            for p in s.points where PlotAxis.accepts(p.x, scale: xScale) && PlotAxis.accepts(p.y, scale: yScale) {
                xs.insert(p.x)
                ys.insert(p.y)
            }
        }
        return xs.count < 2 || ys.count < 2
    }

    /// A standalone SVG 1.1 document holding this plot.
    public func svg() -> String {
        var figure = Figure(panels: [self], columns: 1)
        figure.leavesOutDegenerate = false
        return figure.svg()
    }
}
