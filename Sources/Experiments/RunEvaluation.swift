import Foundation
import NN
import RL
import Environments

/// `rltrain eval`: reloads a run's actor from its checkpoint and measures it
/// on fresh problems or episodes, appending a row to the run's `eval.csv`.
public enum RunEvaluation {
    public struct ArithmeticRequest: Sendable {
        public var problems = 1000
        public var digits: Int? = nil
        public var thinkBudget: Int? = nil
        public var samples = 1
        public var show = 0
        public init() {}
    }

    public struct GridworldRequest: Sendable {
        public var episodes = 100
        public var greedy = true
        public init() {}
    }

    /// The run's record and its trained actor.
    public static func load<E: Environment>(_ directory: RunDirectory, as: E.Type) throws -> (RunRecord, MLP) {
        let record = try RunRecord.read(from: directory)
        guard FileManager.default.fileExists(atPath: directory.checkpoint) else {
            throw ConfigFileError("\(directory.path) has no checkpoint yet: nothing to evaluate")
        }
        return (record, try CheckpointPayload<E>.read(from: directory).state.actor.network)
    }

    public static func arithmetic(_ directory: RunDirectory, _ request: ArithmeticRequest, console: Console) throws -> ArithmeticEvaluation {
        let (record, actor) = try load(directory, as: ArithmeticEnvironment.self)
        let config = record.config
        let digits = request.digits ?? config.arithmetic.environment.digits.upperBound
        let evaluator = ArithmeticEvaluator(config: config.arithmetic.environment)
        let result = try evaluator.evaluate(
            actor: actor, seed: config.ppo.seed, problems: request.problems, digits: digits,
            thinkBudget: request.thinkBudget, samples: request.samples, traces: request.show)
        for trace in result.traces { console.line(trace.description) }
        console.line(String(
            format: "%d-digit problems, think budget %d, %d sample%@: %@ exact match (%d problems), %.2f think tokens per problem",
            result.digits, result.thinkBudget, result.samples, result.samples == 1 ? " (greedy)" : "s (majority vote)",
            Console.percent(result.accuracy), result.problems, result.thinkTokensPerProblem))
        console.line("per-column accuracy, units first: " + result.columnAccuracy.map(Console.percent).joined(separator: " "))
        try EvaluationLog.appendArithmetic([result], stage: "eval", to: directory)
        return result
    }

    public static func gridworld(_ directory: RunDirectory, _ request: GridworldRequest, console: Console) throws {
        let (record, actor) = try load(directory, as: GridworldEnvironment.self)
        let config = record.config
        var environment = GridworldEnvironment(map: try config.gridMap(), maxSteps: config.gridworld.maxSteps)
        var inference = PolicyInference(network: actor)
        let root = RNG(seed: config.ppo.seed)
        var environmentRNG = root.stream("eval-environment")
        var policyRNG = root.stream("eval-policy")
        var observation = [Float](repeating: 0, count: environment.observationSize)
        var mask = [Bool](repeating: true, count: environment.actionCount)
        var successes = 0, returns = 0.0, lengths = 0, efficiencies: [Double] = []
        for _ in 0..<request.episodes {
            environment.reset(rng: &environmentRNG)
            while true {
                environment.writeObservation(into: &observation)
                environment.writeActionMask(into: &mask)
                let action = inference.act(observation: observation, mask: mask, greedy: request.greedy, rng: &policyRNG)
                if environment.step(action, rng: &environmentRNG).episodeEnded { break }
            }
            let summary = environment.episodeSummary()
            if summary.success { successes += 1 }
            returns += summary.episodicReturn
            lengths += summary.length
            if let e = summary.metrics["path_efficiency"] { efficiencies.append(e) }
        }
        let n = Double(request.episodes)
        let efficiency = efficiencies.isEmpty ? Double.nan : efficiencies.reduce(0, +) / Double(efficiencies.count)
        console.line(String(
            format: "%d episodes (%@): success rate %@, path efficiency %@, mean return %.3f, mean length %.1f",
            request.episodes, request.greedy ? "greedy" : "sampled", Console.percent(Double(successes) / n),
            efficiency.isFinite ? String(format: "%.3f", efficiency) : "–", returns / n, Double(lengths) / n))
        try EvaluationLog.appendGridworld([
            "episodes": .int(request.episodes), "greedy": .text(request.greedy ? "true" : "false"),
            "success_rate": .double(Double(successes) / n), "path_efficiency": CSVField(measured: efficiency),
            "return_mean": .double(returns / n), "episode_length": .double(Double(lengths) / n), "stage": .text("eval"),
        ], to: directory)
    }
}
