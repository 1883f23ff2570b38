#if canImport(Glibc)
import Glibc
#endif
import Foundation
import XCTest
import RL
import Environments
import TestSupport
import ExperimentsTestSupport
@testable import Experiments
@testable import RunStorage

/// A NaN in training, an unwritable run directory and a full disk: exit 1
/// with one clear line, and the files written before stay whole.
final class CLINumericsAndDiskTests: RLTrainProcessTestCase {
    /// A poisoned reward (a think cost of 1e30 per token) overflows the losses:
    /// exit 1, the update and quantity named, the last good checkpoint kept.
    func testNonFiniteLossExits1AndKeepsTheCheckpoint() throws {
        let dir = try TemporaryDirectory()
        let arguments = Self.tinyArguments(.arithmetic, runsDir: dir.path, name: "nan") + ["--think-cost", "1e30"]
        try assertBadInput(arguments, "became NaN or infinite in update 1", in: dir, status: 1)
        let directory = RunDirectory(path: dir.file("nan"))
        XCTAssertEqual(try RunFixtures.completedUpdates(directory.checkpoint), 0)
        try checkRunDirectory(directory.path, env: .arithmetic, context: "nan")
        // It resumes from that checkpoint, and deterministically meets the same NaN.
        try assertBadInput(["--resume", directory.path], "became NaN or infinite in update 1", in: dir, status: 1)
        XCTAssertEqual(try RunFixtures.completedUpdates(directory.checkpoint), 0)
    }

    func testUnwritableRunDirectory() throws {
        let dir = try TemporaryDirectory()
        let blocker = dir.file("a-file")
        try Data("x".utf8).write(to: URL(fileURLWithPath: blocker))
        var arguments = Self.tinyArguments(.gridworld, runsDir: blocker + "/runs", name: "x")
        try assertBadInput(arguments, "cannot create directory", in: dir, status: 1)
        arguments = Self.tinyArguments(.gridworld, runsDir: "/proc/rltrain-test", name: "x")
        try assertBadInput(arguments, "cannot create directory", in: dir, status: 1)
    }

    /// A full disk, simulated with a small tmpfs (needs root; skipped otherwise).
    func testFullDiskStopsWithAClearErrorAndKeepsEarlierFiles() throws {
        let dir = try TemporaryDirectory()
        let mountPoint = dir.file("small-disk")
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        let mount = Process()
        mount.executableURL = URL(fileURLWithPath: "/bin/mount")
        mount.arguments = ["-t", "tmpfs", "-o", "size=4m", "tmpfs", mountPoint]
        mount.standardError = FileHandle.nullDevice
        try mount.run()
        mount.waitUntilExit()
        guard mount.terminationStatus == 0 else { throw XCTSkip("cannot mount a tmpfs here (needs root)") }
        defer {
            let umount = Process()
            umount.executableURL = URL(fileURLWithPath: "/bin/umount")
            umount.arguments = [mountPoint]
            try? umount.run()
            umount.waitUntilExit()
        }
        let expected = try reference(.gridworld, dir)
        let directory = RunDirectory(path: mountPoint + "/full")
        // A run stopped after 4 updates, in process (a SIGINT raced the tiny
        // run to its end), configured as `tinyArguments` (the comparison with
        // the CLI reference run below checks that the two agree).
        let config = RunFixtures.config(.gridworld, runsDir: mountPoint, name: "full")
        let (_, first) = try TrainingRun.start(config, options: RunFixtures.quiet(stopAfter: 4))
        XCTAssertEqual(first, .interrupted)
        XCTAssertEqual(try RunFixtures.completedUpdates(directory.checkpoint), 4)
        let checkpoint = try Data(contentsOf: URL(fileURLWithPath: directory.checkpoint))
        // Fill the disk completely.
        let filler = mountPoint + "/filler"
        let fd = open(filler, O_WRONLY | O_CREAT, 0o644)
        let chunk = [UInt8](repeating: 0xAB, count: 4096)
        while chunk.withUnsafeBytes({ write(fd, $0.baseAddress!, 4096) }) > 0 {}
        close(fd)
        let failed = try run(["--resume", directory.path, "--quiet"], in: dir)
        XCTAssertEqual(failed.status, 1, failed.stderr)
        XCTAssertTrue(failed.stderr.contains("No space left on device"), failed.stderr)
        XCTAssertEqual(failed.stderr.filter { $0 == "\n" }.count, 1, failed.stderr)
        // What was written before is intact and whole.
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: directory.checkpoint)), checkpoint)
        XCTAssertEqual(try checkRunDirectory(directory.path, env: .gridworld, context: "full disk"), [])
        // With space again, the run resumes and ends as if never stopped.
        try FileManager.default.removeItem(atPath: filler)
        let resumed = try run(["--resume", directory.path, "--quiet"], in: dir)
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertEqual(try RunFixtures.reproducibleRows(directory.progress), expected.rows)
    }
}
