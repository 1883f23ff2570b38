import Foundation
import XCTest
import TestSupport
@testable import RunStorage

final class CSVTests: XCTestCase {
    let columns = ["update", "env_steps", "episodic_return_mean", "note"]

    func testNumberFormattingIsExactAndDeterministic() {
        XCTAssertEqual(CSVField.int(1_000_000).text, "1000000")
        XCTAssertEqual(CSVField.double(0.1).text, "0.1")
        XCTAssertEqual(CSVField.double(1e-5).text, "1e-05")
        XCTAssertEqual(CSVField.double(1.0).text, "1.0")
        XCTAssertEqual(CSVField.float(0.1).text, "0.1")
        XCTAssertEqual(CSVField.double(.nan).text, "nan")
        XCTAssertEqual(CSVField.missing.text, "")
        XCTAssertEqual(CSVField(nil as Double?), .missing)
        for value in [0.1, 1.0 / 3.0, 6.02214076e23, -2.5e-300, Double.leastNonzeroMagnitude, .pi] {
            XCTAssertEqual(Double(CSVField.double(value).text)!.bitPattern, value.bitPattern)
        }
        for value: Float in [0.1, 1.0 / 3.0, 3.4e38, -.leastNormalMagnitude] {
            XCTAssertEqual(Float(CSVField.float(value).text)!.bitPattern, value.bitPattern)
        }
    }

    func testQuoting() {
        XCTAssertEqual(CSVField.text("plain").encoded, "plain")
        XCTAssertEqual(CSVField.text("a,b").encoded, "\"a,b\"")
        XCTAssertEqual(CSVField.text("say \"hi\"").encoded, "\"say \"\"hi\"\"\"")
        XCTAssertEqual(CSVField.text("two\nlines").encoded, "\"two\nlines\"")
    }

    func testRoundTrip() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("progress.csv")
        let writer = try CSVWriter(creating: path, columns: columns)
        let rows: [[CSVField]] = [
            [1, 2048, .double(0.125), "ok"],
            [2, 4096, .missing, "comma, \"quote\"\nand newline"],
            [3, 6144, .float(0.1), .missing],
        ]
        for row in rows { try writer.append(row) }
        try writer.append(["update": 4, "note": "by name"])
        XCTAssertEqual(writer.rowCount, 4)
        writer.close()

        let table = try CSVTable(path: path)
        XCTAssertEqual(table.columns, columns)
        XCTAssertEqual(table.rows.count, 4)
        XCTAssertEqual(table.rows[1][3], "comma, \"quote\"\nand newline")
        XCTAssertEqual(try table.column("update"), ["1", "2", "3", "4"])
        XCTAssertEqual(try table.doubles("episodic_return_mean"), [0.125, nil, 0.1, nil])
        XCTAssertEqual(try table.doubles("env_steps"), [2048, 4096, 6144, nil])
        XCTAssertThrowsError(try table.doubles("note"))
        XCTAssertThrowsError(try table.column("nope")) { error in
            XCTAssertEqual("\(error)", "\(path): no column named \"nope\"")
        }
    }

    func testIdenticalRowsGiveIdenticalBytes() throws {
        let dir = try TemporaryDirectory()
        for name in ["a.csv", "b.csv"] {
            let writer = try CSVWriter(creating: dir.file(name), columns: ["x", "y"])
            for i in 0..<50 { try writer.append([.int(i), .double(sin(Double(i)) / 3)]) }
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: dir.file("a.csv"))),
                       try Data(contentsOf: URL(fileURLWithPath: dir.file("b.csv"))))
    }

    func testWriterRejectsWrongRows() throws {
        let dir = try TemporaryDirectory()
        let writer = try CSVWriter(creating: dir.file("p.csv"), columns: ["a", "b"])
        XCTAssertThrowsError(try writer.append([1]))
        XCTAssertThrowsError(try writer.append(["c": 1])) { error in
            XCTAssertEqual(error as? CSVError, .unknownColumn(path: dir.file("p.csv"), name: "c"))
        }
        writer.close()
        XCTAssertThrowsError(try writer.append([1, 2]))
    }

    func testSingleColumnMissingValueSurvives() throws {
        let dir = try TemporaryDirectory()
        let writer = try CSVWriter(creating: dir.file("one.csv"), columns: ["v"])
        try writer.append([.missing])
        try writer.append([1.5])
        XCTAssertEqual(try CSVTable(path: dir.file("one.csv")).rows, [[""], ["1.5"]])
    }

    func testReaderIgnoresTrailingPartialLine() throws {
        let table = try CSVTable(parsing: Data("a,b\n1,2\n3,4\n5,".utf8))
        XCTAssertEqual(table.rows, [["1", "2"], ["3", "4"]])
        // A quoted field cut off mid-way is also just a partial line.
        let cut = try CSVTable(parsing: Data("a,b\n1,\"x\ny".utf8))
        XCTAssertEqual(cut.rows, [])
        // CRLF files from other tools read the same.
        XCTAssertEqual(try CSVTable(parsing: Data("a,b\r\n1,2\r\n".utf8)).rows, [["1", "2"]])
        XCTAssertThrowsError(try CSVTable(parsing: Data("a,b\n1,2,3\n".utf8)))
        XCTAssertThrowsError(try CSVTable(parsing: Data("a,b".utf8))) { error in
            XCTAssertEqual(error as? CSVError, .noHeader(path: "<csv>"))
        }
    }

    func testResumeTruncatesToCheckpointRowAndDropsPartialLine() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("progress.csv")
        let writer = try CSVWriter(creating: path, columns: columns)
        for i in 1...5 { try writer.append([.int(i), .int(i * 100), .double(Double(i) / 10), "multi\nline \(i)"]) }
        writer.close()
        // A kill in the middle of row 6.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        handle.seekToEndOfFile()
        handle.write(Data("6,600,0.".utf8))
        handle.closeFile()

        let resumed = try CSVWriter(resuming: path, columns: columns, keepingRows: 3)
        XCTAssertEqual(resumed.rowCount, 3)
        try resumed.append([4, 400, 0.4, "again"])
        resumed.close()
        let table = try CSVTable(path: path)
        XCTAssertEqual(try table.column("update"), ["1", "2", "3", "4"])
        XCTAssertEqual(table.rows[3][3], "again")
        XCTAssertEqual(table.rows[2][3], "multi\nline 3")

        // Without a row count: keep every complete row, drop the partial one.
        let handle2 = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        handle2.seekToEndOfFile()
        handle2.write(Data("5,5".utf8))
        handle2.closeFile()
        let all = try CSVWriter(resuming: path, columns: columns)
        XCTAssertEqual(all.rowCount, 4)
        try all.append([5, 500, 0.5, .missing])
        XCTAssertTrue(try String(contentsOfFile: path, encoding: .utf8).hasSuffix("\n4,400,0.4,again\n5,500,0.5,\n"))
    }

    func testResumeRefusesMismatchedHeaderOrTooFewRows() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("progress.csv")
        let writer = try CSVWriter(creating: path, columns: ["a", "b"])
        try writer.append([1, 2])
        writer.close()
        XCTAssertThrowsError(try CSVWriter(resuming: path, columns: ["a", "c"])) { error in
            XCTAssertEqual("\(error)", "\(path): columns are a,b, expected a,c")
        }
        XCTAssertThrowsError(try CSVWriter(resuming: path, columns: ["a", "b"], keepingRows: 2)) { error in
            XCTAssertEqual(error as? CSVError, .tooFewRows(path: path, needed: 2, found: 1))
        }
        XCTAssertThrowsError(try CSVWriter(resuming: dir.file("missing.csv"), columns: ["a"])) { error in
            XCTAssertEqual("\(error)", "cannot open \(dir.file("missing.csv")): No such file or directory")
        }
    }
}
