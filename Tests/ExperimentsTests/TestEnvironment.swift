import Environments
@testable import Experiments

/// The two environments the tests run, by name, and typed access to a
/// config's settings for them.
enum TestEnvironment: String, CaseIterable {
    case gridworld, arithmetic

    var type: any EnvironmentSettings.Type {
        switch self {
        case .gridworld: GridworldSettings.self
        case .arithmetic: ArithmeticSettings.self
        }
    }
}

extension RunConfig {
    static func defaults(for environment: TestEnvironment) -> RunConfig { defaults(for: environment.type) }

    /// The settings of a gridworld config; on another config, setting them
    /// does nothing (as when every config held every environment's settings).
    var gridworld: GridworldSettings {
        get { environment as? GridworldSettings ?? GridworldSettings() }
        set { if environment is GridworldSettings { environment = newValue } }
    }

    /// The settings of an arithmetic config; on another config, setting
    /// them does nothing.
    var arithmetic: ArithmeticSettings {
        get { environment as? ArithmeticSettings ?? ArithmeticSettings() }
        set { if environment is ArithmeticSettings { environment = newValue } }
    }

    /// The gridworld's map (tests only run it on gridworld configs).
    func gridMap() throws -> GridMap { try gridworld.gridMap() }
}
