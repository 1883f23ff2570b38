import Foundation

/// Floats as their IEEE-754 bit patterns, little-endian: how tensors and
/// optimiser state are stored in checkpoints — exact to the bit, compact, and
/// fast to write (JSON text of every weight cost 8% of a training run).
extension Array where Element == Float {
    public var float32Bits: Data {
        var data = Data(count: count * 4)
        data.withUnsafeMutableBytes { raw in
            for (i, value) in enumerated() {
                raw.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self)
            }
        }
        return data
    }

    /// Nil when the byte count is not a multiple of four.
    public init?(float32Bits data: Data) {
        guard data.count % 4 == 0 else { return nil }
        let n = data.count / 4
        self = data.withUnsafeBytes { raw in
            (0..<n).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
    }
}
