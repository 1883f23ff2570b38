import Foundation
import XCTest
import NN
import RL
import RunStorage
@testable import Environments

private func observation(_ env: MultiplicationEnvironment) -> [Float] {
    var buffer = [Float](repeating: -1, count: env.observationSize)
    buffer.withUnsafeMutableBufferPointer { env.writeObservation(into: $0) }
    return buffer
}

private func mask(_ env: MultiplicationEnvironment) -> [Bool] {
    var buffer = [Bool](repeating: false, count: env.actionCount)
    buffer.withUnsafeMutableBufferPointer { env.writeActionMask(into: $0) }
    return buffer
}

private func expertAction(_ env: MultiplicationEnvironment) -> Int {
    let o = observation(env), m = mask(env)
    return o.withUnsafeBufferPointer { o in m.withUnsafeBufferPointer { MultiplicationExpert.action(observation: o, mask: $0) } }
}

/// Runs the expert to the end of the episode; returns its actions.
private func solve(_ env: inout MultiplicationEnvironment) -> [Int] {
    var rng = RNG(seed: 0), actions: [Int] = []
    while !env.isDone {
        let action = expertAction(env)
        actions.append(action)
        _ = env.step(action, rng: &rng)
    }
    return actions
}

private func problem(_ a: String, _ m: Int) -> MultiplicationProblem { MultiplicationProblem(a, m)! }

final class MultiplicationTests: XCTestCase {
    func testAnswerAndCarries() {
        let p = problem("473", 8)
        XCTAssertEqual(p.answer, [4, 8, 7, 3])  // 3784, units first
        XCTAssertEqual(p.carries, [2, 5, 3, 0])
        XCTAssertEqual(p.description, "473 × 8")
        XCTAssertEqual(problem("999", 9).answer, [1, 9, 9, 8])  // 8991
        XCTAssertEqual(problem("999", 9).carries, [8, 8, 8, 0])
        XCTAssertEqual(problem("5", 1).answer, [5, 0])
        XCTAssertNil(MultiplicationProblem("12", 0))
        XCTAssertNil(MultiplicationProblem("1x", 3))
        XCTAssertNil(MultiplicationProblem("123", 3, digits: 2))
        // Every carry is at most m − 1, and the answer is the product.
        var rng = RNG(seed: 3)
        for _ in 0..<500 {
            let p = MultiplicationProblem.drawHeldOut(digits: 1 + rng.int(below: 8), multipliers: 1...9, rng: &rng)
            XCTAssertLessThanOrEqual(p.carries.max() ?? 0, p.multiplier - 1)
            let a = Int(MultiplicationProblem.text(p.a))!, product = Int(MultiplicationProblem.text(p.answer))!
            XCTAssertEqual(a * p.multiplier, product, "\(p)")
        }
    }

    func testRangesAndValidation() throws {
        XCTAssertEqual(try MultiplicationConfig.parseDigits("1-3"), 1...3)
        XCTAssertEqual(try MultiplicationConfig.parseMultiplier(" 9 "), 9...9)
        XCTAssertEqual(try MultiplicationConfig.parseThinkBudget("0-16"), 0...16)
        let bad: [(() throws -> ClosedRange<Int>, String)] = [
            ({ try MultiplicationConfig.parseMultiplier("0") }, "multiplier must be within 1-9, got \"0\""),
            ({ try MultiplicationConfig.parseMultiplier("1-10") }, "multiplier must be within 1-9"),
            ({ try MultiplicationConfig.parseMultiplier("9-1") }, "reversed; write \"1-9\""),
            ({ try MultiplicationConfig.parseMultiplier("1--9") }, "expected a number"),
            ({ try MultiplicationConfig.parseMultiplier("") }, "expected a number"),
            ({ try MultiplicationConfig.parseDigits("0-3") }, "digits must be within 1-32"),
            ({ try MultiplicationConfig.parseDigits("99999999999999999999999") }, "digits must be within"),
            ({ try MultiplicationConfig.parseThinkBudget("-1") }, "expected a number"),
            ({ try MultiplicationConfig.parseThinkBudget("65") }, "think budget must be within 0-64"),
            ({ try MultiplicationConfig.parseThinkBudget("8-a") }, "expected a number"),
        ]
        for (parse, fragment) in bad {
            XCTAssertThrowsError(try parse()) { error in
                XCTAssertTrue("\(error)".contains(fragment), "\(error) lacks \(fragment)")
                XCTAssertFalse("\(error)".contains("\n"))
            }
        }
        XCTAssertThrowsError(try MultiplicationConfig(thinkCost: .nan).validate())
        XCTAssertThrowsError(try MultiplicationConfig(multiplier: 0...9).validate())

        // JSON: ranges as text, missing keys default, decoding validates.
        let config = MultiplicationConfig(digits: 2...5, multiplier: 3...9, thinkBudget: 4...4, reward: .outcome, thinkCost: 0.01)
        let json = try JSONEncoder().encode(config)
        XCTAssertTrue(String(decoding: json, as: UTF8.self).contains(#""multiplier":"3-9""#))
        XCTAssertEqual(try JSONDecoder().decode(MultiplicationConfig.self, from: json), config)
        XCTAssertEqual(try JSONDecoder().decode(MultiplicationConfig.self, from: Data("{}".utf8)), MultiplicationConfig())
        XCTAssertThrowsError(try JSONDecoder().decode(MultiplicationConfig.self, from: Data(#"{"multiplier": "0-4"}"#.utf8)))
    }

    func testObservationMaskAndSteps() {
        var env = MultiplicationEnvironment(config: MultiplicationConfig(digits: 3...3, multiplier: 8...8, thinkBudget: 3...3))
        env.reset(problem: problem("473", 8), cap: 3)
        XCTAssertEqual(env.observationSize, 41)
        XCTAssertEqual(env.actionCount, 11)
        // Column 0: a = 3, m = 8, no marks before or here, first column.
        var o = observation(env)
        XCTAssertEqual(o.indices.filter { o[$0] == 1 }, [3, 10 + 7, 19 + 0, 29 + 0, 39])
        XCTAssertEqual(mask(env), Array(repeating: true, count: 11))
        var rng = RNG(seed: 1)
        XCTAssertEqual(env.step(10, rng: &rng), StepOutcome(reward: 0))
        XCTAssertEqual(env.step(10, rng: &rng), StepOutcome(reward: 0))
        o = observation(env)
        XCTAssertEqual(o[29 + 2], 1, "two marks here")
        XCTAssertEqual(env.step(4, rng: &rng), StepOutcome(reward: 0))
        // Column 1 sees the two marks of column 0 as its carry.
        o = observation(env)
        XCTAssertEqual(o.indices.filter { o[$0] == 1 }, [7, 10 + 7, 19 + 2, 29 + 0])
        // The cap: three marks, then the mark is masked.
        for _ in 0..<3 { _ = env.step(10, rng: &rng) }
        XCTAssertEqual(mask(env), Array(repeating: true, count: 10) + [false])
        XCTAssertEqual(expertAction(env), 8, "at the cap the expert answers (7·8 + 2 = 58)")
        _ = env.step(8, rng: &rng)
        _ = env.step(10, rng: &rng)
        _ = env.step(10, rng: &rng)
        _ = env.step(10, rng: &rng)  // 4·8 + 3 = 35 → 3 marks, digit 5 (cut carry: right is 37)
        _ = env.step(5, rng: &rng)
        o = observation(env)
        XCTAssertEqual(o.indices.filter { o[$0] == 1 }, [10 + 7, 19 + 3, 29 + 0, 40], "carry-out column: no digit of a")
        let last = env.step(3, rng: &rng)
        XCTAssertTrue(last.terminated)
        XCTAssertEqual(last.reward, 3.0 / 4.0, accuracy: 1e-6)  // 3 5 8 4 vs 3 7 8 4
        let summary = env.episodeSummary()
        XCTAssertFalse(summary.success)
        XCTAssertEqual(summary.metrics["think_tokens"], 8)
        XCTAssertEqual(summary.metrics["multiplier"], 8)
        XCTAssertEqual(summary.length, 12)
        XCTAssertTrue(observation(env).allSatisfy { $0 == 0 })

        // Think cost and the outcome reward.
        var costly = MultiplicationEnvironment(config: MultiplicationConfig(reward: .outcome, thinkCost: 0.25))
        costly.reset(problem: problem("9", 2), cap: 5)
        XCTAssertEqual(costly.step(10, rng: &rng).reward, -0.25)
        _ = costly.step(8, rng: &rng)
        XCTAssertEqual(costly.step(1, rng: &rng).reward, 1)
        XCTAssertEqual(costly.episodeSummary().episodicReturn, 0.75, accuracy: 1e-9)
    }

    /// The expert is exact whenever no carry exceeds the cap, and wrong
    /// otherwise: what "the ideal reasoner held to the same cap" means.
    func testExpertUnderCaps() {
        var rng = RNG(seed: 5)
        var env = MultiplicationEnvironment(config: MultiplicationConfig())
        for _ in 0..<2000 {
            let digits = 1 + rng.int(below: 6), cap = rng.int(below: 10)
            let p = MultiplicationProblem.drawHeldOut(digits: digits, multipliers: 1...9, rng: &rng)
            env.reset(problem: p, cap: cap)
            let actions = solve(&env)
            let marks = actions.filter { $0 == 10 }.count
            XCTAssertEqual(env.episodeSummary().success, (p.carries.max() ?? 0) <= cap, "\(p) cap \(cap)")
            if (p.carries.max() ?? 0) <= cap {
                XCTAssertEqual(marks, p.carries.reduce(0, +), "one mark per unit of carry")
                XCTAssertEqual(actions.filter { $0 < 10 }.map(UInt8.init), p.answer)
            }
        }
        env.reset(problem: problem("473", 8), cap: 8)
        XCTAssertEqual(MultiplicationTrace(problem: env.problem, actions: solve(&env)).description, "473 × 8: || 4 ||||| 8 ||| 7 3 → 3784 ✓")
        XCTAssertEqual(MultiplicationTrace(problem: problem("473", 8), actions: [4, 10, 8]).description, "473 × 8: 4 | 8 → ??84 ✗ (expected 3784)")
    }

    func testTrainingDrawsAndHeldOutSplit() {
        let config = MultiplicationConfig(digits: 1...3, multiplier: 2...7, thinkBudget: 2...5)
        var env = MultiplicationEnvironment(config: config)
        var rng = RNG(seed: 9)
        var seenCaps = Set<Int>(), seenM = Set<Int>(), seenD = Set<Int>()
        for _ in 0..<3000 {
            env.reset(rng: &rng)
            XCTAssertFalse(env.problem.isHeldOut)
            seenCaps.insert(env.cap)
            seenM.insert(env.problem.multiplier)
            seenD.insert(env.problem.digits)
        }
        XCTAssertEqual(seenCaps, Set(2...5))
        XCTAssertEqual(seenM, Set(2...7))
        XCTAssertEqual(seenD, Set(1...3))
        var heldOut = 0
        for _ in 0..<4000 {
            let p = MultiplicationProblem.drawHeldOut(digits: 3, multipliers: 1...9, rng: &rng)
            XCTAssertTrue(p.isHeldOut)
            var q = p
            q.redrawTraining(digits: 3, multipliers: 1...9, rng: &rng)
            XCTAssertFalse(q.isHeldOut)
        }
        // About one 3-digit problem in 8 is held out.
        for a in 0..<1000 { for m in 1...9 where problem(String(format: "%03d", a), m).isHeldOut { heldOut += 1 } }
        XCTAssertEqual(Double(heldOut) / 9000, 0.125, accuracy: 0.015)
        XCTAssertFalse(problem("7", 9).isHeldOut, "one-digit problems are the times table: never held out")
    }

    func testDemonstrationsFollowEachEpisodesCap() {
        let config = MultiplicationConfig(digits: 1...3, multiplier: 1...9, thinkBudget: 0...16)
        var rng = RNG(seed: 2)
        let set = MultiplicationDemonstrationSet(count: 300, config: config, rng: &rng)
        var again = RNG(seed: 2)
        XCTAssertEqual(MultiplicationDemonstrationSet(count: 300, config: config, rng: &again), set, "deterministic")
        XCTAssertEqual(set.observations.count, set.steps * 41)
        XCTAssertEqual(set.masks.count, set.steps * 11)
        // The same draws as training resets: same problems and caps.
        var envRNG = RNG(seed: 2), env = MultiplicationEnvironment(config: config)
        var row = 0
        for i in 0..<300 {
            env.reset(rng: &envRNG)
            XCTAssertEqual(env.problem, set.problems[i])
            XCTAssertEqual(env.cap, set.caps[i])
            let actions = solve(&env)
            XCTAssertEqual(Array(set.actions[row..<(row + actions.count)]), actions)
            row += actions.count
            XCTAssertLessThanOrEqual(actions.filter { $0 == 10 }.count, (set.problems[i].digits + 1) * set.caps[i])
        }
        XCTAssertEqual(row, set.steps)
        // Capped episodes show the expert answering with the mark masked.
        let capped = (0..<set.steps).filter { !set.masks[$0 * 11 + 10] }
        XCTAssertFalse(capped.isEmpty)
        XCTAssertTrue(capped.allSatisfy { set.actions[$0] < 10 })
    }

    func testEvaluatorComparesWithTheIdealReasoner() throws {
        let config = MultiplicationConfig()
        let problems = MultiplicationEvaluator.heldOutProblems(seed: 4, count: 300, digits: 3, multipliers: 1...9)
        XCTAssertEqual(problems, MultiplicationEvaluator.heldOutProblems(seed: 4, count: 300, digits: 3, multipliers: 1...9))
        var previous = -1.0
        for cap in [0, 1, 2, 4, 8, 16] {
            let r = try MultiplicationEvaluator.evaluate(problems, multipliers: 1...9, cap: cap, traces: 2, config: config, policy: MultiplicationExpert.action)
            XCTAssertEqual(r.accuracy, r.idealAccuracy)
            XCTAssertEqual(r.thinkTokensPerProblem, r.idealThinkTokensPerProblem)
            XCTAssertEqual(r.accuracy, Double(problems.filter { ($0.carries.max() ?? 0) <= cap }.count) / 300)
            XCTAssertGreaterThan(r.accuracy, previous, "the ideal reasoner gains with every doubling of the cap up to 8")
            previous = cap >= 8 ? -1 : r.accuracy
            XCTAssertEqual(r.byMultiplier.values.reduce(0) { $0 + $1.problems }, 300)
            XCTAssertEqual(r.traces.count, 2)
            if cap >= 8 { XCTAssertEqual(r.accuracy, 1) }
        }
        // Marks grow with the multiplier.
        let byM = try (1...9).map { m in
            try MultiplicationEvaluator.evaluate(
                MultiplicationEvaluator.heldOutProblems(seed: 4, count: 200, digits: 3, multipliers: m...m),
                multipliers: m...m, cap: 8, config: config, policy: MultiplicationExpert.action).idealThinkTokensPerProblem
        }
        XCTAssertEqual(byM[0], 0)
        XCTAssertEqual(byM, byM.sorted())
        // A policy that breaks the rules is an error, not a silent step.
        XCTAssertThrowsError(try MultiplicationEvaluator.evaluate(problems, multipliers: 1...9, cap: 0, config: config) { _, _ in 10 })
        XCTAssertThrowsError(try MultiplicationEvaluator.evaluate(problems, multipliers: 1...9, cap: -1, config: config, policy: MultiplicationExpert.action))
        // A network: greedy and deterministic.
        var initRNG = RNG(seed: 1)
        let actor = MLP(sizes: [41, 16, 11], activation: .tanh, outputGain: 1, rng: &initRNG)
        let a = try MultiplicationEvaluator.evaluate(actor: actor, problems, multipliers: 1...9, cap: 4, config: config)
        let b = try MultiplicationEvaluator.evaluate(actor: actor, problems, multipliers: 1...9, cap: 4, config: config)
        XCTAssertEqual(a.accuracy, b.accuracy)
        XCTAssertEqual(a.thinkTokensPerProblem, b.thinkTokensPerProblem)
    }

    func testFlagsAndEvaluationRequests() throws {
        var settings = MultiplicationSettings()
        try MultiplicationSettings.options.apply(["--multiplier", "2-8", "--think-budget=0-4", "--digits", "2"], to: &settings, context: "multiplication")
        XCTAssertEqual(settings.environment.multiplier, 2...8)
        XCTAssertEqual(settings.environment.thinkBudget, 0...4)
        XCTAssertEqual(settings.environment.digits, 2...2)
        for (arguments, fragment) in [
            (["--multiplier", "0"], "--multiplier: multiplier must be within 1-9"), (["--multiplier", "3-1"], "reversed"),
            (["--think-budget", "-1"], "--think-budget: think budget: expected"), (["--digits", "x"], "--digits"),
        ] {
            XCTAssertThrowsError(try MultiplicationSettings.options.apply(arguments, to: &settings, context: "multiplication")) { error in
                XCTAssertTrue("\(error)".contains(fragment), "\(error)")
            }
        }
        let request = try MultiplicationSettings.evaluationRequest(["--multiplier", "9", "--think-budget", "4", "--problems", "10"])
        XCTAssertEqual(request.multiplier, 9...9)
        XCTAssertEqual(request.thinkBudget, 4)
        for (arguments, fragment) in [
            (["--think-budget", "-1"], "--think-budget must be between 0 and 64, got -1"), (["--multiplier", "10"], "multiplier must be within 1-9"),
            (["--digits", "0"], "--digits"), (["--problems", "0"], "--problems"), (["--samples", "2"], "arithmetic"),
        ] {
            XCTAssertThrowsError(try MultiplicationSettings.evaluationRequest(arguments)) { error in
                XCTAssertTrue("\(error)".contains(fragment), "\(error)")
            }
        }
        var bad = MultiplicationSettings()
        bad.demos = -1
        XCTAssertThrowsError(try bad.validate())
    }

    /// The sweep figures from synthetic eval.csv rows: the two compute
    /// panels side by side, thinking by difficulty, and think cost only when
    /// the points differ in it.
    func testFigures() throws {
        func run(point: String, label: String, flops: Double, accuracyScale: Double, seed: Int) -> EvaluatedRun {
            var rows: [[String]] = []
            for (multiplier, hard) in [("1-9", false), ("9", true)] {
                for budget in [0, 1, 2, 4, 8, 16] {
                    let ideal = min(1, Double(budget) / 8) * (hard ? 0.9 : 1)
                    rows.append(["3", multiplier, "\(budget)", "100", "\(ideal * accuracyScale + 0.01 * Double(seed))", "\(Double(min(budget, 8)) * (hard ? 1.5 : 0.8))",
                                 "\(ideal)", "\(Double(min(budget, 8)) * (hard ? 1.5 : 0.8))", "0.9", "\(flops)", "eval"])
                }
            }
            for m in 1...9 {
                rows.append(["3", "\(m)", "16", "100", "0.9", "\(Double(m) * 1.2)", "1", "\(Double(m) * 1.2)", "0.95", "\(flops)", "end of training"])
            }
            return EvaluatedRun(point: point, label: label, evaluations: CSVTable(columns: MultiplicationSettings.evaluationColumns, rows: rows))
        }
        let runs = (1...2).flatMap { seed in
            [run(point: "a", label: "demos 500", flops: 1e10, accuracyScale: 0.6, seed: seed),
             run(point: "b", label: "demos 1000", flops: 2e10, accuracyScale: 0.9, seed: seed)]
        }
        let figures = MultiplicationSettings.evaluationFigures(runs)
        XCTAssertEqual(figures.map(\.file), ["test-time-compute.svg", "thinking-by-difficulty.svg"])
        let compute = figures[0].figure
        XCTAssertEqual(compute.columns, 2)
        XCTAssertEqual(compute.panels.map(\.title), ["Train-time compute", "Test-time compute"])
        // Policy and ideal for the mixture and for the hardest multiplier.
        XCTAssertEqual(compute.panels[1].series.map(\.name), ["policy, m 1-9", "ideal, m 1-9", "policy, m = 9", "ideal, m = 9"])
        // Budgets 1…16 on the log axis; budget 0 is a reference line.
        XCTAssertEqual(compute.panels[1].series[0].points.count, 5)
        XCTAssertEqual(compute.panels[1].referenceLines.count, 2)
        // One train-time point per sweep point, in order of compute, the strongest on the right.
        XCTAssertEqual(compute.panels[0].series[0].points.map(\.x), [1e10, 2e10])
        XCTAssertEqual(compute.panels[0].series[0].points[1].y, 0.9 + 0.015, accuracy: 1e-9)
        XCTAssertTrue(figures[0].caption.contains("demos 1000"))
        XCTAssertEqual(figures[1].figure.panels[0].series[0].points.map(\.y), (1...9).map { Double($0) * 1.2 })

        let costs = (1...2).flatMap { seed in
            [run(point: "a", label: "think-cost 0", flops: 1e10, accuracyScale: 1, seed: seed),
             run(point: "b", label: "think-cost 0.1", flops: 1e10, accuracyScale: 0.5, seed: seed)]
        }
        let costFigures = MultiplicationSettings.evaluationFigures(costs)
        XCTAssertEqual(costFigures.map(\.file), ["test-time-compute.svg", "thinking-by-difficulty.svg", "think-cost.svg"])
        // Points trained with the same compute get no train-time panel.
        XCTAssertEqual(costFigures[0].figure.panels.map(\.title), ["Test-time compute"])
        // Every seed of every point is a marker; the first point's caps are the dashed curve.
        XCTAssertEqual(costFigures[2].figure.panels[0].series.map(\.points.count), [2, 6, 2])
        XCTAssertTrue(MultiplicationSettings.evaluationFigures([]).isEmpty)
    }
}
