import Foundation
import Tensor
import NN

/// Trains a `Verifier` — a binary classifier of whole solutions — on
/// sampled solutions labelled by the verifiable reward: minibatches of
/// solutions, Adam, the cross-entropy of the outcome under the verifier's
/// product-of-steps model P(right) = Π_t σ(z_t). A right solution pushes
/// every one of its steps up; a wrong one pushes its steps down in
/// proportion to how sure the model is of each, so the blame settles on the
/// steps that never occur in right solutions.
///
/// The state is the verifier, its Adam moments and the step count: each
/// epoch's order of solutions comes from `rng.stream("epoch", e)`, so a fit
/// stopped after any step continues exactly as if it had not stopped.
public enum VerifierFit {
    /// Solutions as rows of step inputs (observation, action one-hot), with
    /// where each solution starts and whether it was right.
    public struct Data: Sendable {
        public let inputSize: Int
        public private(set) var rows: [Float] = []
        /// Offsets (in steps) of each solution, and one past the last.
        public private(set) var starts: [Int] = [0]
        public private(set) var labels: [Bool] = []

        public init(inputSize: Int) { self.inputSize = inputSize }

        public var solutions: Int { labels.count }
        public var steps: Int { starts[starts.count - 1] }
        public var rightFraction: Double { solutions == 0 ? .nan : Double(labels.filter { $0 }.count) / Double(solutions) }

        /// Adds one solution: its observations (steps × observation size) and actions.
        public mutating func append(observations: [Float], actions: [Int], right: Bool, verifier: Verifier) {
            precondition(verifier.inputSize == inputSize, "verifier input \(verifier.inputSize), data rows \(inputSize)")
            let steps = actions.count, obs = verifier.observationSize
            precondition(observations.count == steps * obs, "\(observations.count) observation floats for \(steps) steps")
            let base = rows.count
            rows += [Float](repeating: 0, count: steps * inputSize)
            rows.withUnsafeMutableBufferPointer { r in
                observations.withUnsafeBufferPointer { o in
                    for t in 0..<steps {
                        verifier.writeStep(observation: o.baseAddress! + t * obs, action: actions[t], into: r.baseAddress! + base + t * inputSize)
                    }
                }
            }
            starts.append(starts[starts.count - 1] + steps)
            labels.append(right)
        }
    }

    public struct State: Sendable, Codable, Equatable {
        public var verifier: Verifier
        public var optimizer: Adam
        /// Adam steps taken.
        public var step: Int
        /// FLOPs spent: the fit's, plus whatever the caller counts in (sampling the data).
        public var flops: Double

        public init(verifier: Verifier, learningRate: Float, flops: Double = 0) {
            self.verifier = verifier
            optimizer = Adam(learningRate: learningRate)
            step = 0
            self.flops = flops
        }
    }

    public struct Progress: Sendable, Equatable {
        public var step: Int
        /// The minibatch's mean loss, before the step.
        public var loss: Double
    }

    /// Runs Adam steps until `state.step == steps`, `batchSize` solutions
    /// per step, reporting each with the state after it; returns false when `shouldStop` asked to
    /// stop first (checked before every step).
    public static func fit(
        _ state: inout State, data: Data, steps: Int, batchSize: Int, rng: RNG,
        shouldStop: () -> Bool = { false }, report: (Progress, State) throws -> Void = { _, _ in }
    ) rethrows -> Bool {
        precondition(batchSize > 0 && data.solutions > 0, "fit needs solutions and a positive batch size")
        let n = data.solutions, perEpoch = (n + batchSize - 1) / batchSize
        var order: [Int] = [], orderEpoch = -1
        var workspace = NetworkWorkspace()
        while state.step < steps {
            if shouldStop() { return false }
            let epoch = state.step / perEpoch, batch = state.step % perEpoch
            if epoch != orderEpoch {
                order = Array(0..<n)
                var shuffle = rng.stream("epoch", epoch)
                shuffle.shuffle(&order)
                orderEpoch = epoch
            }
            let chosen = Array(order[(batch * batchSize)..<min(n, (batch + 1) * batchSize)])
            let input = gather(data, chosen)
            var network = state.verifier.network
            network.zeroGradients()
            let logits = network.forward(input, workspace: &workspace)
            var gradient = Tensor(zeros: [input.rows, 1])
            let loss = lossAndGradient(logits.scalars, data: data, chosen: chosen, gradient: &gradient.scalars)
            network.backward(input, outputGradient: gradient, workspace: &workspace)
            state.optimizer.update(&network)
            state.verifier.network = network
            state.flops += network.forwardFLOPs(batch: input.rows) + network.backwardFLOPs(batch: input.rows)
                + Adam.flops(parameterCount: network.parameterCount)
            state.step += 1
            try report(Progress(step: state.step, loss: loss), state)
        }
        return true
    }

    /// The rows of the `chosen` solutions, in that order.
    static func gather(_ data: Data, _ chosen: [Int]) -> Tensor {
        let width = data.inputSize
        let total = chosen.reduce(0) { $0 + data.starts[$1 + 1] - data.starts[$1] }
        var input = Tensor(zeros: [total, width])
        input.scalars.withUnsafeMutableBufferPointer { out in
            data.rows.withUnsafeBufferPointer { rows in
                var at = 0
                for s in chosen {
                    let lo = data.starts[s] * width, count = (data.starts[s + 1] - data.starts[s]) * width
                    (out.baseAddress! + at).update(from: rows.baseAddress! + lo, count: count)
                    at += count
                }
            }
        }
        return input
    }

    /// The mean loss over `chosen` (logits in their gathered order), with
    /// dL/dz for every step written to `gradient`. For a right solution
    /// L = −Σ log σ(z_t), dL/dz_t = σ(z_t) − 1; for a wrong one
    /// L = −log(1 − e^S), S = Σ log σ(z_t), dL/dz_t = (1 − σ(z_t)) / (e^{−S} − 1).
    static func lossAndGradient(_ logits: [Float], data: Data, chosen: [Int], gradient: inout [Float]) -> Double {
        let scale = 1 / Double(chosen.count)
        var loss = 0.0, at = 0
        for s in chosen {
            let steps = data.starts[s + 1] - data.starts[s]
            var score = 0.0
            for t in 0..<steps { score += Verifier.logSigmoid(Double(logits[at + t])) }
            if data.labels[s] {
                loss -= score
                for t in 0..<steps { gradient[at + t] = Float((sigmoid(Double(logits[at + t])) - 1) * scale) }
            } else {
                // Clamped below 0 so that a confident wrong "right" stays finite.
                let s = min(score, -1e-6)
                loss -= Foundation.log(-Foundation.expm1(s))
                let weight = 1 / Foundation.expm1(-s)
                for t in 0..<steps { gradient[at + t] = Float((1 - sigmoid(Double(logits[at + t]))) * weight * scale) }
            }
            at += steps
        }
        return loss * scale
    }

    @inline(__always)
    static func sigmoid(_ z: Double) -> Double { z >= 0 ? 1 / (1 + Foundation.exp(-z)) : Foundation.exp(z) / (1 + Foundation.exp(z)) }

    /// The score of every solution of `data`, one solution per forward
    /// pass, as `VerifierInference` scores them during a search.
    public static func scores(_ verifier: Verifier, data: Data) -> [VerifierScore] {
        var inference = VerifierInference(verifier: verifier)
        let width = data.inputSize
        return data.rows.withUnsafeBufferPointer { rows in
            (0..<data.solutions).map { s in
                let lo = data.starts[s] * width, hi = data.starts[s + 1] * width
                return inference.score(stepInputs: UnsafeBufferPointer(rebasing: rows[lo..<hi]))
            }
        }
    }

    /// The mean cross-entropy of `scores` (log P(right)) against `labels`.
    public static func loss(scores: [Double], labels: [Bool]) -> Double {
        guard !scores.isEmpty else { return .nan }
        var total = 0.0
        for (score, right) in zip(scores, labels) {
            total -= right ? score : Foundation.log(-Foundation.expm1(min(score, -1e-6)))
        }
        return total / Double(scores.count)
    }
}
