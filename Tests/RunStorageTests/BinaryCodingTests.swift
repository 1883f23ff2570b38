import Foundation
import XCTest
@testable import RunStorage

final class BinaryCodingTests: XCTestCase {
    func testRoundTripIsBitExact() throws {
        let floats: [Float] = [0, -0.0, 1, .pi, .leastNonzeroMagnitude, .greatestFiniteMagnitude, .infinity,
                               Float(bitPattern: 0x7FC0_1234), -.nan]
        var writer = BinaryWriter()
        writer.write(UInt8(7))
        writer.write(UInt32(0xDEAD_BEEF))
        writer.write(UInt64.max)
        writer.write(Int64(-5))
        writer.write(Float(0.1))
        writer.write(Double(-0.0))
        writer.write(floats)
        writer.write([1.5, Double.nan])
        writer.write("Grüße, 🌍")
        writer.write(Data([1, 2, 3]))

        var reader = BinaryReader(writer.data)
        XCTAssertEqual(try reader.readUInt8(), 7)
        XCTAssertEqual(try reader.readUInt32(), 0xDEAD_BEEF)
        XCTAssertEqual(try reader.readUInt64(), .max)
        XCTAssertEqual(try reader.readInt64(), -5)
        XCTAssertEqual(try reader.readFloat(), 0.1)
        XCTAssertEqual(try reader.readDouble().bitPattern, (-0.0 as Double).bitPattern)
        XCTAssertEqual(try reader.readFloats().map(\.bitPattern), floats.map(\.bitPattern))
        XCTAssertEqual(try reader.readDoubles().map(\.bitPattern), [1.5, Double.nan].map(\.bitPattern))
        XCTAssertEqual(try reader.readString(), "Grüße, 🌍")
        XCTAssertEqual(try reader.readData(), Data([1, 2, 3]))
        XCTAssertNoThrow(try reader.expectEnd())
    }

    func testLittleEndianLayout() {
        var writer = BinaryWriter()
        writer.write(UInt32(0x0102_0304))
        writer.write([Float(1)])
        XCTAssertEqual([UInt8](writer.data), [4, 3, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x3F])
    }

    func testMalformedInputThrowsNeverTraps() {
        var writer = BinaryWriter()
        writer.write([Float](repeating: 2, count: 10))
        writer.write("text")
        let good = writer.data
        // Every prefix is short data somewhere.
        for length in 0..<good.count {
            var reader = BinaryReader(good.prefix(length))
            XCTAssertThrowsError(try { _ = try reader.readFloats(); _ = try reader.readString() }())
        }
        // A huge count must not allocate or trap.
        var huge = BinaryWriter()
        huge.write(UInt64.max)
        var reader = BinaryReader(huge.data)
        XCTAssertThrowsError(try reader.readFloats()) { error in
            XCTAssertEqual(error as? BinaryReaderError, .countTooLarge(count: .max, available: 0, offset: 0))
        }
        var invalid = BinaryWriter()
        invalid.write(Data([0xFF, 0xFE]))
        var utf = BinaryReader(invalid.data)
        XCTAssertThrowsError(try utf.readString())
        var trailing = BinaryReader(Data([1, 2]))
        _ = try? trailing.readUInt8()
        XCTAssertThrowsError(try trailing.expectEnd())
    }
}
