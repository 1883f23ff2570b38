import Foundation
import Synchronization
import RunStorage
import Environments
import Experiments

/// Runs the runs of a sweep plan that belong to a shard, `jobs` at a time,
/// in-process. Each run is a normal run directory under `<out>/runs/`; a run
/// is done when its `sweep-done.json` marker exists (training finished and
/// the sweep's evaluations appended). Anything else is resumed: a run
/// directory with a checkpoint continues from it (`TrainingRun.resume`), one
/// without starts over, and a finished run whose evaluations were cut short
/// gets them again. So a crashed or stopped sweep, started again with the
/// same command, continues where it was.
public struct SweepRunner: Sendable {
    public var plan: SweepPlan
    public var shard: SweepShard
    /// Runs trained side by side, each on its own thread. Every run also
    /// starts `--workers` rollout threads, so jobs × workers should not
    /// exceed the cores by much.
    public var jobs: Int
    /// Sweep-level progress; runs themselves are always quiet.
    public var console: Console
    /// Asked between runs and after every update: true stops the sweep
    /// after checkpointing the runs in progress.
    public var shouldStop: @Sendable () -> Bool
    /// Trains (or resumes) the run in a directory in a process of its own;
    /// runs confined to some cores (`--cores`) need one. The CLI starts
    /// `rltrain --resume DIR` and maps its exit status back.
    public var launchInOwnProcess: (@Sendable (RunDirectory) throws -> TrainingRun.Outcome)?

    public static let doneMarker = "sweep-done.json"
    /// The sweep file as given, kept in the output directory for `rltrain report`.
    public static let specFile = "sweep.json"

    public init(
        plan: SweepPlan, shard: SweepShard = .all, jobs: Int = 1, console: Console = Console(),
        shouldStop: @escaping @Sendable () -> Bool = { false }
    ) {
        self.plan = plan
        self.shard = shard
        self.jobs = max(1, jobs)
        self.console = console
        self.shouldStop = shouldStop
    }

    public struct Outcome: Sendable, Equatable {
        /// Runs of this shard.
        public var total = 0
        /// Already done before this call.
        public var skipped = 0
        /// Trained (or completed) by this call.
        public var completed = 0
        public var failures: [String] = []
        public var interrupted = false
    }

    /// Whether the run in `directory` is done (trained and evaluated).
    public static func isDone(_ directory: RunDirectory) -> Bool {
        FileManager.default.fileExists(atPath: directory.file(doneMarker))
    }

    public func run() throws -> Outcome {
        try prepareOutputDirectory()
        let entries = plan.entries.filter { shard.contains($0.run) }
        var outcome = Outcome()
        outcome.total = entries.count
        var pending: [SweepPlan.Entry] = []
        for entry in entries {
            if Self.isDone(entry.directory) {
                try checkSameConfig(entry)
                outcome.skipped += 1
            } else {
                pending.append(entry)
            }
        }
        let shardText = shard.count > 1 ? " (shard \(shard), \(entries.count) of \(plan.entries.count) runs)" : ""
        console.line("sweep \(plan.spec.name)\(shardText): \(outcome.total) runs, \(outcome.skipped) already done, \(pending.count) to run, \(jobs) at a time → \(plan.outDirectory)")
        guard !pending.isEmpty else { return outcome }
        let queue = pending

        let totalWeight = pending.reduce(0.0) { $0 + Self.weight($1.config) }
        struct Shared {
            var next = 0
            var doneWeight = 0.0
            var completed = 0
            var failures: [String] = []
            var interrupted = false
        }
        let shared = Mutex(Shared())
        let clock = ContinuousClock()
        let started = clock.now
        let doneBefore = outcome.skipped
        let total = outcome.total
        let runner = self

        @Sendable func work() {
            while true {
                let entry: SweepPlan.Entry? = shared.withLock { s in
                    if s.interrupted || runner.shouldStop() || s.next >= queue.count { return nil }
                    defer { s.next += 1 }
                    return queue[s.next]
                }
                guard let entry else { return }
                let runStarted = clock.now
                do {
                    let finished = try runner.runOne(entry)
                    let seconds = (clock.now - runStarted).seconds
                    let line: String = shared.withLock { s in
                        guard finished else {
                            s.interrupted = true
                            return "stopped during \(entry.run.name); run the same command again to continue"
                        }
                        s.completed += 1
                        s.doneWeight += Self.weight(entry.config)
                        let elapsed = (clock.now - started).seconds
                        let eta = elapsed / s.doneWeight * (totalWeight - s.doneWeight)
                        return "[\(doneBefore + s.completed + s.failures.count)/\(total)] \(entry.run.name) done in \(Console.duration(seconds))\(runner.finalText(entry)) · ETA \(s.doneWeight >= totalWeight ? "0:00" : Console.duration(eta))"
                    }
                    runner.console.line(line)
                } catch {
                    let message = "\(entry.run.name): \(SweepPlan.oneLine(error))"
                    let count = shared.withLock { s in
                        s.failures.append(message)
                        return doneBefore + s.completed + s.failures.count
                    }
                    runner.console.line("[\(count)/\(total)] FAILED \(message)")
                }
            }
        }

        let group = DispatchGroup()
        for _ in 0..<min(jobs, pending.count) {
            group.enter()
            let thread = Thread {
                work()
                group.leave()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        group.wait()
        let result = shared.withLock { $0 }
        outcome.completed = result.completed
        outcome.failures = result.failures
        outcome.interrupted = result.interrupted || shouldStop()
        return outcome
    }

    /// Relative cost of a run for the ETA: env steps, plus a fixed cost for
    /// the warm start and evaluations, times the network's size (a rough
    /// model; the ETA is refined as runs finish).
    static func weight(_ config: RunConfig) -> Double {
        let widths = config.network.hidden
        let params = zip([8] + widths, widths + [8]).reduce(0) { $0 + $1.0 * $1.1 }
        return (Double(config.ppo.totalTimesteps) + config.environment.warmStartCost) * (1 + Double(params) / 1000)
    }

    func finalText(_ entry: SweepPlan.Entry) -> String {
        let metric = plan.spec.effectiveThreshold.metric
        guard let table = try? CSVTable(path: entry.directory.progress),
              let value = (try? table.doubles(metric))?.last(where: { $0 != nil }) ?? nil else { return "" }
        return " · \(metric) \(String(format: "%.3f", value))"
    }

    /// Creates `<out>` and records the sweep file; refuses a directory that
    /// holds a different sweep.
    func prepareOutputDirectory() throws {
        let out = RunDirectory(path: plan.outDirectory)
        try out.create()
        let specPath = out.file(Self.specFile)
        if let data = FileManager.default.contents(atPath: specPath) {
            let existing = try SweepJSON.parse(String(decoding: data, as: UTF8.self), source: specPath)
            guard existing == plan.spec.json else {
                throw SweepError("\(plan.outDirectory) holds another sweep (its sweep.json differs from this file); choose another --out")
            }
        } else {
            try AtomicFile.write(Self.render(plan.spec.json) + "\n", to: specPath)
        }
    }

    func checkSameConfig(_ entry: SweepPlan.Entry) throws {
        let record = try RunRecord.read(from: entry.directory)
        var saved = record.config
        saved.run.runsDir = entry.config.run.runsDir
        saved.run.runName = entry.config.run.runName
        guard saved == entry.config else {
            throw SweepError("\(entry.directory.path) was trained with other settings than the sweep file gives now; choose another --out")
        }
    }

    /// Trains (or resumes) one run, then evaluates it; false if interrupted.
    func runOne(_ entry: SweepPlan.Entry) throws -> Bool {
        // A lock per run, so that two sweeps started on the same directory
        // by mistake never write one run's files at the same time.
        try entry.directory.create()
        let lockPath = entry.directory.file("sweep.lock")
        let fd = open(lockPath, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileError("create", path: lockPath, code: errno) }
        defer { close(fd) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            throw SweepError("\(entry.directory.path) is being trained by another process (\(lockPath) is locked)")
        }
        let options = TrainingRun.Options(console: Console(quiet: true), shouldStop: shouldStop)
        let outcome: TrainingRun.Outcome
        if entry.config.run.cores != nil {
            // A core mask holds for a whole process: such a run gets one of its own.
            guard let launch = launchInOwnProcess else {
                throw SweepError("\(entry.run.name): --cores needs a process per run; run the sweep with the rltrain command")
            }
            if entry.directory.exists { try checkSameConfig(entry) } else { _ = try TrainingRun.create(entry.config) }
            outcome = try launch(entry.directory)
        } else if entry.directory.exists {
            try checkSameConfig(entry)
            outcome = try TrainingRun.resume(entry.directory, options: options)
        } else {
            outcome = try TrainingRun.start(entry.config, options: options).1
        }
        if outcome == .interrupted { return false }
        try evaluate(entry)
        try AtomicFile.write("{\"run\": \"\(entry.run.name)\"}\n", to: entry.directory.file(Self.doneMarker))
        return true
    }

    /// Appends the sweep's evaluations to the run's eval.csv, first dropping
    /// `eval` rows left by an evaluation that was cut short.
    func evaluate(_ entry: SweepPlan.Entry) throws {
        let e = plan.spec.evaluation
        guard e.enabled else { return }
        let path = entry.directory.evaluations
        if FileManager.default.fileExists(atPath: path) {
            let table = try CSVTable(path: path)
            // `stage` in the MLP's eval.csv, `phase` in a language model's.
            if let stage = table.columnIndex("stage") ?? table.columnIndex("phase"), table.rows.contains(where: { $0[stage] == "eval" }) {
                let kept = table.rows.filter { $0[stage] != "eval" }
                let text = ([table.columns] + kept).map { CSVWriter.line($0.map(CSVField.text)) }.joined()
                try AtomicFile.write(text, to: path)
            }
        }
        for request in e.requests {
            try RunEvaluation.evaluate(entry.directory, arguments: request, console: Console(quiet: true))
        }
    }

    /// Pretty JSON text preserving key order.
    static func render(_ value: SweepJSON, indent: String = "") -> String {
        let inner = indent + "  "
        switch value {
        case let .object(members):
            if members.isEmpty { return "{}" }
            return "{\n" + members.map { "\(inner)\(jsonString($0.key)): \(render($0.value, indent: inner))" }.joined(separator: ",\n") + "\n\(indent)}"
        case let .array(items):
            let flat = items.map { render($0, indent: inner) }
            return "[" + flat.joined(separator: ", ") + "]"
        case let .string(s): return jsonString(s)
        default: return value.compactText
        }
    }

    static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }
}
