import Foundation

/// One axis of a plot: its range and tick positions, chosen from the data.
///
/// Linear axes extend the data range to multiples of a 1-2-5 step (about
/// five ticks), so the frame starts and ends on a labelled value. Log axes
/// end at the nearest m·10^k outside the data (a factor of two at most),
/// with a major tick per decade (thinned when there are many) or at 1-2-5
/// values when fewer than three decades are in view.
struct PlotAxis: Equatable {
    let scale: AxisScale
    let lower: Double
    let upper: Double
    let major: [Double]
    let minor: [Double]
    /// Spacing between major ticks, in data units (linear) — sets label precision.
    let step: Double

    /// Values this axis can place: finite, positive on a log axis, and not so
    /// large that the span would overflow.
    static func accepts(_ value: Double, scale: AxisScale) -> Bool {
        value.isFinite && abs(value) < 1e300 && (scale == .linear || value > 0)
    }

    /// Position of `value` from 0 (lower end) to 1 (upper end), possibly outside.
    func fraction(_ value: Double) -> Double {
        switch scale {
        case .linear: (value - lower) / (upper - lower)
        case .log10: (Foundation.log10(value) - Foundation.log10(lower)) / (Foundation.log10(upper) - Foundation.log10(lower))
        }
    }

    /// Label for a major tick.
    func label(_ value: Double) -> String {
        TickLabel.format(value, step: scale == .linear ? step : value)
    }

    /// An axis covering `values` (unplaceable ones are ignored), or exactly
    /// `fixed` when given and usable.
    static func make(values: [Double], scale: AxisScale, fixed: ClosedRange<Double>?, targetTicks: Int = 5) -> PlotAxis {
        let usable = values.filter { accepts($0, scale: scale) }
        var fixedRange: ClosedRange<Double>?
        if let fixed, accepts(fixed.lowerBound, scale: scale), accepts(fixed.upperBound, scale: scale),
           fixed.upperBound > fixed.lowerBound {
            fixedRange = fixed
        }
        switch scale {
        case .linear: return linear(usable, fixed: fixedRange, targetTicks: targetTicks)
        case .log10: return logarithmic(usable, fixed: fixedRange)
        }
    }

    private static func linear(_ values: [Double], fixed: ClosedRange<Double>?, targetTicks: Int) -> PlotAxis {
        var lo: Double, hi: Double
        if let fixed {
            (lo, hi) = (fixed.lowerBound, fixed.upperBound)
        } else if let min = values.min(), let max = values.max() {
            (lo, hi) = (min, max)
            if lo == hi {
                // One value (or all equal): centre it in a window one order of
                // magnitude below the value, e.g. 0.95 → 0.85…1.05.
                let pad = lo == 0 ? 1 : pow(10, floor(Foundation.log10(abs(lo))))
                (lo, hi) = (lo - pad, hi + pad)
            }
        } else {
            (lo, hi) = (0, 1)
        }
        let step = niceStep((hi - lo) / Double(max(1, targetTicks)))
        if fixed == nil {
            lo = (lo / step).rounded(.down) * step
            hi = (hi / step).rounded(.up) * step
        }
        var ticks: [Double] = []
        let first = (lo / step - 1e-9).rounded(.up), last = (hi / step + 1e-9).rounded(.down)
        if first.isFinite, last.isFinite, last - first < 100 {
            var k = first
            while k <= last {
                let v = k * step
                ticks.append(abs(v) < step * 1e-9 ? 0 : v)
                k += 1
            }
        } else {
            // The span is below the values' precision; label the ends only.
            ticks = [lo, hi]
        }
        return PlotAxis(scale: .linear, lower: lo, upper: hi, major: ticks, minor: [], step: step)
    }

    /// A log axis that fits its data: the ends are the nearest multiples
    /// m·10^k (m = 1…9) outside the data, so the frame wastes at most a
    /// factor of two on either side (data at 5e10–5.5e11 get 5e10–6e11,
    /// not 1e10–1e12). Majors are decades when three or more fit, else the
    /// 1-2-5 values inside the range.
    private static func logarithmic(_ values: [Double], fixed: ClosedRange<Double>?) -> PlotAxis {
        var lower: Double, upper: Double
        if let fixed {
            (lower, upper) = (fixed.lowerBound, fixed.upperBound)
        } else if let min = values.min(), let max = values.max() {
            (lower, upper) = (roundDown(min), roundUp(max))
            if lower == upper { (lower, upper) = (roundDown(min * 0.999), roundUp(max * 1.001)) }
        } else {
            (lower, upper) = (1, 10)
        }
        let firstDecade = Int((Foundation.log10(lower) - 1e-9).rounded(.down))
        let lastDecade = Int((Foundation.log10(upper) + 1e-9).rounded(.up))
        func within(_ v: Double) -> Bool { v >= lower * (1 - 1e-9) && v <= upper * (1 + 1e-9) }
        var decades: [Double] = []
        var multiples: [Double] = []
        var oneTwoFive: [Double] = []
        if lastDecade - firstDecade <= 400 {
            for d in firstDecade...lastDecade {
                let base = pow(10, Double(d))
                if within(base) { decades.append(base) }
                for m in 2...9 where within(Double(m) * base) { multiples.append(Double(m) * base) }
                for m in [2.0, 5.0] where within(m * base) { oneTwoFive.append(m * base) }
            }
        }
        var major: [Double], minor: [Double]
        if decades.count >= 3 {
            // At most about eight labels, however many decades the data span.
            let stride = Swift.max(1, Int((Double(decades.count - 1) / 8).rounded(.up)))
            major = Swift.stride(from: 0, to: decades.count, by: stride).map { decades[$0] }
            minor = stride == 1 && decades.count <= 7 ? multiples : []
        } else {
            major = (decades + oneTwoFive).sorted()
            minor = multiples.filter { !major.contains($0) }
            if major.count < 2 {
                // Less than one 1-2-5 step in view: label every multiple.
                major = (major + minor).sorted()
                minor = []
            }
        }
        return PlotAxis(scale: .log10, lower: lower, upper: upper, major: major, minor: minor, step: 0)
    }

    /// The largest m·10^k (m = 1…9) at or below `v`.
    static func roundDown(_ v: Double) -> Double {
        let base = pow(10, Foundation.log10(v).rounded(.down))
        let m = (v / base * (1 + 1e-12)).rounded(.down)
        return Swift.max(1, m) * base
    }

    /// The smallest m·10^k (m = 1…10) at or above `v`.
    static func roundUp(_ v: Double) -> Double {
        let base = pow(10, Foundation.log10(v).rounded(.down))
        let m = (v / base * (1 - 1e-12)).rounded(.up)
        return Swift.min(10, Swift.max(1, m)) * base
    }

    /// The 1-2-5 number closest to `raw` (Heckbert's "nice numbers"
    /// thresholds); always rounding up would leave as few as two ticks.
    static func niceStep(_ raw: Double) -> Double {
        guard raw.isFinite, raw > 0 else { return 1 }
        let magnitude = pow(10, Foundation.log10(raw).rounded(.down))
        let f = raw / magnitude
        let nice: Double = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10
        return nice * magnitude
    }
}
