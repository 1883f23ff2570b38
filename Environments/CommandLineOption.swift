/// A command-line flag, declared next to the setting it sets: `--NAME VALUE`
/// (also `--NAME=VALUE`), or `--NAME` alone for a switch. Environments
/// declare their training and evaluation flags as lists of these, so that
/// everything about an environment stays in its folder; the CLI renders them
/// into `--help` and applies them with `apply(_:to:)`.
public struct CommandLineOption<Target> {
    /// The flag without dashes, e.g. `think-budget`.
    public let name: String
    /// The value's name in help, e.g. `n`; nil for a switch.
    public let valueName: String?
    public let help: String
    private let set: (String?, inout Target) throws(OptionError) -> Void

    public init(
        _ name: String, valueName: String?, help: String,
        set: @escaping (String?, inout Target) throws(OptionError) -> Void
    ) {
        self.name = name
        self.valueName = valueName
        self.help = help
        self.set = set
    }

    public var flag: String { "--\(name)" }

    /// An option whose text `parse` turns into the value at `keyPath`; nil
    /// from `parse` is "not a valid <valueName>".
    public static func value<V>(
        _ name: String, _ keyPath: WritableKeyPath<Target, V>, valueName: String, help: String,
        parse: @escaping (String) throws(OptionError) -> V?
    ) -> CommandLineOption {
        CommandLineOption(name, valueName: valueName, help: help) { (text: String?, target: inout Target) throws(OptionError) in
            let text = text ?? ""
            guard let value = try parse(text) else {
                throw OptionError("--\(name): '\(text)' is not \(article(valueName)) \(valueName)")
            }
            target[keyPath: keyPath] = value
        }
    }

    /// An integer option; range checks belong to validation.
    public static func integer(_ name: String, _ keyPath: WritableKeyPath<Target, Int>, help: String) -> CommandLineOption {
        value(name, keyPath, valueName: "integer", help: help) { Int($0) }
    }

    /// An integer option whose absence means "as configured".
    public static func integer(_ name: String, _ keyPath: WritableKeyPath<Target, Int?>, help: String) -> CommandLineOption {
        value(name, keyPath, valueName: "integer", help: help) { Int($0).map(Optional.some) }
    }

    /// A real-number option (`nan` and `inf` parse, validation refuses them).
    public static func number(_ name: String, _ keyPath: WritableKeyPath<Target, Double>, help: String) -> CommandLineOption {
        value(name, keyPath, valueName: "number", help: help) { Double($0) }
    }

    public static func string(_ name: String, _ keyPath: WritableKeyPath<Target, String>, valueName: String, help: String) -> CommandLineOption {
        value(name, keyPath, valueName: valueName, help: help) { $0 }
    }

    public static func string(_ name: String, _ keyPath: WritableKeyPath<Target, String?>, valueName: String, help: String) -> CommandLineOption {
        value(name, keyPath, valueName: valueName, help: help) { .some($0) }
    }

    /// One of an enumeration's raw values: "--NAME must be a or b, got 'x'".
    public static func choice<C: RawRepresentable & CaseIterable>(
        _ name: String, _ keyPath: WritableKeyPath<Target, C>, help: String
    ) -> CommandLineOption where C.RawValue == String {
        let names = C.allCases.map(\.rawValue)
        let listed = names.count == 2 ? names.joined(separator: " or ") : names.joined(separator: ", ")
        return value(name, keyPath, valueName: names.joined(separator: "|"), help: help) { (text: String) throws(OptionError) -> C? in
            guard let choice = C(rawValue: text) else { throw OptionError("--\(name) must be \(listed), got '\(text)'") }
            return choice
        }
    }

    /// A switch: `--NAME` sets `keyPath` to `value`.
    public static func flag(_ name: String, _ keyPath: WritableKeyPath<Target, Bool>, setting value: Bool, help: String) -> CommandLineOption {
        CommandLineOption(name, valueName: nil, help: help) { _, target in target[keyPath: keyPath] = value }
    }

    /// Applies one occurrence: `value` is the flag's value (nil for a switch).
    public func apply(_ value: String?, to target: inout Target) throws(OptionError) {
        try set(value, &target)
    }

    private static func article(_ noun: String) -> String {
        noun.first.map { "aeiou".contains($0) } == true ? "an" : "a"
    }
}

extension Array {
    /// Applies command-line `arguments` to `target` with these options (a
    /// later occurrence of a flag wins, as in swift-argument-parser).
    /// `owner` names the environment a flag belongs to when it is not one of
    /// these, so that the error can say where it belongs.
    public func apply<Target>(
        _ arguments: [String], to target: inout Target, context: String,
        owner: (String) -> String? = { _ in nil }
    ) throws(OptionError) where Element == CommandLineOption<Target> {
        var i = arguments.startIndex
        while i < arguments.endIndex {
            let token = arguments[i]
            i += 1
            guard token.hasPrefix("--"), token.count > 2 else {
                throw OptionError("unexpected argument '\(token)'")
            }
            var name = String(token.dropFirst(2))
            var value: String?
            if let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            guard let option = first(where: { $0.name == name }) else {
                if let other = owner(name) {
                    throw OptionError("--\(name) is an option of \(other), not of \(context)")
                }
                throw OptionError("Unknown option '--\(name)' for \(context)")
            }
            if option.valueName == nil {
                if value != nil { throw OptionError("--\(name) takes no value") }
            } else if value == nil {
                guard i < arguments.endIndex else { throw OptionError("Missing value for '--\(name) <\(option.valueName ?? "")>'") }
                value = arguments[i]
                i += 1
            }
            try option.apply(value, to: &target)
        }
    }
}

/// A flag or value that cannot be applied, in one line.
public struct OptionError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
