#!/bin/sh
# GEMM throughput: numpy (its bundled OpenBLAS), Debian's OpenBLAS through
# dlopen, and the pure-Swift kernel, at PPO's shapes, in one invocation.
#
#   Benchmarks/gemm.sh            # 3 interleaved runs, medians
#   REPEATS=5 Benchmarks/gemm.sh
#
# Prints a markdown table (single-threaded figures, with targets) and a second
# one with the 2-thread figures. Each cell is the median over REPEATS runs;
# each run's figure is itself the median of 11 timed samples.
set -eu
cd "$(dirname "$0")/.."
REPEATS=${REPEATS:-3}
SCRATCH=${SCRATCH:-.build-gemm}
swift build -c release --scratch-path "$SCRATCH" --product gemm-benchmark >/dev/null
BIN="$SCRATCH/release/gemm-benchmark"
OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT
i=0
NUMPY=1
python3 -c 'import numpy' 2>/dev/null || { NUMPY=0; echo "numpy not found: its columns will read n/a" >&2; }
while [ "$i" -lt "$REPEATS" ]; do
    [ "$NUMPY" = 1 ] && OPENBLAS_NUM_THREADS=1 python3 Benchmarks/gemm_numpy.py >>"$OUT"
    "$BIN" --tsv >>"$OUT"
    [ "$NUMPY" = 1 ] && OPENBLAS_NUM_THREADS=2 python3 Benchmarks/gemm_numpy.py >>"$OUT"
    i=$((i + 1))
done
python3 - "$OUT" "$REPEATS" <<'PY'
import statistics, sys
rows = {}
order = []
for line in open(sys.argv[1]):
    shape, backend, rate = line.rstrip("\n").split("\t")
    if shape not in order:
        order.append(shape)
    rows.setdefault(shape, {}).setdefault(backend, []).append(float(rate))
med = {s: {b: statistics.median(v) for b, v in d.items()} for s, d in rows.items()}
def fmt(x): return f"{x:.1f}" if x is not None else "n/a"
print(f"Single thread, median of {sys.argv[2]} runs (GFLOP/s):\n")
print("| shape (M×K·K×N) | numpy | OpenBLAS | Swift | OpenBLAS/numpy | Swift/OpenBLAS | targets | met? |")
print("|---|---:|---:|---:|---:|---:|---|---|")
for s in order:
    d = med[s]
    np1, ob, sw = d.get("numpy-1t"), d.get("openblas-1t"), d.get("swift")
    r1 = ob / np1 if ob and np1 else None
    r2 = sw / ob if sw and ob else None
    swift_target = 0.25 if s.startswith("1024x1024") else 0.5
    targets, met = [], []
    if not s.startswith("8x"):
        targets.append("OpenBLAS ≥ 0.9× numpy")
        met.append("met" if r1 is not None and r1 >= 0.9 else "missed")
    targets.append(f"Swift ≥ {swift_target}× OpenBLAS")
    met.append("met" if r2 is not None and r2 >= swift_target else "missed")
    print(f"| {s} | {fmt(np1)} | {fmt(ob)} | {fmt(sw)} | {fmt(r1) if r1 is None else f'{r1:.2f}'} | "
          f"{fmt(r2) if r2 is None else f'{r2:.2f}'} | {'; '.join(targets)} | {'; '.join(met)} |")
print(f"\nTwo threads (extra rows, no targets), median of {sys.argv[2]} runs (GFLOP/s):\n")
print("| shape (M×K·K×N) | numpy 2t | OpenBLAS 2t |")
print("|---|---:|---:|")
for s in order:
    d = med[s]
    print(f"| {s} | {fmt(d.get('numpy-2t'))} | {fmt(d.get('openblas-2t'))} |")
PY
