import Foundation

/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320) — the checksum of
/// zip, gzip and PNG, so a checkpoint's checksum can be cross-checked with
/// everyday tools (`python3 -c "import zlib; print(zlib.crc32(...))"`).
///
/// Written here rather than taken from zlib to keep the library modules on
/// Foundation alone. Table-driven, one byte at a time: checkpoints are a few
/// megabytes at most, so this is far from being a bottleneck.
public enum CRC32 {
    /// The checksum of `bytes`; `CRC32.checksum(Data("123456789".utf8)) == 0xCBF43926`.
    public static func checksum<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        finalize(update(initial, with: bytes))
    }

    /// Streaming use: `var s = CRC32.initial; s = CRC32.update(s, with: part)`
    /// for each part, then `CRC32.finalize(s)`.
    public static let initial: UInt32 = 0xFFFF_FFFF

    public static func update<Bytes: Sequence>(_ state: UInt32, with bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        var crc = state
        for byte in bytes {
            crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }
        return crc
    }

    public static func finalize(_ state: UInt32) -> UInt32 { state ^ 0xFFFF_FFFF }

    private static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 {
            c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1
        }
        return c
    }
}
