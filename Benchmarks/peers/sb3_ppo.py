#!/usr/bin/env python3
"""Stable-Baselines3 PPO on the gridworld twin with the standard config, writing
a progress file (progress.py) for run.py.

    python3 Benchmarks/peers/sb3_ppo.py --layout empty-8 --total-timesteps 300032 --seed 1 --progress p.csv

Standard config: separate 64,64 tanh actor and critic (SB3's orthogonal init),
8 envs (make_vec_env: DummyVecEnv of Monitor-wrapped envs) x 128 steps,
4 minibatches (batch_size 256) x 4 epochs, Adam lr 2.5e-4 annealed linearly,
gamma 0.99, lambda 0.95, clip 0.2, entropy 0.01, value 0.5, max grad norm 0.5,
advantages normalised per minibatch; torch on one thread, CPU.

The learning-rate schedule gives update k of U the rate 2.5e-4 * (1 - (k-1)/U),
as CleanRL and rltrain do (SB3's plain linear schedule would give (1 - k/U)).
Otherwise SB3's own choices stand: the value loss is unclipped (clip_range_vf
None) and is MSE without CleanRL's 1/2, and truncated episodes are bootstrapped.
"""
import argparse, os, sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gridworld_env import GridworldEnv  # noqa: E402
from progress import Progress  # noqa: E402

NUM_ENVS, NUM_STEPS, NUM_MINIBATCHES = 8, 128, 4


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--layout", default="fourrooms")
    parser.add_argument("--total-timesteps", type=int, default=200_704)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--learning-rate", type=float, default=2.5e-4)
    parser.add_argument("--progress", required=True, help="path of the progress CSV to write")
    args = parser.parse_args()
    torch.set_num_threads(1)

    from stable_baselines3 import PPO
    from stable_baselines3.common.callbacks import BaseCallback
    from stable_baselines3.common.env_util import make_vec_env
    from stable_baselines3.common.vec_env import DummyVecEnv

    batch = NUM_ENVS * NUM_STEPS
    updates = args.total_timesteps // batch
    if updates < 1:
        sys.exit(f"sb3_ppo.py: --total-timesteps must be at least one batch ({batch})")
    progress = Progress(args.progress)

    class Outcomes(BaseCallback):
        """Records each finished episode's success, and one progress row per update
        (written when the next rollout starts, i.e. after the update)."""

        def __init__(self):
            super().__init__()
            self.pending = None  # (env_steps, episodes, success_rate) at the end of a rollout

        def _flush(self):
            if self.pending:
                env_steps, episodes, success_rate = self.pending
                progress.row(env_steps, success_rate=success_rate, episodes=episodes)
                self.pending = None

        def _on_rollout_start(self):
            self._flush()

        def _on_step(self):
            dones = self.locals["dones"]
            if dones.any():
                infos = self.locals["infos"]
                for i in np.flatnonzero(dones):  # env order, as rltrain merges them
                    progress.episode(infos[i].get("is_success", False))
            return True

        def _on_rollout_end(self):
            self.pending = (self.num_timesteps, progress.episodes, progress.success_rate())

        def _on_training_end(self):
            self._flush()

    env = make_vec_env(GridworldEnv, n_envs=NUM_ENVS, seed=args.seed, env_kwargs={"layout": args.layout},
                       vec_env_cls=DummyVecEnv)
    lr = args.learning_rate
    model = PPO(
        "MlpPolicy", env,
        learning_rate=lambda remaining: lr * min(1.0, remaining + 1.0 / updates),
        n_steps=NUM_STEPS, batch_size=batch // NUM_MINIBATCHES, n_epochs=4,
        gamma=0.99, gae_lambda=0.95, clip_range=0.2, ent_coef=0.01, vf_coef=0.5, max_grad_norm=0.5,
        policy_kwargs=dict(net_arch=dict(pi=[64, 64], vf=[64, 64]), activation_fn=torch.nn.Tanh),
        seed=args.seed, device="cpu", verbose=0,
    )
    progress.start()
    model.learn(total_timesteps=updates * batch, callback=Outcomes())
    progress.close()


if __name__ == "__main__":
    main()
