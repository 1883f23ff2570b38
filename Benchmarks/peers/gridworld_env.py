"""A gymnasium twin of rltrain's gridworld, written from the specification in the
README ("The environments") and DESIGN.md ("Environment: gridworld"), so that
other trainers can be run on the same task.

- Maps are ASCII: `#` wall, `.` or space floor, optional `S` fixed start and `G`
  fixed goal. Built-in layouts: `fourrooms` (13x13) and `empty-N` (NxN including
  the wall border, 4 <= N <= 64). Cells are numbered row-major, row 0 at the top;
  everything outside the map counts as wall.
- Observation: three binary HxW planes, wall, agent, goal, each row-major,
  concatenated: a float32 vector of 3*H*W.
- Actions: 0 up, 1 right, 2 down, 3 left. A move into a wall (or off the map)
  leaves the agent in place.
- Reward: reaching the goal after t steps (t counts the last step) terminates the
  episode with 1 - 0.9*t/max_steps; every other step gives 0. After max_steps
  (default H*W) steps the episode is truncated; reaching the goal on the last
  allowed step terminates instead.
- Reset: without `S` the start, and without `G` the goal, is drawn uniformly from
  the floor cells, start and goal distinct. The draw order mirrors rltrain's
  (start first, then the goal among the other floor cells), but the random
  stream is numpy's, so the episodes are not rltrain's: only the distribution is.

`info["is_success"]` is set on the step that ends an episode (the key SB3 reads).
"""
from collections import deque

import gymnasium as gym
import numpy as np

FOURROOMS = "\n".join([
    "#############",
    "#     #     #",
    "#     #     #",
    "#           #",
    "#     #     #",
    "#     #     #",
    "## ####     #",
    "#     ### ###",
    "#     #     #",
    "#     #     #",
    "#           #",
    "#     #     #",
    "#############",
])

# Row and column offsets of the four actions: up, right, down, left.
MOVES = ((-1, 0), (0, 1), (1, 0), (0, -1))


def layout_text(name):
    """The ASCII text of a built-in layout: `fourrooms` or `empty-N`."""
    if name == "fourrooms":
        return FOURROOMS
    if name.startswith("empty-") and name[len("empty-"):].isdigit():
        n = int(name[len("empty-"):])
        if 4 <= n <= 64:
            inner = "#" + "." * (n - 2) + "#"
            return "\n".join(["#" * n] + [inner] * (n - 2) + ["#" * n])
    raise ValueError(f"{name}: unknown layout (valid: empty-N for 4 <= N <= 64, fourrooms)")


class GridMap:
    """A parsed map: `walls` (H*W bools, row-major), `floor` (floor cells in
    increasing order), optional fixed `start` and `goal`, and the move table."""

    def __init__(self, text):
        lines = text.replace("\r\n", "\n").split("\n")
        if lines and lines[-1] == "":
            lines.pop()  # a final line break
        if not lines or not lines[0]:
            raise ValueError("map is empty")
        self.height, self.width = len(lines), len(lines[0])
        self.walls = np.zeros(self.height * self.width, dtype=bool)
        self.start = self.goal = None
        for r, line in enumerate(lines):
            if len(line) != self.width:
                raise ValueError(f"row {r + 1} has {len(line)} columns but row 1 has {self.width}")
            for c, ch in enumerate(line):
                cell = r * self.width + c
                if ch == "#":
                    self.walls[cell] = True
                elif ch == "S" and self.start is None:
                    self.start = cell
                elif ch == "G" and self.goal is None:
                    self.goal = cell
                elif ch not in ". ":
                    raise ValueError(f"{r + 1}:{c + 1}: unexpected character {ch!r}")
        self.floor = np.flatnonzero(~self.walls)
        if len(self.floor) < 2:
            raise ValueError("a map needs at least 2 floor cells")
        # moves[4*cell + action]: the cell the action leads to.
        self.moves = np.empty(4 * self.cell_count, dtype=np.int64)
        for cell in range(self.cell_count):
            for action in range(4):
                self.moves[4 * cell + action] = self._neighbour(cell, action)
        reach = self.distances(self.start if self.start is not None else int(self.floor[0]))
        if self.start is None or self.goal is None:
            if (reach[self.floor] < 0).any():
                raise ValueError("with a random start or goal every floor cell must be reachable")
        elif reach[self.goal] < 0:
            raise ValueError("the goal is unreachable from the start")

    @property
    def cell_count(self):
        return self.height * self.width

    def _neighbour(self, cell, action):
        r, c = divmod(cell, self.width)
        dr, dc = MOVES[action]
        r2, c2 = r + dr, c + dc
        if not (0 <= r2 < self.height and 0 <= c2 < self.width) or self.walls[r2 * self.width + c2]:
            return cell
        return r2 * self.width + c2

    def distances(self, cell):
        """BFS moves from `cell` to every cell; -1 for walls and unreachable cells."""
        distance = np.full(self.cell_count, -1, dtype=np.int64)
        if self.walls[cell]:
            return distance
        distance[cell] = 0
        queue = deque([cell])
        while queue:
            current = queue.popleft()
            for action in range(4):
                nxt = int(self.moves[4 * current + action])
                if distance[nxt] < 0:
                    distance[nxt] = distance[current] + 1
                    queue.append(nxt)
        return distance


class GridworldEnv(gym.Env):
    """The gridworld as a gymnasium environment. `layout` is a built-in name;
    `map_text` (ASCII map) overrides it."""

    metadata = {"render_modes": ["ansi"]}

    def __init__(self, layout="fourrooms", map_text=None, max_steps=None):
        super().__init__()
        self.map = GridMap(map_text if map_text is not None else layout_text(layout))
        n = self.map.cell_count
        self.max_steps = max_steps if max_steps is not None else n
        if self.max_steps <= 0:
            raise ValueError("max_steps must be positive")
        self.observation_space = gym.spaces.Box(0.0, 1.0, shape=(3 * n,), dtype=np.float32)
        self.action_space = gym.spaces.Discrete(4)
        self._wall_plane = self.map.walls.astype(np.float32)
        self._moves = self.map.moves.tolist()  # Python ints: faster to index per step
        self.agent = self.start = self.goal = None
        self.steps = 0

    def _observation(self):
        n = self.map.cell_count
        obs = np.zeros(3 * n, dtype=np.float32)
        obs[:n] = self._wall_plane
        obs[n + self.agent] = 1.0
        obs[2 * n + self.goal] = 1.0
        return obs

    def _draw_floor(self, excluded):
        """A floor cell drawn uniformly, other than `excluded` (a floor cell or None)."""
        floor = self.map.floor
        if excluded is None:
            return int(floor[self.np_random.integers(len(floor))])
        i = int(self.np_random.integers(len(floor) - 1))
        return int(floor[i + 1]) if floor[i] >= excluded else int(floor[i])

    def reset(self, *, seed=None, options=None):
        """A new episode. `options={"start": s, "goal": g}` fixes both ends (for tests)."""
        super().reset(seed=seed)
        if options and "start" in options:
            self.start, self.goal = int(options["start"]), int(options["goal"])
            if self.start == self.goal or self.map.walls[self.start] or self.map.walls[self.goal]:
                raise ValueError("start and goal must be distinct floor cells")
        else:
            self.start = self.map.start if self.map.start is not None else self._draw_floor(self.map.goal)
            self.goal = self.map.goal if self.map.goal is not None else self._draw_floor(self.start)
        self.agent = self.start
        self.steps = 0
        return self._observation(), {}

    def step(self, action):
        self.agent = self._moves[4 * self.agent + int(action)]
        self.steps += 1
        if self.agent == self.goal:
            return self._observation(), 1.0 - 0.9 * self.steps / self.max_steps, True, False, {"is_success": True}
        truncated = self.steps >= self.max_steps
        return self._observation(), 0.0, False, truncated, ({"is_success": False} if truncated else {})

    def render(self):
        rows = []
        for r in range(self.map.height):
            row = ""
            for c in range(self.map.width):
                cell = r * self.map.width + c
                row += "A" if cell == self.agent else "G" if cell == self.goal else "#" if self.map.walls[cell] else "."
            rows.append(row)
        return "\n".join(rows)


def make_env(layout, max_steps=None):
    """A thunk for gymnasium's SyncVectorEnv or SB3's DummyVecEnv / make_vec_env."""
    def thunk():
        return GridworldEnv(layout=layout, max_steps=max_steps)
    return thunk
