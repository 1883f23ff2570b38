import Foundation

/// Why a fit could not be made; one line each.
public enum FitError: Error, Equatable, Sendable, CustomStringConvertible {
    case lengthMismatch(x: Int, y: Int)
    /// Fewer usable points (finite, and positive where a log is taken) than the fit needs.
    case tooFewPoints(needed: Int, usable: Int)
    /// The points do not determine the parameters, e.g. all x equal.
    case degenerate(String)

    public var description: String {
        switch self {
        case let .lengthMismatch(x, y): "cannot fit: \(x) x values but \(y) y values"
        case let .tooFewPoints(needed, usable): "cannot fit: \(usable) usable points, need at least \(needed)"
        case let .degenerate(reason): "cannot fit: \(reason)"
        }
    }
}

// So that `error.localizedDescription` shows the same single line.
extension FitError: LocalizedError {
    public var errorDescription: String? { description }
}
