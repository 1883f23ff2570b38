import Tensor
import NN

/// A rollout worker: a contiguous block of environments, stepped together
/// with one batched policy inference per step. Workers share the networks
/// read-only and own everything they write: environments, random streams,
/// workspaces and their block of the rollout buffer.
struct RolloutWorker<E: Environment>: Sendable {
    var slots: [EnvironmentSlot<E>]
    /// Global index of this worker's first environment.
    let firstEnv: Int

    var observations: Tensor
    var logProbabilities: [Float]
    var actorWorkspace = NetworkWorkspace()
    private var criticWorkspace = NetworkWorkspace()
    /// The inference batch as sparse rows, when it is sparse enough.
    private var sparseBatch: SparseRows

    init(slots: [EnvironmentSlot<E>], firstEnv: Int) {
        self.slots = slots
        self.firstEnv = firstEnv
        let probe = slots.first?.environment
        observations = Tensor(zeros: [slots.count, probe?.observationSize ?? 0])
        sparseBatch = SparseRows(columns: probe?.observationSize ?? 0)
        logProbabilities = [Float](repeating: 0, count: probe?.actionCount ?? 0)
    }

    /// Steps every environment `buffer.numSteps` times, sampling actions from
    /// the actor, and fills this worker's block of the buffer: observation,
    /// mask, action, its log-probability, reward and episode end of every
    /// step, and with a critic V(s_t) and the V(s_{t+1}) that GAE bootstraps
    /// from. Returns the episodes that ended, in (step, env) order, and the
    /// rows the critic evaluated (for the FLOP count).
    mutating func collect<N: PolicyNetwork>(actor: N, critic: N?, buffer: RolloutBuffer) -> (episodes: [EpisodeRecord], criticRows: Int) {
        var episodes: [EpisodeRecord] = []
        // Truncated episodes' final observations, bootstrapped after the loop.
        var finalObservations: [Float] = []
        var finalSamples: [Int] = []
        var criticRows = 0

        for t in 0..<buffer.numSteps {
            writeObservations(masksInto: buffer, step: t)
            let input = inferenceInput(rows: slots.count)
            let logits = actor.forward(input, workspace: &actorWorkspace)
            let values = critic?.forward(input, workspace: &criticWorkspace)
            if critic != nil { criticRows += slots.count }
            for i in slots.indices {
                let sample = buffer.index(env: firstEnv + i, step: t)
                let action = act(i, logits: logits, sample: sample, buffer: buffer)
                buffer.values[sample] = values?.scalars[i] ?? 0

                let outcome = slots[i].step(action)
                buffer.rewards[sample] = outcome.reward
                buffer.terminated[sample] = outcome.terminated
                buffer.episodeEnded[sample] = outcome.episodeEnded
                guard outcome.episodeEnded else { continue }
                episodes.append(EpisodeRecord(step: t, env: firstEnv + i, summary: slots[i].environment.episodeSummary()))
                if critic != nil && outcome.truncated && !outcome.terminated {
                    finalSamples.append(sample)
                    let start = finalObservations.count
                    finalObservations.append(contentsOf: repeatElement(0, count: buffer.observationSize))
                    finalObservations.withUnsafeMutableBufferPointer { f in
                        slots[i].environment.writeObservation(into: UnsafeMutableBufferPointer(rebasing: f[start...]))
                    }
                }
                slots[i].reset()
            }
        }
        if let critic {
            criticRows += bootstrapValues(critic: critic, buffer: buffer, finalObservations: finalObservations, finalSamples: finalSamples)
        }
        return (episodes, criticRows)
    }

    /// Copies environment i's observation (already in the inference batch)
    /// into the buffer, samples its action from the actor's logits under the
    /// mask, and records the action with its log-probability.
    private mutating func act(_ i: Int, logits: Tensor, sample: Int, buffer: RolloutBuffer) -> Int {
        let actionCount = buffer.actionCount
        let obsSize = buffer.observationSize
        let mask = UnsafePointer(buffer.masks + sample * actionCount)
        return observations.scalars.withUnsafeBufferPointer { obs in
            (buffer.observations + sample * obsSize).update(from: obs.baseAddress! + i * obsSize, count: obsSize)
            return logits.scalars.withUnsafeBufferPointer { z in
                logProbabilities.withUnsafeMutableBufferPointer { lp in
                    _ = MaskedCategorical.logProbabilities(
                        logits: z.baseAddress! + i * actionCount, mask: mask, count: actionCount, into: lp.baseAddress!)
                    let action = MaskedCategorical.sample(
                        logProbabilities: lp.baseAddress!, mask: mask, count: actionCount, rng: &slots[i].actionRNG)
                    buffer.actions[sample] = Int32(action)
                    buffer.logProbabilities[sample] = lp[action]
                    return action
                }
            }
        }
    }

    /// V(s_{t+1}) for every sample: the next sample's value inside an episode,
    /// the value of the state after the last step at the rollout's end, the
    /// final observation's value on truncation, and nothing (0) on
    /// termination. Returns the extra critic rows it evaluated.
    private mutating func bootstrapValues<N: PolicyNetwork>(
        critic: N, buffer: RolloutBuffer, finalObservations: [Float], finalSamples: [Int]
    ) -> Int {
        let steps = buffer.numSteps
        writeObservations(masksInto: nil, step: 0)
        let lastValues = critic.forward(observations, workspace: &criticWorkspace)
        var rows = slots.count
        for i in slots.indices {
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
            let finals = Tensor(shape: [finalSamples.count, buffer.observationSize], scalars: finalObservations)
            let finalValues = critic.forward(finals, workspace: &criticWorkspace)
            rows += finalSamples.count
            for (k, sample) in finalSamples.enumerated() {
                buffer.nextValues[sample] = finalValues.scalars[k]
            }
        }
        return rows
    }

    /// The first `rows` rows of the inference batch as the networks take
    /// them: sparse rows, the entries they all share held once, when few
    /// enough entries are nonzero (`SparseRows.densityLimit`), else dense.
    mutating func inferenceInput(rows: Int) -> NetworkInput {
        let sparse = observations.scalars.withUnsafeBufferPointer { obs in
            obs.baseAddress.map { sparseBatch.assign(dense: $0, rows: rows, maximumDensity: SparseRows.densityLimit) } ?? false
        }
        return sparse ? .sparse(sparseBatch) : .dense(observations)
    }

    /// Writes every environment's observation into the inference batch, and
    /// its action mask into the buffer when one is given.
    private mutating func writeObservations(masksInto buffer: RolloutBuffer?, step: Int) {
        let obsSize = observations.columns
        let firstEnv = self.firstEnv
        // Environments are read through a buffer pointer, in place: through the
        // array (this code is not specialised for the environment type) each
        // call copied the environment, a retain and release per field (5% of
        // a fourrooms run).
        slots.withUnsafeBufferPointer { slots in
            observations.scalars.withUnsafeMutableBufferPointer { obs in
                for i in slots.indices {
                    slots[i].environment.writeObservation(into: UnsafeMutableBufferPointer(rebasing: obs[(i * obsSize)..<((i + 1) * obsSize)]))
                    if let buffer {
                        slots[i].environment.writeActionMask(into: buffer.mask(buffer.index(env: firstEnv + i, step: step)))
                    }
                }
            }
        }
    }
}
