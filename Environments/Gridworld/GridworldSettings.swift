import Foundation
import RL

/// The gridworld as rltrain runs it: its settings (`config.json` key
/// `gridworld`), flags, defaults and validation. Training hooks, evaluation
/// and figures are in the `GridworldSettings+…` files beside this one.
public struct GridworldSettings: EnvironmentSettings {
    public typealias Env = GridworldEnvironment

    /// A built-in layout (`empty-N`, `fourrooms`); ignored when `map` is set.
    public var layout = "fourrooms"
    /// Path of an ASCII map file.
    public var map: String? = nil
    /// Steps before truncation; nil means H·W.
    public var maxSteps: Int? = nil

    public init() {}

    public static let name = "gridworld"
    public static let summary = "reach the goal on an ASCII map (fourrooms, empty-N or a map file)"

    public static var options: [CommandLineOption<Self>] {
        [
            .string("layout", \.layout, valueName: "layout", help: "Built-in layout: empty-N (4 ≤ N ≤ 64) or fourrooms (default fourrooms)."),
            .string("map", \.map, valueName: "file", help: "ASCII map file (# wall, . or space floor, optional S and G); overrides --layout."),
            .integer("max-steps", \.maxSteps, help: "Steps before an episode is truncated (default H·W)."),
        ]
    }

    /// CleanRL's defaults, with the standard benchmark's 8 environments.
    public static func adjustDefaults(_ ppo: inout PPOConfig, envsPerWorker: inout Int) {
        ppo.numEnvs = 8
        ppo.totalTimesteps = 500_000
        envsPerWorker = 8
    }

    public func validate() throws(ConfigError) {
        if let maxSteps, maxSteps <= 0 {
            throw ConfigError("--max-steps must be a positive integer, got \(maxSteps)")
        }
        do {
            _ = try gridMap()
        } catch {
            throw ConfigError("\(error)")
        }
    }

    /// The map: the file named by `map`, else the built-in layout.
    public func gridMap() throws -> GridMap {
        if let map { return try GridMap(contentsOfFile: map) }
        return try GridMap.layout(named: layout)
    }

    public var label: String { "gridworld \(map ?? layout)" }

    public func makeEnvironment() throws -> GridworldEnvironment {
        GridworldEnvironment(map: try gridMap(), maxSteps: maxSteps)
    }
}
