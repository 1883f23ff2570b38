"""How much of the carry table N worked examples cover.

    python3 Benchmarks/thinking/coverage.py [--seeds 5]

A column-local policy decides each column from its context (digit a_i,
multiplier m, marks c in the previous column): 10 digits (and the carry-out
column) × 9 multipliers × carries 0…m−1, 495 contexts. Behaviour cloning
memorises the contexts its worked examples show and nothing more, so its
held-out accuracy should be about the fraction of held-out problems whose
every context appears in the examples. This script draws the examples as
rltrain's training resets do (D uniform in 1-3, m in 1-9, the cap in 0-16, the
expert writing min(carry, cap) marks) with Python's own random numbers, and
prints that fraction for 3-digit problems with every multiplier and with m = 9.
"""

import argparse
import random
import statistics


def contexts(a, m, cap):
    """The (digit, multiplier, carry in) of each column; -1: the carry-out column."""
    out, carry = [], 0
    for i in range(len(a) + 1):
        digit = a[i] if i < len(a) else -1
        out.append((digit, m, carry))
        carry = min((max(digit, 0) * m + carry) // 10, cap)
    return out


def covered(n, rnd, problems=4000):
    seen = set()
    for _ in range(n):
        d, m = rnd.randint(1, 3), rnd.randint(1, 9)
        a = [rnd.randint(0, 9) for _ in range(d)]
        seen.update(contexts(a, m, rnd.randint(0, 16)))
    result = {}
    for label, multipliers in [("1-9", range(1, 10)), ("9", [9])]:
        ok = 0
        for _ in range(problems):
            m = rnd.choice(multipliers)
            a = [rnd.randint(0, 9) for _ in range(3)]
            ok += all(c in seen for c in contexts(a, m, 16))
        result[label] = ok / problems
    table = {(d, m, c) for m in range(1, 10) for c in range(m) for d in list(range(10)) + [-1]}
    result["contexts"] = len(seen & table) / len(table)
    return result


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seeds", type=int, default=5)
    args = p.parse_args()
    print("| worked examples | contexts covered (of 495) | 3-digit problems fully covered, m 1-9 | m = 9 |")
    print("|---:|---:|---:|---:|")
    for n in [250, 500, 1000, 2000, 4000, 8000]:
        runs = [covered(n, random.Random(seed)) for seed in range(1, args.seeds + 1)]
        cells = [statistics.mean(r[k] for r in runs) for k in ["contexts", "1-9", "9"]]
        print(f"| {n} | {100 * cells[0]:.1f}% | {100 * cells[1]:.1f}% | {100 * cells[2]:.1f}% |")


if __name__ == "__main__":
    main()
