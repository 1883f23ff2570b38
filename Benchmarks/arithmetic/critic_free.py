#!/usr/bin/env python3
"""Demonstration f: critic-free RL beside PPO (GRPO, Dr. GRPO, RLOO).

Five parts, 5 seeds each, greedy exact match on 500 held-out 3-digit problems
(the `accuracy` column, measured every --eval-every updates):
  1. pure RL from scratch (--demos 0): PPO vs GRPO vs Dr. GRPO vs RLOO — env
     steps, FLOPs and seconds to 95%, FLOPs per env step;
  2. warm start (300 demos) then RL: PPO vs GRPO;
  3. R1-Zero's curve: pure-RL GRPO with room to think (--think-budget 2) —
     accuracy and think tokens per problem over training;
  4. Dr. GRPO's finding checked: think tokens of wrong vs right training
     episodes under GRPO and Dr. GRPO (from part 1's runs);
  5. process vs outcome reward (GRPO): `digits` (credit per right digit) vs
     `outcome` (all or nothing), from scratch and after the warm start — steps
     to 95% and the fraction of groups left without signal.

Recipes: PPO from scratch is the pure-RL recipe of demonstration e (entropy
0.2, lr 1e-3, 8 envs); the critic-free ones run 8 problems × groups of 8
(64 envs, --num-steps 4: about one round of whole episodes per update),
entropy 0.2 (GRPO) or 0.05 (Dr. GRPO, RLOO, whose unscaled advantages an
entropy of 0.2 would swamp — the prototype's finding), lr 1e-3. All anneal
over 2M env steps. (32 problems per update, the prototype's setting, took
GRPO 0.80–1.00M env steps to 95%; 4 problems, 0.32–0.41M in 4 seeds and
1.64M in the fifth.)

    python3 Benchmarks/arithmetic/critic_free.py --rltrain .build/release/rltrain
"""
import common as c

STEPS = "2000000"
SCRATCH = ["--demos", "0", "--learning-rate", "1e-3", "--total-timesteps", STEPS, "--workers", "2"]
PPO = SCRATCH + ["--ent-coef", "0.2", "--gamma", "1", "--num-envs", "8", "--eval-every", "4"]
GROUPS = ["--group-size", "8", "--num-envs", "64", "--num-steps", "4", "--eval-every", "8"]
ALGOS = {
    "PPO": PPO,
    "GRPO": SCRATCH + ["--algo", "grpo", "--ent-coef", "0.2"] + GROUPS,
    "Dr. GRPO": SCRATCH + ["--algo", "dr-grpo", "--ent-coef", "0.05"] + GROUPS,
    "RLOO": SCRATCH + ["--algo", "rloo", "--ent-coef", "0.05"] + GROUPS,
}
WARM = {
    "PPO": [],
    "GRPO": ["--algo", "grpo", "--num-envs", "64", "--num-steps", "16"],
}
R1_ZERO = ALGOS["GRPO"] + ["--think-budget", "2"]
OUTCOME_SCRATCH = ALGOS["GRPO"] + ["--reward", "outcome"]
OUTCOME_WARM = WARM["GRPO"] + ["--reward", "outcome"]


def first(prog, threshold):
    return c.steps_to(prog, threshold)


def last(prog, column, point):
    """The last measured value of a column at or before `point` env steps."""
    v = [r[column] for r in prog if r["env_steps"] <= point and isinstance(r.get(column), float)]
    return v[-1] if v else None


def mean_over(prog, column, lo, hi):
    """Mean of a column over rows with lo <= env_steps <= hi (None-safe)."""
    v = [r[column] for r in prog if lo <= r["env_steps"] <= hi and isinstance(r.get(column), float)]
    return sum(v) / len(v) if v else None


def main():
    p = c.parser(__doc__.splitlines()[0])
    args = p.parse_args()
    binary = c.rltrain_binary(args)
    seeds = c.seeds(args)

    # 1. Pure RL from scratch.
    print("\n### 1. Pure RL from scratch (--demos 0), 2M env steps\n")
    rows, runs = [], {}
    for name, flags in ALGOS.items():
        reach, steps, flops, secs, per_step, final = 0, [], [], [], [], []
        runs[name] = []
        for seed in seeds:
            run = c.run(args, binary, flags, seed)
            runs[name].append(run)
            prog = c.progress(run)
            hit = first(prog, 0.95)
            final.append(last(prog, "accuracy", 10 ** 12))
            per_step.append(prog[-1]["flops"] / prog[-1]["env_steps"])
            if hit:
                reach += 1
                steps.append(hit[0]); secs.append(hit[1]); flops.append(hit[2])
        rows.append([name, "%d of %d" % (reach, len(seeds)), c.fmt(steps, "steps"), c.fmt(flops, "flops"),
                     c.fmt(secs, "sec"), c.fmt(per_step, "num", 0), c.fmt(final)])
    print(c.table(["algorithm", "reach 95%", "env steps to 95%", "FLOPs to 95%", "seconds to 95%",
                   "FLOPs per env step", "final accuracy"], rows))

    # 2. Warm start, then RL.
    print("\n### 2. Warm start (300 demos) then 400k env steps of RL\n")
    rows = []
    for name, flags in WARM.items():
        before, steps, final, per_step = [], [], [], []
        for seed in seeds:
            run = c.run(args, binary, flags, seed)
            prog = c.progress(run)
            start = prog[0]["accuracy"]
            before.append(start)
            hit = c.steps_to(prog[1:], 0.95, start=start)
            steps.append(hit[0] if hit else None)
            final.append(last(prog, "accuracy", 10 ** 12))
            per_step.append((prog[-1]["flops"] - prog[0]["flops"]) / prog[-1]["env_steps"])
        rows.append([name, c.fmt(before), c.fmt(steps, "steps"), c.fmt(final), c.fmt(per_step, "num", 0)])
    print(c.table(["algorithm", "after the warm start", "env steps to 95%", "final accuracy", "RL FLOPs per env step"], rows))

    # 3. R1-Zero's curve.
    print("\n### 3. R1-Zero: pure-RL GRPO with room to think (--think-budget 2)\n")
    checkpoints = [100_000, 250_000, 500_000, 750_000, 1_000_000, 1_500_000, 2_000_000]
    curves = [c.progress(c.run(args, binary, R1_ZERO, seed)) for seed in seeds]
    rows = []
    for point in checkpoints:
        acc = [last(prog, "accuracy", point) for prog in curves]
        think = [last(prog, "think_tokens_mean", point) for prog in curves]
        episode = [mean_over(prog, "episode_think_tokens", point - 50_000, point) for prog in curves]
        ret = [last(prog, "episodic_return_mean", point) for prog in curves]
        rows.append([c.fmt_steps(point), c.fmt(acc), c.fmt(ret, "num", 3), c.fmt(think, "num", 2), c.fmt(episode, "num", 2)])
    print(c.table(["env steps", "held-out accuracy (3 digits)", "training return", "think tokens / held-out problem",
                   "think tokens / training episode"], rows))

    # 4. Dr. GRPO's finding: length of wrong answers.
    print("\n### 4. Think tokens of wrong vs right training episodes (part 1's runs, second half of training)\n")
    rows = []
    for name in ["GRPO", "Dr. GRPO", "RLOO", "PPO"]:
        wrong, right, gap = [], [], []
        for run in runs[name]:
            prog = c.progress(run)
            w = mean_over(prog, "episode_think_tokens_incorrect", 1_000_000, 2_000_000)
            r = mean_over(prog, "episode_think_tokens_correct", 1_000_000, 2_000_000)
            wrong.append(w); right.append(r)
            gap.append(w - r if w is not None and r is not None else None)
        rows.append([name, c.fmt(wrong, "num", 2), c.fmt(right, "num", 2), c.fmt(gap, "num", 2)])
    print(c.table(["algorithm", "wrong episodes", "right episodes", "wrong − right"], rows))

    # 5. Process vs outcome reward.
    print("\n### 5. Process (digits) vs outcome reward, GRPO\n")
    rows = []
    for label, flags, warm in [("digits, from scratch", ALGOS["GRPO"], False), ("outcome, from scratch", OUTCOME_SCRATCH, False),
                               ("digits, after warm start", WARM["GRPO"], True), ("outcome, after warm start", OUTCOME_WARM, True)]:
        steps, zero, final = [], [], []
        for seed in seeds:
            prog = c.progress(c.run(args, binary, flags, seed))
            start = prog[0]["accuracy"] if warm else None
            hit = c.steps_to(prog[1:], 0.95, start=start)
            steps.append(hit[0] if hit else None)
            zero.append(mean_over(prog, "zero_advantage_groups", 1, 10 ** 12))
            final.append(last(prog, "accuracy", 10 ** 12))
        rows.append([label, c.fmt(steps, "steps"), c.fmt(zero), c.fmt(final)])
    print(c.table(["reward", "env steps to 95%", "groups without signal (mean over training)", "final accuracy"], rows))


if __name__ == "__main__":
    main()
