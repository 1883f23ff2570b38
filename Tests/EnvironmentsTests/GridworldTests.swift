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

final class GridworldEnvironmentTests: XCTestCase {
    /// 5×4, S at row 1 column 1, G at row 2 column 3.
    ///     #####
    ///     #S..#
    ///     #..G#
    ///     .....      (no wall border on the last row)
    let text = "#####\n#S..#\n#..G#\n....."

    func testObservationContents() throws {
        let map = try GridMap(parsing: text, source: "m")
        var env = GridworldEnvironment(map: map)
        var rng = RNG(seed: 1)
        env.reset(rng: &rng)
        XCTAssertEqual(env.observationSize, 60)
        var obs = [Float](repeating: -1, count: 60)
        obs.withUnsafeMutableBufferPointer { env.writeObservation(into: $0) }
        let walls: [Float] = [
            1, 1, 1, 1, 1,
            1, 0, 0, 0, 1,
            1, 0, 0, 0, 1,
            0, 0, 0, 0, 0,
        ]
        var agent = [Float](repeating: 0, count: 20)
        agent[6] = 1
        var goal = [Float](repeating: 0, count: 20)
        goal[13] = 1
        XCTAssertEqual(obs, walls + agent + goal)

        _ = env.step(1, rng: &rng)  // right
        obs.withUnsafeMutableBufferPointer { env.writeObservation(into: $0) }
        agent[6] = 0
        agent[7] = 1
        XCTAssertEqual(obs, walls + agent + goal)

        var mask = [Bool](repeating: false, count: 4)
        mask.withUnsafeMutableBufferPointer { env.writeActionMask(into: $0) }
        XCTAssertEqual(mask, [true, true, true, true])
        XCTAssertEqual(env.actionCount, 4)
    }

    func testEachActionAndWallsAndEdges() throws {
        // No border: row 0 is the map's top edge, column 0 its left edge.
        let map = try GridMap(parsing: "S.#\n...\n..G", source: "m")
        var env = GridworldEnvironment(map: map, maxSteps: 100)
        var rng = RNG(seed: 2)
        env.reset(rng: &rng)
        XCTAssertEqual(env.agent, 0)
        _ = env.step(0, rng: &rng)  // up: off the top edge
        XCTAssertEqual(env.agent, 0)
        _ = env.step(3, rng: &rng)  // left: off the left edge
        XCTAssertEqual(env.agent, 0)
        _ = env.step(1, rng: &rng)  // right
        XCTAssertEqual(env.agent, 1)
        _ = env.step(1, rng: &rng)  // right: into the wall at (0, 2)
        XCTAssertEqual(env.agent, 1)
        _ = env.step(2, rng: &rng)  // down
        XCTAssertEqual(env.agent, 4)
        _ = env.step(1, rng: &rng)  // right
        XCTAssertEqual(env.agent, 5)
        _ = env.step(1, rng: &rng)  // right: off the right edge
        XCTAssertEqual(env.agent, 5)
        _ = env.step(0, rng: &rng)  // up: into the wall
        XCTAssertEqual(env.agent, 5)
        _ = env.step(3, rng: &rng)  // left
        XCTAssertEqual(env.agent, 4)
        XCTAssertEqual(env.stepCount, 9)
        _ = env.step(2, rng: &rng)  // down to (2, 1)
        let outcome = env.step(1, rng: &rng)  // right onto G
        XCTAssertEqual(env.agent, 8)
        XCTAssertTrue(outcome.terminated)
        XCTAssertEqual(outcome.reward, Float(1 - 0.9 * 11.0 / 100.0))
    }

    func testRewardFormulaTerminationAndOptimalPath() throws {
        let map = try GridMap(parsing: text, source: "m")
        var env = GridworldEnvironment(map: map)
        XCTAssertEqual(env.maxSteps, 20)
        var rng = RNG(seed: 3)
        env.reset(rng: &rng)
        XCTAssertEqual(env.shortestPath, 3)
        XCTAssertEqual(env.step(1, rng: &rng), StepOutcome(reward: 0))
        XCTAssertEqual(env.step(1, rng: &rng), StepOutcome(reward: 0))
        let last = env.step(2, rng: &rng)
        // t = 3, max_steps = 20: 1 − 0.9·3/20 = 0.865.
        XCTAssertEqual(last, StepOutcome(reward: 0.865, terminated: true, truncated: false))
        let summary = env.episodeSummary()
        XCTAssertTrue(summary.success)
        XCTAssertEqual(summary.length, 3)
        XCTAssertEqual(summary.episodicReturn, Double(Float(0.865)))
        XCTAssertEqual(summary.metrics, ["path_efficiency": 1, "shortest_path": 3])
    }

    func testPathEfficiencyOfADetour() throws {
        let map = try GridMap(parsing: text, source: "m")
        var env = GridworldEnvironment(map: map)
        var rng = RNG(seed: 4)
        env.reset(rng: &rng)
        for action in [0, 3, 1, 1, 3, 1, 2] { _ = env.step(action, rng: &rng) }
        let summary = env.episodeSummary()
        XCTAssertTrue(summary.success)
        XCTAssertEqual(summary.length, 7)
        XCTAssertEqual(summary.metrics["path_efficiency"]!, 3.0 / 7.0, accuracy: 1e-12)
        XCTAssertEqual(summary.episodicReturn, Double(Float(1 - 0.9 * 7.0 / 20.0)))
    }

    func testTruncationAtMaxSteps() throws {
        let map = try GridMap(parsing: text, source: "m")
        var env = GridworldEnvironment(map: map, maxSteps: 5)
        var rng = RNG(seed: 5)
        env.reset(rng: &rng)
        for _ in 0..<4 {
            XCTAssertEqual(env.step(0, rng: &rng), StepOutcome(reward: 0))
        }
        let outcome = env.step(0, rng: &rng)
        XCTAssertEqual(outcome, StepOutcome(reward: 0, terminated: false, truncated: true))
        let summary = env.episodeSummary()
        XCTAssertFalse(summary.success)
        XCTAssertEqual(summary.length, 5)
        XCTAssertEqual(summary.episodicReturn, 0)
        XCTAssertNil(summary.metrics["path_efficiency"])
        XCTAssertEqual(summary.metrics["shortest_path"], 3)
    }

    func testReachingTheGoalOnTheLastStepTerminates() throws {
        let map = try GridMap(parsing: text, source: "m")
        var env = GridworldEnvironment(map: map, maxSteps: 3)
        var rng = RNG(seed: 6)
        env.reset(rng: &rng)
        _ = env.step(1, rng: &rng)
        _ = env.step(1, rng: &rng)
        let outcome = env.step(2, rng: &rng)
        XCTAssertEqual(outcome, StepOutcome(reward: Float(1 - 0.9 * 3.0 / 3.0), terminated: true, truncated: false))
    }

    func testRandomStartAndGoalAreDistinctFloorCellsAndCoverTheFloor() throws {
        let map = try GridMap.layout(named: "fourrooms")
        var env = GridworldEnvironment(map: map)
        var rng = RNG(seed: 7).stream("env", 0)
        var starts = Set<Int>(), goals = Set<Int>()
        for _ in 0..<5000 {
            env.reset(rng: &rng)
            XCTAssertNotEqual(env.start, env.goal)
            XCTAssertFalse(map.isWall(env.start))
            XCTAssertFalse(map.isWall(env.goal))
            XCTAssertEqual(env.agent, env.start)
            XCTAssertEqual(env.stepCount, 0)
            XCTAssertEqual(env.shortestPath, map.shortestPathLength(from: env.start, to: env.goal))
            starts.insert(env.start)
            goals.insert(env.goal)
        }
        XCTAssertEqual(starts.count, 104)
        XCTAssertEqual(goals.count, 104)
    }

    func testDrawOrderIsDocumented() throws {
        // Start first from all floor cells, then the goal from the others.
        let map = try GridMap.layout(named: "empty-8")
        var env = GridworldEnvironment(map: map)
        var rng = RNG(seed: 8)
        var twin = rng
        env.reset(rng: &rng)
        let s = map.floorCells[twin.int(below: 36)]
        var others = map.floorCells
        others.removeAll { $0 == s }
        let g = others[twin.int(below: 35)]
        XCTAssertEqual(env.start, s)
        XCTAssertEqual(env.goal, g)
        XCTAssertEqual(rng, twin)
    }

    func testOneFixedEnd() throws {
        var rng = RNG(seed: 9)
        let withStart = GridworldEnvironment(map: try GridMap(parsing: "S...\n....", source: "m"))
        let withGoal = GridworldEnvironment(map: try GridMap(parsing: "....\n...G", source: "m"))
        for var env in [withStart, withGoal] {
            var seen = Set<Int>()
            for _ in 0..<500 {
                env.reset(rng: &rng)
                XCTAssertNotEqual(env.start, env.goal)
                if let s = env.map.start { XCTAssertEqual(env.start, s); seen.insert(env.goal) }
                if let g = env.map.goal { XCTAssertEqual(env.goal, g); seen.insert(env.start) }
            }
            XCTAssertEqual(seen.count, 7)
        }
    }

    func testDeterministicWithTheSameSeed() throws {
        let map = try GridMap.layout(named: "fourrooms")
        func trace(seed: UInt64) -> [Int] {
            var env = GridworldEnvironment(map: map)
            var rng = RNG(seed: seed)
            var out: [Int] = []
            env.reset(rng: &rng)
            for _ in 0..<2000 {
                let outcome = env.step(rng.int(below: 4), rng: &rng)
                out.append(env.agent)
                if outcome.episodeEnded {
                    out.append(env.episodeSummary().length)
                    env.reset(rng: &rng)
                    out += [env.start, env.goal]
                }
            }
            return out
        }
        XCTAssertEqual(trace(seed: 42), trace(seed: 42))
        XCTAssertNotEqual(trace(seed: 42), trace(seed: 43))
    }

    func testLargeMapWithoutDistanceTable() throws {
        let map = try GridMap.layout(named: "empty-40")
        XCTAssertGreaterThan(map.floorCells.count, GridworldEnvironment.maxTableFloorCells)
        var env = GridworldEnvironment(map: map)
        var rng = RNG(seed: 10)
        for _ in 0..<50 {
            env.reset(rng: &rng)
            let manhattan =
                abs(map.row(of: env.start) - map.row(of: env.goal))
                + abs(map.column(of: env.start) - map.column(of: env.goal))
            XCTAssertEqual(env.shortestPath, manhattan)
        }
    }

    func testCodableRoundTripContinuesIdentically() throws {
        let map = try GridMap.layout(named: "fourrooms")
        var env = GridworldEnvironment(map: map, maxSteps: 50)
        var rng = RNG(seed: 11)
        env.reset(rng: &rng)
        for _ in 0..<7 where env.agent != env.goal { _ = env.step(rng.int(below: 4), rng: &rng) }
        var copy = try JSONDecoder().decode(GridworldEnvironment.self, from: JSONEncoder().encode(env))
        XCTAssertEqual(copy.maxSteps, 50)
        XCTAssertEqual(copy.map, map)
        var rngCopy = rng
        for _ in 0..<500 {
            if env.agent == env.goal || env.stepCount == env.maxSteps {
                XCTAssertEqual(env.episodeSummary(), copy.episodeSummary())
                env.reset(rng: &rng)
                copy.reset(rng: &rngCopy)
            }
            XCTAssertEqual(env.step(rng.int(below: 4), rng: &rng), copy.step(rngCopy.int(below: 4), rng: &rngCopy))
            XCTAssertEqual(env.agent, copy.agent)
        }
        let bad = #"{"map":{"source":"m","rows":["S.G"]},"maxSteps":3,"agent":7,"start":0,"goal":2,"stepCount":0}"#
        XCTAssertThrowsError(try JSONDecoder().decode(GridworldEnvironment.self, from: bad.data(using: .utf8)!))
    }
}
