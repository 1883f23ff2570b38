import Foundation
import Tensor

/// Sampling completions with the KV cache.
extension Transformer {
    /// One sequence's sampled tokens and, for each, its log-probability under
    /// the model (temperature 1: what a trainer recomputes for importance ratios).
    public struct Completion: Sendable, Equatable {
        public var tokens: [Int] = []
        public var logProbabilities: [Float] = []
    }

    /// Budget forcing (s1's test-time scaling by truncation): a completion
    /// that opens with `opening` and has written `limit` tokens after it
    /// without `closing` is given `closing` as its next token, so whatever
    /// follows (the answer) is written with the thinking cut there.
    public struct BudgetForcing: Sendable, Equatable {
        public var opening: Int
        public var closing: Int
        public var limit: Int

        public init(opening: Int, closing: Int, limit: Int) {
            self.opening = opening
            self.closing = closing
            self.limit = limit
        }

        /// The token forced after `tokens`, if any.
        func forcedToken(after tokens: [Int]) -> Int? {
            tokens.first == opening && tokens.count == 1 + limit && !tokens.contains(closing) ? closing : nil
        }
    }

    /// Samples a completion of every prompt: at most `maxNewTokens` tokens,
    /// stopping after `stopToken` or at the context. Each sequence draws from
    /// its own `rngs[i]` (one draw per sampled token; a forced token draws
    /// nothing), and its logits depend on its own tokens only, so results do
    /// not depend on batching or threading (up to the GEMM's rounding).
    /// Temperature 0 is greedy (the first maximum).
    public func generate<G: RandomNumberGenerator>(
        prompts: TokenBatch, maxNewTokens: Int, temperature: Float, stopToken: Int? = nil, forcing: BudgetForcing? = nil,
        rngs: inout [G], cache: inout KVCache, workspace: inout Workspace
    ) -> [Completion] {
        precondition(rngs.count == prompts.count, "generate: \(rngs.count) generators for \(prompts.count) prompts")
        precondition(prompts.count <= cache.slots, "generate: \(prompts.count) prompts for \(cache.slots) cache slots")
        precondition(temperature >= 0, "generate: temperature \(temperature) is negative")
        var completions = Array(repeating: Completion(), count: prompts.count)
        guard maxNewTokens > 0 else { return completions }
        var active = Array(0..<prompts.count)
        var logits = prefill(prompts, slots: active, cache: &cache, workspace: &workspace)
        let v = config.vocabularySize
        while !active.isEmpty {
            var next: [Int] = []
            var stillActive: [Int] = []
            logits.scalars.withUnsafeBufferPointer { l in
                for (row, s) in active.enumerated() {
                    let rowLogits = l.baseAddress! + row * v
                    let token = forcing?.forcedToken(after: completions[s].tokens)
                        ?? Self.sample(rowLogits, count: v, temperature: temperature, rng: &rngs[s])
                    let (m, logSum) = SoftmaxCrossEntropy.logSumExp(rowLogits, count: v)
                    completions[s].tokens.append(token)
                    completions[s].logProbabilities.append((rowLogits[token] - m) - logSum)
                    let done = token == stopToken || completions[s].tokens.count == maxNewTokens
                        || cache.lengths[s] >= config.context
                    if !done {
                        next.append(token)
                        stillActive.append(s)
                    }
                }
            }
            active = stillActive
            if active.isEmpty { break }
            logits = decode(next, slots: active, cache: &cache)
        }
        return completions
    }

    /// A token drawn from softmax(logits / temperature) with one uniform draw
    /// (53 bits) and an inverse-CDF walk in Float64; the argmax (first
    /// maximum) at temperature 0.
    public static func sample<G: RandomNumberGenerator>(
        _ logits: UnsafePointer<Float>, count: Int, temperature: Float, rng: inout G
    ) -> Int {
        var best = 0
        for j in 1..<count where logits[j] > logits[best] { best = j }
        guard temperature > 0 else { return best }
        let (m, t) = (Double(logits[best]), Double(temperature))
        var total = 0.0
        for j in 0..<count { total += exp((Double(logits[j]) - m) / t) }
        let u = Double(rng.next() >> 11) * 0x1p-53 * total
        var cumulative = 0.0
        for j in 0..<count {
            cumulative += exp((Double(logits[j]) - m) / t)
            if u < cumulative { return j }
        }
        return best  // u within rounding of the total
    }
}
