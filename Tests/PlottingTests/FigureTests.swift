import Foundation
import XCTest
import TestSupport
@testable import Plotting

/// Figure: small multiples of line plots in one SVG.
final class FigureTests: XCTestCase {
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
}
