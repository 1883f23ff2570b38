import RL

/// The flags of test-time search that every environment offering it shares
/// in `rltrain eval`: `--samples N --temperature T --select majority|verifier|oracle --workers W`.
public struct SearchOptions: Sendable, Equatable {
    /// Sampled solutions per problem.
    public var samples = 1
    /// Sampling temperature; nil: 0 (greedy) for one sample, 1 (the policy's
    /// own distribution) for several — what `--samples` alone always meant.
    public var temperature: Double? = nil
    public var select = SampleSelection.majority
    /// Threads sampling; nil: one per core. Results do not depend on it.
    public var workers: Int? = nil

    public init(samples: Int = 1, temperature: Double? = nil, select: SampleSelection = .majority, workers: Int? = nil) {
        self.samples = samples
        self.temperature = temperature
        self.select = select
        self.workers = workers
    }

    public var effectiveTemperature: Double { temperature ?? (samples == 1 ? 0 : 1) }

    /// The one answer of a greedy policy: nothing to choose among.
    public var isGreedy: Bool { samples == 1 && effectiveTemperature == 0 }

    /// What eval.csv's `selection` column says: `greedy` for the single
    /// greedy answer (unless the oracle was asked for), else the rule.
    public var selectionLabel: String { select != .oracle && isGreedy ? "greedy" : select.rawValue }

    public static let maxSamples = 1024

    /// The options for a request type that holds these at `keyPath`;
    /// `environment` starts each help text (`Arithmetic: …`).
    public static func options<Request>(_ keyPath: WritableKeyPath<Request, SearchOptions>, environment: String) -> [CommandLineOption<Request>] {
        [
            .integer("samples", keyPath.appending(path: \.samples),
                     help: "\(environment): sampled solutions per problem (default 1: greedy)."),
            .value("temperature", keyPath.appending(path: \.temperature), valueName: "number",
                   help: "\(environment): sampling temperature, softmax(logits / T) under the mask; 0 is greedy (default: 0 for one sample, 1 for several).") {
                Double($0).map(Optional.some)
            },
            .choice("select", keyPath.appending(path: \.select),
                    help: "\(environment): how to choose among the samples: majority (the most frequent answer), verifier (best-of-N by the run's learned verifier, from rltrain train-verifier) or oracle (pass@N by the verifiable reward: coverage, an upper bound, not accuracy) (default majority)."),
            .integer("workers", keyPath.appending(path: \.workers),
                     help: "\(environment): threads that sample (default: one per core; the numbers do not depend on it)."),
        ]
    }

    public func validate() throws(ConfigError) {
        guard (1...Self.maxSamples).contains(samples) else {
            throw ConfigError("--samples must be between 1 and \(Self.maxSamples), got \(samples)")
        }
        if let t = temperature, !(t.isFinite && t >= 0) {
            throw ConfigError("--temperature must be a finite number ≥ 0, got \(t)")
        }
        if let t = temperature, t > 100 { throw ConfigError("--temperature must be at most 100, got \(t)") }
        if let w = workers, !(1...1024).contains(w) { throw ConfigError("--workers must be between 1 and 1024, got \(w)") }
    }
}
