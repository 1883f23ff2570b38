import Foundation
import XCTest
import TestSupport
import ExperimentsTestSupport
import Experiments
@testable import RunStorage

/// A run's progress.csv columns as TensorBoard scalars: the tags they get,
/// and event files written, cut by a kill and resumed, read back with
/// TensorBoard's own reader (skipped without Python's tensorboard package).
final class TensorBoardProgressTests: XCTestCase {
    // MARK: Tags

    func testTagsForProgressColumns() {
        let columns = ProgressColumns.all(for: TestEnvironment.gridworld.type)
        let tags = Dictionary(uniqueKeysWithValues: TensorBoardTags.tags(for: columns).map { ($0.column, $0.tag) })
        XCTAssertNil(tags["env_steps"], "the step is not a scalar")
        XCTAssertEqual(tags.count, columns.count - 1)
        XCTAssertEqual(tags["episodic_return_mean"], "charts/episodic_return_mean")
        XCTAssertEqual(tags["success_rate"], "charts/success_rate")
        XCTAssertEqual(tags["learning_rate"], "charts/learning_rate")
        XCTAssertEqual(tags["sps"], "charts/sps")
        XCTAssertEqual(tags["path_efficiency"], "charts/path_efficiency")
        for loss in ["policy_loss", "value_loss", "entropy", "approx_kl", "clipfrac", "explained_variance"] {
            XCTAssertEqual(tags[loss], "losses/" + loss)
        }
        XCTAssertEqual(tags["wall_seconds"], "time/wall_seconds")
        XCTAssertEqual(tags["flops"], "time/flops")
        // Any environment's columns, including ones this mapping has never heard of.
        XCTAssertEqual(TensorBoardTags.tags(for: ["accuracy", "new_metric"]).map(\.tag), ["charts/accuracy", "charts/new_metric"])
    }

    // MARK: Read back by TensorBoard

    /// Writes a run, interrupts it (with a half-written record), resumes it,
    /// and reads the directory with TensorBoard's own reader.
    func testTensorBoardReadsRunWithoutDuplicateSteps() throws {
        let python = try tensorBoardPython()
        let dir = try TemporaryDirectory()
        let columns = ProgressColumns.all(for: TestEnvironment.gridworld.type)
        let tags = TensorBoardTags.tags(for: columns)
        func row(_ update: Int, attempt: Double) -> [String: CSVField] {
            [
                "update": .int(update), "env_steps": .int(update * 512), "episodes": .int(update * 3),
                "episodic_return_mean": .double(Double(update) / 10 + attempt),
                "success_rate": update == 0 ? .missing : .double(0.5),
                "policy_loss": .double(-0.01 * Double(update)), "value_loss": .double(.nan),
                "learning_rate": .double(2.5e-4), "path_efficiency": .float(0.75),
            ]
        }
        let first = try TensorBoardWriter(directory: dir.path)
        for update in 0...7 {
            let r = row(update, attempt: 0)
            try first.append(step: try XCTUnwrap(TensorBoardTags.step(r)), scalars: TensorBoardTags.scalars(r, tags: tags))
        }
        first.close()
        // Killed while writing update 8's event; the checkpoint had kept update 5.
        let partial = TFRecord.frame(TensorBoardEvent.scalars(step: 8 * 512, wallTime: 0, [("charts/episodic_return_mean", 9)]))
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: first.path))
        handle.seekToEndOfFile()
        handle.write(Data(partial.prefix(partial.count - 3)))
        handle.closeFile()

        let resumed = try TensorBoardWriter(resuming: dir.path, firstStep: 5 * 512 + 1)
        for update in 6...9 {
            let r = row(update, attempt: 100)
            try resumed.append(step: try XCTUnwrap(TensorBoardTags.step(r)), scalars: TensorBoardTags.scalars(r, tags: tags))
        }
        try resumed.sync()
        resumed.close()

        let read = try readWithTensorBoard(dir.path, python: python)
        let files = try XCTUnwrap(read["files"] as? [[String: Any]])
        XCTAssertEqual(files.map { $0["name"] as? String }, try dir.contents())
        XCTAssertEqual(files.count, 2)
        for file in files {
            XCTAssertEqual(file["file_version"] as? String, "brain.Event:2")
        }
        XCTAssertEqual(files[0]["steps"] as? [Int], (0...5).map { $0 * 512 })
        XCTAssertEqual(files[1]["steps"] as? [Int], (6...9).map { $0 * 512 })

        let scalars = try XCTUnwrap(read["scalars"] as? [String: [[Double]]])
        XCTAssertEqual(Set(scalars.keys), [
            "time/update", "time/episodes", "charts/episodic_return_mean", "charts/success_rate",
            "losses/policy_loss", "charts/learning_rate", "charts/path_efficiency",
        ])
        let returns = try XCTUnwrap(scalars["charts/episodic_return_mean"])
        XCTAssertEqual(returns.map { Int($0[0]) }, (0...9).map { $0 * 512 }, "each step once, in order")
        for (update, point) in zip(0..., returns) {
            let expected = Float(Double(update) / 10 + (update <= 5 ? 0 : 100))
            XCTAssertEqual(Float(point[1]), expected, "update \(update)")
        }
        XCTAssertEqual(scalars["charts/success_rate"]?.map { Int($0[0]) }, (1...9).map { $0 * 512 }, "update 0 has no success rate")
        XCTAssertEqual(scalars["losses/policy_loss"]?.map { Float($0[1]) }, (0...9).map { Float(-0.01 * Double($0)) })
        XCTAssertEqual(scalars["charts/learning_rate"]?.map { Float($0[1]) }, [Float](repeating: 2.5e-4, count: 10))
    }

    /// `python3` (or $PYTHON) if it can import TensorBoard; otherwise the test is skipped.
    private func tensorBoardPython() throws -> String {
        let python = ProcessInfo.processInfo.environment["PYTHON"] ?? "python3"
        let (status, _, _) = try run(python, ["-c", "import tensorboard"])
        guard status == 0 else {
            throw XCTSkip("Python's tensorboard package is missing; install it with `pip install tensorboard` to read event files back")
        }
        return python
    }

    private func readWithTensorBoard(_ directory: String, python: String) throws -> [String: Any] {
        let (status, output, errors) = try run(python, ["-c", Self.readerScript, directory])
        guard status == 0 else {
            XCTFail("TensorBoard's reader failed (\(status)): \(errors)")
            return [:]
        }
        return try XCTUnwrap(JSONSerialization.jsonObject(with: output) as? [String: Any])
    }

    /// Reads every event file strictly (any damaged or cut record raises),
    /// then the directory as TensorBoard's scalar dashboard does.
    private static let readerScript = """
        import json, os, sys
        from tensorboard.backend.event_processing import event_accumulator
        from tensorboard.compat.proto import event_pb2
        from tensorboard.compat.tensorflow_stub import errors, pywrap_tensorflow

        directory = sys.argv[1]
        files = []
        for name in sorted(os.listdir(directory)):
            reader = pywrap_tensorflow.PyRecordReader_New(os.path.join(directory, name))
            events = []
            while True:
                try:
                    reader.GetNext()
                except errors.OutOfRangeError:
                    break
                events.append(event_pb2.Event.FromString(reader.record()))
            files.append({
                "name": name,
                "file_version": events[0].file_version if events else None,
                "steps": [e.step for e in events[1:]],
            })
        accumulator = event_accumulator.EventAccumulator(directory, size_guidance={event_accumulator.SCALARS: 0})
        accumulator.Reload()
        scalars = {tag: [[s.step, s.value] for s in accumulator.Scalars(tag)] for tag in accumulator.Tags()["scalars"]}
        print(json.dumps({"files": files, "scalars": scalars}))
        """

    /// Runs `executable` (found on PATH) with its output going to files, so
    /// that neither pipe can fill and block it; gives up after 120 s.
    private func run(_ executable: String, _ arguments: [String]) throws -> (Int32, Data, String) {
        let scratch = try TemporaryDirectory()
        let out = scratch.file("stdout")
        let err = scratch.file("stderr")
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        process.standardOutput = FileHandle(forWritingAtPath: out)
        process.standardError = FileHandle(forWritingAtPath: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            XCTFail("\(executable) did not finish within 120 s")
        }
        process.waitUntilExit()
        return (process.terminationStatus, (try? Data(contentsOf: URL(fileURLWithPath: out))) ?? Data(),
                (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
    }
}
