import Tensor
import NN

/// One environment together with its two random streams: one for the
/// environment's own draws (resets, problems), one for action sampling.
/// Everything about an environment that a checkpoint must keep.
public struct EnvironmentSlot<E: Environment>: Sendable, Codable {
    public var environment: E
    public var environmentRNG: RNG
    public var actionRNG: RNG

    // Methods, so that the environment and its stream are two disjoint
    // stored properties of one `inout self` rather than overlapping
    // accesses through the workers' array.
    mutating func step(_ action: Int) -> StepOutcome { environment.step(action, rng: &environmentRNG) }
    mutating func reset() { environment.reset(rng: &environmentRNG) }
}

/// A finished episode, with where and when it ended so that episodes from
/// all workers can be put in one order that does not depend on threading.
public struct EpisodeRecord: Sendable {
    public var step: Int
    public var env: Int
    public var summary: EpisodeSummary
}

/// A rollout worker: a contiguous block of environments, stepped together
/// with one batched policy inference per step. Workers share the networks
/// read-only and own everything they write: environments, random streams,
/// workspaces and their block of the rollout buffer.
public struct RolloutWorker<E: Environment>: Sendable {
    public var slots: [EnvironmentSlot<E>]
    /// Global index of this worker's first environment.
    public let firstEnv: Int

    private var observations: Tensor
    private var actorWorkspace = MLP.Workspace()
    private var criticWorkspace = MLP.Workspace()

    public init(slots: [EnvironmentSlot<E>], firstEnv: Int) {
        self.slots = slots
        self.firstEnv = firstEnv
        self.observations = Tensor(zeros: [slots.count, slots.first?.environment.observationSize ?? 0])
    }

    /// Steps every environment `buffer.numSteps` times, sampling actions from
    /// the actor, and fills this worker's block of the buffer, including GAE.
    /// Returns the episodes that ended, in (step, env) order.
    public mutating func collect(
        actor: MLP, critic: MLP, buffer: RolloutBuffer, gamma: Float, lambda: Float
    ) -> (episodes: [EpisodeRecord], forwardRows: Int) {
        let n = slots.count
        let obsSize = buffer.observationSize
        let actionCount = buffer.actionCount
        let steps = buffer.numSteps
        var episodes: [EpisodeRecord] = []
        // Truncated episodes' final observations, bootstrapped after the loop.
        var finalObservations: [Float] = []
        var finalSamples: [Int] = []
        var forwardRows = 0

        var logProbabilities = [Float](repeating: 0, count: actionCount)
        for t in 0..<steps {
            writeObservations(masksInto: buffer, step: t)
            let logits = actor.forward(observations, workspace: &actorWorkspace)
            let values = critic.forward(observations, workspace: &criticWorkspace)
            forwardRows += n
            observations.scalars.withUnsafeBufferPointer { obs in
                logits.scalars.withUnsafeBufferPointer { z in
                    logProbabilities.withUnsafeMutableBufferPointer { lp in
                        for i in 0..<n {
                            let sample = buffer.index(env: firstEnv + i, step: t)
                            (buffer.observations + sample * obsSize)
                                .update(from: obs.baseAddress! + i * obsSize, count: obsSize)
                            let mask = buffer.masks + sample * actionCount
                            _ = MaskedCategorical.logProbabilities(
                                logits: z.baseAddress! + i * actionCount, mask: mask, count: actionCount,
                                into: lp.baseAddress!)
                            let action = MaskedCategorical.sample(
                                logProbabilities: lp.baseAddress!, mask: mask, count: actionCount,
                                rng: &slots[i].actionRNG)
                            buffer.actions[sample] = Int32(action)
                            buffer.logProbabilities[sample] = lp[action]
                            buffer.values[sample] = values.scalars[i]

                            let outcome = slots[i].step(action)
                            buffer.rewards[sample] = outcome.reward
                            buffer.terminated[sample] = outcome.terminated
                            buffer.episodeEnded[sample] = outcome.episodeEnded
                            if outcome.episodeEnded {
                                episodes.append(EpisodeRecord(
                                    step: t, env: firstEnv + i, summary: slots[i].environment.episodeSummary()))
                                if outcome.truncated && !outcome.terminated {
                                    finalSamples.append(sample)
                                    let start = finalObservations.count
                                    finalObservations.append(contentsOf: repeatElement(0, count: obsSize))
                                    finalObservations.withUnsafeMutableBufferPointer { f in
                                        slots[i].environment.writeObservation(into: f.baseAddress! + start)
                                    }
                                }
                                slots[i].reset()
                            }
                        }
                    }
                }
            }
        }

        // V(s_{t+1}): the next sample's value inside an episode, the value of the
        // state after the last step for the rollout's end, the final observation's
        // value on truncation, and nothing (0) on termination.
        writeObservations(masksInto: nil, step: 0)
        let lastValues = critic.forward(observations, workspace: &criticWorkspace)
        forwardRows += n
        for i in 0..<n {
            for t in 0..<steps {
                let sample = buffer.index(env: firstEnv + i, step: t)
                if buffer.episodeEnded[sample] {
                    buffer.nextValues[sample] = 0
                } else {
                    buffer.nextValues[sample] = t + 1 < steps ? buffer.values[sample + 1] : lastValues.scalars[i]
                }
            }
        }
        if !finalSamples.isEmpty {
            let finals = Tensor(shape: [finalSamples.count, obsSize], scalars: finalObservations)
            let finalValues = critic.forward(finals, workspace: &criticWorkspace)
            forwardRows += finalSamples.count
            for (k, sample) in finalSamples.enumerated() {
                buffer.nextValues[sample] = finalValues.scalars[k]
            }
        }

        for i in 0..<n {
            let start = buffer.index(env: firstEnv + i, step: 0)
            GAE.advantages(
                rewards: buffer.rewards + start, values: buffer.values + start,
                nextValues: buffer.nextValues + start, terminated: buffer.terminated + start,
                episodeEnded: buffer.episodeEnded + start, count: steps, gamma: gamma, lambda: lambda,
                advantages: buffer.advantages + start, returns: buffer.returns + start)
        }
        return (episodes, forwardRows)
    }

    /// Writes every environment's observation into the inference batch, and
    /// its action mask into the buffer when one is given.
    private mutating func writeObservations(masksInto buffer: RolloutBuffer?, step: Int) {
        let obsSize = observations.columns
        observations.scalars.withUnsafeMutableBufferPointer { obs in
            for i in slots.indices {
                slots[i].environment.writeObservation(into: obs.baseAddress! + i * obsSize)
                if let buffer {
                    let sample = buffer.index(env: firstEnv + i, step: step)
                    slots[i].environment.writeActionMask(into: buffer.masks + sample * buffer.actionCount)
                }
            }
        }
    }
}
