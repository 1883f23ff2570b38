"""Budget forcing on the addition task: a policy trained with one fixed think
budget (`--think-budget 1`) against the default, trained with caps 1-2 drawn per
episode, each evaluated with 0, 1, 2, 4 and 8 think tokens allowed per column.
Also times the default run (`rltrain --env arithmetic --workers 8`).

    python3 Benchmarks/thinking/addition_budget.py --rltrain .build/release/rltrain

Runs go to OUT/runs (default /tmp/rltrain-demos/runs), shared with the
arithmetic demonstration scripts; finished runs are reused.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "arithmetic"))
import common  # noqa: E402

BUDGETS = [0, 1, 2, 4, 8]


def main():
    p = common.parser(__doc__.split("\n\n")[0])
    p.add_argument("--digits", default="3,12", help="evaluation lengths (default 3,12)")
    args = p.parse_args()
    binary = common.rltrain_binary(args)
    lengths = [int(d) for d in args.digits.split(",")]
    policies = [("trained with budget 1 (`--think-budget 1`)", ["--think-budget", "1"]),
                ("trained with caps 1-2 per episode (the default)", [])]
    runs = {name: [common.run(args, binary, flags, s) for s in common.seeds(args)] for name, flags in policies}

    for digits in lengths:
        header = ["policy"] + [f"budget {b}" for b in BUDGETS] + ["think tokens / problem (" + "/".join(map(str, BUDGETS)) + ")"]
        rows = []
        for name, _ in policies:
            accuracy = {b: [] for b in BUDGETS}
            tokens = {b: [] for b in BUDGETS}
            for run_dir in runs[name]:
                for b in BUDGETS:
                    r = common.evaluate(args, binary, run_dir, digits, think_budget=b)
                    accuracy[b].append(float(r["accuracy"]))
                    tokens[b].append(float(r["think_tokens_mean"]))
            token_text = " / ".join(f"{sum(tokens[b]) / len(tokens[b]):.2f}" for b in BUDGETS)
            rows.append([name] + [common.fmt(accuracy[b]) for b in BUDGETS] + [token_text])
        print(f"\n#### {digits}-digit problems: exact match on {args.problems} held-out problems, greedy, "
              f"{len(common.seeds(args))} seeds (mean ± std (min–max))\n")
        print(common.table(header, rows))

    default = runs[policies[1][0]]
    seconds = [common.process_seconds(r) for r in default]
    final = [common.end_of_training(r, 3)["accuracy"] for r in default]
    print("\n#### The default run, `rltrain --env arithmetic --workers 8`\n")
    print(common.table(["", "value"], [
        ["process wall-clock seconds", common.fmt(seconds, kind="num")],
        ["exact match on 500 held-out 3-digit problems, end of training", common.fmt([float(x) for x in final])],
    ]))


if __name__ == "__main__":
    main()
