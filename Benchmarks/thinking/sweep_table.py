"""Tables of a multiplication sweep's evaluations, from its sweep-eval.csv.

    python3 Benchmarks/thinking/sweep_table.py sweeps/test-time-compute
    python3 Benchmarks/thinking/sweep_table.py sweeps/think-cost

For every point: accuracy (and marks per problem) at each evaluated cap on
each evaluated problem set, beside the ideal reasoner, mean ± std (min–max)
over seeds; then, for the `end of training` rows, accuracy and marks by
multiplier and by length.
"""

import csv
import os
import statistics
import sys
from collections import OrderedDict, defaultdict


def fmt(values, pct=True):
    if not values:
        return "–"
    scale = 100 if pct else 1
    mean = statistics.mean(values) * scale
    std = statistics.stdev(values) * scale if len(values) > 1 else 0
    digits = 1 if pct else 2
    return f"{mean:.{digits}f}{'%' if pct else ''} ± {std:.{digits}f} ({min(values) * scale:.{digits}f}–{max(values) * scale:.{digits}f})"


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    with open(os.path.join(sys.argv[1], "sweep-eval.csv")) as f:
        rows = list(csv.DictReader(f))
    points = OrderedDict()
    for r in rows:
        points.setdefault(r["point"], []).append(r)
    for point, prows in points.items():
        seeds = sorted({r["seed"] for r in prows})
        flops = [float(r["train_flops"]) for r in prows if r["stage"] == "eval" and r["train_flops"]]
        print(f"\n### {point} ({len(seeds)} seeds" + (f", training FLOPs {statistics.mean(flops):.3g}" if flops else "") + ")\n")
        evals = defaultdict(list)
        for r in prows:
            if r["stage"] == "eval":
                evals[(int(r["digits"]), r["multiplier"], int(r["think_budget"]))].append(r)
        for digits, multiplier in sorted({(d, m) for d, m, _ in evals}):
            caps = sorted(b for d, m, b in evals if (d, m) == (digits, multiplier))
            print(f"{digits}-digit problems, multipliers {multiplier}:\n")
            print("| cap | accuracy | ideal reasoner | marks per problem | ideal marks |")
            print("|---:|---|---|---|---|")
            for cap in caps:
                rs = evals[(digits, multiplier, cap)]
                col = lambda k: [float(r[k]) for r in rs]
                print(f"| {cap} | {fmt(col('accuracy'))} | {fmt(col('ideal_accuracy'))} | "
                      f"{fmt(col('think_tokens_mean'), pct=False)} | {fmt(col('ideal_think_tokens_mean'), pct=False)} |")
            print()
        ends = defaultdict(list)
        for r in prows:
            if r["stage"] == "end of training":
                ends[(int(r["digits"]), r["multiplier"], int(r["think_budget"]))].append(r)
        if ends:
            print("End of training (500 problems each):\n")
            print("| digits | multipliers | cap | accuracy | ideal reasoner | marks per problem | ideal marks |")
            print("|---:|---|---:|---|---|---|---|")
            for (digits, multiplier, cap), rs in sorted(ends.items(), key=lambda kv: (kv[0][0], "-" not in kv[0][1], kv[0][1], kv[0][2])):
                col = lambda k: [float(r[k]) for r in rs]
                print(f"| {digits} | {multiplier} | {cap} | {fmt(col('accuracy'))} | {fmt(col('ideal_accuracy'))} | "
                      f"{fmt(col('think_tokens_mean'), pct=False)} | {fmt(col('ideal_think_tokens_mean'), pct=False)} |")


if __name__ == "__main__":
    main()
