"""Shared helpers for the arithmetic demonstrations (standard library only).

Every script trains runs into OUT/runs/<name> (default OUT = /tmp/rltrain-demos),
skips runs that already finished (their eval.csv holds the "end of training"
rows), evaluates with `rltrain eval` (reusing an eval.csv row with the same
digits / think budget / samples / problems), and prints markdown tables of
mean ± std (min–max) over seeds.

Runs are deterministic given the seed and the config, so re-running a script
reproduces the same numbers (wall-clock times excepted).
"""

import argparse
import csv
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Ceiling of a policy that cannot think: it must guess every carry, and the best
# guess ("no carry") is right exactly when no column carries: P = 0.55^D.
def no_think_ceiling(digits):
    return 0.55 ** digits


def parser(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--rltrain", help="path of the rltrain binary (default: build with "
                   "`swift build -c release` and use .build/release/rltrain)")
    p.add_argument("--seeds", type=int, default=5, help="seeds 1..N (default 5)")
    p.add_argument("--out", default="/tmp/rltrain-demos",
                   help="directory for run directories and logs (default /tmp/rltrain-demos)")
    p.add_argument("--problems", type=int, default=1000,
                   help="held-out problems per `rltrain eval` call (default 1000)")
    return p


def rltrain_binary(args):
    if args.rltrain:
        return os.path.abspath(args.rltrain)
    print("building: swift build -c release", file=sys.stderr)
    subprocess.run(["swift", "build", "-c", "release"], cwd=REPO, check=True)
    return os.path.join(REPO, ".build", "release", "rltrain")


def runs_dir(args):
    d = os.path.join(os.path.abspath(args.out), "runs")
    os.makedirs(d, exist_ok=True)
    return d


def finished(run_dir):
    path = os.path.join(run_dir, "eval.csv")
    if not os.path.exists(path):
        return False
    with open(path) as f:
        return "end of training" in f.read()


def train(args, binary, name, flags):
    """Train run `name` with `flags` (a list of CLI arguments) unless it finished.

    Returns the run directory. stdout goes to <run_dir>.log (it holds the
    warm-start accuracy, which no CSV records), and the process wall time to
    <run_dir>.time.json.
    """
    root = runs_dir(args)
    run_dir = os.path.join(root, name)
    if finished(run_dir):
        return run_dir
    if os.path.exists(run_dir):
        shutil.rmtree(run_dir)  # an interrupted run: start it again
    cmd = [binary, "train", "--env", "arithmetic", "--runs-dir", root, "--run-name", name] + flags
    print("  $ " + " ".join(cmd[1:]).replace(root + "/", "") , file=sys.stderr, flush=True)
    start = time.time()
    with open(run_dir + ".log", "w") as log:
        subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT, check=True)
    with open(run_dir + ".time.json", "w") as f:
        json.dump({"process_seconds": time.time() - start, "command": cmd}, f)
    return run_dir


def read_csv(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def progress(run_dir):
    rows = read_csv(os.path.join(run_dir, "progress.csv"))
    for r in rows:
        for k, v in r.items():
            try:
                r[k] = float(v)
            except (TypeError, ValueError):
                pass
    return rows


def process_seconds(run_dir):
    try:
        with open(run_dir + ".time.json") as f:
            return json.load(f)["process_seconds"]
    except (OSError, KeyError, ValueError):
        return None


def log_accuracy(run_dir, label):
    """Accuracy printed on the `label:` line of the training log ('warm start' or
    'before training'), as a fraction; None if absent."""
    try:
        with open(run_dir + ".log") as f:
            for line in f:
                if line.startswith(label + ":"):
                    m = re.findall(r"([0-9.]+)% exact match", line)
                    if m:
                        return float(m[-1]) / 100
    except OSError:
        pass
    return None


def eval_rows(run_dir):
    rows = read_csv(os.path.join(run_dir, "eval.csv"))
    for r in rows:
        for k in list(r):
            # Text columns (stage, selection, column_accuracy's list) stay text.
            r[k] = number(r[k])
    return rows


def number(field):
    """A CSV field as a float, None when empty, the text itself otherwise."""
    if field in ("", None):
        return None
    try:
        return float(field)
    except ValueError:
        return field


def end_of_training(run_dir, digits):
    for r in eval_rows(run_dir):
        if r["stage"] == "end of training" and int(r["digits"]) == digits:
            return r
    return None


def evaluate(args, binary, run_dir, digits, samples=1, think_budget=None, problems=None):
    """One `rltrain eval` call; reuses an identical earlier row of eval.csv."""
    problems = problems or args.problems
    with open(os.path.join(run_dir, "config.json")) as f:
        trained_budget = json.load(f)["config"]["arithmetic"]["environment"]["thinkBudget"]
    budget = trained_budget if think_budget is None else think_budget

    def match():
        for r in eval_rows(run_dir):
            if (r["stage"] == "eval" and int(r["digits"]) == digits and int(r["samples"]) == samples
                    and int(r["think_budget"]) == budget and int(r["problems"]) == problems
                    and r.get("selection") in (None, "greedy", "majority")):
                return r
        return None

    row = match()
    if row is None:
        cmd = [binary, "eval", run_dir, "--digits", str(digits), "--samples", str(samples),
               "--think-budget", str(budget), "--problems", str(problems)]
        subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
        row = match()
    return row


def steps_to(rows, threshold, column="accuracy", start=None):
    """(env_steps, wall_seconds, flops) of the first progress row whose `column`
    reaches `threshold`; (0, 0, 0) if `start` (the accuracy before PPO) already
    does; None if never reached."""
    if start is not None and start >= threshold:
        return (0, 0.0, rows[0]["flops"] if rows else 0.0)
    for r in rows:
        # Rows without the column (measured every --eval-every updates) are skipped.
        if isinstance(r.get(column), float) and r[column] >= threshold:
            return (r["env_steps"], r["wall_seconds"], r["flops"])
    return None


# ---------------------------------------------------------------- formatting

def stats(values):
    """(mean, std, min, max) of the non-None values, or None."""
    v = [x for x in values if x is not None]
    if not v:
        return None
    sd = statistics.stdev(v) if len(v) > 1 else 0.0
    return statistics.mean(v), sd, min(v), max(v)


def fmt(values, kind="pct", digits=1):
    """mean ± std (min–max); kind: pct (fractions shown as %), steps (k/M), num."""
    s = stats(values)
    n_all, n = len(values), len([x for x in values if x is not None])
    if s is None:
        return "never (0/%d)" % n_all
    f = {"pct": lambda x: "%.*f%%" % (digits, 100 * x),
         "steps": fmt_steps,
         "num": lambda x: "%.*f" % (digits, x),
         "sec": lambda x: "%.*f s" % (digits, x),
         "flops": lambda x: "%.2g" % x}[kind]
    text = "%s ± %s (%s–%s)" % (f(s[0]), f(s[1]), f(s[2]), f(s[3]))
    if kind == "pct":
        # keep the ± part in percentage points, without a second % sign
        text = "%.*f%% ± %.*f (%.*f–%.*f)" % (digits, 100 * s[0], digits, 100 * s[1],
                                               digits, 100 * s[2], digits, 100 * s[3])
    if n < n_all:
        text += " [%d/%d reached]" % (n, n_all)
    return text


def fmt_steps(x):
    if x >= 1e6:
        return "%.2fM" % (x / 1e6)
    if x >= 1e3:
        return "%.0fk" % (x / 1e3)
    return "%d" % x


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def seeds(args):
    return list(range(1, args.seeds + 1))


def run(args, binary, flags, seed):
    """Train (or reuse) the run with these flags and seed. Adds --workers 8 (the
    default run's 8 envs on 8 threads) unless the flags set --workers. The run's
    name is derived from the flags, so scripts share identical runs."""
    flags = list(flags)
    base = "default" if not flags else "".join(flags).replace("--", "_")
    if "--workers" not in flags:
        flags = ["--workers", "8"] + flags
    return train(args, binary, "%s-s%d" % (base, seed), flags + ["--seed", str(seed)])


def traces(args, binary, run_dir, digits, problems=None):
    """Greedy solutions of held-out problems, parsed from `rltrain eval --show N`
    (eval.csv has no per-column numbers): a list of dicts with the operands
    (most significant first), the tokens, the answer and the expected answer
    (D+1 digits, most significant first)."""
    problems = problems or args.problems
    cache = os.path.join(run_dir, "traces-%dd-%d.txt" % (digits, problems))
    if not os.path.exists(cache):
        out = subprocess.run([binary, "eval", run_dir, "--digits", str(digits), "--problems", str(problems),
                              "--show", str(problems)], check=True, capture_output=True, text=True).stdout
        with open(cache, "w") as f:
            f.write(out)
    result = []
    pat = re.compile(r"^(\d+) \+ (\d+): (.*) → (\S+) (✓|✗)(?: \(expected (\d+)\))?$")
    with open(cache) as f:
        for line in f:
            m = pat.match(line.rstrip("\n"))
            if m:
                a, b, tokens, answer, ok, expected = m.groups()
                result.append(dict(a=a, b=b, tokens=tokens.split(), answer=answer,
                                   expected=expected if expected else answer))
    return result


def column_accuracy(tr):
    """Per-column accuracy (column 0 = least significant, last = carry-out)."""
    n = len(tr[0]["expected"])
    return [sum(t["answer"][n - 1 - i] == t["expected"][n - 1 - i] for t in tr) / len(tr) for i in range(n)]


def addition_table(tr):
    """Column 0 has no carry in, so its digit is the addition table: the fraction
    of the digit pairs (a0, b0) seen whose column-0 digit is right."""
    right = {}
    for t in tr:
        pair = (t["a"][-1], t["b"][-1])
        right[pair] = right.get(pair, True) and t["answer"][-1] == t["expected"][-1]
    return sum(right.values()) / len(right), len(right)


def think_pattern(tr):
    """From greedy traces: fraction of columns with a note among carrying
    operand columns, non-carrying operand columns, and the carry-out column
    (rltrain's plain_think_rate lumps the last two together), and the note
    symbols used."""
    counts = {"carry": [0, 0], "plain": [0, 0], "carry-out": [0, 0]}
    symbols = {"carry": {}, "plain": {}, "carry-out": {}}
    pending = None
    for t in tr:
        a, b = t["a"][::-1], t["b"][::-1]
        d, carry, col, noted = len(a), 0, 0, False
        for tok in t["tokens"]:
            if tok.startswith("[t"):
                noted, pending = True, tok  # with budget > 1 the last note wins
                continue
            if col < d:
                s = int(a[col]) + int(b[col]) + carry
                kind = "carry" if s >= 10 else "plain"
                carry = 1 if s >= 10 else 0
            else:
                kind = "carry-out"
            counts[kind][0] += noted
            if noted:
                symbols[kind][pending] = symbols[kind].get(pending, 0) + 1
            counts[kind][1] += 1
            col, noted = col + 1, False
    rates = {k: (v[0] / v[1] if v[1] else None) for k, v in counts.items()}
    for k, v in symbols.items():
        total = sum(v.values())
        rates[k + " symbols"] = ", ".join("%s %.0f%%" % (sym, 100 * n / total) for sym, n in sorted(v.items())) or "—"
    return rates
