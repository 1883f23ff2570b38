import Foundation

/// Decodes what `BinaryWriter` encoded, in the same order.
///
/// The input may be damaged or hostile, so every read checks the bytes left
/// first and throws instead of trapping; a length prefix is checked against
/// the remaining bytes *before* anything is allocated, so a corrupted count
/// cannot ask for terabytes.
public struct BinaryReader: Sendable {
    private let bytes: [UInt8]
    /// Offset of the next byte to read.
    public private(set) var offset = 0

    public init(_ data: Data) {
        // Copying makes indices start at zero whatever slice `data` is.
        bytes = [UInt8](data)
    }

    /// Bytes not yet read.
    public var remaining: Int { bytes.count - offset }
    public var isAtEnd: Bool { remaining == 0 }

    /// Throws unless every byte has been consumed: trailing bytes mean the
    /// reader and writer disagree about the layout.
    public func expectEnd() throws(BinaryReaderError) {
        if remaining != 0 { throw .trailingBytes(count: remaining, offset: offset) }
    }

    public mutating func readUInt8() throws(BinaryReaderError) -> UInt8 {
        try need(1)
        defer { offset += 1 }
        return bytes[offset]
    }

    public mutating func readUInt32() throws(BinaryReaderError) -> UInt32 {
        try need(4)
        var value: UInt32 = 0
        for i in 0..<4 { value |= UInt32(bytes[offset + i]) << (8 * i) }
        offset += 4
        return value
    }

    public mutating func readUInt64() throws(BinaryReaderError) -> UInt64 {
        try need(8)
        var value: UInt64 = 0
        for i in 0..<8 { value |= UInt64(bytes[offset + i]) << (8 * i) }
        offset += 8
        return value
    }

    public mutating func readInt64() throws(BinaryReaderError) -> Int64 {
        Int64(bitPattern: try readUInt64())
    }

    public mutating func readFloat() throws(BinaryReaderError) -> Float {
        Float(bitPattern: try readUInt32())
    }

    public mutating func readDouble() throws(BinaryReaderError) -> Double {
        Double(bitPattern: try readUInt64())
    }

    public mutating func readFloats() throws(BinaryReaderError) -> [Float] {
        let count = try readCount(elementSize: 4)
        var values = [Float]()
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try readFloat()) }
        return values
    }

    public mutating func readDoubles() throws(BinaryReaderError) -> [Double] {
        let count = try readCount(elementSize: 8)
        var values = [Double]()
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try readDouble()) }
        return values
    }

    /// Throws on invalid UTF-8 rather than silently repairing it.
    public mutating func readString() throws(BinaryReaderError) -> String {
        let start = offset
        let count = try readCount(elementSize: 1)
        let slice = bytes[offset..<offset + count]
        guard let string = String(validating: slice, as: UTF8.self) else {
            throw .invalidUTF8(offset: start)
        }
        offset += count
        return string
    }

    public mutating func readData() throws(BinaryReaderError) -> Data {
        let count = try readCount(elementSize: 1)
        defer { offset += count }
        return Data(bytes[offset..<offset + count])
    }

    private func need(_ count: Int) throws(BinaryReaderError) {
        if count > remaining { throw .unexpectedEnd(needed: count, available: remaining, offset: offset) }
    }

    /// Reads a UInt64 element count and checks the elements fit in what is left.
    private mutating func readCount(elementSize: Int) throws(BinaryReaderError) -> Int {
        let start = offset
        let raw = try readUInt64()
        guard raw <= UInt64(remaining / elementSize) else {
            let available = remaining
            offset = start
            throw .countTooLarge(count: raw, available: available, offset: start)
        }
        return Int(raw)
    }
}

/// Why a `BinaryReader` refused its input; one line each.
public enum BinaryReaderError: Error, Equatable, Sendable, CustomStringConvertible {
    case unexpectedEnd(needed: Int, available: Int, offset: Int)
    case countTooLarge(count: UInt64, available: Int, offset: Int)
    case invalidUTF8(offset: Int)
    case trailingBytes(count: Int, offset: Int)

    public var description: String {
        switch self {
        case let .unexpectedEnd(needed, available, offset):
            "data ends early at byte \(offset): needed \(needed) more bytes, \(available) left"
        case let .countTooLarge(count, available, offset):
            "corrupt length at byte \(offset): \(count) elements announced, only \(available) bytes left"
        case let .invalidUTF8(offset):
            "string at byte \(offset) is not valid UTF-8"
        case let .trailingBytes(count, offset):
            "\(count) unexpected bytes after the end of the data at byte \(offset)"
        }
    }
}

// So that `error.localizedDescription` shows the same single line.
extension BinaryReaderError: LocalizedError {
    public var errorDescription: String? { description }
}
