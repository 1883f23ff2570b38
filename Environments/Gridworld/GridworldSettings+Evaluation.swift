import Foundation
import NN
import RL
import RunStorage

/// `rltrain eval` on a gridworld run: fresh episodes, greedy or sampled.
extension GridworldSettings {
    public struct EvaluationRequest: Sendable, Equatable {
        public var episodes = 100
        public var greedy = true
        public init() {}
    }

    public static var defaultEvaluation: EvaluationRequest { EvaluationRequest() }

    public static var evaluationOptions: [CommandLineOption<EvaluationRequest>] {
        [
            .integer("episodes", \.episodes, help: "Gridworld: episodes to run (default 100)."),
            .flag("sample", \.greedy, setting: false, help: "Gridworld: sample actions instead of taking the most probable one."),
        ]
    }

    public static func validate(_ request: EvaluationRequest) throws(ConfigError) {
        guard (1...10_000_000).contains(request.episodes) else {
            throw ConfigError("--episodes must be between 1 and 10000000, got \(request.episodes)")
        }
    }

    public static var evaluationColumns: [String] {
        ["episodes", "greedy", "success_rate", "path_efficiency", "return_mean", "episode_length", "stage"]
    }

    /// Success rate, path efficiency, return and length over fresh episodes
    /// from the run's evaluation streams (the same episodes every call).
    public func evaluate(actor: some PolicyNetwork, _ request: EvaluationRequest, run: RunContext) throws {
        var environment = try makeEnvironment()
        var inference = PolicyInference(network: actor)
        let root = RNG(seed: run.seed)
        var environmentRNG = root.stream("eval-environment")
        var policyRNG = root.stream("eval-policy")
        var observation = [Float](repeating: 0, count: environment.observationSize)
        var mask = [Bool](repeating: true, count: environment.actionCount)
        var successes = 0, returns = 0.0, lengths = 0, efficiencies: [Double] = []
        for _ in 0..<request.episodes {
            environment.reset(rng: &environmentRNG)
            while true {
                observation.withUnsafeMutableBufferPointer { environment.writeObservation(into: $0) }
                mask.withUnsafeMutableBufferPointer { environment.writeActionMask(into: $0) }
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
        run.console.line(String(
            format: "%d episodes (%@): success rate %@, path efficiency %@, mean return %.3f, mean length %.1f",
            request.episodes, request.greedy ? "greedy" : "sampled", Console.percent(Double(successes) / n),
            efficiency.isFinite ? String(format: "%.3f", efficiency) : "–", returns / n, Double(lengths) / n))
        try EvaluationLog.append([[
            "episodes": .int(request.episodes), "greedy": .text(request.greedy ? "true" : "false"),
            "success_rate": .double(Double(successes) / n), "path_efficiency": CSVField(measured: efficiency),
            "return_mean": .double(returns / n), "episode_length": .double(Double(lengths) / n), "stage": .text("eval"),
        ]], columns: Self.evaluationColumns, to: run.directory)
    }
}
