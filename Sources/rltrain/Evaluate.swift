import ArgumentParser
import Foundation
import Environments
import Experiments

/// `rltrain eval RUN_DIR`: measures a trained policy on fresh problems or episodes.
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a trained run on held-out problems (arithmetic) or fresh episodes (gridworld).",
        discussion: "Appends one row per call to RUN_DIR/eval.csv.")

    @Argument(help: "The run directory (holding config.json and checkpoint.bin).")
    var runDir: String

    @Option(help: "Arithmetic: held-out problems to solve.")
    var problems: Int = 1000
    @Option(help: "Arithmetic: digits per operand (default: the longest trained length).")
    var digits: Int?
    @Option(help: "Arithmetic: think tokens allowed per column at evaluation (default: as trained).")
    var thinkBudget: Int?
    @Option(help: "Arithmetic: sampled solutions per problem, majority vote; 1 = greedy.")
    var samples: Int = 1
    @Option(help: "Arithmetic: print this many solved problems with their thinking.")
    var show: Int = 0
    @Option(help: "Gridworld: episodes to run.")
    var episodes: Int = 100
    @Flag(help: "Gridworld: sample actions instead of taking the most probable one.")
    var sample = false

    func validate() throws {
        guard problems > 0 && problems <= 10_000_000 else { throw ValidationError("--problems must be between 1 and 10000000, got \(problems)") }
        if let digits, digits < 1 || digits > ArithmeticConfig.maxSupportedDigits {
            throw ValidationError("--digits must be between 1 and \(ArithmeticConfig.maxSupportedDigits), got \(digits)")
        }
        if let thinkBudget, thinkBudget < 0 || thinkBudget > ArithmeticConfig.maxThinkBudget {
            throw ValidationError("--think-budget must be between 0 and \(ArithmeticConfig.maxThinkBudget), got \(thinkBudget)")
        }
        guard samples >= 1 && samples <= 1024 else { throw ValidationError("--samples must be between 1 and 1024, got \(samples)") }
        guard show >= 0 else { throw ValidationError("--show must be 0 or more, got \(show)") }
        guard episodes > 0 && episodes <= 10_000_000 else { throw ValidationError("--episodes must be between 1 and 10000000, got \(episodes)") }
    }

    func run() throws {
        let directory = RunDirectory(path: runDir)
        let record = try RunRecord.read(from: directory)
        let console = Console()
        switch record.config.env {
        case .arithmetic:
            var request = RunEvaluation.ArithmeticRequest()
            request.problems = problems
            request.digits = digits
            request.thinkBudget = thinkBudget
            request.samples = samples
            request.show = show
            _ = try RunEvaluation.arithmetic(directory, request, console: console)
        case .gridworld:
            var request = RunEvaluation.GridworldRequest()
            request.episodes = episodes
            request.greedy = !sample
            try RunEvaluation.gridworld(directory, request, console: console)
        }
    }
}
