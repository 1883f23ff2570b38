@testable import RL

/// A corridor of `length` cells: action 1 moves right, 0 left, 2 is masked
/// everywhere (so sampling it would be a bug). Reaching the right end
/// terminates with reward 1; `limit` steps truncate with reward 0.
struct Corridor: Environment {
    var length = 4
    var limit = 12
    var position = 0
    var steps = 0
    var reward = 0.0

    var observationSize: Int { length }
    var actionCount: Int { 3 }

    mutating func reset(rng: inout RNG) {
        position = rng.int(below: 2)
        steps = 0
        reward = 0
    }

    func writeObservation(into buffer: UnsafeMutableBufferPointer<Float>) {
        for i in 0..<length { buffer[i] = i == position ? 1 : 0 }
    }

    func writeActionMask(into mask: UnsafeMutableBufferPointer<Bool>) {
        mask[0] = true
        mask[1] = true
        mask[2] = false
    }

    mutating func step(_ action: Int, rng: inout RNG) -> StepOutcome {
        precondition(action != 2, "masked action taken")
        position = max(0, position + (action == 1 ? 1 : -1))
        steps += 1
        if position == length - 1 {
            reward = 1
            return StepOutcome(reward: 1, terminated: true)
        }
        return StepOutcome(reward: 0, truncated: steps >= limit)
    }

    func episodeSummary() -> EpisodeSummary {
        EpisodeSummary(episodicReturn: reward, length: steps, success: reward > 0, metrics: ["steps": Double(steps)])
    }
}
