import Foundation
import XCTest
import RL
@testable import Plotting

final class FitTests: XCTestCase {
    /// Standard normal draws (Box–Muller) from the project's seeded RNG.
    private func gaussians(_ count: Int, seed: UInt64) -> [Double] {
        var rng = RNG(seed: seed).stream("fit-noise")
        return (0..<count).map { _ in
            let u1 = 1 - rng.uniformDouble(), u2 = rng.uniformDouble()
            return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
        }
    }

    func testLinearFitExact() throws {
        let x = (0..<10).map(Double.init)
        let fit = try LinearFit(x: x, y: x.map { 3 - 0.5 * $0 })
        XCTAssertEqual(fit.intercept, 3, accuracy: 1e-12)
        XCTAssertEqual(fit.slope, -0.5, accuracy: 1e-12)
        XCTAssertEqual(fit.rSquared, 1, accuracy: 1e-12)
        XCTAssertEqual(fit.predict(4), 1, accuracy: 1e-12)
    }

    func testLinearFitNoisyAndSkipsNonFinite() throws {
        let x = (0..<200).map { Double($0) / 10 }
        let noise = gaussians(200, seed: 7)
        var y = zip(x, noise).map { 1 + 2 * $0 + 0.3 * $1 }
        y[5] = .nan
        y[6] = .infinity
        let fit = try LinearFit(x: x, y: y)
        XCTAssertEqual(fit.count, 198)
        XCTAssertEqual(fit.intercept, 1, accuracy: 0.15)
        XCTAssertEqual(fit.slope, 2, accuracy: 0.02)
        XCTAssertGreaterThan(fit.rSquared, 0.99)
        XCTAssertLessThan(fit.rSquared, 1)
    }

    func testLinearFitErrors() {
        XCTAssertThrowsError(try LinearFit(x: [1], y: [1])) { XCTAssertEqual($0 as? FitError, .tooFewPoints(needed: 2, usable: 1)) }
        XCTAssertThrowsError(try LinearFit(x: [2, 2, 2], y: [1, 2, 3])) { XCTAssertEqual("\($0)", "cannot fit: all x values are equal") }
        XCTAssertThrowsError(try LinearFit(x: [1, 2], y: [1])) { XCTAssertEqual($0 as? FitError, .lengthMismatch(x: 2, y: 1)) }
        XCTAssertEqual(try LinearFit(x: [1, 2, 3], y: [5, 5, 5]).rSquared, 1)
    }

    func testLogLinearFit() throws {
        let x = [1e3, 1e4, 1e5, 1e6, 0, -1]
        let fit = try LogLinearFit(x: x, y: x.map { $0 > 0 ? 0.2 + 0.15 * log10($0) : 99 })
        XCTAssertEqual(fit.count, 4)
        XCTAssertEqual(fit.intercept, 0.2, accuracy: 1e-12)
        XCTAssertEqual(fit.slope, 0.15, accuracy: 1e-12)
        XCTAssertEqual(fit.predict(1e7), 1.25, accuracy: 1e-12)
    }

    func testPowerLawFit() throws {
        let x = (1...12).map { pow(2, Double($0)) }
        let exact = try PowerLawFit(x: x, y: x.map { 5e4 * pow($0, -0.7) })
        XCTAssertEqual(exact.coefficient, 5e4, accuracy: 1e-6)
        XCTAssertEqual(exact.exponent, -0.7, accuracy: 1e-12)
        XCTAssertEqual(exact.predict(64), 5e4 * pow(64, -0.7), accuracy: 1e-8)

        let noise = gaussians(x.count, seed: 11)
        let noisy = try PowerLawFit(x: x, y: zip(x, noise).map { 5e4 * pow($0, -0.7) * exp(0.05 * $1) })
        XCTAssertEqual(noisy.exponent, -0.7, accuracy: 0.03)
        XCTAssertEqual(noisy.coefficient / 5e4, 1, accuracy: 0.2)
        XCTAssertGreaterThan(noisy.rSquared, 0.98)
    }

    func testCriticalBatchFitRecoversExactParameters() throws {
        let sMin = 1_000.0, eMin = 64_000.0 // B_crit = 64
        let batches = (2...12).map { pow(2, Double($0)) }
        let steps = batches.map { sMin * (1 + (eMin / sMin) / $0) }
        let examples = zip(batches, steps).map { $0 * $1 }
        let fit = try CriticalBatchFit(steps: steps + [.infinity], examples: examples + [1])
        XCTAssertEqual(fit.count, batches.count)
        XCTAssertEqual(fit.minSteps, sMin, accuracy: 1e-6)
        XCTAssertEqual(fit.minExamples, eMin, accuracy: 1e-4)
        XCTAssertEqual(fit.criticalBatchSize, 64, accuracy: 1e-9)
        XCTAssertEqual(fit.rmsResidual, 0, accuracy: 1e-12)
        // At B = B_crit: twice the minimum steps and twice the minimum examples.
        XCTAssertEqual(fit.steps(batchSize: 64), 2 * sMin, accuracy: 1e-6)
        XCTAssertEqual(fit.examples(batchSize: 64), 2 * eMin, accuracy: 1e-4)
        for (s, e) in zip(steps, examples) {
            XCTAssertEqual((s / fit.minSteps - 1) * (e / fit.minExamples - 1), 1, accuracy: 1e-9)
        }
    }

    func testCriticalBatchFitNoisy() throws {
        let sMin = 5_000.0, eMin = 1_280_000.0 // B_crit = 256
        var steps: [Double] = [], examples: [Double] = []
        let noise = gaussians(3 * 11, seed: 3)
        for seed in 0..<3 {
            for (i, b) in (4...14).map({ pow(2, Double($0)) }).enumerated() {
                let s = sMin * (1 + 256 / b) * exp(0.05 * noise[seed * 11 + i])
                steps.append(s)
                examples.append(s * b)
            }
        }
        let fit = try CriticalBatchFit(steps: steps, examples: examples)
        XCTAssertEqual(fit.criticalBatchSize / 256, 1, accuracy: 0.15)
        XCTAssertEqual(fit.minSteps / sMin, 1, accuracy: 0.1)
        XCTAssertEqual(fit.minExamples / eMin, 1, accuracy: 0.1)
        XCTAssertGreaterThan(fit.rmsResidual, 0)
    }

    func testCriticalBatchFitErrors() {
        // One batch size only: S and E proportional.
        XCTAssertThrowsError(try CriticalBatchFit(steps: [100, 200, 400], examples: [1_000, 2_000, 4_000])) {
            XCTAssertEqual("\($0)", "cannot fit: every run has the same batch size E/S; need at least two")
        }
        XCTAssertThrowsError(try CriticalBatchFit(steps: [100], examples: [1_000]))
        // More steps *and* more examples at larger batch: no trade-off.
        XCTAssertThrowsError(try CriticalBatchFit(steps: [100, 1_000], examples: [1_000, 1_000_000]))
    }
}
