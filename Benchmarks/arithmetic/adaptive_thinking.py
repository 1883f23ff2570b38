#!/usr/bin/env python3
"""Demonstration c: adaptive thinking.

The default run (300 demos whose notes sit only in carrying columns, then PPO)
with a think cost per think token of 0, 0.01, 0.05, 0.2, 0.3 and 1, and optionally
(--pure-rl) the pure-RL exploration recipe with and without a think cost, where
no demonstration tells the policy where to think. Reported from the greedy
evaluation at the end of training (500 held-out problems): the fraction of
carrying columns with a think token vs the fraction of the other columns (these
include the carry-out column, where a note is useless), think tokens per
problem, and accuracy.

    python3 Benchmarks/arithmetic/adaptive_thinking.py --rltrain .build/release/rltrain [--pure-rl]
"""
import common as c

PURE = ["--demos", "0", "--ent-coef", "0.1", "--learning-rate", "1e-3", "--gamma", "1",
        "--total-timesteps", "2000000", "--num-envs", "8", "--workers", "2"]


def main():
    p = c.parser(__doc__.splitlines()[0])
    p.add_argument("--costs", default="0,0.01,0.05,0.2,0.3,1")
    p.add_argument("--pure-rl", action="store_true", help="also the pure-RL recipe at cost 0 and 0.01 (2M steps each)")
    args = p.parse_args()
    binary = c.rltrain_binary(args)
    settings = []
    for cost in args.costs.split(","):
        flags = [] if float(cost) == 0 else ["--think-cost", cost]
        settings.append(("300 demos + PPO, think cost %s" % cost, flags))
    if args.pure_rl:
        settings.append(("pure RL (no demos), think cost 0", PURE))
        settings.append(("pure RL (no demos), think cost 0.01", PURE + ["--think-cost", "0.01"]))
    for d in (3, 12):
        rows = []
        for label, flags in settings:
            acc, carry, plain, tokens = [], [], [], []
            for seed in c.seeds(args):
                run = c.run(args, binary, flags, seed)
                r = c.end_of_training(run, d)
                acc.append(r["accuracy"])
                carry.append(r["carry_think_rate"])
                plain.append(r["plain_think_rate"])
                tokens.append(r["think_tokens_mean"])
            rows.append([label, c.fmt(carry), c.fmt(plain), c.fmt(tokens, "num", 2), c.fmt(acc)])
        print("### Adaptive thinking, %d-digit held-out problems (greedy, 500 problems), %d seeds "
              "(mean ± std (min–max))\n" % (d, args.seeds))
        print(c.table(["setting", "think rate, carrying columns", "think rate, other columns",
                       "think tokens / problem", "accuracy"], rows))
        print()
    rows = []
    for label, flags in settings:
        pats = [c.think_pattern(c.traces(args, binary, c.run(args, binary, flags, seed), 3)) for seed in c.seeds(args)]
        rows.append([label] + [c.fmt([p[k] for p in pats]) for k in ("carry", "plain", "carry-out")])
    print("### Where the notes go (greedy traces of %d held-out 3-digit problems; rltrain's 'other columns' "
          "lumps non-carrying operand columns with the carry-out column)\n" % args.problems)
    print(c.table(["setting", "carrying columns", "non-carrying operand columns", "carry-out column"], rows))


if __name__ == "__main__":
    main()
