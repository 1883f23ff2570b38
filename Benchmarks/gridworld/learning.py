#!/usr/bin/env python3
"""Gridworld learning benchmark: env steps until a 100-episode success rate
threshold, per seed, for the standard PPO config and a tuned fourrooms config.

    python3 Benchmarks/gridworld/learning.py [--seeds 5] [--out /tmp/rltrain-gridworld]

Runs are deterministic (same seed, same numbers), so finished runs are reused.
Prints one markdown table per configuration.
"""
import argparse, csv, os, statistics, subprocess, sys

STANDARD = ["--hidden", "64,64", "--num-envs", "8", "--num-steps", "128", "--num-minibatches", "4",
            "--update-epochs", "4", "--learning-rate", "2.5e-4", "--gamma", "0.99", "--gae-lambda", "0.95"]

CONFIGS = [
    # name, arguments, success threshold, path-efficiency threshold, step budget of the target
    ("empty-8", ["--layout", "empty-8", "--total-timesteps", "200000"] + STANDARD, 0.95, None, 200_000),
    ("fourrooms", ["--layout", "fourrooms", "--total-timesteps", "1500000"] + STANDARD, 0.75, None, 1_500_000),
    # Tuned: twice the width, twice the envs (on two workers), twice the learning rate.
    ("fourrooms-tuned", ["--layout", "fourrooms", "--total-timesteps", "6000000", "--hidden", "128,128",
                         "--workers", "2", "--envs-per-worker", "8", "--learning-rate", "5e-4"], 0.95, 0.9, 10_000_000),
]


def rltrain_binary(path):
    if path:
        return path
    subprocess.run(["swift", "build", "-c", "release", "--product", "rltrain"], check=True)
    return os.path.join(".build", "release", "rltrain")


def run(binary, out, name, args, seed):
    run_name = f"{name}-seed{seed}"
    directory = os.path.join(out, run_name)
    if os.path.exists(os.path.join(directory, "curves.svg")):
        return directory  # finished earlier: the numbers would be the same
    command = [binary, "--env", "gridworld", "--seed", str(seed), "--runs-dir", out, "--run-name", run_name, "--quiet"]
    if os.path.exists(os.path.join(directory, "config.json")):
        command = [binary, "--resume", directory, "--quiet"]
    subprocess.run(command + ([] if "--resume" in command else args), check=True)
    return directory


def steps_to_threshold(rows, success, efficiency):
    # The success rate is over the last 100 episodes: count it only once 100
    # have finished (early windows hold only the short, successful episodes).
    for row in rows[1:]:
        if int(row["episodes"]) < 100:
            continue
        s = float(row["success_rate"] or "nan")
        e = float(row["path_efficiency"] or "nan")
        if s >= success and (efficiency is None or e >= efficiency):
            return int(row["env_steps"])
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--out", default="/tmp/rltrain-gridworld")
    parser.add_argument("--rltrain", help="path of a built rltrain (default: build it)")
    parser.add_argument("--only", help="run only the configuration with this name")
    options = parser.parse_args()
    binary = rltrain_binary(options.rltrain)
    os.makedirs(options.out, exist_ok=True)
    for name, args, success, efficiency, budget in CONFIGS:
        if options.only and options.only != name:
            continue
        target = f"success ≥ {success}" + (f" and path efficiency ≥ {efficiency}" if efficiency else "")
        print(f"\n### {name}: {target} within {budget:,} env steps\n")
        print("`rltrain --env gridworld " + " ".join(args) + "`\n")
        print("| seed | env steps to target | final success | final path efficiency | steps/s (whole run) |")
        print("|---:|---:|---:|---:|---:|")
        reached = []
        for seed in range(1, options.seeds + 1):
            directory = run(binary, options.out, name, args, seed)
            with open(os.path.join(directory, "progress.csv")) as f:
                rows = list(csv.DictReader(f))
            steps = steps_to_threshold(rows, success, efficiency)
            reached.append(steps)
            last = rows[-1]
            sps = int(last["env_steps"]) / float(last["wall_seconds"])
            shown = f"{steps:,}" if steps is not None else "not reached"
            print(f"| {seed} | {shown} | {float(last['success_rate']):.2f} | "
                  f"{float(last['path_efficiency'] or 'nan'):.3f} | {sps:,.0f} |")
            sys.stdout.flush()
        hits = [s for s in reached if s is not None and s <= budget]
        summary = f"{len(hits)} of {len(reached)} seeds reached the target within {budget:,} steps"
        if hits:
            summary += f"; median {statistics.median(hits):,.0f} steps"
        print(f"\n{summary}.")


if __name__ == "__main__":
    main()
