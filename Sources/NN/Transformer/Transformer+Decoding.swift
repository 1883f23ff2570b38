import Foundation
import Tensor

/// Incremental decoding with a `KVCache`: prefill each sequence's prompt with
/// the packed training forward pass, then one token per sequence per step,
/// every GEMM batched over the sequences' rows and each row attending over
/// its own slot's cached keys and values.
extension Transformer {
    /// Runs `prompts` (sequence i into `slots[i]`, whose old content is
    /// dropped) and caches their keys and values; returns the logits after
    /// each prompt's last token, [prompts.count, vocabularySize].
    public func prefill(
        _ prompts: TokenBatch, slots: [Int], cache: inout KVCache, workspace: inout Workspace
    ) -> Tensor {
        precondition(cache.config == config, "KVCache for \(cache.config), model \(config)")
        precondition(slots.count == prompts.count && slots.allSatisfy { (0..<cache.slots).contains($0) }
                     && Set(slots).count == slots.count,
                     "prefill: slots \(slots) for \(prompts.count) prompts and \(cache.slots) cache slots")
        let logits = forward(prompts, workspace: &workspace)
        let (d, v) = (config.dModel, config.vocabularySize)
        var last = Tensor(zeros: [prompts.count, v])
        let sequences = workspace.sequences
        workspace.storage.withUnsafeMutableBufferPointer { storage in
            let b = TransformerBuffers(storage.baseAddress!, config, sequences)
            for l in 0..<config.layers {
                let qkv = b.blocks[l].qkv
                for (i, slot) in slots.enumerated() {
                    for p in 0..<prompts.lengths[i] {
                        let row = qkv + (prompts.starts[i] + p) * 3 * d
                        let at = cache.offset(layer: l, slot: slot, position: p)
                        cache.keys.withUnsafeMutableBufferPointer { $0.baseAddress!.advanced(by: at).update(from: row + d, count: d) }
                        cache.values.withUnsafeMutableBufferPointer { $0.baseAddress!.advanced(by: at).update(from: row + 2 * d, count: d) }
                    }
                }
            }
        }
        for (i, slot) in slots.enumerated() {
            cache.lengths[slot] = prompts.lengths[i]
            let row = prompts.starts[i] + prompts.lengths[i] - 1
            last.scalars.replaceSubrange((i * v)..<(i * v + v), with: logits.scalars[(row * v)..<(row * v + v)])
        }
        return last
    }

    /// Appends `tokens[i]` to slot `slots[i]` (at position `cache.lengths[slot]`,
    /// which must be below the context) and returns the logits after it,
    /// [tokens.count, vocabularySize]. A slot appears at most once.
    public func decode(_ tokens: [Int], slots: [Int], cache: inout KVCache) -> Tensor {
        precondition(cache.config == config, "KVCache for \(cache.config), model \(config)")
        precondition(tokens.count == slots.count && Set(slots).count == slots.count && slots.allSatisfy { (0..<cache.slots).contains($0) },
                     "decode: \(tokens.count) tokens for slots \(slots) of \(cache.slots)")
        precondition(tokens.allSatisfy { (0..<config.vocabularySize).contains($0) }, "decode: a token is outside the vocabulary")
        let positions = slots.map { cache.lengths[$0] }
        precondition(positions.allSatisfy { $0 < config.context }, "decode: a sequence is already at the context \(config.context)")
        let (rows, d, heads, blas) = (tokens.count, config.dModel, config.heads, cache.blas)
        let hs = d / heads
        let scale = 1 / Float(hs).squareRoot()
        var logits = Tensor(zeros: [rows, config.vocabularySize])
        cache.scratch.withUnsafeMutableBufferPointer { scratch in
        cache.keys.withUnsafeMutableBufferPointer { keys in
        cache.values.withUnsafeMutableBufferPointer { values in
            let b = DecodeBuffers(scratch.baseAddress!, rows: rows, config)
            embedding.forward(tokens: tokens, positions: positions, into: b.residual)
            for (l, block) in blocks.enumerated() {
                block.norm1.forward(b.residual, rows: rows, into: b.normed, mean: b.mean, rstd: b.rstd)
                block.attention.qkv.forward(b.normed, rows: rows, into: b.qkv, accumulate: false, blas: blas)
                for r in 0..<rows {
                    let q = b.qkv + r * 3 * d
                    let base = ((l * cache.slots + slots[r]) * config.context) * d
                    let (k, v) = (keys.baseAddress! + base, values.baseAddress! + base)
                    let n = positions[r] + 1
                    if r + 1 < rows {  // the next row's slot, while this one computes
                        let next = ((l * cache.slots + slots[r + 1]) * config.context) * d
                        let bytes = positions[r + 1] * d * MemoryLayout<Float>.stride
                        Tensor.prefetch(keys.baseAddress! + next, bytes: bytes)
                        Tensor.prefetch(values.baseAddress! + next, bytes: bytes)
                    }
                    (k + positions[r] * d).update(from: q + d, count: d)
                    (v + positions[r] * d).update(from: q + 2 * d, count: d)
                    // Every head at once, sweeping the slot's keys, then its
                    // values, row by contiguous row: one pass over the cache
                    // (a pass per head would stride through it `heads` times).
                    let out = b.heads + r * d
                    for j in 0..<n {
                        let key = k + j * d
                        for h in 0..<heads {
                            b.scores[h * n + j] = VectorMath.dot(q + h * hs, key + h * hs, count: hs) * scale
                        }
                    }
                    for h in 0..<heads {
                        let scores = b.scores + h * n
                        var m = -Float.infinity
                        for j in 0..<n { m = max(m, scores[j]) }
                        var sum: Float = 0
                        for j in 0..<n {
                            let e = exp(scores[j] - m)
                            scores[j] = e
                            sum += e
                        }
                        let inverse = 1 / sum
                        for j in 0..<n { scores[j] *= inverse }
                    }
                    out.update(repeating: 0, count: d)
                    for j in 0..<n {
                        let value = v + j * d
                        for h in 0..<heads {
                            VectorMath.axpy(b.scores[h * n + j], value + h * hs, out + h * hs, count: hs)
                        }
                    }
                }
                block.attention.projection.forward(b.heads, rows: rows, into: b.residual, accumulate: true, blas: blas)
                block.norm2.forward(b.residual, rows: rows, into: b.normed, mean: b.mean, rstd: b.rstd)
                block.feedForward.forward(b.normed, rows: rows, preActivation: b.preActivation,
                                          activation: b.activation, addingInto: b.residual, blas: blas)
            }
            finalNorm.forward(b.residual, rows: rows, into: b.normed, mean: b.mean, rstd: b.rstd)
            logits.scalars.withUnsafeMutableBufferPointer { head.forward(b.normed, rows: rows, into: $0.baseAddress!, blas: blas) }
        }
        }
        }
        for slot in slots { cache.lengths[slot] += 1 }
        return logits
    }
}
