import Environments
import RL

/// Help for the environments' own flags, which they declare as data
/// (`CommandLineOption`) next to their settings rather than as
/// argument-parser properties, so that an environment stays one folder.
/// Laid out like swift-argument-parser's option lists, pre-wrapped to its
/// 80 columns so that it keeps the layout.
enum HelpText {
    static let width = 80
    static let indent = 26

    /// One section per environment: `<TITLE> FOR --env NAME:` and its flags.
    static func options(
        title: String, of flags: (any EnvironmentSettings.Type) -> [(flag: String, valueName: String?, help: String)]
    ) -> String {
        EnvironmentRegistry.all.map { type in
            "\(title) FOR --env \(type.name):\n" + flags(type).map(entry).joined(separator: "\n")
        }.joined(separator: "\n\n")
    }

    /// `  NAME  summary` for every environment.
    static var environments: String {
        EnvironmentRegistry.all.map { entry((flag: $0.name, valueName: nil, help: $0.summary)) }.joined(separator: "\n")
    }

    /// A default that differs between environments, read from the
    /// registry: "500000 gridworld, 400000 arithmetic, 200000 multiplication";
    /// environments that share a value are named together ("1 arithmetic
    /// and multiplication"), and one value for all is given alone. A
    /// text-only environment (countdown) has no MLP defaults to list.
    static func perEnvironment(_ value: (PPOConfig, Int) -> String) -> String {
        var groups: [(value: String, names: [String])] = []
        for type in EnvironmentRegistry.all where !type.isTextOnly {
            var ppo = PPOConfig()
            var envsPerWorker = 8
            type.adjustDefaults(&ppo, envsPerWorker: &envsPerWorker)
            let text = value(ppo, envsPerWorker)
            if let i = groups.firstIndex(where: { $0.value == text }) {
                groups[i].names.append(type.name)
            } else {
                groups.append((text, [type.name]))
            }
        }
        if groups.count == 1 { return groups[0].value }
        return groups.map { group in
            let names = group.names.count <= 2 ? group.names.joined(separator: " and ")
                : group.names.dropLast().joined(separator: ", ") + " and " + group.names.last!
            return "\(group.value) \(names)"
        }.joined(separator: ", ")
    }

    static var totalTimestepsDefault: String { perEnvironment { ppo, _ in String(ppo.totalTimesteps) } }
    static var gammaDefault: String {
        perEnvironment { ppo, _ in ppo.gamma == ppo.gamma.rounded() ? String(Int(ppo.gamma)) : String(ppo.gamma) }
    }
    static var envsPerWorkerDefault: String { perEnvironment { _, perWorker in String(perWorker) } }

    static func entry(flag: String, valueName: String?, help: String) -> String {
        entry((flag: flag, valueName: valueName, help: help))
    }

    private static func entry(_ flag: (flag: String, valueName: String?, help: String)) -> String {
        let name = "  \(flag.flag)" + (flag.valueName.map { " <\($0)>" } ?? "")
        let lines = wrap(flag.help, width: width - indent)
        let margin = String(repeating: " ", count: indent)
        let first = name.count < indent ? name + String(repeating: " ", count: indent - name.count) + lines[0] : name + "\n" + margin + lines[0]
        return ([first] + lines.dropFirst().map { margin + $0 }).joined(separator: "\n")
    }

    /// Greedy word wrap.
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if !current.isEmpty && current.count + 1 + word.count > width {
                lines.append(current)
                current = ""
            }
            current += (current.isEmpty ? "" : " ") + word
        }
        return lines + [current]
    }
}

extension EnvironmentSettings {
    static var trainingHelp: [(flag: String, valueName: String?, help: String)] {
        options.map { ($0.flag, $0.valueName, $0.help) }
    }

    static var evaluationHelp: [(flag: String, valueName: String?, help: String)] {
        evaluationOptions.map { ($0.flag, $0.valueName, $0.help) }
    }
}
