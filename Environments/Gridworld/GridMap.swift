import Foundation

/// A problem with a gridworld map: a parse error in a map file or text, an
/// unknown built-in layout, or an unreadable file.
///
/// `description` is one line. When the problem has a place in the map text it
/// reads `source:line:column: message` (1-based; the column counts bytes,
/// which for a valid map are ASCII characters); otherwise `source: message`.
public struct GridMapError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// The file path or layout name the text came from.
    public var source: String
    /// 1-based line, or nil when the problem has no place in the text.
    public var line: Int?
    /// 1-based column, or nil when the problem has no place in the text.
    public var column: Int?
    public var message: String

    public init(source: String, line: Int? = nil, column: Int? = nil, message: String) {
        self.source = source
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        if let line, let column {
            return "\(source):\(line):\(column): \(message)"
        }
        return "\(source): \(message)"
    }

    public var errorDescription: String? { description }
}

/// A validated gridworld map: walls, floor, and an optional fixed start and goal.
///
/// Cells are numbered row-major, `cell = row * width + column`, row 0 at the
/// top. Everything outside the map counts as wall, so a border of `#` is
/// customary but not required.
///
/// Text format (see Environments/README.md): one line per row; `#` wall, `.`
/// or space floor, `S` fixed start, `G` fixed goal (both are floor cells). All
/// rows have the same length; lines are not trimmed, so trailing spaces are
/// floor. A final line break is ignored, and `\r\n` line breaks are accepted.
/// Without `S` the start, and without `G` the goal, is drawn uniformly at each
/// reset from the floor cells (start and goal always distinct).
public struct GridMap: Sendable, Equatable, CustomStringConvertible {
    /// Where the map came from: a file path or a layout name (for messages).
    public let source: String
    public let width: Int
    public let height: Int
    /// `width * height` flags, row-major: `true` for a wall.
    public let walls: [Bool]
    /// The fixed start cell (`S`), if any.
    public let start: Int?
    /// The fixed goal cell (`G`), if any.
    public let goal: Int?
    /// The floor cells (including `S` and `G`), in increasing order.
    public let floorCells: [Int]

    public var cellCount: Int { width * height }
    public func row(of cell: Int) -> Int { cell / width }
    public func column(of cell: Int) -> Int { cell % width }
    public func cell(row: Int, column: Int) -> Int { row * width + column }
    public func isWall(_ cell: Int) -> Bool { walls[cell] }

    /// Two maps are equal when their cells, start and goal are; `source` is ignored.
    public static func == (a: GridMap, b: GridMap) -> Bool {
        a.width == b.width && a.height == b.height && a.walls == b.walls && a.start == b.start
            && a.goal == b.goal
    }

    // MARK: - Parsing

    /// Parses a map from its text; `source` names it in error messages.
    public init(parsing text: String, source: String) throws(GridMapError) {
        try self.init(bytes: Array(text.utf8), source: source)
    }

    /// Loads and parses a map file.
    public init(contentsOfFile path: String) throws(GridMapError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw GridMapError(source: path, message: "cannot read map file: no such file")
        }
        guard !isDirectory.boolValue else {
            throw GridMapError(source: path, message: "cannot read map file: it is a directory")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GridMapError(source: path, message: "cannot read map file: permission denied or I/O error")
        }
        try self.init(bytes: [UInt8](data), source: path)
    }

    /// A built-in layout name (`fourrooms`, `empty-N`) or else a map file path.
    /// The built-in names take precedence over files of the same name.
    public static func named(_ nameOrPath: String) throws(GridMapError) -> GridMap {
        if nameOrPath == "fourrooms" || nameOrPath.hasPrefix("empty-") {
            return try layout(named: nameOrPath)
        }
        guard FileManager.default.fileExists(atPath: nameOrPath) else {
            throw GridMapError(
                source: nameOrPath,
                message: "not a built-in layout (\(layoutNamesDescription)) and no such map file")
        }
        return try GridMap(contentsOfFile: nameOrPath)
    }

    private init(bytes: [UInt8], source: String) throws(GridMapError) {
        func fail(_ line: Int, _ column: Int, _ message: String) -> GridMapError {
            GridMapError(source: source, line: line, column: column, message: message)
        }

        // Split into lines on "\n", dropping one "\r" before it and one final line break.
        var lines: [ArraySlice<UInt8>] = []
        var lineStart = 0
        for (i, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            var end = i
            if end > lineStart && bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            lines.append(bytes[lineStart..<end])
            lineStart = i + 1
        }
        if lineStart < bytes.count { lines.append(bytes[lineStart...]) }

        guard !lines.isEmpty else { throw fail(1, 1, "map is empty") }
        let width = lines[0].count
        guard width > 0 else { throw fail(1, 1, "row 1 is empty; every row needs at least one cell") }

        var walls: [Bool] = []
        walls.reserveCapacity(width * lines.count)
        var start: Int?, goal: Int?
        for (r, line) in lines.enumerated() {
            // Cells past the first row's width are not read: the row is reported as too long.
            for (c, byte) in line.prefix(width).enumerated() {
                let cell = r * width + c
                switch byte {
                case UInt8(ascii: "#"): walls.append(true)
                case UInt8(ascii: "."), UInt8(ascii: " "): walls.append(false)
                case UInt8(ascii: "S"):
                    if let start {
                        throw fail(r + 1, c + 1, "second start 'S' (the first is at \(Self.place(start, width)))")
                    }
                    start = cell
                    walls.append(false)
                case UInt8(ascii: "G"):
                    if let goal {
                        throw fail(r + 1, c + 1, "second goal 'G' (the first is at \(Self.place(goal, width)))")
                    }
                    goal = cell
                    walls.append(false)
                default:
                    let shown = Self.show(line[(line.startIndex + c)...])
                    throw fail(r + 1, c + 1, "unknown character \(shown); expected '#' (wall), '.' or ' ' (floor), 'S' (start) or 'G' (goal)")
                }
            }
            if line.count != width {
                throw fail(
                    r + 1, min(line.count, width) + 1,
                    "row \(r + 1) has \(line.count) columns but row 1 has \(width); all rows must have the same length (spaces are floor and are not trimmed)"
                )
            }
        }
        let height = lines.count
        let floorCells = walls.indices.filter { !walls[$0] }

        guard !floorCells.isEmpty else { throw fail(1, 1, "map has no floor cell") }
        let randomEnds = start == nil || goal == nil
        if randomEnds && floorCells.count < 2 {
            throw fail(
                Self.line(floorCells[0], width), Self.col(floorCells[0], width),
                "map has only 1 floor cell, but a start or goal drawn at random needs at least 2 (start and goal are distinct)")
        }

        self.source = source
        self.width = width
        self.height = height
        self.walls = walls
        self.start = start
        self.goal = goal
        self.floorCells = floorCells

        // Reachability: with fixed S and G the goal must be reachable from the
        // start; if either is drawn at random, every floor cell must be reachable
        // from every other (BFS from a fixed end, else from the first floor cell).
        let origin = start ?? goal ?? floorCells[0]
        let distance = distances(from: origin)
        if let start, let goal, !randomEnds {
            if distance[goal] < 0 {
                throw fail(
                    Self.line(goal, width), Self.col(goal, width),
                    "goal 'G' is unreachable from start 'S' at \(Self.place(start, width))")
            }
        } else if let cut = floorCells.first(where: { distance[$0] < 0 }) {
            let what = origin == start ? "start 'S'" : origin == goal ? "goal 'G'" : "floor cell"
            throw fail(
                Self.line(cut, width), Self.col(cut, width),
                "floor cell unreachable from \(what) at \(Self.place(origin, width)); with a random start or goal the floor must be connected")
        }
    }

    private static func line(_ cell: Int, _ width: Int) -> Int { cell / width + 1 }
    private static func col(_ cell: Int, _ width: Int) -> Int { cell % width + 1 }
    private static func place(_ cell: Int, _ width: Int) -> String { "\(line(cell, width)):\(col(cell, width))" }

    /// The character starting `bytes`, quoted and escaped for a message.
    private static func show(_ bytes: ArraySlice<UInt8>) -> String {
        var decoder = UTF8()
        var iterator = bytes.prefix(4).makeIterator()
        if case .scalarValue(let scalar) = decoder.decode(&iterator) {
            return "'\(scalar.escaped(asASCII: false))'"
        }
        return "byte 0x\(String(bytes[bytes.startIndex], radix: 16, uppercase: true)) (not UTF-8)"
    }

    // MARK: - Built-in layouts

    /// The largest N accepted by `empty-N`.
    public static let maxEmptySize = 64
    /// The smallest N accepted by `empty-N`: empty-3 has a single floor cell,
    /// too few for a distinct random start and goal.
    public static let minEmptySize = 4

    static let layoutNamesDescription = "valid: empty-N for \(minEmptySize) ≤ N ≤ \(maxEmptySize), fourrooms"

    /// The classic 13×13 four-rooms map, exactly as in the design.
    public static let fourRoomsText = """
        #############
        #     #     #
        #     #     #
        #           #
        #     #     #
        #     #     #
        ## ####     #
        #     ### ###
        #     #     #
        #     #     #
        #           #
        #     #     #
        #############
        """

    /// A built-in layout: `fourrooms`, or `empty-N` (N×N including the wall border).
    public static func layout(named name: String) throws(GridMapError) -> GridMap {
        if name == "fourrooms" {
            return try GridMap(parsing: fourRoomsText, source: name)
        }
        if name.hasPrefix("empty-") {
            let digits = name.dropFirst("empty-".count)
            guard digits.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(digits), (minEmptySize...maxEmptySize).contains(n)
            else {
                throw GridMapError(
                    source: name, message: "empty-N needs an integer N with \(minEmptySize) ≤ N ≤ \(maxEmptySize)")
            }
            let wall = String(repeating: "#", count: n)
            let inner = "#" + String(repeating: ".", count: n - 2) + "#"
            let rows = [wall] + Array(repeating: inner, count: n - 2) + [wall]
            return try GridMap(parsing: rows.joined(separator: "\n"), source: name)
        }
        throw GridMapError(source: name, message: "unknown gridworld layout (\(layoutNamesDescription))")
    }

    // MARK: - Text

    /// The map as text: `#` wall, `.` floor, `S`, `G`; rows joined by "\n".
    /// Parsing it gives back an equal map.
    public var description: String {
        var rows: [String] = []
        for r in 0..<height {
            var row = ""
            for c in 0..<width {
                let cell = r * width + c
                row.append(cell == start ? "S" : cell == goal ? "G" : walls[cell] ? "#" : ".")
            }
            rows.append(row)
        }
        return rows.joined(separator: "\n")
    }

    // MARK: - Shortest paths

    /// The cell reached by moving from `cell` in `direction` (0 up, 1 right,
    /// 2 down, 3 left): `cell` itself when the move hits a wall or leaves the map.
    public func neighbour(of cell: Int, direction: Int) -> Int {
        let r = cell / width, c = cell % width
        let target: Int
        switch direction {
        case 0: guard r > 0 else { return cell }; target = cell - width
        case 1: guard c + 1 < width else { return cell }; target = cell + 1
        case 2: guard r + 1 < height else { return cell }; target = cell + width
        case 3: guard c > 0 else { return cell }; target = cell - 1
        default: preconditionFailure("direction \(direction) is not in 0..<4")
        }
        return walls[target] ? cell : target
    }

    /// BFS distances (in moves) from `cell` to every cell: -1 for walls and
    /// for floor cells that cannot be reached.
    public func distances(from cell: Int) -> [Int] {
        var distance = [Int](repeating: -1, count: cellCount)
        guard !walls[cell] else { return distance }
        var queue = [cell]
        queue.reserveCapacity(floorCells.count)
        distance[cell] = 0
        var head = 0
        while head < queue.count {
            let current = queue[head]
            head += 1
            for direction in 0..<4 {
                let next = neighbour(of: current, direction: direction)
                if distance[next] < 0 {
                    distance[next] = distance[current] + 1
                    queue.append(next)
                }
            }
        }
        return distance
    }

    /// The fewest moves from `from` to `to`, or nil if `to` cannot be reached.
    public func shortestPathLength(from: Int, to: Int) -> Int? {
        let d = distances(from: from)[to]
        return d < 0 ? nil : d
    }
}

extension GridMap: Codable {
    private enum CodingKeys: String, CodingKey { case source, rows }

    /// Encoded as its text rows; decoding parses (and so validates) them again.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(source, forKey: .source)
        try container.encode(description.split(separator: "\n").map(String.init), forKey: .rows)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let source = try container.decode(String.self, forKey: .source)
        let rows = try container.decode([String].self, forKey: .rows)
        do {
            try self.init(parsing: rows.joined(separator: "\n"), source: source)
        } catch {
            throw DecodingError.dataCorruptedError(
                forKey: .rows, in: container, debugDescription: "invalid gridworld map: \(error)")
        }
    }
}
