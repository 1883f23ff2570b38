import RL

/// The gridworld of the design ("Environment: gridworld"): reach the goal on
/// an ASCII map.
///
/// - Observation: three binary planes over the whole H×W map, in the order
///   wall, agent, goal, each row-major: `3·H·W` floats.
/// - Actions: 0 up, 1 right, 2 down, 3 left, always all available. A move into
///   a wall, or off the map, leaves the agent in place.
/// - Reward: reaching the goal terminates the episode with
///   `1 − 0.9·t/maxSteps`, t counting the steps taken including the last; every
///   other step gives 0. After `maxSteps` steps the episode is truncated (a
///   step that reaches the goal on the last allowed step terminates instead).
/// - Reset: without a fixed `S` the start, and without a fixed `G` the goal, is
///   drawn from the map's floor cells in increasing order with
///   `rng.int(below:)`: first the start, `floorCells[rng.int(below: n)]`, then
///   the goal, `rng.int(below: n − 1)` indexing the floor cells with the start
///   removed (a fixed end is skipped in both draws). `step` draws nothing.
/// - Summary: `success`, `episodicReturn`, `length`; metrics
///   `shortest_path` (BFS moves from start to goal, every episode) and
///   `path_efficiency` = shortest_path / length (successful episodes only).
/// - Calling `step` after the episode ended, or with an action outside 0..<4,
///   is a programming error and traps; call `reset` first.
public struct GridworldEnvironment: Environment {
    public let map: GridMap
    /// Steps after which an episode is truncated (default `height · width`).
    public let maxSteps: Int

    /// The agent's cell (row-major, `map.cell(row:column:)`).
    public private(set) var agent: Int
    /// This episode's start cell.
    public private(set) var start: Int
    /// This episode's goal cell.
    public private(set) var goal: Int
    /// Steps taken in this episode.
    public private(set) var stepCount: Int
    /// BFS moves from this episode's start to its goal.
    public private(set) var shortestPath: Int

    // Derived from the map at init; not part of the encoded state.
    private let cellCount: Int
    /// `moves[4·cell + action]`: the cell that action leads to from `cell`.
    private let moves: [Int32]
    /// The wall plane of the observation, copied as is.
    private let wallPlane: [Float]
    /// Start→goal distance for maps with fixed S and G.
    private let fixedShortestPath: Int?
    /// All-pairs BFS distances between floor cells, `floorCount²` entries,
    /// indexed by floor index (`floorIndex[cell]`); empty for maps with more
    /// than `maxTableFloorCells` floor cells, which run one BFS per reset.
    private let distanceTable: [UInt16]
    private let floorIndex: [Int32]

    /// Above this many floor cells (a 2 MiB table) shortest paths are computed
    /// per reset instead of looked up.
    public static let maxTableFloorCells = 1024

    public var observationSize: Int { 3 * cellCount }
    public var actionCount: Int { 4 }

    /// An environment on `map`, placed at a valid but fixed start and goal:
    /// call `reset(rng:)` to begin an episode. `maxSteps` must be positive.
    /// The init precomputes move and distance tables (for random ends, up to
    /// 2 MiB); copies of one environment share them, so build one and copy it
    /// for many workers rather than calling init for each.
    public init(map: GridMap, maxSteps: Int? = nil) {
        let maxSteps = maxSteps ?? map.height * map.width
        precondition(maxSteps > 0, "gridworld maxSteps must be positive, got \(maxSteps)")
        self.map = map
        self.maxSteps = maxSteps
        cellCount = map.cellCount

        var moves = [Int32](repeating: 0, count: 4 * map.cellCount)
        for cell in 0..<map.cellCount {
            for action in 0..<4 {
                moves[4 * cell + action] = Int32(map.neighbour(of: cell, direction: action))
            }
        }
        self.moves = moves
        wallPlane = map.walls.map { $0 ? 1 : 0 }

        let floor = map.floorCells
        if let s = map.start, let g = map.goal {
            fixedShortestPath = map.distances(from: s)[g]
            distanceTable = []
            floorIndex = []
        } else if floor.count <= Self.maxTableFloorCells {
            // The map parser checked that the floor is connected.
            fixedShortestPath = nil
            var index = [Int32](repeating: -1, count: map.cellCount)
            for (i, cell) in floor.enumerated() { index[cell] = Int32(i) }
            var table = [UInt16](repeating: 0, count: floor.count * floor.count)
            for (i, cell) in floor.enumerated() {
                let distance = map.distances(from: cell)
                for (j, other) in floor.enumerated() { table[i * floor.count + j] = UInt16(distance[other]) }
            }
            distanceTable = table
            floorIndex = index
        } else {
            fixedShortestPath = nil
            distanceTable = []
            floorIndex = []
        }

        let s = map.start ?? floor.first { $0 != map.goal }!
        let g = map.goal ?? floor.first { $0 != s }!
        agent = s
        start = s
        goal = g
        stepCount = 0
        shortestPath = 0
        shortestPath = distance(from: s, to: g)
    }

    private func distance(from s: Int, to g: Int) -> Int {
        if s == map.start && g == map.goal, let fixedShortestPath { return fixedShortestPath }
        if !distanceTable.isEmpty {
            return Int(distanceTable[Int(floorIndex[s]) * map.floorCells.count + Int(floorIndex[g])])
        }
        return map.distances(from: s)[g]
    }

    // MARK: - Environment

    public mutating func reset(rng: inout RNG) {
        let s = map.start ?? drawFloorCell(excluding: map.goal, rng: &rng)
        let g = map.goal ?? drawFloorCell(excluding: s, rng: &rng)
        reset(start: s, goal: g)
    }

    /// A floor cell drawn uniformly, other than `excluded` (itself a floor cell).
    private func drawFloorCell(excluding excluded: Int?, rng: inout RNG) -> Int {
        let floor = map.floorCells
        guard let excluded else { return floor[rng.int(below: floor.count)] }
        let i = rng.int(below: floor.count - 1)
        return floor[i] >= excluded ? floor[i + 1] : floor[i]
    }

    /// Begins an episode from `start` to `goal`, two distinct floor cells with
    /// the goal reachable (e.g. for a fixed evaluation set); a fixed `S` or `G`
    /// of the map is not enforced here.
    public mutating func reset(start: Int, goal: Int) {
        precondition(start != goal, "gridworld start and goal must differ")
        precondition(
            map.walls.indices.contains(start) && !map.walls[start] && map.walls.indices.contains(goal)
                && !map.walls[goal], "gridworld start and goal must be floor cells")
        let d = distance(from: start, to: goal)
        precondition(d >= 0, "gridworld goal is unreachable from the start")
        self.start = start
        self.goal = goal
        agent = start
        stepCount = 0
        shortestPath = d
    }

    public func writeObservation(into buffer: UnsafeMutableBufferPointer<Float>) {
        let n = cellCount
        precondition(buffer.count == 3 * n, "observation buffer holds \(buffer.count) floats, not \(3 * n)")
        _ = UnsafeMutableBufferPointer(rebasing: buffer[..<n]).update(fromContentsOf: wallPlane)
        UnsafeMutableBufferPointer(rebasing: buffer[n...]).update(repeating: 0)
        buffer[n + agent] = 1
        buffer[2 * n + goal] = 1
    }

    public func writeActionMask(into mask: UnsafeMutableBufferPointer<Bool>) {
        precondition(mask.count == 4, "action mask holds \(mask.count) flags, not 4")
        mask.update(repeating: true)
    }

    public mutating func step(_ action: Int, rng: inout RNG) -> StepOutcome {
        precondition(action >= 0 && action < 4, "gridworld action \(action) is not in 0..<4")
        precondition(agent != goal && stepCount < maxSteps, "gridworld step after the episode ended; call reset")
        agent = Int(moves[4 &* agent &+ action])
        stepCount += 1
        if agent == goal {
            return StepOutcome(reward: goalReward(steps: stepCount), terminated: true)
        }
        return StepOutcome(reward: 0, truncated: stepCount >= maxSteps)
    }

    /// The reward for reaching the goal in `steps` steps: `1 − 0.9·steps/maxSteps`.
    public func goalReward(steps: Int) -> Float {
        Float(1 - 0.9 * Double(steps) / Double(maxSteps))
    }

    public func episodeSummary() -> EpisodeSummary {
        let success = agent == goal
        var metrics = ["shortest_path": Double(shortestPath)]
        if success { metrics["path_efficiency"] = Double(shortestPath) / Double(stepCount) }
        return EpisodeSummary(
            episodicReturn: success ? Double(goalReward(steps: stepCount)) : 0,
            length: stepCount, success: success, metrics: metrics)
    }

    // MARK: - Codable

    private enum CodingKeys: String, CodingKey { case map, maxSteps, agent, start, goal, stepCount }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(map, forKey: .map)
        try container.encode(maxSteps, forKey: .maxSteps)
        try container.encode(agent, forKey: .agent)
        try container.encode(start, forKey: .start)
        try container.encode(goal, forKey: .goal)
        try container.encode(stepCount, forKey: .stepCount)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let map = try container.decode(GridMap.self, forKey: .map)
        let maxSteps = try container.decode(Int.self, forKey: .maxSteps)
        let agent = try container.decode(Int.self, forKey: .agent)
        let start = try container.decode(Int.self, forKey: .start)
        let goal = try container.decode(Int.self, forKey: .goal)
        let stepCount = try container.decode(Int.self, forKey: .stepCount)
        func isFloor(_ cell: Int) -> Bool { map.walls.indices.contains(cell) && !map.walls[cell] }
        guard maxSteps > 0, isFloor(agent), isFloor(start), isFloor(goal), start != goal,
            (0...maxSteps).contains(stepCount), map.distances(from: start)[goal] >= 0
        else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "invalid gridworld state"))
        }
        self.init(map: map, maxSteps: maxSteps)
        reset(start: start, goal: goal)
        self.agent = agent
        self.stepCount = stepCount
    }
}
