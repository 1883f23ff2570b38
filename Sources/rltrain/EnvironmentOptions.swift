import ArgumentParser
import Environments
import Experiments

struct GridworldOptions: ParsableArguments {
    @Option(help: "Built-in layout: empty-N (4 ≤ N ≤ 64) or fourrooms (default fourrooms).")
    var layout: String?
    @Option(help: ArgumentHelp("ASCII map file (# wall, . or space floor, optional S and G); overrides --layout.", valueName: "file"))
    var map: String?
    @Option(help: "Steps before an episode is truncated (default H·W).")
    var maxSteps: Int?

    func apply(to g: inout RunConfig.GridworldSettings) throws {
        if let layout { g.layout = layout }
        if let map { g.map = map }
        if let maxSteps { g.maxSteps = maxSteps }
    }
}

struct ArithmeticOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Digits per operand, or a range drawn per episode (default 1-3).", valueName: "D or A-B"))
    var digits: String?
    @Option(help: "Think tokens allowed per column; 0 removes thinking (default 1).")
    var thinkBudget: Int?
    @Option(help: "Distinct note symbols K (default 2).")
    var thinkSymbols: Int?
    @Option(help: "Observation: column (the cursor's column only) or full (default column).")
    var view: String?
    @Option(help: "Reward: digits (fraction right, at the end) or outcome (1 if all right) (default digits).")
    var reward: String?
    @Option(help: "Reward subtracted per think token (default 0).")
    var thinkCost: Double?
    @Option(help: "Worked examples for the supervised warm start; 0 for pure RL (default 300).")
    var demos: Int?
    @Option(help: "Full-batch Adam steps of the warm start (default 1000).")
    var bcSteps: Int?
    @Option(help: "Learning rate of the warm start (default 1e-3).")
    var bcLearningRate: Double?
    @Option(help: "Held-out problems for the accuracy column (default 500).")
    var evalProblems: Int?
    @Option(help: "Measure held-out accuracy every this many updates (default 1).")
    var evalEvery: Int?

    func apply(to a: inout RunConfig.ArithmeticSettings) throws {
        if let digits {
            do {
                a.environment.digits = try ArithmeticConfig.parseDigits(digits)
            } catch {
                throw ValidationError("--digits: \(error)")
            }
        }
        if let thinkBudget { a.environment.thinkBudget = thinkBudget }
        if let thinkSymbols { a.environment.thinkSymbols = thinkSymbols }
        if let view {
            guard let v = ArithmeticConfig.View(rawValue: view) else { throw ValidationError("--view must be column or full, got '\(view)'") }
            a.environment.view = v
        }
        if let reward {
            guard let r = ArithmeticConfig.Reward(rawValue: reward) else { throw ValidationError("--reward must be digits or outcome, got '\(reward)'") }
            a.environment.reward = r
        }
        if let thinkCost { a.environment.thinkCost = thinkCost }
        if let demos { a.demos = demos }
        if let bcSteps { a.bcSteps = bcSteps }
        if let bcLearningRate { a.bcLearningRate = bcLearningRate }
        if let evalProblems { a.evalProblems = evalProblems }
        if let evalEvery { a.evalEvery = evalEvery }
    }
}

struct RunOptions: ParsableArguments {
    @Option(help: "Directory that holds run directories (default runs).")
    var runsDir: String?
    @Option(help: "Name of this run's directory (default <env>-<seed>-<timestamp>).")
    var runName: String?
    @Option(help: "Write a checkpoint every this many updates, and at the end (default 10).")
    var checkpointEvery: Int?
    @Flag(help: "Print nothing but errors.")
    var quiet = false

    func apply(to r: inout RunConfig.RunSettings) {
        if let runsDir { r.runsDir = runsDir }
        if let runName { r.runName = runName }
        if let checkpointEvery { r.checkpointEvery = checkpointEvery }
    }
}
