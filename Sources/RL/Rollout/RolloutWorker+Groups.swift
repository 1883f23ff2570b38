import Tensor
import NN

/// Whole episodes one environment collected in a group rollout, in order.
struct EpisodeTrace: Sendable {
    var observations: [Float] = []
    var masks: [Bool] = []
    var actions: [Int32] = []
    var logProbabilities: [Float] = []
    var referenceLogProbabilities: [Float] = []
    var rewards: [Float] = []
    /// Starts are indices into these arrays.
    var episodes: [EpisodeSpan] = []
    var count: Int { actions.count }
}

extension RolloutWorker {
    /// A group rollout, for the critic-free algorithms: the worker's
    /// environments form groups of `groupSize` consecutive slots. A group
    /// plays rounds: its first environment resets (a new problem), the others
    /// copy it — so all G start from the same state — and all play until every
    /// one has finished its episode; members that finish early wait. A group
    /// starts rounds until its members have taken `stepsPerEnvironment` steps
    /// on average, so every episode is whole and an update holds about
    /// numEnvs × numSteps samples. Inference runs on the playing environments
    /// only. Returns each environment's trace, the finished episodes in
    /// (step, env) order, and the rows the actor and the reference evaluated.
    mutating func collectGroups<N: PolicyNetwork>(
        actor: N, reference: N?, groupSize: Int, stepsPerEnvironment: Int, firstGroup: Int
    ) -> (traces: [EpisodeTrace], episodes: [EpisodeRecord], actorRows: Int, referenceRows: Int) {
        let n = slots.count
        let groups = n / groupSize
        let obsSize = observations.columns
        let actionCount = logProbabilities.count
        var traces = [EpisodeTrace](repeating: EpisodeTrace(), count: n)
        var playing = [Bool](repeating: false, count: n)
        var episodeStart = [Int](repeating: 0, count: n)
        var groupSteps = [Int](repeating: 0, count: groups)
        var rounds = [Int](repeating: 0, count: groups)
        var records: [EpisodeRecord] = []
        var actorRows = 0, referenceRows = 0
        var referenceWorkspace = NetworkWorkspace()
        var masks: [Bool] = []
        var referenceLogProbabilities = [Float](repeating: 0, count: actionCount)

        for t in 0... {
            for g in 0..<groups where groupSteps[g] < groupSize * stepsPerEnvironment {
                let members = (g * groupSize)..<((g + 1) * groupSize)
                guard !members.contains(where: { playing[$0] }) else { continue }
                slots[members.lowerBound].reset()
                for follower in members.dropFirst() { slots[follower].environment = slots[members.lowerBound].environment }
                for i in members {
                    playing[i] = true
                    episodeStart[i] = traces[i].count
                }
                rounds[g] += 1
            }
            let active = (0..<n).filter { playing[$0] }
            if active.isEmpty { break }

            observations.resize(to: [active.count, obsSize])
            masks = [Bool](repeating: false, count: active.count * actionCount)
            observations.scalars.withUnsafeMutableBufferPointer { obs in
                masks.withUnsafeMutableBufferPointer { m in
                    for (row, i) in active.enumerated() {
                        slots[i].environment.writeObservation(into: UnsafeMutableBufferPointer(rebasing: obs[(row * obsSize)..<((row + 1) * obsSize)]))
                        slots[i].environment.writeActionMask(into: UnsafeMutableBufferPointer(rebasing: m[(row * actionCount)..<((row + 1) * actionCount)]))
                    }
                }
            }
            let input = inferenceInput(rows: active.count)
            let logits = actor.forward(input, workspace: &actorWorkspace)
            let referenceLogits = reference?.forward(input, workspace: &referenceWorkspace)
            actorRows += active.count
            if reference != nil { referenceRows += active.count }

            for (row, i) in active.enumerated() {
                let g = i / groupSize
                traces[i].observations += observations.scalars[(row * obsSize)..<((row + 1) * obsSize)]
                traces[i].masks += masks[(row * actionCount)..<((row + 1) * actionCount)]
                let action = masks.withUnsafeBufferPointer { m in
                    logits.scalars.withUnsafeBufferPointer { z in
                        logProbabilities.withUnsafeMutableBufferPointer { lp in
                            let mask = m.baseAddress! + row * actionCount
                            _ = MaskedCategorical.logProbabilities(
                                logits: z.baseAddress! + row * actionCount, mask: mask, count: actionCount, into: lp.baseAddress!)
                            return MaskedCategorical.sample(
                                logProbabilities: lp.baseAddress!, mask: mask, count: actionCount, rng: &slots[i].actionRNG)
                        }
                    }
                }
                var referenceLogProbability: Float = 0
                if let referenceLogits {
                    masks.withUnsafeBufferPointer { m in
                        referenceLogits.scalars.withUnsafeBufferPointer { z in
                            referenceLogProbabilities.withUnsafeMutableBufferPointer { lp in
                                _ = MaskedCategorical.logProbabilities(
                                    logits: z.baseAddress! + row * actionCount, mask: m.baseAddress! + row * actionCount,
                                    count: actionCount, into: lp.baseAddress!)
                            }
                        }
                    }
                    referenceLogProbability = referenceLogProbabilities[action]
                }
                traces[i].actions.append(Int32(action))
                traces[i].logProbabilities.append(logProbabilities[action])
                traces[i].referenceLogProbabilities.append(referenceLogProbability)

                let outcome = slots[i].step(action)
                traces[i].rewards.append(outcome.reward)
                groupSteps[g] += 1
                guard outcome.episodeEnded else { continue }
                playing[i] = false
                let start = episodeStart[i]
                let episodicReturn = traces[i].rewards[start...].reduce(0, +)
                traces[i].episodes.append(EpisodeSpan(
                    start: start, length: traces[i].count - start, group: firstGroup + g, round: rounds[g],
                    episodicReturn: episodicReturn))
                records.append(EpisodeRecord(step: t, env: firstEnv + i, summary: slots[i].environment.episodeSummary()))
            }
        }
        return (traces, records, actorRows, referenceRows)
    }
}
