import Foundation
import Synchronization
import XCTest
import NN
import RL
import Environments
import TestSupport
import ExperimentsTestSupport
@testable import Experiments
@testable import RunStorage

/// The language-model policy's run (`--policy transformer`): it learns, and
/// a run stopped in either phase resumes to the rows of one never stopped.
final class LanguageModelRunTests: XCTestCase {
    /// A small model on one- and two-digit addition; seconds per run.
    static func tinyConfig(runsDir: String, name: String) throws -> RunConfig {
        var config = RunConfig.defaults(for: ArithmeticSettings.self)
        var arithmetic = ArithmeticSettings()
        arithmetic.environment.digits = 1...2
        arithmetic.evalProblems = 16
        arithmetic.evalEvery = 3
        config.environment = arithmetic
        var settings = LanguageModelSettings()
        (settings.layers, settings.dModel, settings.heads) = (1, 16, 2)
        settings.sftExamples = 64
        settings.sft.steps = 24
        settings.sft.batchSize = 8
        settings.sft.warmupSteps = 4
        settings.rlSteps = 6
        settings.promptsPerStep = 4
        config.useLanguageModel(settings)
        config.environment = arithmetic  // its evaluation settings, not the language model's defaults
        config.ppo.groupSize = 4
        config.ppo.klCoef = 0.05  // so that the reference model is checkpointed too
        config.ppo.learningRate = 1e-3
        config.ppo.workers = 2
        config.ppo.numEnvs = 64  // the MLP's rollout setting: only checked against --workers
        config.run.runsDir = runsDir
        config.run.runName = name
        config.run.checkpointEvery = 2
        try config.validate()
        return config
    }

    static let logs = ["sft.csv", "progress.csv", "eval.csv"]

    func rows(_ directory: RunDirectory) throws -> [[String]] {
        try Self.logs.map { try RunFixtures.reproducibleRows(directory.file($0)) }
    }

    func parameters(_ directory: RunDirectory) throws -> [Float] {
        let payload = try Checkpoint.read(from: directory.checkpoint)
        return try JSONDecoder().decode(LanguageModelCheckpoint.self, from: payload).parameters
    }

    func testRunsStoppedInSFTOrRLResumeToTheSameRows() throws {
        let dir = try TemporaryDirectory()
        let (reference, outcome) = try TrainingRun.start(try Self.tinyConfig(runsDir: dir.path, name: "reference"),
                                                         options: RunFixtures.quiet())
        XCTAssertEqual(outcome, .finished)
        let expected = try rows(reference)
        XCTAssertEqual(expected.map(\.count), [1 + 24, 1 + 1 + 6, 1 + 3 * 2 * 2])  // headers, SFT steps, row 0 + RL steps, 3 evaluations × 2 sizes × greedy and sampled

        // Stopped in SFT (after the 10th step asks), then in RL (after step 4), then finished.
        let asked = Mutex(0)
        let stopInSFT = TrainingRun.Options(console: Console(quiet: true), shouldStop: { asked.withLock { $0 += 1; return $0 == 10 } })
        let (directory, first) = try TrainingRun.start(try Self.tinyConfig(runsDir: dir.path, name: "stopped"), options: stopInSFT)
        XCTAssertEqual(first, .interrupted)
        XCTAssertEqual(try CSVTable(path: directory.file("sft.csv")).rows.count, 10)
        XCTAssertEqual(try TrainingRun.resume(directory, options: RunFixtures.quiet(stopAfter: 4)), .interrupted)
        XCTAssertEqual(try CSVTable(path: directory.progress).rows.count, 5)
        XCTAssertEqual(try TrainingRun.resume(directory, options: RunFixtures.quiet()), .finished)
        XCTAssertEqual(try rows(directory), expected)
        XCTAssertEqual(try parameters(directory), try parameters(reference))
        XCTAssertEqual(try TrainingRun.resume(directory, options: RunFixtures.quiet()), .alreadyFinished)
    }

    func testSameSeedSameNumbersAndWorkersDoNotChangeThem() throws {
        let dir = try TemporaryDirectory()
        let (a, _) = try TrainingRun.start(try Self.tinyConfig(runsDir: dir.path, name: "a"), options: RunFixtures.quiet())
        var config = try Self.tinyConfig(runsDir: dir.path, name: "b")
        config.ppo.workers = 1
        let (b, _) = try TrainingRun.start(config, options: RunFixtures.quiet())
        XCTAssertEqual(try rows(a), try rows(b))
        XCTAssertEqual(try parameters(a), try parameters(b))
    }

    /// SFT on worked THINK examples of two-digit addition, then a greedy
    /// evaluation on held-out problems: the transformer learns the working.
    func testSFTOnWorkedExamplesLearnsHeldOutAddition() throws {
        let dir = try TemporaryDirectory()
        var config = try Self.tinyConfig(runsDir: dir.path, name: "sft")
        var settings = LanguageModelSettings()
        settings.sftExamples = 2048
        settings.sft.steps = 600
        settings.sftOnly = true
        config.languageModel = settings
        var arithmetic = try XCTUnwrap(config.environment as? ArithmeticSettings)
        arithmetic.evalProblems = 200
        config.environment = arithmetic
        let (directory, _) = try TrainingRun.start(config, options: RunFixtures.quiet())
        let evaluation = try CSVTable(path: directory.evaluations)
        let accuracy = try evaluation.doubles("accuracy").map { $0 ?? 0 }
        XCTAssertEqual(try evaluation.column("digits"), ["1", "2", "1", "2"])
        XCTAssertEqual(try evaluation.column("selection"), ["greedy", "greedy", "sample", "sample"])
        XCTAssertEqual(try evaluation.column("temperature"), ["0.0", "0.0", "1.0", "1.0"])
        XCTAssertGreaterThan(accuracy[1], 0.9, "held-out 2-digit accuracy after SFT: \(accuracy)")
        let progress = try CSVTable(path: directory.progress)
        XCTAssertEqual(progress.rows.count, 1, "--sft-only: row 0 alone")
        XCTAssertEqual(try progress.column("accuracy"), [try evaluation.column("accuracy")[1]], "row 0: the longest size's accuracy")
        let flops = try XCTUnwrap(try progress.doubles("flops")[0])
        let sftFlops = try XCTUnwrap(try CSVTable(path: directory.file("sft.csv")).doubles("flops").last ?? nil)
        XCTAssertEqual(flops, sftFlops)
        XCTAssertGreaterThan(flops, 6 * 150_000 * 600 * 64 * 10, "about 6·N per token, 600 steps of 64 examples of 10–22 tokens")
    }

    /// `--think-cost C`: RL's reward is the checker's, less C per token of
    /// working; the samples of the first step (before any update) are the
    /// same with and without it.
    func testThinkCostIsSubtractedPerTokenOfWorking() throws {
        let dir = try TemporaryDirectory()
        func firstStep(cost: Double) throws -> (reward: Double, tokens: Double) {
            var config = try Self.tinyConfig(runsDir: dir.path, name: "cost-\(cost)")
            var arithmetic = try XCTUnwrap(config.environment as? ArithmeticSettings)
            arithmetic.environment.thinkCost = cost
            config.environment = arithmetic
            config.languageModel?.rlSteps = 1
            let (directory, _) = try TrainingRun.start(config, options: RunFixtures.quiet())
            let progress = try CSVTable(path: directory.progress)
            return (try XCTUnwrap(progress.doubles("reward_mean")[1]), try XCTUnwrap(progress.doubles("completion_tokens_mean")[1]))
        }
        let free = try firstStep(cost: 0)
        let costly = try firstStep(cost: 0.01)
        XCTAssertEqual(costly.tokens, free.tokens, "the same samples")
        let paid = free.reward - costly.reward
        XCTAssertGreaterThan(paid, 0, "the THINK-trained model writes working, and pays for it")
        XCTAssertLessThanOrEqual(paid, 0.01 * (costly.tokens - 3) + 1e-6, "at most C per token other than the mode, > and <eos>")
    }

    /// RL's reward: the outcome, less the think cost per token of working,
    /// plus the step reward times the fraction of right steps.
    func testStepRewardPaysTheFractionOfRightSteps() throws {
        let task = CountdownTextTask()
        let p = CountdownProblem(numbers: [2, 3, 4], target: 14,
                                 solution: [CountdownMove(left: 3, op: .times, right: 4), CountdownMove(left: 12, op: .plus, right: 2)])
        func reward(_ text: String, cost: Double = 0, step: Double) throws -> Double {
            LanguageModelLoop<CountdownTextTask>.reward(of: try XCTUnwrap(task.vocabulary.encode(text)), for: p, task: task,
                                                        thinkCost: cost, stepReward: step)
        }
        XCTAssertEqual(try reward("T3*4=12|12+2=14|>3*4+2<eos>", step: 0), 1)
        XCTAssertEqual(try reward("T3*4=12|12+2=14|>3*4+2<eos>", step: 0.5), 1.5)
        XCTAssertEqual(try reward("T3*4=13|13+2=15|>2+3*4<eos>", step: 0.5), 1.25, "one of two steps right")
        XCTAssertEqual(try reward("T3*4=12|12+2=14|>3*4<eos>", step: 0.5), 0.5, "right steps, wrong answer")
        XCTAssertEqual(try reward("D2+3*4<eos>", step: 0.5), 1, "no working, no step reward")
        XCTAssertEqual(try reward("T3*4=12|12+2=14|>3*4+2<eos>", cost: 0.01, step: 0.5), 1.5 - 0.01 * 15, accuracy: 1e-12)
    }

    /// `rltrain eval` on a language-model run: greedy, majority and pass@N
    /// rows appended to eval.csv; flags it cannot honour refused.
    func testEvaluationAppendsRowsAndRefusesWhatItCannotDo() throws {
        let dir = try TemporaryDirectory()
        let (directory, _) = try TrainingRun.start(try Self.tinyConfig(runsDir: dir.path, name: "eval"), options: RunFixtures.quiet())
        let before = try CSVTable(path: directory.evaluations).rows.count
        let console = Console(quiet: true)
        try RunEvaluation.evaluate(directory, arguments: ["--problems", "12", "--digits", "2"], console: console)
        try RunEvaluation.evaluate(directory, arguments: ["--problems", "12", "--samples", "4"], console: console)
        try RunEvaluation.evaluate(directory, arguments: ["--problems", "12", "--samples", "4", "--select", "oracle"], console: console)
        let table = try CSVTable(path: directory.evaluations)
        let rows = table.rows.suffix(from: before).map { row in Dictionary(uniqueKeysWithValues: zip(table.columns, row)) }
        XCTAssertEqual(rows.map { $0["selection"] }, ["greedy", "majority", "oracle"])
        XCTAssertEqual(rows.map { $0["samples"] }, ["1", "4", "4"])
        XCTAssertEqual(rows[2]["accuracy"], "", "pass@N has no single chosen answer")
        let coverage = try XCTUnwrap(Double(rows[2]["coverage"] ?? ""))
        let majority = try XCTUnwrap(Double(rows[1]["accuracy"] ?? ""))
        XCTAssertGreaterThanOrEqual(coverage, majority, "pass@4 covers at least what majority-of-4 gets right")
        // The same call gives the same row.
        try RunEvaluation.evaluate(directory, arguments: ["--problems", "12", "--samples", "4"], console: console)
        let again = try CSVTable(path: directory.evaluations)
        XCTAssertEqual(RunFixtures.withoutWallClock(again, row: again.rows.count - 1),
                       RunFixtures.withoutWallClock(again, row: before + 1))
        // Budget forcing: THINK working cut at 3 tokens, then `>` forced.
        try RunEvaluation.evaluate(directory, arguments: ["--problems", "12", "--think-budget", "3", "--show", "12"], console: console)
        let forced = try CSVTable(path: directory.evaluations)
        XCTAssertEqual(forced.rows.last.map { Dictionary(uniqueKeysWithValues: zip(forced.columns, $0)) }?["think_budget"], "3")
        let config = try RunRecord.read(from: directory).config
        let task = try XCTUnwrap(config.environment as? ArithmeticSettings).textTask
        let model = try LanguageModelCheckpoint.model(try LanguageModelCheckpoint.read(from: directory, config: config).parameters,
                                                      config: try XCTUnwrap(config.languageModel).transformerConfig(for: task), directory: directory)
        var sampler = CompletionSampler(config: model.config, workers: 1)
        let problems = task.heldOutProblems(count: 12, digits: 2, seed: 1)
        for budget in [1, 3] {
            let result = LanguageModelEvaluation.measure(model, task: task, problems: problems, samples: 1, temperature: 0,
                                                         select: .majority, thinkBudget: budget, seed: 1, sampler: &sampler)
            XCTAssertTrue(result.solved.contains { $0.completion.first == Vocabulary.think }, "the THINK-trained model thinks")
            for solved in result.solved where solved.completion.first == Vocabulary.think {
                let parsed = TextCompletion(parsing: solved.completion)
                XCTAssertLessThanOrEqual(parsed.thinkingLength, budget, "\(solved.completion)")
                XCTAssertEqual(solved.completion.firstIndex(of: Vocabulary.answerMark).map { $0 <= 1 + budget }, true, "\(solved.completion)")
            }
        }
        // A row's difficulty is its problems' own; multiplication's sizes mix multipliers, and the row says so.
        XCTAssertEqual(LanguageModelEvaluation.measure(model, task: task, problems: problems, samples: 1, temperature: 0,
                                                       select: .majority, seed: 1, sampler: &sampler).row["difficulty"],
                       .text("2 digits"))
        let multiplication = MultiplicationTextTask(digits: 1...2)
        let mixed = multiplication.heldOutProblems(count: 12, digits: 2, seed: 1)
        let multipliers = Set(mixed.map { multiplication.difficulty(of: $0) }).sorted()
        XCTAssertGreaterThan(multipliers.count, 1)
        XCTAssertEqual(LanguageModelEvaluation.measure(model, task: multiplication, problems: mixed, samples: 1, temperature: 0,
                                                       select: .majority, seed: 1, sampler: &sampler).row["difficulty"],
                       .text(multipliers.joined(separator: " ")))
        for (arguments, fragment) in [(["--think-budget", "0"], "--think-budget 0: a THINK completion needs at least 1 token of working"),
                                      (["--samples", "4", "--select", "verifier"], "--select verifier needs a learned verifier"),
                                      (["--digits", "9"], "more than the model's context of 64")] {
            XCTAssertThrowsError(try RunEvaluation.evaluate(directory, arguments: arguments, console: console)) { error in
                XCTAssertTrue("\(error)".contains(fragment), "\(arguments): \(error)")
            }
        }
    }

    /// A FLOP budget buys the SFT steps whose FLOPs (sft.csv's `flops`) add
    /// up to it, within one step; eval.csv's greedy rows hold the held-out
    /// loss and the model's size.
    func testFLOPBudgetSetsSFTStepsAndTheEvaluationHoldsTheHeldOutLoss() throws {
        let dir = try TemporaryDirectory()
        var config = try Self.tinyConfig(runsDir: dir.path, name: "budget")
        config.languageModel?.rlSteps = 0
        let budget = 4e9
        let steps = try config.sftSteps(forFLOPBudget: budget)
        config.languageModel?.sft.steps = steps
        XCTAssertEqual(Double(try config.sftSteps(forFLOPBudget: 2 * budget)) / Double(steps), 2, accuracy: 0.02)
        var wider = config
        wider.languageModel?.dModel = 32
        XCTAssertLessThan(try wider.sftSteps(forFLOPBudget: budget), steps / 2, "a wider model reads fewer tokens")

        let (directory, outcome) = try TrainingRun.start(config, options: RunFixtures.quiet())
        XCTAssertEqual(outcome, .finished)
        let sft = try CSVTable(path: directory.file("sft.csv"))
        let flops = try sft.doubles("flops").compactMap { $0 }
        XCTAssertEqual(flops.count, steps)
        XCTAssertEqual(flops.last ?? 0, budget, accuracy: budget / Double(steps))

        let evaluations = try CSVTable(path: directory.evaluations)
        let selection = try evaluations.column("selection"), loss = try evaluations.doubles("loss")
        let parameters = try evaluations.doubles("parameters"), nonEmbedding = try evaluations.doubles("non_embedding_parameters")
        for i in selection.indices {
            if selection[i] == "greedy" {
                XCTAssertGreaterThan(loss[i] ?? 0, 0)
                XCTAssertLessThan(loss[i] ?? .infinity, 3, "below chance over the vocabulary after SFT")
                let shape = try XCTUnwrap(config.languageModel).transformerConfig(for: AdditionTextTask())
                XCTAssertEqual(parameters[i], Double(shape.parameterCount()))
                XCTAssertEqual(nonEmbedding[i], Double(shape.parameterCount(includingEmbeddings: false)))
            } else {
                XCTAssertNil(loss[i])
            }
        }
    }

    /// Countdown, a task with its own vocabulary and answers: a tiny run
    /// builds the model on 24 tokens, fits its context to the worked
    /// examples, and eval.csv counts the search (plays, retries) and the
    /// moves' correctness per size, named `3 numbers`.
    func testCountdownRunCountsItsSearch() throws {
        let dir = try TemporaryDirectory()
        var config = RunConfig.defaults(for: CountdownSettings.self)
        var countdown = CountdownSettings()
        countdown.evalProblems = 16
        countdown.evalEvery = 2
        config.environment = countdown
        var settings = LanguageModelSettings()
        (settings.layers, settings.dModel, settings.heads) = (1, 16, 2)
        settings.sftExamples = 64
        settings.sft.steps = 8
        settings.sft.batchSize = 8
        settings.sft.warmupSteps = 2
        settings.rlSteps = 2
        settings.promptsPerStep = 4
        config.useLanguageModel(settings)
        config.environment = countdown
        config.fitContextToTextTask()
        XCTAssertEqual(config.languageModel?.context, 112, "97 tokens, rounded up to a multiple of 16")
        config.ppo.groupSize = 4
        config.run.runsDir = dir.path
        config.run.runName = "countdown"
        try config.validate()
        let (directory, outcome) = try TrainingRun.start(config, options: RunFixtures.quiet())
        XCTAssertEqual(outcome, .finished)
        let evaluations = try CSVTable(path: directory.evaluations)
        XCTAssertEqual(Set(try evaluations.column("difficulty")), ["3 numbers", "4 numbers"])
        XCTAssertEqual(try evaluations.doubles("parameters").first ?? nil,
                       Double(try XCTUnwrap(config.languageModel).transformerConfig(for: countdown.textTask).parameterCount()))
        for column in ["attempts_mean", "retry_fraction", "step_accuracy"] {
            XCTAssertTrue(try evaluations.doubles(column).allSatisfy { $0.map { (0...3).contains($0) } ?? (column == "step_accuracy") }, column)
        }
        XCTAssertEqual(try RunRecord.read(from: directory).config.textTask?.vocabulary.count, 24)
    }
}
