"""Lesson 11's debugging lab: short DCGAN runs on digits, each with exactly one planted bug.

Every run trains the same small DCGAN (lesson 03 and 04's models, 16 channels, 32 noise numbers) on the
4,000 training digits, from the same seed, with the training step of lesson 05. One run is healthy; each
of the others changes one line of that step (BUGS says which). For every step the run writes down:

    d_loss, g_loss    the two losses the step computed
    d_real, d_fake    the mean probability D gave the real batch and the fake batch (D(x), D(G(z)))
    grad_d, grad_g    the norm of D's and G's gradients when their optimizers stepped
    grad_g_after_d    the norm of what the D step's backward() added to G's .grad (0 when the fakes are detached)

and at the end 32 samples from fixed noise (uint8, 0-255, for a picture) and the Fréchet distance of
500 samples to the training digits (lesson 05's measure; lower is better).

    python -m learntools.gans.experiments.debug_runs                # all runs -> debug_runs.npz here
    python -m learntools.gans.experiments.debug_runs --steps 5 --out /tmp/x.npz --bugs healthy lr_100x

The first steps of a run do not depend on how many steps it has, so a short rerun must reproduce the
beginning of the shipped curves (tests/test_ex11.py does that).

How the shipped file was made (2 December 2026, one thread, about a CPU-minute per run): all nine runs by
this script; then grad_g_after_d was redefined (what the D step adds to G's .grad, rather than all it holds,
which still held the previous G step's gradient), and "healthy" and "no_detach" were rerun: every other
number of theirs came out bitwise identical. In the seven other runs the fakes are detached, so that curve is
exactly 0 there, as this script now writes it.
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from learntools.gans.data import Batches, load_mnist
from learntools.gans.models import DCGANDiscriminator, DCGANGenerator

OUTPUT = Path(__file__).with_name("debug_runs.npz")

# The planted bugs, one per run, and the one line each changes.
BUGS = {
    "healthy": "nothing: the control run",
    "no_detach": "the D step uses G(z), not G(z).detach()",
    "real_in_0_1": "the real images are scaled to [0, 1], the fakes come from tanh in [-1, 1]",
    "sigmoid_before_bce": "D's logits pass through torch.sigmoid before BCEWithLogitsLoss",
    "mixed_batchnorm": "D scores torch.cat([real, fake]) in one call, so its BatchNorm mixes the two",
    "swapped_targets": "the D loss gives real images target 0 and fakes target 1",
    "eval_mode": "G.eval() and D.eval() were called before training and never undone",
    "no_zero_grad": "the D step never calls opt_d.zero_grad()",
    "lr_100x": "both learning rates are 100 times the healthy ones",
}
CURVES = ("d_loss", "g_loss", "d_real", "d_fake", "grad_d", "grad_g", "grad_g_after_d")

STEPS = 600       # steps per run: about a minute each on one busy CPU core
Z_DIM = 32
WIDTH = 16
BATCH = 64
LR_G, LR_D = 2e-3, 5e-4  # lesson 05's settings for this small DCGAN
BETAS = (0.0, 0.99)
SEED = 0
N_SAMPLES = 32    # kept as a picture
N_MEASURED = 500  # for the Fréchet distance


def gradient_norm(module) -> float:
    """The L2 norm of all of a module's .grad together (0 when none has a gradient)."""
    norms = [p.grad.norm() for p in module.parameters() if p.grad is not None]
    return float(torch.stack(norms).norm()) if norms else 0.0


def added_norm(module, before) -> float:
    """The L2 norm of what was added to a module's .grad since ``before`` (a list of cloned .grad or None)."""
    added = [p.grad - (0 if b is None else b) for p, b in zip(module.parameters(), before) if p.grad is not None]
    return float(torch.stack([a.norm() for a in added]).norm()) if added else 0.0


def bce(scores, target):
    """BCEWithLogitsLoss of ``scores`` (N, 1) against a constant target."""
    return F.binary_cross_entropy_with_logits(scores, torch.full_like(scores, float(target)))


def d_scores(D, real, fake, bug):
    """What the D loss treats as logits, for the real and the fake batch: (N, 1) each."""
    if bug == "mixed_batchnorm":
        scores = D(torch.cat([real, fake]))           # (2N, 1): one BatchNorm batch for both
        real_scores, fake_scores = scores[: len(real)], scores[len(real):]
    else:
        real_scores, fake_scores = D(real), D(fake)   # (N, 1) each, separate batches
    if bug == "sigmoid_before_bce":
        real_scores, fake_scores = torch.sigmoid(real_scores), torch.sigmoid(fake_scores)
    return real_scores, fake_scores


def train_step(G, D, real, opt_g, opt_d, bug):
    """Lesson 05's training step with ``bug`` planted; returns the step's log (a dict of numbers)."""
    if bug == "real_in_0_1":
        real = (real + 1) / 2                          # (N, 1, 28, 28) in [0, 1]

    # The D step.
    z = torch.randn(len(real), Z_DIM)                  # (N, Z_DIM)
    fake = G(z) if bug == "no_detach" else G(z).detach()
    real_scores, fake_scores = d_scores(D, real, fake, bug)
    if bug == "swapped_targets":
        d_loss = bce(real_scores, 0) + bce(fake_scores, 1)
    else:
        d_loss = bce(real_scores, 1) + bce(fake_scores, 0)
    if bug != "no_zero_grad":
        opt_d.zero_grad()
    g_grads_before = [None if p.grad is None else p.grad.clone() for p in G.parameters()]  # left by the last G step
    d_loss.backward()
    log = {"d_loss": float(d_loss.detach()),
           # D(x) and D(G(z)): the probabilities the loss worked with, sigmoid of what it took as logits
           "d_real": float(torch.sigmoid(real_scores.detach()).mean()),
           "d_fake": float(torch.sigmoid(fake_scores.detach()).mean()),
           "grad_d": gradient_norm(D),
           "grad_g_after_d": added_norm(G, g_grads_before)}  # what d_loss.backward() put into G's .grad: 0 when detached
    opt_d.step()

    # The G step (the non-saturating loss).
    z = torch.randn(len(real), Z_DIM)                  # (N, Z_DIM)
    fake = G(z)
    if bug == "mixed_batchnorm":
        fake_scores = D(torch.cat([real, fake]))[len(real):]
    else:
        fake_scores = D(fake)
    if bug == "sigmoid_before_bce":
        fake_scores = torch.sigmoid(fake_scores)
    g_loss = bce(fake_scores, 1)
    opt_g.zero_grad()
    g_loss.backward()
    log.update(g_loss=float(g_loss.detach()), grad_g=gradient_norm(G))
    opt_g.step()
    return log


def run(bug, steps=STEPS, seed=SEED, measure=True):
    """Train one run with ``bug`` for ``steps`` steps; returns (curves (len(CURVES), steps) float32,
    samples (N_SAMPLES, 28, 28) uint8, Fréchet distance of N_MEASURED samples, or nan without ``measure``)."""
    images, _ = load_mnist("train")                    # (4000, 1, 28, 28) in [-1, 1]
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        G, D = DCGANGenerator(z_dim=Z_DIM, width=WIDTH), DCGANDiscriminator(width=WIDTH)
        scale = 100.0 if bug == "lr_100x" else 1.0
        opt_g = torch.optim.Adam(G.parameters(), lr=scale * LR_G, betas=BETAS)
        opt_d = torch.optim.Adam(D.parameters(), lr=scale * LR_D, betas=BETAS)
        if bug == "eval_mode":
            G.eval()
            D.eval()
        batches = Batches(images, batch_size=BATCH, seed=seed).iterate()
        logs = [train_step(G, D, next(batches), opt_g, opt_d, bug) for _ in range(steps)]

    curves = np.array([[log[name] for log in logs] for name in CURVES], dtype=np.float32)  # (7, steps)
    G.eval()  # samples as a user would draw them
    with torch.no_grad():
        z = torch.randn(N_MEASURED, Z_DIM, generator=torch.Generator().manual_seed(seed + 1))  # (500, Z_DIM)
        generated = G(z)                               # (500, 1, 28, 28) in [-1, 1]
    distance = float("nan")
    if measure:
        from learntools.gans.evaluation import metrics
        distance = metrics.frechet_distance(generated.clamp(-1, 1), "train")
    samples = ((generated[:N_SAMPLES, 0].clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8).numpy()  # (32, 28, 28)
    return curves, samples, distance


def run_all(bugs=tuple(BUGS), steps=STEPS, seed=SEED, measure=True, verbose=False):
    """Every run in ``bugs``; returns the dict that save() writes."""
    results = {"bugs": np.array(bugs), "curve_names": np.array(CURVES), "steps": np.array(steps),
               "seed": np.array(seed)}
    curves, samples, distances = [], [], []
    for bug in bugs:
        started = time.perf_counter()
        c, s, d = run(bug, steps, seed, measure)
        curves.append(c), samples.append(s), distances.append(d)
        if verbose:
            print(f"{bug:20s} {time.perf_counter() - started:5.1f} s   Fréchet distance {d:7.1f}   "
                  f"last D loss {c[0, -50:].mean():.3f}", flush=True)
    results.update(curves=np.stack(curves), samples=np.stack(samples), frechet=np.array(distances, dtype=np.float32))
    return results


def save(results, path=OUTPUT):
    np.savez_compressed(path, **results)


def load(path=OUTPUT):
    """The saved runs: a dict of arrays (bugs, curve_names, steps, seed, curves, samples, frechet)."""
    with np.load(path, allow_pickle=False) as data:
        return {name: data[name] for name in data.files}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=STEPS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--bugs", nargs="+", default=list(BUGS), choices=list(BUGS))
    parser.add_argument("--out", type=Path, default=OUTPUT)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    save(run_all(tuple(args.bugs), args.steps, args.seed, verbose=True), args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KB)")


if __name__ == "__main__":
    main()
