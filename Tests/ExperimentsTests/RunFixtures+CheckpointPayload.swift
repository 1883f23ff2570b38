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

    /// Rewrites the run's checkpoint with `damage` applied: a valid container
    /// around a payload that does not fit its run. False (and nothing
    /// written) when the checkpoint has nothing the damage could change.
    static func damageCheckpoint(_ directory: RunDirectory, env: TestEnvironment, _ damage: CheckpointDamage) throws -> Bool {
        switch env {
        case .gridworld: return try damageCheckpoint(directory, damage, as: GridworldEnvironment.self)
        case .arithmetic: return try damageCheckpoint(directory, damage, as: ArithmeticEnvironment.self)
        }
    }

    static func damageCheckpoint<E: Environment>(_ directory: RunDirectory, _ damage: CheckpointDamage, as: E.Type) throws -> Bool {
        var payload = try JSONDecoder().decode(CheckpointPayload<E>.self, from: try Checkpoint.read(from: directory.checkpoint))
        guard damage.applies(to: payload.state) else { return false }
        try damage.apply(to: &payload.state)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = damage.edit(String(decoding: try encoder.encode(payload), as: UTF8.self))
        try Checkpoint.write(payload: Data(json.utf8), to: directory.checkpoint)
        return true
    }
}
