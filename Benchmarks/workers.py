#!/usr/bin/env python3
"""Rollout-worker scaling: env steps/s of the rollout phase (env stepping and
policy inference) and seconds per update, for --workers 1, 2, 4, 8 at a fixed
number of environments per worker, on gridworld and arithmetic.

    python3 Benchmarks/workers.py [--rltrain PATH] [--updates 40]

Figures are medians over the updates of --repeats runs per point (the first
two updates of each are skipped as warm-up), from progress.csv's rollout_seconds and
update_seconds columns. Learning curves against the worker count come from the
sweep Benchmarks/doubling-workers.json.
"""
import argparse, csv, os, statistics, subprocess, tempfile

ENVS = {
    "gridworld": ["--env", "gridworld", "--layout", "fourrooms", "--envs-per-worker", "8"],
    "arithmetic": ["--env", "arithmetic", "--envs-per-worker", "8", "--demos", "0", "--eval-every", "1000000"],
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rltrain", help="path of a built rltrain (default: build it)")
    parser.add_argument("--updates", type=int, default=12)
    parser.add_argument("--workers", default="1,2,4,8")
    parser.add_argument("--num-steps", type=int, default=512,
                        help="steps per env per rollout: long rollouts keep thread start-up out of the figure")
    parser.add_argument("--repeats", type=int, default=3)
    options = parser.parse_args()
    binary = options.rltrain
    if not binary:
        subprocess.run(["swift", "build", "-c", "release", "--product", "rltrain"], check=True)
        binary = os.path.join(".build", "release", "rltrain")
    out = tempfile.mkdtemp(prefix="rltrain-workers-")
    print("| env | workers | envs | rollout env steps/s | × 1 worker | seconds per update (optimisation) | whole-run env steps/s |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for env, args in ENVS.items():
        base = None
        for workers in [int(w) for w in options.workers.split(",")]:
            envs = 8 * workers
            batch = envs * options.num_steps
            rows = []
            for repeat in range(options.repeats):
                name = f"{env}-w{workers}-{repeat}"
                subprocess.run([binary, *args, "--workers", str(workers), "--num-steps", str(options.num_steps),
                                "--total-timesteps", str(batch * options.updates),
                                "--runs-dir", out, "--run-name", name, "--quiet"], check=True)
                with open(os.path.join(out, name, "progress.csv")) as f:
                    rows += [r for r in csv.DictReader(f) if int(r["update"]) > 2]
            rollout = statistics.median(batch / float(r["rollout_seconds"]) for r in rows)
            update = statistics.median(float(r["update_seconds"]) for r in rows)
            whole = statistics.median(float(r["sps"]) for r in rows)
            base = base or rollout
            print(f"| {env} | {workers} | {envs} | {rollout:,.0f} | {rollout / base:.2f} | {update:.4f} | {whole:,.0f} |", flush=True)


if __name__ == "__main__":
    main()
