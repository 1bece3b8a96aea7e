# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 11 · Lab: debug a broken GAN
#
# A GAN with a bug rarely crashes. It trains, the losses move, and after an hour the samples are grey fog.
# What practitioners spend their time on is finding out *why*, from the few things a run shows: its loss
# curves, what the discriminator says about real and fake images, the size of the gradients, and the
# samples. This lab trains your eye for that.
#
# 1. Nine short training runs of the same small DCGAN on digits. One is healthy; each of the other eight has
#    exactly one bug planted in its training code. You see what each run logged, not its code.
# 2. You diagnose every run from a menu of bugs, and the check tells you what contradicts a wrong diagnosis.
# 3. Then a training step with two bugs planted in its code: you find them, fix them, and the check runs your
#    step on small stand-in networks.
#
# Each exercise has a check. Run `q1.check()` after answering; `q1.hint()`, `q1.hint(2)` and
# `q1.solution()` help when you are stuck.

# %%
# Set up the lesson: the checks (q1, q2, ...), the nine runs, and the blank ____ you will fill in.
from learntools.core import binder; binder.bind(globals())
from learntools.gans.ex11 import *

import math

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F

from learntools.gans.data import load_mnist
from learntools.gans.display import show_images
from learntools.gans.experiments import debug_runs
from learntools.gans.losses import nonsaturating_d
from learntools.gans.models import DCGANDiscriminator, DCGANGenerator

runs = lab_runs()  # {run number: {"curves": {name: (steps,) array}, "samples": (32, 28, 28) uint8, "frechet": float}}
print(f"Setup complete: {len(runs)} runs of {debug_runs.STEPS} steps each.")

# %% [markdown]
# ## 1. The runs, and what each one logged
#
# Every run trains lesson 03's generator and lesson 04's discriminator (16 channels wide, 32 noise numbers)
# on the 4,000 training digits, in batches of 64, with lesson 05's training step: a D step on a real batch and
# a detached fake batch, then a G step with the non-saturating loss, Adam for both. All nine start from the
# same seed, so they see the same batches and the same initial weights.
#
# Training nine GANs would take several minutes, so the runs were made beforehand by the script
# `learntools/gans/experiments/debug_runs.py` (`python -m learntools.gans.experiments.debug_runs` makes them
# again), and the notebook loads what they logged. For every step:
#
# - **the losses**: D's loss (real part + fake part, 2 ln 2 ≈ 1.386 for a discriminator that says 0.5 to
#   everything) and G's non-saturating loss (ln 2 ≈ 0.693 at that point);
# - **D(x) and D(G(z))**: the mean probability D gives the real batch and the fake batch, as the loss sees them
#   (sigmoid of what the loss takes as logits);
# - **gradient norms**: the size of D's gradient when D's optimizer steps, of G's when G's optimizer steps, and
#   of what the D step's `backward()` adds to G's `.grad`;
# - and, at the end, **32 samples** from fixed noise, and the Fréchet distance of 500 samples to the training
#   digits (lesson 05's measure: lower is better).
#
# The function below draws one run: the four panels you will read for every diagnosis. Each curve is drawn
# faintly at every step, with a moving average of 10 steps on top.

# %%
def show_run(number, run, smooth=10):
    """One run's log: losses, D's verdicts, gradient norms (log scale) and its final samples."""
    curves, steps = run["curves"], np.arange(1, len(run["curves"]["d_loss"]) + 1)

    def smoothed(values):  # a moving average of `smooth` steps (GAN curves are noisy)
        return np.convolve(values, np.ones(smooth) / smooth, mode="valid")

    def draw(ax, name, label, color, offset=0.0):  # every step faintly, the moving average on top
        ax.plot(steps, curves[name] + offset, color=color, alpha=0.25, linewidth=0.6)
        ax.plot(steps[smooth - 1:], smoothed(curves[name]) + offset, color=color, label=label)

    fig, (ax_loss, ax_d, ax_grad, ax_samples) = plt.subplots(
        1, 4, figsize=(15, 3.0), layout="constrained", gridspec_kw={"width_ratios": [1, 1, 1, 1.1]})
    draw(ax_loss, "d_loss", "D loss", "tab:blue")
    draw(ax_loss, "g_loss", "G loss", "tab:orange")
    ax_loss.axhline(2 * math.log(2), color="gray", linestyle=":", linewidth=1, label="2 ln 2")
    ax_loss.set_title("losses")
    draw(ax_d, "d_real", "D(x), real", "tab:blue")
    draw(ax_d, "d_fake", "D(G(z)), fake", "tab:orange")
    ax_d.axhline(0.5, color="gray", linestyle=":", linewidth=1)
    ax_d.set_ylim(-0.02, 1.02)
    ax_d.set_title("D's verdicts")
    for name, label, color in [("grad_d", "D, at its step", "tab:blue"), ("grad_g", "G, at its step", "tab:orange"),
                               ("grad_g_after_d", "G, added by the D step", "tab:green")]:
        draw(ax_grad, name, label, color, offset=1e-8)  # + 1e-8: a gradient of 0 stays on the log axis
    ax_grad.set_yscale("log")
    ax_grad.set_title("gradient norms")
    for ax in (ax_loss, ax_d, ax_grad):
        ax.set_xlabel("step")
        ax.legend(fontsize=7)
    samples = torch.from_numpy(run["samples"]).float().div(127.5).sub(1).unsqueeze(1)  # (32, 1, 28, 28) in [-1, 1]
    show_images(samples, nrow=8, ax=ax_samples, title=f"samples (Fréchet distance {run['frechet']:.0f})")
    fig.suptitle(f"run {number}", fontweight="bold")
    plt.show()


# %% [markdown]
# ## 2. What healthy looks like
#
# Before reading the runs, know what to expect of a healthy one:
#
# - **Losses.** D's loss starts near 2 ln 2 and G's near ln 2 (lesson 05). Then they settle in a band: D's loss
#   around or a little below 2 ln 2 and far from 0, G's loss a little above ln 2. Neither collapses to 0 or
#   climbs away.
# - **D's verdicts.** D(x) above D(G(z)), both away from 0 and 1: D tells them apart, but not perfectly.
# - **Gradients.** Norms that stay within a factor of a few of where they started. The D step adds nothing to
#   G's `.grad` (the fakes were detached): that curve lies flat at the bottom of the log axis (1e-8 stands for 0).
# - **Samples.** Dark backgrounds (−1 in the data, black on screen) and strokes that start to look like
#   digits, varied ones.
#
# Some bugs break one of these at once; some leave all four panels looking normal for a long time. Look at
# all four panels of every run before you decide.

# %%
for number, run in runs.items():
    show_run(number, run)

# %% [markdown]
# ## 3. Your diagnosis
#
# Here is the menu. Each bug appears in exactly one run, and one run is healthy.

# %%
show_menu()

# %% [markdown]
# **Exercise 1.** Fill in `diagnosis`: for every run, the name of its bug from the menu (a string such as
# `"lr_100x"`). The check judges the runs you have filled in (to check a few first, delete the other runs'
# lines), and for the first wrong one it tells you what in that run contradicts your diagnosis.

# %%
### BEGIN STARTER
diagnosis = {
    1: ____,
    2: ____,
    3: ____,
    4: ____,
    5: ____,
    6: ____,
    7: ____,
    8: ____,
    9: ____,
}
### END STARTER
### BEGIN SOLUTION
diagnosis = {
    1: "mixed_batchnorm",
    2: "lr_100x",
    3: "healthy",
    4: "swapped_targets",
    5: "no_zero_grad",
    6: "real_in_0_1",
    7: "eval_mode",
    8: "no_detach",
    9: "sigmoid_before_bce",
}
### END SOLUTION

# %%
q1.check()

# %% [markdown]
# ### Under the hood: the two BatchNorm bugs
#
# Two of the bugs act through BatchNorm, and a fresh pair of networks shows why, before any training. The cell
# builds the runs' G and D from the runs' seed and scores one real batch and one fake batch three ways: as
# the correct step does (training mode, separate batches), with real and fake in one batch, and in eval mode.

# %%
torch.manual_seed(debug_runs.SEED)
fresh_G = DCGANGenerator(z_dim=debug_runs.Z_DIM, width=debug_runs.WIDTH)   # the runs' G and D
fresh_D = DCGANDiscriminator(width=debug_runs.WIDTH)
real_batch = load_mnist("train")[0][:64]                 # (64, 1, 28, 28) in [-1, 1]
z = torch.randn(64, debug_runs.Z_DIM)                    # (64, 32)
with torch.no_grad():
    for how in ["separate batches", "one mixed batch", "eval mode"]:
        fresh_G.train(how != "eval mode")
        fresh_D.train(how != "eval mode")
        fake_batch = fresh_G(z)                          # (64, 1, 28, 28)
        if how == "one mixed batch":
            logits = fresh_D(torch.cat([real_batch, fake_batch]))  # (128, 1)
            real_logits, fake_logits = logits[:64], logits[64:]
        else:
            real_logits, fake_logits = fresh_D(real_batch), fresh_D(fake_batch)
        d_loss = nonsaturating_d(real_logits, fake_logits)   # lesson 05's D loss
        print(f"{how:17s} G's pixels spread ±{fake_batch.std():.4f}   D's logits: real {real_logits.mean():+.3f}, "
              f"fake {fake_logits.mean():+.3f} (spread ±{real_logits.std():.4f})   D loss {d_loss:.3f}")

# %% [markdown]
# In one mixed batch, BatchNorm subtracts the mean of real and fake together, so the difference between the
# two groups becomes most of what the layer passes on: even this untrained D gives real and fake images
# different scores, and its loss starts well below 2 ln 2. D is then partly judging *the batch*, not each
# image. At this size G still learned digits in that run; in bigger networks the habit of separate batches
# for real and fake (as lesson 05 does) avoids the question.
#
# In eval mode BatchNorm uses its running statistics, which start at mean 0 and variance 1 and are not
# updated in eval mode. Nothing is normalised, and with DCGAN's small initial weights (N(0, 0.02)) the
# signal shrinks at every layer: G's pixels and D's logits barely move away from 0, and D's loss sits at
# 2 ln 2 with gradients far smaller than in training mode.

# %% [markdown]
# **Exercise 2 (thought question).** Pick three runs and write, for each, the one thing in its panels that
# gave its bug away, and why that bug causes it. Which run would you have called healthy if its logs had no
# gradient panel, and what does that say about what to log in your own training code?

# %% [markdown] tags=["answer:q2"]
# Some of the marks, and their causes:
#
# - **Run 9** (a sigmoid before `BCEWithLogitsLoss`): D's verdicts never go below 0.5, because the loss sees
#   sigmoid(sigmoid(logit)), the sigmoid of a number in [0, 1]. The loss and the gradients go flat once D has
#   pushed that number to 0 for every image.
# - **Run 6** (real data in [0, 1]): the samples have a grey background. The generator copies what the real
#   images look like, and their background is 0, which the display draws as mid-grey.
# - **Run 5** (no `opt_d.zero_grad()`): D's gradient norm climbs step after step, because each step's gradient
#   is added to all the earlier ones (including the gradient the G step leaves in D's `.grad`, which pushes D
#   to call fakes real). D ends up calling real images fake while its loss climbs far above 2 ln 2.
# - **Run 4** (swapped targets): D calls real images fake and fakes real, and its loss falls to about 0. It
#   is doing well at the wrong task; G's loss is near 0 too, so G gets no push towards digits.
# - **Run 2** (learning rates 100× too high): D's loss and verdicts swing wildly from step to step.
# - **Run 1** (one mixed BatchNorm batch): D's loss is far below 2 ln 2 from the very first step.
# - **Run 7** (eval mode): D's loss never leaves 2 ln 2 and D's verdicts hover around 0.5.
#
# **Run 8** (no detach) would pass for healthy without the gradient panel: its losses, verdicts and samples are
# those of run 3 exactly, because every G step clears G's `.grad` before its own `backward()`, so the
# gradient the D step put there is thrown away. It still costs a backward pass through G at every step, and it
# turns into a real bug as soon as that `zero_grad()` is missing or moved (exercise 3). So log more than the
# losses: D(x) and D(G(z)), both networks' gradient norms, and what sits in `.grad` between the steps.

# %% [markdown]
# ## 4. Fix a training step with two bugs
#
# Now the code is in front of you, and the runs are not. The step below is lesson 05's training step as
# someone wrote it from memory, in the style of PyTorch's DCGAN example. It runs without an error, and it has
# two bugs. Read it against lesson 05's recipe (the D step, then the G step; what each must detach, clear and
# update).

# %%
def train_step_with_bugs(G, D, real, opt_g, opt_d, z_dim):
    """One D update, then one G update; returns (d_loss, g_loss) as numbers. Two bugs are planted here."""
    n = real.shape[0]

    # The D step: real images should score 1, fakes 0.
    fake = G(torch.randn(n, z_dim, device=real.device))   # (n, 1, 28, 28)
    real_logits, fake_logits = D(real), D(fake)            # (n, 1) each
    d_loss = (F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
              + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))
    opt_d.zero_grad()
    d_loss.backward()
    opt_d.step()

    # The G step: G wants D to score its fakes 1.
    fake = G(torch.randn(n, z_dim, device=real.device))   # (n, 1, 28, 28)
    fake_logits = D(fake)                                  # (n, 1)
    g_loss = F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
    g_loss.backward()
    opt_g.step()
    return float(d_loss), float(g_loss)


# %% [markdown]
# Both bugs are relatives of runs you diagnosed, and together they do more than either alone: the gradient
# that the D step's `backward()` leaves in G's `.grad` is then *used* by G's update, and it points the way
# that makes D's job easier.
#
# **Exercise 3.** Write `train_step`: the same step with both bugs fixed. Change as little as you can. The
# check runs your step once on lesson 05's small stand-in networks, from gradients a previous step left behind,
# and compares every update with the right one; it names what is still wrong.

# %%
def train_step(G, D, real, opt_g, opt_d, z_dim):
    """train_step_with_bugs, fixed: one D update, then one G update; returns (d_loss, g_loss) as numbers."""
    ### BEGIN STARTER
    return ____  # copy the body of train_step_with_bugs here, and fix its two bugs
    ### END STARTER
    ### BEGIN SOLUTION
    n = real.shape[0]

    # The D step: real images should score 1, fakes 0.
    fake = G(torch.randn(n, z_dim, device=real.device)).detach()  # fix 1: the D loss must not reach G
    real_logits, fake_logits = D(real), D(fake)            # (n, 1) each
    d_loss = (F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
              + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))
    opt_d.zero_grad()
    d_loss.backward()
    opt_d.step()

    # The G step: G wants D to score its fakes 1.
    fake = G(torch.randn(n, z_dim, device=real.device))   # (n, 1, 28, 28)
    fake_logits = D(fake)                                  # (n, 1)
    g_loss = F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
    opt_g.zero_grad()                                      # fix 2: clear G's old gradients first
    g_loss.backward()
    opt_g.step()
    return float(d_loss), float(g_loss)
    ### END SOLUTION


# %%
q3.check()

# %% [markdown]
# ## Summary: a checklist for a GAN that does not train
#
# - **Log more than the losses.** D(x) and D(G(z)), the gradient norms of both networks (and of G right after
#   the D step), and a sample grid from fixed noise every so often. Several bugs show in only one of these.
# - **The first steps.** D's loss should start near 2 ln 2 ≈ 1.386 and G's near ln 2 ≈ 0.693. A loss that never
#   leaves those values, or starts far from them, points at the wiring, not at the hyperparameters.
# - **D's verdicts.** D(x) should sit above D(G(z)), both away from 0 and 1; verdicts that can't go below 0.5,
#   or real images called fake, are wiring bugs.
# - **Gradients.** A norm that grows step after step means gradients accumulate (a missing `zero_grad()`);
#   G holding a gradient after the D step means a missing `.detach()`.
# - **Samples.** A grey background means the real and fake images do not share a range.
# - **Change one thing at a time**, from the same seed, and compare with a run you trust.
#
# Next: the other labs of the course: small data and DiffAugment (lesson 12), honest evaluation (13), text to
# image (14), and case studies from the talks (15).
