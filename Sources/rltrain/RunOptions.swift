import ArgumentParser
import Experiments

struct RunOptions: ParsableArguments {
    @Option(help: "Directory that holds run directories (default runs).")
    var runsDir: String?
    @Option(help: "Name of this run's directory (default <env>-<seed>-<timestamp>).")
    var runName: String?
    @Option(help: "Write a checkpoint every this many updates, and at the end (default 10).")
    var checkpointEvery: Int?
    @Option(help: "Confine the run to this many cores (for wall-clock comparisons; default: all).")
    var cores: Int?
    @Flag(help: "Print nothing but errors.")
    var quiet = false

    func apply(to r: inout RunConfig.RunSettings) {
        if let runsDir { r.runsDir = runsDir }
        if let runName { r.runName = runName }
        if let checkpointEvery { r.checkpointEvery = checkpointEvery }
        if let cores { r.cores = cores }
    }
}
