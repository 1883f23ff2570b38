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
        XCTAssertEqual(axis.lower, 300)
        XCTAssertEqual(axis.upper, 2e6)
        XCTAssertEqual(axis.major.map(axis.label), ["1k", "10k", "100k", "1M"])
        XCTAssertEqual(axis.minor.count, 7 + 8 * 3 + 1)
        let wide = PlotAxis.make(values: [1e-3, 1e15], scale: .log10, fixed: nil)
        XCTAssertLessThanOrEqual(wide.major.count, 10)
        XCTAssertTrue(wide.minor.isEmpty)
    }

    /// Rule: an axis fits its data. A log axis ends at the nearest m·10^k
    /// outside the data, never more than a factor of two away, and labels
    /// 1-2-5 values when fewer than three decades are in view.
    func testLogAxisFitsItsData() {
        let flops = PlotAxis.make(values: [5.3e10, 8.6e10, 1.5e11, 2.8e11, 5.5e11], scale: .log10, fixed: nil)
        XCTAssertEqual(flops.lower, 5e10, accuracy: 1)
        XCTAssertEqual(flops.upper, 6e11, accuracy: 1)
        XCTAssertEqual(flops.major.map(flops.label), ["5e10", "1e11", "2e11", "5e11"])
        for values in [[1.01e3, 9.9e3], [2.5e10, 2e11], [0.013, 0.9], [7, 7], [1, 1e12], [32, 2048]] {
            let axis = PlotAxis.make(values: values, scale: .log10, fixed: nil)
            let lo = values.min()!, hi = values.max()!
            XCTAssertLessThanOrEqual(axis.lower, lo, "\(values)")
            XCTAssertGreaterThanOrEqual(axis.upper, hi, "\(values)")
            XCTAssertLessThanOrEqual(lo / axis.lower, 2.0 + 1e-9, "\(values): lower end too far below the data")
            XCTAssertLessThanOrEqual(axis.upper / hi, 2.0 + 1e-9, "\(values): upper end too far above the data")
            XCTAssertGreaterThanOrEqual(axis.major.count, 2, "\(values)")
        }
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
