import Foundation

/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320) — the checksum of
/// zip, gzip and PNG, so a checkpoint's checksum can be cross-checked with
/// everyday tools (`python3 -c "import zlib; print(zlib.crc32(...))"`).
///
/// Written here rather than taken from zlib to keep the library modules on
/// Foundation alone. Contiguous bytes (`Data`, arrays) go eight at a time
/// through eight tables ("slicing-by-8"): a byte at a time through
/// `Data`'s iterator took 3–4% of a gridworld run, which checksums its
/// 1.6 MB checkpoint every ten updates.
public enum CRC32 {
    /// The checksum of `bytes`; `CRC32.checksum(Data("123456789".utf8)) == 0xCBF43926`.
    public static func checksum<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        finalize(update(initial, with: bytes))
    }

    public static func checksum(_ data: Data) -> UInt32 {
        finalize(update(initial, with: data))
    }

    /// Streaming use: `var s = CRC32.initial; s = CRC32.update(s, with: part)`
    /// for each part, then `CRC32.finalize(s)`.
    public static let initial: UInt32 = 0xFFFF_FFFF

    public static func update<Bytes: Sequence>(_ state: UInt32, with bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        if let crc = bytes.withContiguousStorageIfAvailable({ update(state, bytes: UnsafeRawBufferPointer($0)) }) {
            return crc
        }
        var crc = state
        for byte in bytes {
            crc = tables[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }
        return crc
    }

    public static func update(_ state: UInt32, with data: Data) -> UInt32 {
        data.withUnsafeBytes { update(state, bytes: $0) }
    }

    public static func finalize(_ state: UInt32) -> UInt32 { state ^ 0xFFFF_FFFF }

    /// Slicing-by-8: table k maps a byte to its CRC after k more zero bytes,
    /// so eight bytes fold into the state with eight independent lookups.
    private static func update(_ state: UInt32, bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc = state
        var i = 0
        let n = bytes.count
        tables.withUnsafeBufferPointer { t in
            let t = t.baseAddress!
            while i + 8 <= n {
                let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                let low = UInt32(truncatingIfNeeded: word) ^ crc
                let high = UInt32(truncatingIfNeeded: word >> 32)
                crc = t[7 * 256 + Int(low & 0xFF)] ^ t[6 * 256 + Int((low >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((low >> 16) & 0xFF)] ^ t[4 * 256 + Int(low >> 24)]
                    ^ t[3 * 256 + Int(high & 0xFF)] ^ t[2 * 256 + Int((high >> 8) & 0xFF)]
                    ^ t[1 * 256 + Int((high >> 16) & 0xFF)] ^ t[Int(high >> 24)]
                i += 8
            }
            while i < n {
                crc = t[Int((crc ^ UInt32(bytes[i])) & 0xFF)] ^ (crc >> 8)
                i += 1
            }
        }
        return crc
    }

    /// Eight 256-entry tables, one after another; the first is the classic one.
    private static let tables: [UInt32] = {
        var t = [UInt32](repeating: 0, count: 8 * 256)
        for n in 0..<256 {
            var c = UInt32(n)
            for _ in 0..<8 {
                c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1
            }
            t[n] = c
        }
        for k in 1..<8 {
            for n in 0..<256 {
                let previous = t[(k - 1) * 256 + n]
                t[k * 256 + n] = t[Int(previous & 0xFF)] ^ (previous >> 8)
            }
        }
        return t
    }()
}
