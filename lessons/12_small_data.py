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
# # 12 · When the discriminator memorises: small data and DiffAugment
#
# The discriminator is a classifier, and a classifier trained on few examples can learn them by heart. A D
# that has memorised its training digits calls *those* real and everything else fake, including real digits
# it has never seen. Its verdicts then stop telling G what a digit looks like; they tell G which 500
# pictures D happens to know.
#
# 1. You watch it happen: the same small DCGAN trained on 500 and on 4,000 digits, with D's accuracy measured
#    on its own training digits and on held-out real digits it never sees.
# 2. You write the remedy of Zhao et al. (2020), *Differentiable Augmentation for Data-Efficient GAN
#    Training* (DiffAugment): a random translation, a random cutout, and the training step that shows D only
#    augmented images, real and fake, in both steps.
# 3. You read what it buys here, measured with the course's Fréchet distance over several seeds: how much it
#    helps at this scale, and how much it does not.
#
# Each exercise has a check. Run `q1.check()` after answering; `q1.hint()`, `q1.hint(2)` and
# `q1.solution()` help when you are stuck.

# %%
# Set up the lesson: the checks (q1, q2, ...), the precomputed runs, and the blank ____ you will fill in.
from learntools.core import binder; binder.bind(globals())
from learntools.gans.ex12 import *

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F

from learntools.core import test_mode
from learntools.gans.data import Batches, load_mnist
from learntools.gans.display import show_images
from learntools.gans.experiments import small_data
from learntools.gans.losses import nonsaturating_d, nonsaturating_g
from learntools.gans.training import augment as reference

runs = small_data_runs()  # arrays indexed [size, arm, seed, ...]; see small_data.py's docstring
settings = runs["settings"]
SIZES, ARMS, SEEDS = settings["sizes"], [str(a) for a in runs["arms"]], settings["seeds"]
print(f"Setup complete: {len(SIZES) * len(ARMS) * len(SEEDS)} precomputed runs of {settings['steps']} steps "
      f"({len(SIZES)} data sizes x {len(ARMS)} ways of training x {len(SEEDS)} seeds).")

# %% [markdown]
# ## 1. Two training sets and one held-out set
#
# The course's digits come in two splits: 4,000 training digits and 1,000 held-out digits, 100 of
# each class, which no model of the course ever trains on. The small training set here is the first 500 of
# the 4,000 training digits. The held-out digits are the yardstick twice over: D's accuracy on them says
# whether D learned *digits* or *its* digits, and the Fréchet distance (lesson 06) of G's samples is measured
# against them.

# %%
train_images, train_labels = load_mnist("train")      # (4000, 1, 28, 28) in [-1, 1]
held_out, held_out_labels = load_mnist("test")        # (1000, 1, 28, 28)
for size in SIZES:
    counts = torch.bincount(train_labels[:size], minlength=10)
    print(f"first {size:5d} training digits: {counts.min()} to {counts.max()} of each class")
print(f"held-out digits: {len(held_out)}, {torch.bincount(held_out_labels).min()} of each class")

# %% [markdown]
# ## 2. Watching D memorise
#
# Twelve runs were trained beforehand by `learntools/gans/experiments/small_data.py` (`python -m
# learntools.gans.experiments.small_data --workers 2` makes them again; its docstring says how long that
# takes): the same networks (lesson 06's `dcgan` recipe: 16 channels wide, 32 noise numbers), the same
# optimizer and the same number of steps, on 500 or on 4,000 digits, plainly or with DiffAugment, from three
# seeds each.
#
# Every 50 steps the script asked a copy of D for its verdict (logit > 0 means "real") on three sets of 500
# images: digits from its training set, held-out real digits, and fresh fakes. The share it gets right is
# its accuracy on each. A D that learned what digits look like is about as sure of the held-out digits as of
# its training digits. A D that learned its training set by heart is not.
#
# The function below draws D's accuracy over training for one way of training, at both data sizes: thin lines
# for each seed, thick lines for their mean.

# %%
COLORS = {"training digits": "tab:blue", "held-out digits": "tab:green", "fakes": "tab:orange"}


def show_accuracy(arm):
    """D's accuracy over training for one arm ("plain" or "diffaugment"), one panel per data size."""
    a = ARMS.index(arm)
    fig, axes = plt.subplots(1, len(SIZES), figsize=(11, 3.2), layout="constrained", sharey=True)
    for ax, (s, size) in zip(axes, enumerate(SIZES)):
        for k, judged in enumerate(str(j) for j in runs["judged"]):
            per_seed = runs["accuracy"][s, a, :, :, k]               # (seeds, evaluations)
            for curve in per_seed:
                ax.plot(runs["eval_steps"], curve, color=COLORS[judged], alpha=0.25, linewidth=0.8)
            ax.plot(runs["eval_steps"], per_seed.mean(0), color=COLORS[judged], linewidth=2,
                    label=f"{judged} ({'called fake' if judged == 'fakes' else 'called real'})")
        ax.set_title(f"{size} training digits, {arm}")
        ax.set_xlabel("step")
        ax.set_ylim(-0.02, 1.02)
    axes[0].set_ylabel("D's accuracy")
    axes[0].legend(fontsize=8, loc="lower left")
    plt.show()


LAST = min(5, len(runs["eval_steps"]))                             # the last measurements, averaged
LATE = f"steps {runs['eval_steps'][-LAST]}-{runs['eval_steps'][-1]}"


def late_accuracy(s, a):
    """Mean over seeds and over the last LAST measurements: (training digits, held-out digits, fakes)."""
    return runs["accuracy"][s, a, :, -LAST:, :].mean(axis=(0, 1))


show_accuracy("plain")
for s, size in enumerate(SIZES):
    train_acc, held_acc, fake_acc = late_accuracy(s, ARMS.index("plain"))
    print(f"{size:5d} digits, plain, {LATE}: D calls {train_acc:.0%} of its training digits real and "
          f"{held_acc:.0%} of held-out digits real (a gap of {train_acc - held_acc:.0%}); {fake_acc:.0%} of fakes fake")

# %% [markdown]
# Read the two panels side by side. With 4,000 digits, D's verdict on held-out digits stays close to its
# verdict on training digits: what it learned carries over to digits it has never seen. With 500, the two
# lines come apart as training goes on: D keeps calling its own digits real, and calls more and more held-out
# digits, real ones, fake. It has started to learn *which* images are real rather than *what* makes an image real.
# (D's verdicts swing from one measurement to the next: the game moves both players all the time. Look at
# where the thick lines go. In these runs the gap opens after the first couple of hundred steps.)
#
# A D like that hands G a strange lesson: to be called real, look like one of these 500 digits. Zhao et al.
# put the trouble GANs have with little data down to exactly this: it is "mainly because the discriminator
# is memorizing the exact training set" (the paper's abstract).

# %% [markdown]
# ## 3. DiffAugment: change every image D sees
#
# The usual cure for a classifier that memorises is data augmentation: show it each training image shifted,
# cropped, recoloured, a little differently every time. For a GAN the obvious version fails, and Zhao et al.
# show why. If only the real images are augmented, the real distribution changes: G is pushed to produce
# shifted, cut-out digits, because that is what "real" now looks like. If real and fake are augmented in the
# D step only, D learns to judge augmented images and is then asked, in the G step, about plain ones. The
# paper tried both before DiffAugment ("augment reals only", "augment D only") and reports that both made
# its results worse.
#
# DiffAugment applies one random transformation T to **every** image D sees: D(T(x)) for real images and
# D(T(G(z))) for fakes, in the D step and in the G step alike. The real and the fake distributions are
# changed in the same way, so matching them still means matching the digits, while D rarely sees the same
# real image twice. In the G step the gradient flows from D's verdict back through T into G, so **T must be
# differentiable**: built from torch operations on the autograd graph, with no detour through numpy and
# nothing detached.
#
# We use two of the paper's three transformations, with the settings of its published code (the third,
# colour, changes brightness, saturation and contrast; we leave it out):
#
# - **translation**: every image moves by its own random whole number of pixels, up to 1/8 of the image size
#   each way (3 pixels for 28 × 28), and what moves in is zeros;
# - **cutout**: every image loses a random square half the image size (14 × 14), set to zero; a square whose
#   centre lies near an edge is cut off by it.
#
# (Zero is the middle of our [-1, 1] range, grey on screen, not the black background -1. It does not matter:
# the grey frame and the grey square appear on real and fake images alike, so D cannot use them.)
#
# Here is what the course's reference (`learntools/gans/training/augment.py`) does to eight digits:

# %%
digits = train_images[:8]                                        # (8, 1, 28, 28)
shown_rng = torch.Generator().manual_seed(0)
fig, axes = plt.subplots(3, 1, figsize=(8, 3.6), layout="constrained")
show_images(digits, nrow=8, ax=axes[0], title="eight training digits")
show_images(reference.translate(digits, generator=shown_rng), nrow=8, ax=axes[1], title="translate: each its own shift")
show_images(reference.cutout(digits, generator=shown_rng), nrow=8, ax=axes[2], title="cutout: each its own square")
plt.show()

# %% [markdown]
# **Exercise 1.** Write `translate(images, max_shift=3)`: images (N, C, H, W) in, the same shape out, every
# image moved by its own random (dx, dy), each a whole number from -max_shift to max_shift (both included),
# with zeros moving in. Use torch only, so that gradients flow back through it.
#
# One way: pad every image with max_shift zeros on each side (`F.pad`), then cut the H × W window out of the
# padded image that starts `max_shift - dy` rows and `max_shift - dx` columns in (slicing keeps the
# gradient). The check runs your function on random images and works out, for every image, which shift
# explains its output.

# %%
def translate(images, max_shift=3):
    """Move every image by its own random (dx, dy) in [-max_shift, max_shift], zeros moving in."""
    ### BEGIN STARTER
    return ____
    ### END STARTER
    ### BEGIN SOLUTION
    n, c, h, w = images.shape
    dx = torch.randint(-max_shift, max_shift + 1, (n,))            # (N,) one shift per image
    dy = torch.randint(-max_shift, max_shift + 1, (n,))
    padded = F.pad(images, (max_shift, max_shift, max_shift, max_shift))  # (N, C, H + 2m, W + 2m), zeros around
    moved = []
    for i in range(n):
        top, left = max_shift - int(dy[i]), max_shift - int(dx[i])
        moved.append(padded[i, :, top:top + h, left:left + w])     # (C, H, W): a window of the padded image
    return torch.stack(moved)                                      # (N, C, H, W)
    ### END SOLUTION


# %%
q1.check()

# %% [markdown]
# **Exercise 2.** Write `cutout(images, size=14)`: every image loses its own random size × size square, set to
# zero. Draw a centre for every image anywhere in the image (`torch.randint`), let the square run from
# `centre - size // 2` for `size` pixels (near an edge, part of it falls outside: that part is simply not
# there), and return `images * mask`, where the mask is 0 in the square and 1 elsewhere.
#
# Do not write zeros into `images` itself: that would change the caller's batch (and autograd refuses
# in-place writes into a tensor it needs).

# %%
def cutout(images, size=14):
    """Set a random size x size square of every image to zero (its own place for each image)."""
    ### BEGIN STARTER
    return ____
    ### END STARTER
    ### BEGIN SOLUTION
    n, c, h, w = images.shape
    centre_y = torch.randint(0, h, (n,))                           # (N,) one square per image
    centre_x = torch.randint(0, w, (n,))
    top, left = centre_y - size // 2, centre_x - size // 2         # (N,) each
    rows, cols = torch.arange(h), torch.arange(w)
    in_rows = (rows >= top[:, None]) & (rows < top[:, None] + size)    # (N, H)
    in_cols = (cols >= left[:, None]) & (cols < left[:, None] + size)  # (N, W)
    square = in_rows[:, :, None] & in_cols[:, None, :]             # (N, H, W): True inside the square
    mask = (~square).float()[:, None]                              # (N, 1, H, W): 0 in the square, 1 elsewhere
    return images * mask                                           # a new tensor; gradients reach the kept pixels
    ### END SOLUTION


# %%
q2.check()

# %% [markdown]
# ## 4. The training step with T
#
# Now put T where DiffAugment puts it. Below is lesson 11's training step, fixed, written with lesson 05's
# losses; it works for a D and G of any size. Add `augment` (the transformation T, a function images →
# images) in front of **every** call of D.
#
# **Exercise 3.** Write `train_step(G, D, real, opt_g, opt_d, z_dim, augment)`: one D update on
# `augment(real)` and `augment(fake)` (the fakes detached, as always in the D step), then one G update on
# `augment(G(z))` with nothing detached, so that G learns through T. Return `(d_loss, g_loss)` as numbers.
# The check gives your step lesson 05's small stand-in networks and a fixed `augment` that records what it
# returns, so it can tell, for every batch D judged, whether it went through T.

# %%
def train_step(G, D, real, opt_g, opt_d, z_dim, augment):
    """One D update and one G update, with D judging only augment(...) of real and fake images."""
    ### BEGIN STARTER
    n = real.shape[0]

    # The D step: real images should score 1, (detached) fakes 0.
    fake = G(torch.randn(n, z_dim, device=real.device)).detach()   # (n, C, H, W)
    d_loss = nonsaturating_d(D(real), D(fake))                     # ____: where does augment go?
    opt_d.zero_grad()
    d_loss.backward()
    opt_d.step()

    # The G step: G wants D to score its fakes 1.
    fake = G(torch.randn(n, z_dim, device=real.device))           # (n, C, H, W)
    g_loss = nonsaturating_g(D(fake))                              # ____: and here?
    opt_g.zero_grad()
    g_loss.backward()
    opt_g.step()
    return ____
    ### END STARTER
    ### BEGIN SOLUTION
    n = real.shape[0]

    # The D step: augmented real images should score 1, augmented (detached) fakes 0.
    fake = G(torch.randn(n, z_dim, device=real.device)).detach()   # (n, C, H, W)
    d_loss = nonsaturating_d(D(augment(real)), D(augment(fake)))   # T on both
    opt_d.zero_grad()
    d_loss.backward()
    opt_d.step()

    # The G step: G wants D to score its augmented fakes 1; the gradient flows back through T into G.
    fake = G(torch.randn(n, z_dim, device=real.device))           # (n, C, H, W)
    g_loss = nonsaturating_g(D(augment(fake)))                     # T here too
    opt_g.zero_grad()
    g_loss.backward()
    opt_g.step()
    return float(d_loss), float(g_loss)
    ### END SOLUTION


# %%
q3.check()

# %% [markdown]
# The course's trainer does the same with one small hook: `DiffAugmentTrainer` (in
# `learntools/gans/training/augment.py`) replaces `judge`, which both steps call to get D's verdict, by
# `D(augment(images))`. A short run on the 500 digits shows the mechanics, and what D is shown of real and
# fake images: T(x) and T(G(z)). (A run long enough to matter is the precomputed one, in the next section.)

# %%
live_steps = 3 if test_mode() else 60
with torch.random.fork_rng(devices=[]):
    trainer = small_data.build_trainer(500, "diffaugment", seed=0)
    trainer.fit(steps=live_steps, progress=False)
    look = torch.Generator().manual_seed(1)
    real_batch = train_images[:16]                               # (16, 1, 28, 28)
    fake_batch = trainer.sample(16)                              # (16, 1, 28, 28), G after the live steps
    seen_real = reference.diff_augment(real_batch, generator=look)
    seen_fake = reference.diff_augment(fake_batch, generator=look)
print(f"{live_steps} steps: D's loss {trainer.history[-1]['d_loss']:.3f}, G's loss {trainer.history[-1]['g_loss']:.3f}")
fig, axes = plt.subplots(1, 2, figsize=(10, 2.8), layout="constrained")
show_images(seen_real, nrow=8, ax=axes[0], title="what D sees of real digits: T(x)")
show_images(seen_fake, nrow=8, ax=axes[1], title=f"what D sees of fakes after {live_steps} steps: T(G(z))")
plt.show()

# %% [markdown]
# ## 5. What DiffAugment buys here
#
# First D's accuracy again, in the runs trained with DiffAugment. D is measured on images as it sees them in
# training, through T.

# %%
show_accuracy("diffaugment")
for s, size in enumerate(SIZES):
    for arm in ARMS:
        train_acc, held_acc, fake_acc = late_accuracy(s, ARMS.index(arm))
        print(f"{size:5d} digits, {arm:11s} {LATE}: training digits {train_acc:.0%} called real, "
              f"held-out digits {held_acc:.0%} (gap {train_acc - held_acc:+.0%}), fakes {fake_acc:.0%} called fake")

# %% [markdown]
# Then what matters in the end: G's samples. The script measured, for every run, the Fréchet distance from
# 1,000 samples to the 1,000 held-out digits in the feature space of the course's digit classifier (lesson 06:
# lower is better). The table gives the mean ± the standard deviation over the seeds, and each seed's value. A
# difference smaller than the spread between seeds is not one you can claim from three seeds.

# %%
frechet = runs["frechet"]                                        # (sizes, arms, seeds)
print(f"{'training digits':>15s}  {'training':12s} {'Fréchet distance (mean ± sd)':>29s}   per seed")
for s, size in enumerate(SIZES):
    for a, arm in enumerate(ARMS):
        values = frechet[s, a]
        print(f"{size:15d}  {arm:12s} {values.mean():20.1f} ± {values.std(ddof=1):4.1f}      "
              + "  ".join(f"{v:5.1f}" for v in values))
print(f"{'real digits':>15s}  (1,000 training digits against the held-out ones) {float(runs['real_reference']):5.1f}")

for s, size in enumerate(SIZES):
    plain, augmented = frechet[s, ARMS.index("plain")], frechet[s, ARMS.index("diffaugment")]
    change = augmented.mean() - plain.mean()
    spread = max(plain.std(ddof=1), augmented.std(ddof=1))
    wins = int((augmented < plain).sum())
    verdict = "within the spread between seeds" if abs(change) <= spread else (
        "lower by more than the spread between seeds" if change < 0 else "higher by more than the spread between seeds")
    print(f"{size} digits: DiffAugment changed the mean Fréchet distance by {change:+.1f} ({verdict}); "
          f"it was lower for {wins} of {len(SEEDS)} seeds")

# %% [markdown]
# And what the generators draw: 16 samples of the first seed's run of each kind, from the same fixed noise.

# %%
fig, axes = plt.subplots(len(SIZES), len(ARMS), figsize=(10, 1.9 * len(SIZES)), layout="constrained")
for s, size in enumerate(SIZES):
    for a, arm in enumerate(ARMS):
        pictures = torch.from_numpy(runs["samples"][s, a, 0, :16]).float().div(127.5).sub(1).unsqueeze(1)  # (16, 1, 28, 28)
        show_images(pictures, nrow=8, ax=axes[s, a],
                    title=f"{size} digits, {arm} (Fréchet distance {frechet[s, a, 0]:.1f})")
plt.show()

# %% [markdown] tags=["discussion"]
# ### What the numbers say
#
# Read the printed lines, not the pictures.
#
# - **D.** DiffAugment does to D what the paper says it does: with it, D's accuracy on held-out digits stays
#   with its accuracy on training digits even at 500 digits. D no longer rewards G for copying its training set.
# - **500 digits.** G's samples gain little from it. The mean Fréchet distance goes down, but by about the
#   spread between seeds, and not for every seed: a small gain at the edge of what three seeds can show.
# - **4,000 digits.** There was no memorising to cure (the gap was small without DiffAugment), and within these
#   thousand steps DiffAugment made the samples clearly worse, far beyond the spread between seeds. A likely
#   reason, not measured here: D now judges shifted images with holes in them, and G learns through T, so
#   every step teaches G less about the digits themselves, and a short run ends before it catches up.
# - **Above all**, every run on 4,000 plain digits beats every run on 500, with or without DiffAugment. At this
#   scale more real data is worth far more than augmentation.
#
# So, honestly: DiffAugment cures the symptom it was made for, and here that buys G little. The paper's large
# gains were measured with networks far larger than ours, trained on photographs (for example 2-4 times lower
# FID with 1,000 images of FFHQ faces or of LSUN). To see what it is worth at our scale you would train longer,
# on fewer images, or on harder ones, and measure over seeds as the script does.

# %% [markdown]
# **Exercise 4 (thought question).** Why must the fake images go through T too, in the D step? And why in the
# G step as well, not only when D learns? Answer in a few sentences, in terms of what D can learn to look at
# and what G is then pushed towards.

# %% [markdown] tags=["answer:q4"]
# If only real images go through T, D can tell real from fake by T's marks alone: a grey frame or a missing
# square means "real". D then learns nothing about digits, and G, to be called real, is pushed to draw the
# marks: shifted digits with grey frames and holes. The real distribution that G matches has become the
# augmented one. With T on the fakes too, both sides carry the same marks, so the marks tell D nothing and
# matching the augmented distributions still means matching the digits.
#
# In the G step, G's fakes must be judged the way D was trained to judge: through T. A D trained only on T(x)
# and T(G(z)) has never been asked about a plain G(z), so its verdict on one is not the verdict it learned,
# and G would follow gradients from a D answering a question it was never trained on. Through T, G gets the
# verdict D actually learned, and, because T is differentiable, the gradient of that verdict reaches G.

# %% [markdown]
# ## Summary
#
# - **A small training set lets D memorise.** Measure it: D's accuracy on its training images against held-out
#   real images. A gap that opens over training means D is learning which images are real, not what makes
#   an image real.
# - **DiffAugment**: one random, differentiable T on every image D sees, real and fake, in the D step and the G
#   step; for images like ours, a translation of up to 1/8 of the size with zeros moving in, and a cutout of a
#   square half the size, each image its own.
# - **Augmenting only the reals, or only in the D step, fails**: D learns the augmentation's marks, or is asked
#   about images unlike any it learned from.
# - **Measure what a fix buys, over seeds**, on held-out data, and say how large the change was against
#   the spread between seeds. Here DiffAugment closed D's memorisation gap but improved G's samples at 500
#   digits by little, made them worse at 4,000 in runs this short, and 4,000 plain digits beat both.
