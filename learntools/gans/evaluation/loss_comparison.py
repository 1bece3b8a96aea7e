"""Five GAN losses on digits, same model, same steps, several seeds (lesson 07's comparison table).

    python -m learntools.gans.evaluation.loss_comparison                 # the shipped table (about an hour on 2 busy cores)
    python -m learntools.gans.evaluation.loss_comparison --steps 20 --seeds 0 --samples 200 --out /tmp/t.json

Every run builds the same DCGAN pair (the `dcgan-fast` recipe's networks: width 8, z 32, refine=True;
D without BatchNorm, because WGAN-GP's gradient penalty scores each example on its own), the same
optimizer (the recipes' tuned Adam, 2e-3, betas (0, 0.9)), one D step per G step, and the same number of
steps; only the loss changes. Each run is then measured with `learntools.gans.evaluation.metrics`:
the Fréchet distance of 1,000 samples (from G's moving average) to the 1,000 held-out digits, and the
number of digit classes covered. The results go to loss_comparison.json beside this file, which lesson
07 loads and prints as mean ± spread over the seeds.

It is a comparison at one shared setting, not at each loss's own best settings (WGAN-GP, for example, is
usually trained with 5 critic steps per G step and a lower learning rate).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import torch

from learntools.gans.data import Batches, load_mnist
from learntools.gans.evaluation import metrics
from learntools.gans.models import DCGANDiscriminator, DCGANGenerator
from learntools.gans.recipes import TUNED_ADAM, seeded
from learntools.gans.training import GANTrainer, TrainingSequence, gaussian_noise

__all__ = ["LOSS_NAMES", "RESULTS_PATH", "run_one", "compare_losses", "load_results", "summarise"]

LOSS_NAMES = ("minimax", "nonsaturating", "least-squares", "hinge", "wgan-gp")
RESULTS_PATH = Path(__file__).resolve().parent / "loss_comparison.json"
SETTINGS = {"steps": 600, "seeds": [0, 1, 2], "samples": 1000, "z_dim": 32, "width": 8, "batch_size": 32,
            "lr": TUNED_ADAM.lr_g, "betas": list(TUNED_ADAM.betas), "ema_decay": 0.99}


def build_trainer(loss, seed, settings=SETTINGS, images=None):
    """The shared set-up with `loss` (a name of learntools.gans.losses.LOSSES), seeded with `seed`."""
    if images is None:
        images, _ = load_mnist("train")  # (4000, 1, 28, 28) in [-1, 1]
    with seeded(seed):
        generator = DCGANGenerator(z_dim=settings["z_dim"], width=settings["width"], refine=True)
        discriminator = DCGANDiscriminator(width=settings["width"], refine=True, batch_norm=False)
    return GANTrainer(
        generator, discriminator,
        data=Batches(images, batch_size=settings["batch_size"], seed=seed),
        noise=gaussian_noise(settings["z_dim"]),
        loss=loss,
        optimizers=type(TUNED_ADAM)(lr_g=settings["lr"], lr_d=settings["lr"], betas=tuple(settings["betas"])),
        sequence=TrainingSequence(d_steps=1, g_steps=1),
        device="cpu", seed=seed, ema_decay=settings["ema_decay"],
    )


def run_one(loss, seed, settings=SETTINGS, images=None):
    """Train one run and measure it: {"loss", "seed", "frechet_distance", "classes_covered", "seconds"}."""
    trainer = build_trainer(loss, seed, settings, images)
    trainer.fit(steps=settings["steps"], progress=False)
    samples = trainer.sample(settings["samples"], seed=10_000 + seed)  # (samples, 1, 28, 28)
    finite = bool(torch.isfinite(samples).all())
    return {
        "loss": loss,
        "seed": seed,
        # a run that diverged to NaN is recorded as such, not left out
        "frechet_distance": metrics.frechet_distance(samples, "test") if finite else None,
        "classes_covered": metrics.class_coverage(samples)["classes_covered"] if finite else 0,
        "seconds": round(trainer.train_seconds, 1),
    }


def compare_losses(settings=SETTINGS, losses=LOSS_NAMES, log=print):
    """Every loss at every seed; returns {"settings": ..., "runs": [run_one(...), ...]}."""
    images, _ = load_mnist("train")
    runs = []
    for seed in settings["seeds"]:
        for loss in losses:
            run = run_one(loss, seed, settings, images)
            log(f"{loss:>14} seed {seed}: Fréchet distance {run['frechet_distance']}, "
                f"{run['classes_covered']} classes, {run['seconds']} s")
            runs.append(run)
    return {"settings": dict(settings), "torch": torch.__version__, "runs": runs}


def load_results(path=RESULTS_PATH):
    """The shipped results (a dict as `compare_losses` returns it)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def summarise(results):
    """{loss: {"fd_mean", "fd_min", "fd_max", "classes_mean", "classes_min", "classes_max", "n", "diverged"}}."""
    table = {}
    for loss in dict.fromkeys(run["loss"] for run in results["runs"]):
        runs = [run for run in results["runs"] if run["loss"] == loss]
        distances = [run["frechet_distance"] for run in runs if run["frechet_distance"] is not None]
        classes = [run["classes_covered"] for run in runs]
        table[loss] = {
            "n": len(runs), "diverged": len(runs) - len(distances),
            "fd_mean": sum(distances) / len(distances) if distances else float("nan"),
            "fd_min": min(distances, default=float("nan")), "fd_max": max(distances, default=float("nan")),
            "classes_mean": sum(classes) / len(classes), "classes_min": min(classes), "classes_max": max(classes),
        }
    return table


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=SETTINGS["steps"])
    parser.add_argument("--seeds", type=int, nargs="+", default=SETTINGS["seeds"])
    parser.add_argument("--samples", type=int, default=SETTINGS["samples"])
    parser.add_argument("--losses", nargs="+", default=list(LOSS_NAMES), choices=LOSS_NAMES)
    parser.add_argument("--threads", type=int, default=1, help="torch threads (1 keeps runs reproducible)")
    parser.add_argument("--out", type=Path, default=RESULTS_PATH)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    settings = {**SETTINGS, "steps": args.steps, "seeds": args.seeds, "samples": args.samples}
    started = time.perf_counter()
    results = compare_losses(settings, tuple(args.losses))
    args.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
