/// The protocol-buffer wire format, just as far as TensorBoard's `Event` and
/// `Summary` messages need it: varints, 64-bit doubles, 32-bit floats and
/// length-delimited fields (strings and nested messages).
///
/// Hand-written because Swift has no protobuf runtime in Foundation and the
/// library modules take no other dependency; the few messages written are
/// fixed, so no code generation is needed. Fields are emitted in the order
/// they are appended; protobuf readers accept any order.
struct ProtobufEncoder {
    /// The encoded message so far.
    private(set) var bytes: [UInt8] = []

    /// The wire types used here (3 and 4, groups, are obsolete).
    enum WireType: UInt8 {
        case varint = 0
        case fixed64 = 1
        case lengthDelimited = 2
        case fixed32 = 5
    }

    /// A varint field: `uint64`, `bool`, or an `int64` as its two's
    /// complement (so a negative int64 takes ten bytes, as protobuf specifies).
    mutating func append(field: Int, varint value: UInt64) {
        appendKey(field, .varint)
        appendVarint(value)
    }

    mutating func append(field: Int, int64 value: Int64) {
        append(field: field, varint: UInt64(bitPattern: value))
    }

    /// A `double`: its IEEE bit pattern, little-endian.
    mutating func append(field: Int, double value: Double) {
        appendKey(field, .fixed64)
        appendLittleEndian(value.bitPattern)
    }

    /// A `float`: its IEEE bit pattern, little-endian.
    mutating func append(field: Int, float value: Float) {
        appendKey(field, .fixed32)
        appendLittleEndian(value.bitPattern)
    }

    /// A `bytes` field or an embedded message: the length, then the bytes.
    mutating func append(field: Int, bytes value: [UInt8]) {
        appendKey(field, .lengthDelimited)
        appendVarint(UInt64(value.count))
        bytes += value
    }

    mutating func append(field: Int, string value: String) {
        append(field: field, bytes: Array(value.utf8))
    }

    mutating func append(field: Int, message: ProtobufEncoder) {
        append(field: field, bytes: message.bytes)
    }

    /// Seven bits per byte, least significant group first, the high bit set
    /// on every byte but the last.
    static func varint(_ value: UInt64) -> [UInt8] {
        var encoder = ProtobufEncoder()
        encoder.appendVarint(value)
        return encoder.bytes
    }

    private mutating func appendKey(_ field: Int, _ type: WireType) {
        precondition(field > 0 && field < 1 << 29, "protobuf field numbers are 1 ..< 2^29")
        appendVarint(UInt64(field) << 3 | UInt64(type.rawValue))
    }

    private mutating func appendVarint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    private mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }
}
