"""Lesson 14's comparison: a text-to-image GAN trained with and without GAN-CLS's mismatched pairs.

Each run trains the lesson's small MLP text GAN (learntools.gans.models.text) on the 4,000 captioned
training digits (learntools.gans.data.captions) with TextGANTrainer: batches of 64, Adam 5e-4 for both
networks, betas (0.5, 0.999), the non-saturating loss. The two variants differ in one thing:

    matching_aware    D also sees (real image, another example's caption) and must call it fake (GAN-CLS)
    plain             D sees only (real image, its caption) and (fake image, its caption)

Every variant runs from SEEDS; each run writes down its two losses at every step, and at the end the
five figures of learntools.gans.evaluation.text.caption_agreement (digit match by the independent judge,
thickness and slant order and thirds) and, for the first seed, a grid of samples (uint8, 0-255): for each
word of WORDS and each of 3 noise vectors, the digits 0..9 asked for with that word.

    python -m learntools.gans.experiments.text_runs                 # all runs -> text_runs.npz here
    python -m learntools.gans.experiments.text_runs --steps 5 --seeds 0 --out /tmp/x.npz

The first steps of a run do not depend on how many steps it has, so a short rerun reproduces the beginning
of the shipped loss curves (tests/test_ex14.py does that). The shipped file was made by this script on
3 December 2026 (`nice -n 10 python -m learntools.gans.experiments.text_runs`, one thread, on a shared 2-core
machine at load 6-8: 64 to 105 s per run, 8 minutes in all).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch

from learntools.gans.data import Batches, load_mnist
from learntools.gans.data.captions import caption_digits, encode_captions, DIGIT_WORDS
from learntools.gans.evaluation.text import WORDS, caption_agreement
from learntools.gans.models.text import TextDiscriminator, TextGenerator
from learntools.gans.training.ingredients import AdamSettings, gaussian_noise
from learntools.gans.training.text import TextGANTrainer

OUTPUT = Path(__file__).with_name("text_runs.npz")

VARIANTS = ("matching_aware", "plain")
SEEDS = (0, 1, 2)
STEPS = 1500
Z_DIM = 32
BATCH = 64
LR = 5e-4
BETAS = (0.5, 0.999)
FIGURES = ("digit", "thick_order", "slant_order", "thick_third", "slant_third")
CURVES = ("d_loss", "g_loss")
GRID_NOISE = 3          # noise vectors per word in the sample grid
GRID_SEED = 11


def grid_captions() -> torch.Tensor:
    """Tokens (4 * GRID_NOISE * 10, 3): for each word, GRID_NOISE rows of "a <word> zero" ... "a <word> nine"."""
    rows = [f"a {word} {DIGIT_WORDS[d]}" for word in WORDS for _ in range(GRID_NOISE) for d in range(10)]
    return encode_captions(rows)


def grid_noise() -> torch.Tensor:
    """The grid's noise (4 * GRID_NOISE * 10, Z_DIM): one vector per row, the same for every digit and word."""
    z = torch.randn(GRID_NOISE, Z_DIM, generator=torch.Generator().manual_seed(GRID_SEED))  # (3, Z_DIM)
    return z.repeat_interleave(10, dim=0).repeat(len(WORDS), 1)                             # (120, Z_DIM)


def make_trainer(matching_aware: bool, seed: int, images, tokens) -> TextGANTrainer:
    """The lesson's text GAN, built from `seed`, on CPU (the runs must not depend on the machine)."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        G, D = TextGenerator(z_dim=Z_DIM), TextDiscriminator()
    return TextGANTrainer(G, D, Batches(images, tokens, batch_size=BATCH, seed=seed), gaussian_noise(Z_DIM),
                          matching_aware=matching_aware, optimizers=AdamSettings(lr_g=LR, lr_d=LR, betas=BETAS),
                          seed=seed, device="cpu")


def run(variant: str, seed: int, steps: int = STEPS, measure: bool = True):
    """One run; returns (curves (2, steps) float32, figures (5,) float32 (NaN without `measure`),
    grid (120, 28, 28) uint8)."""
    images, labels = load_mnist("train")                         # (4000, 1, 28, 28) in [-1, 1]
    captions = caption_digits(images, labels)
    trainer = make_trainer(variant == "matching_aware", seed, images, captions.tokens)
    trainer.fit(steps=steps, progress=False)
    curves = np.array([[record[name] for record in trainer.history] for name in CURVES], dtype=np.float32)
    figures = np.full(len(FIGURES), np.nan, dtype=np.float32)
    if measure:
        report = caption_agreement(trainer.generator, captions.thresholds)
        figures = np.array([report[name] for name in FIGURES], dtype=np.float32)
    G = trainer.generator.eval()
    with torch.no_grad():
        grid = G(grid_noise(), grid_captions()).clamp(-1, 1)     # (120, 1, 28, 28)
    grid = ((grid[:, 0] + 1) * 127.5).round().to(torch.uint8).numpy()
    return curves, figures, grid


def run_all(variants=VARIANTS, seeds=SEEDS, steps=STEPS, measure=True, verbose=False) -> dict:
    """Every (variant, seed) run; returns the dict that save() writes."""
    curves = np.zeros((len(variants), len(seeds), len(CURVES), steps), dtype=np.float32)
    figures = np.zeros((len(variants), len(seeds), len(FIGURES)), dtype=np.float32)
    grids = np.zeros((len(variants), 4 * GRID_NOISE * 10, 28, 28), dtype=np.uint8)
    for v, variant in enumerate(variants):
        for s, seed in enumerate(seeds):
            started = time.perf_counter()
            c, f, g = run(variant, seed, steps, measure)
            curves[v, s], figures[v, s] = c, f
            if s == 0:
                grids[v] = g
            if verbose:
                print(f"{variant:15s} seed {seed}  {time.perf_counter() - started:5.1f} s  "
                      + "  ".join(f"{n} {x:.3f}" for n, x in zip(FIGURES, f)), flush=True)
    return {"variants": np.array(variants), "seeds": np.array(seeds), "steps": np.array(steps),
            "figures_names": np.array(FIGURES), "curve_names": np.array(CURVES), "words": np.array(WORDS),
            "curves": curves, "figures": figures, "grids": grids}


def save(results, path=OUTPUT):
    np.savez_compressed(path, **results)


def load(path=OUTPUT) -> dict:
    """The saved runs: a dict of arrays (variants, seeds, steps, figures_names, curve_names, words,
    curves (variants, seeds, 2, steps), figures (variants, seeds, 5), grids (variants, 120, 28, 28))."""
    with np.load(path, allow_pickle=False) as data:
        return {name: data[name] for name in data.files}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=STEPS)
    parser.add_argument("--seeds", type=int, nargs="+", default=list(SEEDS))
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=list(VARIANTS))
    parser.add_argument("--out", type=Path, default=OUTPUT)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--no-measure", action="store_true", help="skip the agreement figures (NaN)")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    results = run_all(tuple(args.variants), tuple(args.seeds), args.steps, not args.no_measure, verbose=True)
    save(results, args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KB)")


if __name__ == "__main__":
    main()
