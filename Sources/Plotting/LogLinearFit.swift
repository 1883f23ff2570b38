import Foundation

/// y = a + b·log10(x): a final metric against compute on a log-x axis, where
/// `slope` reads as "gain per tenfold compute" and plots as a straight line.
/// Pairs with x ≤ 0 or a non-finite coordinate are ignored.
public struct LogLinearFit: Sendable, Equatable {
    public let intercept: Double
    /// Change in y per decade of x.
    public let slope: Double
    /// r² of the straight line in (log10 x, y).
    public let rSquared: Double
    public let count: Int

    public init(x: [Double], y: [Double]) throws(FitError) {
        guard x.count == y.count else { throw .lengthMismatch(x: x.count, y: y.count) }
        let pairs = zip(x, y).filter { $0.0 > 0 && $0.0.isFinite }
        let line = try LinearFit(x: pairs.map { Foundation.log10($0.0) }, y: pairs.map(\.1))
        intercept = line.intercept
        slope = line.slope
        rSquared = line.rSquared
        count = line.count
    }

    /// a + b·log10(x).
    public func predict(_ x: Double) -> Double { intercept + slope * Foundation.log10(x) }
}
