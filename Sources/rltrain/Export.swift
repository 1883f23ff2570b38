import ArgumentParser
import Foundation
import RunStorage
import Experiments

/// `rltrain export RUN_DIR --format safetensors`: a language-model run's
/// weights for other tools.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a language-model run's weights as safetensors, with config.json and a logits check.",
        discussion: """
            Writes model.safetensors (GPT-2 tensor names, Float32, every matrix [inputs, outputs]), config.json \
            (the shape and the vocabulary) and check.json (a token sequence and rltrain's logits for it). \
            python3 Benchmarks/language-model/check_export.py DIR reproduces those logits in numpy.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case safetensors }

    @Argument(help: "The run directory (holding config.json and checkpoint.bin) of a --policy transformer run.")
    var runDir: String

    @Option(help: "The file format (only safetensors).")
    var format: Format = .safetensors

    @Option(help: ArgumentHelp("Directory to write into (default RUN_DIR/export).", valueName: "dir"))
    var out: String?

    func run() throws {
        try DataParallel.refuse("export")
        try CommandErrors.checkBLAS()
        let output = out ?? (runDir as NSString).appendingPathComponent("export")
        let files = try LanguageModelExport.export(RunDirectory(path: runDir), to: output)
        Console().line("wrote \(files.joined(separator: ", "))")
    }
}
