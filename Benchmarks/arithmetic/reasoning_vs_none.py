#!/usr/bin/env python3
"""Demonstration a: reasoning vs none.

The default run (300 demos, then PPO, 400k env steps, 8 envs on 8 workers)
against the same run with --think-budget 0, each evaluated greedily on held-out
problems at 3, 6 and 12 digits (trained on 1-3). Without think tokens the policy
cannot carry information between columns, so it must guess every carry: its
ceiling is 0.55^D (the chance that no column carries).

    python3 Benchmarks/arithmetic/reasoning_vs_none.py --rltrain .build/release/rltrain
"""
import common as c

DIGITS = (3, 6, 12)


def default_run(args, binary, seed, extra=()):
    name = "default-s%d" % seed if not extra else "%s-s%d" % ("".join(extra).replace("--", "_"), seed)
    return c.train(args, binary, name, ["--workers", "8", "--seed", str(seed)] + list(extra))


def main():
    args = c.parser(__doc__.splitlines()[0]).parse_args()
    binary = c.rltrain_binary(args)
    settings = [("thinking (the default run)", []), ("no thinking (--think-budget 0)", ["--think-budget", "0"])]
    results = {}
    for label, extra in settings:
        for seed in c.seeds(args):
            run = default_run(args, binary, seed, extra)
            for d in DIGITS:
                row = c.evaluate(args, binary, run, d)
                results.setdefault((label, d), []).append(row)
    header = ["setting"] + ["%d digits" % d for d in DIGITS]
    rows = []
    for label, _ in settings:
        rows.append([label] + [c.fmt([r["accuracy"] for r in results[(label, d)]]) for d in DIGITS])
    rows.append(["ceiling without thinking, 0.55^D"] + ["%.2f%%" % (100 * c.no_think_ceiling(d)) for d in DIGITS])
    print("### Reasoning vs none: greedy exact match on %d held-out problems per length, %d seeds "
          "(mean ± std (min–max)); trained on 1–3 digits\n" % (args.problems, args.seeds))
    print(c.table(header, rows))
    print()
    rows = []
    for label, _ in settings:
        rows.append([label] + [c.fmt([r["digit_accuracy"] for r in results[(label, d)]]) for d in DIGITS]
                    + [c.fmt([r["think_tokens_mean"] for r in results[(label, 12)]], "num", 2)])
    print(c.table(["setting"] + ["digit accuracy, %d digits" % d for d in DIGITS] + ["think tokens / 12-digit problem"], rows))


if __name__ == "__main__":
    main()
