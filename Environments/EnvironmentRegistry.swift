import Synchronization

/// The environments rltrain knows. Adding one to rltrain is one line in
/// `builtIn`; a program that uses rltrain as a library registers its own
/// with `register(_:)`.
public enum EnvironmentRegistry {
    public static let builtIn: [any EnvironmentSettings.Type] = [
        GridworldSettings.self,
        ArithmeticSettings.self,
        MultiplicationSettings.self,
        CountdownSettings.self,
    ]

    private static let registered = Mutex<[any EnvironmentSettings.Type]>([])

    /// The built-in environments, then those registered.
    public static var all: [any EnvironmentSettings.Type] { builtIn + registered.withLock { $0 } }

    /// Adds an environment defined outside this module (its name must be new).
    public static func register(_ type: any EnvironmentSettings.Type) {
        precondition(named(type.name) == nil, "an environment named \(type.name) is already registered")
        registered.withLock { $0.append(type) }
    }

    /// What `--env` selects when it is not given.
    public static let defaultEnvironment: any EnvironmentSettings.Type = ArithmeticSettings.self

    public static var names: [String] { all.map { $0.name } }

    public static func named(_ name: String) -> (any EnvironmentSettings.Type)? {
        all.first { $0.name == name }
    }

    /// The environment (other than `except`) that has training flag `flag`.
    public static func owner(of flag: String, except: String) -> String? {
        all.first { $0.name != except && $0.trainingFlagNames.contains { $0.name == flag } }?.name
    }

    /// The environment (other than `except`) whose `rltrain eval` has flag `flag`.
    public static func evaluationOwner(of flag: String, except: String) -> String? {
        all.first { $0.name != except && $0.evaluationFlagNames.contains { $0.name == flag } }.map { "\($0.name) runs" }
    }

    /// Checks `rltrain eval` flags before the run they evaluate is read: each
    /// flag must belong to some environment, and each environment's flags
    /// must hold values it accepts. (Which environment applies is known only
    /// once the run's config.json is read.)
    public static func checkEvaluationArguments(_ arguments: [String]) throws {
        var valued: [String: Bool] = [:]
        for type in all {
            for (name, takesValue) in type.evaluationFlagNames { valued[name] = takesValue }
        }
        var pairs: [(name: String, tokens: [String])] = []
        var i = 0
        while i < arguments.count {
            let token = arguments[i]
            i += 1
            guard token.hasPrefix("--"), token.count > 2 else { throw OptionError("unexpected argument '\(token)'") }
            let name = String(token.dropFirst(2).prefix { $0 != "=" })
            guard let takesValue = valued[name] else { throw OptionError("Unknown option '--\(name)'") }
            var tokens = [token]
            if takesValue && !token.contains("="), i < arguments.count {
                tokens.append(arguments[i])
                i += 1
            }
            pairs.append((name, tokens))
        }
        for type in all {
            let own = Set(type.evaluationFlagNames.map(\.name))
            _ = try type.evaluationRequest(pairs.filter { own.contains($0.name) }.flatMap(\.tokens))
        }
    }
}
