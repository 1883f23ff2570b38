import Foundation
import RL
import RunStorage

/// What `rltrain train-verifier` trains with: the identity of a run's verifier.
/// A verifier in progress continues only with the same settings.
public struct VerifierSettings: Codable, Sendable, Equatable {
    /// Training problems (from the training split) and samples of each.
    public var problems = 2000
    public var samples = 16
    public var temperature = 2.0
    /// Held-out problems whose samples measure the verifier.
    public var testProblems = 200
    public var steps = 4000
    /// Solutions per Adam step.
    public var batchSize = 64
    public var learningRate = 3e-3
    public var hidden = [128, 128]
    /// Held-out metrics every this many steps (and after the last).
    public var evalEvery = 100
    /// The environment's flags that choose the problems (`--digits 12`), as given.
    public var environmentArguments: [String] = []

    public init() {}
}

/// How well a verifier separates right from wrong samples of held-out
/// problems, and what choosing by it buys there.
public struct VerifierMetrics: Codable, Sendable, Equatable {
    public var problems: Int
    public var samples: Int
    /// Fraction of the sampled solutions that are right.
    public var rightFraction: Double
    public var loss: Double
    /// Right/wrong predicted at P(right) = 0.5.
    public var accuracy: Double
    /// Area under the ROC curve (nil when every sample was right, or every one wrong).
    public var auc: Double?
    /// Exact match of the verifier's pick, of a single sample, and pass@N
    /// (coverage, an upper bound), over the problems.
    public var bestOfN: Double
    public var single: Double
    public var coverage: Double

    public init(problems: Int, samples: Int, rightFraction: Double, loss: Double, accuracy: Double, auc: Double?, bestOfN: Double, single: Double, coverage: Double) {
        self.problems = problems
        self.samples = samples
        self.rightFraction = rightFraction
        self.loss = loss
        self.accuracy = accuracy
        self.auc = auc
        self.bestOfN = bestOfN
        self.single = single
        self.coverage = coverage
    }
}

/// `verifier.bin` in a run directory: the learned verifier with its
/// optimiser state, in the checksummed checkpoint container (a damaged or
/// truncated file is refused), written atomically; `verifier.csv` is its
/// training log.
public struct VerifierRecord: Codable, Sendable, Equatable {
    public var settings: VerifierSettings
    /// The verifier, its Adam state, steps taken and FLOPs spent (sampling
    /// the training and test solutions, and fitting).
    public var state: VerifierFit.State
    /// Rows of verifier.csv this state accounts for (later ones are cut on resume).
    public var csvRows: Int
    /// Set once training reached `settings.steps`, with the held-out metrics.
    public var heldOut: VerifierMetrics?

    public init(settings: VerifierSettings, state: VerifierFit.State, csvRows: Int, heldOut: VerifierMetrics? = nil) {
        self.settings = settings
        self.state = state
        self.csvRows = csvRows
        self.heldOut = heldOut
    }

    public var isFinished: Bool { heldOut != nil && state.step >= settings.steps }

    public static let file = "verifier.bin"
    public static let log = "verifier.csv"

    public static func path(_ directory: RunDirectory) -> String { directory.file(file) }

    public func write(to directory: RunDirectory) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        try Checkpoint.write(payload: try encoder.encode(self), to: Self.path(directory))
    }

    /// The run's verifier; nil when it has none. A damaged file is one line.
    public static func read(from directory: RunDirectory) throws -> VerifierRecord? {
        let path = Self.path(directory)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let payload = try Checkpoint.read(from: path)
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do {
            let record = try decoder.decode(VerifierRecord.self, from: payload)
            guard record.state.optimizer.fits(record.state.verifier.network), record.state.step >= 0,
                  record.state.verifier.observationSize > 0, record.state.verifier.actionCount > 0,
                  record.state.verifier.network.sizes.first == record.state.verifier.inputSize,
                  record.state.verifier.network.outputSize == 1 else {
                throw ConfigError("its network and optimiser state do not fit together")
            }
            return record
        } catch {
            throw ConfigError("\(path) is damaged: \(error is ConfigError ? "\(error)" : "not a verifier (\(type(of: error)))")")
        }
    }

    /// The run's trained verifier, for `--select verifier`; one line when
    /// there is none or it is unfinished.
    public static func trained(in directory: RunDirectory) throws -> Verifier {
        guard let record = try read(from: directory) else {
            throw ConfigError("--select verifier: \(directory.path) has no trained verifier; train one first with: rltrain train-verifier \(directory.path)")
        }
        guard record.isFinished else {
            throw ConfigError("--select verifier: the verifier of \(directory.path) stopped after step \(record.state.step) of \(record.settings.steps); rltrain train-verifier \(directory.path) continues it")
        }
        return record.state.verifier
    }
}
