/// TFRecord framing, the container of TensorBoard event files:
///
///     uint64 length                  (little-endian)
///     uint32 masked CRC-32C of the 8 length bytes
///     length bytes of data           (here: one serialized Event)
///     uint32 masked CRC-32C of the data
///
/// The length has its own checksum so that a reader never trusts a damaged
/// length and reads past the record.
enum TFRecord {
    /// Bytes a record adds around its data.
    static let overhead = 16

    /// `data` framed as one record.
    static func frame(_ data: [UInt8]) -> [UInt8] {
        var record: [UInt8] = []
        record.reserveCapacity(data.count + overhead)
        let length = littleEndianBytes(UInt64(data.count))
        record += length
        record += littleEndianBytes(CRC32C.masked(length))
        record += data
        record += littleEndianBytes(CRC32C.masked(data))
        return record
    }

    /// The whole, intact records at the start of `bytes`, in order: each
    /// one's data and the offset just past it. Stops at the first record
    /// that is cut short or fails a checksum, as TensorFlow's reader does —
    /// that is what a write interrupted by a kill or a full disk leaves.
    static func records(in bytes: [UInt8]) -> [(data: ArraySlice<UInt8>, end: Int)] {
        var result: [(data: ArraySlice<UInt8>, end: Int)] = []
        var offset = 0
        while bytes.count - offset >= overhead {
            let lengthBytes = bytes[offset..<offset + 8]
            guard readUInt32(bytes, at: offset + 8) == CRC32C.masked(lengthBytes) else { break }
            let length = readUInt64(bytes, at: offset)
            guard length <= UInt64(bytes.count - offset - overhead) else { break }
            let start = offset + 12
            let end = start + Int(length)
            let data = bytes[start..<end]
            guard readUInt32(bytes, at: end) == CRC32C.masked(data) else { break }
            offset = end + 4
            result.append((data, offset))
        }
        return result
    }

    private static func littleEndianBytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }

    private static func readUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        (0..<4).reduce(0) { $0 | UInt32(bytes[offset + $1]) << (8 * $1) }
    }

    private static func readUInt64(_ bytes: [UInt8], at offset: Int) -> UInt64 {
        (0..<8).reduce(0) { $0 | UInt64(bytes[offset + $1]) << (8 * $1) }
    }
}
