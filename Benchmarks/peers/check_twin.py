#!/usr/bin/env python3
"""Checks the gymnasium twin (gridworld_env.py) against the gridworld specification,
and its random-policy statistics against the exact values and against rltrain.

    python3 Benchmarks/peers/check_twin.py [--rltrain .build/release/rltrain] [--episodes 20000]

1. Spec checks on fixed maps: map sizes and floor counts (the fourrooms text is
   also compared with the one in Environments/Gridworld/GridMap.swift), the
   observation layout, moves and walls, rewards, termination, truncation, and the
   return of a BFS-optimal policy from every start to every goal.
2. The reset distribution: every ordered (start, goal) pair of distinct floor
   cells equally likely (chi-square on empty-5).
3. A uniformly random policy's success rate, mean return and mean episode length
   on empty-8 and fourrooms, computed exactly (dynamic programming over the
   start/goal distribution) and compared with (a) the twin over --episodes
   episodes and (b) `rltrain eval --sample` on an untrained rltrain run, whose
   policy is uniform up to the 0.01-gain output layer (entropy ln 4 to 5
   digits). Agreement within 4 standard errors passes.
4. gymnasium's and (if installed) Stable-Baselines3's environment checkers.

Exits 1 if any check fails.
"""
import argparse, csv, math, os, re, subprocess, sys, tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gridworld_env import FOURROOMS, GridMap, GridworldEnv, layout_text  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
failures = []


def check(name, ok, detail=""):
    print(f"{'ok  ' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}")
    if not ok:
        failures.append(name)


def cell(env, r, c):
    return r * env.map.width + c


# 1. Spec checks -------------------------------------------------------------

def check_maps():
    for name, size, floor in [("empty-8", 8, 36), ("empty-4", 4, 4), ("fourrooms", 13, 104)]:
        env = GridworldEnv(name)
        check(f"{name} is {size}x{size} with {floor} floor cells, observation {3 * size * size} floats",
              (env.map.height, env.map.width, len(env.map.floor), env.observation_space.shape) ==
              (size, size, floor, (3 * size * size,)))
    swift = os.path.join(REPO, "Environments", "Gridworld", "GridMap.swift")
    if os.path.exists(swift):
        source = open(swift).read()
        match = re.search(r'fourRoomsText = """\n(.*?)\n\s*"""', source, re.S)
        rows = [line.strip() for line in match.group(1).split("\n")] if match else []
        # The Swift literal's rows end in '#', so stripping its indentation keeps the map.
        check("fourrooms text equals rltrain's GridMap.fourRoomsText", "\n".join(rows) == FOURROOMS)
    for bad in ["empty-3", "empty-65", "rooms"]:
        try:
            layout_text(bad)
            check(f"{bad} is rejected", False)
        except ValueError:
            check(f"{bad} is rejected", True)


def check_observation_and_moves():
    env = GridworldEnv("fourrooms")
    n = env.map.cell_count
    start, goal = cell(env, 1, 1), cell(env, 11, 11)
    obs, _ = env.reset(options={"start": start, "goal": goal})
    walls = np.array([[ch == "#" for ch in row] for row in FOURROOMS.split("\n")], dtype=np.float32).ravel()
    agent_plane = np.zeros(n, np.float32); agent_plane[start] = 1
    goal_plane = np.zeros(n, np.float32); goal_plane[goal] = 1
    check("observation = wall, agent, goal planes, row-major, float32",
          obs.dtype == np.float32 and np.array_equal(obs, np.concatenate([walls, agent_plane, goal_plane])))
    # From (1,1): up and left hit the border wall and stay; right and down move.
    for action, expected in [(0, (1, 1)), (3, (1, 1)), (1, (1, 2)), (2, (2, 2)), (3, (2, 1)), (0, (1, 1))]:
        obs, reward, terminated, truncated, _ = env.step(action)
        r, c = divmod(env.agent, env.map.width)
        ok = (r, c) == expected and obs[n + env.agent] == 1 and obs[n:2 * n].sum() == 1 and reward == 0
        check(f"action {action} leads to {expected}", ok and not terminated and not truncated, f"got {(r, c)}")
    # Walk into the inner wall at (1,6) from (1,5): stays at (1,5).
    env.reset(options={"start": cell(env, 1, 5), "goal": goal})
    env.step(1)
    check("a move into an inner wall stays", env.agent == cell(env, 1, 5))
    # Through the door at (6,2) from (5,2) down to (7,2).
    env.reset(options={"start": cell(env, 5, 2), "goal": goal})
    env.step(2); env.step(2)
    check("a door cell is floor", env.agent == cell(env, 7, 2))


def check_rewards_and_truncation():
    env = GridworldEnv("empty-8")
    T = env.max_steps
    check("max_steps = H*W", T == 64)
    # Goal 3 steps right of the start.
    env.reset(options={"start": cell(env, 1, 1), "goal": cell(env, 1, 4)})
    rewards = [env.step(1)[1:4] for _ in range(3)]
    check("reaching the goal in t=3 gives 1 - 0.9*3/64 and terminates",
          rewards[:2] == [(0.0, False, False)] * 2 and rewards[2] == (1 - 0.9 * 3 / 64, True, False), str(rewards))
    # Bump into the top wall: truncated exactly at step T, not before.
    env.reset(options={"start": cell(env, 1, 1), "goal": cell(env, 6, 6)})
    outcomes = [env.step(0)[1:4] for _ in range(T)]
    check("truncated at max_steps, not before, reward 0",
          outcomes[:-1] == [(0.0, False, False)] * (T - 1) and outcomes[-1] == (0.0, False, True))
    # Reaching the goal on the last allowed step terminates (not truncated).
    env.reset(options={"start": cell(env, 1, 1), "goal": cell(env, 1, 2)})
    for _ in range(T - 1):
        env.step(0)
    last = env.step(1)[1:4]
    check("goal on the last allowed step terminates with 1 - 0.9", last == (1 - 0.9, True, False), str(last))
    # A shorter max_steps changes both the truncation and the reward scale.
    env = GridworldEnv("empty-8", max_steps=10)
    env.reset(options={"start": cell(env, 1, 1), "goal": cell(env, 1, 3)})
    env.step(1)
    check("max_steps=10: goal in 2 steps gives 1 - 0.18", env.step(1)[1:3] == (1 - 0.9 * 2 / 10, True))


def check_bfs_optimal(layout, hand_distances):
    env = GridworldEnv(layout)
    m = env.map
    T = env.max_steps
    for (a, b), expected in hand_distances.items():
        d = m.distances(cell(env, *a))[cell(env, *b)]
        check(f"{layout}: BFS distance {a} -> {b} is {expected}", d == expected, f"got {d}")
    bad = 0
    pairs = 0
    for goal in m.floor:
        to_goal = m.distances(int(goal))  # symmetric moves: distance to the goal
        for start in m.floor:
            if start == goal:
                continue
            pairs += 1
            if layout.startswith("empty-"):  # no inner walls: Manhattan distance
                (r1, c1), (r2, c2) = divmod(int(start), m.width), divmod(int(goal), m.width)
                bad += to_goal[start] != abs(r1 - r2) + abs(c1 - c2)
            env.reset(options={"start": int(start), "goal": int(goal)})
            ret, steps, done = 0.0, 0, False
            while not done:
                action = min(range(4), key=lambda a: to_goal[m.moves[4 * env.agent + a]])
                _, reward, terminated, truncated, _ = env.step(action)
                ret += reward; steps += 1; done = terminated or truncated
            d = to_goal[start]
            bad += not (terminated and steps == d and abs(ret - (1 - 0.9 * d / T)) < 1e-12)
    check(f"{layout}: BFS-optimal policy reaches the goal in d steps with return 1 - 0.9 d/T, all {pairs} pairs",
          bad == 0, f"{bad} wrong")


# 2. Reset distribution ------------------------------------------------------

def check_reset_distribution(resets=72_000):
    env = GridworldEnv("empty-5")
    env.reset(seed=123)
    floor = list(env.map.floor)
    counts = {}
    for _ in range(resets):
        env.reset()
        counts[(env.start, env.goal)] = counts.get((env.start, env.goal), 0) + 1
    k = len(floor) * (len(floor) - 1)
    expected = resets / k
    chi2 = sum((counts.get((s, g), 0) - expected) ** 2 / expected for s in floor for g in floor if s != g)
    df = k - 1
    check(f"reset: only distinct floor pairs drawn ({len(counts)} of {k})",
          len(counts) == k and all(s != g and s in floor and g in floor for s, g in counts))
    # chi-square with df degrees of freedom: mean df, sd sqrt(2 df); 5 sd is p < 1e-4.
    check("reset: uniform over ordered pairs (chi-square)", chi2 < df + 5 * math.sqrt(2 * df),
          f"chi2 {chi2:.1f}, df {df}")
    a, b = GridworldEnv("empty-8"), GridworldEnv("empty-8")
    same = all((a.reset(seed=s)[0] == b.reset(seed=s)[0]).all() for s in range(20))
    check("reset(seed=s) is deterministic", same)


# 3. Random-policy statistics --------------------------------------------------

def exact_random_policy(layout):
    """Success rate, mean return, mean length and length s.d. of a uniform random
    policy, exactly: start and goal uniform over ordered distinct floor pairs."""
    env = GridworldEnv(layout)
    m, T = env.map, env.max_steps
    n, floor = m.cell_count, m.floor
    P = np.zeros((n, n))
    for c in floor:
        for a in range(4):
            P[c, m.moves[4 * c + a]] += 0.25
    success = ret = length = length2 = 0.0
    for g in floor:
        v = np.zeros(n)
        v[floor] = 1.0 / (len(floor) * (len(floor) - 1))
        v[g] = 0.0
        for t in range(1, T + 1):
            v = v @ P
            hit = v[g]
            v[g] = 0.0
            success += hit; ret += hit * (1 - 0.9 * t / T); length += hit * t; length2 += hit * t * t
        length += T * v.sum(); length2 += T * T * v.sum()
    return {"success_rate": success, "return_mean": ret, "episode_length": length,
            "length_sd": math.sqrt(length2 - length ** 2)}


def twin_random_policy(layout, episodes, seed=7):
    env = GridworldEnv(layout)
    env.reset(seed=seed)
    rng = np.random.default_rng(seed)
    successes = returns = lengths = 0.0
    for _ in range(episodes):
        env.reset()
        done = False
        while not done:
            _, reward, terminated, truncated, _ = env.step(int(rng.integers(4)))
            done = terminated or truncated
            returns += reward
        successes += terminated; lengths += env.steps
    return {"success_rate": successes / episodes, "return_mean": returns / episodes,
            "episode_length": lengths / episodes}


def rltrain_random_policy(binary, layout, episodes):
    """`rltrain eval --sample` on a one-update run with learning rate 1e-30 (the
    initial policy: rltrain refuses 0)."""
    with tempfile.TemporaryDirectory(prefix="peers-twin-") as out:
        subprocess.run([binary, "--env", "gridworld", "--layout", layout, "--total-timesteps", "1024",
                        "--learning-rate", "1e-30", "--seed", "1", "--runs-dir", out, "--run-name", "untrained",
                        "--quiet"], check=True)
        run = os.path.join(out, "untrained")
        subprocess.run([binary, "eval", run, "--sample", "--episodes", str(episodes)], check=True,
                       stdout=subprocess.DEVNULL)
        with open(os.path.join(run, "progress.csv")) as f:
            entropy = float(list(csv.DictReader(f))[-1]["entropy"])
        with open(os.path.join(run, "eval.csv")) as f:
            row = list(csv.DictReader(f))[-1]
    return {k: float(row[k]) for k in ("success_rate", "return_mean", "episode_length")}, entropy


def compare(label, exact, measured, episodes):
    p = exact["success_rate"]
    se = {"success_rate": math.sqrt(p * (1 - p) / episodes),
          "episode_length": exact["length_sd"] / math.sqrt(episodes),
          "return_mean": None}
    for key in ("success_rate", "episode_length", "return_mean"):
        if se[key] is None:
            print(f"     {label} {key}: {measured[key]:.4f} (exact {exact[key]:.4f})")
            continue
        z = (measured[key] - exact[key]) / se[key]
        check(f"{label} {key} {measured[key]:.4f} vs exact {exact[key]:.4f}", abs(z) < 4, f"z = {z:+.2f}")


# 4. Library checkers ------------------------------------------------------------

def check_library_checkers():
    import warnings
    from gymnasium.utils.env_checker import check_env
    for layout in ("empty-8", "fourrooms"):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                check_env(GridworldEnv(layout), skip_render_check=True)
            check(f"gymnasium check_env ({layout})", True)
        except Exception as error:  # noqa: BLE001 -- report any complaint
            check(f"gymnasium check_env ({layout})", False, str(error))
    try:
        from stable_baselines3.common.env_checker import check_env as sb3_check_env
    except ImportError:
        print("     (stable-baselines3 not installed: its checker skipped)")
        return
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            sb3_check_env(GridworldEnv("fourrooms"))
        check("stable-baselines3 check_env", True)
    except Exception as error:  # noqa: BLE001
        check("stable-baselines3 check_env", False, str(error))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rltrain", default=os.path.join(REPO, ".build", "release", "rltrain"),
                        help="built rltrain for the statistics comparison (skipped if missing)")
    parser.add_argument("--episodes", type=int, default=20_000)
    options = parser.parse_args()

    check_maps()
    check_observation_and_moves()
    check_rewards_and_truncation()
    check_bfs_optimal("empty-8", {((1, 1), (6, 6)): 10})
    check_bfs_optimal("fourrooms", {((1, 1), (11, 11)): 20, ((1, 1), (1, 11)): 14, ((5, 5), (8, 1)): 7,
                                    ((1, 1), (3, 1)): 2})
    check_reset_distribution()
    for layout in ("empty-8", "fourrooms"):
        exact = exact_random_policy(layout)
        print(f"     {layout} uniform random policy, exact: success {exact['success_rate']:.4f}, "
              f"return {exact['return_mean']:.4f}, length {exact['episode_length']:.3f} (s.d. {exact['length_sd']:.2f})")
        compare(f"{layout} twin ({options.episodes} episodes)", exact, twin_random_policy(layout, options.episodes),
                options.episodes)
        if os.path.exists(options.rltrain):
            measured, entropy = rltrain_random_policy(options.rltrain, layout, options.episodes)
            print(f"     rltrain untrained policy entropy {entropy:.6f} (ln 4 = {math.log(4):.6f})")
            compare(f"{layout} rltrain eval --sample ({options.episodes} episodes)", exact, measured, options.episodes)
        else:
            print(f"     ({options.rltrain} not found: the rltrain comparison is skipped)")
    check_library_checkers()
    print(f"\n{len(failures)} check(s) failed" if failures else "\nall checks passed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
