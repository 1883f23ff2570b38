#!/usr/bin/env python3
"""Demonstration e: thinking emerges from pure RL.

No demonstrations (--demos 0), 8 envs (on 2 worker threads), 2M env steps, γ 1,
with three exploration strengths:
  strong:   --ent-coef 0.1  --learning-rate 1e-3   (the recipe from the prototype notes)
  stronger: --ent-coef 0.2  --learning-rate 1e-3
  CleanRL: --ent-coef 0.01 --learning-rate 2.5e-4 (CleanRL's PPO defaults)
Reported per seed: env steps / PPO seconds / FLOPs to 90% and 95% greedy exact
match on 500 held-out 3-digit problems, the note code the policy invented
(think rate in carrying vs other columns), think tokens per problem, accuracy
at 1, 3, 6 and 12 digits at the end; and the cost against the warm-started
default run (300 demos, 400k steps, 8 envs on 8 workers).

    python3 Benchmarks/arithmetic/pure_rl.py --rltrain .build/release/rltrain
"""
import common as c

BASE = ["--demos", "0", "--gamma", "1", "--total-timesteps", "2000000", "--num-envs", "8", "--workers", "2"]
STRONG = ["--demos", "0", "--ent-coef", "0.1", "--learning-rate", "1e-3", "--gamma", "1",
          "--total-timesteps", "2000000", "--num-envs", "8", "--workers", "2"]
STRONGER = ["--demos", "0", "--ent-coef", "0.2", "--learning-rate", "1e-3", "--gamma", "1",
            "--total-timesteps", "2000000", "--num-envs", "8", "--workers", "2"]
CLEANRL = ["--demos", "0", "--ent-coef", "0.01", "--learning-rate", "2.5e-4", "--gamma", "1",
           "--total-timesteps", "2000000", "--num-envs", "8", "--workers", "2"]
CHECKPOINTS = (250_000, 500_000, 1_000_000, 1_500_000, 2_000_000)


def code(p):
    """Name the note code from the trace-based think pattern."""
    carry, plain, out = p["carry"], p["plain"], p["carry-out"]
    if carry > 0.9 and plain < 0.1:
        name = "note where the column carries"
    elif carry < 0.1 and plain > 0.9:
        name = "inverted: note where it does not carry"
    elif carry < 0.1 and plain < 0.1:
        name = "no notes"
    else:
        name = "mixed"
    if out > 0.1:
        name += " (+ a useless note in the carry-out column in %.0f%%)" % (100 * out)
    return name


def at(prog, steps, col):
    rows = [r for r in prog if r["env_steps"] <= steps]
    return rows[-1][col] if rows else None


def main():
    p = c.parser(__doc__.splitlines()[0])
    p.add_argument("--cleanrl-seeds", type=int, default=None, help="seeds for the CleanRL-defaults runs (default: --seeds)")
    args = p.parse_args()
    binary = c.rltrain_binary(args)

    # The warm-started reference: the default run.
    ref = {"steps90": [], "steps": [], "secs": [], "flops": [], "proc": []}
    for seed in c.seeds(args):
        run = c.run(args, binary, [], seed)
        prog = c.progress(run)
        hit = c.steps_to(prog, 0.95, start=c.log_accuracy(run, "warm start"))
        hit90 = c.steps_to(prog, 0.9, start=c.log_accuracy(run, "warm start"))
        ref["steps90"].append(hit90[0] if hit90 else None)
        ref["steps"].append(hit[0] if hit else None)
        ref["secs"].append(hit[1] if hit else None)
        ref["flops"].append(hit[2] if hit else None)
        ref["proc"].append(c.process_seconds(run))
        # The same warm start with a single PPO update: its process time is
        # ~ the warm start's cost in seconds (plus start-up and final evals).
        ref.setdefault("bc_proc", []).append(c.process_seconds(c.run(args, binary, ["--total-timesteps", "1024"], seed)))

    recipes = [("strong exploration (ent 0.1, lr 1e-3)", STRONG, c.seeds(args)),
               ("stronger entropy (ent 0.2, lr 1e-3)", STRONGER, c.seeds(args)),
               ("CleanRL defaults (ent 0.01, lr 2.5e-4)", CLEANRL,
                list(range(1, (args.cleanrl_seeds or args.seeds) + 1)))]
    summary, curves, ppo_total = [], [], []
    for label, flags, seeds in recipes:
        rows = []
        agg = {k: [] for k in ("s90", "s95", "t95", "f95", "a1", "a3", "a6", "a12", "d1", "d3", "tok", "carry", "plain")}
        curve = {s: [] for s in CHECKPOINTS}
        ent = {s: [] for s in CHECKPOINTS}
        cols, tables = [], []
        for seed in seeds:
            run = c.run(args, binary, flags, seed)
            prog = c.progress(run)
            if flags is STRONG:
                ppo_total.append(prog[-1]["wall_seconds"])
            h90, h95 = c.steps_to(prog, 0.9), c.steps_to(prog, 0.95)
            e = {d: c.end_of_training(run, d) for d in (1, 3, 6, 12)}
            vals = dict(s90=h90[0] if h90 else None, s95=h95[0] if h95 else None,
                        t95=h95[1] if h95 else None, f95=h95[2] if h95 else None,
                        a1=e[1]["accuracy"], a3=e[3]["accuracy"], a6=e[6]["accuracy"], a12=e[12]["accuracy"],
                        d1=e[1]["digit_accuracy"], d3=e[3]["digit_accuracy"], tok=e[3]["think_tokens_mean"],
                        carry=e[3]["carry_think_rate"], plain=e[3]["plain_think_rate"])
            for k, v in vals.items():
                agg[k].append(v)
            for s in CHECKPOINTS:
                curve[s].append(at(prog, s, "accuracy"))
                ent[s].append(at(prog, s, "entropy"))
            pct = lambda x: "%.1f%%" % (100 * x) if x is not None else "—"
            stp = lambda x: c.fmt_steps(x) if x is not None else "never"
            tr = c.traces(args, binary, run, 3)
            pat = c.think_pattern(tr)
            rows.append([seed, stp(vals["s90"]), stp(vals["s95"]),
                         "%.1f s" % vals["t95"] if vals["t95"] is not None else "—",
                         pct(vals["a1"]), pct(vals["a3"]), pct(vals["a6"]), pct(vals["a12"]),
                         "%s / %s" % (pct(vals["d1"]), pct(vals["d3"])),
                         "%.2f" % vals["tok"], "%s / %s" % (pct(vals["carry"]), pct(vals["plain"])),
                         "%s / %s / %s" % (pct(pat["carry"]), pct(pat["plain"]), pct(pat["carry-out"])),
                         code(pat), "carry: %s; other: %s" % (pat["carry symbols"], pat["plain symbols"])])
            cols.append(c.column_accuracy(tr))
            table_right, pairs = c.addition_table(tr)
            tables.append(table_right)
            rows[-1].insert(4, "%d/%d" % (round(table_right * pairs), pairs))
        print("### Pure RL, %s: per seed (greedy, 500 held-out problems per length; trained on 1–3 digits, 2M env steps)\n" % label)
        print(c.table(["seed", "steps to 90%", "steps to 95%", "PPO s to 95%", "addition table right (column 0)", "acc 1 digit", "acc 3", "acc 6", "acc 12",
                       "digit acc 1 / 3 digits", "think tokens / 3-digit problem",
                       "think rate carry / other cols (rltrain, 500 problems)",
                       "notes in carrying / non-carrying / carry-out cols (traces)", "note code", "symbols used"], rows))
        print("\nPer-column greedy accuracy on %d held-out 3-digit problems (column 0 = units; column 3 = carry-out), "
              "mean ± std (min–max) over seeds:\n" % args.problems)
        print(c.table(["column 0", "column 1", "column 2", "column 3 (carry-out)", "addition-table entries right"],
                      [[c.fmt([x[i] for x in cols]) for i in range(4)] + [c.fmt(tables)]]))
        print()
        summary.append([label, c.fmt(agg["s90"], "steps"), c.fmt(agg["s95"], "steps"), c.fmt(agg["t95"], "sec"),
                        c.fmt(agg["f95"], "flops"), c.fmt(agg["a3"]), c.fmt(agg["a12"])])
        curves.append([label] + [c.fmt(curve[s]) for s in CHECKPOINTS])
        curves.append([label + ": policy entropy"] + [c.fmt(ent[s], "num", 2) for s in CHECKPOINTS])
    summary.append(["warm start (300 demos, default run, 8 workers)", c.fmt(ref["steps90"], "steps"), c.fmt(ref["steps"], "steps"),
                    c.fmt(ref["secs"], "sec"), c.fmt(ref["flops"], "flops"), "", ""])
    print("### Cost: pure RL vs warm start, mean ± std (min–max) over seeds\n")
    print(c.table(["setting", "env steps to 90%", "env steps to 95%", "PPO seconds to 95%",
                   "FLOPs to 95% (incl. warm start)", "final acc, 3 digits", "final acc, 12 digits"], summary))
    print("\n0 env steps = the warm start alone reached the threshold. PPO seconds = progress.csv's wall_seconds "
          "(PPO only: the warm start's time is not recorded there); FLOPs include the warm start.")
    print("\nWhole warm-started default run (process wall time, 400k steps incl. warm start and final evals): %s"
          % c.fmt(ref["proc"], "sec"))
    print("Warm start alone (same command with --total-timesteps 1024: warm start, 1 PPO update, final evals), "
          "process wall time: %s" % c.fmt(ref["bc_proc"], "sec"))
    print("Pure RL, strong recipe: PPO seconds for all 2M steps: %s"
          % c.fmt(ppo_total, "sec"))
    print("\n### Learning curves: greedy exact match on 3 digits at env steps\n")
    print(c.table(["setting"] + [c.fmt_steps(s) for s in CHECKPOINTS], curves))


if __name__ == "__main__":
    main()
