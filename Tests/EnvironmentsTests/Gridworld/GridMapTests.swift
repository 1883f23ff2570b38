import Foundation
import RL
import XCTest

@testable import Environments

final class GridMapParsingTests: XCTestCase {
    func testFourRoomsLayout() throws {
        let map = try GridMap.layout(named: "fourrooms")
        XCTAssertEqual(map.width, 13)
        XCTAssertEqual(map.height, 13)
        // Counted from the ASCII map in DESIGN.md (spaces on the 13 rows).
        XCTAssertEqual(map.floorCells.count, 104)
        XCTAssertEqual(map.walls.filter { $0 }.count, 169 - 104)
        XCTAssertNil(map.start)
        XCTAssertNil(map.goal)
        // Doorways: row 3 column 6, row 6 column 2, row 7 column 9, row 10 column 6.
        for (r, c) in [(3, 6), (6, 2), (7, 9), (10, 6)] {
            XCTAssertFalse(map.isWall(map.cell(row: r, column: c)), "doorway \(r),\(c)")
        }
        XCTAssertTrue(map.isWall(map.cell(row: 6, column: 1)))
        XCTAssertEqual(GridworldEnvironment(map: map).observationSize, 507)
    }

    func testEmptyLayout() throws {
        let map = try GridMap.layout(named: "empty-8")
        XCTAssertEqual(map.width, 8)
        XCTAssertEqual(map.height, 8)
        XCTAssertEqual(map.floorCells.count, 36)
        for r in 0..<8 {
            for c in 0..<8 {
                let border = r == 0 || r == 7 || c == 0 || c == 7
                XCTAssertEqual(map.isWall(map.cell(row: r, column: c)), border)
            }
        }
        XCTAssertEqual(try GridMap.layout(named: "empty-4").floorCells.count, 4)
        XCTAssertEqual(try GridMap.layout(named: "empty-64").floorCells.count, 62 * 62)
        XCTAssertEqual(GridworldEnvironment(map: map).maxSteps, 64)
    }

    func testLayoutErrors() {
        for name in ["empty-3", "empty-65", "empty-", "empty-x", "empty--5"] {
            XCTAssertEqual(
                error { try GridMap.layout(named: name) },
                "\(name): empty-N needs an integer N with 4 ≤ N ≤ 64")
        }
        XCTAssertEqual(
            error { try GridMap.layout(named: "mazes") },
            "mazes: unknown gridworld layout (valid: empty-N for 4 ≤ N ≤ 64, fourrooms)")
    }

    func testFixedStartAndGoalAndFloorCharacters() throws {
        let map = try GridMap(parsing: "#####\n#S.G#\n# . #\n#####\n", source: "m")
        XCTAssertEqual(map.width, 5)
        XCTAssertEqual(map.height, 4)
        XCTAssertEqual(map.start, map.cell(row: 1, column: 1))
        XCTAssertEqual(map.goal, map.cell(row: 1, column: 3))
        XCTAssertEqual(map.floorCells, [6, 7, 8, 11, 12, 13])
    }

    func testLinesAreNotTrimmedAndCRLFIsAccepted() throws {
        // Trailing spaces are floor cells.
        let map = try GridMap(parsing: "S  \n  G", source: "m")
        XCTAssertEqual(map.width, 3)
        XCTAssertEqual(map.floorCells.count, 6)
        let crlf = try GridMap(parsing: "S.\r\n.G\r\n", source: "m")
        XCTAssertEqual(crlf, try GridMap(parsing: "S.\n.G", source: "other"))
    }

    func testNoBorderNeeded() throws {
        let map = try GridMap(parsing: "..\n..", source: "m")
        XCTAssertEqual(map.floorCells.count, 4)
    }

    func testDescriptionRoundTripsAndCodable() throws {
        let map = try GridMap(parsing: "#####\n#S  #\n# #G#\n#####", source: "m")
        XCTAssertEqual(map.description, "#####\n#S..#\n#.#G#\n#####")
        XCTAssertEqual(try GridMap(parsing: map.description, source: "x"), map)
        let decoded = try JSONDecoder().decode(GridMap.self, from: JSONEncoder().encode(map))
        XCTAssertEqual(decoded, map)
        XCTAssertEqual(decoded.source, "m")
        let bad = #"{"source":"m","rows":["S#G"]}"#.data(using: .utf8)!
        XCTAssertThrowsError(try JSONDecoder().decode(GridMap.self, from: bad))
    }

    // MARK: Parse errors, with the exact place

    func testEmptyFile() {
        XCTAssertEqual(parseError(""), "map.txt:1:1: map is empty")
        XCTAssertEqual(parseError("\n"), "map.txt:1:1: row 1 is empty; every row needs at least one cell")
    }

    func testRaggedRows() {
        XCTAssertEqual(
            parseError("####\n#..#\n#.#\n####\n"),
            "map.txt:3:4: row 3 has 3 columns but row 1 has 4; all rows must have the same length (spaces are floor and are not trimmed)"
        )
        XCTAssertEqual(
            parseError("####\n#..# \n####"),
            "map.txt:2:5: row 2 has 5 columns but row 1 has 4; all rows must have the same length (spaces are floor and are not trimmed)"
        )
        // A blank line before the end is a row of its own.
        XCTAssertTrue(parseError("S.G\n\n")!.hasPrefix("map.txt:2:1: row 2 has 0 columns but row 1 has 3;"))
    }

    func testUnknownCharacters() {
        let expected = "; expected '#' (wall), '.' or ' ' (floor), 'S' (start) or 'G' (goal)"
        XCTAssertEqual(parseError("####\n#.x#\n####"), "map.txt:2:3: unknown character 'x'" + expected)
        XCTAssertEqual(parseError("S\tG"), "map.txt:1:2: unknown character '\\t'" + expected)
        XCTAssertEqual(parseError("S.é.G"), "map.txt:1:3: unknown character 'é'" + expected)
        XCTAssertEqual(parseError("s.G"), "map.txt:1:1: unknown character 's'" + expected)
    }

    func testDuplicateStartOrGoal() {
        XCTAssertEqual(
            parseError("#####\n#S.S#\n#..G#\n#####"), "map.txt:2:4: second start 'S' (the first is at 2:2)")
        XCTAssertEqual(parseError("G..\n...\n.SG"), "map.txt:3:3: second goal 'G' (the first is at 1:1)")
    }

    func testNoOrTooFewFloorCells() {
        XCTAssertEqual(parseError("###\n###"), "map.txt:1:1: map has no floor cell")
        XCTAssertEqual(
            parseError("###\n#.#\n###"),
            "map.txt:2:2: map has only 1 floor cell, but a start or goal drawn at random needs at least 2 (start and goal are distinct)"
        )
        XCTAssertEqual(
            parseError("#S#"),
            "map.txt:1:2: map has only 1 floor cell, but a start or goal drawn at random needs at least 2 (start and goal are distinct)"
        )
    }

    func testUnreachableGoal() {
        XCTAssertEqual(
            parseError("#####\n#S#G#\n#####"), "map.txt:2:4: goal 'G' is unreachable from start 'S' at 2:2")
        // With fixed S and G, other disconnected floor is allowed.
        XCTAssertNoThrow(try GridMap(parsing: "S.G#.", source: "m"))
    }

    func testDisconnectedFloorWithRandomEnds() {
        let suffix = "; with a random start or goal the floor must be connected"
        XCTAssertEqual(
            parseError("#####\n#..##\n###.#\n#####"),
            "map.txt:3:4: floor cell unreachable from floor cell at 2:2" + suffix)
        XCTAssertEqual(parseError("S.#.."), "map.txt:1:4: floor cell unreachable from start 'S' at 1:1" + suffix)
        XCTAssertEqual(parseError("..#.G"), "map.txt:1:1: floor cell unreachable from goal 'G' at 1:5" + suffix)
    }

    func testFileLoading() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gridworld-tests-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = dir.appendingPathComponent("good.txt").path
        try "#####\n#S G#\n#####\n".write(toFile: good, atomically: true, encoding: .utf8)
        XCTAssertEqual(try GridMap(contentsOfFile: good).goal, 8)
        XCTAssertEqual(try GridMap.named(good).start, 6)
        let bad = dir.appendingPathComponent("bad.txt").path
        try "###\n#?#\n".write(toFile: bad, atomically: true, encoding: .utf8)
        XCTAssertEqual(
            error { try GridMap(contentsOfFile: bad) },
            "\(bad):2:2: unknown character '?'; expected '#' (wall), '.' or ' ' (floor), 'S' (start) or 'G' (goal)")
        let missing = dir.appendingPathComponent("missing.txt").path
        XCTAssertEqual(error { try GridMap(contentsOfFile: missing) }, "\(missing): cannot read map file: no such file")
        XCTAssertEqual(
            error { try GridMap(contentsOfFile: dir.path) }, "\(dir.path): cannot read map file: it is a directory")
        XCTAssertEqual(
            error { try GridMap.named(missing) },
            "\(missing): not a built-in layout (valid: empty-N for 4 ≤ N ≤ 64, fourrooms) and no such map file")
        XCTAssertEqual(try GridMap.named("fourrooms").floorCells.count, 104)
        XCTAssertFalse(error { try GridMap.named(missing) }!.contains("\n"))
    }

    // MARK: Shortest paths

    func testBFSDistancesOnSmallMap() throws {
        // 0 1 2 3 4
        // S . # . .     row 0
        // . # # . #     row 1
        // . . . . G     row 2
        let map = try GridMap(parsing: "S.#..\n.##.#\n....G", source: "m")
        let d = map.distances(from: map.start!)
        XCTAssertEqual(
            d,
            [
                0, 1, -1, 7, 8,
                1, -1, -1, 6, -1,
                2, 3, 4, 5, 6,
            ])
        XCTAssertEqual(map.shortestPathLength(from: map.start!, to: map.goal!), 6)
        XCTAssertEqual(map.shortestPathLength(from: 4, to: 10), 6)
        let split = try GridMap(parsing: "S.G#.", source: "m")
        XCTAssertNil(split.shortestPathLength(from: 0, to: 4))
        XCTAssertEqual(map.neighbour(of: 0, direction: 0), 0)  // off the map
        XCTAssertEqual(map.neighbour(of: 0, direction: 3), 0)  // off the map
        XCTAssertEqual(map.neighbour(of: 1, direction: 1), 1)  // into a wall
        XCTAssertEqual(map.neighbour(of: 1, direction: 2), 1)  // into a wall
        XCTAssertEqual(map.neighbour(of: 0, direction: 2), 5)
    }

    // MARK: Helpers

    private func parseError(_ text: String) -> String? {
        error { try GridMap(parsing: text, source: "map.txt") }
    }

    private func error(_ body: () throws -> GridMap) -> String? {
        do {
            _ = try body()
            XCTFail("no error")
            return nil
        } catch let error as GridMapError {
            XCTAssertFalse(error.description.contains("\n"), "one line: \(error)")
            XCTAssertEqual(error.localizedDescription, error.description)
            return error.description
        } catch {
            XCTFail("not a GridMapError: \(error)")
            return nil
        }
    }
}
