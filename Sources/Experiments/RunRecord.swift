import Foundation
import Tensor
import RunStorage

/// What `config.json` holds: every setting, plus what the run ran on.
public struct RunRecord: Codable, Sendable, Equatable {
    public var config: RunConfig
    public var blasBackend: String
    public var blasVersion: String
    public var rltrainVersion: String

    public static let currentVersion = "0.1.0"

    /// The record of a run of `config` on this process's GEMM backend.
    public init(config: RunConfig) {
        self.config = config
        blasBackend = BLAS.shared.backend.rawValue
        blasVersion = BLAS.shared.version
        rltrainVersion = RunRecord.currentVersion
    }

    public func write(to directory: RunDirectory) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(self)
        try AtomicFile.write(data + Data("\n".utf8), to: directory.config)
    }

    /// Reads `config.json`; a missing or damaged file is one clear line.
    public static func read(from directory: RunDirectory) throws(ConfigFileError) -> RunRecord {
        guard let data = FileManager.default.contents(atPath: directory.config) else {
            throw ConfigFileError("\(directory.path) is not a run directory (no readable config.json)")
        }
        do {
            let record = try JSONDecoder().decode(RunRecord.self, from: data)
            try record.config.validate()
            return record
        } catch {
            throw ConfigFileError("\(directory.config) is damaged: \(RunRecord.describe(error))")
        }
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context):
            return context.underlyingError.map { "\($0.localizedDescription)" } ?? context.debugDescription
        case DecodingError.keyNotFound(let key, _):
            return "missing key '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return "wrong type at '\(path)': \(context.debugDescription)"
        default:
            return "\(error)"
        }
    }
}

public struct ConfigFileError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
