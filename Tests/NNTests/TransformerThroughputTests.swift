import Foundation
import XCTest
import Tensor
@testable import NN

/// Rough throughput at the prototype's size (vocabulary 18, context 64, d 64,
/// 4 heads, 3 layers), one thread: SFT training tokens/s (forward, backward,
/// clipping, Adam; batch 64 sequences of 20–36 tokens, ~28 on average) and
/// KV-cache sampling tokens/s at batch 256. Prints the figures; skipped
/// unless RLTRAIN_TRANSFORMER_THROUGHPUT=1, since it takes seconds.
/// PyTorch on one thread of this machine kind: 39.5k and 34.7k tokens/s.
/// Rates are given per wall-clock second and per second of this thread's CPU
/// time: on a shared machine the second is the fairer figure.
final class TransformerThroughputTests: XCTestCase {
    func testThroughput() throws {
        guard ProcessInfo.processInfo.environment["RLTRAIN_TRANSFORMER_THROUGHPUT"] == "1" else {
            throw XCTSkip("set RLTRAIN_TRANSFORMER_THROUGHPUT=1 to measure")
        }
        let config = try TransformerConfig()
        var rng = TestRNG(state: 1)
        var model = Transformer(config: config, rng: &rng)
        var adam = Adam(learningRate: 1e-3)
        var ws = Transformer.Workspace()
        var dlogits = Tensor(zeros: [0])
        func batch() -> TokenBatch {
            var b = TokenBatch()
            for _ in 0..<64 { b.append((0..<(20 + Int(rng.next() % 17))).map { _ in Int(rng.next() % 18) }) }
            return b
        }
        let batches = (0..<8).map { _ in batch() }
        func step(_ b: TokenBatch) {
            let targets = b.nextTokenTargets
            let mask = b.completionMask(promptLengths: Array(repeating: 8, count: b.count))
            model.zeroGradients()
            let logits = model.forward(b, workspace: &ws)
            SoftmaxCrossEntropy.lossGradient(logits: logits, targets: targets, mask: mask, normaliser: 1000, into: &dlogits)
            model.backward(b, logitsGradient: dlogits, workspace: &ws)
            model.scaleGradients(by: GradientClipping.scale(norm: GradientClipping.globalNorm([model]), maxNorm: 1))
            adam.update(&model)
        }
        step(batches[0])  // warm-up: workspace and Adam state
        let steps = 30
        var tokens = 0
        let trainStart = Date(), trainCPU = threadCPUSeconds()
        for i in 0..<steps {
            step(batches[i % batches.count])
            tokens += batches[i % batches.count].totalTokens
        }
        let trainSeconds = Date().timeIntervalSince(trainStart), trainCPUSeconds = threadCPUSeconds() - trainCPU
        let flops = batches.map { config.forwardFLOPs(sequenceLengths: $0.lengths) + config.backwardFLOPs(sequenceLengths: $0.lengths) }
        let meanFLOPs = flops.reduce(0, +) / Double(flops.count)

        let prompts = TokenBatch((0..<256).map { _ in (0..<8).map { _ in Int(rng.next() % 18) } })
        var cache = KVCache(config: config, slots: 256)
        var rngs = (0..<256).map { TestRNG(state: UInt64($0)) }
        let sampleStart = Date(), sampleCPU = threadCPUSeconds()
        var sampled = 0
        for _ in 0..<2 {
            let completions = model.generate(prompts: prompts, maxNewTokens: 40, temperature: 1, rngs: &rngs,
                                             cache: &cache, workspace: &ws)
            sampled += completions.reduce(0) { $0 + $1.tokens.count }
        }
        let sampleSeconds = Date().timeIntervalSince(sampleStart), sampleCPUSeconds = threadCPUSeconds() - sampleCPU
        print(String(format: "transformer throughput (%@): training %.1fk tokens/s wall, %.1fk per CPU second (%.1f GFLOP/CPU s); sampling %.1fk tokens/s wall, %.1fk per CPU second",
                     BLAS.shared.version, Double(tokens) / trainSeconds / 1000, Double(tokens) / trainCPUSeconds / 1000,
                     meanFLOPs * Double(steps) / trainCPUSeconds / 1e9, Double(sampled) / sampleSeconds / 1000,
                     Double(sampled) / sampleCPUSeconds / 1000))
    }
}

/// CPU time of the calling thread, in seconds.
func threadCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}
