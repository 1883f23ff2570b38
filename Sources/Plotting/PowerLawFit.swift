import Foundation

/// y = c·x^k, fitted as a straight line in (log10 x, log10 y): the usual form
/// of scaling laws (loss against compute, steps against batch size). Least
/// squares in log space weighs relative, not absolute, errors, which suits
/// quantities spanning decades. Pairs with x ≤ 0 or y ≤ 0 are ignored.
public struct PowerLawFit: Sendable, Equatable {
    /// c, the value at x = 1.
    public let coefficient: Double
    /// k; e.g. −1 means doubling x halves y.
    public let exponent: Double
    /// r² of the straight line in log–log space.
    public let rSquared: Double
    public let count: Int
    /// Standard error of k (the slope in log–log space); nil with two points.
    public let exponentStandardError: Double?

    public init(x: [Double], y: [Double]) throws(FitError) {
        guard x.count == y.count else { throw .lengthMismatch(x: x.count, y: y.count) }
        let pairs = zip(x, y).filter { $0.0 > 0 && $0.1 > 0 && $0.0.isFinite && $0.1.isFinite }
        let line = try LinearFit(x: pairs.map { Foundation.log10($0.0) }, y: pairs.map { Foundation.log10($0.1) })
        coefficient = pow(10, line.intercept)
        exponent = line.slope
        rSquared = line.rSquared
        count = line.count
        exponentStandardError = line.slopeStandardError
    }

    /// c·x^k.
    public func predict(_ x: Double) -> Double { coefficient * pow(x, exponent) }
}
