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
# # 08 · A conditional GAN: ask for a digit, get that digit
#
# The GANs of lessons 05 and 06 draw digits, but *which* digit comes out is up to the noise: you cannot ask for
# a 7. A **conditional GAN** (Mirza & Osindero, 2014) fixes that with one small change: both networks
# are told the label.
#
# - The generator gets the noise **and** the digit you want: G(z, y).
# - The discriminator gets the image **and** the digit it is supposed to be: D(x, y). It now answers
#   "is this a real *7*?", not just "is this a real digit?".
#
# In this lesson:
#
# 1. labels as network inputs: one-hot vectors;
# 2. where the label enters the generator (beside the noise) and the discriminator (as extra channels);
# 3. the two losses with labels;
# 4. training a conditional DCGAN on the CPU;
# 5. picking a digit and a noise seed, and seeing the result;
# 6. measuring: how often does a digit classifier read the digit we asked for?
#
# Each exercise has a check. Run `q1.check()` after answering; `q1.hint()`, `q1.hint(2)` and
# `q1.solution()` help when you are stuck.

# %%
# Set up the lesson: the checks (q1, q2, ...) and the blank ____ you will fill in.
from learntools.core import binder; binder.bind(globals())
from learntools.gans.ex8 import *

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F

from learntools.core import test_mode
from learntools.gans.data import Batches, load_mnist
from learntools.gans.display import plot_losses, show_images
from learntools.gans.evaluation import class_accuracy, digit_grid
from learntools.gans.losses import nonsaturating_d, nonsaturating_g
from learntools.gans.models import ConditionalDiscriminator, ConditionalGenerator
from learntools.gans.training import AdamSettings, ConditionalGANTrainer, gaussian_noise

images, labels = load_mnist("train")  # 4,000 real digits (4000, 1, 28, 28) in [-1, 1], and their labels (4000,)
device = "cuda" if torch.cuda.is_available() else "cpu"  # the trainer picks its device the same way
print(f"Setup complete: {len(images)} labelled training digits, running on {device}"
      + (" (test mode: short training runs)." if test_mode() else "."))

# %% [markdown]
# ## 1. Labels as inputs: one-hot vectors
#
# A network takes numbers, so the label must become numbers. Feeding the digit itself (a 7 as the number
# 7) would tell the network that 7 is "more" than 3 and "close to" 8, which means nothing for digits.
# Instead, each label becomes a **one-hot vector**: ten numbers, all 0 except a 1 at the label's position.
#
# ```
# 0 -> [1, 0, 0, 0, 0, 0, 0, 0, 0, 0]
# 3 -> [0, 0, 0, 1, 0, 0, 0, 0, 0, 0]
# 9 -> [0, 0, 0, 0, 0, 0, 0, 0, 0, 1]
# ```
#
# Every digit is then equally far from every other one, and the network's first layer simply learns one
# weight vector per digit. (A learned **embedding**, `nn.Embedding(10, d)`, is the other common choice:
# the network learns its own d numbers per digit. The library's `ConditionalGenerator(embedding_dim=...)`
# offers it.)
#
# **Exercise 1.** Write `one_hot(labels, num_classes=10)`: class numbers of shape (N,) to float vectors of
# shape (N, num_classes).

# %%
def one_hot(labels, num_classes=10):
    """Class numbers (N,) -> one-hot float vectors (N, num_classes)."""
    ### BEGIN STARTER
    return ____
    ### END STARTER
    ### BEGIN SOLUTION
    return F.one_hot(labels, num_classes).float()  # (N, num_classes)
    ### END SOLUTION

# %%
q1.check()

# %% [markdown]
# ## 2. Where the label enters
#
# **The generator.** The noise z is a vector of, say, 64 numbers. The simplest way to add the label is to
# append its one-hot vector: the generator's input becomes 64 + 10 = 74 numbers, and everything after
# the first layer is the DCGAN generator of lesson 03, unchanged.
#
# ```
# z (N, 64)  ──┐
#              ├── concatenate ──> (N, 74) ──> DCGAN generator ──> image (N, 1, 28, 28)
# y (N, 10) ───┘
# ```
#
# **Exercise 2.** Write `generator_input(z, labels)`: the noise, then the one-hot label, side by side in
# each row. Use your `one_hot`.

# %%
def generator_input(z, labels):
    """Noise (N, z_dim) and labels (N,) -> the generator's input (N, z_dim + 10)."""
    ### BEGIN STARTER
    return ____
    ### END STARTER
    ### BEGIN SOLUTION
    return torch.cat([z, one_hot(labels)], dim=1)  # (N, z_dim) + (N, 10) -> (N, z_dim + 10)
    ### END SOLUTION

# %%
q2.check()

# %% [markdown]
# **The discriminator** sees an image, (N, 1, 28, 28), not a vector. Its convolutions look at every
# pixel, so the label must be visible everywhere: each one-hot entry becomes a whole 28×28 **plane** of
# that value, and the ten planes are stacked onto the image as extra channels. Plane k is all ones when
# the label is k, all zeros otherwise.
#
# ```
# image (N, 1, 28, 28)        ──┐
#                               ├── concatenate channels ──> (N, 11, 28, 28) ──> DCGAN discriminator ──> logit
# label planes (N, 10, 28, 28) ─┘
# ```
#
# **Exercise 3.** Write `discriminator_input(images, labels)`: the image as channel 0, then ten label
# planes of the image's height and width. Hint: a one-hot vector of shape (N, 10) becomes (N, 10, 1, 1)
# with `[:, :, None, None]`, and `.expand(-1, -1, H, W)` repeats it over the pixels without copying.

# %%
def discriminator_input(images, labels):
    """Images (N, 1, H, W) and labels (N,) -> (N, 1 + 10, H, W): the image, then ten label planes."""
    ### BEGIN STARTER
    return ____
    ### END STARTER
    ### BEGIN SOLUTION
    height, width = images.shape[2], images.shape[3]
    planes = one_hot(labels)[:, :, None, None].expand(-1, -1, height, width)  # (N, 10, H, W)
    return torch.cat([images, planes], dim=1)                                   # (N, 1 + 10, H, W)
    ### END SOLUTION

# %%
q3.check()

# %% [markdown]
# **Exercise 4.** The discriminator's first layer is a `Conv2d(in_channels, 32, kernel_size=4, stride=2,
# padding=1)`. How many input channels does it need now?

# %%
### BEGIN STARTER
d_in_channels = ____
### END STARTER
### BEGIN SOLUTION
d_in_channels = 1 + 10  # the image, then ten one-hot label planes
### END SOLUTION

# %%
q4.check()

# %% [markdown]
# The library's `ConditionalGenerator` and `ConditionalDiscriminator` (in `learntools/gans/models/conditional.py`)
# do exactly this around lesson 03's and 04's DCGAN models. Their shapes:

# %%
G = ConditionalGenerator(z_dim=64, width=32).to(device)
D = ConditionalDiscriminator(width=32).to(device)

z = torch.randn(10, 64, device=device)              # (10, 64)
asked = torch.arange(10, device=device)             # (10,): the digits 0..9
fake = G(z, asked)                                  # (10, 1, 28, 28)
print("G's first layer reads", G.body.project[0].in_channels, "numbers per example: 64 noise + 10 label")
print("D's first layer reads", D.body.down1[0].in_channels, "channels: 1 image + 10 label planes")
print("fake images:", tuple(fake.shape), " D's logits:", tuple(D(fake, asked).shape))

# %% [markdown]
# ## 3. The losses, with labels
#
# The losses are lesson 05's, with the label passed along. In a discriminator step, the fakes are asked for
# the **same digits as the real batch** holds, so D sees real and fake examples of every digit in the same
# proportions, and judges each against its own label:
#
# - D's loss: −log D(x, y) − log(1 − D(G(z, y), y)), that is `nonsaturating_d(D(real, y), D(fake, y))`,
#   with the fakes **detached** (the D step must not train G);
# - G's loss: −log D(G(z, y), y), that is `nonsaturating_g(D(fake, y))`, no detach.
#
# **Exercise 5.** Write the discriminator's loss for one batch. `D(images, labels)` and `G(z, labels)` are
# the conditional models above.

# %%
def conditional_d_loss(D, G, real, labels, z):
    """The discriminator's loss on a batch: real digits with their labels, fakes made for the same labels."""
    ### BEGIN STARTER
    fake = ____                       # G's images for these labels, detached
    return ____
    ### END STARTER
    ### BEGIN SOLUTION
    fake = G(z, labels).detach()          # (N, 1, 28, 28), no gradient back into G
    real_logits = D(real, labels)         # (N, 1): "a real image of this digit?"
    fake_logits = D(fake, labels)         # (N, 1)
    return nonsaturating_d(real_logits, fake_logits)
    ### END SOLUTION

# %%
q5.check()

# %% [markdown]
# **Exercise 6.** Write the generator's loss: ask G for the digits in `labels`, and let D judge the fakes
# *as those digits*.

# %%
def conditional_g_loss(D, G, labels, z):
    """The generator's loss: how well G's images for these labels fool D."""
    ### BEGIN STARTER
    return ____
    ### END STARTER
    ### BEGIN SOLUTION
    fake = G(z, labels)                   # (N, 1, 28, 28), keeps G's graph
    return nonsaturating_g(D(fake, labels))
    ### END SOLUTION

# %%
q6.check()

# %% [markdown]
# ## 4. Training
#
# `ConditionalGANTrainer` is lesson 06's `GANTrainer` with these two losses in its steps: its steps are
# `GANTrainer`'s own, and `learntools/gans/training/conditional.py` only says how the labels reach G and D
# (read its `generate` and `judge`, then `GANTrainer.discriminator_step`: together they are your q5 and q6).
# The five ingredients are the same; the data now yields **(images, labels)** batches:
#
# | ingredient | here |
# | --- | --- |
# | models | `ConditionalGenerator(z_dim=64, width=32)`, `ConditionalDiscriminator(width=32)` |
# | real data and noise | `Batches(images, labels, batch_size=64)`, `gaussian_noise(64)` |
# | losses | non-saturating |
# | optimizers | Adam, learning rate 1e-3 for both, betas (0.5, 0.999) |
# | training sequence | one D step, then one G step |
#
# The models are narrower than the DCGAN paper's (width 32 against 64) and the learning rate higher (1e-3
# against 2e-4), so that the digits appear within a minute or two on a laptop's CPU. The live view redraws
# the losses and samples for fixed noise and labels every few seconds.

# %%
torch.manual_seed(0)
G = ConditionalGenerator(z_dim=64, width=32)
D = ConditionalDiscriminator(width=32)
trainer = ConditionalGANTrainer(
    G,
    D,
    data=Batches(images, labels, batch_size=64, seed=0),
    noise=gaussian_noise(64),
    loss="nonsaturating",
    optimizers=AdamSettings(lr_g=1e-3, lr_d=1e-3, betas=(0.5, 0.999)),
    seed=0,
)
steps = 30 if test_mode() else 1000
trainer.fit(steps=steps, seconds=150, live=5);
print(f"{trainer.steps_done} steps in {trainer.train_seconds:.0f} s on {trainer.device}.")

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5), gridspec_kw={"width_ratios": [1.3, 1]},
                                  layout="constrained")
show_images(digit_grid(G, rows=8, seed=1), nrow=10, ax=left,
            title="Asked for 0, 1, ..., 9 (columns); one noise vector per row")
plot_losses(trainer.history, smooth=max(1, len(trainer.history) // 40), ax=right)
plt.show()

# %% [markdown]
# Look along a row: one noise vector drawn as ten different digits keeps its **style** (thickness, slant,
# size). The label decides *what* is drawn; the noise decides *how*. That separation is what makes a
# conditional generator useful.
#
# ## 5. Pick a digit and a noise seed
#
# Move the sliders: the digit is the label you ask for, the seed picks the noise vector. On the right, the
# same noise is asked for every digit. (Where widgets don't display, you see the picture for digit 7,
# seed 0.)

# %%
from learntools.gans.display.widgets import digit_picker

digit_picker(G, digit=7, seed=0)

# %% [markdown]
# ## 6. Measuring: does it draw what we ask for?
#
# A conditional GAN should produce the digit that was asked for. We can measure that with the course's
# digit classifier (`learntools.gans.evaluation.metrics`, trained on real digits; it reads about 99% of real held-out
# digits correctly): ask G for 100 images of every digit, let the classifier read them, and count, **per
# digit asked for**, how many were read as that digit. Guessing would score 10%.
#
# **Exercise 7.** Write `accuracy_per_class(predicted, asked)`: both are (N,) tensors of class numbers; return
# a tensor of 10 fractions, entry k being the fraction of the images *asked* to be k that were *read* as k.

# %%
def accuracy_per_class(predicted, asked):
    """For each digit k: among the images asked to be k, the fraction the classifier read as k. Shape (10,)."""
    ### BEGIN STARTER
    return ____
    ### END STARTER
    ### BEGIN SOLUTION
    return torch.stack([(predicted[asked == k] == k).float().mean() for k in range(10)])  # (10,)
    ### END SOLUTION

# %%
q7.check()

# %% [markdown]
# The library's `class_accuracy(G)` does the whole measurement (with the same arithmetic as your q7):

# %%
report = class_accuracy(G, n_per_class=100, seed=0)
print(f"Per-class accuracy after {trainer.steps_done} steps: mean {report['mean']:.1%} (chance: 10%)")

fig, ax = plt.subplots(figsize=(7, 3), layout="constrained")
ax.bar(range(10), report["per_class"], color="tab:blue")
ax.axhline(report["chance"], color="tab:red", linestyle="--", label="chance (10%)")
ax.set_xticks(range(10))
ax.set_xlabel("digit asked for")
ax.set_ylabel("read as that digit")
ax.set_ylim(0, 1)
ax.legend(loc="lower right")
ax.set_title(f"How often the classifier reads the digit we asked for (mean {report['mean']:.0%})")
plt.show()

# %% [markdown]
# After a minute or two of training the generator draws the asked-for digit most of the time, far above
# chance. Some digits come out better than others: find your weakest bar and look at that column of the grid
# above. Longer training (try `trainer.fit(seconds=120)` and measure again) raises the bars. The same run is available from the command
# line: `python -m learntools.gans train cgan --seconds 120`, whose `metrics.json` reports this accuracy.
#
# **Exercise 8 (thought question).** Suppose only the generator were given the label, and the
# discriminator saw the image alone. Would G still learn to draw the digit it is asked for? Why, or why not?

# %% [markdown] tags=["answer:q8"]
# No. A discriminator that sees only the image can only judge whether it looks like *some* real digit, so
# a perfect 3 drawn when a 7 was asked for passes, and nothing in the loss ties the output to the label:
# G is free to ignore it. Given the label as well, D learns what real (image, label) pairs look like, so a
# 3 labelled 7 is recognisably fake, and G can only fool D by drawing the digit it was asked for.

# %% [markdown]
# ## Summary
#
# - A conditional GAN gives the label to **both** networks: G(z, y) and D(x, y).
# - Labels enter as **one-hot vectors** (or learned embeddings): appended to the noise for the generator,
#   spread into constant **planes** stacked on the image for the discriminator.
# - The losses are unchanged, with the label passed along; the fakes of a D step are asked for the same
#   digits as the real batch and are detached.
# - The noise sets the style, the label the content.
# - Measure conditioning by letting a classifier read generated digits: per-class accuracy, against 10%
#   chance.
#
# Next: **09 · Image-to-image translation**, where the condition is not a label but a whole image.
