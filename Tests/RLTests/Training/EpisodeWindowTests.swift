import XCTest
import NN
@testable import RL

/// The window behind `episodic_return_mean`, `success_rate` and the episode
/// metrics: up to the last 100 finished episodes (Stable-Baselines3's
/// convention), so over fewer at the start of a run, and empty before the first.
final class EpisodeWindowTests: XCTestCase {
    private func episode(_ i: Int) -> EpisodeSummary {
        EpisodeSummary(episodicReturn: Double(i), length: i + 1, success: i % 4 == 0, metrics: i % 2 == 0 ? ["even": Double(i)] : [:])
    }

    private func summary(_ window: EpisodeWindow) -> UpdateMetrics {
        var metrics = UpdateMetrics()
        window.summarise(into: &metrics)
        return metrics
    }

    func testAveragesOverUpToTheLastHundred() {
        var window = EpisodeWindow()
        XCTAssertTrue(summary(window).episodicReturnMean.isNaN, "no episode yet: no mean")
        XCTAssertTrue(summary(window).successRate.isNaN)

        // 30 episodes (0…29): the means are over those 30, not over 100.
        window.append(contentsOf: (0..<30).map(episode))
        var m = summary(window)
        XCTAssertEqual(window.episodes.count, 30)
        XCTAssertEqual(m.episodicReturnMean, 14.5)  // mean of 0…29
        XCTAssertEqual(m.successRate, 8.0 / 30)  // 0, 4, …, 28
        XCTAssertEqual(m.episodeLengthMean, 15.5)
        XCTAssertEqual(m.episodeMetrics["even"], 14)  // mean of 0, 2, …, 28: only the episodes that have it

        // 100 more (30…129): the oldest 30 leave, the means are over 30…129.
        window.append(contentsOf: (30..<130).map(episode))
        m = summary(window)
        XCTAssertEqual(window.episodes.count, 100)
        XCTAssertEqual(window.episodes.first, episode(30))
        XCTAssertEqual(m.episodicReturnMean, 79.5)
        XCTAssertEqual(m.successRate, 25.0 / 100)  // 32, 36, …, 128
        XCTAssertEqual(m.episodeMetrics["even"], 79)

        // A checkpoint's list longer than the window keeps its last 100.
        XCTAssertEqual(EpisodeWindow((0..<250).map(episode)).episodes, (150..<250).map(episode))
    }

    /// In a run: the first updates finish fewer than 100 episodes, and their
    /// rows average over exactly those.
    func testFirstUpdatesAverageOverTheEpisodesSoFar() throws {
        var config = PPOConfig()
        config.numEnvs = 2
        config.numSteps = 16
        config.totalTimesteps = 40 * 32  // episodes last at most 12 steps: over 100 of them
        var trainer = Trainer<Corridor, MLP>(config: config, network: MLPSettings(hidden: [8])) { _ in Corridor() }
        var sawFewer = false, sawFull = false
        while !trainer.isFinished {
            let metrics = try trainer.update()
            let window = trainer.episodeWindow.episodes
            XCTAssertEqual(window.count, min(metrics.episodes, EpisodeWindow.capacity))
            if metrics.episodes < EpisodeWindow.capacity && metrics.episodes > 0 { sawFewer = true }
            if metrics.episodes >= EpisodeWindow.capacity { sawFull = true }
            guard !window.isEmpty else { continue }
            let mean = window.reduce(0) { $0 + $1.episodicReturn } / Double(window.count)
            XCTAssertEqual(metrics.episodicReturnMean, mean, "update \(metrics.update)")
            XCTAssertEqual(metrics.successRate, Double(window.filter(\.success).count) / Double(window.count))
        }
        XCTAssertTrue(sawFewer && sawFull, "the run should cross 100 episodes")
    }
}
