import RL
import Environments

/// The gridworld's part of a run: episode length and path efficiency columns.
struct GridworldReporting: RunReporting {
    typealias E = GridworldEnvironment

    func prepare(_ trainer: inout PPOTrainer<E>, directory: RunDirectory, console: Console) throws -> [String: CSVField] { [:] }

    func extraFields(_ trainer: PPOTrainer<E>, _ metrics: UpdateMetrics, isLast: Bool) throws -> [String: CSVField] {
        [
            "episode_length": CSVField(measured: metrics.episodeLengthMean),
            "path_efficiency": CSVField(measured: metrics.episodeMetrics["path_efficiency"]),
        ]
    }

    func status(_ metrics: UpdateMetrics, _ fields: [String: CSVField]) -> String {
        let ret = metrics.episodicReturnMean.isFinite ? String(format: "%.3f", metrics.episodicReturnMean) : "–"
        return "return \(ret) │ success \(Console.percent(metrics.successRate))"
    }

    func finish(_ trainer: PPOTrainer<E>, directory: RunDirectory, console: Console) throws {}
}
