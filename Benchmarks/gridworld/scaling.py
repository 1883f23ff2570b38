#!/usr/bin/env python3
"""How training throughput grows with the map and the network: whole-run env
steps/s of the standard gridworld config (8 envs x 128 steps, 4 minibatches x 4
epochs, tanh, 1 worker) for each layout and hidden width (two hidden layers of
that width), median over repetitions, with the dense model's FLOPs per env step.

    python3 Benchmarks/gridworld/scaling.py [--rltrain PATH] [--layouts empty-8,empty-16,empty-32,fourrooms]
                                            [--widths 64,128,256,512] [--steps 20480] [--repeats 3]

Every repetition runs every cell once, cells in the same order, so a slow spell
of a shared machine spreads over the table. Prints a Markdown table.
"""
import argparse, csv, os, statistics, subprocess, sys, tempfile

STANDARD = ["--num-envs", "8", "--workers", "1", "--num-steps", "128", "--num-minibatches", "4",
            "--update-epochs", "4", "--learning-rate", "2.5e-4", "--activation", "tanh"]


def fail(message):
    sys.stderr.write(f"scaling.py: {message}\n")
    sys.exit(2)


def parse_list(text, kind=str):
    try:
        values = [kind(x) for x in text.split(",") if x]
    except ValueError:
        fail(f"not a comma-separated list of {kind.__name__}: {text}")
    if not values:
        fail("empty list")
    return values


def run(binary, out, layout, width, steps, seed, name):
    subprocess.run([binary, "--env", "gridworld", "--layout", layout, "--hidden", f"{width},{width}",
                    "--total-timesteps", str(steps), "--seed", str(seed), *STANDARD,
                    "--runs-dir", out, "--run-name", name, "--quiet"], check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(out, name, "progress.csv")) as f:
        rows = list(csv.DictReader(f))
    last = rows[-1]
    env_steps = int(last["env_steps"])
    return env_steps / float(last["wall_seconds"]), float(last["flops"]) / env_steps


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rltrain", help="path of a built rltrain (default: build it)")
    parser.add_argument("--layouts", default="empty-8,empty-16,empty-32,fourrooms")
    parser.add_argument("--widths", default="64,128,256,512")
    parser.add_argument("--steps", type=int, default=20_480, help="env steps per run (default 20480: 20 updates)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    layouts, widths = parse_list(options.layouts), parse_list(options.widths, int)
    if options.steps < 1024 or options.repeats < 1:
        fail("need --steps >= 1024 and --repeats >= 1")
    binary = options.rltrain
    if not binary:
        subprocess.run(["swift", "build", "-c", "release", "--product", "rltrain"], check=True)
        binary = os.path.join(".build", "release", "rltrain")
    out = tempfile.mkdtemp(prefix="rltrain-scaling-")
    speeds = {(l, w): [] for l in layouts for w in widths}
    flops = {}
    for repeat in range(options.repeats):
        for layout in layouts:
            for width in widths:
                sps, per_step = run(binary, out, layout, width, options.steps, options.seed, f"{layout}-w{width}-r{repeat}")
                speeds[(layout, width)].append(sps)
                flops[(layout, width)] = per_step
                print(f"repeat {repeat} {layout} width {width}: {sps:,.0f} env steps/s", file=sys.stderr, flush=True)
    print(f"Whole-run env steps/s, median of {options.repeats} ({options.steps:,} env steps per run); "
          "in brackets the dense model's MFLOP per env step (`flops` / `env_steps`)\n")
    print("| layout | " + " | ".join(f"width {w}" for w in widths) + " |")
    print("|---|" + "---:|" * len(widths))
    for layout in layouts:
        cells = [f"{statistics.median(speeds[(layout, w)]):,.0f} ({flops[(layout, w)] / 1e6:.2f})" for w in widths]
        print(f"| {layout} | " + " | ".join(cells) + " |")
    print(f"\nruns: {out}")


if __name__ == "__main__":
    main()
