#!/usr/bin/env python3
"""Demonstration b: supervised first, then RL.

RL from scratch (--demos 0, otherwise the default run: CleanRL's PPO settings,
400k env steps) vs demos alone (behaviour cloning, before any PPO update) vs
demos then RL, for 30, 100 and 300 demos (300 is the default run). Accuracy is
greedy exact match on 500 held-out 3-digit problems (the longest trained
length), as recorded in progress.csv; the BC-alone accuracy is the one printed
after the warm start (progress.csv starts after the first PPO update).

    python3 Benchmarks/arithmetic/warm_start.py --rltrain .build/release/rltrain
"""
import common as c

SETTINGS = [("RL from scratch (0 demos)", ["--demos", "0"]),
            ("30 demos", ["--demos", "30"]),
            ("100 demos", ["--demos", "100"]),
            ("300 demos (default)", [])]


def main():
    p = c.parser(__doc__.splitlines()[0])
    p.add_argument("--threshold", type=float, default=0.9)
    p.add_argument("--long-steps", type=int, default=0,
                   help="also train 30 and 100 demos for this many env steps (e.g. 1500000)")
    p.add_argument("--strong-steps", type=int, default=0,
                   help="also 30, 100 and 300 demos followed by PPO with pure RL's strong exploration "
                        "(--ent-coef 0.2 --learning-rate 1e-3, 8 envs on 2 workers) for this many env steps")
    args = p.parse_args()
    binary = c.rltrain_binary(args)
    settings = list(SETTINGS)
    if args.long_steps:
        for n in (30, 100):
            settings.append(("%d demos, PPO for %s steps" % (n, c.fmt_steps(args.long_steps)),
                             ["--demos", str(n), "--total-timesteps", str(args.long_steps)]))
    if args.strong_steps:
        for n in (30, 100, 300):
            settings.append(("%d demos, PPO with ent 0.2, lr 1e-3, %s steps" % (n, c.fmt_steps(args.strong_steps)),
                             ["--demos", str(n), "--ent-coef", "0.2", "--learning-rate", "1e-3",
                              "--total-timesteps", str(args.strong_steps), "--num-envs", "8", "--workers", "2"]))
    rows, rows2 = [], []
    for label, flags in settings:
        bc, final, reach, reach95, best, secs, flops = [], [], [], [], [], [], []
        for seed in c.seeds(args):
            run = c.run(args, binary, flags, seed)
            prog = c.progress(run)
            start = c.log_accuracy(run, "warm start")
            bc.append(start)
            final.append(prog[-1]["accuracy"])
            best.append(max(r["accuracy"] for r in prog))
            hit = c.steps_to(prog, args.threshold, start=start)
            hit95 = c.steps_to(prog, 0.95, start=start)
            reach.append(hit[0] if hit else None)
            secs.append(hit[1] if hit else None)
            flops.append(hit[2] if hit else None)
            reach95.append(hit95[0] if hit95 else None)
        rows.append([label, c.fmt(bc) if any(x is not None for x in bc) else "— (no warm start)",
                     c.fmt(final), c.fmt(reach, "steps"), c.fmt(reach95, "steps")])
        rows2.append([label, c.fmt(best), c.fmt(secs, "sec"), c.fmt(flops, "flops")])
    print("### Supervised first, then RL: greedy exact match on 500 held-out 3-digit problems, "
          "%d seeds (mean ± std (min–max)); PPO for 400k env steps unless stated, 8 envs on 8 workers\n" % args.seeds)
    print(c.table(["setting", "demos alone (BC, before PPO)", "demos then RL (at the end)",
                   "env steps to %d%%" % round(100 * args.threshold), "env steps to 95%"], rows))
    print()
    print(c.table(["setting", "best accuracy during PPO", "PPO seconds to %d%%" % round(100 * args.threshold),
                   "FLOPs to %d%% (incl. warm start)" % round(100 * args.threshold)], rows2))
    print("\n0 env steps = the warm start alone already reached the threshold. PPO seconds = progress.csv's "
          "wall_seconds (PPO only); FLOPs include the warm start.")


if __name__ == "__main__":
    main()
