import Foundation
import Tensor
import RL
import RunStorage
import Experiments

/// Which errors are the user's input and which are a run failing.
enum CommandErrors {
    /// The first line of ArgumentParser's own message for the error (which
    /// falls back to the error's description for errors not its own).
    static func message(for error: any Error) -> String {
        let text = RLTrain.message(for: error)
        return text.split(separator: "\n").first.map(String.init) ?? text
    }

    /// Refuses to start when `RLTRAIN_BLAS` asks for a backend that cannot
    /// be had (`BLAS.shared` would fall back to the Swift kernel silently).
    static func checkBLAS() throws {
        _ = try BLAS.resolve(ProcessInfo.processInfo.environment["RLTRAIN_BLAS"])
    }

    /// A run that failed on its own (numerics, disk) rather than on bad input.
    static func isRuntimeFailure(_ error: any Error) -> Bool {
        switch error {
        case is TrainingError: true
        case let error as FileError: error.operation != "open" || error.code != ENOENT
        case let error as CSVError:
            if case .file = error { true } else { false }
        case let error as CheckpointError:
            // Writing a checkpoint onto a full disk is the run failing; a
            // missing or damaged checkpoint file is the user's input.
            if case .file(let file) = error { file.operation != "open" || file.code != ENOENT } else { false }
        default: false
        }
    }
}
