import Foundation

/// A piece of text as a panel draws it, with its box estimated from the font
/// size (no font metrics: ~0.6 em per character, bold ~0.64 em), in the
/// panel's coordinates. The layout keeps every box inside the panel and
/// apart from every other; the tests check both.
public struct TextBox: Sendable, Equatable {
    public var text: String
    /// What the text is: `title`, `tick`, `xlabel`, `ylabel`, `legend`, `reference`.
    public var role: String
    public var minX: Double, minY: Double, maxX: Double, maxY: Double

    public func overlaps(_ other: TextBox) -> Bool {
        minX < other.maxX && other.minX < maxX && minY < other.maxY && other.minY < maxY
    }

    /// Estimated width of `text` at `fontSize`.
    public static func width(_ text: String, fontSize: Double, bold: Bool = false) -> Double {
        Double(text.count) * fontSize * (bold ? 0.64 : 0.6)
    }
}

extension LinePlot {
    // Layout constants, in SVG user units. Fonts are 11–14 px sans-serif.
    private static let marginLeft = 62.0, marginTop = 30.0, marginBottom = 44.0, marginRight = 14.0
    private static let legendRow = 18.0, minimumPlotWidth = 300.0

    /// Where everything goes: computed once, then drawn by `svgGroup` and
    /// reported by `textBoxes()`.
    struct Layout {
        var xAxis: PlotAxis, yAxis: PlotAxis
        var left: Double, top: Double, plotWidth: Double, plotHeight: Double
        var width: Double, height: Double
        /// The panel title's lines, centred on the panel, 14 px bold.
        var titleLines: [String]
        var titleFont: Double { 14 }
        /// Centre of the title: over the plot area where it fits there.
        var titleX: Double
        /// Legend rows: the series' index (nil for the censored note) and its text.
        var legend: [(index: Int?, text: String)]
        var legendX: Double
        /// x tick values that get a label (thinned so that labels do not touch).
        var xLabelled: [Double]
        /// Reference lines' labels: the line and the label's baseline y.
        var referenceLabels: [(line: ReferenceLine, y: Double)]

        func px(_ v: Double) -> Double { left + plotWidth * min(10, max(-9, xAxis.fraction(v))) }
        func py(_ v: Double) -> Double { top + plotHeight * (1 - min(10, max(-9, yAxis.fraction(v)))) }
    }

    /// The panel's size as drawn: at least `width` × `height`, more where the
    /// legend needs it.
    public var drawnSize: (width: Double, height: Double) {
        let l = layout()
        return (l.width, l.height)
    }

    /// Every text the panel draws, with its estimated box.
    public func textBoxes() -> [TextBox] {
        let l = layout()
        var boxes: [TextBox] = []
        func add(_ text: String, _ role: String, x: Double, baseline: Double, font: Double, anchor: String, bold: Bool = false) {
            let w = TextBox.width(text, fontSize: font, bold: bold)
            let minX = anchor == "middle" ? x - w / 2 : anchor == "end" ? x - w : x
            boxes.append(TextBox(text: text, role: role, minX: minX, minY: baseline - font * 0.8, maxX: minX + w, maxY: baseline + font * 0.25))
        }
        for (i, line) in l.titleLines.enumerated() where !line.isEmpty {
            add(line, "title", x: l.titleX, baseline: titleBaseline(l, line: i), font: l.titleFont, anchor: "middle", bold: true)
        }
        for v in l.xLabelled { add(l.xAxis.label(v), "tick", x: l.px(v), baseline: l.top + l.plotHeight + 16, font: 11, anchor: "middle") }
        for v in l.yAxis.major { add(l.yAxis.label(v), "tick", x: l.left - 7, baseline: l.py(v) + 4, font: 11, anchor: "end") }
        add(xLabel, "xlabel", x: l.left + l.plotWidth / 2, baseline: l.top + l.plotHeight + 36, font: 12, anchor: "middle")
        // Rotated by −90° about (14, centre): a vertical box 12 px wide.
        let h = TextBox.width(yLabel, fontSize: 12)
        boxes.append(TextBox(text: yLabel, role: "ylabel", minX: 14 - 12 * 0.8, minY: l.top + l.plotHeight / 2 - h / 2, maxX: 14 + 12 * 0.25, maxY: l.top + l.plotHeight / 2 + h / 2))
        for (row, entry) in l.legend.enumerated() {
            add(entry.text, "legend", x: l.legendX + 28, baseline: l.top + 8 + Double(row) * Self.legendRow + 4, font: 11, anchor: "start")
        }
        for label in l.referenceLabels {
            add(label.line.label, "reference", x: l.left + l.plotWidth - 4, baseline: label.y, font: 11, anchor: "end")
        }
        return boxes
    }

    func layout() -> Layout {
        let xAxis = PlotAxis.make(values: xValues(), scale: xScale, fixed: xRange)
        let yAxis = PlotAxis.make(values: yValues(), scale: yScale, fixed: yRange)
        let left = Self.marginLeft

        // Legend: every named series in full, a series hidden under a later
        // one says so, and open markers get a line of their own.
        var legend: [(index: Int?, text: String)] = []
        if showLegend {
            let under = coincidences(xAxis: xAxis, yAxis: yAxis)
            for (i, s) in series.enumerated() where !s.name.isEmpty {
                let note = under[i].map { $0.hasPrefix("partly under ") ? $0 : "coincides with \($0)" }
                legend.append((i, note.map { "\(s.name) — \($0)" } ?? s.name))
            }
            if series.contains(where: { !$0.censored.isEmpty }) { legend.append((nil, censoredNote)) }
        }
        let legendWidth = legend.isEmpty ? 0 : 40 + (legend.map { TextBox.width($0.text, fontSize: 11) }.max() ?? 0)
        let width = max(self.width, left + Self.minimumPlotWidth + Self.marginRight + legendWidth)
        // A title wider than the panel wraps; each extra line moves the plot down.
        let titleLines = Self.wrap(title, chars: max(10, Int((width - 12) / (14 * 0.64))))
        let top = Self.marginTop + 17 * Double(max(0, titleLines.count - 1))
        let legendHeight = Double(legend.count) * Self.legendRow + 16
        let height = max(self.height + top - Self.marginTop, top + legendHeight)
        let plotWidth = width - left - Self.marginRight - legendWidth
        let plotHeight = max(20, height - top - Self.marginBottom)

        var l = Layout(xAxis: xAxis, yAxis: yAxis, left: left, top: top, plotWidth: plotWidth, plotHeight: plotHeight,
                       width: width, height: height, titleLines: titleLines, titleX: width / 2, legend: legend, legendX: left + plotWidth + 12,
                       xLabelled: xAxis.major, referenceLabels: [])
        let widest = titleLines.map { TextBox.width($0, fontSize: 14, bold: true) }.max() ?? 0
        let plotCentre = left + plotWidth / 2
        if plotCentre - widest / 2 >= 4, plotCentre + widest / 2 <= width - 4 { l.titleX = plotCentre }
        // x labels: every k-th, the smallest k at which neighbours keep 6 px apart.
        let majors = xAxis.major
        for k in 1...max(1, majors.count) {
            let kept = Swift.stride(from: 0, to: majors.count, by: k).map { majors[$0] }
            let spans = kept.map { v -> (Double, Double) in
                let w = TextBox.width(xAxis.label(v), fontSize: 11)
                return (l.px(v) - w / 2, l.px(v) + w / 2)
            }
            if zip(spans, spans.dropFirst()).allSatisfy({ $0.1 + 6 <= $1.0 }) { l.xLabelled = kept; break }
        }
        // Reference labels above their line, or below it where that would
        // touch a label already placed, or the title.
        var placed: [(Double, Double)] = []
        for line in referenceLines where PlotAxis.accepts(line.y, scale: yScale) && !line.label.isEmpty {
            let y = l.py(line.y)
            guard y >= top - 1, y <= top + plotHeight + 1 else { continue }
            var candidates: [Double] = [y - 4, y + 13]
            for k in 1...40 {
                let step = 13 * Double(k)
                candidates.append(y - 4 - step)
                candidates.append(y + 13 + step)
            }
            let free = candidates.first { c in
                c - 9 >= top && c + 3 <= top + plotHeight && placed.allSatisfy { abs($0.0 - c) >= 13 }
            } ?? candidates[0]
            placed.append((free, y))
            l.referenceLabels.append((line, free))
        }
        return l
    }

    /// Greedy word wrap at `chars` characters a line.
    static func wrap(_ text: String, chars: Int) -> [String] {
        var lines: [String] = [], current = ""
        for word in text.split(separator: " ") {
            if !current.isEmpty, current.count + 1 + word.count > chars {
                lines.append(current)
                current = ""
            }
            current += (current.isEmpty ? "" : " ") + word
        }
        return lines.isEmpty && current.isEmpty ? [""] : current.isEmpty ? lines : lines + [current]
    }

    /// Baseline of title line `i`: the last line 10 px above the plot.
    func titleBaseline(_ l: Layout, line i: Int) -> Double {
        l.top - 10 - 17 * Double(l.titleLines.count - 1 - i)
    }

    /// For each series drawn under a later one that covers every one of its
    /// points (within 1.5 px), the name of the covering series; for a line
    /// covered by another line at half of its points or more, "partly
    /// under" that line (a scatter's chance hits on a line are not worth a
    /// word).
    private func coincidences(xAxis: PlotAxis, yAxis: PlotAxis) -> [Int: String] {
        func fractions(_ s: Series) -> [(Double, Double)] {
            s.points.filter { PlotAxis.accepts($0.x, scale: xScale) && PlotAxis.accepts($0.y, scale: yScale) }
                .map { (xAxis.fraction($0.x), yAxis.fraction($0.y)) }
        }
        // 1.5 px of a typical 480 × 300 plot area.
        let tx = 1.5 / 480, ty = 1.5 / 300
        var out: [Int: String] = [:]
        for (i, s) in series.enumerated() where !s.name.isEmpty {
            let mine = fractions(s)
            guard !mine.isEmpty else { continue }
            for j in series.indices.reversed() where j > i {
                let theirs = fractions(series[j])
                guard !theirs.isEmpty, series[j].style != .markers || s.style == .markers else { continue }
                let shared = mine.filter { p in theirs.contains { abs($0.0 - p.0) <= tx && abs($0.1 - p.1) <= ty } }.count
                let name = series[j].name.isEmpty ? "another curve" : series[j].name
                if shared == mine.count {
                    out[i] = name
                    break
                }
                // Partly hidden: say where, once two or more points are under it.
                if shared >= 2, 2 * shared >= mine.count, out[i] == nil, s.style != .markers, series[j].style != .markers {
                    out[i] = "partly under \(name)"
                }
            }
        }
        return out
    }

    /// Draws the panel as an SVG group at (`x`, `y`). `id` makes clip-path
    /// ids unique when several panels share one document.
    func svgGroup(x originX: Double, y originY: Double, id: String) -> String {
        let l = layout()
        let left = l.left, top = l.top, plotWidth = l.plotWidth, plotHeight = l.plotHeight
        let px = l.px, py = l.py
        let xAxis = l.xAxis, yAxis = l.yAxis
        func placeable(_ x: Double, _ y: Double) -> Bool {
            PlotAxis.accepts(x, scale: xScale) && PlotAxis.accepts(y, scale: yScale)
        }

        var out = "<g class=\"panel\" transform=\"translate(\(svgNumber(originX)),\(svgNumber(originY)))\">\n"
        out += "<defs><clipPath id=\"\(id)-clip\"><rect x=\"\(svgNumber(left))\" y=\"\(svgNumber(top))\" width=\"\(svgNumber(plotWidth))\" height=\"\(svgNumber(plotHeight))\"/></clipPath></defs>\n"
        out += "<rect x=\"\(svgNumber(left))\" y=\"\(svgNumber(top))\" width=\"\(svgNumber(plotWidth))\" height=\"\(svgNumber(plotHeight))\" fill=\"#ffffff\" stroke=\"none\"/>\n"
        for (i, line) in l.titleLines.enumerated() {
            out += "<text class=\"title\" x=\"\(svgNumber(l.titleX))\" y=\"\(svgNumber(titleBaseline(l, line: i)))\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">\(xmlEscaped(line))</text>\n"
        }

        // Grid and ticks.
        for v in xAxis.minor {
            out += "<line x1=\"\(svgNumber(px(v)))\" y1=\"\(svgNumber(top))\" x2=\"\(svgNumber(px(v)))\" y2=\"\(svgNumber(top + plotHeight))\" stroke=\"#f0f0f0\"/>\n"
        }
        for v in yAxis.minor {
            out += "<line x1=\"\(svgNumber(left))\" y1=\"\(svgNumber(py(v)))\" x2=\"\(svgNumber(left + plotWidth))\" y2=\"\(svgNumber(py(v)))\" stroke=\"#f0f0f0\"/>\n"
        }
        for v in xAxis.major {
            let x = svgNumber(px(v))
            out += "<line x1=\"\(x)\" y1=\"\(svgNumber(top))\" x2=\"\(x)\" y2=\"\(svgNumber(top + plotHeight))\" stroke=\"#dddddd\"/>\n"
            out += "<line x1=\"\(x)\" y1=\"\(svgNumber(top + plotHeight))\" x2=\"\(x)\" y2=\"\(svgNumber(top + plotHeight + 4))\" stroke=\"#444444\"/>\n"
        }
        for v in l.xLabelled {
            out += "<text class=\"tick\" x=\"\(svgNumber(px(v)))\" y=\"\(svgNumber(top + plotHeight + 16))\" text-anchor=\"middle\" font-size=\"11\">\(xmlEscaped(xAxis.label(v)))</text>\n"
        }
        for v in yAxis.major {
            let y = svgNumber(py(v))
            out += "<line x1=\"\(svgNumber(left))\" y1=\"\(y)\" x2=\"\(svgNumber(left + plotWidth))\" y2=\"\(y)\" stroke=\"#dddddd\"/>\n"
            out += "<line x1=\"\(svgNumber(left - 4))\" y1=\"\(y)\" x2=\"\(svgNumber(left))\" y2=\"\(y)\" stroke=\"#444444\"/>\n"
            out += "<text class=\"tick\" x=\"\(svgNumber(left - 7))\" y=\"\(svgNumber(py(v) + 4))\" text-anchor=\"end\" font-size=\"11\">\(xmlEscaped(yAxis.label(v)))</text>\n"
        }

        // Data, clipped to the frame.
        out += "<g clip-path=\"url(#\(id)-clip)\">\n"
        for (index, s) in series.enumerated() {
            let color = Palette.color(s.color ?? index)
            let band = s.band.filter { placeable($0.x, $0.low) && placeable($0.x, $0.high) }
            if band.count >= 2 {
                let upper = band.map { "\(svgNumber(px($0.x))),\(svgNumber(py($0.high)))" }
                let lower = band.reversed().map { "\(svgNumber(px($0.x))),\(svgNumber(py($0.low)))" }
                out += "<polygon class=\"band\" points=\"\((upper + lower).joined(separator: " "))\" fill=\"\(color)\" fill-opacity=\"0.18\" stroke=\"none\"/>\n"
            }
        }
        for line in referenceLines where PlotAxis.accepts(line.y, scale: yScale) {
            let y = svgNumber(py(line.y))
            out += "<line class=\"reference\" x1=\"\(svgNumber(left))\" y1=\"\(y)\" x2=\"\(svgNumber(left + plotWidth))\" y2=\"\(y)\" stroke=\"#555555\" stroke-width=\"1.2\" stroke-dasharray=\"3 3\"/>\n"
        }
        for (index, s) in series.enumerated() {
            let color = Palette.color(s.color ?? index)
            // Split into runs of drawable points; a skipped point breaks the line.
            var runs: [[(Double, Double, Bool)]] = [[]]
            for (i, p) in s.points.enumerated() {
                if placeable(p.x, p.y) {
                    runs[runs.count - 1].append((px(p.x), py(p.y), s.censored.contains(i)))
                } else if !runs[runs.count - 1].isEmpty {
                    runs.append([])
                }
            }
            let drawsLine = s.style != .markers
            var markers: [(Double, Double, Bool)] = []
            if drawsLine {
                let d = runs.filter { $0.count >= 2 }.map { run in
                    "M" + run.map { "\(svgNumber($0.0)),\(svgNumber($0.1))" }.joined(separator: " L")
                }.joined(separator: " ")
                if !d.isEmpty {
                    let dash = s.style == .dashed ? " stroke-dasharray=\"6 4\"" : ""
                    out += "<path class=\"series\" d=\"\(d)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.8\" stroke-linejoin=\"round\"\(dash)/>\n"
                }
                // A lone point has no line to show it; mark it instead.
                markers = s.style == .lineAndMarkers ? runs.flatMap { $0 } : runs.filter { $0.count == 1 }.flatMap { $0 }
                markers += runs.flatMap { $0 }.filter { $0.2 && !markers.map(\.0).contains($0.0) }
            } else {
                markers = runs.flatMap { $0 }
            }
            for (x, y, censored) in markers {
                if censored {
                    out += "<circle class=\"marker censored\" cx=\"\(svgNumber(x))\" cy=\"\(svgNumber(y))\" r=\"4\" fill=\"#ffffff\" stroke=\"\(color)\" stroke-width=\"1.6\"/>\n"
                } else {
                    out += "<circle class=\"marker\" cx=\"\(svgNumber(x))\" cy=\"\(svgNumber(y))\" r=\"3\" fill=\"\(color)\"/>\n"
                }
            }
        }
        for label in l.referenceLabels {
            out += "<text class=\"reference-label\" x=\"\(svgNumber(left + plotWidth - 4))\" y=\"\(svgNumber(label.y))\" text-anchor=\"end\" font-size=\"11\" fill=\"#555555\" stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\">\(xmlEscaped(label.line.label))</text>\n"
        }
        out += "</g>\n"

        // Frame and axis labels.
        out += "<rect x=\"\(svgNumber(left))\" y=\"\(svgNumber(top))\" width=\"\(svgNumber(plotWidth))\" height=\"\(svgNumber(plotHeight))\" fill=\"none\" stroke=\"#444444\"/>\n"
        out += "<text class=\"xlabel\" x=\"\(svgNumber(left + plotWidth / 2))\" y=\"\(svgNumber(top + plotHeight + 36))\" text-anchor=\"middle\" font-size=\"12\">\(xmlEscaped(xLabel))</text>\n"
        out += "<text class=\"ylabel\" transform=\"translate(14,\(svgNumber(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\" font-size=\"12\">\(xmlEscaped(yLabel))</text>\n"

        // Legend.
        for (row, entry) in l.legend.enumerated() {
            let y = top + 8 + Double(row) * Self.legendRow
            let x = l.legendX
            out += "<g class=\"legend-entry\">"
            if let index = entry.index {
                let s = series[index]
                let color = Palette.color(s.color ?? index)
                if s.style != .markers {
                    let dash = s.style == .dashed ? " stroke-dasharray=\"6 4\"" : ""
                    out += "<line x1=\"\(svgNumber(x))\" y1=\"\(svgNumber(y))\" x2=\"\(svgNumber(x + 22))\" y2=\"\(svgNumber(y))\" stroke=\"\(color)\" stroke-width=\"1.8\"\(dash)/>"
                }
                if s.style == .markers || s.style == .lineAndMarkers {
                    out += "<circle cx=\"\(svgNumber(x + 11))\" cy=\"\(svgNumber(y))\" r=\"3\" fill=\"\(color)\"/>"
                }
            } else {
                out += "<circle cx=\"\(svgNumber(x + 11))\" cy=\"\(svgNumber(y))\" r=\"4\" fill=\"#ffffff\" stroke=\"#444444\" stroke-width=\"1.6\"/>"
            }
            out += "<text x=\"\(svgNumber(x + 28))\" y=\"\(svgNumber(y + 4))\" font-size=\"11\">\(xmlEscaped(entry.text))</text></g>\n"
        }
        out += "</g>\n"
        return out
    }

    private func xValues() -> [Double] {
        series.flatMap { $0.points.filter { PlotAxis.accepts($0.y, scale: yScale) }.map(\.x) + $0.band.map(\.x) }
    }

    private func yValues() -> [Double] {
        let fromSeries = series.flatMap { s in
            s.points.filter { PlotAxis.accepts($0.x, scale: xScale) }.map(\.y)
                + s.band.filter { PlotAxis.accepts($0.x, scale: xScale) }.flatMap { [$0.low, $0.high] }
        }
        return fromSeries + referenceLines.map(\.y)
    }
}

/// An SVG coordinate: at most two decimals, no trailing zeros, never "-0",
/// so output is compact and identical across runs.
func svgNumber(_ value: Double) -> String {
    var text = String(format: "%.2f", value)
    while text.hasSuffix("0") { text.removeLast() }
    if text.hasSuffix(".") { text.removeLast() }
    return text == "-0" ? "0" : text
}
