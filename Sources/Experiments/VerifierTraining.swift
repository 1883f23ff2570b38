import Foundation
import NN
import RL
import RunStorage
import Environments

/// `rltrain train-verifier RUN`: trains a learned verifier on the run's own
/// sampled solutions, labelled by the verifiable reward, and measures it on
/// samples of held-out problems. It writes `verifier.bin` (the verifier and
/// its optimiser, checksummed, atomically) and `verifier.csv` (its training
/// log) into the run directory, and continues after an interruption
/// exactly as if it had not stopped: the solutions are sampled again (the
/// same, from the same streams), the fit resumes at its last checkpoint.
public enum VerifierTraining {
    /// The flags of `rltrain train-verifier`; the environment's flags that choose
    /// problems (`--digits`, `--multiplier`, `--think-budget`) come beside them.
    public struct Request: Sendable, Equatable {
        public var settings = VerifierSettings()
        /// Steps between checkpoints.
        public var checkpointEvery = 100
        /// Threads sampling (nil: one per core); the numbers do not depend on it.
        public var workers: Int? = nil
        public init() {}
    }

    public enum Outcome: Sendable, Equatable { case finished, interrupted, alreadyFinished }

    public static var options: [CommandLineOption<Request>] {
        [
            .integer("problems", \.settings.problems, help: "Training problems, from the training split (default 2000)."),
            .integer("samples", \.settings.samples, help: "Solutions sampled per problem (default 16)."),
            .number("temperature", \.settings.temperature, help: "Sampling temperature, > 0 (default 2: varied samples, whose mistakes the verifier must learn to see)."),
            .integer("test-problems", \.settings.testProblems, help: "Held-out problems whose samples measure the verifier: accuracy, AUC, best-of-N (default 200)."),
            .integer("steps", \.settings.steps, help: "Adam steps (default 4000)."),
            .integer("batch-size", \.settings.batchSize, help: "Solutions per Adam step (default 64)."),
            .number("learning-rate", \.settings.learningRate, help: "Adam's learning rate (default 3e-3)."),
            .value("hidden", \.settings.hidden, valueName: "sizes", help: "Hidden layer widths of the verifier, e.g. 64,64 (default 128,128).") { text in
                let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
                guard !parts.isEmpty, parts.allSatisfy({ $0 != nil }) else { return nil }
                return parts.compactMap { $0 }
            },
            .integer("eval-every", \.settings.evalEvery, help: "Measure on the held-out samples every this many steps (default 100)."),
            .integer("checkpoint-every", \.checkpointEvery, help: "Write verifier.bin every this many steps (default 100)."),
            .integer("workers", \.workers, help: "Threads that sample (default: one per core; the numbers do not depend on it)."),
        ]
    }

    /// Eval flags that mean nothing here.
    static let refused = ["select", "show"]

    public static func validate(_ request: Request) throws(ConfigError) {
        let s = request.settings
        func within(_ value: Int, _ range: ClosedRange<Int>, _ flag: String) throws(ConfigError) {
            guard range.contains(value) else { throw ConfigError("--\(flag) must be between \(range.lowerBound) and \(range.upperBound), got \(value)") }
        }
        try within(s.problems, 1...1_000_000, "problems")
        try within(s.samples, 1...SearchOptions.maxSamples, "samples")
        try within(s.testProblems, 1...1_000_000, "test-problems")
        try within(s.steps, 1...10_000_000, "steps")
        try within(s.batchSize, 1...1_000_000, "batch-size")
        try within(s.evalEvery, 1...10_000_000, "eval-every")
        try within(request.checkpointEvery, 1...10_000_000, "checkpoint-every")
        if let w = request.workers { try within(w, 1...1024, "workers") }
        guard s.temperature.isFinite, s.temperature > 0, s.temperature <= 100 else {
            throw ConfigError("--temperature must be a finite number > 0 and at most 100 (a verifier learns from varied samples), got \(s.temperature)")
        }
        guard s.learningRate.isFinite, s.learningRate > 0 else { throw ConfigError("--learning-rate must be a positive finite number, got \(s.learningRate)") }
        guard !s.hidden.isEmpty, s.hidden.count <= 8, s.hidden.allSatisfy({ (1...4096).contains($0) }) else {
            throw ConfigError("--hidden must be 1 to 8 widths between 1 and 4096, got \(s.hidden.map(String.init).joined(separator: ","))")
        }
    }

    /// Splits `arguments` into this command's flags (applied and checked)
    /// and the rest, the environment's; an eval flag without meaning here
    /// is refused.
    public static func parse(_ arguments: [String], environmentFlags: [(name: String, takesValue: Bool)]) throws -> (Request, [String]) {
        var own: [String] = [], rest: [String] = []
        let names = Set(options.map(\.name))
        var i = 0
        while i < arguments.count {
            let token = arguments[i]
            let name = token.hasPrefix("--") ? String(token.dropFirst(2).prefix { $0 != "=" }) : ""
            let hasInlineValue = token.contains("=")
            if names.contains(name) {
                own.append(token)
                if !hasInlineValue, options.first(where: { $0.name == name })?.valueName != nil, i + 1 < arguments.count {
                    own.append(arguments[i + 1])
                    i += 1
                }
            } else {
                if refused.contains(name) { throw ConfigError("--\(name) is a flag of rltrain eval, not of rltrain train-verifier") }
                rest.append(token)
                if !hasInlineValue, environmentFlags.first(where: { $0.name == name })?.takesValue == true, i + 1 < arguments.count {
                    rest.append(arguments[i + 1])
                    i += 1
                }
            }
            i += 1
        }
        var request = Request()
        try options.apply(own, to: &request, context: "rltrain train-verifier")
        try validate(request)
        request.settings.environmentArguments = rest
        return (request, rest)
    }

    /// Checks `arguments` before any run is read: this command's own flags
    /// (every environment's flags are checked once the run's is known).
    public static func checkOwnArguments(_ arguments: [String]) throws {
        var all: [(name: String, takesValue: Bool)] = []
        for environment in EnvironmentRegistry.all { all += environment.evaluationFlagNames }
        _ = try parse(arguments, environmentFlags: all)
    }

    /// Checks `arguments` for runs of `environment`: what a sweep does before it starts.
    public static func check(_ arguments: [String], for environment: any EnvironmentSettings.Type) throws {
        let (_, rest) = try parse(arguments, environmentFlags: environment.evaluationFlagNames)
        _ = try environment.evaluationRequest(rest)
    }

    public static let columns = ["step", "loss", "test_loss", "test_accuracy", "test_auc"]

    /// Trains (or continues) the verifier of the run in `directory`.
    public static func train(
        _ directory: RunDirectory, arguments: [String], console: Console, shouldStop: @escaping @Sendable () -> Bool = { false }
    ) throws -> Outcome {
        let record = try RunRecord.read(from: directory)
        return try train(record.config.environment, config: record.config, directory: directory, arguments: arguments,
                         console: console, shouldStop: shouldStop)
    }

    private static func train<S: EnvironmentSettings>(
        _ environment: S, config: RunConfig, directory: RunDirectory, arguments: [String], console: Console,
        shouldStop: @escaping @Sendable () -> Bool
    ) throws -> Outcome {
        let seed = config.ppo.seed
        let (request, environmentArguments) = try parse(arguments, environmentFlags: S.evaluationFlagNames)
        let evaluation = try S.evaluationRequest(environmentArguments)
        let settings = request.settings
        guard let trainStarts = try environment.searchProblems(evaluation, count: settings.problems, heldOut: false, seed: seed),
              let testStarts = try environment.searchProblems(evaluation, count: settings.testProblems, heldOut: true, seed: seed)
        else {
            throw ConfigError("\(S.name) runs have no verifier: this environment offers no test-time search")
        }
        let existing = try VerifierRecord.read(from: directory)
        if let existing {
            guard existing.settings == settings else {
                throw ConfigError("\(VerifierRecord.path(directory)) was trained with other settings (\(describe(existing.settings))); remove it and \(VerifierRecord.log) to train anew")
            }
            if existing.isFinished, let metrics = existing.heldOut {
                console.line("the verifier of \(directory.path) is already trained (\(existing.state.step) steps)")
                report(metrics, console: console)
                return .alreadyFinished
            }
        }
        let actor = try RunEvaluation.loadActor(directory, config: config, as: S.Env.self)
        let workers = request.workers ?? ProcessInfo.processInfo.activeProcessorCount
        let root = RNG(seed: seed)
        let temperature = Float(settings.temperature)
        console.line("verifier for \(directory.path): \(settings.problems) training problems × \(settings.samples) samples at temperature \(String(format: "%g", settings.temperature))"
            + (environmentArguments.isEmpty ? "" : " (\(environmentArguments.joined(separator: " ")))")
            + (existing.map { ", continuing from step \($0.state.step)" } ?? ""))
        let train = try SolutionSampler.play(
            trainStarts, samples: settings.samples, temperature: temperature, actor: actor, policyRNG: root.stream("verifier-policy"),
            keepObservations: true, workers: workers)
        let test = try SolutionSampler.play(
            testStarts, samples: settings.samples, temperature: temperature, actor: actor, policyRNG: root.stream("verifier-test-policy"),
            keepObservations: true, workers: workers)
        let first = trainStarts[0]
        var state = existing?.state ?? {
            var init_ = root.stream("verifier-init")
            return VerifierFit.State(
                verifier: Verifier(observationSize: first.observationSize, actionCount: first.actionCount, hidden: settings.hidden, rng: &init_),
                learningRate: Float(settings.learningRate))
        }()
        guard state.verifier.observationSize == first.observationSize, state.verifier.actionCount == first.actionCount else {
            throw ConfigError("\(VerifierRecord.path(directory)) reads \(state.verifier.observationSize) observation floats and \(state.verifier.actionCount) actions, this run's environment has \(first.observationSize) and \(first.actionCount)")
        }
        let trainData = data(train, verifier: state.verifier), testData = data(test, verifier: state.verifier)
        if existing == nil {
            let sampledSteps = (train + test).joined().reduce(0) { $0 + $1.actions.count }
            state.flops = Double(sampledSteps) * actor.forwardFLOPs(batch: 1)
        }
        console.line(String(
            format: "sampled %d training solutions (%@ right, %d steps) and %d held-out ones (%@ right) from %d held-out problems",
            trainData.solutions, Console.percent(trainData.rightFraction), trainData.steps, testData.solutions,
            Console.percent(testData.rightFraction), settings.testProblems))

        let logPath = directory.file(VerifierRecord.log)
        let csv: CSVWriter
        if let existing, FileManager.default.fileExists(atPath: logPath) {
            csv = try CSVWriter(resuming: logPath, columns: columns, keepingRows: existing.csvRows)
        } else {
            csv = try CSVWriter(creating: logPath, columns: columns)
            let m = testMetrics(state.verifier, testData)
            try csv.append(["step": .int(0), "test_loss": .double(m.loss), "test_accuracy": .double(m.accuracy), "test_auc": CSVField(m.auc)])
        }
        defer { csv.close() }

        func checkpoint(_ state: VerifierFit.State, heldOut: VerifierMetrics? = nil) throws {
            try csv.sync()
            try VerifierRecord(settings: settings, state: state, csvRows: csv.rowCount, heldOut: heldOut).write(to: directory)
        }
        let finished = try VerifierFit.fit(
            &state, data: trainData, steps: settings.steps, batchSize: settings.batchSize, rng: root.stream("verifier-shuffle"),
            shouldStop: shouldStop
        ) { progress, state in
            var row: [String: CSVField] = ["step": .int(progress.step), "loss": .double(progress.loss)]
            if progress.step % settings.evalEvery == 0 || progress.step == settings.steps {
                let m = testMetrics(state.verifier, testData)
                row.merge(["test_loss": .double(m.loss), "test_accuracy": .double(m.accuracy), "test_auc": CSVField(m.auc)]) { $1 }
                console.status(String(
                    format: "step %d/%d │ loss %.4f │ held-out loss %.4f │ accuracy %@ │ AUC %@", progress.step, settings.steps, progress.loss,
                    m.loss, Console.percent(m.accuracy), m.auc.map { String(format: "%.3f", $0) } ?? "–"), persist: true)
            }
            try csv.append(row)
            if progress.step % request.checkpointEvery == 0 && progress.step < settings.steps { try checkpoint(state) }
        }
        console.finishStatus()
        guard finished else {
            try checkpoint(state)
            console.line("stopped after step \(state.step) of \(settings.steps); `rltrain train-verifier \(directory.path)` with the same flags continues")
            return .interrupted
        }
        let metrics = heldOutMetrics(state.verifier, test, testData, settings: settings)
        try checkpoint(state, heldOut: metrics)
        report(metrics, console: console)
        console.line("wrote \(directory.path)/{\(VerifierRecord.file), \(VerifierRecord.log)}")
        return .finished
    }

    static func data<Env: Environment>(_ solutions: [[SampledSolution<Env>]], verifier: Verifier) -> VerifierFit.Data {
        var data = VerifierFit.Data(inputSize: verifier.inputSize)
        for problem in solutions {
            for s in problem { data.append(observations: s.observations, actions: s.actions, right: s.isCorrect, verifier: verifier) }
        }
        return data
    }

    static func testMetrics(_ verifier: Verifier, _ data: VerifierFit.Data) -> (loss: Double, accuracy: Double, auc: Double?, scores: [Double]) {
        let all = VerifierFit.scores(verifier, data: data)
        let probabilities = all.map(\.logProbability), ranks = all.map(\.weakestStep)
        let threshold = Foundation.log(0.5)
        let agree = zip(probabilities, data.labels).filter { ($0 > threshold) == $1 }.count
        return (VerifierFit.loss(scores: probabilities, labels: data.labels), Double(agree) / Double(max(1, all.count)),
                ROC.auc(scores: ranks, labels: data.labels), ranks)
    }

    static func heldOutMetrics<Env: Environment>(
        _ verifier: Verifier, _ solutions: [[SampledSolution<Env>]], _ data: VerifierFit.Data, settings: VerifierSettings
    ) -> VerifierMetrics {
        let m = testMetrics(verifier, data)
        var at = 0, best = 0, covered = 0
        for problem in solutions {
            let scores = Array(m.scores[at..<(at + problem.count)])
            at += problem.count
            if problem[SampleSelection.bestIndex(scores)].isCorrect { best += 1 }
            if problem.contains(where: \.isCorrect) { covered += 1 }
        }
        let n = Double(max(1, solutions.count))
        return VerifierMetrics(
            problems: solutions.count, samples: settings.samples, rightFraction: data.rightFraction, loss: m.loss, accuracy: m.accuracy,
            auc: m.auc, bestOfN: Double(best) / n, single: data.rightFraction, coverage: Double(covered) / n)
    }

    static func report(_ m: VerifierMetrics, console: Console) {
        console.line(String(
            format: "verifier on %d samples of %d held-out problems (%@ right): AUC %@, accuracy %@; best of %d by the verifier %@ exact match, one sample %@, pass@%d %@ (coverage, an upper bound)",
            m.problems * m.samples, m.problems, Console.percent(m.rightFraction), m.auc.map { String(format: "%.3f", $0) } ?? "–",
            Console.percent(m.accuracy), m.samples, Console.percent(m.bestOfN), Console.percent(m.single), m.samples, Console.percent(m.coverage)))
    }

    static func describe(_ s: VerifierSettings) -> String {
        "--problems \(s.problems) --samples \(s.samples) --temperature \(String(format: "%g", s.temperature)) --test-problems \(s.testProblems) --steps \(s.steps) --batch-size \(s.batchSize) --learning-rate \(String(format: "%g", s.learningRate)) --hidden \(s.hidden.map(String.init).joined(separator: ",")) --eval-every \(s.evalEvery)"
            + (s.environmentArguments.isEmpty ? "" : " " + s.environmentArguments.joined(separator: " "))
    }
}
