"""Lesson 12's experiment: a small DCGAN on 500 and on 4,000 digits, without and with DiffAugment, over seeds.

Every run trains the same networks (the `dcgan` recipe's: width 16, 32 noise numbers, refine=True, its
tuned Adam) for the same number of steps, on the first `size` digits of the 4,000-digit training split.
Only two things change: how many digits there are (500 or 4,000), and whether D sees them plainly
(GANTrainer) or through DiffAugment's translation and cutout (DiffAugmentTrainer, lesson 12). Every run
writes down:

    losses      D's and G's loss at every step
    accuracy    every `eval_every` steps (and before the first), the share of images D gets right: the
                first 500 training digits called real, 500 held-out real digits called real, 500 fakes
                called fake. D judges them as it judges in training (training mode, batches of 64, and
                through T in the DiffAugment runs, with T's random choices fixed), on a copy of D, so
                measuring never changes the run.
    frechet     at the end, the Fréchet distance (the course's digit-classifier features) from 1,000
                samples to the 1,000 held-out digits
    samples     32 samples from fixed noise (uint8, 0-255)

and the file keeps the distance of 1,000 real training digits to the same held-out digits: what a
perfect generator would score with 1,000 samples.

    python -m learntools.gans.experiments.small_data                         # all runs -> small_data.npz here
    python -m learntools.gans.experiments.small_data --steps 3 --sizes 500 --seeds 0 --samples 200 --out /tmp/x.npz

A run's first steps do not depend on how many steps it has, so a short rerun reproduces the beginning of
the shipped losses (tests/test_ex12.py does that). The runs go to `--workers` processes of one thread each.

How the shipped file was made (3 December 2026): by this script with `--workers 2`, on a 2-core machine
shared with other jobs (load 7-8), in 28 minutes. One run takes about 46 s of CPU time on one thread (the
two 500-digit runs of seed 0, rerun alone, took 92 s of CPU, and every array came out bitwise equal to the
shipped ones), so the twelve take about 9 CPU-minutes: about 5 minutes on two free cores. `seconds` in the
file is each run's wall-clock time on that busy machine.
"""

from __future__ import annotations

import argparse
import copy
import json
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import torch

from learntools.gans.data import Batches, load_mnist
from learntools.gans.models import DCGANDiscriminator, DCGANGenerator
from learntools.gans.recipes import TUNED_ADAM, seeded
from learntools.gans.training import GANTrainer, gaussian_noise
from learntools.gans.training.augment import DiffAugmentTrainer, diff_augment

OUTPUT = Path(__file__).with_name("small_data.npz")
ARMS = ("plain", "diffaugment")
JUDGED = ("training digits", "held-out digits", "fakes")  # what D's accuracy is measured on
SETTINGS = {"sizes": [500, 4000], "seeds": [0, 1, 2], "steps": 1000, "eval_every": 50, "eval_images": 500,
            "samples": 1000, "z_dim": 32, "width": 16, "batch_size": 64, "lr": TUNED_ADAM.lr_g,
            "betas": list(TUNED_ADAM.betas), "ema_decay": 0.99}
N_SHOWN = 32       # samples kept as a picture
EVAL_SEED = 1234   # fixes the noise and T's random choices of every measurement


def build_trainer(size, arm, seed, settings=SETTINGS):
    """The run's trainer: the first `size` training digits, `arm` "plain" or "diffaugment", seeded."""
    images = load_mnist("train")[0][:size]                                       # (size, 1, 28, 28) in [-1, 1]
    with seeded(seed):
        G = DCGANGenerator(z_dim=settings["z_dim"], width=settings["width"], refine=True)
        D = DCGANDiscriminator(width=settings["width"], refine=True)
    trainer_class = DiffAugmentTrainer if arm == "diffaugment" else GANTrainer
    return trainer_class(
        G, D, data=Batches(images, batch_size=settings["batch_size"], seed=seed),
        noise=gaussian_noise(settings["z_dim"]),
        optimizers=type(TUNED_ADAM)(lr_g=settings["lr"], lr_d=settings["lr"], betas=tuple(settings["betas"])),
        device="cpu", seed=seed, ema_decay=settings["ema_decay"],
    )


def evaluation_images(settings=SETTINGS):
    """What D's accuracy is measured on: (the first training digits, held-out digits), `eval_images` each."""
    n = settings["eval_images"]
    return load_mnist("train")[0][:n], load_mnist("test")[0][:n]                # (n, 1, 28, 28) each


@torch.no_grad()
def d_accuracy(trainer, arm, train_digits, held_out, settings=SETTINGS):
    """D's accuracy on (training digits, held-out digits, fakes), judged as in training, on a copy of D."""
    D = copy.deepcopy(trainer.discriminator).train()   # copies: their BatchNorm statistics move in training mode
    G = copy.deepcopy(trainer.generator).train()
    rng = torch.Generator().manual_seed(EVAL_SEED)
    fakes = G(torch.randn(len(held_out), settings["z_dim"], generator=rng))    # (n, 1, 28, 28), as D sees them

    def share_called_real(images):
        called = []
        for batch in images.split(settings["batch_size"]):                       # (64, 1, 28, 28)
            if arm == "diffaugment":
                batch = diff_augment(batch, generator=rng)                        # what D sees in training
            called.append(D(batch)[:, 0] > 0)                                     # logit > 0: "real"
        return float(torch.cat(called).float().mean())

    return share_called_real(train_digits), share_called_real(held_out), 1 - share_called_real(fakes)


def run(size, arm, seed, settings=SETTINGS):
    """Train and measure one run: a dict of arrays (see the module's docstring)."""
    torch.set_num_threads(1)
    from learntools.gans.evaluation import metrics

    started = time.perf_counter()
    trainer = build_trainer(size, arm, seed, settings)
    train_digits, held_out = evaluation_images(settings)
    accuracy = [d_accuracy(trainer, arm, train_digits, held_out, settings)]
    while trainer.steps_done < settings["steps"]:
        trainer.fit(steps=min(settings["eval_every"], settings["steps"] - trainer.steps_done), progress=False)
        accuracy.append(d_accuracy(trainer, arm, train_digits, held_out, settings))

    losses = np.array([[r["d_loss"] for r in trainer.history], [r["g_loss"] for r in trainer.history]],
                      dtype=np.float32)                                           # (2, steps)
    samples = trainer.sample(settings["samples"], seed=10_000 + seed)             # (samples, 1, 28, 28)
    shown = trainer.sample(N_SHOWN)                                               # fixed noise
    return {"losses": losses, "accuracy": np.array(accuracy, dtype=np.float32),   # (evals, 3)
            "frechet": np.float32(metrics.frechet_distance(samples.clamp(-1, 1), "test")),
            "samples": ((shown[:, 0].clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8).numpy(),
            "seconds": np.float32(time.perf_counter() - started)}


def _run_star(args):
    return run(*args)


def run_all(settings=SETTINGS, workers=1, log=print):
    """Every size, arm and seed of `settings`; returns the dict that save() writes."""
    jobs = [(size, arm, seed) for size in settings["sizes"] for arm in ARMS for seed in settings["seeds"]]
    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            results = list(pool.map(_run_star, [(*job, settings) for job in jobs]))
    else:
        results = [run(*job, settings) for job in jobs]
    for (size, arm, seed), result in zip(jobs, results):
        log(f"{size:5d} digits  {arm:12s} seed {seed}   {result['seconds']:6.1f} s   Fréchet distance "
            f"{result['frechet']:6.1f}   last accuracy (train, held-out, fakes) "
            f"{', '.join(f'{a:.2f}' for a in result['accuracy'][-1])}")

    from learntools.gans.evaluation import metrics
    shape = (len(settings["sizes"]), len(ARMS), len(settings["seeds"]))

    def stacked(name):
        return np.stack([r[name] for r in results]).reshape(*shape, *np.shape(results[0][name]))

    eval_steps = np.minimum(np.arange(len(results[0]["accuracy"])) * settings["eval_every"], settings["steps"])
    real_reference = metrics.frechet_distance(load_mnist("train")[0][:1000], "test")
    return {"settings": np.array(json.dumps(settings)), "arms": np.array(ARMS), "judged": np.array(JUDGED),
            "eval_steps": eval_steps, "losses": stacked("losses"), "accuracy": stacked("accuracy"),
            "frechet": stacked("frechet"), "samples": stacked("samples"), "seconds": stacked("seconds"),
            "real_reference": np.float32(real_reference)}


def save(results, path=OUTPUT):
    np.savez_compressed(path, **results)


def load(path=OUTPUT):
    """The saved runs: a dict of arrays, with "settings" as a dict. Arrays are indexed [size, arm, seed, ...]."""
    with np.load(path, allow_pickle=False) as data:
        results = {name: data[name] for name in data.files}
    results["settings"] = json.loads(str(results["settings"]))
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=SETTINGS["steps"])
    parser.add_argument("--sizes", type=int, nargs="+", default=SETTINGS["sizes"])
    parser.add_argument("--seeds", type=int, nargs="+", default=SETTINGS["seeds"])
    parser.add_argument("--samples", type=int, default=SETTINGS["samples"])
    parser.add_argument("--eval-every", type=int, default=SETTINGS["eval_every"])
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--out", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    settings = {**SETTINGS, "steps": args.steps, "sizes": args.sizes, "seeds": args.seeds,
                "samples": args.samples, "eval_every": args.eval_every}
    started = time.perf_counter()
    save(run_all(settings, workers=args.workers), args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KB) in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
