import Foundation
import Tensor
import NN

/// A learned verifier — an outcome reward model that reads a solution step
/// by step. Each step is the observation the policy saw and the action it
/// took (one-hot); an MLP f gives the step a logit, and the solution's
/// probability of being right is the product over its steps of σ(f):
///
///     log P(right) = Σ_t log σ(f(o_t, a_t))
///
/// so a solution is as good as its worst steps, and each σ(f) reads as a
/// per-step ("process") score, although training sees only the outcome.
/// Nothing here knows the environment: any episode is a list of
/// (observation, action) steps.
///
/// Best-of-N ranks by the weakest step, min_t log σ(f), not by the product:
/// the product charges every step, so among samples of one problem it
/// prefers the shorter ones — in multiplication the ones that dropped tally
/// marks, i.e. carries. On held-out samples (multiplication, 200 problems ×
/// 16) the weakest step picked 70/83/115/136 right answers where the product
/// picked 68/74/103/133.
public struct Verifier: Sendable, Codable, Equatable {
    public var network: MLP
    public let observationSize: Int
    public let actionCount: Int

    /// A fresh verifier: hidden layers `hidden`, tanh, orthogonal initial
    /// weights with a small output gain (every step starts near σ(0)).
    public init<G: RandomNumberGenerator>(observationSize: Int, actionCount: Int, hidden: [Int], rng: inout G) {
        precondition(observationSize > 0 && actionCount > 0, "a verifier needs observations and actions")
        self.observationSize = observationSize
        self.actionCount = actionCount
        network = MLP(sizes: [observationSize + actionCount] + hidden + [1], activation: .tanh, outputGain: 0.01, rng: &rng)
    }

    public var inputSize: Int { observationSize + actionCount }

    /// Writes one step's input — the observation, then the action one-hot —
    /// at `row` (`inputSize` floats).
    @inline(__always)
    public func writeStep(observation: UnsafePointer<Float>, action: Int, into row: UnsafeMutablePointer<Float>) {
        row.update(from: observation, count: observationSize)
        (row + observationSize).update(repeating: 0, count: actionCount)
        row[observationSize + action] = 1
    }

    /// log σ(z), computed without overflow for large |z|.
    @inline(__always)
    public static func logSigmoid(_ z: Double) -> Double {
        z >= 0 ? -Foundation.log1p(Foundation.exp(-z)) : z - Foundation.log1p(Foundation.exp(z))
    }

    /// FLOPs of scoring `steps` steps.
    public func scoringFLOPs(steps: Int) -> Double { network.forwardFLOPs(batch: steps) }
}

/// What a verifier says of one solution: the model's log P(right) (the
/// product over steps, what training fits and the 0.5 threshold reads) and
/// its weakest step (min over steps of log σ, what best-of-N ranks by).
public struct VerifierScore: Sendable, Equatable {
    public var logProbability: Double
    public var weakestStep: Double
    public init(logProbability: Double, weakestStep: Double) {
        self.logProbability = logProbability
        self.weakestStep = weakestStep
    }
    /// An empty solution: certain, nothing to doubt.
    public static let empty = VerifierScore(logProbability: 0, weakestStep: 0)
}

/// Scores solutions with a verifier, one solution (all its steps) per
/// forward pass: the batch is the solution, never a mix of solutions, so a
/// score does not depend on which others were scored with it.
public struct VerifierInference: Sendable {
    public let verifier: Verifier
    private var input = Tensor(zeros: [0])
    private var workspace = NetworkWorkspace()

    public init(verifier: Verifier) { self.verifier = verifier }

    /// The score of the solution whose steps saw `observations` (steps ×
    /// observation size, row-major) and took `actions`.
    public mutating func score(observations: [Float], actions: [Int]) -> VerifierScore {
        let steps = actions.count
        let width = verifier.inputSize, obs = verifier.observationSize
        precondition(observations.count == steps * obs, "verifier: \(observations.count) observation floats for \(steps) steps of \(obs)")
        guard steps > 0 else { return .empty }
        if input.shape != [steps, width] { input = Tensor(zeros: [steps, width]) }
        let v = verifier
        input.scalars.withUnsafeMutableBufferPointer { rows in
            observations.withUnsafeBufferPointer { o in
                for t in 0..<steps {
                    v.writeStep(observation: o.baseAddress! + t * obs, action: actions[t], into: rows.baseAddress! + t * width)
                }
            }
        }
        return scoreInput()
    }

    /// The same for a solution already written as step inputs (steps × `inputSize`).
    public mutating func score(stepInputs: UnsafeBufferPointer<Float>) -> VerifierScore {
        let width = verifier.inputSize, steps = stepInputs.count / width
        precondition(steps * width == stepInputs.count, "verifier: \(stepInputs.count) floats are not whole steps of \(width)")
        guard steps > 0 else { return .empty }
        if input.shape != [steps, width] { input = Tensor(zeros: [steps, width]) }
        _ = input.scalars.withUnsafeMutableBufferPointer { $0.update(fromContentsOf: stepInputs) }
        return scoreInput()
    }

    /// The per-step ("process") scores log σ(z_t) of a solution written as
    /// step inputs (steps × `inputSize`).
    public mutating func stepScores(stepInputs: UnsafeBufferPointer<Float>) -> [Double] {
        let width = verifier.inputSize, steps = stepInputs.count / width
        precondition(steps * width == stepInputs.count, "verifier: \(stepInputs.count) floats are not whole steps of \(width)")
        guard steps > 0 else { return [] }
        if input.shape != [steps, width] { input = Tensor(zeros: [steps, width]) }
        _ = input.scalars.withUnsafeMutableBufferPointer { $0.update(fromContentsOf: stepInputs) }
        let logits = verifier.network.forward(input, workspace: &workspace)
        return (0..<steps).map { Verifier.logSigmoid(Double(logits.scalars[$0])) }
    }

    private mutating func scoreInput() -> VerifierScore {
        let logits = verifier.network.forward(input, workspace: &workspace)
        var total = 0.0, weakest = Double.infinity
        for t in 0..<input.rows {
            let step = Verifier.logSigmoid(Double(logits.scalars[t]))
            total += step
            weakest = min(weakest, step)
        }
        return VerifierScore(logProbability: total, weakestStep: weakest)
    }
}
