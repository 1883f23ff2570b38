// The language-model policy's speed on one machine, in the units PyTorch's
// twin (Benchmarks/peers/lm_twin.py) reports, so Benchmarks/peers/lm_speed.py
// can set the two side by side:
//   gemm      the GEMM rltrain uses (OpenBLAS when it loads, else the
//             built-in one) at 1024³, GFLOP/s: the machine's ceiling;
//   sft       SFT steps (forward, masked cross-entropy, backward, clipping,
//             Adam) on batches of 64 addition worked examples, half THINK:
//             training tokens/s and GFLOP/s;
//   sample    256 prompts, 24 new tokens each at temperature 1 with the KV
//             cache (no stop token, so both sides write the same tokens'
//             worth): sampled tokens/s;
//   grpo      whole Dr. GRPO steps of 32 prompts × 8 completions (sampling as
//             above; scoring; 2 passes of the clipped update): medians of
//             the sample, score and update seconds.
// The reward is a stand-in (1 when a completion's tokens sum to an even
// number): a fresh model answers no problem, and every group needs a signal
// for the update to do its full work on both sides.
//
//   swift run -c release lm-benchmark --d-model 64 --layers 3 --heads 4 --threads 1
//        [--write-data FILE] [--seconds S] [--only sft|sample|grpo]
//
// Prints one JSON object. `--write-data` writes the batches and prompts it
// used (token ids) so the twin runs the same work.
import Environments
import Foundation
import NN
import RL
import Tensor

let arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String, default value: Int) -> Int {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return value }
    guard let parsed = Int(arguments[i + 1]), parsed > 0 else {
        FileHandle.standardError.write(Data("lm-benchmark: \(name) needs a positive integer\n".utf8))
        exit(2)
    }
    return parsed
}
let dModel = option("--d-model", default: 64)
let layers = option("--layers", default: 3)
let heads = option("--heads", default: 4)
let threads = option("--threads", default: 1)
let budget = Double(option("--seconds", default: 3))
// For profiling one part: sft, sample or grpo (the others are skipped).
let only = arguments.firstIndex(of: "--only").flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
func runs(_ part: String) -> Bool { only == nil || only == part }
let dataPath = arguments.firstIndex(of: "--write-data").flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }

let sftBatchSize = 64, sftBatches = 40
let samplePrompts = 256, newTokens = 24
let groupPrompts = 32, groupSize = 8

let shape: TransformerConfig
do {
    shape = try TransformerConfig(vocabularySize: Vocabulary.standard.count, context: 64, layers: layers,
                                  dModel: dModel, heads: heads)
} catch {
    FileHandle.standardError.write(Data("lm-benchmark: \(error)\n".utf8))
    exit(2)
}
let blas = BLAS.shared
blas.setThreadCount(threads)
let clock = ContinuousClock()
func seconds(_ body: () -> Void) -> Double {
    let start = clock.now
    body()
    return (clock.now - start).seconds
}
func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return 0 }  // a part `--only` skipped
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

// The work: SFT batches, sampling prompts, GRPO prompts, all from one seed.
let task = AdditionTextTask()
let examples = task.workedExamples(count: sftBatchSize * sftBatches, seed: 7, mix: .mixed(thinkFraction: 0.5))
let batches = stride(from: 0, to: examples.count, by: sftBatchSize).map { Array(examples[$0 ..< $0 + sftBatchSize]) }
var problemRNG = RNG(seed: 7).stream("benchmark-prompts")
let prompts = (0..<samplePrompts).map { _ in task.prompt(for: task.trainingProblem(rng: &problemRNG)) }
let groupPromptList = (0..<groupPrompts).flatMap { i in Array(repeating: prompts[i], count: groupSize) }

// 1. The GEMM ceiling: 1024³, median of 5 after a warm-up.
let n = 1024
let a = [Float](repeating: 0.5, count: n * n), b = [Float](repeating: 0.25, count: n * n)
var c = [Float](repeating: 0, count: n * n)
let gemmSeconds = median((0..<6).map { _ in
    seconds {
        blas.gemm(transposeA: false, transposeB: false, m: n, n: n, k: n, alpha: 1, a: a, lda: n, b: b, ldb: n,
                  beta: 0, c: &c, ldc: n)
    }
}.dropFirst().map { $0 })
let gemmGFLOPs = 2 * Double(n * n * n) / gemmSeconds / 1e9

// 2. SFT: two warm-up steps, then steps until the time budget is spent.
var rng = RNG(seed: 1).stream("transformer-init")
var model = Transformer(config: shape, rng: &rng)
var optimizer = Adam.languageModel(learningRate: 1e-3)
var workspace = Transformer.Workspace(blas: blas)
let sft = SupervisedFineTuning()
var sftTokens = 0, sftFLOPs = 0.0, sftSeconds = 0.0, sftSteps = 0
for step in 0..<2 {
    _ = sft.step(&model, on: batches[step].map { ($0.prompt, $0.completion) }, step: step, optimizer: &optimizer,
                 workspace: &workspace)
}
while runs("sft") && (sftSeconds < budget || sftSteps < 5) {
    let batch = batches[(2 + sftSteps) % sftBatches].map { ($0.prompt, $0.completion) }
    var log: SupervisedFineTuning.StepLog?
    sftSeconds += seconds { log = sft.step(&model, on: batch, step: 2 + sftSteps, optimizer: &optimizer, workspace: &workspace) }
    sftTokens += log!.tokens
    sftFLOPs += log!.flops
    sftSteps += 1
}

// 3. Sampling with the KV cache: one warm-up, then repeats until the budget is spent.
var sampler = CompletionSampler(config: shape, workers: threads,
                                slotsPerWorker: (samplePrompts + threads - 1) / threads)
@MainActor func sample(_ list: [[Int]], round: Int) -> [Transformer.Completion] {
    var rngs = list.indices.map { RNG(seed: 11).stream("round", round).stream("completion", $0) }
    return sampler.sample(model, prompts: list, maxNewTokens: newTokens, temperature: 1, stopToken: -1, rngs: &rngs)
}
_ = sample(prompts, round: 0)
var sampleTimes: [Double] = []
while runs("sample") && (sampleTimes.reduce(0, +) < budget || sampleTimes.count < 3) {
    sampleTimes.append(seconds { _ = sample(prompts, round: sampleTimes.count + 1) })
}
let sampleTokensPerSecond = Double(samplePrompts * newTokens) / max(median(sampleTimes), 1e-9)

// 4. Whole Dr. GRPO steps: sample, score, update; one warm-up step, then 5.
var config = PPOConfig()
config.algorithm = .drGRPO
let update = GroupRelativeUpdate(algorithm: config.algorithm.groupRelative(config)!, epochs: 2, maxGradNorm: 1)
optimizer = .languageModel(learningRate: 5e-5)
var split: (sample: [Double], score: [Double], update: [Double]) = ([], [], [])
var kept: [Double] = []
for step in 0..<(runs("grpo") ? 6 : 0) {
    let start = clock.now
    let completions = sample(groupPromptList, round: 100 + step)
    let scoring = clock.now
    let rewards = completions.map { Float(1 - $0.tokens.reduce(0, +) % 2) }
    let updating = clock.now
    let log = update.step(&model, on: .init(prompts: groupPromptList, completions: completions, rewards: rewards,
                                            groupSize: groupSize),
                          reference: nil, optimizer: &optimizer, workspace: &workspace)
    let end = clock.now
    if step == 0 { continue }
    split.sample.append((scoring - start).seconds)
    split.score.append((updating - scoring).seconds)
    split.update.append((end - updating).seconds)
    kept.append(log.signalFraction)
}

let result: [String: Any] = [
    "side": "rltrain", "blas": blas.version, "d_model": dModel, "layers": layers, "heads": heads, "threads": threads,
    "parameters": model.parameterCount,
    "gemm_gflops": gemmGFLOPs,
    "sft_tokens_per_second": Double(sftTokens) / max(sftSeconds, 1e-9), "sft_gflops": sftFLOPs / max(sftSeconds, 1e-9) / 1e9,
    "sft_steps": sftSteps,
    "sample_tokens_per_second": sampleTokensPerSecond,
    "grpo_sample_seconds": median(split.sample), "grpo_score_seconds": median(split.score),
    "grpo_update_seconds": median(split.update),
    "grpo_step_seconds": median(zip(zip(split.sample, split.score), split.update).map { $0.0 + $0.1 + $1 }),
    "grpo_signal_fraction": median(kept),
]
let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
print(String(decoding: json, as: UTF8.self))

// The same work for the twin: SFT batches with each step's FLOPs by rltrain's
// count (so both sides' GFLOP/s use one formula), and the prompts.
if let dataPath {
    let data: [String: Any] = [
        "vocabulary_size": shape.vocabularySize, "context": shape.context, "new_tokens": newTokens,
        "group_prompts": groupPrompts, "group_size": groupSize,
        "sft_batches": batches.map { batch in batch.map { ["prompt": $0.prompt, "completion": $0.completion] } },
        "sft_flops": batches.map { batch in
            let lengths = batch.map { $0.prompt.count + $0.completion.count }
            return shape.forwardFLOPs(sequenceLengths: lengths) + shape.backwardFLOPs(sequenceLengths: lengths)
                + Adam.flops(parameterCount: model.parameterCount)
        },
        "prompts": prompts,
    ]
    try JSONSerialization.data(withJSONObject: data).write(to: URL(fileURLWithPath: dataPath))
}
