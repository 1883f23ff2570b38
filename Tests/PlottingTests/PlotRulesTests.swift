import Foundation
import XCTest
import TestSupport
@testable import Plotting

/// The rules every figure keeps: no panel whose x or y takes a single value;
/// a curve drawn under another says so in the legend; censored points are
/// marked; every text stays inside the canvas and apart from every other.
/// (Axes fitting their data: PlotAxisTests.testLogAxisFitsItsData.)
final class PlotRulesTests: XCTestCase {
    func testPanelWithASingleXOrYIsLeftOut() {
        let vertical = LinePlot(title: "final accuracy vs env steps", xLabel: "env steps", yLabel: "accuracy", xScale: .log10,
                                series: [.init(name: "runs", points: [(51_200, 0.5), (51_200, 0.7), (51_200, 0.99)], style: .markers)])
        let horizontal = LinePlot(title: "flat", xLabel: "x", yLabel: "y",
                                  series: [.init(name: "flat", points: [(1, 0.5), (2, 0.5), (3, 0.5)])])
        let good = LinePlot(title: "final accuracy vs FLOPs", xLabel: "FLOPs", yLabel: "accuracy", xScale: .log10,
                            series: [.init(name: "runs", points: [(5e10, 0.5), (1e11, 0.7), (5e11, 0.99)])])
        XCTAssertTrue(vertical.isDegenerate)
        XCTAssertTrue(horizontal.isDegenerate)
        XCTAssertFalse(good.isDegenerate)
        let figure = Figure(title: "accuracy rises with compute", panels: [vertical, good, horizontal])
        XCTAssertEqual(figure.drawnPanels.count, 1)
        let parsed = SVGElements.parse(figure.svg())
        XCTAssertEqual(parsed.count("g", class: "panel"), 1)
        XCTAssertTrue(parsed.text.contains("final accuracy vs FLOPs"))
        XCTAssertFalse(parsed.text.contains("flat"))
        XCTAssertEqual(parsed.elements.first?.attributes["width"], "560", "the figure is as wide as the panels it draws")
    }

    func testCurveHiddenUnderAnotherSaysSoInTheLegend() {
        let policy = curve(8) { min(1, $0 / 8) }
        let plot = LinePlot(title: "policy matches the ideal reasoner", xLabel: "cap", yLabel: "accuracy", series: [
            .init(name: "ideal reasoner", points: policy, style: .dashed),
            .init(name: "policy", points: policy.map { (x: $0.x, y: $0.y + 1e-4) }, style: .lineAndMarkers),
            .init(name: "other", points: curve(8) { $0 / 20 }),
        ])
        let legend = plot.textBoxes().filter { $0.role == "legend" }.map(\.text)
        XCTAssertEqual(legend, ["ideal reasoner — coincides with policy", "policy", "other"])
        // Drawn on top, the policy does not coincide with what lies under it.
        let parsed = SVGElements.parse(plot.svg())
        XCTAssertTrue(parsed.text.contains("ideal reasoner — coincides with policy"))
        // A curve that partly overlaps says where.
        let partial = LinePlot(title: "t", xLabel: "x", yLabel: "y", series: [
            .init(name: "a", points: curve(8) { $0 }), .init(name: "b", points: curve(8) { $0 < 5 ? $0 : 2 * $0 }),
        ])
        XCTAssertEqual(partial.textBoxes().filter { $0.role == "legend" }.map(\.text), ["a — partly under b", "b"])
        let apart = LinePlot(title: "t", xLabel: "x", yLabel: "y", series: [
            .init(name: "a", points: curve(8) { $0 }), .init(name: "b", points: curve(8) { $0 < 2 ? $0 : 3 * $0 }),
        ])
        XCTAssertEqual(apart.textBoxes().filter { $0.role == "legend" }.map(\.text), ["a", "b"], "one shared point is not a hidden curve")
    }

    func testCensoredPointsAreOpenMarkersExplainedInTheLegend() {
        let plot = LinePlot(title: "env steps to threshold", xLabel: "batch", yLabel: "env steps", xScale: .log10, yScale: .log10, series: [
            .init(name: "mean over seeds that reached it", points: [(32, 16e3), (64, 17e3), (1024, 49e3), (2048, 53e3)],
                  style: .lineAndMarkers, censored: [2, 3]),
        ])
        let parsed = SVGElements.parse(plot.svg())
        XCTAssertEqual(parsed.count("circle", class: "marker"), 2)
        XCTAssertEqual(parsed.count("circle", class: "marker censored"), 2)
        XCTAssertEqual(parsed.all("circle", class: "marker censored").first?["fill"], "#ffffff")
        XCTAssertTrue(plot.textBoxes().contains { $0.role == "legend" && $0.text == plot.censoredNote })
        // Censored points of a plain line are marked too.
        var line = plot
        line.series[0].style = .line
        XCTAssertEqual(SVGElements.parse(line.svg()).count("circle", class: "marker censored"), 2)
    }

    /// Every text box inside the canvas and apart from every other, for
    /// plots that push the layout: many legend entries, long names, a long
    /// title, crowded log ticks, reference lines close together.
    func testTextStaysInsideTheCanvasAndApart() {
        let many = (0..<14).map { i in
            LinePlot.Series(name: "samples \(1 << i), temperature 0.\(i) (majority vote)", points: curve(12) { Double(i) + $0 })
        }
        let plots = [
            LinePlot(title: "Accuracy rises with every doubling of samples and then stops at the greedy answer's level", xLabel: "samples (log scale)",
                     yLabel: "exact-match accuracy", xScale: .log10, series: many, width: 560, height: 300),
            LinePlot(title: "thresholds", xLabel: "env steps", yLabel: "accuracy", yRange: 0...1,
                     series: [.init(name: "a", points: curve(10) { $0 / 10 })],
                     referenceLines: [.init(y: 0.95, label: "threshold 0.95"), .init(y: 0.97, label: "ideal reasoner 0.97"), .init(y: 0.93, label: "greedy 0.93")]),
            LinePlot(title: "crowded ticks", xLabel: "FLOPs", yLabel: "y", xScale: .log10,
                     series: [.init(name: "fit 0.412 + 0.118·log10 x (r² 0.93), a long fitted-line name", points: [(1.01e3, 1), (9.9e5, 2)])], width: 300),
        ]
        let figure = Figure(title: "A figure title that states a finding in many words, long enough that it has to wrap onto a second line of its own",
                            panels: plots, columns: 2)
        let layout = figure.layout()
        let boxes = figure.textBoxes()
        XCTAssertGreaterThan(boxes.count, 40)
        for b in boxes {
            XCTAssertGreaterThanOrEqual(b.minX, 0, "\(b.role) \(b.text) leaves the canvas on the left")
            XCTAssertGreaterThanOrEqual(b.minY, 0, "\(b.role) \(b.text) leaves the canvas at the top")
            XCTAssertLessThanOrEqual(b.maxX, layout.width, "\(b.role) \(b.text) leaves the canvas on the right")
            XCTAssertLessThanOrEqual(b.maxY, layout.height, "\(b.role) \(b.text) leaves the canvas at the bottom")
        }
        for (i, a) in boxes.enumerated() {
            for b in boxes[(i + 1)...] where a.overlaps(b) {
                XCTFail("\(a.role) \"\(a.text)\" overlaps \(b.role) \"\(b.text)\"")
            }
        }
        // Nothing is cut: every legend name is drawn whole.
        let parsed = SVGElements.parse(figure.svg())
        for s in many { XCTAssertTrue(parsed.text.contains(s.name)) }
        XCTAssertFalse(parsed.text.contains("…"))
    }
}
