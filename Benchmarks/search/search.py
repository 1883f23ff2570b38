"""Test-time search on multiplication: greedy, majority vote, a learned
verifier's best-of-N and the oracle's pass@N, over training compute.

    python3 Benchmarks/search/search.py --rltrain .build/release/rltrain [--jobs 2] [--seeds 5] [--out runs/search]

The training points are those of Benchmarks/test-time-compute.json (250 → 4000
worked examples, 500 full-batch Adam steps, then 51,200 PPO steps), 5 seeds.
Each run then gets `rltrain train-verifier` (its defaults: 2000 training
problems × 16 samples at temperature 2) and the evaluations below, all on
1000 held-out 3-digit problems, multipliers 1-9 (and four on ×9 alone):

  greedy; majority@N at T = 1; verifier best-of-N at T = 1 and T = 2;
  oracle pass@N (coverage) at T = 1 and 2; majority@16 at T = 0.25 … 2.

It reuses finished runs (a run directory with `search-done`), writes
summary.csv, results.md and three SVG figures into --figures (default
docs/figures/search) and prints the tables. Python 3, standard library only.
"""

import argparse
import concurrent.futures
import csv
import math
import os
import statistics
import subprocess
import sys

DEMOS = [250, 500, 1000, 2000, 4000]
SAMPLES = [2, 4, 8, 16]
SWEEP_T = [0.25, 0.5, 0.75, 1.0, 1.5, 2.0]
TRAIN = ["--env", "multiplication", "--workers", "1", "--num-envs", "8", "--bc-steps", "500", "--bc-learning-rate", "0.01",
         "--total-timesteps", "51200", "--eval-every", "10"]


def evaluations(problems):
    """(label, flags) of every evaluation of one run."""
    out = [("greedy", [])]
    for n in SAMPLES:
        out.append((f"majority-{n}-1", ["--samples", str(n), "--temperature", "1", "--select", "majority"]))
        for t in ("1", "2"):
            out.append((f"verifier-{n}-{t}", ["--samples", str(n), "--temperature", t, "--select", "verifier"]))
            out.append((f"oracle-{n}-{t}", ["--samples", str(n), "--temperature", t, "--select", "oracle"]))
    for t in SWEEP_T:
        if t != 1.0:
            out.append((f"majority-16-{t:g}", ["--samples", "16", "--temperature", f"{t:g}", "--select", "majority"]))
    hard = ["--multiplier", "9"]
    out += [("m9-greedy", hard), ("m9-majority-16-1", hard + ["--samples", "16", "--temperature", "1"]),
            ("m9-verifier-16-2", hard + ["--samples", "16", "--temperature", "2", "--select", "verifier"]),
            ("m9-oracle-16-2", hard + ["--samples", "16", "--temperature", "2", "--select", "oracle"])]
    return [(label, flags + ["--problems", str(problems), "--workers", "1"]) for label, flags in out]


def sh(args, log):
    # The environment as it is: rltrain picks OpenBLAS's core type from the
    # CPU, as every other run does, so these runs are the sweeps' to the bit.
    result = subprocess.run(args, capture_output=True, text=True)
    with open(log, "a") as f:
        f.write("$ " + " ".join(args) + "\n" + result.stdout + result.stderr)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({result.returncode}): {result.stderr.strip()}")
    return result.stdout


def one(rltrain, out, demos, seed, problems):
    run = os.path.join(out, f"d{demos}-s{seed}")
    log = run + ".log"
    if os.path.exists(os.path.join(run, "search-done")):
        return run
    if not os.path.exists(os.path.join(run, "checkpoint.bin")):
        sh([rltrain] + TRAIN + ["--demos", str(demos), "--seed", str(seed), "--runs-dir", out, "--run-name", f"d{demos}-s{seed}", "--quiet"], log)
    sh([rltrain, "train-verifier", run, "--workers", "1"], log)
    if os.path.exists(os.path.join(run, "eval.csv")):
        os.remove(os.path.join(run, "eval.csv"))
    with open(os.path.join(run, "search-labels"), "w") as labels:
        for label, flags in evaluations(problems):
            sh([rltrain, "eval", run] + flags, log)
            labels.write(label + "\n")
    open(os.path.join(run, "search-done"), "w").close()
    return run


def read_run(run):
    with open(os.path.join(run, "search-labels")) as f:
        labels = f.read().split()
    with open(os.path.join(run, "eval.csv")) as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(labels), f"{run}: {len(rows)} eval rows for {len(labels)} evaluations"
    with open(os.path.join(run, "verifier.csv")) as f:
        last = list(csv.DictReader(f))[-1]
    return dict(zip(labels, rows)), last


def num(x):
    return float(x) if x not in ("", None) else math.nan


def mean(xs):
    xs = [x for x in xs if not math.isnan(x)]
    return statistics.mean(xs) if xs else math.nan


def cell(xs, scale=100):
    xs = [x * scale for x in xs]
    sd = statistics.stdev(xs) if len(xs) > 1 else 0
    return f"{statistics.mean(xs):.1f} ± {sd:.1f} ({min(xs):.1f}–{max(xs):.1f})"


# ---------------------------------------------------------------- SVG helpers

def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class SVG:
    def __init__(self, w, h):
        self.w, self.h, self.parts = w, h, []

    def add(self, s):
        self.parts.append(s)

    def text(self, x, y, s, size=12, anchor="middle", weight="normal", rotate=None, color="#222", halo=None):
        tr = f' transform="rotate({rotate} {x:.1f} {y:.1f})"' if rotate else ""
        # A halo in the background's colour keeps a label readable over a line.
        hl = f' stroke="{halo}" stroke-width="4" stroke-linejoin="round" paint-order="stroke"' if halo else ""
        self.add(f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" font-weight="{weight}" fill="{color}"{tr}{hl}>{esc(s)}</text>')

    def title(self, s):
        """The figure's title: its finding, in bold across the top, on at
        most two lines (about 8.5 px per character at 15 px bold)."""
        width = int((self.w - 40) / 8.5)
        lines = [""]
        for word in s.split():
            if lines[-1] and len(lines[-1]) + 1 + len(word) > width:
                lines.append(word)
            else:
                lines[-1] = (lines[-1] + " " + word).strip()
        assert len(lines) <= 2, f"title too long for the figure: {s}"
        for i, line in enumerate(lines):
            self.text(self.w / 2, 22 + 19 * i, line, 15, weight="bold")

    def line(self, x1, y1, x2, y2, color="#222", width=1, dash=None):
        d = f' stroke-dasharray="{dash}"' if dash else ""
        self.add(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{color}" stroke-width="{width}"{d}/>')

    def polyline(self, pts, color, width=2, dash=None):
        d = f' stroke-dasharray="{dash}"' if dash else ""
        p = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
        self.add(f'<polyline points="{p}" fill="none" stroke="{color}" stroke-width="{width}"{d}/>')

    def circle(self, x, y, r, color):
        self.add(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{color}"/>')

    def rect(self, x, y, w, h, fill, stroke="none"):
        self.add(f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{fill}" stroke="{stroke}"/>')

    def save(self, path):
        with open(path, "w") as f:
            f.write(f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.w}" height="{self.h}" viewBox="0 0 {self.w} {self.h}" font-family="Helvetica, Arial, sans-serif">\n')
            f.write(f'<rect width="{self.w}" height="{self.h}" fill="white"/>\n')
            f.write("\n".join(self.parts) + "\n</svg>\n")


class Panel:
    """A plot area with linear axes; x given in its own units (log2 N, T)."""

    def __init__(self, svg, x, y, w, h, xr, yr):
        self.svg, self.x, self.y, self.w, self.h, self.xr, self.yr = svg, x, y, w, h, xr, yr

    def px(self, v):
        return self.x + (v - self.xr[0]) / (self.xr[1] - self.xr[0]) * self.w

    def py(self, v):
        return self.y + self.h - (v - self.yr[0]) / (self.yr[1] - self.yr[0]) * self.h

    def frame(self, xticks, yticks, xlabel, ylabel, title):
        s = self.svg
        for v, lab in yticks:
            s.line(self.x, self.py(v), self.x + self.w, self.py(v), "#e4e4e4")
            s.text(self.x - 6, self.py(v) + 4, lab, 11, "end")
        for v, lab in xticks:
            s.line(self.px(v), self.y, self.px(v), self.y + self.h, "#eeeeee")
            s.text(self.px(v), self.y + self.h + 15, lab, 11)
        s.rect(self.x, self.y, self.w, self.h, "none", "#444")
        s.text(self.x + self.w / 2, self.y + self.h + 32, xlabel, 12)
        s.text(self.x - 38, self.y + self.h / 2, ylabel, 12, rotate=-90)
        s.text(self.x + self.w / 2, self.y - 8, title, 13, weight="bold")


COLORS = {"greedy": "#444444", "majority": "#1f77b4", "verifier1": "#98df8a", "verifier": "#2ca02c", "oracle": "#d62728"}


def samples_points(stats):
    """The training points drawn: the first two with greedy ≤ 80% and the next."""
    return [d for d in DEMOS if stats[d]["greedy"] <= 0.8][:2] + [d for d in DEMOS if stats[d]["greedy"] > 0.8][:1]


def samples_finding(stats):
    """What the figure shows: the verifier's gain over greedy at N = 16 per
    drawn point, and the majority vote's largest gain."""
    points = samples_points(stats)
    verifier = [stats[d]["verifier-16-2"] - stats[d]["greedy"] for d in points]
    vote = max(stats[d]["majority-16-1"] - stats[d]["greedy"] for d in points)
    return ("A learned verifier's best of 16 adds " + " / ".join(f"{g * 100:+.1f}" for g in verifier)
            + f" points to greedy at {' / '.join(str(d) for d in points)} examples; a majority vote of 16 "
            + (f"adds less than half a point" if vote < 0.005 else f"adds at most {vote * 100:+.1f}"))


def figure_samples(stats, path):
    """Accuracy vs samples (log x), one panel per training point with greedy ≤ 80% and the next."""
    points = samples_points(stats)
    svg = SVG(330 * len(points) + 60, 468)
    svg.title(samples_finding(stats))
    lo = min(min(stats[d]["sample1"], stats[d]["sample2"], stats[d]["greedy"]) for d in points)
    yr = (max(0, math.floor(lo * 10) / 10 - 0.05), 1.0)
    for k, d in enumerate(points):
        p = Panel(svg, 70 + 330 * k, 78, 270, 280, (0, 4.2), yr)
        yt = [(v / 100, f"{v}%") for v in range(0, 101, 10) if yr[0] <= v / 100 <= yr[1]]
        p.frame([(i, str(2 ** i)) for i in range(5)], yt, "samples N (log scale)", "exact match" if k == 0 else "",
                f"{d} worked examples (greedy {stats[d]['greedy'] * 100:.1f}%)")
        s = stats[d]
        svg.line(p.px(0), p.py(s["greedy"]), p.px(4.2), p.py(s["greedy"]), COLORS["greedy"], 2, "2,3")
        for key, color, dash, t in (("majority-{n}-1", COLORS["majority"], None, None), ("verifier-{n}-1", COLORS["verifier1"], None, None),
                                    ("verifier-{n}-2", COLORS["verifier"], None, None), ("oracle-{n}-2", COLORS["oracle"], "6,3", None)):
            first = s["sample1" if "-2" not in key else "sample2"]
            pts = [(0, first)] + [(math.log2(n), s[key.format(n=n)]) for n in SAMPLES]
            svg.polyline([(p.px(x), p.py(y)) for x, y in pts], color, 2, dash)
            for x, y in pts:
                svg.circle(p.px(x), p.py(y), 3, color)
    legend = [("greedy (T = 0)", COLORS["greedy"], "2,3"), ("majority vote, T = 1", COLORS["majority"], None),
              ("verifier best-of-N, T = 1", COLORS["verifier1"], None), ("verifier best-of-N, T = 2", COLORS["verifier"], None),
              ("oracle pass@N, T = 2 — coverage, an upper bound, not accuracy", COLORS["oracle"], "6,3")]
    for i, (lab, color, dash) in enumerate(legend):
        x, y = 70 + (i % 3) * 330, 413 + (i // 3) * 20
        svg.line(x, y - 4, x + 26, y - 4, color, 2, dash)
        svg.text(x + 32, y, lab, 11, "start")
    svg.text(svg.w / 2, 456, "3-digit × (1–9) multiplication, 1000 held-out problems, mean of 5 seeds; N = 1 of a sampled curve is one sample at its temperature", 11)
    svg.save(path)


def temperature_finding(stats):
    """The vote's best and worst gain over greedy across points and temperatures."""
    gains = [(stats[d][f"majority-16-{t:g}"] - stats[d]["greedy"], d, t) for d in DEMOS for t in SWEEP_T]
    best, worst = max(gains), min(gains)
    gain = best[0] * 100
    digits = 2 if abs(gain) < 0.1 else 1
    return (f"A majority of 16 never beats greedy by more than {gain:.{digits}f} points at any temperature; "
            f"hot sampling costs up to {-worst[0] * 100:.1f} ({worst[1]} examples, T = {worst[2]:g})")


def figure_temperature(stats, path):
    svg = SVG(760, 428)
    svg.title(temperature_finding(stats))
    deltas = [stats[d][f"majority-16-{t:g}"] - stats[d]["greedy"] for d in DEMOS for t in SWEEP_T]
    yr = (min(-0.05, math.floor(min(deltas) * 50) / 50), max(0.03, math.ceil(max(deltas) * 50) / 50))
    p = Panel(svg, 80, 68, 330, 290, (0, 2.1), yr)
    step = 0.02 if yr[1] - yr[0] <= 0.2 else 0.05
    yt = [(v * step, f"{v * step * 100:+.0f}" if v else "0") for v in range(int(math.ceil(yr[0] / step - 1e-9)), int(math.floor(yr[1] / step + 1e-9)) + 1)]
    p.frame([(t, f"{t:g}") for t in [0] + SWEEP_T], yt, "sampling temperature T", "majority@16 − greedy (points)", "")
    svg.line(p.px(0), p.py(0), p.px(2.1), p.py(0), "#444", 1.5)
    palette = ["#440154", "#3b528b", "#21918c", "#5ec962", "#c8a700"]
    for i, d in enumerate(DEMOS):
        pts = [(0, 0)] + [(t, stats[d][f"majority-16-{t:g}"] - stats[d]["greedy"]) for t in SWEEP_T]
        svg.polyline([(p.px(x), p.py(y)) for x, y in pts], palette[i], 2)
        for x, y in pts:
            svg.circle(p.px(x), p.py(y), 3, palette[i])
        svg.line(430, 88 + 20 * i, 455, 88 + 20 * i, palette[i], 2)
        svg.text(460, 92 + 20 * i, f"{d} examples (greedy {stats[d]['greedy'] * 100:.0f}%)", 11, "start")
    svg.text(380, 413, "T = 0: every sample is the greedy one, the vote equals greedy. Mean of 5 seeds, 1000 problems.", 11)
    svg.save(path)


def contour_segments(grid, xs, ys, level):
    """Marching squares on a grid[i][j] (x index i, y index j): segments in (x, y) units."""
    segs = []
    for i in range(len(xs) - 1):
        for j in range(len(ys) - 1):
            corners = [(xs[i], ys[j], grid[i][j]), (xs[i + 1], ys[j], grid[i + 1][j]),
                       (xs[i + 1], ys[j + 1], grid[i + 1][j + 1]), (xs[i], ys[j + 1], grid[i][j + 1])]
            pts = []
            for a, b in zip(corners, corners[1:] + corners[:1]):
                if (a[2] - level) * (b[2] - level) < 0 or (a[2] == level and b[2] != level):
                    f = (level - a[2]) / (b[2] - a[2])
                    pts.append((a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1])))
            if len(pts) == 2:
                segs.append(pts)
            elif len(pts) == 4:
                segs += [pts[:2], pts[2:]]
    return segs


def shade(v, lo, hi):
    """Pale → dark green over lo … hi."""
    f = min(1, max(0, (v - lo) / (hi - lo)))
    r, g, b = (int(237 + f * (0 - 237)), int(248 + f * (90 - 248)), int(233 + f * (50 - 233)))
    return f"rgb({r},{g},{b})"


def figure_heatmap(grid, flops, path, title):
    xs = [math.log2(f) for f in flops]
    ns = [1] + SAMPLES
    ys = [math.log2(n) for n in ns]
    svg = SVG(640, 520)
    svg.title(title)
    # A blank band above the top row holds the contours' labels.
    p = Panel(svg, 90, 68, 420, 360, (xs[0] - 0.5, xs[-1] + 0.5), (-0.5, 5.0))
    p.frame([(x, f"{f:.1e}") for x, f in zip(xs, flops)], [(y, str(n)) for y, n in zip(ys, ns)],
            "training FLOPs (log scale)", "test-time samples N (log scale)", "")
    lo, hi = min(min(r) for r in grid), max(max(r) for r in grid)
    cells = []
    for i, x in enumerate(xs):
        x0 = (xs[i - 1] + x) / 2 if i else x - 0.5
        x1 = (x + xs[i + 1]) / 2 if i + 1 < len(xs) else x + 0.5
        for j, y in enumerate(ys):
            v = grid[i][j]
            svg.rect(p.px(x0), p.py(y + 0.5), p.px(x1) - p.px(x0), p.py(y - 0.5) - p.py(y + 0.5), shade(v, lo, hi))
            cells.append((p.px(x), p.py(y) + 4, f"{v * 100:.0f}", "white" if (v - lo) / (hi - lo) > 0.55 else "#222", shade(v, lo, hi)))
    for level in (0.5, 0.6, 0.7, 0.8, 0.9, 0.95):
        for a, b in contour_segments(grid, xs, ys, level):
            svg.line(p.px(a[0]), p.py(a[1]), p.px(b[0]), p.py(b[1]), "#d62728", 1.8)
        segs = contour_segments(grid, xs, ys, level)
        if segs:
            a = max((pt for seg in segs for pt in seg), key=lambda q: q[1])
            svg.text(p.px(a[0]), p.py(4.75) + 4, f"{level * 100:.0f}%", 10, weight="bold", color="#d62728")
    # The cells' values over the contours, haloed in their cell's colour.
    for x, y, label, color, background in cells:
        svg.text(x, y, label, 11, color=color, halo=background)
    svg.rect(p.x, p.y, p.w, p.h, "none", "#444")
    svg.text(320, 485, "Cells: exact match (%), mean of 5 seeds; N = 1 greedy, N > 1 the verifier's best of N (better of T = 1, 2).", 11)
    svg.text(320, 502, "Red: iso-accuracy contours (linear interpolation in log FLOPs × log N).", 11)
    svg.save(path)


def interpolate(xs, vs, target):
    """The x (ascending xs) where the piecewise-linear v(x) first reaches target; None if never."""
    for (x0, v0), (x1, v1) in zip(zip(xs, vs), zip(xs[1:], vs[1:])):
        if v0 >= target:
            return x0
        if v1 >= target:
            return x0 + (target - v0) / (v1 - v0) * (x1 - x0)
    return xs[-1] if vs[-1] >= target else None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rltrain", default=".build/release/rltrain")
    ap.add_argument("--out", default="runs/search")
    ap.add_argument("--figures", default="docs/figures/search")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--problems", type=int, default=1000)
    ap.add_argument("--redraw", action="store_true",
                    help="train and evaluate nothing: redraw the tables and figures from --figures' summary.csv")
    args = ap.parse_args()
    os.makedirs(args.figures, exist_ok=True)
    raw = read_summary(os.path.join(args.figures, "summary.csv")) if args.redraw else measure(args)
    report(args, raw)


def read_summary(path):
    """The per-seed values a finished run of this script wrote to summary.csv."""
    raw = {}
    with open(path) as f:
        for row in csv.DictReader(f):
            raw.setdefault(int(row["demos"]), {}).setdefault(row["evaluation"], []).append(float(row["value"]))
    return raw


def measure(args):
    """Train, fit a verifier for and evaluate every (demos, seed); the values per seed."""
    os.makedirs(args.out, exist_ok=True)
    jobs = [(d, s) for d in DEMOS for s in range(1, args.seeds + 1)]
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        futures = {pool.submit(one, args.rltrain, args.out, d, s, args.problems): (d, s) for d, s in jobs}
        for f in concurrent.futures.as_completed(futures):
            f.result()
            print("done", futures[f], file=sys.stderr, flush=True)

    per = {d: [read_run(os.path.join(args.out, f"d{d}-s{s}")) for s in range(1, args.seeds + 1)] for d in DEMOS}
    labels = [lab for lab, _ in evaluations(args.problems)]
    raw = {}
    for d in DEMOS:
        runs = per[d]
        value = {}
        for lab in labels:
            column = "coverage" if lab.split("-")[0] in ("oracle",) or lab.startswith("m9-oracle") else "accuracy"
            value[lab] = [num(r[lab][column]) for r, _ in runs]
        value["sample1"] = [num(r["majority-2-1"]["sample_accuracy"]) for r, _ in runs]
        value["sample2"] = [num(r["verifier-2-2"]["sample_accuracy"]) for r, _ in runs]
        value["auc"] = [num(r["verifier-16-2"]["verifier_auc"]) for r, _ in runs]
        value["heldout_auc"] = [num(v["test_auc"]) for _, v in runs]
        value["heldout_accuracy"] = [num(v["test_accuracy"]) for _, v in runs]
        value["train_flops"] = [num(r["greedy"]["train_flops"]) for r, _ in runs]
        value["test_flops_greedy"] = [num(r["greedy"]["test_flops"]) for r, _ in runs]
        value["test_flops_v16"] = [num(r["verifier-16-2"]["test_flops"]) for r, _ in runs]
        raw[d] = value

    with open(os.path.join(args.figures, "summary.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["demos", "seed", "evaluation", "value"])
        for d in DEMOS:
            for k, vs in raw[d].items():
                for s, v in enumerate(vs, 1):
                    w.writerow([d, s, k, repr(v)])
    return raw


def report(args, raw):
    """results.md, the printed tables and the three figures, from the values per seed."""
    stats = {d: {k: mean(v) for k, v in raw[d].items()} for d in DEMOS}

    md = []
    md.append("| worked examples | training FLOPs | greedy | majority@16, T = 1 | best T for majority@16 (gain) | verifier@16, T = 2 | verifier@16 − greedy | oracle pass@16, T = 2 (coverage) | verifier AUC (eval samples) | held-out AUC / accuracy (train-verifier) |")
    md.append("|---|---|---|---|---|---|---|---|---|---|")
    for d in DEMOS:
        v = raw[d]
        best_t = max(SWEEP_T, key=lambda t: stats[d][f"majority-16-{t:g}"])
        gain = stats[d][f"majority-16-{best_t:g}"] - stats[d]["greedy"]
        diff = [a - b for a, b in zip(v["verifier-16-2"], v["greedy"])]
        md.append(f"| {d} | {stats[d]['train_flops']:.2e} | {cell(v['greedy'])} | {cell(v['majority-16-1'])} | {best_t:g} ({gain * 100:+.1f}) | "
                  f"{cell(v['verifier-16-2'])} | {cell(diff)} | {cell(v['oracle-16-2'])} | {mean(v['auc']):.3f} | {mean(v['heldout_auc']):.3f} / {mean(v['heldout_accuracy']) * 100:.1f}% |")
    md.append("")
    md.append("Accuracy (coverage for the oracle) against samples N, mean of 5 seeds:")
    md.append("")
    md.append("| worked examples | method | N = 1 | 2 | 4 | 8 | 16 |")
    md.append("|---|---|---|---|---|---|---|")
    for d in DEMOS:
        s = stats[d]
        for name, key, first in (("majority, T = 1", "majority-{n}-1", "sample1"), ("verifier, T = 1", "verifier-{n}-1", "sample1"),
                                 ("verifier, T = 2", "verifier-{n}-2", "sample2"), ("oracle pass@N, T = 1 (coverage)", "oracle-{n}-1", "sample1"),
                                 ("oracle pass@N, T = 2 (coverage)", "oracle-{n}-2", "sample2")):
            md.append(f"| {d} | {name} | {s[first] * 100:.1f} | " + " | ".join(f"{s[key.format(n=n)] * 100:.1f}" for n in SAMPLES) + " |")
    md.append("")
    md.append("Majority@16 − greedy (points) against temperature, mean of 5 seeds:")
    md.append("")
    md.append("| worked examples | greedy | " + " | ".join(f"T = {t:g}" for t in SWEEP_T) + " |")
    md.append("|---|---|" + "---|" * len(SWEEP_T))
    for d in DEMOS:
        md.append(f"| {d} | {stats[d]['greedy'] * 100:.1f} | " + " | ".join(f"{(stats[d][f'majority-16-{t:g}'] - stats[d]['greedy']) * 100:+.1f}" for t in SWEEP_T) + " |")
    md.append("")
    md.append("Hardest multiplier (×9 alone), mean of 5 seeds (verifier trained on the mixture):")
    md.append("")
    md.append("| worked examples | greedy | majority@16, T = 1 | verifier@16, T = 2 | oracle pass@16, T = 2 (coverage) |")
    md.append("|---|---|---|---|---|")
    for d in DEMOS:
        v = raw[d]
        md.append(f"| {d} | {cell(v['m9-greedy'])} | {cell(v['m9-majority-16-1'])} | {cell(v['m9-verifier-16-2'])} | {cell(v['m9-oracle-16-2'])} |")

    # The trade-off: accuracy over (training FLOPs × N), N = 1 greedy, else
    # the verifier's best of N at the better of T = 1 and T = 2 (chosen per
    # cell on the evaluation itself: temperature as a tuned hyperparameter).
    flops = [stats[d]["train_flops"] for d in DEMOS]
    grid = [[stats[d]["greedy"]] + [max(stats[d][f"verifier-{n}-1"], stats[d][f"verifier-{n}-2"]) for n in SAMPLES] for d in DEMOS]
    ns = [1] + SAMPLES
    xs = [math.log2(f) for f in flops]
    # Exchange rate: the accuracy of training point i with N samples, matched
    # by greedy decoding at interpolated training compute.
    greedy = [row[0] for row in grid]
    md.append("")
    md.append("Train/test exchange: for training point i and N samples (verifier, the better of T = 1 and 2), the training doublings that greedy decoding needs to match it (interpolated in log FLOPs), and test-time doublings per training doubling:")
    md.append("")
    md.append("| worked examples | N | accuracy | greedy needs FLOPs | training doublings bought | test doublings per training doubling |")
    md.append("|---|---|---|---|---|---|")
    rates, bought16 = [], {}
    for i, d in enumerate(DEMOS):
        for j, n in enumerate(ns[1:], 1):
            acc = grid[i][j]
            x = interpolate(xs, greedy, acc)
            if x is None or acc <= greedy[i]:
                md.append(f"| {d} | {n} | {acc * 100:.1f} | {'beyond the largest point' if x is None else '—'} | {'—' if x is None else 'none (below greedy)'} | — |")
                continue
            bought = x - xs[i]
            if n == SAMPLES[-1]:
                bought16[d] = bought
            rate = math.log2(n) / bought if bought > 0 else math.inf
            rates.append((d, n, rate))
            md.append(f"| {d} | {n} | {acc * 100:.1f} | {2 ** x:.2e} | {bought:.2f} | {rate:.1f} |")
    text = "\n".join(md)
    with open(os.path.join(args.figures, "results.md"), "w") as f:
        f.write(text + "\n")
    print(text)
    figure_samples(stats, os.path.join(args.figures, "accuracy-vs-samples.svg"))
    figure_temperature(stats, os.path.join(args.figures, "temperature.svg"))
    worth = [d for d in DEMOS if d in bought16]
    if worth:
        lo, hi = min(bought16.values()), max(bought16.values())
        title = (f"Best of {SAMPLES[-1]} by a verifier ({math.log2(SAMPLES[-1]):.0f} test-time doublings) is worth "
                 f"{lo:.2f}–{hi:.2f} training doublings at {worth[0]}–{worth[-1]} examples")
        rest = [d for d in DEMOS if d not in bought16]
        if rest:
            title += ", none at " + ", ".join(str(d) for d in rest)
    else:
        title = f"Best of {SAMPLES[-1]} by a verifier is worth no training compute at any point"
    figure_heatmap(grid, flops, os.path.join(args.figures, "train-test-tradeoff.svg"), title)


if __name__ == "__main__":
    main()
