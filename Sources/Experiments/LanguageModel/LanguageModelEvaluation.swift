import Foundation
import NN
import RL
import Environments
import RunStorage

/// Held-out accuracy of a language-model policy: greedy, or N sampled
/// completions per problem chosen by majority vote over their answers, or
/// pass@N (the oracle: right if any sample is). `rltrain eval` on a
/// language-model run, and the evaluations inside one.
enum LanguageModelEvaluation {
    struct Result {
        var row: [String: CSVField]
        /// Per problem: the prompt, the chosen (or first) completion, and whether the problem counts as solved.
        var solved: [(prompt: [Int], completion: [Int], right: Bool)]
    }

    /// Sample s of problem i draws from `RNG(seed).stream("eval-samples", i).stream("sample", s)`:
    /// the first N samples are the same whatever N.
    /// `thinkBudget` B cuts THINK working at B tokens and forces the answer
    /// mark (budget forcing); nil lets the model write what it will.
    static func measure<Task: TextTask>(
        _ model: Transformer, task: Task, problems: [Task.Problem], samples: Int, temperature: Double,
        select: SampleSelection, thinkBudget: Int? = nil, seed: UInt64, sampler: inout CompletionSampler
    ) -> Result {
        let prompts = problems.flatMap { Array(repeating: task.prompt(for: $0), count: samples) }
        var rngs = problems.indices.flatMap { i in
            (0..<samples).map { RNG(seed: seed).stream("eval-samples", i).stream("sample", $0) }
        }
        let limit = problems.map { task.maxCompletionLength(for: $0) }.max() ?? 1
        let clock = ContinuousClock()
        let start = clock.now
        let forcing = thinkBudget.map { Transformer.BudgetForcing(opening: Vocabulary.think, closing: Vocabulary.answerMark, limit: $0) }
        let completions = sampler.sample(model, prompts: prompts, maxNewTokens: limit, temperature: Float(temperature),
                                         stopToken: Vocabulary.eos, forcing: forcing, rngs: &rngs)
        let seconds = (clock.now - start).seconds
        var solved: [(prompt: [Int], completion: [Int], right: Bool)] = []
        var (chosenRight, covered) = (0, 0)
        // A search's attempts and retries over every completion (tasks that count them).
        var (attempts, retries, searched) = (0, 0, 0)
        // The steps of working written, and those the task's step checker labels right.
        var (steps, rightSteps) = (0, 0)
        for (i, problem) in problems.enumerated() {
            let group = completions[(i * samples)..<((i + 1) * samples)].map(\.tokens)
            for tokens in group {
                let labels = task.stepCorrectness(of: tokens, for: problem)
                steps += labels.count
                rightSteps += labels.filter { $0 }.count
                guard let made = task.attempts(of: tokens, for: problem) else { continue }
                attempts += made.count
                retries += made.retriedAfterMiss ? 1 : 0
                searched += 1
            }
            let right = group.map { task.reward(of: $0, for: problem) == 1 }
            // Majority: the most frequent answer, as the task counts answers (the first to reach the count on ties).
            var votes: [[Int]: Int] = [:]
            var chosen = 0
            var best = 0
            for (s, tokens) in group.enumerated() {
                guard let answer = task.voteKey(of: tokens, for: problem) else { continue }
                votes[answer, default: 0] += 1
                if votes[answer]! > best { (best, chosen) = (votes[answer]!, s) }
            }
            let isCovered = right.contains(true)
            let isRight = select == .oracle ? isCovered : right[chosen]
            if isRight { chosenRight += 1 }
            if isCovered { covered += 1 }
            solved.append((task.prompt(for: problem), group[chosen], isRight))
        }
        let n = Double(max(problems.count, 1))
        let tokens = completions.reduce(0) { $0 + $1.tokens.count }
        let greedy = samples == 1 && temperature == 0
        // The problems' difficulty, or every one they mix ("×2 ×3 ×7": a size of
        // multiplication mixes multipliers), never one problem's standing for all.
        let difficulties = Set(problems.map { task.difficulty(of: $0) }).sorted()
        let row: [String: CSVField] = [
            "difficulty": .text(difficulties.joined(separator: " ")),
            "problems": .int(problems.count), "samples": .int(samples), "temperature": .double(temperature),
            "selection": .text(greedy && select != .oracle ? "greedy" : select.rawValue),
            "accuracy": select == .oracle ? .missing : .double(Double(chosenRight) / n),
            "coverage": .double(Double(covered) / n),
            "think_fraction": .double(Double(completions.filter { task.thinks($0.tokens) }.count) / Double(max(completions.count, 1))),
            "completion_tokens_mean": .double(Double(tokens) / Double(max(completions.count, 1))),
            "tokens_per_second": .double(Double(tokens) / seconds),
            "think_budget": thinkBudget.map { .int($0) } ?? .missing,
            "step_accuracy": steps > 0 ? .double(Double(rightSteps) / Double(steps)) : .missing,
            "attempts_mean": searched > 0 ? .double(Double(attempts) / Double(searched)) : .missing,
            "retry_fraction": searched > 0 ? .double(Double(retries) / Double(searched)) : .missing,
        ]
        return Result(row: row, solved: solved)
    }

    /// SFT's loss on problems it never trained on: the mean cross-entropy
    /// per completion token of the worked examples of `problems`, each
    /// written THINK with probability `thinkFraction` (drawn from `formats`),
    /// as SFT's own examples are. What the IsoFLOP profiles compare.
    static func heldOutLoss<Task: TextTask>(
        _ model: Transformer, task: Task, problems: [Task.Problem], thinkFraction: Double, formats: RNG,
        workspace: inout Transformer.Workspace
    ) -> Double {
        var formats = formats
        let examples = problems.map { problem in
            let format: CompletionFormat = formats.uniformDouble() < thinkFraction ? .think : .direct
            return (prompt: task.prompt(for: problem), completion: task.completion(for: problem, format: format))
        }
        let completionTokens = examples.reduce(0) { $0 + $1.completion.count }
        var total = 0.0
        for start in stride(from: 0, to: examples.count, by: 64) {
            let chunk = examples[start ..< min(start + 64, examples.count)]
            let batch = TokenBatch(chunk.map { $0.prompt + $0.completion })
            let mask = batch.completionMask(promptLengths: chunk.map(\.prompt.count))
            let logits = model.forward(batch, workspace: &workspace)
            total += SoftmaxCrossEntropy.loss(logits: logits, targets: batch.nextTokenTargets, mask: mask,
                                              normaliser: Float(max(completionTokens, 1))).loss
        }
        return total
    }

    /// `rltrain eval RUN` on a language-model run: the checkpoint's model on
    /// held-out problems as the environment's flags ask; one line to the
    /// console, `--show K` solved problems, one row appended to `eval.csv`.
    static func evaluate<S: TextTaskSource>(
        _ settings: S, config: RunConfig, directory: RunDirectory, arguments: [String], console: Console
    ) throws {
        let request = try settings.textEvaluationRequest(arguments)
        if let budget = request.thinkBudget, budget < 1 {
            throw ConfigError("--think-budget \(budget): a THINK completion needs at least 1 token of working (on a language-model run the budget counts tokens of working)")
        }
        if request.search.select == .verifier {
            throw ConfigError("--select verifier needs a learned verifier, which language-model runs do not train yet; use majority or oracle")
        }
        guard let languageModel = config.languageModel else { return }
        guard FileManager.default.fileExists(atPath: directory.checkpoint) else {
            throw ConfigFileError("\(directory.path) has no checkpoint yet: nothing to evaluate")
        }
        let saved = try LanguageModelCheckpoint.read(from: directory, config: config)
        let task = request.task
        let shape = try languageModel.transformerConfig(for: task)
        let model = try LanguageModelCheckpoint.model(saved.parameters, config: shape, directory: directory)
        let digits = request.digits ?? task.digits.upperBound
        var sampler = CompletionSampler(config: shape, workers: request.search.workers ?? config.ppo.workers)
        let problems = task.heldOutProblems(count: request.problems, digits: digits, seed: config.ppo.seed)
        let longest = task.longestWorkedSequence(digits: digits)
        if longest > shape.context {
            throw ConfigError("problems of size \(digits): a prompt and its worked completion take \(longest) tokens, more than the model's context of \(shape.context)")
        }
        let result = measure(model, task: task, problems: problems, samples: request.search.samples,
                             temperature: request.search.effectiveTemperature, select: request.search.select,
                             thinkBudget: request.thinkBudget, seed: config.ppo.seed, sampler: &sampler)
        let vocabulary = task.vocabulary
        for example in result.solved.prefix(request.show) {
            console.line("\(vocabulary.decode(example.prompt)) \(vocabulary.decode(example.completion)) \(example.right ? "✓" : "✗")")
        }
        var row = result.row
        row.merge(["phase": .text("eval"), "step": .int(saved.rlStepsDone), "digits": .int(digits)]) { $1 }
        let label = (request.search.samples == 1 && request.search.effectiveTemperature == 0
            ? "greedy" : "\(request.search.samples) samples at temperature \(request.search.effectiveTemperature), \(request.search.select.rawValue)")
            + (request.thinkBudget.map { ", working cut at \($0) tokens" } ?? "")
        let shown: String = if case .double(let a)? = row["accuracy"] { Console.percent(a) } else { "–" }
        let coverage: String = if case .double(let c)? = row["coverage"] { Console.percent(c) } else { "–" }
        console.line("\(digits)-\(task.sizeUnit) problems, \(label): \(request.search.select == .oracle ? "pass@\(request.search.samples) \(coverage)" : "\(shown) exact match") (\(problems.count) problems)")
        try EvaluationLog.append([row], columns: LanguageModelLoop<S.Task>.evaluationColumns, to: directory)
    }
}
