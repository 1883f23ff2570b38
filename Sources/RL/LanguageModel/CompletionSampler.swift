import NN
import Tensor

/// Samples completions of many prompts with the KV cache, split over worker
/// threads. Each prompt draws from its own generator (`rngs[i]`), so the
/// tokens depend on the seed and the prompt's place in the list, not on how
/// prompts fall to workers.
public struct CompletionSampler: Sendable {
    public let workers: Int
    /// The most prompts a worker decodes at once (its KV cache's slots;
    /// `chunkSize` may take fewer).
    public let slotsPerWorker: Int
    private var lanes: [Lane]

    private struct Lane: Sendable {
        var cache: KVCache
        var workspace = Transformer.Workspace()
    }

    public init(config: TransformerConfig, workers: Int, slotsPerWorker: Int = 64) {
        precondition(workers >= 1 && slotsPerWorker >= 1, "CompletionSampler: \(workers) workers, \(slotsPerWorker) slots")
        self.workers = workers
        self.slotsPerWorker = slotsPerWorker
        lanes = (0..<workers).map { _ in Lane(cache: KVCache(config: config, slots: slotsPerWorker)) }
    }

    /// A completion of every prompt, at most `maxNewTokens` tokens, ending
    /// at `stopToken`; greedy at temperature 0; thinking cut by `forcing`.
    public mutating func sample(
        _ model: Transformer, prompts: [[Int]], maxNewTokens: Int, temperature: Float, stopToken: Int,
        forcing: Transformer.BudgetForcing? = nil, rngs: inout [RNG]
    ) -> [Transformer.Completion] {
        precondition(rngs.count == prompts.count, "sample: \(rngs.count) generators for \(prompts.count) prompts")
        guard !prompts.isEmpty else { return [] }
        // Contiguous shares, then chunks within each (see `chunkSize`).
        let share = (prompts.count + workers - 1) / workers
        let ranges = stride(from: 0, to: prompts.count, by: share).map { $0 ..< min($0 + share, prompts.count) }
        var jobs = ranges.enumerated().map { (index, range) in
            Job(range: range, lane: lanes[index], rngs: Array(rngs[range]))
        }
        // The jobs' lanes must be the only references to their caches and
        // workspaces, or each job's first write would copy them whole (megabytes).
        let idle = Array(lanes[jobs.count...])
        lanes = []
        let longest = (prompts.map(\.count).max() ?? 0) + maxNewTokens
        let slots = Self.chunkSize(config: model.config, sequenceLength: longest, slots: slotsPerWorker)
        Parallel.forEach(&jobs) { job, _ in
            for start in stride(from: job.range.lowerBound, to: job.range.upperBound, by: slots) {
                let chunk = start ..< min(start + slots, job.range.upperBound)
                let local = (chunk.lowerBound - job.range.lowerBound) ..< (chunk.upperBound - job.range.lowerBound)
                var chunkRNGs = Array(job.rngs[local])
                job.completions += model.generate(
                    prompts: TokenBatch(Array(prompts[chunk])), maxNewTokens: maxNewTokens, temperature: temperature,
                    stopToken: stopToken, forcing: forcing, rngs: &chunkRNGs, cache: &job.lane.cache, workspace: &job.lane.workspace)
                job.rngs.replaceSubrange(local, with: chunkRNGs)
            }
        }
        lanes = jobs.map(\.lane) + idle
        for job in jobs { rngs.replaceSubrange(job.range, with: job.rngs) }
        return jobs.flatMap(\.completions)
    }

    /// Prompts decoded together. Each decode step reads every weight once
    /// for the whole chunk, and each sequence's cached keys and values once
    /// for itself: a chunk whose cache stays in a core's L2 between steps
    /// (about 1 MiB; measured with `lm-benchmark` at d-model 64 and 128,
    /// 8–48 slots sample 1.2–1.5× faster than 256) is worth the weights'
    /// reuse a bigger one gives, but where not even 8 sequences' caches fit
    /// (d-model 256), the weights dominate and the chunk is as big as the
    /// cache allows.
    static func chunkSize(config: TransformerConfig, sequenceLength: Int, slots: Int) -> Int {
        let bytesPerSequence = 2 * config.layers * min(sequenceLength, config.context) * config.dModel * 4
        let fitting = (1 << 20) / max(bytesPerSequence, 1)
        return fitting >= 8 ? min(fitting, slots) : slots
    }

    private struct Job: Sendable {
        let range: Range<Int>
        var lane: Lane
        var rngs: [RNG]
        var completions: [Transformer.Completion] = []
    }
}
