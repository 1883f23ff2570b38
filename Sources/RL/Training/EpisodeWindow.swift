/// The last 100 finished training episodes, oldest first: what
/// `episodic_return_mean`, `success_rate` and the environment's episode
/// metrics average over. Until 100 episodes have finished it averages over
/// those there are (as Stable-Baselines3's `ep_info_buffer` does), and it is
/// empty — every mean NaN — before the first.
public struct EpisodeWindow: Sendable, Equatable {
    public static let capacity = 100
    public private(set) var episodes: [EpisodeSummary]

    public init(_ episodes: [EpisodeSummary] = []) {
        self.episodes = Array(episodes.suffix(Self.capacity))
    }

    mutating func append(contentsOf finished: [EpisodeSummary]) {
        episodes.append(contentsOf: finished)
        if episodes.count > Self.capacity { episodes.removeFirst(episodes.count - Self.capacity) }
    }

    /// Writes the window's means into `metrics`.
    func summarise(into metrics: inout UpdateMetrics) {
        guard !episodes.isEmpty else { return }
        let n = Double(episodes.count)
        metrics.episodicReturnMean = episodes.reduce(0) { $0 + $1.episodicReturn } / n
        metrics.successRate = Double(episodes.filter(\.success).count) / n
        metrics.episodeLengthMean = Double(episodes.reduce(0) { $0 + $1.length }) / n
        var sums: [String: (Double, Int)] = [:]
        for episode in episodes {
            for (key, value) in episode.metrics {
                let (s, c) = sums[key] ?? (0, 0)
                sums[key] = (s + value, c + 1)
            }
        }
        metrics.episodeMetrics = sums.mapValues { $0.0 / Double($0.1) }
    }
}
