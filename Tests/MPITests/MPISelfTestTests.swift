#if canImport(Glibc)
import Glibc
#endif
import Foundation
import XCTest

/// Runs the `mpi-selftest` executable under `mpirun -np 2`: the collectives
/// on two real ranks. Skipped when mpirun is not on PATH or the executable is
/// not next to the test bundle (set MPI_SELFTEST_EXECUTABLE to point at one).
final class MPISelfTestTests: XCTestCase {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func selftest() throws -> String {
        if let path = ProcessInfo.processInfo.environment["MPI_SELFTEST_EXECUTABLE"] { return path }
        var candidates: [URL] = []
        if let url = Bundle.main.executableURL { candidates.append(url.deletingLastPathComponent()) }
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent())
        candidates.append(Bundle.main.bundleURL)
        for directory in candidates {
            let path = directory.appendingPathComponent("mpi-selftest").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw XCTSkip("mpi-selftest not found near \(candidates.map(\.path)); build it or set MPI_SELFTEST_EXECUTABLE")
    }

    static func mpirun() throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/mpirun"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw XCTSkip("mpirun is not on PATH: apt-get install openmpi-bin libopenmpi-dev")
    }

    /// `mpirun --oversubscribe -np <ranks>` (+ --allow-run-as-root for root),
    /// because CI machines have few cores and containers run as root.
    static func mpirunArguments(ranks: Int) -> [String] {
        (geteuid() == 0 ? ["--allow-run-as-root"] : []) + ["--oversubscribe", "-np", "\(ranks)"]
    }

    func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:], timeout: Double = 120) throws -> Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mpi-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("stdout").path
        let err = directory.appendingPathComponent("stderr").path
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle(forWritingAtPath: out)
        process.standardError = FileHandle(forWritingAtPath: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning {
            process.terminate()  // mpirun forwards SIGTERM to its ranks
            process.waitUntilExit()
            XCTFail("\(executable) \(arguments) did not finish within \(timeout) s")
        }
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
    }

    func testTwoRanksPassEveryCheck() throws {
        let selftest = try Self.selftest()
        let result = try run(try Self.mpirun(), Self.mpirunArguments(ranks: 2) + [selftest, "--expect-size", "2"])
        XCTAssertEqual(result.status, 0, result.stderr)
        for rank in 0..<2 {
            XCTAssertTrue(result.stdout.contains("mpi-selftest: rank \(rank) of 2: "), result.stdout)
        }
        XCTAssertEqual(result.stdout.components(separatedBy: "checks passed").count - 1, 2, result.stdout)
    }

    /// The harness can fail: a rank whose check fails makes mpirun exit non-zero.
    func testAFailingCheckFailsTheJob() throws {
        let selftest = try Self.selftest()
        let result = try run(try Self.mpirun(), Self.mpirunArguments(ranks: 2) + [selftest, "--expect-size", "3"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("FAILED size is 2, expected 3"), result.stderr)
    }

    /// Without mpirun the binary refuses before loading or initialising MPI.
    func testWithoutMpirunTheSelftestDoesNotStartMPI() throws {
        let result = try run(try Self.selftest(), [])
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.stderr, "mpi-selftest: not started by mpirun; run: mpirun -np 2 mpi-selftest\n")
    }

    /// A process that looks launched by mpirun but cannot load libmpi gets
    /// one line naming the cause and the fix.
    func testLaunchedWithoutLoadableLibraryIsOneLine() throws {
        let result = try run(
            try Self.selftest(), [],
            environment: ["OMPI_COMM_WORLD_SIZE": "1", "RLTRAIN_MPI_LIBRARY": "/nonexistent/libmpi.so.40"])
        XCTAssertEqual(result.status, 2)
        let lines = result.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, result.stderr)
        XCTAssertTrue(
            result.stderr.hasPrefix("mpi-selftest: started under mpirun but Open MPI's libmpi cannot be loaded (/nonexistent/libmpi.so.40"),
            result.stderr)
    }
}
