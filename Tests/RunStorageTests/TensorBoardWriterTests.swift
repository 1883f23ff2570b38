import Foundation
import XCTest
import TestSupport
@testable import RunStorage

/// The TensorBoard event writer: CRC-32C, protobuf, TFRecord framing, event
/// files, resume, and a progress row's scalars. A real run's progress columns
/// and TensorBoard's own reader are in ExperimentsTests' TensorBoardProgressTests.
final class TensorBoardWriterTests: XCTestCase {
    // MARK: CRC-32C

    func testCRC32CKnownValues() {
        XCTAssertEqual(CRC32C.checksum(Data("123456789".utf8)), 0xE306_9283)
        XCTAssertEqual(CRC32C.checksum(Data()), 0)
        // RFC 3720 (iSCSI), appendix B.4.
        XCTAssertEqual(CRC32C.checksum([UInt8](repeating: 0, count: 32)), 0x8A91_36AA)
        XCTAssertEqual(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)), 0x62A8_AB43)
        XCTAssertEqual(CRC32C.checksum((0..<32).map { UInt8($0) }), 0x46DD_794E)
        XCTAssertEqual(CRC32C.checksum((0..<32).reversed().map { UInt8($0) }), 0x113F_DB5C)
    }

    func testMaskedCRC32CMatchesTensorFlow() {
        // Values from TensorBoard's own `masked_crc32c` (its pure-Python TFRecord reader).
        XCTAssertEqual(CRC32C.masked(Data("123456789".utf8)), 0xC78A_B0E5)
        XCTAssertEqual(CRC32C.masked([UInt8](repeating: 0, count: 8)), 0x0798_0329)
        XCTAssertEqual(CRC32C.masked([UInt8]()), 0xA282_EAD8)
        // The mask is a rotation plus a constant, so it is invertible: distinct CRCs stay distinct.
        XCTAssertEqual(CRC32C.mask(0x8000_0000), 0x0001_0000 &+ 0xA282_EAD8)
        XCTAssertEqual(CRC32C.mask(1), 0x0002_0000 &+ 0xA282_EAD8)
    }

    // MARK: Protobuf

    func testVarint() {
        XCTAssertEqual(ProtobufEncoder.varint(0), [0x00])
        XCTAssertEqual(ProtobufEncoder.varint(1), [0x01])
        XCTAssertEqual(ProtobufEncoder.varint(127), [0x7F])
        XCTAssertEqual(ProtobufEncoder.varint(128), [0x80, 0x01])
        XCTAssertEqual(ProtobufEncoder.varint(300), [0xAC, 0x02])
        XCTAssertEqual(ProtobufEncoder.varint(UInt64.max), [UInt8](repeating: 0xFF, count: 9) + [0x01])
    }

    func testFieldEncoding() {
        // The examples of protobuf's encoding guide.
        var a = ProtobufEncoder()
        a.append(field: 1, varint: 150)
        XCTAssertEqual(a.bytes, [0x08, 0x96, 0x01])
        var b = ProtobufEncoder()
        b.append(field: 2, string: "testing")
        XCTAssertEqual(b.bytes, [0x12, 0x07] + Array("testing".utf8))
        // A negative int64 is its two's complement: ten bytes.
        var c = ProtobufEncoder()
        c.append(field: 2, int64: -1)
        XCTAssertEqual(c.bytes, [0x10] + [UInt8](repeating: 0xFF, count: 9) + [0x01])
        var d = ProtobufEncoder()
        d.append(field: 1, double: 1.5)
        d.append(field: 2, float: 0.25)
        XCTAssertEqual(d.bytes, [0x09, 0, 0, 0, 0, 0, 0, 0xF8, 0x3F, 0x15, 0, 0, 0x80, 0x3E])
    }

    func testEventsMatchProtobufSerializer() {
        // Bytes from protobuf's Python serializer for the same messages
        // (tensorboard.compat.proto.event_pb2).
        XCTAssertEqual(
            TensorBoardEvent.scalars(step: 300, wallTime: 1.5, [(tag: "charts/x", value: 0.25)]),
            [9, 0, 0, 0, 0, 0, 0, 248, 63, 16, 172, 2, 42, 17, 10, 15, 10, 8, 99, 104, 97, 114, 116, 115, 47, 120, 21, 0, 0, 128, 62])
        XCTAssertEqual(
            TensorBoardEvent.header(wallTime: 1.5),
            [9, 0, 0, 0, 0, 0, 0, 248, 63, 26, 13] + Array("brain.Event:2".utf8))
    }

    func testProtobufReaderWalksAndRejects() {
        var encoder = ProtobufEncoder()
        encoder.append(field: 1, double: 2.0)
        encoder.append(field: 2, int64: -7)
        encoder.append(field: 3, string: "x")
        encoder.append(field: 4, float: 1)
        var reader = ProtobufReader(encoder.bytes)
        var fields: [(UInt64, ProtobufReader.Value)] = []
        while let field = reader.next() { fields.append(field) }
        XCTAssertFalse(reader.isMalformed)
        XCTAssertEqual(fields.map(\.0), [1, 2, 3, 4])
        XCTAssertEqual(fields[0].1, .fixed64(2.0.bitPattern))
        XCTAssertEqual(fields[1].1, .varint(UInt64(bitPattern: -7)))
        XCTAssertEqual(fields[2].1, .lengthDelimited(Array("x".utf8)[...]))
        XCTAssertEqual(fields[3].1, .fixed32(Float(1).bitPattern))
        XCTAssertEqual(TensorBoardEvent.stepAndKind(encoder.bytes[...])?.step, -7)

        // Every proper prefix is malformed (cut inside a field) or a shorter whole message.
        for cut in 0..<encoder.bytes.count {
            var prefix = ProtobufReader(encoder.bytes[..<cut])
            while prefix.next() != nil {}
            let boundaries = [0, 9, 20, 23]
            XCTAssertEqual(prefix.isMalformed, !boundaries.contains(cut), "cut at \(cut)")
        }
        // Wire type 3 (start group) is not accepted.
        var group = ProtobufReader([0x0B])
        XCTAssertNil(group.next())
        XCTAssertTrue(group.isMalformed)
    }

    // MARK: TFRecord

    func testRecordFraming() {
        // Checksums from TensorBoard's `masked_crc32c`: of the 8 length bytes, then of "abc".
        XCTAssertEqual(
            TFRecord.frame(Array("abc".utf8)),
            [3, 0, 0, 0, 0, 0, 0, 0, 0xB0, 0x99, 0x49, 0x0E, 0x61, 0x62, 0x63, 0x6E, 0x57, 0xF1, 0x21])
        XCTAssertEqual(TFRecord.frame([]), [0, 0, 0, 0, 0, 0, 0, 0, 0x29, 0x03, 0x98, 0x07, 0xD8, 0xEA, 0x82, 0xA2])
    }

    func testRecordReaderStopsAtDamage() {
        let records = [Array("first".utf8), [], Array("third record".utf8)]
        let file = records.flatMap(TFRecord.frame)
        let read = TFRecord.records(in: file)
        XCTAssertEqual(read.map { Array($0.data) }, records)
        XCTAssertEqual(read.last?.end, file.count)

        // A cut anywhere keeps exactly the records wholly before the cut.
        let ends = read.map(\.end)
        for cut in 0..<file.count {
            XCTAssertEqual(TFRecord.records(in: Array(file[..<cut])).count, ends.filter { $0 <= cut }.count, "cut at \(cut)")
        }
        // A flipped bit anywhere stops the reader at the damaged record.
        for index in file.indices {
            var damaged = file
            damaged[index] ^= 0x10
            let damagedRecord = ends.firstIndex { index < $0 } ?? ends.count
            XCTAssertEqual(TFRecord.records(in: damaged).count, damagedRecord, "flip at \(index)")
        }
    }

    // MARK: Writer

    func testWriterWritesHeaderThenOneEventPerAppend() throws {
        let dir = try TemporaryDirectory()
        let writer = try TensorBoardWriter(directory: dir.path, wallTime: 1_700_000_000.25)
        try writer.append(step: 0, wallTime: 1_700_000_001, scalars: [("charts/a", 1), ("losses/b", -2.5)])
        try writer.append(step: 0, scalars: [])  // nothing to log: no event
        try writer.append(step: 64, wallTime: 1_700_000_002, scalars: [("charts/a", 3)])
        try writer.sync()
        writer.close()
        XCTAssertThrowsError(try writer.append(step: 65, scalars: [("charts/a", 4)]))

        XCTAssertEqual(try dir.contents().count, 1)
        let name = try XCTUnwrap(try dir.contents().first)
        XCTAssertTrue(name.hasPrefix("events.out.tfevents.1700000000."), name)
        XCTAssertEqual(writer.path, dir.file(name))

        let records = TFRecord.records(in: [UInt8](try Data(contentsOf: URL(fileURLWithPath: writer.path))))
        XCTAssertEqual(records.count, 3)
        XCTAssertEqual(Array(records[0].data), TensorBoardEvent.header(wallTime: 1_700_000_000.25))
        XCTAssertEqual(Array(records[1].data), TensorBoardEvent.scalars(step: 0, wallTime: 1_700_000_001, [("charts/a", 1), ("losses/b", -2.5)]))
        XCTAssertEqual(Array(records[2].data), TensorBoardEvent.scalars(step: 64, wallTime: 1_700_000_002, [("charts/a", 3)]))
    }

    func testNewFilesSortAfterExistingOnes() throws {
        let dir = try TemporaryDirectory()
        let first = try TensorBoardWriter(directory: dir.path, wallTime: 1_700_000_000)
        let second = try TensorBoardWriter(directory: dir.path, wallTime: 1_700_000_000)  // same second
        let third = try TensorBoardWriter(directory: dir.path, wallTime: 1_600_000_000)  // clock went back
        XCTAssertEqual(try dir.contents(), [first.path, second.path, third.path].map(POSIXFile.fileName))
        XCTAssertEqual([first, second, third].map { TensorBoardWriter.timestamp(POSIXFile.fileName(of: $0.path)) },
                       [1_700_000_000, 1_700_000_001, 1_700_000_002])
    }

    func testMissingDirectoryIsOneLine() {
        XCTAssertThrowsError(try TensorBoardWriter(directory: "/nonexistent-\(UUID().uuidString)")) { error in
            guard let error = error as? FileError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.code, ENOENT)
            XCTAssertTrue(error.description.hasPrefix("cannot list /nonexistent-"), error.description)
        }
    }

    func testResumeCutsOldFilesBeforeFirstStepAndAfterDamage() throws {
        let dir = try TemporaryDirectory()
        let old = try TensorBoardWriter(directory: dir.path, wallTime: 1_700_000_000)
        for step in [0, 100, 200, 300] as [Int64] {
            try old.append(step: step, wallTime: 1_700_000_000, scalars: [("charts/a", Double(step))])
        }
        old.close()
        // A kill mid-write: half a record at the end.
        let oldPath = old.path
        let partial = TFRecord.frame(TensorBoardEvent.scalars(step: 400, wallTime: 0, [("charts/a", 4)]))
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: oldPath))
        handle.seekToEndOfFile()
        handle.write(Data(partial.prefix(10)))
        handle.closeFile()

        let resumed = try TensorBoardWriter(resuming: dir.path, firstStep: 201, wallTime: 1_700_000_000)
        try resumed.append(step: 201, wallTime: 1_700_000_000, scalars: [("charts/a", -1)])
        resumed.close()
        XCTAssertNotEqual(resumed.path, oldPath)
        XCTAssertEqual(try dir.contents(), [oldPath, resumed.path].map(POSIXFile.fileName))
        XCTAssertEqual(try steps(in: oldPath), [0, 100, 200])
        XCTAssertEqual(try steps(in: resumed.path), [201])

        // Resuming again from the start keeps only each file's header.
        _ = try TensorBoardWriter(resuming: dir.path, firstStep: 0)
        for name in try dir.contents() {
            let records = TFRecord.records(in: [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir.file(name)))))
            XCTAssertEqual(records.count, 1, name)
            XCTAssertEqual(TensorBoardEvent.stepAndKind(records[0].data)?.isHeader, true)
        }
    }

    /// The steps of a file's scalar events, header excluded; fails on any bytes after the last whole record.
    private func steps(in path: String) throws -> [Int64] {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let records = TFRecord.records(in: bytes)
        XCTAssertEqual(records.last?.end, bytes.count, "\(path) has trailing bytes")
        return records.compactMap { TensorBoardEvent.stepAndKind($0.data) }.filter { !$0.isHeader }.map(\.step)
    }

    // MARK: Tags

    func testScalarsSkipEmptyAndNonFiniteFields() {
        let tags = TensorBoardTags.tags(for: ["env_steps", "episodes", "success_rate", "value_loss", "entropy", "sps", "note"])
        let row: [String: CSVField] = [
            "env_steps": .int(4096), "episodes": .int(12), "success_rate": .missing,
            "value_loss": .double(.nan), "entropy": .float(1.5), "sps": .text("123.5"), "note": .text("warm"),
        ]
        XCTAssertEqual(TensorBoardTags.step(row), 4096)
        let scalars = TensorBoardTags.scalars(row, tags: tags)
        XCTAssertEqual(scalars.map(\.tag), ["time/episodes", "losses/entropy", "charts/sps"])
        XCTAssertEqual(scalars.map(\.value), [12, 1.5, 123.5])
        XCTAssertNil(TensorBoardTags.step(["env_steps": .missing]))
    }
}
