import XCTest
import RL
@testable import Environments

// Helpers the Multiplication*Tests share: the environment's observation and
// mask as arrays, the expert's next action, a whole episode by the expert.

func observation(_ env: MultiplicationEnvironment) -> [Float] {
    var buffer = [Float](repeating: -1, count: env.observationSize)
    buffer.withUnsafeMutableBufferPointer { env.writeObservation(into: $0) }
    return buffer
}

func mask(_ env: MultiplicationEnvironment) -> [Bool] {
    var buffer = [Bool](repeating: false, count: env.actionCount)
    buffer.withUnsafeMutableBufferPointer { env.writeActionMask(into: $0) }
    return buffer
}

func expertAction(_ env: MultiplicationEnvironment) -> Int {
    let o = observation(env), m = mask(env)
    return o.withUnsafeBufferPointer { o in m.withUnsafeBufferPointer { MultiplicationExpert.action(observation: o, mask: $0) } }
}

/// Runs the expert to the end of the episode; returns its actions.
func solve(_ env: inout MultiplicationEnvironment) -> [Int] {
    var rng = RNG(seed: 0), actions: [Int] = []
    while !env.isDone {
        let action = expertAction(env)
        actions.append(action)
        _ = env.step(action, rng: &rng)
    }
    return actions
}

func problem(_ a: String, _ m: Int) -> MultiplicationProblem { MultiplicationProblem(a, m)! }
