#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Writes scalars to a TensorBoard event file,
/// `<directory>/events.out.tfevents.<seconds>.<hostname>`, so that
/// `tensorboard --logdir runs` shows a run's curves live, next to CleanRL's.
///
/// The file is TFRecord-framed (`TFRecord`) protobuf `Event`s
/// (`TensorBoardEvent`): first `file_version: "brain.Event:2"`, then one
/// event per `append`, holding every scalar of that step. As with
/// `CSVWriter`, each event reaches the kernel in one `write(2)` as soon as it
/// is appended, so a killed run leaves whole records except possibly a cut
/// last one, which TensorBoard's reader stops at; `sync()` puts them on disk.
///
/// Resuming (`init(resuming:firstStep:)`): a run that was stopped and
/// continues from its checkpoint logs again the steps after that checkpoint,
/// and TensorBoard (file version 2) would show both copies, since it merges
/// all event files of a directory and drops nothing on its own. So a resumed
/// writer first cuts every existing event file in the directory just before
/// its first event at a step ≥ `firstStep` (and at any damaged or partial
/// record), then starts a new file, whose name sorts after the old ones
/// because TensorBoard reads a directory's files in name order. The old
/// files are cut, never rewritten, so their surviving events stay as they
/// were. The caller passes the first step it will log again — for a run
/// whose `progress.csv` keeps the rows up to `env_steps` = S, that is S + 1 —
/// and the writer refuses steps below it. Within one writer, steps must not
/// decrease; this is what makes "cut at the first step ≥ firstStep" drop
/// exactly the steps to be logged again. A TensorBoard already running
/// while a run resumes may keep showing the events it had loaded before the
/// cut until it is restarted; one started afterwards shows each step once.
///
/// Values are stored as `simple_value`, a Float32, as TensorBoard's scalar
/// dashboard expects: integers above 2^24 and doubles keep about 7 digits.
///
/// Not thread-safe: one writer per directory, used from one task at a time.
public final class TensorBoardWriter {
    /// Event file names start with this; TensorBoard recognises them by "tfevents".
    public static let fileNamePrefix = "events.out.tfevents."

    public let directory: String
    /// The event file this writer appends to.
    public let path: String
    private var fd: Int32
    /// File size after the last whole record, to undo a record cut short by a failed write.
    private var size: off_t
    /// The lowest step `append` still accepts.
    private var minimumStep: Int64

    /// Starts a new event file in `directory`, which must exist. Event files
    /// already there are left as they are (TensorBoard shows them all); for
    /// a directory that may hold events of an earlier attempt of the same
    /// run, use `init(resuming:firstStep:)`.
    ///
    /// `wallTime` (seconds since 1970) goes into the file's first event and
    /// its name.
    public convenience init(directory: String, wallTime: Double = Date().timeIntervalSince1970) throws(FileError) {
        try self.init(directory: directory, minimumStep: .min, wallTime: wallTime)
    }

    /// Continues a run's events in `directory` from `firstStep`: cuts each
    /// existing event file before its first event at a step ≥ `firstStep`,
    /// then starts a new file (see the type's documentation). Steps below
    /// `firstStep` cannot be appended. `firstStep: 0` keeps no events.
    public convenience init(resuming directory: String, firstStep: Int64, wallTime: Double = Date().timeIntervalSince1970) throws(FileError) {
        for name in try TensorBoardWriter.eventFiles(in: directory) {
            try TensorBoardWriter.cut((directory as NSString).appendingPathComponent(name), atFirstStep: firstStep)
        }
        try self.init(directory: directory, minimumStep: firstStep, wallTime: wallTime)
    }

    private init(directory: String, minimumStep: Int64, wallTime: Double) throws(FileError) {
        self.directory = directory
        self.minimumStep = minimumStep
        // The name's seconds only order the files: later than every existing
        // one, even if the clock went back or a previous writer started in
        // the same second.
        let existing = try TensorBoardWriter.eventFiles(in: directory).compactMap(TensorBoardWriter.timestamp)
        let seconds = max(Int64(exactly: wallTime.rounded(.down)) ?? 0, (existing.max() ?? -1) + 1)
        let opened = try TensorBoardWriter.createFile(in: directory, seconds: seconds)
        fd = opened.fd
        path = opened.path
        size = 0
        do throws(FileError) {
            try write(TensorBoardEvent.header(wallTime: wallTime))
            try POSIXFile.sync(fd, path: path)
            try POSIXFile.syncDirectory(directory)
        } catch {
            close()  // deinit still runs for an init that throws here
            _ = unlink(path)
            throw error
        }
    }

    deinit {
        if fd >= 0 { POSIXFile.close(fd) }
    }

    /// Appends one event holding `scalars` at `step`; nothing when `scalars`
    /// is empty. `wallTime` is seconds since 1970 (TensorBoard's "relative"
    /// and "wall" axes). Steps must not decrease, nor go below a resumed
    /// writer's `firstStep`.
    public func append(step: Int64, wallTime: Double = Date().timeIntervalSince1970, scalars: [(tag: String, value: Double)]) throws(FileError) {
        precondition(step >= minimumStep, "TensorBoardWriter: step \(step) is below \(minimumStep); steps must not decrease nor go below firstStep")
        guard fd >= 0 else { throw FileError("write", path: path, code: EBADF) }
        guard !scalars.isEmpty else { return }
        try write(TensorBoardEvent.scalars(step: step, wallTime: wallTime, scalars.map { ($0.tag, Float($0.value)) }))
        minimumStep = step
    }

    /// Forces the events written so far onto the disk.
    public func sync() throws(FileError) {
        guard fd >= 0 else { throw FileError("sync", path: path, code: EBADF) }
        try POSIXFile.sync(fd, path: path)
    }

    /// Closes the file; later appends throw. Also done on deinit. Call
    /// `sync()` first if the events must survive a machine crash.
    public func close() {
        if fd >= 0 { POSIXFile.close(fd) }
        fd = -1
    }

    /// Frames `event` and writes it in one go.
    private func write(_ event: [UInt8]) throws(FileError) {
        let record = TFRecord.frame(event)
        do {
            try POSIXFile.writeAll(fd, Data(record), path: path)
        } catch {
            // E.g. the disk filled up mid-record: cut the partial record off,
            // or every later record would be unreadable behind it.
            _ = ftruncate(fd, size)
            throw error
        }
        size += off_t(record.count)
    }

    /// Creates `events.out.tfevents.<seconds>.<hostname>`, or, if another
    /// writer got there first, the same name at the next free second; never
    /// opens an existing file.
    private static func createFile(in directory: String, seconds: Int64) throws(FileError) -> (fd: Int32, path: String) {
        let host = hostname()
        var seconds = seconds
        var attempts = 0
        while true {
            let path = (directory as NSString).appendingPathComponent(fileNamePrefix + padded(seconds) + "." + host)
            do throws(FileError) {
                return (try POSIXFile.open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND, operation: "create"), path)
            } catch where error.code == EEXIST && attempts < 1000 {
                seconds += 1
                attempts += 1
            }
        }
    }

    /// Names (not paths) of the event files in `directory`, sorted as
    /// TensorBoard reads them.
    static func eventFiles(in directory: String) throws(FileError) -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            let code = ((error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError)?.code ?? Int(ENOENT)
            throw FileError("list", path: directory, code: Int32(code))
        }
        return names.filter { $0.hasPrefix(fileNamePrefix) }.sorted()
    }

    /// Cuts the event file at `path` just before its first event at a step
    /// ≥ `firstStep` other than its file-version header, or before its first
    /// damaged or partial record, whichever comes first.
    static func cut(_ path: String, atFirstStep firstStep: Int64) throws(FileError) {
        let bytes = [UInt8](try POSIXFile.readAll(path))
        var keep = 0
        for record in TFRecord.records(in: bytes) {
            guard let event = TensorBoardEvent.stepAndKind(record.data) else { break }
            if !event.isHeader && event.step >= firstStep { break }
            keep = record.end
        }
        guard keep < bytes.count else { return }
        let fd = try POSIXFile.open(path, O_WRONLY, operation: "open")
        defer { POSIXFile.close(fd) }
        if ftruncate(fd, off_t(keep)) != 0 { throw FileError.last("truncate", path: path) }
        try POSIXFile.sync(fd, path: path)
    }

    /// The seconds in an event file's name, `events.out.tfevents.<seconds>.…`.
    static func timestamp(_ name: String) -> Int64? {
        guard name.hasPrefix(fileNamePrefix) else { return nil }
        return Int64(name.dropFirst(fileNamePrefix.count).prefix { $0 != "." })
    }

    /// Ten digits, as TensorFlow writes them, so that names sort by time.
    private static func padded(_ seconds: Int64) -> String {
        let digits = String(seconds)
        return String(repeating: "0", count: max(0, 10 - digits.count)) + digits
    }

    private static func hostname() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "localhost" : name.replacingOccurrences(of: "/", with: "_")
    }
}
