import Foundation

/// y = a + b·u + c·u² with u = log10(x): the IsoFLOP fit (Hoffmann et al.
/// 2022, "Training Compute-Optimal Large Language Models", approach 2). At a
/// fixed compute budget a metric against model size on a log axis bends: too
/// small a model cannot represent the task, too large a one gets too few
/// steps. The parabola's vertex, x* = 10^(−b/2c), estimates the best size.
///
/// Least squares on u centred on its mean (so the 3×3 normal equations stay
/// well conditioned), solved in closed form: noiseless data are recovered
/// exactly. Pairs with x ≤ 0 or a non-finite coordinate are ignored.
public struct LogParabolaFit: Sendable, Equatable {
    /// a, b, c of y = a + b·log10 x + c·(log10 x)².
    public let a: Double
    public let b: Double
    public let c: Double
    public let rSquared: Double
    public let count: Int
    /// The smallest and largest x fitted.
    public let xRange: ClosedRange<Double>

    public init(x: [Double], y: [Double]) throws(FitError) {
        guard x.count == y.count else { throw .lengthMismatch(x: x.count, y: y.count) }
        let pairs = zip(x, y).filter { $0.0 > 0 && $0.0.isFinite && $0.1.isFinite }
        guard pairs.count >= 3 else { throw .tooFewPoints(needed: 3, usable: pairs.count) }
        let u = pairs.map { Foundation.log10($0.0) }, v = pairs.map(\.1)
        guard Set(u).count >= 3 else { throw .degenerate("a parabola needs at least three different x values") }
        let n = Double(u.count)
        let mean = u.reduce(0, +) / n
        // Moments of the centred t = u − mean.
        var s1 = 0.0, s2 = 0.0, s3 = 0.0, s4 = 0.0, sy = 0.0, sty = 0.0, stty = 0.0
        for (ui, yi) in zip(u, v) {
            let t = ui - mean
            s1 += t; s2 += t * t; s3 += t * t * t; s4 += t * t * t * t
            sy += yi; sty += t * yi; stty += t * t * yi
        }
        // Normal equations M·(p, q, r) = rhs for y = p + q·t + r·t², by Cramer's rule.
        let m = [[n, s1, s2], [s1, s2, s3], [s2, s3, s4]]
        let rhs = [sy, sty, stty]
        func det(_ m: [[Double]]) -> Double {
            m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
                - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
        }
        let d = det(m)
        guard abs(d) > 1e-12 * n * s2 * s4 else { throw .degenerate("the x values do not determine a parabola") }
        func replaced(_ column: Int) -> [[Double]] {
            m.indices.map { i in m[i].indices.map { j in j == column ? rhs[i] : m[i][j] } }
        }
        let p = det(replaced(0)) / d, q = det(replaced(1)) / d, r = det(replaced(2)) / d
        // Back from t = u − mean to u.
        a = p - q * mean + r * mean * mean
        b = q - 2 * r * mean
        c = r
        let meanY = sy / n
        var ssRes = 0.0, ssTot = 0.0
        for (ui, yi) in zip(u, v) {
            let t = ui - mean
            let e = yi - (p + q * t + r * t * t)
            ssRes += e * e
            ssTot += (yi - meanY) * (yi - meanY)
        }
        rSquared = ssTot > 0 ? 1 - ssRes / ssTot : 1
        count = u.count
        xRange = (pairs.map(\.0).min() ?? 1)...(pairs.map(\.0).max() ?? 1)
    }

    /// a + b·log10 x + c·(log10 x)².
    public func predict(_ x: Double) -> Double {
        let u = Foundation.log10(x)
        return a + b * u + c * u * u
    }

    /// x at the vertex, 10^(−b/2c); nil for a straight line (c = 0).
    public var vertex: Double? {
        c == 0 ? nil : pow(10, -b / (2 * c))
    }

    /// The x of the best value (a maximum when `higherIsBetter`, else a
    /// minimum) if the parabola opens the right way and its vertex lies
    /// strictly inside the fitted x range; nil when the best is at an edge.
    public func interiorOptimum(higherIsBetter: Bool) -> Double? {
        guard let x = vertex, higherIsBetter ? c < 0 : c > 0,
              x > xRange.lowerBound, x < xRange.upperBound else { return nil }
        return x
    }
}
