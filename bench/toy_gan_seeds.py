"""Lesson 01's toy GAN over seeds 0-7: how many of the ring's 8 modes does the generator cover?

Reruns the settings of lesson 01's section 7 (ring of 8 Gaussians, MLP G and D, z of 2 numbers,
batches of 256, Adam lr 1e-3 for both) and counts modes exactly as the lesson's `ToyView` does
(`covered_modes` on 1,000 points from fixed noise), every 100 steps. Three runs per seed:

- "least-squares", 1 G step per D step, 1,500 steps (section 7's run);
- "nonsaturating" (the BCE pair), the same otherwise;
- "least-squares", 5 G steps per D step, 600 steps (section 8's collapsing run).

The lesson's sentences about these runs cite this script's output, bench/results/toy_gan_seeds.json.

    PYTHONPATH=$PWD nice python bench/toy_gan_seeds.py            # about 5 CPU-minutes
    PYTHONPATH=$PWD python bench/toy_gan_seeds.py --seeds 1 --steps 200 --collapse-steps 100   # smoke test
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import torch

from learntools.gans.data import Batches, toy_distribution
from learntools.gans.models import MLPDiscriminator, MLPGenerator
from learntools.gans.toy import ToyView
from learntools.gans.training import AdamSettings, GANTrainer, TrainingSequence, gaussian_noise

RESULT = Path(__file__).parent / "results" / "toy_gan_seeds.json"
CHECK_EVERY = 100  # steps between mode counts


def modes_over_time(seed: int, loss: str, g_steps: int, steps: int) -> list[int]:
    """Train lesson 01's toy GAN with `seed`; return the modes covered at steps 0, 100, 200, ..."""
    torch.manual_seed(seed)  # the lesson calls torch.manual_seed before building the models
    ring = toy_distribution("ring", n=4096)  # (4096, 2), as in the lesson
    trainer = GANTrainer(
        generator=MLPGenerator(z_dim=2),
        discriminator=MLPDiscriminator(),
        data=Batches(ring, batch_size=256),
        noise=gaussian_noise(2),
        loss=loss,
        optimizers=AdamSettings(lr_g=1e-3, lr_d=1e-3),
        sequence=TrainingSequence(d_steps=1, g_steps=g_steps),
        seed=seed,
    )
    view = ToyView(trainer, name="ring", live=False, measure_every=CHECK_EVERY)  # the lesson's counter
    trainer.fit(steps=steps, callbacks=[view])
    return [moment.modes for moment in view.moments]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=8, help="seeds 0 .. N-1 (default 8)")
    parser.add_argument("--steps", type=int, default=1500, help="steps of the 1:1 runs (lesson: 1500)")
    parser.add_argument("--collapse-steps", type=int, default=600, help="steps of the 5:1 runs")
    parser.add_argument("--out", type=Path, default=RESULT)
    args = parser.parse_args()
    torch.set_num_threads(1)  # as in the lesson

    settings = {
        "least-squares, 1 G step per D step": ("least-squares", 1, args.steps),
        "nonsaturating, 1 G step per D step": ("nonsaturating", 1, args.steps),
        "least-squares, 5 G steps per D step": ("least-squares", 5, args.collapse_steps),
    }
    results = {"check_every": CHECK_EVERY, "seeds": list(range(args.seeds)), "runs": {}}
    for label, (loss, g_steps, steps) in settings.items():
        per_seed = {}
        for seed in range(args.seeds):
            start = time.perf_counter()
            counts = modes_over_time(seed, loss, g_steps, steps)
            per_seed[str(seed)] = counts
            print(f"{label}, seed {seed}: modes at every {CHECK_EVERY} steps {counts} "
                  f"({time.perf_counter() - start:.0f} s)", flush=True)
        finals = [counts[-1] for counts in per_seed.values()]
        results["runs"][label] = {
            "loss": loss, "g_steps": g_steps, "steps": steps, "modes": per_seed,
            "final": finals,
            "seeds_with_8_at_end": sum(final == 8 for final in finals),
            "max_ever": max(max(counts) for counts in per_seed.values()),
        }
        print(f"{label}: final modes {finals}; all 8 at step {steps} for "
              f"{results['runs'][label]['seeds_with_8_at_end']} of {args.seeds} seeds; "
              f"most ever at a check: {results['runs'][label]['max_ever']}", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
