import Foundation

/// `n` points of `f` at x = 2048, 4096, …: a learning curve against env steps.
func curve(_ n: Int, _ f: (Double) -> Double) -> [(x: Double, y: Double)] {
    (1...n).map { i in (x: Double(i) * 2048, y: f(Double(i))) }
}
