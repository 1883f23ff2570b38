#!/usr/bin/env python3
"""numpy float32 matmul throughput at the shapes of Benchmarks/GEMMBenchmark.

Prints `shape<TAB>numpy-<threads>t<TAB>GFLOP/s` lines, the format of
`gemm-benchmark --tsv`. The thread count comes from OPENBLAS_NUM_THREADS (set
by Benchmarks/gemm.sh before numpy is imported); threadpoolctl, when
installed, is used to enforce it as well. numpy here uses its own bundled
OpenBLAS (scipy-openblas), not Debian's libopenblas.
"""
import os
import statistics
import sys
import time

import numpy as np

threads = int(os.environ.get("OPENBLAS_NUM_THREADS", "1"))
try:
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=threads, user_api="blas")
except ImportError:
    pass

quick = "--quick" in sys.argv
samples = 5 if quick else 11
sample_seconds = 0.01 if quick else 0.02

# (name, m, k, n, transpose_a) — same orientation as the Swift benchmark:
# A is m×k (or k×m when transposed, used as A.T), B is k×n, C = op(A)·B.
SHAPES = [
    ("1024x507*507x64", 1024, 507, 64, False),
    ("1024x64*64x64", 1024, 64, 64, False),
    ("64x1024*1024x64 (A^T)", 64, 1024, 64, True),
    ("8x507*507x64", 8, 507, 64, False),
    ("1024x1024*1024x1024", 1024, 1024, 1024, False),
]

rng = np.random.default_rng(0)
for name, m, k, n, transpose_a in SHAPES:
    a = rng.uniform(-1, 1, size=(k, m) if transpose_a else (m, k)).astype(np.float32)
    b = rng.uniform(-1, 1, size=(k, n)).astype(np.float32)
    c = np.empty((m, n), dtype=np.float32)
    op_a = a.T if transpose_a else a  # a transposed view: BLAS gets the trans flag, no copy

    def call():
        np.matmul(op_a, b, out=c)

    call()
    calls = 1
    while True:
        start = time.perf_counter()
        for _ in range(calls):
            call()
        elapsed = time.perf_counter() - start
        if elapsed >= sample_seconds:
            break
        calls = max(calls * 2, int(calls * sample_seconds / max(elapsed, 1e-9)) + 1)
    rates = []
    for _ in range(samples):
        start = time.perf_counter()
        for _ in range(calls):
            call()
        rates.append(2.0 * m * n * k * calls / (time.perf_counter() - start) / 1e9)
    print(f"{name}\tnumpy-{threads}t\t{statistics.median(rates):.2f}", flush=True)
