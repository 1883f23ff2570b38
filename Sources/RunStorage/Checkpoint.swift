import Foundation

/// The container every checkpoint file uses, so that a damaged, truncated or
/// foreign file is refused with a clear message instead of being half-loaded
/// into a model (which would silently corrupt a resumed run).
///
/// Layout, all integers little-endian:
///
/// | bytes | field |
/// |---|---|
/// | 12 | magic `RLTRAIN\0CKPT` |
/// | 4  | container format version (UInt32) |
/// | 8  | payload length (UInt64) |
/// | 4  | CRC-32 (IEEE) of the payload |
/// | n  | payload |
///
/// Every header field is checked on its own (magic, version, length against
/// the file size), and the CRC covers the payload, so any single damaged byte
/// anywhere in the file is detected. The payload is opaque here: the training
/// loop decides what goes in it (JSON, `BinaryWriter`, or both) and versions
/// its own contents.
public enum Checkpoint {
    /// Identifies the file type; the NUL keeps it from reading as text.
    public static let magic = Data("RLTRAIN\0CKPT".utf8)
    /// The container layout version this build writes and reads.
    public static let formatVersion: UInt32 = 1
    /// Bytes before the payload.
    public static let headerSize = 12 + 4 + 8 + 4

    /// Writes `payload` in a checkpoint container to `path`, atomically: a
    /// crash mid-write leaves the previous checkpoint intact.
    public static func write(payload: Data, to path: String) throws(CheckpointError) {
        do {
            try AtomicFile.write(encode(payload: payload), to: path)
        } catch {
            throw .file(error)
        }
    }

    /// Reads and verifies the checkpoint at `path`, returning its payload.
    public static func read(from path: String) throws(CheckpointError) -> Data {
        let bytes: Data
        do {
            bytes = try POSIXFile.readAll(path)
        } catch {
            throw .file(error)
        }
        return try decode(bytes, path: path)
    }

    /// The container bytes for `payload` (what `write` puts on disk).
    public static func encode(payload: Data) -> Data {
        var writer = BinaryWriter()
        var header = magic
        writer.write(formatVersion)
        writer.write(UInt64(payload.count))
        writer.write(CRC32.checksum(payload))
        header.append(writer.data)
        header.append(payload)
        return header
    }

    /// Verifies container bytes and returns the payload; `path` only names
    /// the file in error messages.
    public static func decode(_ bytes: Data, path: String) throws(CheckpointError) -> Data {
        let bytes = Data(bytes) // re-based copy: indices start at zero
        if bytes.count < magic.count, !bytes.isEmpty, magic.prefix(bytes.count) == bytes {
            // Cut off inside the magic: ours, but truncated.
            throw .truncated(path: path, expected: UInt64(headerSize), actual: UInt64(bytes.count))
        }
        guard bytes.count >= magic.count, bytes.prefix(magic.count) == magic else {
            throw .notACheckpoint(path: path)
        }
        guard bytes.count >= headerSize else {
            throw .truncated(path: path, expected: UInt64(headerSize), actual: UInt64(bytes.count))
        }
        var reader = BinaryReader(bytes.subdata(in: magic.count..<headerSize))
        // The header slice is exactly the right size, so these cannot fail.
        let version = (try? reader.readUInt32()) ?? 0
        let length = (try? reader.readUInt64()) ?? 0
        let storedCRC = (try? reader.readUInt32()) ?? 0
        guard version == formatVersion else {
            throw .unsupportedVersion(path: path, found: version, supported: formatVersion)
        }
        let actual = UInt64(bytes.count - headerSize)
        if actual < length {
            throw .truncated(path: path, expected: UInt64(headerSize) + length, actual: UInt64(bytes.count))
        }
        if actual > length {
            throw .trailingBytes(path: path, expected: UInt64(headerSize) + length, actual: UInt64(bytes.count))
        }
        let payload = bytes.subdata(in: headerSize..<bytes.count)
        let computedCRC = CRC32.checksum(payload)
        guard computedCRC == storedCRC else {
            throw .checksumMismatch(path: path, stored: storedCRC, computed: computedCRC)
        }
        return payload
    }
}

/// Why a checkpoint was refused; each renders as one line naming the file.
public enum CheckpointError: Error, Equatable, Sendable, CustomStringConvertible {
    case file(FileError)
    case notACheckpoint(path: String)
    case unsupportedVersion(path: String, found: UInt32, supported: UInt32)
    case truncated(path: String, expected: UInt64, actual: UInt64)
    case trailingBytes(path: String, expected: UInt64, actual: UInt64)
    case checksumMismatch(path: String, stored: UInt32, computed: UInt32)

    public var description: String {
        switch self {
        case let .file(error):
            "checkpoint: \(error)"
        case let .notACheckpoint(path):
            "checkpoint \(path): not an rltrain checkpoint (wrong magic bytes)"
        case let .unsupportedVersion(path, found, supported):
            "checkpoint \(path): checkpoint format version \(found), this rltrain reads \(supported)"
        case let .truncated(path, expected, actual):
            "checkpoint \(path): truncated, \(actual) bytes of \(expected)"
        case let .trailingBytes(path, expected, actual):
            "checkpoint \(path): damaged, \(actual) bytes where the header announces \(expected)"
        case let .checksumMismatch(path, stored, computed):
            "checkpoint \(path): damaged, checksum \(hex(computed)) does not match stored \(hex(stored))"
        }
    }
}

private func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
}

// So that `error.localizedDescription` shows the same single line.
extension CheckpointError: LocalizedError {
    public var errorDescription: String? { description }
}
