#!/bin/sh
# GEMM throughput: numpy (its bundled OpenBLAS), Debian's OpenBLAS through
# dlopen, and the built-in GEMM (fastest kernel for this CPU, plus its AVX2 and
# portable Swift kernels where they differ), at PPO's shapes, in one invocation.
#
#   Benchmarks/gemm.sh            # 3 interleaved runs, medians
#   REPEATS=5 Benchmarks/gemm.sh
#
# Prints a markdown table (single-threaded figures, with targets) and a second
# one with the 2-thread figures. Each cell is the median over REPEATS runs;
# each run's figure is itself the median of 11 timed samples. numpy only runs
# the shapes of Benchmarks/gemm_numpy.py; its cells read n/a elsewhere.
#
# OpenBLAS runs with the core type Tensor chooses (OPENBLAS_CORETYPE from the
# CPU's features, unless set); numpy's own OpenBLAS detects its core itself.
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
rows, order, notes = {}, [], []
for line in open(sys.argv[1]):
    line = line.rstrip("\n")
    if line.startswith("#"):
        if line not in notes:
            notes.append(line)
        continue
    shape, backend, rate = line.split("\t")
    rows.setdefault(shape, {}).setdefault(backend, []).append(float(rate))
    if shape not in order and not backend.startswith("numpy"):
        order.append(shape)  # the Swift benchmark's order
order += [s for s in rows if s not in order]
med = {s: {b: statistics.median(v) for b, v in d.items()} for s, d in rows.items()}
def fmt(x, digits=1): return "n/a" if x is None else f"{x:.{digits}f}"
def ratio(x, y): return x / y if x and y else None
for note in notes:
    print(note.lstrip("# "))
print(f"\nSingle thread, median of {sys.argv[2]} runs (GFLOP/s):\n")
print("| shape (M×K·K×N) | numpy | OpenBLAS | built-in | built-in AVX2 | built-in portable "
      "| OpenBLAS/numpy | built-in/OpenBLAS | target | met? |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---|---|")
for s in order:
    d = med[s]
    np1, ob, bi = d.get("numpy-1t"), d.get("openblas-1t"), d.get("builtin")
    avx2, portable = d.get("builtin-avx2"), d.get("builtin-portable")
    r1, r2 = ratio(ob, np1), ratio(bi, ob)
    goal = 0.25 if s.startswith("1024x1024") else 0.5
    targets, met = [], []
    if np1 is not None and not s.startswith("8x"):
        targets.append("OpenBLAS ≥ 0.9× numpy")
        met.append("met" if r1 is not None and r1 >= 0.9 else "missed")
    targets.append(f"built-in ≥ {goal}× OpenBLAS")
    met.append("met" if r2 is not None and r2 >= goal else "missed")
    print(f"| {s} | {fmt(np1)} | {fmt(ob)} | {fmt(bi)} | {fmt(avx2)} | {fmt(portable)} | "
          f"{fmt(r1, 2)} | {fmt(r2, 2)} | {'; '.join(targets)} | {'; '.join(met)} |")
print(f"\nTwo threads (extra columns, no targets), median of {sys.argv[2]} runs (GFLOP/s):\n")
print("| shape (M×K·K×N) | numpy 2t | OpenBLAS 2t |")
print("|---|---:|---:|")
for s in order:
    d = med[s]
    print(f"| {s} | {fmt(d.get('numpy-2t'))} | {fmt(d.get('openblas-2t'))} |")
PY
