import ArgumentParser
import Foundation
import RunStorage
import Experiments
import Sweeps

/// `rltrain sweep FILE.json`: trains every point of a sweep (resuming what is
/// done), then writes sweep.csv, summary.csv, the figures and index.html.
struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run a grid of training runs that double one axis at a time, then report.",
        discussion: """
            FILE is a JSON sweep file (see docs/sweeps.md). Every run gets its own run directory \
            under DIR/runs; runs already done are skipped, so running the same command again \
            continues a stopped or crashed sweep. --shard k/n runs every n-th run starting at the k-th, \
            for job schedulers (e.g. a Slurm array sbatch --array=1-N: --shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT); \
            merge the shards' directories with `rltrain report DIR…`. --jobs J trains J runs side by side; \
            each run also starts --workers rollout threads, so keep jobs × workers near the core count.
            """)

    @Argument(help: "The sweep file (JSON).")
    var file: String

    @Option(help: ArgumentHelp("Output directory (default sweeps/<file name>).", valueName: "dir"))
    var out: String?

    @Option(help: ArgumentHelp("Run only shard k of n (every n-th run, starting at the k-th).", valueName: "k/n"))
    var shard: String?

    @Option(help: "Runs to train side by side on this machine.")
    var jobs: Int = 1

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        guard jobs >= 1 && jobs <= 256 else { throw ValidationError("--jobs must be between 1 and 256, got \(jobs)") }
        if let shard { _ = try SweepShard(parsing: shard) }
    }

    /// The CLI's own parser: a sweep accepts exactly what `rltrain train` accepts.
    static let builder: SweepConfigBuilder = { arguments in
        do {
            return try Train.parse(arguments).makeConfig()
        } catch {
            throw SweepError(Train.message(for: error))
        }
    }

    func run() throws {
        try DataParallel.refuse("sweep")
        let spec = try SweepSpec(contentsOfFile: file)
        let outDirectory = out ?? "sweeps/" + URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        let plan = try SweepPlan(spec: spec, outDirectory: outDirectory, builder: Self.builder)
        try CommandErrors.checkBLAS()
        let interrupt = InterruptFlag()
        interrupt.install()
        let console = Console(quiet: quiet)
        var runner = SweepRunner(
            plan: plan, shard: try shard.map { try SweepShard(parsing: $0) } ?? .all, jobs: jobs,
            console: console, shouldStop: { interrupt.isRaised })
        runner.launchInOwnProcess = Self.launch
        let clock = ContinuousClock()
        let started = clock.now
        let outcome = try runner.run()
        let seconds = (clock.now - started).seconds
        console.line("sweep: \(outcome.completed) runs trained, \(outcome.skipped) skipped, \(outcome.failures.count) failed in \(Console.duration(seconds))")
        if outcome.interrupted { throw ExitCode(130) }
        let report = try SweepReport.build(from: [outDirectory], outDirectory: outDirectory)
        for line in report.written { console.line("wrote \(line)") }
        if !outcome.failures.isEmpty {
            // Runs that failed (NaN, full disk) are a failed sweep, not bad input: status 1.
            let message = "\(outcome.failures.count) run\(outcome.failures.count == 1 ? "" : "s") failed; first: \(outcome.failures[0])"
            FileHandle.standardError.write(Data("rltrain: \(message)\n".utf8))
            throw ExitCode.failure
        }
    }

    /// `rltrain --resume DIR --quiet` in a child process (this executable):
    /// exit 0 is a finished run, 130 an interrupted one; anything else fails
    /// the run with the child's last line on stderr.
    static func launch(_ directory: RunDirectory) throws -> TrainingRun.Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        if let path = Bundle.main.executablePath { process.executableURL = URL(fileURLWithPath: path) }
        process.arguments = ["--resume", directory.path, "--quiet"]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        switch process.terminationStatus {
        case 0: return .finished
        case 130: return .interrupted
        default:
            let line = message.split(separator: "\n").last.map(String.init) ?? "exit status \(process.terminationStatus)"
            throw SweepError(line.hasPrefix("rltrain: ") ? String(line.dropFirst("rltrain: ".count)) : line)
        }
    }
}
