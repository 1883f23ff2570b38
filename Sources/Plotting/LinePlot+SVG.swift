import Foundation

extension LinePlot {
    // Layout constants, in SVG user units. Fonts are 11–14 px sans-serif;
    // text widths are estimated (no font metrics) at ~0.6 em per character.
    private static let marginLeft = 62.0, marginTop = 30.0, marginBottom = 44.0, marginRight = 14.0
    private static let charWidth = 6.6

    /// Draws the panel as an SVG group at (`x`, `y`). `id` makes clip-path
    /// ids unique when several panels share one document.
    func svgGroup(x originX: Double, y originY: Double, id: String) -> String {
        let xAxis = PlotAxis.make(values: xValues(), scale: xScale, fixed: xRange)
        let yAxis = PlotAxis.make(values: yValues(), scale: yScale, fixed: yRange)

        let named = showLegend ? series.enumerated().filter { !$0.element.name.isEmpty } : []
        let legendChars = min(named.map { $0.element.name.count }.max() ?? 0, Int(width * 0.3 / Self.charWidth))
        let legendWidth = named.isEmpty ? 0 : 34 + Double(legendChars) * Self.charWidth
        let left = Self.marginLeft, top = Self.marginTop
        let plotWidth = max(20, width - left - Self.marginRight - legendWidth)
        let plotHeight = max(20, height - top - Self.marginBottom)

        // Positions far outside the frame are clamped so the numbers stay
        // short; the clip path hides them anyway.
        func px(_ v: Double) -> Double { left + plotWidth * min(10, max(-9, xAxis.fraction(v))) }
        func py(_ v: Double) -> Double { top + plotHeight * (1 - min(10, max(-9, yAxis.fraction(v)))) }
        func placeable(_ x: Double, _ y: Double) -> Bool {
            PlotAxis.accepts(x, scale: xScale) && PlotAxis.accepts(y, scale: yScale)
        }

        var out = "<g class=\"panel\" transform=\"translate(\(svgNumber(originX)),\(svgNumber(originY)))\">\n"
        out += "<defs><clipPath id=\"\(id)-clip\"><rect x=\"\(svgNumber(left))\" y=\"\(svgNumber(top))\" width=\"\(svgNumber(plotWidth))\" height=\"\(svgNumber(plotHeight))\"/></clipPath></defs>\n"
        out += "<rect x=\"\(svgNumber(left))\" y=\"\(svgNumber(top))\" width=\"\(svgNumber(plotWidth))\" height=\"\(svgNumber(plotHeight))\" fill=\"#ffffff\" stroke=\"none\"/>\n"
        out += "<text class=\"title\" x=\"\(svgNumber(left + plotWidth / 2))\" y=\"\(svgNumber(top - 10))\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">\(xmlEscaped(title))</text>\n"

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
            out += "<text class=\"tick\" x=\"\(x)\" y=\"\(svgNumber(top + plotHeight + 16))\" text-anchor=\"middle\" font-size=\"11\">\(xmlEscaped(xAxis.label(v)))</text>\n"
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
        for (index, s) in series.enumerated() {
            let color = Palette.color(s.color ?? index)
            // Split into runs of drawable points; a skipped point breaks the line.
            var runs: [[(Double, Double)]] = [[]]
            for p in s.points {
                if placeable(p.x, p.y) {
                    runs[runs.count - 1].append((px(p.x), py(p.y)))
                } else if !runs[runs.count - 1].isEmpty {
                    runs.append([])
                }
            }
            let drawsLine = s.style != .markers
            var markers: [(Double, Double)] = []
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
            } else {
                markers = runs.flatMap { $0 }
            }
            for (x, y) in markers {
                out += "<circle class=\"marker\" cx=\"\(svgNumber(x))\" cy=\"\(svgNumber(y))\" r=\"3\" fill=\"\(color)\"/>\n"
            }
        }
        for line in referenceLines where PlotAxis.accepts(line.y, scale: yScale) {
            let y = svgNumber(py(line.y))
            out += "<line class=\"reference\" x1=\"\(svgNumber(left))\" y1=\"\(y)\" x2=\"\(svgNumber(left + plotWidth))\" y2=\"\(y)\" stroke=\"#555555\" stroke-width=\"1.2\" stroke-dasharray=\"3 3\"/>\n"
            if !line.label.isEmpty {
                out += "<text x=\"\(svgNumber(left + plotWidth - 4))\" y=\"\(svgNumber(py(line.y) - 4))\" text-anchor=\"end\" font-size=\"11\" fill=\"#555555\">\(xmlEscaped(line.label))</text>\n"
            }
        }
        out += "</g>\n"

        // Frame and axis labels.
        out += "<rect x=\"\(svgNumber(left))\" y=\"\(svgNumber(top))\" width=\"\(svgNumber(plotWidth))\" height=\"\(svgNumber(plotHeight))\" fill=\"none\" stroke=\"#444444\"/>\n"
        out += "<text class=\"xlabel\" x=\"\(svgNumber(left + plotWidth / 2))\" y=\"\(svgNumber(top + plotHeight + 36))\" text-anchor=\"middle\" font-size=\"12\">\(xmlEscaped(xLabel))</text>\n"
        out += "<text class=\"ylabel\" transform=\"translate(14,\(svgNumber(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\" font-size=\"12\">\(xmlEscaped(yLabel))</text>\n"

        // Legend.
        let legendX = left + plotWidth + 12
        for (row, entry) in named.enumerated() {
            let (index, s) = entry
            let color = Palette.color(s.color ?? index)
            let y = top + 8 + Double(row) * 18
            out += "<g class=\"legend-entry\">"
            if s.style != .markers {
                let dash = s.style == .dashed ? " stroke-dasharray=\"6 4\"" : ""
                out += "<line x1=\"\(svgNumber(legendX))\" y1=\"\(svgNumber(y))\" x2=\"\(svgNumber(legendX + 22))\" y2=\"\(svgNumber(y))\" stroke=\"\(color)\" stroke-width=\"1.8\"\(dash)/>"
            }
            if s.style == .markers || s.style == .lineAndMarkers {
                out += "<circle cx=\"\(svgNumber(legendX + 11))\" cy=\"\(svgNumber(y))\" r=\"3\" fill=\"\(color)\"/>"
            }
            var name = s.name
            if name.count > legendChars { name = String(name.prefix(max(1, legendChars - 1))) + "…" }
            out += "<text x=\"\(svgNumber(legendX + 28))\" y=\"\(svgNumber(y + 4))\" font-size=\"11\">\(xmlEscaped(name))</text></g>\n"
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
