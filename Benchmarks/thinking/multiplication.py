"""The default multiplication run over seeds, and what it does beyond training.

    python3 Benchmarks/thinking/multiplication.py --rltrain .build/release/rltrain

Trains `rltrain --env multiplication --workers 8 --seed S` (the default recipe)
and the same with `--multiplier 1-6`, then evaluates with `rltrain eval`:
the default policy at its trained cap (16 marks per column), above it (32, 64)
and below it, on 3-digit problems (every multiplier, and 9 alone) and on
longer ones (6 and 12 digits: beyond training); the 1-6 policy on the
multipliers it never saw (7, 8, 9). Prints markdown tables of mean ± std
(min–max) over seeds. Runs go to OUT/runs (default /tmp/rltrain-thinking).
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "arithmetic"))
from common import fmt, table, rltrain_binary  # noqa: E402


def train(args, binary, name, flags, seed):
    root = os.path.join(os.path.abspath(args.out), "runs")
    os.makedirs(root, exist_ok=True)
    run_dir = os.path.join(root, f"{name}-s{seed}")
    evals = os.path.join(run_dir, "eval.csv")
    if os.path.exists(evals) and "end of training" in open(evals).read():
        return run_dir
    subprocess.run(["rm", "-rf", run_dir], check=True)
    cmd = [binary, "--env", "multiplication", "--workers", "8", "--seed", str(seed), "--runs-dir", root,
           "--run-name", os.path.basename(run_dir)] + flags
    start = time.time()
    with open(run_dir + ".log", "w") as log:
        subprocess.run(cmd, stdout=log, check=True)
    with open(run_dir + ".time.json", "w") as f:
        json.dump({"process_seconds": time.time() - start, "command": cmd}, f)
    return run_dir


def rows(run_dir):
    with open(os.path.join(run_dir, "eval.csv")) as f:
        return list(csv.DictReader(f))


def evaluate(args, binary, run_dir, digits, multiplier, cap):
    def match():
        for r in rows(run_dir):
            if (r["stage"] == "eval" and int(r["digits"]) == digits and r["multiplier"] == multiplier
                    and int(r["think_budget"]) == cap and int(r["problems"]) == args.problems):
                return r
        return None
    if match() is None:
        subprocess.run([binary, "eval", run_dir, "--digits", str(digits), "--multiplier", multiplier,
                        "--think-budget", str(cap), "--problems", str(args.problems)], stdout=subprocess.DEVNULL, check=True)
    return match()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rltrain")
    p.add_argument("--seeds", type=int, default=5)
    p.add_argument("--out", default="/tmp/rltrain-thinking")
    p.add_argument("--problems", type=int, default=1000)
    args = p.parse_args()
    binary = rltrain_binary(args)
    seeds = range(1, args.seeds + 1)
    default = [train(args, binary, "default", [], s) for s in seeds]
    narrow = [train(args, binary, "multiplier1-6", ["--multiplier", "1-6"], s) for s in seeds]

    def cell(runs, digits, multiplier, cap, key="accuracy"):
        return fmt([float(evaluate(args, binary, r, digits, multiplier, cap)[key]) for r in runs],
                   kind="pct" if "accuracy" in key else "num", digits=1 if "accuracy" in key else 2)

    print(f"\n#### The default run: exact match on {args.problems} held-out 3-digit problems by cap, greedy, "
          f"{args.seeds} seeds (trained with caps 0-16 drawn per episode)\n")
    caps = [0, 1, 2, 4, 8, 16, 32, 64]
    out = []
    for multiplier in ["1-9", "9"]:
        out.append([f"policy, multipliers {multiplier}"] + [cell(default, 3, multiplier, c) for c in caps])
        out.append([f"ideal reasoner, multipliers {multiplier}"] + [cell(default, 3, multiplier, c, "ideal_accuracy") for c in caps])
        out.append([f"marks per problem, multipliers {multiplier}"] + [cell(default, 3, multiplier, c, "think_tokens_mean") for c in caps])
    print(table(["", *[f"cap {c}" for c in caps]], out))

    print(f"\n#### Beyond the trained length (trained on 1-3 digits; cap 16, every multiplier)\n")
    out = []
    for digits in [3, 6, 12]:
        out.append([f"{digits} digits", cell(default, digits, "1-9", 16), cell(default, digits, "1-9", 16, "ideal_accuracy"),
                    cell(default, digits, "1-9", 16, "digit_accuracy"), cell(default, digits, "1-9", 16, "think_tokens_mean")])
    print(table(["length", "accuracy", "ideal reasoner", "digit accuracy", "marks per problem"], out))

    print(f"\n#### Beyond the trained difficulty: trained with `--multiplier 1-6`, 3 digits, cap 16\n")
    out = []
    for multiplier in ["1-6", "7", "8", "9"]:
        out.append([f"multipliers {multiplier}", cell(narrow, 3, multiplier, 16), cell(narrow, 3, multiplier, 16, "digit_accuracy"),
                    cell(narrow, 3, multiplier, 16, "think_tokens_mean"), cell(narrow, 3, multiplier, 16, "ideal_think_tokens_mean")])
    print(table(["multipliers", "accuracy", "digit accuracy", "marks per problem", "ideal marks"], out))

    seconds = []
    for r in default:
        with open(r + ".time.json") as f:
            seconds.append(json.load(f)["process_seconds"])
    print("\n#### The default run's wall-clock seconds (process, build done): " + fmt(seconds, kind="sec"))


if __name__ == "__main__":
    main()
