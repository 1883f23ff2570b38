import Foundation
import RL
import XCTest

@testable import Environments

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
