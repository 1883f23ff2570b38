#!/usr/bin/env python3
"""The language-model policy's learning targets on addition, over seeds, one
run at a time (each run alone on the machine, so its wall clock is its own):

  default  `rltrain --env arithmetic --policy transformer --workers 8`:
           THINK SFT on 8,192 worked examples, then 200 Dr. GRPO steps;
           held-out greedy accuracy after SFT and at the end, wall seconds.
  direct   the same 8,192 examples written DIRECT (`--sft-think-fraction 0`),
           SFT only: what the working buys.
  rl2048   THINK SFT on 2,048 examples, then RL: what RL adds where SFT
           leaves room.

    python3 Benchmarks/language-model/targets.py [--seeds 1,2,3,4,5] [--configs default,direct,rl2048]
                                                 [--runs-dir /tmp/lm-targets] [--rltrain PATH]

Prints one row per run and one summary row per configuration (median and
minimum over seeds of the 3-digit accuracy). Builds rltrain with
`swift build -c release` unless --rltrain names a binary.
"""
import argparse, csv, os, shutil, statistics, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))

CONFIGS = {
    "default": ["--workers", "8"],
    "direct": ["--workers", "8", "--sft-think-fraction", "0", "--sft-only"],
    "rl2048": ["--workers", "8", "--sft-examples", "2048"],
}


def accuracy(run, phase, digits):
    """Greedy held-out accuracy at the phase's last evaluation."""
    with open(os.path.join(run, "eval.csv")) as f:
        rows = [r for r in csv.DictReader(f) if r["phase"] == phase and int(r["digits"]) == digits]
    return float(rows[-1]["accuracy"]) if rows else float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", default="1,2,3,4,5")
    parser.add_argument("--configs", default="default,direct,rl2048")
    parser.add_argument("--runs-dir", default="/tmp/lm-targets")
    parser.add_argument("--rltrain", default=None)
    args = parser.parse_args()
    binary = args.rltrain
    if binary is None:
        subprocess.run(["swift", "build", "-c", "release", "--product", "rltrain"], cwd=REPO, check=True)
        binary = os.path.join(REPO, ".build", "release", "rltrain")
    shutil.rmtree(args.runs_dir, ignore_errors=True)
    seeds = [int(s) for s in args.seeds.split(",")]
    results = {}
    print(f"{'config':8} {'seed':>4} {'SFT 1d':>7} {'SFT 2d':>7} {'SFT 3d':>7} {'end 3d':>7} {'RL gain':>8} {'wall s':>7}")
    for name in args.configs.split(","):
        for seed in seeds:
            run = os.path.join(args.runs_dir, f"{name}-{seed}")
            started = time.monotonic()
            subprocess.run([binary, "--env", "arithmetic", "--policy", "transformer", "--seed", str(seed), "--quiet",
                            "--runs-dir", args.runs_dir, "--run-name", f"{name}-{seed}"] + CONFIGS[name], check=True)
            wall = time.monotonic() - started
            sft = [accuracy(run, "sft", d) for d in (1, 2, 3)]
            end = accuracy(run, "rl", 3) if "--sft-only" not in CONFIGS[name] else float("nan")
            results.setdefault(name, []).append((sft[2], end, wall))
            print(f"{name:8} {seed:>4} {100*sft[0]:7.1f} {100*sft[1]:7.1f} {100*sft[2]:7.1f} {100*end:7.1f} "
                  f"{100*(end-sft[2]):+8.1f} {wall:7.1f}", flush=True)
    print()
    print(f"{'config':8} {'runs':>4} {'SFT 3d median':>14} {'end 3d median':>14} {'end 3d min':>11} {'RL gain min':>12} {'wall median s':>14}")
    for name, rows in results.items():
        sft, end, wall = zip(*rows)
        gains = [e - s for s, e, _ in rows]
        print(f"{name:8} {len(rows):>4} {100*statistics.median(sft):14.1f} {100*statistics.median(end):14.1f} "
              f"{100*min(end):11.1f} {100*min(gains):+12.1f} {statistics.median(wall):14.1f}")


if __name__ == "__main__":
    sys.exit(main())
