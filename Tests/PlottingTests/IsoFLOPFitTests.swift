import Foundation
import XCTest
import RL
@testable import Plotting

/// The IsoFLOP fits on synthetic data with a known optimum and exponent.
final class IsoFLOPFitTests: XCTestCase {
    private func gaussians(_ count: Int, seed: UInt64) -> [Double] {
        var rng = RNG(seed: seed).stream("isoflop-noise")
        return (0..<count).map { _ in
            let u1 = 1 - rng.uniformDouble(), u2 = rng.uniformDouble()
            return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
        }
    }

    func testLogParabolaRecoversVertexExactly() throws {
        // y = 0.9 − 0.3·(log10 x − log10 40)²: the best width is 40.
        let x = [8.0, 16, 32, 64, 128, 256]
        let fit = try LogParabolaFit(x: x, y: x.map { 0.9 - 0.3 * pow(log10($0) - log10(40), 2) })
        XCTAssertEqual(try XCTUnwrap(fit.vertex), 40, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(fit.interiorOptimum(higherIsBetter: true)), 40, accuracy: 1e-9)
        XCTAssertNil(fit.interiorOptimum(higherIsBetter: false), "a peak is not a minimum")
        XCTAssertEqual(fit.rSquared, 1, accuracy: 1e-12)
        XCTAssertEqual(fit.predict(40), 0.9, accuracy: 1e-12)
    }

    func testLogParabolaOptimumAtAnEdgeIsNotInterior() throws {
        // Peak at x = 1000, outside 8…256: the best swept width is the edge.
        let x = [8.0, 16, 32, 64, 128, 256]
        let fit = try LogParabolaFit(x: x, y: x.map { 0.9 - 0.3 * pow(log10($0) - 3, 2) })
        XCTAssertEqual(try XCTUnwrap(fit.vertex), 1000, accuracy: 1e-6)
        XCTAssertNil(fit.interiorOptimum(higherIsBetter: true))
    }

    func testLogParabolaNoisy() throws {
        let widths = [8.0, 16, 32, 64, 128, 256]
        var x: [Double] = [], y: [Double] = []
        let noise = gaussians(widths.count * 5, seed: 3)
        for (i, w) in widths.enumerated() {
            for s in 0..<5 {
                x.append(w)
                y.append(0.8 - 0.4 * pow(log10(w) - log10(50), 2) + 0.01 * noise[i * 5 + s])
            }
        }
        let fit = try LogParabolaFit(x: x, y: y)
        XCTAssertEqual(try XCTUnwrap(fit.interiorOptimum(higherIsBetter: true)), 50, accuracy: 5)
        XCTAssertGreaterThan(fit.rSquared, 0.95)
    }

    func testLogParabolaErrors() {
        XCTAssertThrowsError(try LogParabolaFit(x: [1, 2], y: [1, 2])) { XCTAssertEqual($0 as? FitError, .tooFewPoints(needed: 3, usable: 2)) }
        XCTAssertThrowsError(try LogParabolaFit(x: [1, 1, 2, 2], y: [1, 2, 3, 4])) { XCTAssertEqual("\($0)", "cannot fit: a parabola needs at least three different x values") }
    }

    func testPowerLawExponentAndStandardError() throws {
        // N_opt = 3·C^0.5 with 5% log-normal noise over 5 budgets: the
        // exponent's standard error must cover the truth within 3 standard errors.
        let budgets = [1e9, 3e9, 1e10, 3e10, 1e11]
        let noise = gaussians(budgets.count, seed: 11)
        let fit = try PowerLawFit(x: budgets, y: zip(budgets, noise).map { 3 * pow($0, 0.5) * exp(0.05 * $1) })
        let se = try XCTUnwrap(fit.exponentStandardError)
        XCTAssertGreaterThan(se, 0)
        XCTAssertLessThan(se, 0.05)
        XCTAssertLessThan(abs(fit.exponent - 0.5), 3 * se)
        XCTAssertGreaterThan(fit.rSquared, 0.95)
        // Exact data: no residual, no error; two points: no error at all.
        XCTAssertEqual(try XCTUnwrap(try PowerLawFit(x: budgets, y: budgets.map { 2 * pow($0, 0.3) }).exponentStandardError), 0, accuracy: 1e-9)
        XCTAssertNil(try PowerLawFit(x: [1, 10], y: [2, 20]).exponentStandardError)
    }

    func testLinearSlopeStandardErrorMatchesTextbook() throws {
        // x = 1…5, y = (1, 3, 2, 5, 4): slope 0.8, SS_res 3.6, Sxx 10, se = √(3.6/3/10).
        let fit = try LinearFit(x: [1, 2, 3, 4, 5], y: [1, 3, 2, 5, 4])
        XCTAssertEqual(fit.slope, 0.8, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(fit.slopeStandardError), (3.6 / 3 / 10).squareRoot(), accuracy: 1e-12)
    }
}
