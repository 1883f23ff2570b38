import Foundation
import XCTest
import TestSupport
@testable import RunStorage

final class AtomicFileTests: XCTestCase {
    func testWritesContentAndLeavesNoTemporaryFiles() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("config.json")
        try AtomicFile.write(Data("first".utf8), to: path)
        try AtomicFile.write("second, longer", to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "second, longer")
        XCTAssertEqual(try dir.contents(), ["config.json"])
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o644)
    }

    func testEmptyData() throws {
        let dir = try TemporaryDirectory()
        try AtomicFile.write(Data(), to: dir.file("empty"))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: dir.file("empty"))), Data())
    }

    func testMissingDirectoryIsOneClearError() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("no-such-dir/progress.csv")
        XCTAssertThrowsError(try AtomicFile.write(Data("x".utf8), to: path)) { error in
            let error = error as! FileError
            XCTAssertEqual(error.code, ENOENT)
            XCTAssertEqual(error.description, "cannot create \(path): No such file or directory")
            XCTAssertFalse(error.description.contains("\n"))
        }
    }

    /// Tests may run as root, which ignores permission bits; a regular file
    /// used as a directory fails for everyone.
    func testParentIsAFileFailsAndLeavesTargetAlone() throws {
        let dir = try TemporaryDirectory()
        try AtomicFile.write("keep", to: dir.file("blocker"))
        let path = dir.file("blocker/out.txt")
        XCTAssertThrowsError(try AtomicFile.write(Data("x".utf8), to: path)) { error in
            XCTAssertEqual((error as? FileError)?.code, ENOTDIR)
            XCTAssertEqual((error as? FileError)?.description, "cannot create \(path): Not a directory")
        }
        XCTAssertEqual(try dir.contents(), ["blocker"])
        XCTAssertEqual(try String(contentsOfFile: dir.file("blocker"), encoding: .utf8), "keep")
    }

    func testRenameOntoDirectoryFailsWithoutLeftovers() throws {
        let dir = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.file("taken"), withIntermediateDirectories: false)
        try FileManager.default.createDirectory(atPath: dir.file("taken/child"), withIntermediateDirectories: false)
        XCTAssertThrowsError(try AtomicFile.write(Data("x".utf8), to: dir.file("taken"))) { error in
            XCTAssertEqual((error as? FileError)?.operation, "replace")
        }
        XCTAssertEqual(try dir.contents(), ["taken"])
    }

    func testRelativePathInCurrentDirectory() throws {
        let dir = try TemporaryDirectory()
        let previous = FileManager.default.currentDirectoryPath
        _ = FileManager.default.changeCurrentDirectoryPath(dir.path)
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        try AtomicFile.write("plain", to: "bare-name.txt")
        XCTAssertEqual(try String(contentsOfFile: dir.file("bare-name.txt"), encoding: .utf8), "plain")
    }
}
