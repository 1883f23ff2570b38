import Foundation
import RunStorage
import Environments
import Experiments

/// A sweep file: a base configuration, the axes to vary (each a training
/// flag with listed or doubling values), the seeds, what to evaluate at the
/// end of each run and the threshold that "steps to reach" is measured at.
///
///     {
///       "name": "Doubling training steps",
///       "base": {"env": NAME, "workers": 2, …any training flag…},
///       "axes": {"total-timesteps": {"double": 20000, "times": 4}},
///       "seeds": [1, 2, 3],
///       "eval": {…rltrain eval flags of the environment, each a value or a list…},
///       "threshold": {"metric": A progress.csv COLUMN, "value": 0.9}
///     }
///
/// Flags are the CLI's long names without dashes; values are what the flag
/// takes (strings, numbers or booleans). Whether a flag exists and a value is
/// valid is decided by the CLI's own parser (see `SweepPlan`), so a sweep
/// accepts exactly what `rltrain train` accepts.
public struct SweepSpec: Sendable, Equatable {
    public struct Setting: Sendable, Equatable {
        public var flag: String
        public var value: String
        public init(flag: String, value: String) {
            self.flag = flag
            self.value = value
        }
    }

    public struct Axis: Sendable, Equatable {
        public var flag: String
        public var values: [String]
        public init(flag: String, values: [String]) {
            self.flag = flag
            self.values = values
        }
        /// The column naming this axis in the CSVs: the flag with `_` for `-`,
        /// prefixed with `train_` when a CSV already has a column of that
        /// name (`--think-budget` → `train_think_budget`, as eval.csv has its
        /// own `think_budget`).
        public var column: String {
            let name = flag.replacingOccurrences(of: "-", with: "_")
            return Self.taken.contains(name) ? "train_" + name : name
        }

        static var taken: Set<String> {
            var names: Set<String> = ["point", "seed", "batch_size"]
            names.formUnion(ProgressColumns.common)
            for environment in EnvironmentRegistry.all {
                names.formUnion(environment.progressColumns)
                names.formUnion(environment.evaluationColumns)
            }
            return names
        }
    }

    /// Evaluations after each run: `rltrain eval` flags, each with one or
    /// more values; every combination is run (the environment's flag order
    /// outermost first). A flag left out keeps `rltrain eval`'s default.
    public struct Evaluation: Sendable, Equatable {
        public struct Flag: Sendable, Equatable {
            public var name: String
            /// The values to run, or `[nil]` for a switch that is set.
            public var values: [String?]
        }
        public var flags: [Flag] = []
        /// False when the file has no "eval": only the end-of-training evaluation.
        public var enabled = false
        public init() {}

        /// The `rltrain eval` arguments of every combination.
        public var requests: [[String]] {
            guard enabled else { return [] }
            var combos: [[String]] = [[]]
            for flag in flags {
                combos = combos.flatMap { prefix in
                    flag.values.map { value in prefix + ["--\(flag.name)"] + (value.map { [$0] } ?? []) }
                }
            }
            return combos
        }

        /// `digits 3, 6 · samples 1, 4`, or "as `rltrain eval` defaults".
        public var description: String {
            flags.isEmpty ? "rltrain eval's defaults"
                : flags.map { "\($0.name) \($0.values.map { $0 ?? "on" }.joined(separator: ", "))" }.joined(separator: " · ")
        }
    }

    public enum FitKind: String, Sendable, Equatable, CaseIterable {
        case logLinear = "log-linear"
        case powerLaw = "power-law"
    }

    public var name: String
    public var description: String
    public var base: [Setting]
    public var axes: [Axis]
    public var seeds: [UInt64]
    public var evaluation: Evaluation
    /// Nil: the environment's default (e.g. accuracy ≥ 0.9, success_rate ≥ 0.9).
    public var threshold: Threshold?
    public var fit: FitKind
    /// The file's text, kept so a sweep directory records exactly what it ran.
    public var json: SweepJSON
    /// The file the sweep came from, for error messages.
    public var source: String

    /// An axis (or base value) that is not a flag: the training FLOPs each
    /// run gets, from which the plan sets its `--total-timesteps` (an
    /// IsoFLOP sweep crosses it with a width axis).
    public static let flopBudget = "flop-budget"

    /// Flags a sweep sets itself.
    public static let reservedFlags: [String: String] = [
        "seed": "list seeds under \"seeds\"",
        "runs-dir": "the sweep puts every run under <out>/runs",
        "run-name": "the sweep names every run after its point",
        "resume": "a sweep resumes unfinished runs by itself",
        "quiet": "runs in a sweep are always quiet",
    ]

    /// The environment named by `base.env` (the CLI's default when absent;
    /// an unknown name is reported when the plan builds the runs).
    public var environment: any EnvironmentSettings.Type {
        base.first { $0.flag == "env" }.flatMap { EnvironmentRegistry.named($0.value) } ?? EnvironmentRegistry.defaultEnvironment
    }

    /// The threshold in force: the file's, or the environment's default.
    public var effectiveThreshold: Threshold {
        threshold ?? environment.defaultThreshold
    }

    public init(contentsOfFile path: String) throws(SweepError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SweepError("cannot read sweep file \(path)")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw SweepError("\(path) is not UTF-8 text") }
        try self.init(json: text, source: path)
    }

    public init(json text: String, source: String = "<sweep>") throws(SweepError) {
        let root = try SweepJSON.parse(text, source: source)
        try self.init(root, source: source)
    }

    init(_ root: SweepJSON, source: String) throws(SweepError) {
        func fail(_ message: String, _ position: SweepJSON.Position? = nil) -> SweepError {
            SweepError("\(source)\(position.map { " (\($0))" } ?? ""): \(message)")
        }
        guard case let .object(members) = root else { throw fail("a sweep file is a JSON object with \"base\", \"axes\" and \"seeds\"") }
        json = root
        self.source = source
        name = URL(fileURLWithPath: source).deletingPathExtension().lastPathComponent
        description = ""
        base = []
        axes = []
        seeds = [1]
        evaluation = Evaluation()
        threshold = nil
        fit = .logLinear
        var sawAxes = false
        var evaluationJSON: (SweepJSON, SweepJSON.Position)?
        for (key, value, position) in members {
            switch key {
            case "name":
                guard case let .string(s) = value, !s.isEmpty else { throw fail("\"name\" must be a non-empty string", position) }
                name = s
            case "description":
                guard case let .string(s) = value else { throw fail("\"description\" must be a string", position) }
                description = s
            case "base":
                guard case let .object(flags) = value else { throw fail("\"base\" must be an object of flag: value", position) }
                for (flag, v, p) in flags {
                    try Self.checkFlagName(flag, p, fail)
                    guard let text = v.argumentText else {
                        throw fail("base flag \"\(flag)\" needs a string, number or boolean value, got \(v.compactText)", p)
                    }
                    base.append(Setting(flag: flag, value: text))
                }
            case "axes":
                sawAxes = true
                guard case let .object(list) = value else { throw fail("\"axes\" must be an object of flag: values", position) }
                for (flag, v, p) in list {
                    try Self.checkFlagName(flag, p, fail)
                    if flag == "env" { throw fail("\"env\" cannot be an axis: a sweep compares runs of one environment; set it in \"base\"", p) }
                    axes.append(Axis(flag: flag, values: try Self.axisValues(flag, v, p, fail)))
                }
            case "seeds":
                guard case let .array(list) = value, !list.isEmpty else { throw fail("\"seeds\" must be a non-empty list of integers", position) }
                seeds = []
                for item in list {
                    guard case let .number(n) = item, let seed = UInt64(n) else {
                        throw fail("seeds must be non-negative integers, got \(item.compactText)", position)
                    }
                    if seeds.contains(seed) { throw fail("seed \(seed) is listed twice", position) }
                    seeds.append(seed)
                }
            case "eval":
                evaluationJSON = (value, position)
            case "threshold":
                guard case let .object(fields) = value else { throw fail("\"threshold\" must be {\"metric\": NAME, \"value\": NUMBER}", position) }
                var metric: String?, number: Double?
                for (k, v, p) in fields {
                    switch (k, v) {
                    case let ("metric", .string(s)): metric = s
                    case let ("value", .number(n)): number = Double(n)
                    default: throw fail("\"threshold\" takes \"metric\" (a progress.csv column) and \"value\" (a number), got \"\(k)\": \(v.compactText)", p)
                    }
                }
                guard let metric, let number else { throw fail("\"threshold\" needs both \"metric\" and \"value\"", position) }
                threshold = Threshold(metric: metric, value: number)
            case "fit":
                guard case let .string(s) = value, let kind = FitKind(rawValue: s) else {
                    throw fail("\"fit\" must be \"log-linear\" or \"power-law\", got \(value.compactText)", position)
                }
                fit = kind
            default:
                throw fail("unknown key \"\(key)\"; a sweep file has name, description, base, axes, seeds, eval, threshold, fit", position)
            }
        }
        let budgetGiven = axes.contains { $0.flag == Self.flopBudget } || base.contains { $0.flag == Self.flopBudget }
        if budgetGiven {
            for flag in ["total-timesteps", "sft-steps"] where axes.contains(where: { $0.flag == flag }) || base.contains(where: { $0.flag == flag }) {
                throw fail("\"flop-budget\" sets --\(flag) from each run's FLOPs per \(flag == "sft-steps" ? "SFT step" : "env step"): give one or the other")
            }
            let values = (axes.first { $0.flag == Self.flopBudget }?.values ?? []) + base.filter { $0.flag == Self.flopBudget }.map(\.value)
            if let bad = values.first(where: { Double($0).map { !($0.isFinite && $0 > 0) } ?? true }) {
                throw fail("\"flop-budget\" takes positive numbers of FLOPs such as 1e10, got \(bad)")
            }
        }
        if !sawAxes { throw fail("no \"axes\": name at least one flag to vary, e.g. \"axes\": {\"total-timesteps\": {\"double\": 25000, \"times\": 4}}") }
        if axes.isEmpty { throw fail("\"axes\" is empty: name at least one flag to vary") }
        if let t = threshold {
            let columns = ProgressColumns.all(for: environment)
            guard columns.contains(t.metric) else {
                throw fail("threshold metric \"\(t.metric)\" is not a progress.csv column for \(environment.name); use one of \(columns.joined(separator: ", "))")
            }
        }
        if let (value, position) = evaluationJSON {
            evaluation = try Self.evaluation(value, position, environment: environment, fail)
        }
    }

    private static func checkFlagName(_ flag: String, _ p: SweepJSON.Position, _ fail: (String, SweepJSON.Position?) -> SweepError) throws(SweepError) {
        if flag.hasPrefix("-") { throw fail("write flags without dashes: \"\(flag.drop { $0 == "-" })\", not \"\(flag)\"", p) }
        if let why = reservedFlags[flag] { throw fail("\"\(flag)\" cannot be set in a sweep file: \(why)", p) }
        if flag.isEmpty { throw fail("empty flag name", p) }
    }

    /// A listed axis, or `{"double": start, "times": k}`: k values start·2^0 … start·2^(k−1).
    /// `start` may be a number or a comma list of integers (`"16,16"` for --hidden).
    static func axisValues(_ flag: String, _ v: SweepJSON, _ p: SweepJSON.Position, _ fail: (String, SweepJSON.Position?) -> SweepError) throws(SweepError) -> [String] {
        switch v {
        case let .array(items):
            if items.isEmpty { throw fail("axis \"\(flag)\" is empty: list at least one value", p) }
            var values: [String] = []
            for item in items {
                guard let text = item.argumentText else {
                    throw fail("axis \"\(flag)\": values must be strings, numbers or booleans, got \(item.compactText)", p)
                }
                if values.contains(text) { throw fail("axis \"\(flag)\" lists \(text) twice", p) }
                values.append(text)
            }
            return values
        case let .object(fields):
            var start: SweepJSON?, times: Int?
            for (k, value, fp) in fields {
                switch k {
                case "double": start = value
                case "times":
                    guard case let .number(n) = value, let t = Int(n) else { throw fail("axis \"\(flag)\": \"times\" must be an integer", fp) }
                    times = t
                default: throw fail("axis \"\(flag)\": unknown key \"\(k)\"; a doubling axis is {\"double\": START, \"times\": COUNT}", fp)
                }
            }
            guard let start, let times else { throw fail("axis \"\(flag)\": a doubling axis needs \"double\" (the first value) and \"times\" (how many values)", p) }
            guard times >= 1 else { throw fail("axis \"\(flag)\" is empty: \"times\" must be at least 1, got \(times)", p) }
            guard times <= 40 else { throw fail("axis \"\(flag)\": \"times\" must be at most 40, got \(times)", p) }
            switch start {
            case let .number(n):
                if let i = Int(n) {
                    guard i != 0 else { throw fail("axis \"\(flag)\": doubling 0 gives 0 every time", p) }
                    return (0..<times).map { String(i << $0) }
                }
                guard let d = Double(n), d != 0 else { throw fail("axis \"\(flag)\": \"double\" must be a non-zero number", p) }
                return (0..<times).map { (d * pow(2, Double($0))).description }
            case let .string(s):
                let texts = s.split(separator: ",", omittingEmptySubsequences: false)
                let parts = texts.compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }.filter { $0 > 0 }
                guard !parts.isEmpty, parts.count == texts.count else {
                    throw fail("axis \"\(flag)\": \"double\" must be a number or a comma list of positive integers like \"16,16\", got \"\(s)\"", p)
                }
                return (0..<times).map { k in parts.map { String($0 << k) }.joined(separator: ",") }
            default:
                throw fail("axis \"\(flag)\": \"double\" must be a number or a comma list like \"16,16\", got \(start.compactText)", p)
            }
        default:
            throw fail("axis \"\(flag)\" must be a list of values or {\"double\": START, \"times\": COUNT}, got \(v.compactText)", p)
        }
    }

    /// `"eval": {"digits": [3, 6], "samples": [1, 4], "problems": 200}`: each
    /// key an `rltrain eval` flag of the environment, each value one or a
    /// list (a switch takes `true`). Every request is checked here, so a bad
    /// value stops the sweep before any run.
    static func evaluation(
        _ v: SweepJSON, _ position: SweepJSON.Position, environment: any EnvironmentSettings.Type,
        _ fail: (String, SweepJSON.Position?) -> SweepError
    ) throws(SweepError) -> Evaluation {
        guard case let .object(fields) = v else { throw fail("\"eval\" must be an object of rltrain eval flags, e.g. {\"digits\": [3, 6], \"samples\": [1, 4]}", position) }
        let known = environment.evaluationFlagNames
        var given: [String: Evaluation.Flag] = [:]
        for (key, value, p) in fields {
            guard let flag = known.first(where: { $0.name == key }) else {
                throw fail("unknown eval key \"\(key)\"; eval takes the flags of rltrain eval for \(environment.name): \(known.map(\.name).joined(separator: ", "))", p)
            }
            let items: [SweepJSON]
            if case let .array(list) = value { items = list } else { items = [value] }
            if items.isEmpty { throw fail("eval \"\(key)\" is empty", p) }
            var values: [String?] = []
            for item in items {
                if !flag.takesValue {
                    guard item == .bool(true) else { throw fail("eval \"\(key)\" is a switch: give true, or leave it out", p) }
                    values.append(nil)
                    continue
                }
                guard let text = item.argumentText else {
                    throw fail("eval \"\(key)\" takes strings, numbers or booleans, got \(item.compactText)", p)
                }
                values.append(text)
            }
            given[key] = Evaluation.Flag(name: key, values: values)
        }
        var e = Evaluation()
        e.enabled = true
        e.flags = known.compactMap { given[$0.name] }
        for request in e.requests {
            do {
                try RunEvaluation.check(request, for: environment)
            } catch {
                throw fail("eval \(request.joined(separator: " ")): \(error)", position)
            }
        }
        return e
    }
}
