#!/usr/bin/env python3
"""Data parallelism on one machine: `mpirun -np 2 rltrain --workers 1` against
one process with `--workers 2`, the same 8 environments in both, runs
alternated, on gridworld with the standard config.

    python3 Benchmarks/data_parallel.py [--rltrain PATH] [--repeats 3] [--layouts empty-8,fourrooms]

Whole-run env steps/s is env_steps / wall_seconds of the last progress.csv
row (the warm-up and start-up of mpirun excluded: wall_seconds counts from the
run's start); the allreduce figures are medians over the updates of the
data-parallel runs' allreduce_seconds column (rank 0's seconds in collectives,
waits for the other rank included) and its share of the update's wall-clock
(rollout + optimisation). Needs Open
MPI (apt-get install openmpi-bin libopenmpi-dev).
"""
import argparse, csv, os, shutil, statistics, subprocess, tempfile

STEPS = {"empty-8": 300_000, "fourrooms": 200_000}


def read_rows(path):
    with open(path) as f:
        rows = list(csv.DictReader(f))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rltrain", help="path of a built rltrain (default: build it)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--layouts", default="empty-8,fourrooms")
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    binary = options.rltrain
    if not binary:
        subprocess.run(["swift", "build", "-c", "release", "--product", "rltrain"], check=True)
        binary = os.path.join(".build", "release", "rltrain")
    mpirun = shutil.which("mpirun")
    if not mpirun:
        raise SystemExit("data_parallel.py: mpirun is not on PATH: apt-get install openmpi-bin libopenmpi-dev")
    root = ["--allow-run-as-root"] if os.geteuid() == 0 else []
    out = tempfile.mkdtemp(prefix="rltrain-data-parallel-")
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    print("| layout | one process, 2 workers: env steps/s | mpirun -np 2, 1 worker each: env steps/s | ratio (median) | allreduce per update | share of the update |")
    print("|---|---:|---:|---:|---:|---:|")
    for layout in options.layouts.split(","):
        common = ["--env", "gridworld", "--layout", layout, "--total-timesteps", str(STEPS.get(layout, 200_000)),
                  "--seed", str(options.seed), "--runs-dir", out, "--quiet"]
        single, parallel, reduce_seconds, shares = [], [], [], []
        for repeat in range(options.repeats):
            for mode in ("single", "mpi"):
                name = f"{layout}-{mode}-{repeat}"
                if mode == "single":
                    command = [binary, *common, "--workers", "2", "--run-name", name]
                else:
                    command = [mpirun, *root, "--oversubscribe", "-np", "2", binary, *common, "--workers", "1", "--run-name", name]
                subprocess.run(command, check=True)
                rows = read_rows(os.path.join(out, name, "progress.csv"))
                sps = int(rows[-1]["env_steps"]) / float(rows[-1]["wall_seconds"])
                if mode == "single":
                    single.append(sps)
                else:
                    parallel.append(sps)
                    for r in rows[1:]:
                        seconds = float(r["allreduce_seconds"])
                        reduce_seconds.append(seconds)
                        shares.append(seconds / (float(r["rollout_seconds"]) + float(r["update_seconds"])))
        a, b = statistics.median(single), statistics.median(parallel)
        print(f"| {layout} | {a:,.0f} ({', '.join(f'{x:,.0f}' for x in single)}) | {b:,.0f} ({', '.join(f'{x:,.0f}' for x in parallel)}) "
              f"| {b / a:.2f} | {statistics.median(reduce_seconds) * 1000:.1f} ms | {statistics.median(shares):.0%} |", flush=True)
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
