import Foundation
import XCTest
import TestSupport
@testable import RunStorage

final class CheckpointTests: XCTestCase {
    func testCRC32KnownValues() {
        XCTAssertEqual(CRC32.checksum(Data("123456789".utf8)), 0xCBF4_3926)
        XCTAssertEqual(CRC32.checksum(Data()), 0)
        XCTAssertEqual(CRC32.checksum(Data("The quick brown fox jumps over the lazy dog".utf8)), 0x414F_A339)
        var state = CRC32.initial
        state = CRC32.update(state, with: Data("12345".utf8))
        state = CRC32.update(state, with: Data("6789".utf8))
        XCTAssertEqual(CRC32.finalize(state), 0xCBF4_3926)
    }

    /// The eight-bytes-at-a-time path (contiguous bytes) against the
    /// byte-at-a-time one (a sequence without contiguous storage), over
    /// lengths and starting offsets around the 8-byte steps.
    func testCRC32SlicedEqualsBytewise() {
        let bytes = (0..<300).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 11) }
        for start in 0..<9 {
            for length in [0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 200, 291 - start] {
                let slice = bytes[start..<(start + length)]
                let bytewise = CRC32.checksum(slice.lazy.map { $0 })
                XCTAssertEqual(CRC32.checksum(Data(slice)), bytewise, "start \(start), length \(length)")
                XCTAssertEqual(CRC32.checksum(Array(slice)), bytewise, "start \(start), length \(length)")
            }
        }
    }

    func testRoundTrip() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("ckpt.bin")
        let payload = Data((0..<1000).map { UInt8(truncatingIfNeeded: $0 * 7) })
        try Checkpoint.write(payload: payload, to: path)
        XCTAssertEqual(try Checkpoint.read(from: path), payload)
        XCTAssertEqual(try dir.contents(), ["ckpt.bin"])
        try Checkpoint.write(payload: Data(), to: path)
        XCTAssertEqual(try Checkpoint.read(from: path), Data())
    }

    func testEveryFlippedBitIsRefused() throws {
        let good = Checkpoint.encode(payload: Data("weights and optimiser state".utf8))
        for position in good.indices {
            for bit in 0..<8 {
                var bad = good
                bad[position] ^= UInt8(1 << bit)
                XCTAssertThrowsError(try Checkpoint.decode(bad, path: "c.bin"), "byte \(position) bit \(bit) accepted")
            }
        }
    }

    func testEveryDamagedByteInAFileIsRefused() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("small.ckpt")
        try Checkpoint.write(payload: Data("tiny".utf8), to: path)
        let good = try Data(contentsOf: URL(fileURLWithPath: path))
        for position in good.indices {
            var bad = good
            bad[position] ^= 0xFF
            try bad.write(to: URL(fileURLWithPath: path))
            XCTAssertThrowsError(try Checkpoint.read(from: path)) { error in
                XCTAssertTrue("\(error)".hasPrefix("checkpoint \(path): "), "\(error)")
            }
        }
    }

    func testTruncatedFileIsRefused() throws {
        let good = Checkpoint.encode(payload: Data(repeating: 42, count: 100))
        for length in 0..<good.count {
            XCTAssertThrowsError(try Checkpoint.decode(good.prefix(length), path: "c.bin"))
        }
        XCTAssertThrowsError(try Checkpoint.decode(good.prefix(good.count - 10), path: "c.bin")) { error in
            XCTAssertEqual("\(error)", "checkpoint c.bin: truncated, \(good.count - 10) bytes of \(good.count)")
        }
        XCTAssertThrowsError(try Checkpoint.decode(good + Data([0]), path: "c.bin"))
        XCTAssertThrowsError(try Checkpoint.decode(good.prefix(5), path: "c.bin")) { error in
            XCTAssertEqual(error as? CheckpointError, .truncated(path: "c.bin", expected: 28, actual: 5))
        }
    }

    func testWrongVersionAndMagic() throws {
        var future = Checkpoint.encode(payload: Data("x".utf8))
        future[12] = 2
        XCTAssertThrowsError(try Checkpoint.decode(future, path: "runs/a/ckpt.bin")) { error in
            XCTAssertEqual("\(error)", "checkpoint runs/a/ckpt.bin: checkpoint format version 2, this rltrain reads 1")
        }
        XCTAssertThrowsError(try Checkpoint.decode(Data("{\"json\": true}".utf8), path: "x.json")) { error in
            XCTAssertEqual(error as? CheckpointError, .notACheckpoint(path: "x.json"))
        }
        XCTAssertThrowsError(try Checkpoint.read(from: "/nonexistent/ckpt.bin")) { error in
            XCTAssertEqual("\(error)", "checkpoint: cannot open /nonexistent/ckpt.bin: No such file or directory")
        }
    }

    func testDecodeAcceptsDataSlices() throws {
        let encoded = Data([9, 9, 9]) + Checkpoint.encode(payload: Data("abc".utf8))
        XCTAssertEqual(try Checkpoint.decode(encoded.dropFirst(3), path: "s"), Data("abc".utf8))
    }
}
