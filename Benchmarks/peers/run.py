#!/usr/bin/env python3
"""rltrain against Stable-Baselines3 and a CleanRL ppo.py port on the gridworld:
whole-run env steps/s and env steps to a 0.95 success rate, same config, same
seeds, trainers run alternately.

    python3 Benchmarks/peers/run.py [--layouts empty-8,fourrooms] [--steps 300000,200000]
                                    [--seeds 1,2,3] [--repeats 1] [--trainers rltrain,sb3,cleanrl]

Run it with a Python that has stable-baselines3, gymnasium and torch (see
README.md); rltrain is built with `swift build -c release` unless --rltrain
names a binary. For each layout, seed and repeat the trainers run one after
another (rltrain, SB3, CleanRL, rltrain, ...), each in its own process, so a
slow spell of a shared machine hits all of them.

Per run: env steps/s = env steps / wall seconds of training (the last row of
the run's progress file: interpreter start-up, imports, network and env
construction and the build are not counted); steps to 0.95 = env steps at the
end of the first update after which at least 100 episodes have finished and
the last 100 have a success rate >= 0.95 (rltrain's progress.csv success_rate;
the peers track the same window). Steps are rounded down to whole batches of
8 x 128 so every trainer does the same updates.

Prints per layout the medians over runs per trainer, and the ratios
rltrain/SB3 and rltrain/CleanRL (speed: median of the ratios of runs that ran
back to back; steps: ratio of the medians). Writes every run to runs.csv.
"""
import argparse, csv, math, os, re, statistics, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
BATCH = 8 * 128
TRAINERS = ("rltrain", "sb3", "cleanrl")
NAMES = {"rltrain": "rltrain", "sb3": "SB3", "cleanrl": "CleanRL"}
DEFAULT_STEPS = {"empty-8": 300_000, "fourrooms": 200_000}
# The standard config, spelled out so that a change of rltrain's defaults cannot
# change the comparison silently.
RLTRAIN_STANDARD = ["--hidden", "64,64", "--activation", "tanh", "--num-envs", "8", "--workers", "1",
                    "--num-steps", "128", "--num-minibatches", "4", "--update-epochs", "4",
                    "--learning-rate", "2.5e-4", "--anneal-lr", "true", "--gamma", "0.99", "--gae-lambda", "0.95",
                    "--clip-coef", "0.2", "--clip-vloss", "true", "--norm-adv", "true", "--ent-coef", "0.01",
                    "--vf-coef", "0.5", "--max-grad-norm", "0.5"]
COLUMNS = ["layout", "trainer", "seed", "repeat", "env_steps", "wall_seconds", "sps", "steps_to_threshold",
           "threshold", "episodes", "final_success_rate", "process_seconds", "blas", "progress"]


def fail(message):
    """Bad input: one line on stderr, exit 2."""
    sys.stderr.write(f"run.py: {message}\n")
    sys.exit(2)


def parse_list(text, kind=str):
    try:
        return [kind(x) for x in text.split(",") if x]
    except ValueError:
        fail(f"not a comma-separated list of {kind.__name__}: {text}")


def rltrain_binary(options):
    if options.rltrain:
        return options.rltrain
    subprocess.run(["swift", "build", "-c", "release", "--product", "rltrain"], cwd=REPO, check=True)
    return os.path.join(REPO, ".build", "release", "rltrain")


def command(trainer, binary, python, layout, steps, seed, directory):
    if trainer == "rltrain":
        return [binary, "--env", "gridworld", "--layout", layout, "--total-timesteps", str(steps), "--seed", str(seed),
                *RLTRAIN_STANDARD, "--runs-dir", os.path.dirname(directory), "--run-name", os.path.basename(directory)]
    script = os.path.join(HERE, {"sb3": "sb3_ppo.py", "cleanrl": "cleanrl_ppo.py"}[trainer])
    return [python, script, "--layout", layout, "--total-timesteps", str(steps), "--seed", str(seed),
            "--progress", os.path.join(directory, "progress.csv")]


def read_progress(path, threshold):
    """env_steps, wall_seconds, steps to the threshold (None if never), episodes and
    final success rate, from a progress file (rltrain's or progress.py's)."""
    with open(path) as f:
        rows = [r for r in csv.DictReader(f) if int(r["update"]) > 0]
    if not rows:
        raise RuntimeError(f"{path}: no update rows")
    reached = next((int(r["env_steps"]) for r in rows
                    if int(r["episodes"]) >= 100 and r["success_rate"] and float(r["success_rate"]) >= threshold), None)
    last = rows[-1]
    return (int(last["env_steps"]), float(last["wall_seconds"]), reached, int(last["episodes"]),
            float(last["success_rate"]) if last["success_rate"] else math.nan)


def run_one(trainer, options, binary, layout, steps, seed, repeat):
    directory = os.path.join(options.out, f"{layout}-{trainer}-seed{seed}-r{repeat}")
    os.makedirs(directory, exist_ok=True)
    environment = dict(os.environ)
    if trainer != "rltrain":
        environment.update(OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    pin = (lambda: os.sched_setaffinity(0, {options.cpu})) if options.cpu is not None else None
    started = time.perf_counter()
    done = subprocess.run(command(trainer, binary, options.python, layout, steps, seed, directory),
                          env=environment, preexec_fn=pin, capture_output=True, text=True)
    process_seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise RuntimeError(f"{trainer} on {layout} seed {seed} failed (exit {done.returncode})")
    blas = ""
    if trainer == "rltrain":
        match = re.search(r"BLAS: (.*?) · run directory", done.stdout)
        blas = match.group(1) if match else ""
    progress = os.path.join(directory, "progress.csv")
    env_steps, wall, reached, episodes, final = read_progress(progress, options.threshold)
    return {"layout": layout, "trainer": trainer, "seed": seed, "repeat": repeat, "env_steps": env_steps,
            "wall_seconds": round(wall, 3), "sps": round(env_steps / wall, 1),
            "steps_to_threshold": "" if reached is None else reached, "threshold": options.threshold,
            "episodes": episodes, "final_success_rate": round(final, 4), "process_seconds": round(process_seconds, 3),
            "blas": blas, "progress": progress}


def median_steps(values):
    """Median with runs that never reached the threshold counted as infinitely late."""
    return statistics.median([math.inf if v == "" else v for v in values]) if values else math.nan


def show_steps(value):
    return "not reached" if value == math.inf else "–" if math.isnan(value) else f"{value:,.0f}"


def report(rows, layouts, trainers, threshold):
    for layout in layouts:
        mine = [r for r in rows if r["layout"] == layout]
        if not mine:
            continue
        steps = mine[0]["env_steps"]
        print(f"\n### {layout} ({steps:,} env steps per run, threshold {threshold})\n")
        print(f"| trainer | runs | env steps/s (median) | steps to {threshold} (median) | runs reaching it |")
        print("|---|---:|---:|---:|---:|")
        sps, reach = {}, {}
        for trainer in trainers:
            runs = [r for r in mine if r["trainer"] == trainer]
            if not runs:
                continue
            sps[trainer] = statistics.median(r["sps"] for r in runs)
            reach[trainer] = median_steps([r["steps_to_threshold"] for r in runs])
            reached = sum(r["steps_to_threshold"] != "" for r in runs)
            print(f"| {NAMES[trainer]} | {len(runs)} | {sps[trainer]:,.0f} | {show_steps(reach[trainer])} | "
                  f"{reached}/{len(runs)} |")
        if "rltrain" not in sps:
            continue
        for peer in trainers:
            if peer == "rltrain" or peer not in sps:
                continue
            # Speed: the ratio within each (seed, repeat) group, which ran back to back.
            paired = {(r["seed"], r["repeat"]): r["sps"] for r in mine if r["trainer"] == peer}
            ratios = [r["sps"] / paired[(r["seed"], r["repeat"])] for r in mine
                      if r["trainer"] == "rltrain" and (r["seed"], r["repeat"]) in paired]
            speed = f"{statistics.median(ratios):.2f}x" if ratios else "–"
            a, b = reach["rltrain"], reach[peer]
            if math.isfinite(a) and math.isfinite(b):
                sample = f"{a / b:.2f}"
            else:
                sample = {(True, False): "< 1 (only rltrain's median reached it)",
                          (False, True): f"> 1 (only {NAMES[peer]}'s median reached it)"}.get(
                              (math.isfinite(a), math.isfinite(b)), "– (neither median reached it)")
            print(f"\nrltrain/{NAMES[peer]}: env steps/s {speed} (median of {len(ratios)} back-to-back pair(s)); "
                  f"steps to {threshold} {sample} (ratio of medians; below 1 = rltrain needs fewer)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--layouts", default="empty-8,fourrooms")
    parser.add_argument("--steps", help="env steps per run: one number, or one per layout "
                                        "(default 300000 for empty-8, 200000 for fourrooms, else 200000)")
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--repeats", type=int, default=1, help="runs per seed and trainer")
    parser.add_argument("--trainers", default=",".join(TRAINERS))
    parser.add_argument("--threshold", type=float, default=0.95, help="100-episode success rate to reach")
    parser.add_argument("--rltrain", help="built rltrain binary (default: swift build -c release)")
    parser.add_argument("--python", default=sys.executable, help="Python for the peers (default: this one)")
    parser.add_argument("--cpu", type=int, help="pin every trainer to this one CPU (default: no pinning)")
    parser.add_argument("--out", default=os.path.join("/tmp", f"rltrain-peers-{time.strftime('%Y%m%d-%H%M%S')}"),
                        help="directory for the runs and runs.csv")
    options = parser.parse_args()

    layouts = parse_list(options.layouts)
    trainers = parse_list(options.trainers)
    seeds = parse_list(options.seeds, int)
    for layout in layouts:
        size = re.fullmatch(r"empty-(\d+)", layout)
        if layout != "fourrooms" and not (size and 4 <= int(size.group(1)) <= 64):
            fail(f"unknown layout {layout} (valid: fourrooms, empty-N for 4 <= N <= 64)")
    unknown = [t for t in trainers if t not in TRAINERS]
    if unknown or not trainers:
        fail(f"unknown trainer(s) {', '.join(unknown)}; valid: {', '.join(TRAINERS)}")
    if options.steps:
        steps = parse_list(options.steps, int)
        if len(steps) == 1:
            steps *= len(layouts)
        if len(steps) != len(layouts):
            fail("--steps takes one number or one per layout")
    else:
        steps = [DEFAULT_STEPS.get(layout, 200_000) for layout in layouts]
    steps = [s // BATCH * BATCH for s in steps]
    if min(steps) < BATCH or not seeds or options.repeats < 1:
        fail(f"need at least {BATCH} steps, one seed and one repeat")

    binary = rltrain_binary(options) if "rltrain" in trainers else None
    os.makedirs(options.out, exist_ok=True)
    table = os.path.join(options.out, "runs.csv")
    rows = []
    with open(table, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        for layout, layout_steps in zip(layouts, steps):
            for seed in seeds:
                for repeat in range(options.repeats):
                    for trainer in trainers:
                        row = run_one(trainer, options, binary, layout, layout_steps, seed, repeat)
                        rows.append(row)
                        writer.writerow(row)
                        f.flush()
                        print(f"{layout} seed {seed} repeat {repeat} {NAMES[trainer]:8s} {row['sps']:>9,.0f} steps/s  "
                              f"to {options.threshold}: {row['steps_to_threshold'] or 'not reached':>8}  "
                              f"final success {row['final_success_rate']:.3f}", flush=True)
    report(rows, layouts, trainers, options.threshold)
    print(f"\nevery run: {table}")


if __name__ == "__main__":
    main()
