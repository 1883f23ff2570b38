import Foundation
import XCTest
@testable import Experiments

/// Checkpoints are written on a thread of their own: the caller must see the
/// write's effects and its error once it waits.
final class BackgroundWriteTests: XCTestCase {
    private struct Failed: Error, Equatable {}

    func testWaitReturnsAfterTheWriteAndSeesItsEffects() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("background-write-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: path) }
        let write = BackgroundWrite {
            Thread.sleep(forTimeInterval: 0.05)  // still running when the caller waits
            try Data("done".utf8).write(to: path)
        }
        try write.wait()
        XCTAssertEqual(try String(contentsOf: path, encoding: .utf8), "done")
    }

    func testWaitRethrowsTheWritesError() {
        let write = BackgroundWrite { throw Failed() }
        XCTAssertThrowsError(try write.wait()) { XCTAssertEqual($0 as? Failed, Failed()) }
    }
}
