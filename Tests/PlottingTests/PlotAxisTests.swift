import Foundation
import XCTest
@testable import Plotting

/// Axes: nice linear ticks, log decades, compact tick labels.
final class PlotAxisTests: XCTestCase {
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
