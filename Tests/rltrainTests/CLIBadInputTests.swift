#if canImport(Glibc)
import Glibc
#endif
import Foundation
import XCTest
import RL
import Environments
import TestSupport
import ExperimentsTestSupport
@testable import Experiments
@testable import RunStorage

/// Bad flags, map files and run directories: one line on stderr, exit 2.
final class CLIBadInputTests: RLTrainProcessTestCase {
    func testBadFlagsGetOneLineAndExitCode2() throws {
        let dir = try TemporaryDirectory()
        let runs = dir.file("runs")
        let grid = ["--env", "gridworld", "--runs-dir", runs]
        let arith = ["--env", "arithmetic", "--runs-dir", runs]
        let countdown = ["--env", "countdown", "--runs-dir", runs]
        let cases: [([String], String)] = [
            (grid + ["--num-steps", "nan"], "--num-steps"), (grid + ["--num-steps=-3"], "--num-steps must be a positive integer"),
            (grid + ["--num-steps", "0"], "--num-steps"), (grid + ["--num-envs", "0"], "--num-envs"),
            (grid + ["--num-envs", "4611686018427387904", "--num-steps", "4"], "--num-envs must be at most"),
            (grid + ["--num-envs", "99999999999999999999"], "--num-envs"),
            (grid + ["--workers", "1024", "--envs-per-worker", "9007199254740993"], "--envs-per-worker"),
            (grid + ["--workers", "0"], "--workers"), (grid + ["--workers", "5000"], "--workers"),
            (grid + ["--workers", "4", "--num-envs", "3"], "--workers 4 exceeds --num-envs 3"),
            (grid + ["--envs-per-worker", "0"], "--envs-per-worker"),
            (grid + ["--total-timesteps", "0"], "--total-timesteps"), (grid + ["--total-timesteps", "nan"], "--total-timesteps"),
            (grid + ["--total-timesteps", "5"], "less than one batch"),
            (grid + ["--learning-rate", "nan"], "--learning-rate"), (grid + ["--learning-rate", "0"], "--learning-rate"),
            (grid + ["--learning-rate=-1e-3"], "--learning-rate"), (grid + ["--learning-rate", "inf"], "--learning-rate"),
            (grid + ["--learning-rate", "1e9"], "--learning-rate"),
            (grid + ["--gamma", "1.5"], "--gamma"), (grid + ["--gamma", "nan"], "--gamma"),
            (grid + ["--gae-lambda", "nan"], "--gae-lambda"), (grid + ["--gae-lambda=-0.1"], "--gae-lambda"),
            (grid + ["--num-minibatches", "0"], "--num-minibatches"), (grid + ["--num-minibatches", "7"], "--num-minibatches 7 must divide"),
            (grid + ["--update-epochs", "0"], "--update-epochs"), (grid + ["--update-epochs", "nan"], "--update-epochs"),
            (grid + ["--clip-coef", "nan"], "--clip-coef"), (grid + ["--clip-coef=-1"], "--clip-coef"),
            (grid + ["--ent-coef", "nan"], "--ent-coef"), (grid + ["--ent-coef=-1"], "--ent-coef"),
            (grid + ["--vf-coef", "inf"], "--vf-coef"), (grid + ["--max-grad-norm", "0"], "--max-grad-norm"),
            (grid + ["--max-grad-norm", "nan"], "--max-grad-norm"), (grid + ["--target-kl", "nan"], "--target-kl"),
            (grid + ["--target-kl", "0"], "--target-kl"), (grid + ["--seed", "nan"], "--seed"), (grid + ["--seed=-1"], "--seed"),
            (grid + ["--hidden", "64,x"], "--hidden"), (grid + ["--hidden", "0"], "--hidden"), (grid + ["--hidden", "100000"], "--hidden"),
            (grid + ["--activation", "sigmoid"], "--activation"), (grid + ["--anneal-lr", "maybe"], "--anneal-lr"),
            (grid + ["--checkpoint-every", "0"], "--checkpoint-every"), (grid + ["--checkpoint-every", "nan"], "--checkpoint-every"),
            (grid + ["--max-steps", "0"], "--max-steps"), (grid + ["--max-steps", "nan"], "--max-steps"),
            (grid + ["--run-name", "../x"], "--run-name"), (grid + ["--run-name", ""], "--run-name"),
            (["--env", "chess"], "'chess' is invalid for '--env"), (["--frobnicate"], "Unknown option '--frobnicate'"),
            (arith + ["--algo", "a2c"], "'a2c' is invalid for '--algo"),
            (arith + ["--algo", "grpo", "--group-size", "1"], "--group-size must be between 2"),
            (arith + ["--algo", "grpo", "--group-size", "3", "--num-envs", "8"], "--group-size 3 must divide --num-envs 8"),
            (arith + ["--algo", "rloo", "--kl-coef=-0.1"], "--kl-coef"), (arith + ["--algo", "grpo", "--kl-coef", "nan"], "--kl-coef"),
            (arith + ["--algo", "dr-grpo", "--vf-coef", "0.5"], "--vf-coef has no effect with --algo dr-grpo"),
            (arith + ["--algo", "grpo", "--gamma", "0.99"], "--gamma has no effect"),
            (arith + ["--group-size", "4"], "--group-size is for the critic-free algorithms"),
            (arith + ["--kl-coef", "0.1"], "--kl-coef is for the critic-free algorithms"),
            (grid + ["--layout", "empty-5", "--algo", "grpo", "--workers", "9", "--num-envs", "64"], "a group never spans workers"),
            (grid + ["--layout", "maze"], "unknown gridworld layout"), (grid + ["--layout", "empty-2"], "empty-N needs"),
            (grid + ["--layout", "empty-99999999999999999999"], "empty-N needs"),
            (arith + ["--digits", "0"], "--digits"), (arith + ["--digits", "3-1"], "reversed"), (arith + ["--digits", "1-99"], "at most"),
            (arith + ["--digits", "nan"], "--digits"), (arith + ["--think-budget=-1"], "think budget"),
            (arith + ["--think-budget", "9223372036854775807"], "think budget"), (arith + ["--think-symbols", "0"], "think symbols"),
            (arith + ["--think-cost", "nan"], "think cost"), (arith + ["--think-cost", "inf"], "think cost"),
            (arith + ["--demos=-1"], "--demos"), (arith + ["--demos", "1e12"], "--demos"), (arith + ["--bc-steps=-1"], "--bc-steps"),
            (arith + ["--bc-learning-rate", "nan"], "--bc-learning-rate"), (arith + ["--eval-problems", "0"], "--eval-problems"),
            (arith + ["--eval-every", "0"], "--eval-every"), (arith + ["--view", "wide"], "--view"), (arith + ["--reward", "x"], "--reward"),
            (["eval", dir.path], "is not a run directory"), (["eval", dir.file("missing")], "is not a run directory"),
            (["eval", dir.path, "--samples", "0"], "--samples"), (["eval", dir.path, "--problems", "nan"], "--problems"),
            (["eval", dir.path, "--digits", "99"], "--digits"), (["eval", dir.path, "--episodes", "0"], "--episodes"),
            (["--resume", dir.path], "is not a run directory"), (["--resume", dir.path, "--seed", "3"], "give no other flag"),
            // Issue 17: negative numbers reach validation, which gives the allowed range.
            (grid + ["--learning-rate", "-1"], "--learning-rate must be a number in (0, 1000], got -1"),
            (grid + ["--seed", "-1"], "--seed must be an integer from 0 to 18446744073709551615, got '-1'"),
            (grid + ["--num-steps", "-3"], "--num-steps must be a positive integer, got -3"),
            (grid + ["--ent-coef", "-1"], "--ent-coef must be a number in [0, 1e6], got -1"),
            (grid + ["--gamma", "-0.5"], "--gamma must be in [0, 1]"), (grid + ["--checkpoint-every", "-2"], "--checkpoint-every"),
            (grid + ["--max-steps", "-4"], "--max-steps must be a positive integer, got -4"),
            (arith + ["--think-cost", "-1"], "think cost must be a finite number ≥ 0, got -1"),
            (arith + ["--think-budget", "-1"], "think budget: expected a count such as \"1\" or a range of caps"),
            (arith + ["--demos", "-5"], "--demos must be 0 or more, got -5"),
            (["sweep", dir.file("none.json"), "--jobs", "-1"], "--jobs must be between 1 and 256, got -1"),
            (["eval", dir.path, "--samples", "-1"], "--samples must be between 1 and 1024, got -1"),
            // Memory that cannot fit: refused up front, with the estimate.
            (arith + ["--hidden", "65536,65536"], "of memory (networks with gradients and Adam moments"),
            (grid + ["--num-envs", "1000000", "--num-steps", "1000", "--total-timesteps", "1000000000"], "of physical memory here"),
            // Options of the other environment.
            (arith + ["--layout", "fourrooms"], "--layout is an option of gridworld, not of arithmetic"),
            (grid + ["--think-budget", "2"], "--think-budget is an option of arithmetic, not of gridworld"),
            (["--resume", dir.path, "--tensorboard"], "give no other flag (got --tensorboard)"),
            // The language-model policy.
            (arith + ["--policy", "lstm"], "'lstm' is invalid for '--policy"),
            (arith + ["--policy", "transformer", "--heads", "5"], "--heads 5 does not divide --d-model 64"),
            (arith + ["--policy", "transformer", "--d-model", "0"], "--d-model must be a positive integer"),
            (arith + ["--policy", "transformer", "--context", "16"], "--context 16 is shorter than the longest prompt plus its worked completion (30 tokens)"),
            (arith + ["--policy", "transformer", "--sft-examples", "0"], "--sft-examples 0 gives SFT nothing to learn from"),
            (arith + ["--policy", "transformer", "--sft-think-fraction", "1.5"], "--sft-think-fraction must be within 0-1"),
            (arith + ["--policy", "transformer", "--temperature", "nan"], "--temperature"),
            (arith + ["--policy", "transformer", "--algo", "ppo"], "--algo ppo needs a critic"),
            (arith + ["--policy", "transformer", "--hidden", "32"], "--hidden applies to the MLP policy"),
            (arith + ["--policy", "transformer", "--total-timesteps", "1000"], "--total-timesteps applies to the MLP policy"),
            (arith + ["--layers", "2"], "--layers applies to --policy transformer only"),
            (arith + ["--policy", "transformer", "--demos", "10"], "--demos sets the MLP policy's arithmetic environment; with --policy transformer only --digits, --think-cost, --eval-problems, --eval-every apply"),
            (arith + ["--policy", "transformer", "--think-budget=2"], "--think-budget sets the MLP policy's arithmetic environment"),
            (arith + ["--policy", "mlp", "--sft-only"], "--sft-only applies to --policy transformer only"),
            (grid + ["--policy", "transformer"], "--env gridworld has none (text tasks: arithmetic, multiplication, countdown)"),
            // Countdown: a text task only.
            (countdown, "--env countdown is a text task: train it with --policy transformer"),
            (countdown + ["--policy", "transformer", "--numbers", "5"], "--numbers must be within 3-4, got 5-5"),
            (countdown + ["--policy", "transformer", "--numbers", "four"], "--numbers: 'four' is not"),
            (countdown + ["--policy", "transformer", "--miss-fraction", "-0.1"], "--miss-fraction must be between 0 and 1"),
            (countdown + ["--policy", "transformer", "--context", "64"], "--context 64 is shorter than the longest prompt plus its worked completion (97 tokens)"),
            (countdown + ["--policy", "transformer", "--digits", "3"], "--digits is an option of"),
            (arith + ["--policy", "transformer", "--step-reward", "-1"], "--step-reward must be within 0-10, got -1.0"),
            (arith + ["--policy", "transformer", "--step-reward", "0.5", "--algo", "expert-iteration"], "--step-reward does not apply to --algo expert-iteration"),
            (arith + ["--step-reward", "0.5"], "--step-reward applies to --policy transformer only"),
            (["--resume", dir.path, "--policy", "transformer"], "give no other flag (got --policy)"),
        ]
        for (arguments, fragment) in cases {
            try assertBadInput(arguments, fragment, in: dir)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: runs), "bad input wrote a run directory")
    }

    func testMalformedMapFiles() throws {
        let dir = try TemporaryDirectory()
        let maps: [(String, String)] = [
            ("", "map is empty"), ("#####\n#.x.#\n#####\n", ":2:3: unknown character"), ("###\n#..#\n", ":2:"),
            ("####\n####\n", "no floor"), ("#S#S#\n", "second start"), ("#.#.#\n", "unreachable"),
            ("#S#G#\n", "unreachable"), ("#.#\n", "only 1 floor cell"), ("\u{0}\u{1}\u{FF}", "unknown character"),
            ("\n\n", "empty"),
        ]
        for (i, (text, fragment)) in maps.enumerated() {
            let path = dir.file("map-\(i).txt")
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            try assertBadInput(["--env", "gridworld", "--map", path, "--runs-dir", dir.file("runs")], fragment, in: dir)
        }
        try assertBadInput(["--env", "gridworld", "--map", dir.file("absent.txt"), "--runs-dir", dir.file("runs")], "no such file", in: dir)
        try assertBadInput(["--env", "gridworld", "--map", dir.path, "--runs-dir", dir.file("runs")], "is a directory", in: dir)
    }

    func testDamagedRunDirectoriesGetOneLineAndExitCode2() throws {
        let dir = try TemporaryDirectory()
        func stopped(_ env: TestEnvironment, _ name: String) throws -> RunDirectory {
            let config = RunFixtures.config(env, runsDir: dir.path, name: name)
            return try TrainingRun.start(config, options: RunFixtures.quiet(stopAfter: 2)).0
        }
        let grid = try stopped(.gridworld, "grid")
        let arith = try stopped(.arithmetic, "arith")
        let good = try Data(contentsOf: URL(fileURLWithPath: grid.checkpoint))
        let goodConfig = try Data(contentsOf: URL(fileURLWithPath: grid.config))
        func put(_ data: Data, _ path: String) throws { try data.write(to: URL(fileURLWithPath: path)) }
        func check(_ fragment: String, line: UInt = #line) throws {
            try assertBadInput(["--resume", grid.path], fragment, in: dir, line: line)
            try assertBadInput(["eval", grid.path], fragment, in: dir, line: line)
        }
        try put(good.prefix(good.count - 100), grid.checkpoint)
        try check("truncated")
        var flipped = good
        flipped[good.count - 50] ^= 0x01
        try put(flipped, grid.checkpoint)
        try check("checksum")
        var version = good
        version[Checkpoint.magic.count] = 9
        try put(version, grid.checkpoint)
        try check("checkpoint format version 9")
        try put(Data("hello".utf8), grid.checkpoint)
        try check("not an rltrain checkpoint")
        try put(try Data(contentsOf: URL(fileURLWithPath: arith.checkpoint)), grid.checkpoint)
        try assertBadInput(["--resume", grid.path], grid.checkpoint, in: dir)
        try put(good, grid.checkpoint)
        // Another network shape: config.json edited to 32,32 hidden units.
        var record = try RunRecord.read(from: grid)
        record.config.network.hidden = [32, 32]
        try record.write(to: grid)
        try assertBadInput(["--resume", grid.path], "another configuration", in: dir)
        try put(goodConfig.prefix(goodConfig.count / 2), grid.config)
        try check("config.json is damaged")
        try put(Data(), grid.config)
        try check("config.json is damaged")
        try put(goodConfig, grid.config)
        let resumed = try run(["--resume", grid.path, "--quiet"], in: dir)
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
    }

    /// Issue 17: checkpoints with a valid checksum but tensors, optimiser
    /// moments, a reference policy or environments that do not fit the run;
    /// and `rltrain eval` given the flags of the other environment's runs.
    func testInconsistentCheckpointsAndOtherEnvironmentsEvalFlags() throws {
        let dir = try TemporaryDirectory()
        var grpo = RunFixtures.config(.arithmetic, runsDir: dir.path, name: "grpo")
        grpo.ppo.algorithm = .grpo
        grpo.ppo.groupSize = 3
        grpo.ppo.klCoef = 0.1
        let grid = try TrainingRun.start(RunFixtures.config(.gridworld, runsDir: dir.path, name: "grid"), options: RunFixtures.quiet(stopAfter: 2)).0
        let arith = try TrainingRun.start(grpo, options: RunFixtures.quiet(stopAfter: 2)).0
        try assertBadInput(["eval", grid.path, "--digits", "3"], "--digits is an option of arithmetic runs, not of gridworld runs", in: dir)
        try assertBadInput(["eval", arith.path, "--episodes", "5"], "--episodes is an option of gridworld runs, not of arithmetic runs", in: dir)
        try assertBadInput(["eval", arith.path, "--sample"], "--sample is an option of gridworld runs", in: dir)
        var tried = 0
        for (env, directory) in [(TestEnvironment.gridworld, grid), (.arithmetic, arith)] {
            let good = try Data(contentsOf: URL(fileURLWithPath: directory.checkpoint))
            for damage in CheckpointDamage.allCases {
                guard try RunFixtures.damageCheckpoint(directory, env: env, damage) else { continue }
                tried += 1
                try assertBadInput(["--resume", directory.path], damage.fragment, in: dir)
                try assertBadInput(["eval", directory.path], damage.fragment, in: dir)
                try good.write(to: URL(fileURLWithPath: directory.checkpoint))
            }
            let evaluated = try run(["eval", directory.path] + (env == .gridworld ? ["--episodes", "5"] : ["--problems", "5"]), in: dir)
            XCTAssertEqual(evaluated.status, 0, evaluated.stderr)
        }
        XCTAssertGreaterThanOrEqual(tried, CheckpointDamage.allCases.count)
    }
}
