import ArgumentParser
import Foundation
import RunStorage
import Sweeps

/// `rltrain report DIR [DIR…]`: rebuilds a sweep's CSVs, figures and
/// index.html from its runs, merging the directories of several shards.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Rebuild a sweep's sweep.csv, summary.csv, figures and index.html; merges shards.",
        discussion: """
            Each DIR is the output directory of `rltrain sweep` (or a copy holding at least \
            sweep.json and sweep.csv). Runs found in several DIRs are counted once. The report is \
            written to --out, by default the first DIR.
            """)

    @Argument(help: "Sweep output directories (e.g. one per shard).")
    var directories: [String]

    @Option(parsing: .unconditional, help: ArgumentHelp("Where to write the report (default: the first DIR).", valueName: "dir"))
    var out: String?

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        guard !directories.isEmpty else { throw ValidationError("name at least one sweep directory") }
    }

    func run() throws {
        let console = Console(quiet: quiet)
        let report = try SweepReport.build(from: directories, outDirectory: out ?? directories[0])
        console.line("\(report.runs) runs of \(report.points) points (\(report.expectedRuns) in the sweep file)")
        for line in report.written { console.line("wrote \(line)") }
    }
}
