import Foundation
import XCTest
import TestSupport
@testable import RunStorage
@testable import Plotting
@testable import Sweeps

/// The language-model figures of a sweep report, from synthetic `eval.csv`
/// tables of known values: greedy and sampled rows per size, after SFT and
/// along RL.
final class SweepLanguageModelFigureTests: XCTestCase {
    /// A run whose sampled think fraction on size d at RL step s is
    /// `think(d, s)`; accuracy 0.2 + 0.004·s − `loss`·d, sampled length 5 + 10·think.
    private func run(point: String, axisValue: String, seed: String, loss: Double = 0, think: (Int, Int) -> Double) -> SweepRunData {
        let columns = ["phase", "step", "digits", "problems", "selection", "accuracy", "think_fraction", "completion_tokens_mean"]
        var rows: [[String]] = []
        for (phase, step) in [("sft", 1500), ("rl", 100), ("rl", 200)] {
            let s = phase == "sft" ? 0 : step
            for selection in ["greedy", "sample"] {
                for d in 1...3 {
                    let t = think(d, s)
                    rows.append([phase, String(step), String(d), "500", selection, CSVField.double(0.2 + 0.004 * Double(s) - loss * Double(d)).text,
                                 CSVField.double(t).text, CSVField.double(5 + 10 * t).text])
                }
            }
        }
        return SweepRunData(point: point, seed: seed, axisValues: [axisValue], batchSize: 256,
                            progress: CSVTable(columns: ["step", "accuracy"], rows: [["0", "0.2"]]),
                            evaluations: CSVTable(columns: columns, rows: rows))
    }

    func testOnePointDrawsThinkingOverRLAndItsTitleSaysHowFarTheLongestSizeMoved() throws {
        let spec = try SweepSpec(json: #"{"axes": {"sft-think-fraction": [0.5]}, "seeds": [1, 2]}"#)
        let runs = ["1", "2"].map { seed in
            run(point: "p", axisValue: "0.5", seed: seed) { _, s in 0.5 + 0.0024 * Double(s) + (seed == "1" ? 0.01 : -0.01) }
        }
        let figures = SweepResults(spec: spec, runs: runs).languageModelFigures()
        XCTAssertEqual(figures.map(\.file), ["thinking-over-rl.svg"], "no flops column: no train-time figure")
        let figure = try XCTUnwrap(figures.first)
        XCTAssertEqual(figure.title, "RL on the outcome reward alone takes the sampled think fraction on 3-digit problems from 0.50 to 0.98 and greedy accuracy from 20% to 100%")
        XCTAssertTrue(figure.caption.contains("Every 100 RL steps, 500 held-out problems per size"), figure.caption)
        XCTAssertTrue(figure.caption.contains("10.0 → 14.8 tokens (1.48×)"), figure.caption)
        let svg = SVGElements.parse(figure.figure.svg())
        XCTAssertEqual(svg.count("g", class: "panel"), 3)
        // Think fraction and length: a curve per size; accuracy: greedy and sampled per size.
        XCTAssertEqual(svg.count("path", class: "series"), 3 + 3 + 6)
        XCTAssertEqual(svg.count("polygon", class: "band"), 3 + 3 + 6, "two seeds: a band per curve")
    }

    /// Accuracy against the FLOPs RL spent: progress.csv's `flops` less row 0's (SFT's).
    func testTrainTimeComputeIsAccuracyAgainstRLFLOPs() throws {
        let spec = try SweepSpec(json: #"{"axes": {"sft-think-fraction": [0.5]}, "seeds": [1]}"#)
        var run = run(point: "p", axisValue: "0.5", seed: "1") { _, s in 0.5 + 0.0024 * Double(s) }
        // SFT spent 1e12 FLOPs; each RL step 1e10.
        run.progress = CSVTable(columns: ["step", "flops"], rows: (0...200).map { [String($0), CSVField.double(1e12 + 1e10 * Double($0)).text] })
        let figure = try XCTUnwrap(SweepResults(spec: spec, runs: [run]).trainTimeCompute(
            point: "p", accuracy: try XCTUnwrap(SweepResults(spec: spec, runs: [run]).textEvaluations("accuracy"))))
        XCTAssertEqual(figure.title, "Sampled 3-digit accuracy goes from 60% to 100% over 1.0 doublings of RL compute, after SFT's 1e+12 FLOPs")
        let svg = SVGElements.parse(figure.figure.svg())
        XCTAssertEqual(svg.count("path", class: "series"), 2, "greedy and one sample")
        XCTAssertTrue(svg.text.contains("after SFT, greedy 20%"), svg.text)
    }

    func testPointsAlongAnAxisDrawTheRouter() throws {
        let spec = try SweepSpec(json: #"{"axes": {"think-cost": [0, 0.02]}, "seeds": [1, 2]}"#)
        var runs: [SweepRunData] = []
        for cost in ["0", "0.02"] {
            for seed in ["1", "2"] {
                // With a cost, 1-digit problems stop thinking; 3-digit ones keep it.
                runs.append(run(point: "think-cost=\(cost)", axisValue: cost, seed: seed, loss: cost == "0" ? 0 : 0.01) { d, s in
                    cost == "0" || d == 3 ? 0.5 + 0.0024 * Double(s) : 0.5 - 0.002 * Double(s)
                })
            }
        }
        let figures = SweepResults(spec: spec, runs: runs).languageModelFigures()
        XCTAssertEqual(figures.map(\.file), ["router.svg"])
        let figure = try XCTUnwrap(figures.first)
        XCTAssertEqual(figure.title, "At think-cost 0.02, 1-digit problems are answered directly (sampled think fraction 0.10) while 3-digit ones keep thinking (0.98, greedy accuracy 97%)")
        let svg = SVGElements.parse(figure.figure.svg())
        XCTAssertEqual(svg.count("g", class: "panel"), 3)
        XCTAssertEqual(svg.count("circle", class: "marker"), 3 * (2 * 2 * 3), "every run a marker per size in each panel")

        // When every size thinks alike, the title says no cost routes, and names the widest gap.
        let alike = runs.map { run in
            self.run(point: run.point, axisValue: run.axisValues[0], seed: run.seed) { d, s in
                0.5 + 0.0024 * Double(s) - (run.seed == "2" && d == 1 ? 0.1 : 0)
            }
        }
        XCTAssertEqual(SweepResults(spec: spec, runs: alike).languageModelFigures().first?.title,
                       "No think-cost tried routes by size: where 3-digit problems keep thinking, 1-digit ones think too (widest gap in one run: 0.98 against 0.88 at think-cost 0)")
    }

    /// The rows a sweep's `"eval"` appends (phase `eval`): majority accuracy
    /// and pass@N against tokens per problem, greedy as a reference line.
    func testEvalRowsDrawTestTimeCompute() throws {
        let spec = try SweepSpec(json: #"{"axes": {"sft-steps": [500]}, "seeds": [1, 2]}"#)
        let columns = ["phase", "step", "digits", "samples", "selection", "accuracy", "coverage", "think_fraction", "completion_tokens_mean"]
        let runs = ["1", "2"].map { seed in
            var rows = [["eval", "200", "3", "1", "greedy", "0.7", "0.7", "1", "20"]]
            for (k, n) in [1, 4, 16].enumerated() {
                let majority = 0.6 + 0.1 * Double(k), oracle = 0.6 + 0.15 * Double(k)
                rows.append(["eval", "200", "3", String(n), "majority", CSVField.double(majority).text, CSVField.double(oracle).text, "1", "20"])
                rows.append(["eval", "200", "3", String(n), "oracle", "", CSVField.double(oracle).text, "1", "20"])
            }
            return SweepRunData(point: "p", seed: seed, axisValues: ["500"], batchSize: 256,
                                progress: CSVTable(columns: ["step", "accuracy"], rows: [["0", "0.5"]]),
                                evaluations: CSVTable(columns: columns, rows: rows))
        }
        let figure = try XCTUnwrap(SweepResults(spec: spec, runs: runs).testTimeCompute())
        XCTAssertEqual(figure.file, "lm-test-time-compute.svg")
        XCTAssertEqual(figure.title, "On 3-digit problems a vote of 16 samples moves accuracy from 60% to 80% (greedy 70%); pass@16 reaches 90%")
        let svg = SVGElements.parse(figure.figure.svg())
        XCTAssertEqual(svg.count("path", class: "series"), 2)
        XCTAssertEqual(svg.count("circle", class: "marker"), 2 * 3)
        XCTAssertTrue(svg.text.contains("greedy 70%"), svg.text)
        XCTAssertTrue(svg.text.contains("tokens per problem (log; 1, 4, 16 samples)"), svg.text)
    }

    func testMLPRunsDrawNoLanguageModelFigure() throws {
        let spec = try SweepSpec(json: #"{"axes": {"think-cost": [0, 0.02]}, "seeds": [1]}"#)
        let mlp = SweepRunData(point: "p", seed: "1", axisValues: ["0"], batchSize: 256,
                               progress: CSVTable(columns: ["update", "accuracy"], rows: [["1", "0.5"]]),
                               evaluations: CSVTable(columns: ["stage", "digits", "accuracy"], rows: [["eval", "3", "0.5"]]))
        XCTAssertTrue(SweepResults(spec: spec, runs: [mlp]).languageModelFigures().isEmpty)
    }
}

/// The language model's IsoFLOP profiles and the methods figure, from
/// synthetic runs of known optimum and known curves.
final class SweepLanguageModelComputeFigureTests: XCTestCase {
    /// A run of an LM IsoFLOP sweep whose held-out loss after SFT is
    /// 10^(−1 + (log10 N − log10 N_opt)²), N_opt = 1e4·(C/1e11)^0.5.
    private func isoRun(budget c: Double, parameters n: Double, seed: String) -> SweepRunData {
        let offset = log10(n) - log10(1e4 * pow(c / 1e11, 0.5))
        let loss = pow(10, -1 + offset * offset + (seed == "1" ? 0.002 : -0.002))
        let columns = ["phase", "step", "digits", "selection", "accuracy", "loss", "parameters", "non_embedding_parameters"]
        let rows = (1...3).flatMap { d in
            [["sft", "100", String(d), "greedy", CSVField.double(1 - loss).text, CSVField.double(loss).text, CSVField.double(n).text, CSVField.double(0.8 * n).text],
             ["sft", "100", String(d), "sample", "0.4", "", "", ""]]
        }
        let budget = CSVField.double(c).text
        return SweepRunData(point: "flop-budget=\(budget)_d-model=\(Int(n))", seed: seed, axisValues: [budget, String(Int(n))], batchSize: 256,
                            progress: CSVTable(columns: ["step", "accuracy"], rows: [["0", "0.5"]]),
                            evaluations: CSVTable(columns: columns, rows: rows))
    }

    func testLanguageModelIsoFLOPRecoversTheOptimaAndTheExponent() throws {
        let budgets = [1e11, 4e11, 1.6e12]
        let sizes = [1e3, 2e3, 4e3, 8e3, 16e3, 32e3, 64e3, 128e3, 256e3]
        let spec = try SweepSpec(json: #"{"base": {"env": "arithmetic", "policy": "transformer"}, "axes": {"flop-budget": [1e11, 4e11, 1.6e12], "d-model": [1, 2, 3, 4, 5, 6, 7, 8, 9]}, "seeds": [1, 2]}"#)
        let runs = budgets.flatMap { c in sizes.flatMap { n in ["1", "2"].map { isoRun(budget: c, parameters: n, seed: $0) } } }
        let results = SweepResults(spec: spec, runs: runs)
        let analysis = try XCTUnwrap(results.languageModelIsoFLOP())
        for (budget, c) in zip(analysis.budgets, budgets) {
            let expected = 1e4 * pow(c / 1e11, 0.5)
            XCTAssertEqual(try XCTUnwrap(budget.optimum), expected, accuracy: 0.01 * expected)
        }
        XCTAssertEqual(try XCTUnwrap(analysis.frontier).exponent, 0.5, accuracy: 1e-6)
        // Without embeddings N is 0.8 N here: the same exponent, optima 0.8× as large.
        let nonEmbedding = try XCTUnwrap(results.languageModelIsoFLOP(nonEmbedding: true))
        XCTAssertEqual(try XCTUnwrap(nonEmbedding.budgets[0].optimum), 8e3, accuracy: 80)
        // The raw argmin: the swept size nearest the optimum (1e4 → 8k or 16k; 2e4 → 16k; 4e4 → 32k).
        let text = try XCTUnwrap(results.languageModelIsoFLOPText())
        XCTAssertTrue(text.contains("C 4e+11: argmin 16k, vertex 20k"), text)
        XCTAssertTrue(text.contains("All parameters: N_opt ∝ C^0.50 ± 0.00 (r² 1.00, vertex, 3 budgets)"), text)

        let figure = try XCTUnwrap(results.figures().first { $0.file == "lm-isoflop.svg" })
        XCTAssertTrue(figure.title.hasPrefix("At a fixed SFT budget held-out loss is a U in model size; the best size grows as C^0.50 (3 of 3 budgets"), figure.title)
        XCTAssertEqual(SVGElements.parse(figure.figure.svg()).count("g", class: "panel"), 3)
    }

    /// Two algorithms from one SFT start: accuracy against the completion
    /// tokens sampled so far; the title compares them where the shorter stops.
    func testMethodsAreComparedAtEqualSampledTokens() throws {
        let spec = try SweepSpec(json: #"{"base": {"env": "arithmetic", "policy": "transformer"}, "axes": {"algo": ["expert-iteration", "dr-grpo"]}, "seeds": [1]}"#)
        func run(_ algo: String, tokensPerStep: Double, gain: Double) -> SweepRunData {
            var rows: [[String]] = []
            for (phase, step) in [("sft", 0), ("rl", 10), ("rl", 20)] {
                for selection in ["greedy", "sample"] {
                    for d in 1...3 {
                        let accuracy = (selection == "greedy" ? 0.5 : 0.4) + gain * Double(step)
                        rows.append([phase, String(step), String(d), selection, CSVField.double(accuracy).text, "0", String(10 + step)])
                    }
                }
            }
            return SweepRunData(point: "algo=\(algo)", seed: "1", axisValues: [algo], batchSize: 256,
                                progress: CSVTable(columns: ["step", "sampled_tokens"], rows: (0...20).map { [String($0), $0 == 0 ? "" : CSVField.double(tokensPerStep).text] }),
                                evaluations: CSVTable(columns: ["phase", "step", "digits", "selection", "accuracy", "think_fraction", "completion_tokens_mean"], rows: rows))
        }
        // Expert iteration samples 1,000 tokens a step, Dr. GRPO 2,000: at 20,000 tokens Dr. GRPO is at step 10.
        let results = SweepResults(spec: spec, runs: [run("expert-iteration", tokensPerStep: 1000, gain: 0.02), run("dr-grpo", tokensPerStep: 2000, gain: 0.01)])
        let figure = try XCTUnwrap(results.languageModelFigures().first { $0.file == "rl-methods.svg" })
        XCTAssertEqual(figure.title, "From one SFT start, after 20k sampled tokens, 3-digit held-out accuracy of one sample: 40% → expert-iteration 80%, dr-grpo 50% (greedy: 50% → expert-iteration 90%, dr-grpo 60%)")
        XCTAssertEqual(SVGElements.parse(figure.figure.svg()).count("g", class: "panel"), 3)
    }

    /// A task that never chooses a mode (countdown written DIRECT): accuracy
    /// per size over RL, each point a colour, with the search's retries; sizes
    /// named as eval.csv's difficulty names them; the caption gives the
    /// smallest gain of any seed.
    func testPointsWithoutAModeChoiceDrawAccuracyOverRL() throws {
        let spec = try SweepSpec(json: #"{"axes": {"sft-think-fraction": [0, 1]}, "seeds": [1, 2]}"#)
        let columns = ["phase", "step", "digits", "difficulty", "problems", "selection", "accuracy", "think_fraction",
                       "completion_tokens_mean", "retry_fraction"]
        func run(_ think: Double, seed: Double) -> SweepRunData {
            var rows: [[String]] = []
            for (phase, step) in [("sft", 1500), ("rl", 100), ("rl", 200)] {
                let s = phase == "sft" ? 0 : step
                for selection in ["greedy", "sample"] {
                    for d in 3...4 {
                        // Accuracy 0.3 − 0.1·(d − 3) + gain·s, the gain per step 0.001·seed (THINK: half).
                        let accuracy = 0.3 - 0.1 * Double(d - 3) + 0.001 * seed * Double(s) * (think == 1 ? 0.5 : 1)
                        rows.append([phase, String(step), String(d), "\(d) numbers", "500", selection, CSVField.double(accuracy).text,
                                     CSVField.double(think).text, CSVField.double(10 + Double(s) / 100).text, think == 1 ? "0.25" : "0"])
                    }
                }
            }
            return SweepRunData(point: "sft-think-fraction=\(think)", seed: String(Int(seed)), axisValues: [think == 1 ? "1" : "0"], batchSize: 256,
                                progress: CSVTable(columns: ["step", "accuracy"], rows: [["0", "0.2"]]),
                                evaluations: CSVTable(columns: columns, rows: rows))
        }
        let results = SweepResults(spec: spec, runs: [run(0, seed: 1), run(0, seed: 2), run(1, seed: 1), run(1, seed: 2)])
        let figures = results.languageModelFigures()
        XCTAssertEqual(figures.map(\.file), ["lm-over-rl.svg"])
        let figure = try XCTUnwrap(figures.first)
        XCTAssertEqual(figure.title, "RL from SFT, greedy held-out accuracy after 200 steps: sft-think-fraction 0: 3 numbers 30% → 60%, 4 numbers 20% → 50%; sft-think-fraction 1: 3 numbers 30% → 45%, 4 numbers 20% → 35%")
        XCTAssertTrue(figure.caption.contains("sft-think-fraction 0, 3 numbers +20.0 points; sft-think-fraction 0, 4 numbers +20.0 points; sft-think-fraction 1, 3 numbers +10.0 points"), figure.caption)
        let svg = SVGElements.parse(figure.figure.svg())
        XCTAssertEqual(svg.count("g", class: "panel"), 4, "a panel per size, the length, the retries")
        XCTAssertEqual(svg.count("path", class: "series"), 2 * 4 + 2 + 2)
        XCTAssertEqual(SweepResults.adjective("4 numbers"), "4-number")
        XCTAssertEqual(SweepResults.adjective("1 digit"), "1-digit")
    }
}
