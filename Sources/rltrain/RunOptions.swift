import ArgumentParser
import Experiments

struct RunOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Directory that holds run directories (default runs).")
    var runsDir: String?
    @Option(parsing: .unconditional, help: "Name of this run's directory (default <env>-<seed>-<timestamp>).")
    var runName: String?
    @Option(parsing: .unconditional, help: "Write a checkpoint every this many updates, and at the end (default 10).")
    var checkpointEvery: Int?
    @Option(parsing: .unconditional, help: "Confine the run to this many cores (for wall-clock comparisons; default: all).")
    var cores: Int?
    @Flag(help: "Also write TensorBoard event files into the run directory (tensorboard --logdir runs).")
    var tensorboard = false
    @Flag(help: "Print nothing but errors.")
    var quiet = false

    /// The flags given that set a run's settings (`--quiet` sets none).
    var settingFlagsGiven: [String] {
        [("runs-dir", runsDir != nil), ("run-name", runName != nil), ("checkpoint-every", checkpointEvery != nil),
         ("cores", cores != nil), ("tensorboard", tensorboard)].filter(\.1).map { "--\($0.0)" }
    }

    func apply(to r: inout RunConfig.RunSettings) {
        if let runsDir { r.runsDir = runsDir }
        if let runName { r.runName = runName }
        if let checkpointEvery { r.checkpointEvery = checkpointEvery }
        if let cores { r.cores = cores }
        if tensorboard { r.tensorboard = true }
    }
}
