import Foundation

/// The files of one run, all under `<runs-dir>/<run-name>/`.
public struct RunDirectory: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    public var config: String { file("config.json") }
    public var progress: String { file("progress.csv") }
    public var pretrain: String { file("pretrain.csv") }
    public var checkpoint: String { file("checkpoint.bin") }
    public var evaluations: String { file("eval.csv") }
    public var curves: String { file("curves.svg") }

    public func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    public var exists: Bool { FileManager.default.fileExists(atPath: config) }

    /// Creates the directory (and its parents); one clear line on failure.
    public func create() throws(FileError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            let code = ((error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError)?.code ?? Int(EIO)
            throw FileError("create directory", path: path, code: Int32(code))
        }
        guard access(path, W_OK) == 0 else { throw FileError("write to", path: path, code: errno) }
    }

    /// A run killed inside `AtomicFile.write` leaves its hidden temporary file
    /// (`.checkpoint.bin.tmp-XXXXXX`); the real files are whole. Called when
    /// a run (re)starts, when nothing else writes the directory.
    public func removeTemporaryFiles() {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        where name.hasPrefix(".") && name.contains(".tmp-") {
            try? FileManager.default.removeItem(atPath: file(name))
        }
    }
}
