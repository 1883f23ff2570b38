import Foundation
import XCTest
import TestSupport
@testable import Plotting

/// LinePlot's SVG: series, bands, markers, reference lines, log scales, edge cases.
final class LinePlotTests: XCTestCase {
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
}
