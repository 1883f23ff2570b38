/// Ordinary least squares y = a + b·x, the building block of the sweep fits.
///
/// Pairs with a non-finite coordinate are ignored (a run that never reached
/// its target is recorded as infinity or NaN); `count` says how many were
/// used. Sums are taken about the means, which keeps precision when x is
/// large (env steps, FLOPs) and its spread is small.
public struct LinearFit: Sendable, Equatable {
    /// a, the value at x = 0.
    public let intercept: Double
    /// b, the change in y per unit of x.
    public let slope: Double
    /// Coefficient of determination, 1 − SS_res/SS_tot; 1 when every y is equal
    /// and therefore fitted exactly.
    public let rSquared: Double
    /// Pairs used.
    public let count: Int
    /// Standard error of the slope, √(SS_res/(n − 2)/Σ(x − x̄)²); nil with
    /// two pairs, which a line always fits exactly.
    public let slopeStandardError: Double?

    public init(x: [Double], y: [Double]) throws(FitError) {
        guard x.count == y.count else { throw .lengthMismatch(x: x.count, y: y.count) }
        let pairs = zip(x, y).filter { $0.0.isFinite && $0.1.isFinite }
        guard pairs.count >= 2 else { throw .tooFewPoints(needed: 2, usable: pairs.count) }
        let count = Double(pairs.count)
        let meanX = pairs.reduce(0) { $0 + $1.0 } / count
        let meanY = pairs.reduce(0) { $0 + $1.1 } / count
        var sxx = 0.0, sxy = 0.0, syy = 0.0
        for (px, py) in pairs {
            sxx += (px - meanX) * (px - meanX)
            sxy += (px - meanX) * (py - meanY)
            syy += (py - meanY) * (py - meanY)
        }
        guard sxx > 0 else { throw .degenerate("all x values are equal") }
        slope = sxy / sxx
        intercept = meanY - slope * meanX
        var ssRes = 0.0
        for (px, py) in pairs {
            let r = py - (intercept + slope * px)
            ssRes += r * r
        }
        rSquared = syy > 0 ? 1 - ssRes / syy : 1
        self.count = pairs.count
        slopeStandardError = pairs.count > 2 ? (ssRes / (count - 2) / sxx).squareRoot() : nil
    }

    /// a + b·x.
    public func predict(_ x: Double) -> Double { intercept + slope * x }
}
