/// One cell of a CSV row, formatted exactly and deterministically so that two
/// identical runs write byte-identical files (the reproducibility promise is
/// checked by diffing CSVs).
///
/// Floating-point values use Swift's shortest round-trip `description`
/// (`0.1`, `1e-05`, `nan`): parsing the text gives back the same bits, and it
/// never depends on locale or on a `printf` precision. Write a Float as
/// `.float` rather than widening it to Double, which would print
/// `0.10000000149011612` for `0.1`.
public enum CSVField: Sendable, Equatable {
    case int(Int)
    case double(Double)
    case float(Float)
    case text(String)
    /// An empty field, e.g. `success_rate` before any episode has finished.
    case missing

    public init(_ value: Int?) { self = value.map(CSVField.int) ?? .missing }
    public init(_ value: Double?) { self = value.map(CSVField.double) ?? .missing }
    /// A measurement: NaN, ±∞ and nil (nothing measured yet) become an empty field.
    public init(measured value: Double?) {
        self = value.flatMap { $0.isFinite ? CSVField.double($0) : nil } ?? .missing
    }
    public init(_ value: Float?) { self = value.map(CSVField.float) ?? .missing }
    public init(_ value: String?) { self = value.map(CSVField.text) ?? .missing }

    /// The field's text before CSV quoting.
    public var text: String {
        switch self {
        case let .int(value): String(value)
        case let .double(value): value.description
        case let .float(value): value.description
        case let .text(value): value
        case .missing: ""
        }
    }

    /// The field as it appears in the file: quoted (with `"` doubled) when it
    /// contains a comma, quote, CR or LF, otherwise as is (RFC 4180).
    public var encoded: String { CSVField.quote(text) }

    static func quote(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }) else {
            return text
        }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension CSVField: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringInterpolation, ExpressibleByNilLiteral {
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .text(value) }
    public init(nilLiteral: ()) { self = .missing }
}
