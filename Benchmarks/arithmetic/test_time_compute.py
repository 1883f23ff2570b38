#!/usr/bin/env python3
"""Demonstration d: test-time compute.

For fixed trained policies, accuracy on held-out problems vs the number of
sampled solutions (majority vote; 1 = greedy, the rest sample from the policy)
and vs the think budget allowed at evaluation (greedy). Two policies per seed:
  warm start only: 300 demos, behaviour cloning, then a single PPO update
                   (--total-timesteps 1024), so there is headroom;
  default run:     300 demos then PPO for 400k env steps (near perfect).
Both trained with think budget 1 on 1-3 digits; evaluated at 12 digits (and
the warm-start-only policy also at 6).

    python3 Benchmarks/arithmetic/test_time_compute.py --rltrain .build/release/rltrain
"""
import common as c

POLICIES = [("warm start only (300 demos + 1 PPO update)", ["--total-timesteps", "1024"], (6, 12)),
            ("default run (300 demos + 400k PPO steps)", [], (12,))]
SAMPLES = (1, 2, 4, 8, 16)
BUDGETS = (0, 1, 2, 3)


def main():
    args = c.parser(__doc__.splitlines()[0]).parse_args()
    binary = c.rltrain_binary(args)
    print("### Test-time compute: exact match on %d held-out problems, %d seeds (mean ± std (min–max))\n"
          % (args.problems, args.seeds))
    rows_s, rows_sa, rows_b = [], [], []
    for label, flags, lengths in POLICIES:
        runs = [c.run(args, binary, flags, seed) for seed in c.seeds(args)]
        for d in lengths:
            name = "%s, %d digits" % (label, d)
            res = {s: [c.evaluate(args, binary, r, d, samples=s) for r in runs] for s in SAMPLES}
            rows_s.append([name] + [c.fmt([x["accuracy"] for x in res[s]]) for s in SAMPLES])
            rows_sa.append([name] + [c.fmt([x["sample_accuracy"] for x in res[s]]) for s in SAMPLES[1:2]])
            resb = {b: [c.evaluate(args, binary, r, d, think_budget=b) for r in runs] for b in BUDGETS}
            rows_b.append([name] + [c.fmt([x["accuracy"] for x in resb[b]]) for b in BUDGETS]
                          + [" / ".join("%.2f" % c.stats([x["think_tokens_mean"] for x in resb[b]])[0] for b in BUDGETS)])
    print("Majority vote over sampled solutions (samples = 1 is the greedy policy):\n")
    print(c.table(["policy, length"] + ["%d sample%s" % (s, "" if s == 1 else "s") for s in SAMPLES], rows_s))
    print("\nAccuracy of a single sampled solution (sample_accuracy; the same for any number of samples):\n")
    print(c.table(["policy, length", "one sampled solution"], rows_sa))
    print("\nThink budget at evaluation (greedy; trained with budget 1):\n")
    print(c.table(["policy, length"] + ["budget %d" % b for b in BUDGETS] + ["think tokens / problem (budget 0/1/2/3)"], rows_b))


if __name__ == "__main__":
    main()
