import Foundation
import NN
import RL
import Environments
import RunStorage
import Tensor

/// A language-model run (`--policy transformer`), in the order the
/// reasoning recipe runs:
///  1. SFT: next-token cross-entropy on the completions of worked examples
///     (`sft.csv`, one row per step);
///  2. a greedy held-out evaluation (`eval.csv`, one row per problem size);
///  3. RL: each step samples G completions of P training prompts, scores
///     them with the task's verifier and takes a group-relative update
///     (`progress.csv`, one row per step), evaluating every `evalEvery` steps.
/// Step s of either phase draws its examples, problems and samples from
/// the seed and s alone (the environment's `--eval-problems` and
/// `--eval-every` set the evaluation), so a run resumed from a checkpoint writes the rows
/// an uninterrupted one writes. Under mpirun every rank runs this loop on
/// its share of each SFT batch and of each RL step's prompts, the ranks add
/// their gradients, and rank 0 alone evaluates and writes.
struct LanguageModelLoop<Task: TextTask> {
    let task: Task
    let config: RunConfig
    let settings: LanguageModelSettings
    let directory: RunDirectory
    let options: TrainingRun.Options
    let algorithm: any GroupRelativeAlgorithm
    let root: RNG

    var model: Transformer
    var optimizer: Adam
    var reference: Transformer?
    var sftStepsDone = 0
    var rlStepsDone = 0
    var sftRows = 0
    var progressRows = 0
    var evaluationRows = 0
    var wallSecondsBefore = 0.0
    /// Training FLOPs so far: SFT's steps, RL's sampling and updates.
    var flops = 0.0
    var workspace = Transformer.Workspace()
    var sampler: CompletionSampler
    var pendingCheckpoint: BackgroundWrite?

    static var sftColumns: [String] {
        ["step", "examples_seen", "loss", "learning_rate", "grad_norm", "tokens", "tokens_per_second", "flops", "wall_seconds"]
    }
    static var progressColumns: [String] {
        ["step", "accuracy", "reward_mean", "well_formed_fraction", "think_fraction", "completion_tokens_mean", "signal_fraction",
         "loss", "clip_fraction", "reference_kl", "grad_norm", "sampled_tokens", "tokens_per_second",
         "sample_seconds", "score_seconds", "update_seconds", "flops", "wall_seconds"]
    }
    static var evaluationColumns: [String] {
        ["phase", "step", "digits", "difficulty", "problems", "samples", "temperature", "selection", "accuracy", "coverage",
         "think_fraction", "completion_tokens_mean", "tokens_per_second", "think_budget", "loss", "parameters",
         "non_embedding_parameters", "step_accuracy", "attempts_mean", "retry_fraction"]
    }

    init(task: Task, config: RunConfig, settings: LanguageModelSettings, directory: RunDirectory, resuming: Bool,
         options: TrainingRun.Options) throws {
        self.task = task
        self.config = config
        self.settings = settings
        self.directory = directory
        self.options = options
        guard let algorithm = config.ppo.algorithm.groupRelative(config.ppo) else {
            throw ConfigError("--algo \(config.ppo.algorithm.rawValue) needs a critic")
        }
        self.algorithm = algorithm
        root = RNG(seed: config.ppo.seed)
        let shape = try settings.transformerConfig(for: task)
        sampler = CompletionSampler(config: shape, workers: config.ppo.workers)
        if resuming {
            let saved = try LanguageModelCheckpoint.read(from: directory, config: config)
            model = try LanguageModelCheckpoint.model(saved.parameters, config: shape, directory: directory)
            reference = try saved.referenceParameters.map {
                try LanguageModelCheckpoint.model($0, config: shape, directory: directory)
            }
            guard saved.optimizer.fits(model) else {
                throw ConfigFileError("\(directory.checkpoint): the optimiser's moments do not fit the model")
            }
            optimizer = saved.optimizer
            sftStepsDone = saved.sftStepsDone
            rlStepsDone = saved.rlStepsDone
            sftRows = saved.sftRows
            progressRows = saved.progressRows
            evaluationRows = saved.evaluationRows
            wallSecondsBefore = saved.wallSeconds
            flops = saved.flops
        } else {
            var rng = root.stream("transformer-init")
            model = Transformer(config: shape, rng: &rng)
            optimizer = settings.sft.makeOptimizer()
        }
    }

    var sftSteps: Int { settings.sft.steps }
    var rlSteps: Int { settings.sftOnly ? 0 : settings.rlSteps }

    mutating func run() throws -> TrainingRun.Outcome {
        let console = options.console
        if sftStepsDone == sftSteps && rlStepsDone == rlSteps && progressRows > 0 {
            // Killed between its last checkpoint and its figure, a run draws it now.
            if isRoot && !FileManager.default.fileExists(atPath: directory.curves) { try writeCurves() }
            console.line("\(directory.path) has already finished; nothing to do")
            return .alreadyFinished
        }
        console.line("rltrain \(RunRecord.currentVersion) · BLAS: \(BLAS.shared.version) · run directory \(directory.path)")
        console.line("\(config.env) as text, \(task.digits.lowerBound)-\(task.digits.upperBound) \(task.sizeUnit)s · transformer \(model.config) (\(Console.count(model.parameterCount)) parameters) · SFT \(sftSteps) steps on \(settings.sftExamples) examples, then \(config.ppo.algorithm.rawValue) \(rlSteps) steps of \(settings.promptsPerStep)×\(config.ppo.groupSize) completions on \(config.ppo.workers) worker\(config.ppo.workers == 1 ? "" : "s") · seed \(config.ppo.seed)")
        if sftStepsDone > 0 || rlStepsDone > 0 {
            console.line("resuming after SFT step \(sftStepsDone)\(rlStepsDone > 0 ? " and RL step \(rlStepsDone)" : "")")
        }
        // Under data parallelism rank 0 alone writes the run directory.
        let sftLog = isRoot ? try Self.log(directory.file("sft.csv"), columns: Self.sftColumns, keepingRows: sftRows) : nil
        let progressLog = isRoot ? try Self.log(directory.progress, columns: Self.progressColumns, keepingRows: progressRows) : nil
        // An eval.csv of an earlier version gains the columns added since.
        if isRoot && evaluationRows > 0 { try EvaluationLog.upgrade(directory.evaluations, to: Self.evaluationColumns) }
        let evaluationLog = isRoot
            ? try Self.log(directory.evaluations, columns: Self.evaluationColumns, keepingRows: evaluationRows) : nil
        var events: TensorBoardWriter?
        if config.run.tensorboard && isRoot {
            events = try TensorBoardWriter(resuming: directory.path, firstStep: Int64(progressRows == 0 ? 0 : rlStepsDone + 1))
        }
        let tags = TensorBoardTags.tags(for: Self.progressColumns)
        defer {
            try? finishCheckpoint()
            sftLog?.close()
            progressLog?.close()
            evaluationLog?.close()
            events?.close()
        }
        let clock = ContinuousClock()
        let started = clock.now
        func wallSeconds() -> Double { wallSecondsBefore + (clock.now - started).seconds }

        // 1. Supervised fine-tuning on worked examples.
        if sftStepsDone < sftSteps {
            let examples = settings.workedExamples(for: task, seed: config.ppo.seed)
            var order = ExampleOrder(count: examples.count, root: root.stream("sft-order"))
            while sftStepsDone < sftSteps {
                let step = sftStepsDone
                let batch = order.indices(step: step, batchSize: settings.sft.batchSize).map { examples[$0] }
                let before = clock.now
                let log = settings.sft.step(&model, on: batch.map { ($0.prompt, $0.completion) }, step: step,
                                            optimizer: &optimizer, workspace: &workspace, collective: collective)
                let seconds = (clock.now - before).seconds
                sftStepsDone += 1
                flops += log.flops
                try sftLog?.append([
                    "step": .int(sftStepsDone), "examples_seen": .int(sftStepsDone * settings.sft.batchSize),
                    "loss": .double(log.loss), "learning_rate": .double(log.learningRate), "grad_norm": .double(log.gradientNorm),
                    "tokens": .int(log.tokens), "tokens_per_second": .double(Double(log.tokens) / seconds),
                    "flops": .double(flops), "wall_seconds": .double(wallSeconds()),
                ])
                sftRows += 1
                console.status(String(format: "SFT step %d/%d │ loss %.4f │ %@ tokens/s", sftStepsDone, sftSteps, log.loss,
                                      Console.count(Int(Double(log.tokens) / seconds))),
                               persist: sftStepsDone % max(1, sftSteps / 10) == 0 || sftStepsDone == sftSteps)
                let stop = agreed(options.shouldStop())
                if sftStepsDone % 100 == 0 || sftStepsDone == sftSteps || stop {
                    try sftLog?.sync()
                    try saveCheckpoint(wallSeconds: wallSeconds(), wait: stop)
                }
                if stop && sftStepsDone < sftSteps { return interrupted(console, phase: "SFT step \(sftStepsDone)") }
            }
            console.finishStatus()
        }

        // 2. The model SFT made, on held-out problems; the reference policy of the KL term.
        if progressRows == 0 {
            var row0: [String: CSVField] = ["step": .int(0)]
            if isRoot {
                let rows = evaluate(phase: "sft", step: sftStepsDone)
                for row in rows { try evaluationLog?.append(row) }
                evaluationRows += rows.count
                try evaluationLog?.sync()
                console.line("after SFT: " + summary(rows))
                row0["accuracy"] = longestGreedyAccuracy(rows)
            }
            if algorithm.klCoef != 0 { reference = model }
            // Row 0 of progress.csv: the policy RL starts from.
            row0["flops"] = .double(flops)
            row0["wall_seconds"] = .double(wallSeconds())
            try progressLog?.append(row0)
            try progressLog?.sync()
            progressRows = 1
            try events?.append(step: 0, scalars: TensorBoardTags.scalars(row0, tags: tags))
            if rlSteps > 0 { optimizer = .languageModel(learningRate: config.ppo.learningRate) }
            let stop = agreed(options.shouldStop())
            try saveCheckpoint(wallSeconds: wallSeconds(), wait: stop)
            if stop && rlSteps > 0 { return interrupted(console, phase: "SFT") }
        }

        // 3. RL on the verifiable reward.
        let thinkCost = config.textThinkCost
        let update = GroupRelativeUpdate(algorithm: algorithm, epochs: config.ppo.updateEpochs, maxGradNorm: config.ppo.maxGradNorm)
        while rlStepsDone < rlSteps {
            let step = rlStepsDone
            var problemRNG = root.stream("rl-problems", step)
            let allProblems = (0..<settings.promptsPerStep).map { _ in task.trainingProblem(rng: &problemRNG) }
            // This rank's problems (all of them in one process); completion i
            // of the step draws from its own stream whichever rank samples it.
            let mine = collective?.share(of: allProblems.count) ?? allProblems.indices
            let problems = Array(allProblems[mine])
            let g = config.ppo.groupSize
            let prompts = problems.flatMap { problem in Array(repeating: task.prompt(for: problem), count: g) }
            var rngs = prompts.indices.map { root.stream("rl-samples", step).stream("completion", mine.lowerBound * g + $0) }

            // Sample, score, update.
            let sampleStart = clock.now
            let limit = allProblems.map { task.maxCompletionLength(for: $0) }.max() ?? 1
            let completions = sampler.sample(model, prompts: prompts, maxNewTokens: limit,
                                             temperature: Float(settings.temperature), stopToken: Vocabulary.eos, rngs: &rngs)
            let scoreStart = clock.now
            let parsed = completions.map { task.read($0.tokens) }
            let rewards = completions.indices.map { i in
                Float(Self.reward(of: completions[i].tokens, for: problems[i / g], task: task, thinkCost: thinkCost, stepReward: settings.stepReward))
            }
            let updateStart = clock.now
            let log = update.step(&model, on: .init(prompts: prompts, completions: completions, rewards: rewards, groupSize: g),
                                  reference: reference, optimizer: &optimizer, workspace: &workspace, collective: collective)
            let end = clock.now
            rlStepsDone += 1

            // The step's sums over every rank's completions.
            let sampledLengths: [Int] = zip(prompts, completions).map { $0.count + $1.tokens.count }
            let completionTokens: Int = completions.reduce(0) { $0 + $1.tokens.count }
            let rewardTotal: Float = rewards.reduce(0, +)
            var sums: [Double] = [Double(completions.count), Double(rewardTotal),
                                  Double(parsed.filter(\.isWellFormed).count), Double(parsed.filter(\.thinks).count),
                                  Double(completionTokens), model.config.forwardFLOPs(sequenceLengths: sampledLengths)]
            collective?.sum(&sums)
            let (n, rewardSum, wellFormed, thinking, sampled, samplingFLOPs)
                = (sums[0], sums[1], sums[2], sums[3], Int(sums[4]), sums[5])
            flops += samplingFLOPs + log.flops
            var row: [String: CSVField] = [
                "step": .int(rlStepsDone), "reward_mean": .double(rewardSum / n),
                "well_formed_fraction": .double(wellFormed / n), "think_fraction": .double(thinking / n),
                "completion_tokens_mean": .double(Double(sampled) / n), "signal_fraction": .double(log.signalFraction),
                "loss": .double(log.loss), "clip_fraction": .double(log.clipFraction), "reference_kl": .double(log.referenceKL),
                "grad_norm": .double(log.gradientNorm), "sampled_tokens": .int(sampled),
                "tokens_per_second": .double(Double(sampled) / (scoreStart - sampleStart).seconds),
                "sample_seconds": .double((scoreStart - sampleStart).seconds),
                "score_seconds": .double((updateStart - scoreStart).seconds),
                "update_seconds": .double((end - updateStart).seconds), "flops": .double(flops),
                "wall_seconds": .double(wallSeconds()),
            ]
            // The held-out evaluation, at its interval and at the end: its longest size is the row's accuracy.
            let isLast = rlStepsDone == rlSteps
            if isRoot && (rlStepsDone % config.textTaskEvaluation.every == 0 || isLast) {
                let rows = evaluate(phase: "rl", step: rlStepsDone)
                for row in rows { try evaluationLog?.append(row) }
                evaluationRows += rows.count
                try evaluationLog?.sync()
                row["accuracy"] = longestGreedyAccuracy(rows)
                console.finishStatus()
                console.line("RL step \(rlStepsDone): " + summary(rows))
            }
            try progressLog?.append(row)
            progressRows += 1
            try events?.append(step: Int64(rlStepsDone), scalars: TensorBoardTags.scalars(row, tags: tags))
            console.status(String(format: "RL step %d/%d │ reward %.3f │ thinks %.0f%% │ %.1f tokens │ %@ tokens/s",
                                  rlStepsDone, rlSteps, rewardSum / n, 100 * thinking / n, Double(sampled) / n,
                                  Console.count(Int(Double(sampled) / (scoreStart - sampleStart).seconds))),
                           persist: false)
            let stop = agreed(options.shouldStop()) || options.stopAfterUpdates.map { rlStepsDone >= $0 } ?? false
            if rlStepsDone % config.run.checkpointEvery == 0 || isLast || stop {
                try progressLog?.sync()
                try events?.sync()
                try saveCheckpoint(wallSeconds: wallSeconds(), wait: isLast || stop)
            }
            if stop && !isLast { return interrupted(console, phase: "RL step \(rlStepsDone)") }
        }
        console.finishStatus()
        try saveCheckpoint(wallSeconds: wallSeconds(), wait: true)
        if isRoot { try writeCurves() }
        console.line("wrote \(directory.path)/{config.json, sft.csv, progress.csv, eval.csv, checkpoint.bin, curves.svg\(events == nil ? "" : ", events.out.tfevents.*")}")
        return .finished
    }

    /// A log to append to: created afresh before its first row, else cut to
    /// the rows the checkpoint counts.
    private static func log(_ path: String, columns: [String], keepingRows rows: Int) throws -> CSVWriter {
        rows == 0 ? try CSVWriter(creating: path, columns: columns) : try CSVWriter(resuming: path, columns: columns, keepingRows: rows)
    }

    /// This rank's data-parallel group, nil in one process.
    var collective: (any Collective)? { options.collective }
    /// Whether this process writes the run directory (rank 0, or the only one).
    var isRoot: Bool { options.isRoot }

    /// A decision every rank takes together (a stop request may reach
    /// one rank an update before another): yes when any rank says yes.
    private func agreed(_ flag: Bool) -> Bool { collective?.any(flag) ?? flag }

    private func interrupted(_ console: Console, phase: String) -> TrainingRun.Outcome {
        console.finishStatus()
        console.line("stopped after \(phase); continue with: rltrain --resume \(directory.path)")
        return .interrupted
    }

    /// `--eval-problems` held-out problems of every size trained on (the
    /// same problems as the MLP policy's evaluation), answered twice: greedy
    /// (selection `greedy`), then one completion sampled at RL's temperature
    /// (selection `sample`), whose think fraction and length are what RL
    /// itself sees — greedy decoding hides a mode chosen half the time.
    /// The greedy rows come first, one per size; the last of them is the
    /// longest size's.
    mutating func evaluate(phase: String, step: Int) -> [[String: CSVField]] {
        let greedy = task.digits.map { digits in measure(digits: digits, temperature: 0, phase: phase, step: step) }
        let sampled = task.digits.map { digits in measure(digits: digits, temperature: settings.temperature, phase: phase, step: step) }
        return greedy + sampled
    }

    private mutating func measure(digits: Int, temperature: Double, phase: String, step: Int) -> [String: CSVField] {
        let problems = task.heldOutProblems(count: config.textTaskEvaluation.problems, digits: digits, seed: config.ppo.seed)
        var row = LanguageModelEvaluation.measure(model, task: task, problems: problems, samples: 1, temperature: temperature,
                                                  select: .majority, seed: config.ppo.seed, sampler: &sampler).row
        row.merge(["phase": .text(phase), "step": .int(step), "digits": .int(digits)]) { $1 }
        if temperature > 0 {
            row["selection"] = .text("sample")
        } else {
            // The greedy row also gives the next-token loss on the same problems' worked examples, and the model's size.
            row["loss"] = .double(LanguageModelEvaluation.heldOutLoss(
                model, task: task, problems: problems, thinkFraction: settings.sftThinkFraction,
                formats: RNG(seed: config.ppo.seed).stream("held-out-formats", digits), workspace: &workspace))
            row["parameters"] = .int(model.config.parameterCount())
            row["non_embedding_parameters"] = .int(model.config.parameterCount(includingEmbeddings: false))
        }
        return row
    }

    /// The greedy rows' longest size: progress.csv's `accuracy`.
    private func longestGreedyAccuracy(_ rows: [[String: CSVField]]) -> CSVField {
        rows.last { $0["selection"] == .text("greedy") }?["accuracy"] ?? .missing
    }

    /// RL's reward of one completion: the checker's 1 or 0, less
    /// `--think-cost` per token of working, plus `--step-reward` times the
    /// fraction of its working steps the task's step checker labels right
    /// (a process reward; nothing for a completion without working).
    static func reward(of completion: [Int], for problem: Task.Problem, task: Task, thinkCost: Double, stepReward: Double) -> Double {
        var reward = task.reward(of: completion, for: problem) - thinkCost * Double(task.read(completion).thinkingLength)
        if stepReward > 0 {
            let labels = task.stepCorrectness(of: completion, for: problem)
            if !labels.isEmpty { reward += stepReward * Double(labels.filter { $0 }.count) / Double(labels.count) }
        }
        return reward
    }

    /// "held-out greedy accuracy 1d 100.0% · 2d 88.6% · 3d 61.6% │ sampled: thinks 54% · 78% · 59%".
    private func summary(_ rows: [[String: CSVField]]) -> String {
        func value(_ row: [String: CSVField], _ column: String) -> Double {
            if case .double(let v)? = row[column] { v } else { .nan }
        }
        let greedy = rows.filter { $0["selection"] == .text("greedy") }
        let sampled = rows.filter { $0["selection"] == .text("sample") }
        return "held-out greedy accuracy " + greedy.map { row in
            let digits: Int = if case .int(let d)? = row["digits"] { d } else { 0 }
            return "\(digits)\(task.sizeUnit.prefix(1)) \(Console.percent(value(row, "accuracy")))"
        }.joined(separator: " · ")
            + " │ sampled: thinks " + sampled.map { String(format: "%.0f%%", 100 * value($0, "think_fraction")) }.joined(separator: " · ")
    }

    /// Writes the checkpoint on another thread once the previous one is
    /// written; `wait` blocks until it is on disk (the run's last, or a stop).
    mutating func saveCheckpoint(wallSeconds: Double, wait: Bool) throws {
        try finishCheckpoint()
        guard isRoot else { return }
        let payload = LanguageModelCheckpoint(
            config: config, parameters: model.flatParameters(), optimizer: optimizer,
            referenceParameters: reference?.flatParameters(), sftStepsDone: sftStepsDone, rlStepsDone: rlStepsDone,
            sftRows: sftRows, progressRows: progressRows, evaluationRows: evaluationRows, wallSeconds: wallSeconds,
            flops: flops)
        let directory = self.directory
        pendingCheckpoint = BackgroundWrite { try payload.write(to: directory) }
        if wait { try finishCheckpoint() }
    }

    mutating func finishCheckpoint() throws {
        guard let pending = pendingCheckpoint else { return }
        pendingCheckpoint = nil
        try pending.wait()
    }
}

/// SFT's order over the worked examples: a fresh shuffle per pass, drawn
/// from the pass's index, so that step s's batch needs no state.
struct ExampleOrder {
    let count: Int
    let root: RNG
    private var cache: [Int: [Int]] = [:]

    init(count: Int, root: RNG) {
        self.count = count
        self.root = root
    }

    mutating func indices(step: Int, batchSize: Int) -> [Int] {
        (0..<batchSize).map { j in
            let k = step * batchSize + j
            let (pass, position) = k.quotientAndRemainder(dividingBy: count)
            return permutation(pass)[position]
        }
    }

    private mutating func permutation(_ pass: Int) -> [Int] {
        if let cached = cache[pass] { return cached }
        var order = Array(0..<count)
        var rng = root.stream("pass", pass)
        rng.shuffle(&order)
        cache = [pass: order]  // passes are visited in order: keep the current one
        return order
    }
}
