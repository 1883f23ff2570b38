import RL
import NN
import RunStorage

/// The gridworld's part of a training run: episode length and path
/// efficiency columns (the progress line, threshold and panels are the
/// defaults of `EnvironmentSettings`).
extension GridworldSettings {
    public static var progressColumns: [String] { ["episode_length", "path_efficiency"] }

    public func progressFields<N: PolicyNetwork>(_ trainer: Trainer<Env, N>, _ metrics: UpdateMetrics, isLast: Bool, run: RunContext) throws -> [String: CSVField] {
        [
            "episode_length": CSVField(measured: metrics.episodeLengthMean),
            "path_efficiency": CSVField(measured: metrics.episodeMetrics["path_efficiency"]),
        ]
    }

    public static var summaryMetrics: [String] { ["success_rate", "episodic_return_mean", "episode_length", "path_efficiency"] }
    public static var unitIntervalMetrics: Set<String> { ["success_rate", "path_efficiency"] }
}
