import Foundation
import NN
import RL
import RunStorage

/// What sampling several solutions per problem and choosing one measured.
public struct SearchOutcome<Env: Environment>: Sendable {
    public var options: SearchOptions
    /// Every sample of every problem, in problem order.
    public var solutions: [[SampledSolution<Env>]]
    /// For each problem, the index of the chosen sample: the majority's or
    /// the verifier's pick; with the oracle a right sample if there is one
    /// (else the majority's).
    public var chosen: [Int]
    /// pass@N: the fraction of problems with at least one right sample.
    /// Coverage — an upper bound on any way of choosing, not an accuracy.
    public var coverage: Double
    /// Exact match of single samples (over problems × samples).
    public var sampleAccuracy: Double
    /// Exact match of the chosen answers; nil for the oracle, whose "choice"
    /// needs the answer key.
    public var accuracy: Double?
    /// Area under the ROC curve of the verifier's ranking score (the weakest
    /// step) over every sample
    /// (nil without a verifier, or when all samples agree in rightness).
    public var verifierAUC: Double?
    /// Inference FLOPs per problem: the policy's forward passes over every
    /// sampled step, and the verifier's.
    public var testFLOPs: Double

    public var chosenSolutions: [SampledSolution<Env>] { zip(solutions, chosen).map { $0[$1] } }
    public var problems: Int { solutions.count }

    /// `16 samples at temperature 1, best of 16 by the verifier` (or `greedy`).
    public var methodText: String {
        let o = options
        if o.isGreedy && o.select != .oracle { return "greedy" }
        let sampling = "\(o.samples) sample\(o.samples == 1 ? "" : "s") at temperature \(Self.number(o.effectiveTemperature))"
        switch o.select {
        case .majority: return o.samples == 1 ? sampling : sampling + ", majority vote"
        case .verifier: return sampling + ", best of \(o.samples) by the verifier"
        case .oracle: return sampling + ", oracle"
        }
    }

    /// `45.3% exact match …; pass@16 coverage 70.0% (an upper bound)`, or
    /// for the oracle only the coverage, said to be coverage.
    public var resultText: String {
        let pass = "pass@\(options.samples) = \(Console.percent(coverage)) of problems have a right answer among the samples (coverage, an upper bound — not accuracy)"
        guard let accuracy else { return pass }
        var text = "\(Console.percent(accuracy)) exact match"
        if !(options.isGreedy && options.select != .oracle) {
            text += options.samples > 1 ? "; one sample \(Console.percent(sampleAccuracy)), pass@\(options.samples) coverage \(Console.percent(coverage)) (an upper bound)" : ""
            if let verifierAUC { text += String(format: "; verifier AUC %.3f", verifierAUC) }
        }
        return text
    }

    /// eval.csv's search columns.
    public var csvFields: [String: CSVField] {
        [
            "samples": .int(options.samples),
            "temperature": .double(options.effectiveTemperature),
            "selection": .text(options.selectionLabel),
            "coverage": .double(coverage),
            "sample_accuracy": .double(sampleAccuracy),
            "verifier_auc": CSVField(verifierAUC),
            "test_flops": .double(testFLOPs),
        ]
    }

    static func number(_ x: Double) -> String { String(format: "%g", x) }
}

/// Test-time search over problems an environment supplies: sample, score
/// with the run's verifier if asked, choose.
public enum TestTimeSearch {
    /// eval.csv's columns for search, in order (environments place them).
    public static let columns = ["samples", "temperature", "selection", "coverage", "sample_accuracy", "verifier_auc", "test_flops"]

    /// Samples `options.samples` solutions of each problem in `starts` from
    /// `actor` at the options' temperature (sample s of problem i from
    /// `policyRNG.stream("problem", i).stream("sample", s)`), and chooses one
    /// per problem. `answer` is what majority voting compares. With
    /// `--select verifier` the verifier is the run's `verifier.bin`.
    public static func run<Env: Environment>(
        _ starts: [Env], _ options: SearchOptions, actor: some PolicyNetwork, policyRNG: RNG, directory: RunDirectory,
        answer: (Env) -> [UInt8]
    ) throws -> SearchOutcome<Env> {
        try options.validate()
        let verifier = options.select == .verifier ? try VerifierRecord.trained(in: directory) : nil
        // A verifier.bin copied from a run of another environment would read
        // steps of another width: refused here, before any step is written.
        if let verifier, let first = starts.first,
           verifier.observationSize != first.observationSize || verifier.actionCount != first.actionCount {
            throw ConfigError("\(VerifierRecord.path(directory)) reads \(verifier.observationSize) observation floats and \(verifier.actionCount) actions, this run's environment has \(first.observationSize) and \(first.actionCount)")
        }
        return try run(starts, options, actor: actor, verifier: verifier, policyRNG: policyRNG, answer: answer)
    }

    /// The same with the verifier given (tests, `rltrain train-verifier`'s own report).
    public static func run<Env: Environment>(
        _ starts: [Env], _ options: SearchOptions, actor: some PolicyNetwork, verifier: Verifier?, policyRNG: RNG,
        answer: (Env) -> [UInt8]
    ) throws -> SearchOutcome<Env> {
        guard !starts.isEmpty else { throw SearchError("no problems to search") }
        if options.select == .verifier && verifier == nil { throw SearchError("--select verifier needs a verifier") }
        let temperature = Float(options.effectiveTemperature)
        let solutions = try SolutionSampler.play(
            starts, samples: options.samples, temperature: temperature, actor: actor, policyRNG: policyRNG,
            verifier: options.select == .verifier ? verifier : nil,
            workers: options.workers ?? ProcessInfo.processInfo.activeProcessorCount)
        var chosen: [Int] = [], covered = 0, chosenRight = 0, sampleRight = 0, steps = 0
        var scores: [Double] = [], labels: [Bool] = []
        for problem in solutions {
            let majority = SampleSelection.majorityIndex(problem.map { answer($0.final) })
            let pick: Int
            switch options.select {
            case .majority: pick = majority
            case .verifier: pick = SampleSelection.bestIndex(problem.map { $0.verifierScore?.weakestStep ?? -.infinity })
            case .oracle: pick = problem.firstIndex(where: \.isCorrect) ?? majority
            }
            chosen.append(pick)
            if problem.contains(where: \.isCorrect) { covered += 1 }
            if problem[pick].isCorrect { chosenRight += 1 }
            sampleRight += problem.filter(\.isCorrect).count
            // Greedy plays one episode per problem and repeats it.
            let played = temperature == 0 ? Array(problem.prefix(1)) : problem
            steps += played.reduce(0) { $0 + $1.actions.count }
            for s in problem {
                if let score = s.verifierScore {
                    scores.append(score.weakestStep)
                    labels.append(s.isCorrect)
                }
            }
        }
        let n = Double(solutions.count)
        var flops = Double(steps) * actor.forwardFLOPs(batch: 1)
        if let verifier, options.select == .verifier { flops += verifier.scoringFLOPs(steps: steps) }
        return SearchOutcome(
            options: options, solutions: solutions, chosen: chosen,
            coverage: Double(covered) / n,
            sampleAccuracy: Double(sampleRight) / (n * Double(options.samples)),
            accuracy: options.select == .oracle ? nil : Double(chosenRight) / n,
            verifierAUC: scores.isEmpty ? nil : ROC.auc(scores: scores, labels: labels),
            testFLOPs: flops / n)
    }
}
