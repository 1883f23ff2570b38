import Foundation
import XCTest
import RL
import Environments
import TestSupport
import ExperimentsTestSupport
@testable import Experiments
@testable import RunStorage

/// progress.csv's `episodic_return_mean` and `success_rate` are over up to
/// the last 100 finished episodes, as the README's column table says: in the
/// first rows of a run, over the fewer that have finished.
final class EpisodeWindowColumnsTests: XCTestCase {
    func testFirstRowsAverageOverFewerThanAHundredEpisodes() throws {
        let dir = try TemporaryDirectory()
        let config = RunFixtures.config(.gridworld, runsDir: dir.path, name: "window")
        let (directory, outcome) = try TrainingRun.start(config, options: RunFixtures.quiet(stopAfter: 1))
        XCTAssertEqual(outcome, .interrupted)
        let table = try CSVTable(path: directory.progress)
        XCTAssertEqual(table.rows.count, 2)
        let episodes = try XCTUnwrap(try table.doubles("episodes")[1])
        XCTAssertGreaterThan(episodes, 0)
        XCTAssertLessThan(episodes, 100, "the tiny run's first update should finish fewer than 100 episodes")
        XCTAssertNil(try table.doubles("success_rate")[0], "row 0: no episode yet, an empty field")

        // The checkpoint's window holds every episode so far, and row 1 is their mean.
        let payload = try JSONDecoder().decode(
            CheckpointPayload<GridworldEnvironment>.self, from: try Checkpoint.read(from: directory.checkpoint))
        let window = payload.state.recentEpisodes
        XCTAssertEqual(Double(window.count), episodes)
        let returns = window.reduce(0) { $0 + $1.episodicReturn } / Double(window.count)
        let successes = Double(window.filter(\.success).count) / Double(window.count)
        XCTAssertEqual(try table.doubles("episodic_return_mean")[1], returns)
        XCTAssertEqual(try table.doubles("success_rate")[1], successes)
    }
}
