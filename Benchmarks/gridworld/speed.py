#!/usr/bin/env python3
"""Gridworld training throughput with the standard config: env steps per second
of whole training runs (rollouts + updates), of the rollout phase alone, and the
GFLOP/s the PPO update achieves, median over repetitions.

    python3 Benchmarks/gridworld/speed.py [--rltrain PATH] [--repeats 3]

Bare environment stepping (no policy) is `swift run -c release env-benchmark`.
"""
import argparse, csv, os, statistics, subprocess, tempfile

STANDARD = ["--hidden", "64,64", "--num-envs", "8", "--num-steps", "128", "--num-minibatches", "4",
            "--update-epochs", "4", "--learning-rate", "2.5e-4"]
RUNS = [("empty-8", 204_800, 50_000), ("fourrooms", 307_200, 25_000)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rltrain", help="path of a built rltrain (default: build it)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workers", type=int, default=1)
    options = parser.parse_args()
    binary = options.rltrain
    if not binary:
        subprocess.run(["swift", "build", "-c", "release", "--product", "rltrain"], check=True)
        binary = os.path.join(".build", "release", "rltrain")
    out = tempfile.mkdtemp(prefix="rltrain-speed-")
    print("| layout | obs floats | whole run, env steps/s | target | rollout env steps/s | update GFLOP/s | update share of time |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for layout, steps, target in RUNS:
        whole, rollout, gflops, share = [], [], [], []
        for repeat in range(options.repeats):
            name = f"{layout}-{repeat}"
            subprocess.run([binary, "--env", "gridworld", "--layout", layout, "--total-timesteps", str(steps),
                            "--workers", str(options.workers), *STANDARD, "--runs-dir", out, "--run-name", name,
                            "--quiet"], check=True)
            with open(os.path.join(out, name, "progress.csv")) as f:
                rows = list(csv.DictReader(f))[1:]
            last = rows[-1]
            whole.append(int(last["env_steps"]) / float(last["wall_seconds"]))
            batch = 8 * 128
            rollout.append(statistics.median(batch / float(r["rollout_seconds"]) for r in rows))
            gflops.append(sum(float(r["update_flops"]) for r in rows) / sum(float(r["update_seconds"]) for r in rows) / 1e9)
            share.append(sum(float(r["update_seconds"]) for r in rows) / float(last["wall_seconds"]))
        obs = {"empty-8": 192, "fourrooms": 507}[layout]
        print(f"| {layout} | {obs} | {statistics.median(whole):,.0f} | {target:,} | {statistics.median(rollout):,.0f} | "
              f"{statistics.median(gflops):.1f} | {statistics.median(share):.0%} |", flush=True)


if __name__ == "__main__":
    main()
