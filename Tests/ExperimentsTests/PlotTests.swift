import Foundation
import XCTest
@testable import Experiments
@testable import RunStorage
@testable import Plotting
@testable import Sweeps

final class PlotTests: XCTestCase {
    private func curve(_ n: Int, _ f: (Double) -> Double) -> [(x: Double, y: Double)] {
        (1...n).map { i in (x: Double(i) * 2048, y: f(Double(i))) }
    }

    func testLearningCurvesWithBandsAndThreshold() {
        let plot = LinePlot(
            title: "fourrooms <PPO> & \"friends\"", xLabel: "env steps", yLabel: "success rate",
            yRange: 0...1,
            series: [
                LinePlot.Series(name: "hidden 64", points: curve(20) { 1 - exp(-$0 / 5) },
                                band: curve(20) { 1 - exp(-$0 / 5) }.map { (x: $0.x, low: $0.y - 0.05, high: $0.y + 0.05) }),
                LinePlot.Series(name: "hidden 128", points: curve(20) { 1 - exp(-$0 / 3) }, style: .dashed),
                LinePlot.Series(name: "runs", points: curve(7) { $0 / 10 }, style: .markers),
            ],
            referenceLines: [.init(y: 0.95, label: "threshold 0.95")])
        let svg = plot.svg()
        XCTAssertTrue(svg.hasPrefix("<?xml version=\"1.0\""))
        let parsed = SVGElements.parse(svg)
        XCTAssertEqual(parsed.elements.first?.name, "svg")
        XCTAssertEqual(parsed.elements.first?.attributes["xmlns"], "http://www.w3.org/2000/svg")
        XCTAssertEqual(parsed.count("path", class: "series"), 2)
        XCTAssertEqual(parsed.count("circle", class: "marker"), 7)
        XCTAssertEqual(parsed.count("polygon", class: "band"), 1)
        XCTAssertEqual(parsed.count("line", class: "reference"), 1)
        XCTAssertEqual(parsed.count("g", class: "legend-entry"), 3)
        XCTAssertTrue(parsed.text.contains("fourrooms <PPO> & \"friends\""))
        XCTAssertTrue(parsed.text.contains("threshold 0.95"))
        let paths = parsed.all("path", class: "series")
        XCTAssertEqual(paths[0]["d"]?.split(separator: "L").count, 20)
        XCTAssertEqual(paths[1]["stroke-dasharray"], "6 4")
        XCTAssertNotEqual(paths[0]["stroke"], paths[1]["stroke"])
        // Ticks on a 0…1 axis.
        let ticks = parsed.all("text", class: "tick")
        XCTAssertGreaterThanOrEqual(ticks.count, 6)
        XCTAssertEqual(plot.svg(), svg, "rendering must be deterministic")
    }

    func testLogScaleSkipsNonPositiveAndNonFinite() {
        let points: [(x: Double, y: Double)] = [(0, 1), (-5, 1), (1e3, 0.2), (1e4, .nan), (1e5, 0.5), (1e6, .infinity), (1e7, 0.9)]
        let plot = LinePlot(title: "vs flops", xLabel: "FLOPs", yLabel: "return", xScale: .log10,
                            series: [.init(name: "fit", points: points, style: .lineAndMarkers)])
        let parsed = SVGElements.parse(plot.svg())
        // (1e3) alone, then (1e5) alone, then (1e7) alone: three markers, no line segment.
        XCTAssertEqual(parsed.count("circle", class: "marker"), 3)
        XCTAssertEqual(parsed.count("path", class: "series"), 0)
        let labels = parsed.all("text", class: "tick").count
        XCTAssertGreaterThan(labels, 4)
        XCTAssertTrue(parsed.text.contains("1k") && parsed.text.contains("1M"))
    }

    func testEdgeCasesDoNotCrashAndStayWellFormed() {
        let cases: [LinePlot] = [
            LinePlot(title: "", xLabel: "", yLabel: ""),
            LinePlot(title: "empty", xLabel: "x", yLabel: "y", series: [.init(name: "none", points: [])]),
            LinePlot(title: "single", xLabel: "x", yLabel: "y", series: [.init(name: "one", points: [(3, 0.95)])]),
            LinePlot(title: "flat", xLabel: "x", yLabel: "y", series: [.init(name: "flat", points: [(0, 0), (1, 0), (2, 0)])]),
            LinePlot(title: "all unplottable", xLabel: "x", yLabel: "y", xScale: .log10, yScale: .log10,
                     series: [.init(name: "bad", points: [(.nan, 1), (1, .nan), (0, 0), (-1, -1)])]),
            LinePlot(title: "huge", xLabel: "x", yLabel: "y", series: [.init(name: "big", points: [(1e-300, 1e300), (1e300, -1e300), (1, .greatestFiniteMagnitude)])]),
            LinePlot(title: "tiny span", xLabel: "x", yLabel: "y", series: [.init(name: "t", points: [(1e9, 1), (1e9 + 1e-6, 1 + 1e-15)])]),
            LinePlot(title: "bad range", xLabel: "x", yLabel: "y", xScale: .log10, xRange: -1...10, yRange: 5...5,
                     series: [.init(name: "r", points: [(1, 1), (10, 2)])]),
            LinePlot(title: "sub-decade log", xLabel: "x", yLabel: "y", xScale: .log10, xRange: 2...8,
                     series: [.init(name: "s", points: [(3, 1), (7, 2)])]),
            LinePlot(title: "control \u{1}chars\u{0}", xLabel: "x", yLabel: "y",
                     series: [.init(name: "name \u{7} with bell and a very long name that will not fit in the legend box at all", points: [(1, 1), (2, 2)])]),
        ]
        for plot in cases {
            let svg = plot.svg()
            let parsed = SVGElements.parse(svg)
            XCTAssertEqual(parsed.elements.first?.name, "svg", plot.title)
            XCTAssertFalse(svg.contains("nan"), plot.title)
            XCTAssertFalse(svg.contains("inf"), plot.title)
        }
        let single = SVGElements.parse(cases[2].svg())
        XCTAssertEqual(single.count("circle", class: "marker"), 1, "a lone point is still visible")
    }

    func testFigureSmallMultiples() {
        let left = LinePlot(title: "return", xLabel: "env steps", yLabel: "return",
                            series: [.init(name: "a", points: curve(5) { $0 })])
        let right = LinePlot(title: "success", xLabel: "env steps", yLabel: "success",
                             series: [.init(name: "a", points: curve(5) { $0 / 5 }), .init(name: "b", points: curve(5) { $0 / 6 })],
                             referenceLines: [.init(y: 0.95)])
        let svg = Figure(title: "fourrooms", panels: [left, right]).svg()
        let parsed = SVGElements.parse(svg)
        XCTAssertEqual(parsed.count("g", class: "panel"), 2)
        XCTAssertEqual(parsed.count("path", class: "series"), 3)
        XCTAssertEqual(parsed.elements.first?.attributes["width"], "1120")
        let clipIDs = Set(parsed.elements.filter { $0.name == "clipPath" }.compactMap { $0.attributes["id"] })
        XCTAssertEqual(clipIDs.count, 2, "clip ids must be unique per panel")
        let grid = Figure(panels: [left, right, left, right], columns: 2).svg()
        XCTAssertEqual(SVGElements.parse(grid).elements.first?.attributes["height"], "720")
    }

    func testLinearTicksAreNice() {
        let axis = PlotAxis.make(values: [0.03, 0.91], scale: .linear, fixed: nil)
        XCTAssertEqual(axis.lower, 0)
        XCTAssertEqual(axis.upper, 1, accuracy: 1e-12)
        XCTAssertEqual(axis.major.map(axis.label), ["0", "0.2", "0.4", "0.6", "0.8", "1"])
        let steps = PlotAxis.make(values: [0, 1_000_000], scale: .linear, fixed: nil)
        XCTAssertEqual(steps.major.map(steps.label), ["0", "200k", "400k", "600k", "800k", "1M"])
        let fine = PlotAxis.make(values: [0, 2_500_000], scale: .linear, fixed: nil)
        XCTAssertEqual(fine.major.map(fine.label), ["0", "500k", "1M", "1.5M", "2M", "2.5M"])
        XCTAssertEqual(PlotAxis.niceStep(0.13), 0.1)
        XCTAssertEqual(PlotAxis.niceStep(0.216), 0.2)
        XCTAssertEqual(PlotAxis.niceStep(3), 5)
        XCTAssertEqual(PlotAxis.niceStep(7), 10)
    }

    func testLogTicksAreDecades() {
        let axis = PlotAxis.make(values: [300, 2e6], scale: .log10, fixed: nil)
        XCTAssertEqual(axis.lower, 100)
        XCTAssertEqual(axis.upper, 1e7)
        XCTAssertEqual(axis.major.map(axis.label), ["100", "1k", "10k", "100k", "1M", "10M"])
        XCTAssertEqual(axis.minor.count, 8 * 5)
        let wide = PlotAxis.make(values: [1e-3, 1e15], scale: .log10, fixed: nil)
        XCTAssertLessThanOrEqual(wide.major.count, 10)
        XCTAssertTrue(wide.minor.isEmpty)
    }

    func testCompactLabels() {
        XCTAssertEqual(TickLabel.format(1e9, step: 1e9), "1e9")
        XCTAssertEqual(TickLabel.format(2.5e10, step: 5e9), "2.5e10")
        XCTAssertEqual(TickLabel.format(1e-4, step: 1e-4), "1e-4")
        XCTAssertEqual(TickLabel.format(10_000, step: 10_000), "10k")
        XCTAssertEqual(TickLabel.format(-1500, step: 500), "-1.5k")
        XCTAssertEqual(TickLabel.format(0.05, step: 0.05), "0.05")
        XCTAssertEqual(TickLabel.format(0.30000000000000004, step: 0.1), "0.3")
        XCTAssertEqual(TickLabel.format(999.5, step: 0.5), "999.5")
    }
}
