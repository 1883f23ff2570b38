import Foundation

/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) — the checksum
/// TFRecord files, and so TensorBoard event files, put around every record.
///
/// A sibling of `CRC32` rather than a parameter of it: the two are never
/// mixed, and a file that names its polynomial cannot be handed the wrong
/// table. Table-driven, one byte at a time: event records are a few hundred
/// bytes, written once per update.
public enum CRC32C {
    /// The checksum of `bytes`; `CRC32C.checksum(Data("123456789".utf8)) == 0xE3069283`.
    public static func checksum<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }
        return crc ^ 0xFFFF_FFFF
    }

    /// TFRecord's masked checksum. TensorFlow masks because a CRC computed
    /// over data that itself embeds CRCs is weak; readers compare against
    /// this value, so it must match bit for bit.
    public static func masked<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        mask(checksum(bytes))
    }

    /// `((crc >> 15) | (crc << 17)) + 0xa282ead8`, wrapping.
    public static func mask(_ crc: UInt32) -> UInt32 {
        ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
    }

    private static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 {
            c = (c & 1) != 0 ? 0x82F6_3B78 ^ (c >> 1) : c >> 1
        }
        return c
    }
}
