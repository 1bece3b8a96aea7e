"""A digit generator trained ahead of time, for demonstrations that need a good one at once (lesson 06's
latent space), whatever the time a notebook's own training got.

The weights in weights/dcgan_generator.pt are those of the `dcgan` recipe's averaged generator (z 32,
width 16, refine: 72,017 numbers) after `STEPS` steps from seed `SEED`, on one CPU thread. Remake them with

    python -m learntools.gans.pretrained            # about 10 to 20 minutes on one CPU core

The file also holds a fingerprint of the same run after `FINGERPRINT_STEPS` steps (every tensor's sum),
so that tests can check, in seconds, that this script and recipe are the ones that made the shipped file.
Load it with `load_digit_generator()` (torch.load with weights_only=True).
"""

from __future__ import annotations

import argparse
import os

import torch

from learntools.gans.models import DCGANGenerator
from learntools.gans.recipes import build_recipe

RECIPE = "dcgan"
SEED = 0
STEPS = 1000
FINGERPRINT_STEPS = 3
WEIGHTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "weights", "dcgan_generator.pt")


def train_generator(steps: int = STEPS, seed: int = SEED) -> dict:
    """Train the recipe for `steps` steps on one CPU thread; returns the averaged generator's state_dict."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # one thread: the same numbers on every run of the same machine and torch
    try:
        trainer = build_recipe(RECIPE, seed=seed, device="cpu")
        trainer.fit(steps=steps, progress=False)
    finally:
        torch.set_num_threads(threads)
    return {name: value.detach().clone() for name, value in trainer.generator_ema.state_dict().items()}


def fingerprint(state_dict: dict) -> dict:
    """Every tensor's sum, as plain floats: a cheap summary to compare two runs by."""
    return {name: float(value.double().sum()) for name, value in state_dict.items()}


def make_file(path: str = WEIGHTS, steps: int = STEPS, seed: int = SEED) -> dict:
    """Train, fingerprint the first steps, and write the file `load_digit_generator` reads."""
    content = {
        "generator": train_generator(steps, seed),
        "recipe": RECIPE,
        "seed": seed,
        "steps": steps,
        "fingerprint_steps": FINGERPRINT_STEPS,
        "fingerprint": fingerprint(train_generator(FINGERPRINT_STEPS, seed)),
        "torch": str(torch.__version__),
    }
    torch.save(content, path)
    return content


def load_file(path: str = WEIGHTS) -> dict:
    """The shipped file's content (weights, recipe, steps, fingerprint), loaded safely."""
    return torch.load(path, map_location="cpu", weights_only=True)


def load_digit_generator(device=None, path: str = WEIGHTS) -> DCGANGenerator:
    """The pre-trained `dcgan` generator (z_dim 32), in eval mode, on `device` (default: the CPU)."""
    content = load_file(path)
    generator = DCGANGenerator(z_dim=32, width=16, refine=True)
    generator.load_state_dict(content["generator"])
    return generator.to(device or "cpu").eval().requires_grad_(False)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Remake the pre-trained digit generator's weights.")
    parser.add_argument("--steps", type=int, default=STEPS)
    parser.add_argument("--out", default=WEIGHTS)
    args = parser.parse_args(argv)
    content = make_file(args.out, steps=args.steps)
    print(f"wrote {args.out}: recipe {content['recipe']}, seed {content['seed']}, {content['steps']} steps")


if __name__ == "__main__":
    main()
