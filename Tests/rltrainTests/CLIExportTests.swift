import Foundation
import XCTest
import TestSupport
import ExperimentsTestSupport

/// `rltrain export`: a language-model run's safetensors reproduce its logits
/// in numpy to 1e-4 (Benchmarks/language-model/check_export.py); other runs
/// and non-runs are refused in one line.
final class CLIExportTests: RLTrainProcessTestCase {
    func testSafetensorsReproduceTheLogitsInNumpy() throws {
        let dir = try TemporaryDirectory()
        let train = try run(["--env", "arithmetic", "--policy", "transformer", "--layers", "2", "--d-model", "32",
                             "--sft-steps", "20", "--rl-steps", "2", "--eval-problems", "10", "--runs-dir", dir.path,
                             "--run-name", "lm", "--quiet"], in: dir)
        XCTAssertEqual(train.status, 0, train.stderr)
        let export = try run(["export", dir.file("lm")], in: dir)
        XCTAssertEqual(export.status, 0, export.stderr)
        for name in ["model.safetensors", "config.json", "check.json"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir.file("lm/export/\(name)")), name)
        }
        let numpy = Process()
        numpy.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        numpy.arguments = ["python3", "-c", "import numpy"]
        numpy.standardError = FileHandle.nullDevice
        try numpy.run()
        numpy.waitUntilExit()
        try XCTSkipIf(numpy.terminationStatus != 0, "python3 with numpy is not installed: the numpy check is skipped")
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../Benchmarks/language-model/check_export.py").standardized.path
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", script, dir.file("lm/export")]
        let output = Pipe()
        check.standardOutput = output
        try check.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        check.waitUntilExit()
        XCTAssertEqual(check.terminationStatus, 0, text)
        XCTAssertTrue(text.contains("largest difference from rltrain's"), text)
    }

    func testExportRefusesOtherRunsInOneLine() throws {
        let dir = try TemporaryDirectory()
        XCTAssertEqual(try run(Self.tinyArguments(.gridworld, runsDir: dir.path, name: "grid", updates: 2), in: dir).status, 0)
        try assertBadInput(["export", dir.file("grid")], "trained an MLP policy; export writes language-model runs", in: dir)
        try assertBadInput(["export", dir.file("missing")], "is not a run directory", in: dir)
        try assertBadInput(["export", dir.file("grid"), "--format", "onnx"], "'onnx' is invalid for '--format", in: dir)
    }
}
