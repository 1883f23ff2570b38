import Foundation
import NN
import RL
import RunStorage

/// A language-model run's checkpoint: the model and its optimiser, the
/// frozen SFT model when a KL term needs it, and how far each phase got.
/// Every step draws its randomness from the seed and its own index, so this
/// is all a resumed run needs to write the same rows as an uninterrupted one.
struct LanguageModelCheckpoint: Codable, Sendable {
    var config: RunConfig
    var parameters: [Float]
    var optimizer: Adam
    var referenceParameters: [Float]?
    var sftStepsDone: Int
    var rlStepsDone: Int
    var sftRows: Int
    var progressRows: Int
    var evaluationRows: Int
    var wallSeconds: Double
    /// Training FLOPs so far, SFT's included.
    var flops: Double

    static func read(from directory: RunDirectory, config: RunConfig) throws -> LanguageModelCheckpoint {
        let payload = try Checkpoint.read(from: directory.checkpoint)
        let saved: LanguageModelCheckpoint
        do {
            saved = try JSONDecoder().decode(LanguageModelCheckpoint.self, from: payload)
        } catch {
            throw ConfigFileError("\(directory.checkpoint) does not fit this run: \(RunRecord.describe(error))")
        }
        guard saved.config == config else {
            throw ConfigFileError("\(directory.checkpoint) was written for another configuration than \(directory.config)")
        }
        return saved
    }

    /// `parameters` loaded into a model of the run's shape; one line naming
    /// the file when they do not fit.
    static func model(_ parameters: [Float], config: TransformerConfig, directory: RunDirectory) throws -> Transformer {
        var rng = RNG(seed: 0)
        var model = Transformer(config: config, rng: &rng)
        do {
            try model.loadFlatParameters(parameters)
        } catch {
            throw ConfigFileError("\(directory.checkpoint): \(error)")
        }
        return model
    }

    func write(to directory: RunDirectory) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        try Checkpoint.write(payload: try encoder.encode(self), to: directory.checkpoint)
    }
}
