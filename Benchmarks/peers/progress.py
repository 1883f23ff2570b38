"""The progress file the peer trainers write, with the columns run.py reads from
rltrain's progress.csv: one row per PPO update, written after the update.

    update, env_steps, episodes, success_rate, wall_seconds

success_rate is over the last 100 finished episodes (fewer before 100 have
finished, empty before the first), as in rltrain; wall_seconds counts from
`start()`, called just before training begins (after imports and set-up).
"""
import csv, time
from collections import deque

WINDOW = 100


class Progress:
    def __init__(self, path):
        self._file = open(path, "w", newline="")
        self._csv = csv.writer(self._file)
        self._csv.writerow(["update", "env_steps", "episodes", "success_rate", "wall_seconds"])
        self._outcomes = deque(maxlen=WINDOW)
        self.episodes = 0
        self.updates = 0
        self._started = None

    def start(self):
        self._started = time.perf_counter()

    def elapsed(self):
        return time.perf_counter() - self._started

    def episode(self, success):
        self._outcomes.append(bool(success))
        self.episodes += 1

    def success_rate(self):
        return sum(self._outcomes) / len(self._outcomes) if self._outcomes else None

    def row(self, env_steps, success_rate=None, episodes=None, wall_seconds=None):
        """Writes the row of one finished update; the outcome figures default to now's."""
        self.updates += 1
        rate = self.success_rate() if episodes is None else success_rate
        self._csv.writerow([self.updates, env_steps, self.episodes if episodes is None else episodes,
                            "" if rate is None else repr(rate),
                            repr(self.elapsed() if wall_seconds is None else wall_seconds)])

    def close(self):
        self._file.close()
