#if canImport(Glibc)
import Glibc
#endif
import Foundation
import XCTest
import ArgumentParser
import RL
import Environments
import TestSupport
import ExperimentsTestSupport
@testable import Experiments
@testable import RunStorage
@testable import rltrain

/// Issue 17, item 5: random command lines — flags and values in range, out
/// of range, NaN, huge, negative, of the other environment, repeated,
/// unknown, cut short — through the argument parser and validation in
/// process (10,000 of them, no process each; the one-line message of every
/// fourth), then a few hundred through the built executable. Every one must end in success or an error that is
/// the user's input (exit 2) or a run failing (exit 1), told in one line;
/// never a trap. Seeded (RLTRAIN_CLI_FUZZ_SEED), so a failure reproduces.
final class CLIFuzzTests: RLTrainProcessTestCase {
    /// What the process would exit with, found in process: parse (which
    /// validates), then what `run()` reads before doing any work (a run's
    /// config.json for eval and --resume); with the one-line message of an
    /// error. A trap here kills the test process: that is the failure.
    static func classify(_ arguments: [String], withMessage: Bool = true) -> (status: Int32, message: String) {
        do {
            // Straight to the subcommand where the root would pick it (the
            // root's parse costs as much again); --version and help are the root's.
            let command: any ParsableCommand
            switch arguments.first {
            case _ where arguments.contains("--version"), "help": command = try RLTrain.parseAsRoot(arguments)
            case "eval": command = try Evaluate.parse(Array(arguments.dropFirst()))
            case "sweep": command = try Sweep.parse(Array(arguments.dropFirst()))
            case "report": command = try Report.parse(Array(arguments.dropFirst()))
            case "train": command = try Train.parse(Array(arguments.dropFirst()))
            default: command = try Train.parse(arguments)
            }
            if let train = command as? Train {
                if let resume = train.resume {
                    _ = try RunRecord.read(from: RunDirectory(path: resume))
                } else {
                    try train.makeConfig().validate()  // validate() made it already: the same answer again
                }
            }
            if let evaluate = command as? Evaluate {
                // Which environment's flags apply is known once the run is read.
                let record = try RunRecord.read(from: RunDirectory(path: evaluate.runDir))
                if let type = EnvironmentRegistry.named(record.config.env) {
                    try RunEvaluation.check(evaluate.evaluationArguments, for: type)
                }
            }
            return (0, "")
        } catch {
            // --help and --version end in a "clean" error; asking which is costly
            // (argument-parser's help machinery), so only where one was asked for.
            let mayBeClean = arguments.contains { $0.contains("help") || $0.hasPrefix("-h") || $0 == "--version" }
            if mayBeClean && RLTrain.exitCode(for: error) == .success { return (0, "") }
            // The message is argument-parser's help machinery, as costly as the parse itself.
            return (CommandErrors.isRuntimeFailure(error) ? 1 : 2, withMessage ? CommandErrors.message(for: error) : "-")
        }
    }

    func testTenThousandCommandLinesInProcess() throws {
        let dir = try TemporaryDirectory()
        // A run of each environment to evaluate and resume: its config.json is
        // all that parsing and validation read.
        var runs: [String] = []
        for env in TestEnvironment.allCases {
            let directory = RunDirectory(path: dir.file("made/\(env)"))
            try directory.create()
            try RunRecord(config: RunFixtures.config(env, runsDir: dir.file("made"), name: "\(env)")).write(to: directory)
            runs.append(directory.path)
        }
        var generator = CommandLineGenerator(seed: Self.seed, scratch: dir.path, runs: runs)
        try generator.writeMap()
        var cases: [[String]] = []
        var commands: [String: Int] = [:]
        for _ in 0..<10_000 {
            cases.append(generator.next())
            commands[generator.lastCommand, default: 0] += 1
        }
        // On both cores: argument-parser's parse is reflection, ~1 ms each.
        let start = Date()
        let outcomes = Outcomes(count: cases.count)
        let shared = cases
        DispatchQueue.concurrentPerform(iterations: 2) { half in
            // Every case classified; every fourth one's message checked too.
            for i in stride(from: half, to: shared.count, by: 2) { outcomes.set(i, Self.classify(shared[i], withMessage: (i / 2) % 4 == 0)) }
        }
        let seconds = Date().timeIntervalSince(start)
        var counts: [Int32: Int] = [:]
        for (arguments, outcome) in zip(cases, outcomes.values) {
            counts[outcome.status, default: 0] += 1
            XCTAssertTrue([0, 1, 2].contains(outcome.status), "\(arguments): \(outcome.status)")
            if outcome.status != 0 {
                XCTAssertFalse(outcome.message.isEmpty, "\(arguments): an empty message")
                XCTAssertFalse(outcome.message.contains("\n"), "\(arguments): \(outcome.message)")
            }
        }
        print("CLI fuzz, in process: \(cases.count) command lines in \(String(format: "%.1f", seconds)) s; exit codes \(counts.sorted { $0.key < $1.key }); commands \(commands.sorted { $0.key < $1.key })")
        // Both answers must be common, or the generator tests one side only.
        XCTAssertGreaterThan(counts[0, default: 0], 500)
        XCTAssertGreaterThan(counts[2, default: 0], 5_000)
    }

    func testThreeHundredCommandLinesThroughTheExecutable() throws {
        _ = try Self.executable()
        let dir = try TemporaryDirectory()
        // One finished tiny run of each environment, for eval and --resume.
        var runs: [TestEnvironment: String] = [:]
        for env in TestEnvironment.allCases {
            let config = RunFixtures.config(env, runsDir: dir.file("made"), name: "\(env)")
            runs[env] = try TrainingRun.start(config, options: RunFixtures.quiet()).0.path
        }
        var generator = CommandLineGenerator(seed: Self.seed &+ 1, scratch: dir.path, runs: runs.values.sorted())
        try generator.writeMap()
        var cases: [(arguments: [String], expected: Int32)] = []
        for i in 0..<300 {
            var arguments = generator.next()
            // Command lines that would train or evaluate for real are cut to a
            // tiny budget (later flags win), so that each case takes a blink.
            if Self.classify(arguments).status == 0 { arguments += generator.tinyBudget(for: arguments, name: "case-\(i)") }
            cases.append((arguments, Self.classify(arguments).status))
        }
        // Two at a time (the machine's cores), each on its own copy of the
        // runs: a --resume cleans its run directory's temporary files, which
        // must not be the other process's half-written eval.csv.
        for half in 0..<2 { try FileManager.default.copyItem(atPath: dir.file("made"), toPath: dir.file("made-\(half)")) }
        let start = Date()
        var results = [Result?](repeating: nil, count: cases.count)
        for pair in stride(from: 0, to: cases.count, by: 2) {
            let indices = Array(pair..<min(pair + 2, cases.count))
            let children = try indices.map { i in
                try Child(cases[i].arguments.map { $0.replacingOccurrences(of: "/made/", with: "/made-\(i % 2)/") }, in: dir)
            }
            for (i, child) in zip(indices, children) { results[i] = child.wait(timeout: 60) }
        }
        let seconds = Date().timeIntervalSince(start)
        var counts: [Int32: Int] = [:]
        for (c, result) in zip(cases, results) {
            let label = c.arguments.joined(separator: " ")
            guard let result else {
                XCTFail("\(label): could not be run")
                continue
            }
            counts[result.status, default: 0] += 1
            XCTAssertFalse(result.signalled, "\(label): killed by a signal (a trap?): \(result.stderr)")
            XCTAssertTrue([0, 1, 2, 130].contains(result.status), "\(label): exit \(result.status): \(result.stderr)")
            XCTAssertEqual(result.status, c.expected, "\(label): \(result.stderr)")
            if result.status != 0 {
                XCTAssertTrue(result.stderr.hasPrefix("rltrain: ") && result.stderr.filter { $0 == "\n" }.count == 1, "\(label): \(result.stderr)")
            }
            for crash in ["Fatal error", "Backtrac", "runtime failure"] {
                XCTAssertFalse(result.stderr.contains(crash), "\(label): \(result.stderr)")
            }
        }
        print("CLI fuzz, executable: \(cases.count) command lines in \(String(format: "%.1f", seconds)) s; exit codes \(counts.sorted { $0.key < $1.key })")
        XCTAssertGreaterThan(counts[0, default: 0], 20)
        XCTAssertGreaterThan(counts[2, default: 0], 100)
    }

    static var seed: UInt64 { UInt64(ProcessInfo.processInfo.environment["RLTRAIN_CLI_FUZZ_SEED"] ?? "") ?? 17 }
}

/// Each case's outcome, written by index from the two classifying threads
/// (each index by one thread only).
private final class Outcomes: @unchecked Sendable {
    private(set) var values: [(status: Int32, message: String)]
    private let lock = NSLock()
    init(count: Int) { values = Array(repeating: (-1, ""), count: count) }
    func set(_ i: Int, _ outcome: (status: Int32, message: String)) { lock.withLock { values[i] = outcome } }
}

/// Random rltrain command lines, biased towards what breaks a command line:
/// boundary and malformed values, flags of the other environment or of no
/// command, repeats, a value missing at the end.
struct CommandLineGenerator {
    var rng: RNG
    let scratch: String
    /// Finished runs to evaluate and resume.
    let runs: [String]
    private(set) var lastCommand = ""

    init(seed: UInt64, scratch: String, runs: [String] = []) {
        rng = RNG(seed: seed)
        self.scratch = scratch
        self.runs = runs.isEmpty ? [scratch + "/no-run"] : runs
    }

    /// Values that are wrong for nearly every flag.
    static let hostile = [
        "-1", "-0", "0", "-3", "-1e-3", "nan", "NaN", "inf", "-inf", "1e308", "1e-320", "99999999999999999999",
        "9223372036854775807", "-9223372036854775808", "18446744073709551615", "18446744073709551616", "4294967296",
        "1.5", "0x10", " 7", "", "abc", "--seed", "-x", "1,2,,3", "65536,65536", "☃", "1e9", "64,-64",
    ]

    /// Values each flag accepts, or nearly (in range, at the edges).
    static let plausible: [String: [String]] = [
        "algo": ["ppo", "grpo", "dr-grpo", "rloo", "a2c"], "group-size": ["2", "3", "4", "8", "4096", "4097", "1"],
        "kl-coef": ["0", "0.1", "1e6", "1e7"], "seed": ["0", "1", "7", "18446744073709551615"],
        "total-timesteps": ["1", "128", "1024", "4096", "400000"], "learning-rate": ["2.5e-4", "1e-3", "1000", "1001", "5e-324"],
        "num-envs": ["1", "2", "3", "4", "8", "16", "1000000", "1000001"], "num-steps": ["1", "8", "16", "128", "1000000"],
        "anneal-lr": ["true", "false", "yes"], "gamma": ["0", "0.99", "1", "1.0000001"], "gae-lambda": ["0", "0.95", "1"],
        "num-minibatches": ["1", "2", "4", "7", "128"], "update-epochs": ["1", "4", "10"], "norm-adv": ["true", "false"],
        "clip-coef": ["0.2", "1e6", "0"], "clip-vloss": ["true", "false"], "ent-coef": ["0", "0.01", "1e6", "1e6.5"],
        "vf-coef": ["0.5", "0", "2"], "max-grad-norm": ["0.5", "1e12", "1e13"], "target-kl": ["0.01", "0.015", "1e12"],
        "hidden": ["64,64", "4", "8,8", "16,16,16", "65536", "65537", "0", "4096,4096,4096,4096"], "activation": ["tanh", "relu", "gelu"],
        "workers": ["1", "2", "3", "8", "1024", "1025"], "envs-per-worker": ["1", "2", "8", "1000000", "1000001"],
        "checkpoint-every": ["1", "2", "10"], "run-name": ["x", "a/b", ".", "..", "run-1"],
        "layout": ["fourrooms", "empty-4", "empty-5", "empty-64", "empty-65", "empty-3", "maze"],
        "max-steps": ["1", "25", "100"], "digits": ["1", "3", "1-3", "2-4", "24", "25", "3-1", "0-2"],
        "think-budget": ["0", "1", "2", "4", "5"], "think-symbols": ["1", "2", "4", "100"], "view": ["column", "full", "wide"],
        "reward": ["digits", "outcome", "both"], "think-cost": ["0", "0.01", "0.3", "1"], "demos": ["0", "1", "20", "300", "1000000", "1000001"],
        "bc-steps": ["0", "1", "10", "1000"], "bc-learning-rate": ["1e-3", "0", "1"], "eval-problems": ["1", "30", "500"],
        "eval-every": ["1", "2", "100"], "problems": ["1", "5", "1000", "10000000", "10000001"], "samples": ["1", "2", "16", "1024", "1025"],
        "show": ["0", "1", "3"], "episodes": ["1", "5", "100", "10000000", "10000001"], "jobs": ["1", "2", "256", "257"],
        "shard": ["1/1", "1/2", "2/2", "3/2", "0/2", "1/0", "x/y"],
    ]

    static let ppoFlags = [
        "algo", "group-size", "kl-coef", "seed", "total-timesteps", "learning-rate", "num-envs", "num-steps", "anneal-lr", "gamma",
        "gae-lambda", "num-minibatches", "update-epochs", "norm-adv", "clip-coef", "clip-vloss", "ent-coef", "vf-coef",
        "max-grad-norm", "target-kl", "hidden", "activation", "workers", "envs-per-worker",
    ]
    static let runFlags = ["run-name", "checkpoint-every"]
    static let switches = ["tensorboard", "quiet"]
    static let trainingFlags: [(name: String, takesValue: Bool)] = EnvironmentRegistry.all.flatMap { $0.trainingFlagNames }
    static let evaluationFlags: [(name: String, takesValue: Bool)] = EnvironmentRegistry.all.flatMap { $0.evaluationFlagNames }
    static let unknown = ["--frobnicate", "--learning_rate", "--env-name", "-h1", "--", "-", "extra", "--help=1", "--Seed"]

    mutating func pick<T>(_ values: [T]) -> T { values[rng.int(below: values.count)] }
    mutating func chance(_ p: Double) -> Bool { rng.uniformDouble() < p }

    /// A small valid map file, for `--map`.
    var mapFile: String { scratch + "/map.txt" }

    func writeMap() throws {
        try Data("#####\n#S..#\n#..G#\n#####\n".utf8).write(to: URL(fileURLWithPath: mapFile))
    }

    /// A value for `flag`: usually plausible, often hostile.
    mutating func value(for flag: String) -> String {
        if flag == "map", chance(0.6) { return pick([mapFile, scratch + "/absent.txt", scratch]) }
        if let values = Self.plausible[flag], chance(0.6) { return pick(values) }
        return pick(Self.hostile)
    }

    /// `--flag value`, `--flag=value`, or `--flag` alone when the value is forgotten.
    mutating func option(_ flag: String, takesValue: Bool = true) -> [String] {
        guard takesValue else { return chance(0.05) ? ["--\(flag)=x"] : ["--\(flag)"] }
        let v = value(for: flag)
        return chance(0.25) ? ["--\(flag)=\(v)"] : ["--\(flag)", v]
    }

    mutating func next() -> [String] {
        switch rng.int(below: 20) {
        case 0...13: return train()
        case 14...16: return evaluate()
        case 17, 18: return sweep()
        default: return misc()
        }
    }

    mutating func train() -> [String] {
        lastCommand = "train"
        var arguments: [String] = chance(0.2) ? ["train"] : []
        if chance(0.8) { arguments += ["--env", chance(0.95) ? pick(["arithmetic", "gridworld"]) : pick(["chess", "", "Gridworld"])] }
        if chance(0.05) { arguments += ["--resume", pick(runs + [scratch + "/absent"])] }
        var flags: [[String]] = []
        for _ in 0..<rng.int(below: 7) {
            switch rng.int(below: 10) {
            case 0...4: flags.append(option(pick(Self.ppoFlags)))
            case 5...7:
                let flag = pick(Self.trainingFlags)
                flags.append(option(flag.name, takesValue: flag.takesValue))
            case 8: flags.append(chance(0.5) ? option(pick(Self.runFlags)) : ["--\(pick(Self.switches))"])
            default: flags.append([pick(Self.unknown)])
            }
            if chance(0.1), let last = flags.last { flags.append(last) }  // repeated
        }
        arguments += flags.flatMap { $0 }
        if chance(0.03) { arguments.append("--" + pick(Self.ppoFlags)) }  // value missing at the end
        arguments += ["--runs-dir", scratch + "/runs"]
        if chance(0.02) { arguments.append(pick(["--help", "--version"])) }
        return arguments
    }

    mutating func evaluate() -> [String] {
        lastCommand = "eval"
        var arguments = ["eval"]
        if chance(0.95) { arguments.append(pick(runs + [scratch + "/absent", scratch])) }
        for _ in 0..<rng.int(below: 5) {
            if chance(0.9) {
                let flag = pick(Self.evaluationFlags)
                arguments += option(flag.name, takesValue: flag.takesValue)
            } else {
                arguments += chance(0.5) ? option(pick(Self.ppoFlags)) : [pick(Self.unknown)]
            }
        }
        return arguments
    }

    mutating func sweep() -> [String] {
        lastCommand = "sweep"
        var arguments = ["sweep", scratch + "/absent.json"]
        for _ in 0..<rng.int(below: 4) {
            switch rng.int(below: 4) {
            case 0: arguments += option("jobs")
            case 1: arguments += option("shard")
            case 2: arguments += ["--out", scratch + "/sweep-out"]
            default: arguments += chance(0.5) ? ["--quiet"] : [pick(Self.unknown)]
            }
        }
        return arguments
    }

    mutating func misc() -> [String] {
        lastCommand = "other"
        switch rng.int(below: 4) {
        case 0: return ["report", scratch + "/absent"] + (chance(0.5) ? ["--out", scratch + "/report"] : [])
        case 1: return ["report"]
        case 2: return pick([["help"], ["--help"], ["--version"], ["help", "eval"], ["help", "chess"], ["eval", "--help"]])
        default: return [pick(Self.unknown)] + option(pick(Self.ppoFlags))
        }
    }

    /// Flags that cut a command line that would train or evaluate to a tiny
    /// budget (appended: later flags win), in a run directory of its own.
    func tinyBudget(for arguments: [String], name: String) -> [String] {
        if arguments.first == "eval" {
            return arguments.count > 1 && arguments[1].hasSuffix("gridworld") ? ["--episodes", "5"] : ["--problems", "5"]
        }
        guard !arguments.contains("--resume") && !arguments.contains(where: { $0.hasPrefix("--resume=") }) else { return [] }
        let gridworld = zip(arguments, arguments.dropFirst()).contains { $0 == "--env" && $1 == "gridworld" }
            || arguments.contains("--env=gridworld")
        var tiny = ["--num-envs", "2", "--num-steps", "8", "--num-minibatches", "2", "--update-epochs", "1", "--total-timesteps", "32",
                    "--hidden", "4", "--workers", "1", "--checkpoint-every", "1", "--run-name", name]
        tiny += gridworld ? ["--layout", "empty-4"] : ["--demos", "2", "--bc-steps", "1", "--eval-problems", "5", "--eval-every", "100"]
        return tiny
    }
}
