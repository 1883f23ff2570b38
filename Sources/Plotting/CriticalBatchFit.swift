/// The steps/examples trade-off of McCandlish et al. 2018, "An Empirical
/// Model of Large-Batch Training": runs with different batch sizes B reach a
/// target after S optimiser steps and E = B·S examples (env steps), and
///
///     (S/S_min − 1)(E/E_min − 1) = 1,
///
/// where S_min is the fewest steps (infinite batch) and E_min the fewest
/// examples (batch size → 0). B_crit = E_min/S_min is the batch size beyond
/// which more parallelism mostly wastes samples: there, S = 2·S_min and
/// E = 2·E_min.
///
/// Fitting: expanding the product and dividing by S·E gives
///
///     S_min·(1/S) + E_min·(1/E) = 1,
///
/// which is *linear* in the unknowns. We solve it by least squares — a 2×2
/// closed form, no iteration or starting guess — so noiseless data are
/// recovered exactly. The residual is in units of "fraction of the curve"
/// and weighs every run alike, whatever its scale.
public struct CriticalBatchFit: Sendable, Equatable {
    /// S_min: steps to the target with an unboundedly large batch.
    public let minSteps: Double
    /// E_min: examples to the target with a vanishingly small batch.
    public let minExamples: Double
    /// Root mean square of S_min/S + E_min/E − 1 over the points; 0 for a perfect fit.
    public let rmsResidual: Double
    public let count: Int

    /// B_crit = E_min / S_min.
    public var criticalBatchSize: Double { minExamples / minSteps }

    /// Fits from pairs (S, E) of steps and examples to reach the same target.
    /// Pairs that are not finite and positive are ignored (e.g. a run that
    /// never reached the target). Needs at least two different batch sizes E/S.
    public init(steps: [Double], examples: [Double]) throws(FitError) {
        guard steps.count == examples.count else { throw .lengthMismatch(x: steps.count, y: examples.count) }
        let pairs = zip(steps, examples).filter { $0.0 > 0 && $0.1 > 0 && $0.0.isFinite && $0.1.isFinite }
        guard pairs.count >= 2 else { throw .tooFewPoints(needed: 2, usable: pairs.count) }
        // Scale 1/S and 1/E to order one so the normal equations are well conditioned.
        let u = pairs.map { 1 / $0.0 }, v = pairs.map { 1 / $0.1 }
        let uScale = u.reduce(0, +) / Double(u.count), vScale = v.reduce(0, +) / Double(v.count)
        var suu = 0.0, suv = 0.0, svv = 0.0, su = 0.0, sv = 0.0
        for i in u.indices {
            let a = u[i] / uScale, b = v[i] / vScale
            suu += a * a; suv += a * b; svv += b * b; su += a; sv += b
        }
        let det = suu * svv - suv * suv
        guard det > 1e-12 * suu * svv else {
            throw .degenerate("every run has the same batch size E/S; need at least two")
        }
        let sMin = (su * svv - sv * suv) / det / uScale
        let eMin = (sv * suu - su * suv) / det / vScale
        guard sMin > 0, eMin > 0 else {
            throw .degenerate("the points do not show a steps/examples trade-off (fitted S_min or E_min ≤ 0)")
        }
        minSteps = sMin
        minExamples = eMin
        var sumSquares = 0.0
        for i in u.indices {
            let r = sMin * u[i] + eMin * v[i] - 1
            sumSquares += r * r
        }
        rmsResidual = (sumSquares / Double(u.count)).squareRoot()
        count = pairs.count
    }

    /// Steps to the target at batch size B: S_min·(1 + B_crit/B).
    public func steps(batchSize: Double) -> Double { minSteps * (1 + criticalBatchSize / batchSize) }

    /// Examples to the target at batch size B: E_min·(1 + B/B_crit).
    public func examples(batchSize: Double) -> Double { minExamples * (1 + batchSize / criticalBatchSize) }
}
