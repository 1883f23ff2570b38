#!/usr/bin/env python3
"""rltrain's language-model policy against its PyTorch twin, side by side on
one machine in one invocation: for each model size and thread count,
`lm-benchmark` (Swift) and `lm_twin.py` (PyTorch) run alternately, each in a
fresh process, on the same work (the batches and prompts lm-benchmark
writes), `--repeats` times; the table shows medians and their ratios.

    /tmp/peers-venv/bin/python Benchmarks/peers/lm_speed.py [--sizes 64x3,128x3,256x4] [--threads 1,2]
        [--repeats 3] [--seconds 3] [--lm-benchmark PATH] [--out results.json]

Columns: SFT training tokens/s and GFLOP/s (rltrain's FLOP count for both),
the share of each side's own 1024³ GEMM (measured in the same process) that
SFT reaches, sampled tokens/s (KV cache, batch 256, temperature 1), and one
Dr. GRPO step's seconds split into sampling and update. Builds lm-benchmark
with `swift build -c release` unless --lm-benchmark names a binary.
"""
import argparse, json, os, statistics, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
HEADS = {64: 4, 128: 4, 256: 8}


def run(command):
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="64x3,128x3,256x4", help="d-model x layers, comma-separated")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=3, help="time budget per measurement")
    parser.add_argument("--lm-benchmark", default=None)
    parser.add_argument("--out", default=None, help="write every run's figures as JSON here")
    args = parser.parse_args()
    binary = args.lm_benchmark
    if binary is None:
        subprocess.run(["swift", "build", "-c", "release", "--product", "lm-benchmark"], cwd=REPO, check=True)
        binary = os.path.join(REPO, ".build", "release", "lm-benchmark")
    data = os.path.join(tempfile.mkdtemp(prefix="lm-speed-"), "work.json")
    runs = []
    for size in args.sizes.split(","):
        d, layers = (int(x) for x in size.split("x"))
        shape = ["--d-model", str(d), "--layers", str(layers), "--heads", str(HEADS.get(d, 4))]
        for threads in (int(t) for t in args.threads.split(",")):
            common = shape + ["--threads", str(threads), "--seconds", str(args.seconds)]
            for repeat in range(args.repeats):
                swift = run([binary] + common + ["--write-data", data])
                torch = run([sys.executable, os.path.join(HERE, "lm_twin.py"), "--data", data] + common)
                for result in (swift, torch):
                    result["repeat"] = repeat
                    runs.append(result)
                    print(f"  {result['side']:8} d{d} L{layers} {threads}T: SFT {result['sft_tokens_per_second']:,.0f} tok/s, "
                          f"sampling {result['sample_tokens_per_second']:,.0f} tok/s, GRPO step {result['grpo_step_seconds']:.3f} s",
                          file=sys.stderr)
    if args.out:
        with open(args.out, "w") as f:
            json.dump(runs, f, indent=1)

    def median(side, d, layers, threads, key):
        return statistics.median(r[key] for r in runs if r["side"] == side and r["d_model"] == d
                                 and r["layers"] == layers and r["threads"] == threads)

    swift_blas = next(r["blas"] for r in runs if r["side"] == "rltrain").split(" (")[0]
    torch_version = next(r["torch"] for r in runs if r["side"] == "pytorch")
    print(f"rltrain ({swift_blas}) against PyTorch {torch_version}; medians of {args.repeats} alternated runs\n")
    print("| model | threads | side | SFT tokens/s | SFT GFLOP/s | of own 1024³ GEMM | sampling tokens/s | "
          "GRPO step s (sample + update) |")
    print("|---|---:|---|---:|---:|---:|---:|---:|")
    for size in args.sizes.split(","):
        d, layers = (int(x) for x in size.split("x"))
        parameters = next(r["parameters"] for r in runs if r["d_model"] == d and r["layers"] == layers)
        for threads in (int(t) for t in args.threads.split(",")):
            rows = {}
            for side in ("rltrain", "pytorch"):
                m = lambda key: median(side, d, layers, threads, key)
                rows[side] = {k: m(k) for k in ("sft_tokens_per_second", "sft_gflops", "gemm_gflops",
                                                "sample_tokens_per_second", "grpo_step_seconds",
                                                "grpo_sample_seconds", "grpo_update_seconds")}
                r = rows[side]
                print(f"| d{d} L{layers} ({parameters / 1e6:.2f} M) | {threads} | {side} | {r['sft_tokens_per_second']:,.0f} | "
                      f"{r['sft_gflops']:.1f} | {100 * r['sft_gflops'] / r['gemm_gflops']:.0f}% of {r['gemm_gflops']:.0f} | "
                      f"{r['sample_tokens_per_second']:,.0f} | {r['grpo_step_seconds']:.3f} "
                      f"({r['grpo_sample_seconds']:.3f} + {r['grpo_update_seconds']:.3f}) |")
            s, t = rows["rltrain"], rows["pytorch"]
            print(f"| | | **rltrain ÷ PyTorch** | **{s['sft_tokens_per_second'] / t['sft_tokens_per_second']:.2f}×** | | | "
                  f"**{s['sample_tokens_per_second'] / t['sample_tokens_per_second']:.2f}×** | "
                  f"**{t['grpo_step_seconds'] / s['grpo_step_seconds']:.2f}× faster** |")


if __name__ == "__main__":
    main()
