import Foundation

/// Builds a compact, exact, platform-independent byte encoding: integers and
/// IEEE bit patterns in little-endian order, so weights and optimiser state
/// round-trip to the bit (text formats such as JSON lose NaN payloads and
/// risk rounding) and a checkpoint written on one machine reads on any other.
///
/// Variable-length values (arrays, strings) are prefixed by a UInt64 count.
/// Read back with `BinaryReader`, in the same order.
public struct BinaryWriter: Sendable {
    /// The bytes written so far.
    public private(set) var data = Data()

    public init() {}

    public mutating func write(_ value: UInt8) {
        data.append(value)
    }

    public mutating func write(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
    }

    public mutating func write(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
    }

    /// Two's complement, as a UInt64.
    public mutating func write(_ value: Int64) {
        write(UInt64(bitPattern: value))
    }

    public mutating func write(_ value: Float) {
        write(value.bitPattern)
    }

    public mutating func write(_ value: Double) {
        write(value.bitPattern)
    }

    /// A count, then each element's bit pattern.
    public mutating func write(_ values: [Float]) {
        write(UInt64(values.count))
        let patterns = values.map { $0.bitPattern.littleEndian }
        patterns.withUnsafeBytes { data.append(contentsOf: $0) }
    }

    /// A count, then each element's bit pattern.
    public mutating func write(_ values: [Double]) {
        write(UInt64(values.count))
        let patterns = values.map { $0.bitPattern.littleEndian }
        patterns.withUnsafeBytes { data.append(contentsOf: $0) }
    }

    /// A UTF-8 byte count, then the UTF-8 bytes.
    public mutating func write(_ value: String) {
        let utf8 = Array(value.utf8)
        write(UInt64(utf8.count))
        data.append(contentsOf: utf8)
    }

    /// Raw bytes with a UInt64 length prefix (e.g. a nested encoding).
    public mutating func write(_ bytes: Data) {
        write(UInt64(bytes.count))
        data.append(bytes)
    }
}
