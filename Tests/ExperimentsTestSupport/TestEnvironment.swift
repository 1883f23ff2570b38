import Environments
import Experiments

/// The two environments the tests run, by name, and typed access to a
/// config's settings for them.
public enum TestEnvironment: String, CaseIterable, Sendable {
    case gridworld, arithmetic

    public var type: any EnvironmentSettings.Type {
        switch self {
        case .gridworld: GridworldSettings.self
        case .arithmetic: ArithmeticSettings.self
        }
    }
}

extension RunConfig {
    public static func defaults(for environment: TestEnvironment) -> RunConfig { defaults(for: environment.type) }

    /// The settings of a gridworld config; on another config, setting them
    /// does nothing (as when every config held every environment's settings).
    public var gridworld: GridworldSettings {
        get { environment as? GridworldSettings ?? GridworldSettings() }
        set { if environment is GridworldSettings { environment = newValue } }
    }

    /// The settings of an arithmetic config; on another config, setting
    /// them does nothing.
    public var arithmetic: ArithmeticSettings {
        get { environment as? ArithmeticSettings ?? ArithmeticSettings() }
        set { if environment is ArithmeticSettings { environment = newValue } }
    }

    /// The gridworld's map (tests only run it on gridworld configs).
    public func gridMap() throws -> GridMap { try gridworld.gridMap() }
}
