import Foundation
import Tensor
import NN

/// Data parallelism over ranks (`Collective`), as OpenAI Baselines' ppo1
/// does it: each rank steps its share of the environments; every minibatch
/// is one global permutation's slice, of which each rank computes the loss
/// and gradients of the samples it holds, normalised by the whole
/// minibatch's size; gradients and loss terms are summed over the ranks, so
/// every rank clips the same gradient and takes the same Adam step. The
/// numbers are a single process's with numEnvs environments, up to the order
/// in which floating-point sums are taken.
extension Trainer {
    /// The ranks (1 without data parallelism).
    public var ranks: Int { collective?.size ?? 1 }
    /// Whether this process writes the run's files (rank 0, or the only one).
    public var isRoot: Bool { (collective?.rank ?? 0) == 0 }

    /// This rank's samples of a minibatch given by global indices
    /// (env-major: rank r holds r·B_local ..< (r+1)·B_local), with the
    /// advantages standardised over the whole minibatch.
    mutating func gatherShare(of globalIndices: ArraySlice<Int>) {
        guard let collective else { return }
        let localCount = buffer.count
        let offset = collective.rank * localCount
        let local = globalIndices.compactMap { (offset..<(offset + localCount)).contains($0) ? $0 - offset : nil }
        minibatch.gather(local[...], from: buffer, normalize: false)
        minibatch.normalizer = Double(globalIndices.count)
        guard config.normAdv else { return }
        // CleanRL's norm_adv over the whole minibatch: mean, then unbiased
        // std, from one allreduce of the sum and the sum of squares (in
        // Double, where Σa² − n·mean² loses nothing that Float advantages hold).
        var sums = [0.0, 0.0]
        for a in minibatch.advantages {
            sums[0] += Double(a)
            sums[1] += Double(a) * Double(a)
        }
        collective.sum(&sums)
        let n = Double(globalIndices.count)
        let mean = sums[0] / n
        let std = n > 1 ? (max(0, sums[1] - n * mean * mean) / (n - 1)).squareRoot() : 0
        for i in minibatch.advantages.indices {
            minibatch.advantages[i] = Float((Double(minibatch.advantages[i]) - mean) / (std + 1e-8))
        }
    }

    /// Sums the gradients left in the networks and the minibatch's loss
    /// terms over the ranks: each rank's were normalised by the whole
    /// minibatch, so the sums are the whole minibatch's.
    mutating func sumOverRanks(_ losses: MinibatchLosses) -> MinibatchLosses {
        guard let collective else { return losses }
        var gradients: [Float] = []
        gradients.reserveCapacity(actor.network.parameterCount + (critic?.network.parameterCount ?? 0))
        for network in [actor.network] + (critic.map { [$0.network] } ?? []) {
            network.forEachParameter { _, p in gradients += p.gradient.scalars }
        }
        collective.sum(&gradients)
        var offset = 0
        func unpack(_ learner: inout Learner<N>) {
            learner.setGradients { p in
                let n = p.gradient.count
                p.gradient.scalars.replaceSubrange(0..<n, with: gradients[offset..<(offset + n)])
                offset += n
            }
        }
        unpack(&actor)
        if critic != nil { unpack(&critic!) }
        let p = losses.policy
        var terms = [p.policyLoss, p.entropy, p.approxKL, p.clipFraction, p.klToReference, losses.valueLoss]
        collective.sum(&terms)
        var summed = losses
        summed.policy.policyLoss = terms[0]
        summed.policy.entropy = terms[1]
        summed.policy.approxKL = terms[2]
        summed.policy.clipFraction = terms[3]
        summed.policy.klToReference = terms[4]
        summed.valueLoss = terms[5]
        return summed
    }

    func sumOverRanks(_ count: Int) -> Int {
        guard let collective else { return count }
        var value = [Double(count)]
        collective.sum(&value)
        return Int(value[0])
    }

    /// Every rank's finished episodes, on every rank.
    func gatherOverRanks(_ records: [EpisodeRecord]) -> [EpisodeRecord] {
        guard let collective else { return records }
        // JSON of value types always encodes; a rank that fails to decode
        // another's bytes has met memory corruption, not input.
        let mine = (try? JSONEncoder().encode(records)).map { [UInt8]($0) } ?? []
        return collective.allGather(mine).flatMap { (try? JSONDecoder().decode([EpisodeRecord].self, from: Data($0))) ?? [] }
    }

    /// 1 − Var(returns − values)/Var(returns) over the whole batch, every rank's samples included.
    func explainedVariance() -> Double {
        guard let collective else { return buffer.explainedVariance() }
        let n = buffer.count
        var sums = [0.0, 0.0, 0.0]
        for i in 0..<n {
            sums[0] += Double(buffer.returns[i])
            sums[1] += Double(buffer.returns[i] - buffer.values[i])
        }
        sums[2] = Double(n)
        collective.sum(&sums)
        let meanY = sums[0] / sums[2], meanD = sums[1] / sums[2]
        var squares = [0.0, 0.0]
        for i in 0..<n {
            let y = Double(buffer.returns[i]) - meanY
            let d = Double(buffer.returns[i] - buffer.values[i]) - meanD
            squares[0] += y * y
            squares[1] += d * d
        }
        collective.sum(&squares)
        return squares[0] == 0 ? .nan : 1 - squares[1] / squares[0]
    }

    /// Every rank's environment slots in global order: what a checkpoint holds.
    public func allSlots() -> [EnvironmentSlot<E>] {
        guard let collective else { return slots }
        let mine = (try? JSONEncoder().encode(slots)).map { [UInt8]($0) } ?? []
        return collective.allGather(mine).flatMap { (try? JSONDecoder().decode([EnvironmentSlot<E>].self, from: Data($0))) ?? [] }
    }

    /// Makes every rank's networks, optimiser state, reference policy and
    /// counters rank 0's: after rank 0's warm start, the weights RL starts from.
    public mutating func synchroniseWithRoot() {
        guard let collective else { return }
        let mine = RootWeights(actor: actor, critic: critic, reference: reference, flops: flops)
        var bytes = isRoot ? ((try? JSONEncoder().encode(mine)).map { [UInt8]($0) } ?? []) : []
        collective.broadcast(&bytes, root: 0)
        guard let shared = try? JSONDecoder().decode(RootWeights<N>.self, from: Data(bytes)) else {
            preconditionFailure("rank \(collective.rank) could not decode rank 0's weights")
        }
        actor = shared.actor
        critic = shared.critic
        reference = shared.reference
        flops = shared.flops
    }
}

/// What rank 0 hands the other ranks when RL starts.
private struct RootWeights<N: PolicyNetwork>: Codable {
    var actor: Learner<N>
    var critic: Learner<N>?
    var reference: N?
    var flops: Double
}
