/// A JSON value that keeps what a sweep file needs and Foundation's
/// `JSONSerialization` loses: the order of an object's keys (axes are
/// expanded in the order written, and name the points in that order), the
/// exact text of numbers (`1e-3` is passed to the flag as written), and the
/// line and column of every value for error messages.
public indirect enum SweepJSON: Sendable, Equatable {
    case object([(key: String, value: SweepJSON, position: SweepJSON.Position)])
    case array([SweepJSON])
    case string(String)
    /// The number's literal text, e.g. `100000`, `2.5e-4`.
    case number(String)
    case bool(Bool)
    case null

    /// 1-based line and column.
    public struct Position: Sendable, Equatable, CustomStringConvertible {
        public var line: Int
        public var column: Int
        public var description: String { "line \(line), column \(column)" }
    }

    public static func == (a: SweepJSON, b: SweepJSON) -> Bool {
        switch (a, b) {
        case let (.object(x), .object(y)):
            x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case let (.array(x), .array(y)): x == y
        case let (.string(x), .string(y)): x == y
        case let (.number(x), .number(y)): x == y
        case let (.bool(x), .bool(y)): x == y
        case (.null, .null): true
        default: false
        }
    }

    /// Parses a whole document; a syntax error names its line and column.
    public static func parse(_ text: String, source: String = "<json>") throws(SweepError) -> SweepJSON {
        var parser = Parser(bytes: Array(text.utf8), source: source)
        parser.skipWhitespace()
        let value = try parser.value()
        parser.skipWhitespace()
        if parser.index < parser.bytes.count { throw parser.error("unexpected text after the JSON value") }
        return value
    }

    /// The value as a flag argument: strings as is, numbers as written, booleans as true/false.
    public var argumentText: String? {
        switch self {
        case let .string(s): s
        case let .number(n): n
        case let .bool(b): b ? "true" : "false"
        default: nil
        }
    }

    /// A short rendering for messages and the report's settings table.
    public var compactText: String {
        switch self {
        case let .object(members): "{" + members.map { "\"\($0.key)\": \($0.value.compactText)" }.joined(separator: ", ") + "}"
        case let .array(values): "[" + values.map(\.compactText).joined(separator: ", ") + "]"
        case let .string(s): "\"\(s)\""
        case let .number(n): n
        case let .bool(b): b ? "true" : "false"
        case .null: "null"
        }
    }

    private struct Parser {
        let bytes: [UInt8]
        let source: String
        var index = 0

        func position(at offset: Int) -> Position {
            var line = 1, column = 1
            var i = 0
            while i < offset && i < bytes.count {
                if bytes[i] == 10 { line += 1; column = 1 } else if bytes[i] & 0xC0 != 0x80 { column += 1 }
                i += 1
            }
            return Position(line: line, column: column)
        }

        func error(_ message: String, at offset: Int? = nil) -> SweepError {
            let p = position(at: offset ?? index)
            return SweepError("\(source): malformed JSON at \(p): \(message)")
        }

        mutating func skipWhitespace() {
            while index < bytes.count, [32, 9, 10, 13].contains(bytes[index]) { index += 1 }
        }

        var describeCurrent: String {
            guard index < bytes.count else { return "the end of the file" }
            let scalar = String(decoding: bytes[index..<min(bytes.count, index + 1)], as: UTF8.self)
            return "'\(scalar)'"
        }

        mutating func value() throws(SweepError) -> SweepJSON {
            guard index < bytes.count else { throw error("expected a value, found the end of the file") }
            switch bytes[index] {
            case UInt8(ascii: "{"): return try object()
            case UInt8(ascii: "["): return try array()
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
            default: throw error("expected a value, found \(describeCurrent)")
            }
        }

        mutating func literal(_ word: String) throws(SweepError) {
            let w = Array(word.utf8)
            guard index + w.count <= bytes.count, Array(bytes[index..<index + w.count]) == w else {
                throw error("expected a value, found \(describeCurrent)")
            }
            index += w.count
        }

        mutating func object() throws(SweepError) -> SweepJSON {
            index += 1
            var members: [(key: String, value: SweepJSON, position: Position)] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                    throw error("expected a key in double quotes, found \(describeCurrent)")
                }
                let keyStart = index
                let key = try string()
                if members.contains(where: { $0.key == key }) { throw error("duplicate key \"\(key)\"", at: keyStart) }
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                    throw error("expected ':' after \"\(key)\", found \(describeCurrent)")
                }
                index += 1
                skipWhitespace()
                let p = position(at: index)
                members.append((key, try value(), p))
                skipWhitespace()
                guard index < bytes.count else { throw error("expected ',' or '}', found the end of the file") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
                throw error("expected ',' or '}', found \(describeCurrent)")
            }
        }

        mutating func array() throws(SweepError) -> SweepJSON {
            index += 1
            var values: [SweepJSON] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(values) }
            while true {
                skipWhitespace()
                values.append(try value())
                skipWhitespace()
                guard index < bytes.count else { throw error("expected ',' or ']', found the end of the file") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(values) }
                throw error("expected ',' or ']', found \(describeCurrent)")
            }
        }

        mutating func string() throws(SweepError) -> String {
            let start = index
            index += 1
            var out: [UInt8] = []
            while index < bytes.count {
                let b = bytes[index]
                if b == UInt8(ascii: "\"") { index += 1; return String(decoding: out, as: UTF8.self) }
                if b < 0x20 { throw error("control character inside a string (strings cannot span lines)") }
                if b == UInt8(ascii: "\\") {
                    index += 1
                    guard index < bytes.count else { break }
                    switch bytes[index] {
                    case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
                    case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
                    case UInt8(ascii: "/"): out.append(UInt8(ascii: "/"))
                    case UInt8(ascii: "n"): out.append(10)
                    case UInt8(ascii: "t"): out.append(9)
                    case UInt8(ascii: "r"): out.append(13)
                    case UInt8(ascii: "b"): out.append(8)
                    case UInt8(ascii: "f"): out.append(12)
                    case UInt8(ascii: "u"):
                        guard index + 4 < bytes.count,
                              let code = UInt32(String(decoding: bytes[index + 1...index + 4], as: UTF8.self), radix: 16),
                              let scalar = Unicode.Scalar(code) else { throw error("bad \\u escape") }
                        out.append(contentsOf: Array(String(Character(scalar)).utf8))
                        index += 4
                    default: throw error("unknown escape \\\(String(decoding: [bytes[index]], as: UTF8.self))")
                    }
                    index += 1
                    continue
                }
                out.append(b)
                index += 1
            }
            throw error("string never closed", at: start)
        }

        mutating func number() throws(SweepError) -> SweepJSON {
            let start = index
            func digits(_ p: inout Parser) -> Int {
                let s = p.index
                while p.index < p.bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(p.bytes[p.index]) { p.index += 1 }
                return p.index - s
            }
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits(&self) > 0 else { throw error("malformed number") }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard digits(&self) > 0 else { throw error("malformed number: digits must follow '.'") }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard digits(&self) > 0 else { throw error("malformed number: digits must follow the exponent") }
            }
            return .number(String(decoding: bytes[start..<index], as: UTF8.self))
        }
    }
}

/// A sweep file or sweep directory that cannot be used; one line.
public struct SweepError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
