import Foundation
import NN
import RL
import Environments

/// The memory a run needs, estimated from its configuration before anything
/// is allocated, so that a configuration that cannot fit (`--hidden
/// 65536,65536`, a billion-sample rollout) is refused with one line instead
/// of dying in an allocation. In bytes, as doubles: the products of absurd
/// settings must not overflow on the way to being refused.
///
/// What it counts is what the trainer holds at its peak, the moment a
/// checkpoint is written: each network's weights and biases with their
/// gradients and Adam's two moments (16 bytes per parameter), the KL
/// penalty's reference policy (weights and gradients), the rollout buffer
/// and one minibatch, the activations and gradients of the forward and
/// backward passes (minibatch and rollout inference), and the checkpoint's
/// JSON text — every one of those floats again as base64 of its bits (4/3
/// of its 4 bytes), held twice while it is written (the encoder's output and
/// the container around it). It leaves out what does not grow with the
/// settings (code, the environments' own state, small scratch), so it is a
/// lower bound on the process's resident memory, not a prediction of it.
public struct MemoryEstimate: Sendable, Equatable {
    /// Weights, biases, gradients and Adam moments of actor and critic, and the reference policy.
    public var networks: Double
    /// The rollout buffer, one minibatch, and the passes' activations and gradients.
    public var samples: Double
    /// The checkpoint's JSON text while it is written.
    public var checkpoint: Double

    public var total: Double { networks + samples + checkpoint }

    /// The estimate for `ppo` on an environment with these observation and action sizes.
    public init(ppo: PPOConfig, network: MLPSettings, observationSize: Int, actionCount: Int) {
        let floatBytes = 4.0
        func parameters(_ sizes: [Int]) -> Double {
            zip(sizes, sizes.dropFirst()).reduce(0) { $0 + Double($1.0) * Double($1.1) + Double($1.1) }
        }
        let hidden = network.hidden.reduce(0.0) { $0 + Double($1) }
        let actor = parameters(network.sizes(inputSize: observationSize, outputSize: actionCount))
        let critic = ppo.algorithm.usesCritic ? parameters(network.sizes(inputSize: observationSize, outputSize: 1)) : 0
        let reference = ppo.klCoef > 0 ? actor : 0
        // Value, gradient, first and second moment; the reference has no optimiser.
        let floats = 4 * (actor + critic) + 2 * reference
        networks = floats * floatBytes

        let observation = Double(observationSize) * floatBytes
        let actions = Double(actionCount)  // one Bool per action in the masks
        let batch = Double(ppo.numEnvs) * Double(ppo.numSteps)
        let minibatch = batch / Double(max(1, ppo.numMinibatches))
        // Buffer: observation, mask, action (Int32), 8 floats and 2 flags per sample.
        let buffer = batch * (observation + actions + 4 + 8 * floatBytes + 2)
        let minibatchArrays = minibatch * (observation + actions + 4 + 6 * floatBytes)
        // Each network keeps every layer's output and its gradient for a minibatch.
        let networkCount = ppo.algorithm.usesCritic ? 2.0 : 1.0
        let passes = networkCount * 2 * minibatch * (hidden + Double(actionCount)) * floatBytes
        // Rollout inference: every worker runs its environments as one batch.
        let inference = Double(ppo.numEnvs) * (networkCount * hidden + Double(actionCount)) * floatBytes
        samples = buffer + minibatchArrays + passes + inference

        checkpoint = 2 * floats * floatBytes * 4 / 3
    }

    /// "1.2 GB".
    public static func describe(_ bytes: Double) -> String {
        let units = ["bytes", "kB", "MB", "GB", "TB", "PB", "EB"]
        var value = bytes
        var unit = 0
        while value >= 1000 && unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        if unit == 0 { return "\(Int(value)) bytes" }
        return String(format: value < 10 ? "%.1f %@" : "%.0f %@", value, units[unit])
    }
}

extension RunConfig {
    /// The memory this run needs (see `MemoryEstimate`); builds the
    /// environment once to learn its observation and action sizes.
    public func memoryEstimate() throws(ConfigError) -> MemoryEstimate {
        func sizes<S: EnvironmentSettings>(_ settings: S) throws -> (Int, Int) {
            let environment = try settings.makeEnvironment()
            return (environment.observationSize, environment.actionCount)
        }
        let (observationSize, actionCount): (Int, Int)
        do {
            (observationSize, actionCount) = try sizes(environment)
        } catch {
            throw ConfigError("\(error)")
        }
        return MemoryEstimate(ppo: ppo, network: network, observationSize: observationSize, actionCount: actionCount)
    }

    /// Refuses a run whose estimated memory exceeds `limit` bytes (by
    /// default this machine's physical memory), in one line giving the estimate.
    public func checkMemory(limit: Double = Double(ProcessInfo.processInfo.physicalMemory)) throws(ConfigError) {
        let estimate = try memoryEstimate()
        guard estimate.total > limit else { return }
        let d = MemoryEstimate.describe
        throw ConfigError(
            "this run needs about \(d(estimate.total)) of memory (networks with gradients and Adam moments \(d(estimate.networks)), "
                + "rollout and minibatches \(d(estimate.samples)), checkpoint text \(d(estimate.checkpoint))), "
                + "more than the \(d(limit)) of physical memory here; use a smaller --hidden, --num-envs or --num-steps")
    }
}
