import Foundation

/// Short tick labels: `0.25`, `500`, `1.5k`, `10k`, `2M`, `1e9`, `1e-4`.
///
/// Axes in this project span env steps and FLOPs, where `1000000000` is
/// unreadable and `%g`'s `1e+09` is noisy. Precision follows the tick step,
/// so neighbouring labels differ, and trailing zeros are dropped.
public enum TickLabel {
    /// Formats `value`, a multiple of `step` (pass the value itself for
    /// decade ticks).
    public static func format(_ value: Double, step: Double) -> String {
        guard value.isFinite else { return value.description }
        if value == 0 { return "0" }
        let sign = value < 0 ? "-" : ""
        let a = abs(value), s = abs(step) > 0 && step.isFinite ? abs(step) : a
        if a >= 1e9 || a < 1e-3 {
            var exponent = Int(Foundation.log10(a).rounded(.down))
            var mantissa = a / pow(10, Double(exponent))
            if (mantissa * 100).rounded() >= 1000 { mantissa /= 10; exponent += 1 }
            return sign + fixed(mantissa, decimals: 2) + "e" + String(exponent)
        }
        if a >= 1e6 { return sign + fixed(a / 1e6, decimals: decimals(s / 1e6)) + "M" }
        if a >= 1e3 { return sign + fixed(a / 1e3, decimals: decimals(s / 1e3)) + "k" }
        return sign + fixed(a, decimals: decimals(s))
    }

    /// Decimals that show a multiple of `step` exactly (for 1-2-5 steps).
    private static func decimals(_ step: Double) -> Int {
        min(6, max(0, -Int(Foundation.log10(step).rounded(.down))))
    }

    private static func fixed(_ x: Double, decimals: Int) -> String {
        var text = String(format: "%.\(decimals)f", x)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }
}
