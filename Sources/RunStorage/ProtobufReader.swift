/// Walks the fields of one protocol-buffer message without a schema — the
/// reading half of `ProtobufEncoder`, for the one place that reads events
/// back: a resumed `TensorBoardWriter` finds each old event's step.
///
/// Malformed input (a truncated varint, a length past the end, an unknown
/// wire type) ends the walk with `nil` from `next()` and sets `isMalformed`;
/// it never traps, since the bytes come from files on disk.
struct ProtobufReader {
    enum Value: Equatable {
        case varint(UInt64)
        case fixed64(UInt64)
        case lengthDelimited(ArraySlice<UInt8>)
        case fixed32(UInt32)
    }

    private let bytes: ArraySlice<UInt8>
    private var position: Int
    private(set) var isMalformed = false

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        position = bytes.startIndex
    }

    init(_ bytes: [UInt8]) { self.init(bytes[...]) }

    /// The next field, or nil at the end of the message or on malformed input.
    mutating func next() -> (field: UInt64, value: Value)? {
        guard position < bytes.endIndex, !isMalformed else { return nil }
        guard let key = readVarint(), key >> 3 != 0 else { return fail() }
        let field = key >> 3
        switch key & 7 {
        case 0:
            guard let value = readVarint() else { return fail() }
            return (field, .varint(value))
        case 1:
            guard let value = readLittleEndian(UInt64.self) else { return fail() }
            return (field, .fixed64(value))
        case 2:
            guard let length = readVarint(), length <= UInt64(bytes.endIndex - position) else { return fail() }
            let start = position
            position += Int(length)
            return (field, .lengthDelimited(bytes[start..<position]))
        case 5:
            guard let value = readLittleEndian(UInt32.self) else { return fail() }
            return (field, .fixed32(value))
        default:
            return fail()
        }
    }

    private mutating func fail() -> (field: UInt64, value: Value)? {
        isMalformed = true
        return nil
    }

    private mutating func readVarint() -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while position < bytes.endIndex, shift < 64 {
            let byte = bytes[position]
            position += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
        return nil
    }

    private mutating func readLittleEndian<T: FixedWidthInteger>(_: T.Type) -> T? {
        let size = MemoryLayout<T>.size
        guard bytes.endIndex - position >= size else { return nil }
        var value: T = 0
        for i in 0..<size {
            value |= T(bytes[position + i]) << (8 * i)
        }
        position += size
        return value
    }
}
