import Foundation
import RL
import Environments
import ExperimentsTestSupport
@testable import Experiments
@testable import RunStorage

// The same file is in rltrainTests: it decodes Experiments' internal
// CheckpointPayload, which only a test target's @testable import reaches
// (ExperimentsTestSupport is a plain target that `swift build` compiles too).
extension RunFixtures {
    /// The checkpoint's payload bytes with `wallSeconds` zeroed and the run
    /// name blanked (it names the directory): everything else must match.
    static func comparablePayload(_ path: String, env: TestEnvironment) throws -> Data {
        let payload = try Checkpoint.read(from: path)
        switch env {
        case .gridworld: return try normalise(payload, as: GridworldEnvironment.self)
        case .arithmetic: return try normalise(payload, as: ArithmeticEnvironment.self)
        }
    }

    static func normalise<E: Environment>(_ payload: Data, as: E.Type) throws -> Data {
        var decoded = try JSONDecoder().decode(CheckpointPayload<E>.self, from: payload)
        decoded.wallSeconds = 0
        decoded.config.run.runName = nil
        decoded.config.run.runsDir = ""
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return try encoder.encode(decoded)
    }
}
