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
# # 06 · The trainer, and judging a GAN
#
# In lesson 05 you wrote a GAN's losses and its training step, and trained a small GAN with them. Here the
# course's trainer runs the same steps with a few tricks on top, and you learn to judge what comes out:
#
# 1. the library trainer and its five ingredients (models, data and noise, losses, optimizers, training
#    sequence);
# 2. training it, with samples drawn live;
# 3. measuring quality with a digit classifier, beside real digits' figures;
# 4. mode collapse: partial collapse in a trained GAN, a generator that fools a frozen judge, and a real
#    collapse;
# 5. the latent space: walking between two noise vectors, arithmetic on z, the truncation trick, and what a
#    trained generator's 7×7 maps hold.
#
# Each exercise has a check. Run `q1.check()` after answering; `q1.hint()`, `q1.hint(2)` and
# `q1.solution()` help when you are stuck.

# %%
# Set up the lesson: the checks (q1, q2, ...) and the blank ____ you will fill in.
from learntools.core import binder; binder.bind(globals())
from learntools.gans.ex6 import *

import copy
import math
import time

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

from learntools.core import test_mode
from learntools.gans import latent
from learntools.gans.data import Batches, load_mnist
from learntools.gans.display import plot_losses, show_images
from learntools.gans.evaluation import metrics
from learntools.gans.losses import nonsaturating_g
from learntools.gans.models import DCGANDiscriminator, DCGANGenerator
from learntools.gans.pretrained import load_digit_generator
from learntools.gans.training import AdamSettings, GANTrainer, TrainingSequence, gaussian_noise

images, labels = load_mnist("train")  # 4,000 real digits: (4000, 1, 28, 28) in [-1, 1], labels (4000,)
device = "cuda" if torch.cuda.is_available() else "cpu"  # the trainer picks its device the same way
print(f"Setup complete: {len(images)} training digits, running on {device}"
      + (" (test mode: short training runs)." if test_mode() else "."))

# %% [markdown]
# ## 1. The library trainer: five ingredients
#
# The original workshop trained its GAN with TF-GAN, where you specify five things and the library runs the
# loop: the generator and discriminator **models**, the **real data and the noise**, the **loss
# functions**, the **optimizer** settings and the **training sequence**. `learntools.gans.training.GANTrainer`
# takes exactly those five, and its `step()` is lesson 05's `train_step` (read `GANTrainer.discriminator_step`: it
# detaches too). Around it the trainer adds what a real run needs: the device, seeding, checkpoints, time
# budgets, a progress bar, and a live view of the samples.
#
# The settings below are the course's `dcgan` recipe (`learntools.gans.recipes`), tuned for digits within
# a minute on a laptop CPU (`bench/time_to_quality.py` measures it). The DCGAN paper's own settings
# (64 channels, 100 noise numbers, both learning rates 2e-4, Adam's beta1 0.5: the recipe `dcgan-baseline`)
# need a GPU to shine. On a CPU a 16-channel network does far less arithmetic per step, so it takes many
# more steps in the minute; `refine=True` gives each network one or two extra 3×3 convolutions that keep
# the image size, which buy back much of the quality the narrow width gives away. The same noise vectors
# are drawn every few seconds, so you watch the *same* 64 samples turn from grey fog into digits.

# %%
torch.manual_seed(0)

# 1. The models: a DCGAN generator and discriminator (lessons 03 and 04), 16 channels wide, with the
#    extra 3x3 convolutions (D: one at 7x7, so it judges how neighbouring strokes fit; G: at 7x7 and 28x28).
generator = DCGANGenerator(z_dim=32, width=16, refine=True)
discriminator = DCGANDiscriminator(width=16, refine=True)

# 2. The inputs: real data in batches of 64, and noise z ~ N(0, I) with 32 numbers.
real_data = Batches(images, batch_size=64, seed=0)
noise = gaussian_noise(32)

# 3. The losses: D's binary cross-entropy and G's non-saturating loss (lesson 05's Exercises 1 and 2).
loss = "nonsaturating"

# 4. The optimizers: Adam for each network at 10x the paper's learning rate. beta1 = 0 turns off Adam's
#    momentum, which lags behind an opponent that keeps moving.
optimizers = AdamSettings(lr_g=2e-3, lr_d=2e-3, betas=(0.0, 0.9))

# 5. The training sequence: one D update, then one G update, per step.
sequence = TrainingSequence(d_steps=1, g_steps=1)

# One trick on top: the samples come from a moving average of G's weights over the last ~100 steps
# (ema_decay=0.99), which smooths out the jitter of a generator chasing a moving discriminator.
trainer = GANTrainer(generator, discriminator, real_data, noise, loss=loss, optimizers=optimizers,
                     sequence=sequence, seed=0, ema_decay=0.99)
print(trainer)

# %% [markdown]
# ## 2. Training, watched live
#
# Train. The progress bar counts steps; the picture (loss curves, and the fixed noise's samples) redraws
# every few seconds. Training stops after the number of steps or the number of seconds, whichever comes
# first; you can stop it early with the stop button (■) and everything trained so far is kept.

# %%
train_steps, train_seconds = (10, 30) if test_mode() else (5000, 60)
trainer.fit(steps=train_steps, seconds=train_seconds, live=4)
print(f"{trainer.steps_done} steps in {trainer.train_seconds:.0f} s of training "
      f"({trainer.steps_done * 64 / len(images):.1f} passes over the 4,000 digits).")

# %%
fig, (ax_losses, ax_samples) = plt.subplots(1, 2, figsize=(12, 4.2), layout="constrained",
                                            gridspec_kw={"width_ratios": [1, 1.3]})
plot_losses(trainer.history, smooth=20, ax=ax_losses, title="losses (moving average of 20 steps)")
ax_losses.axhline(2 * math.log(2), color="tab:blue", linestyle=":", linewidth=1, label="2 ln 2 (D at the start)")
ax_losses.axhline(math.log(2), color="tab:orange", linestyle=":", linewidth=1, label="ln 2 (G at the start)")
ax_losses.legend(fontsize=8)
show_images(trainer.sample(64), nrow=8, ax=ax_samples, title=f"64 samples after {trainer.steps_done} steps")
plt.show()

# %% [markdown]
# The dotted lines are 2 ln 2 and ln 2, where the losses started. A GAN's losses don't fall towards 0 as a
# classifier's do: each network's loss is the other's success. What you want to see is both staying in a
# band (D's loss neither collapsing to 0, which would mean D has won, nor climbing far above 2 ln 2).
#
# ## 3. Measuring quality
#
# Looking at samples is the first test, but not a measurement. A GAN can't tell you how probable the held-out
# digits are (it is an *implicit* model, lesson 01), so GAN evaluation judges its samples instead. Papers use
# the Inception Score and the Fréchet Inception Distance (FID), which judge images with a large ImageNet
# network. For 28×28 digits the course ships a small digit classifier (98.9% accurate on held-out digits) and
# uses it the same way
# (`learntools.gans.evaluation.metrics`):
#
# - **classifier score**, exp(E KL(p(y|x) ‖ p(y))), from 1 to 10: high when each image is a confident digit
#   *and* the digits are varied;
# - **Fréchet distance**: fit a Gaussian to the classifier's 128 features of the generated images and
#   another to those of the real training digits; the distance between the two (0 for identical
#   statistics, lower is better);
# - **class coverage**: how many of the ten digits the generator produces with confidence.
#
# Numbers mean little alone, so `evaluate_images` always puts the same figures for 1,000 held-out real
# digits beside them.

# %%
generated = trainer.sample(1000, seed=1)  # (1000, 1, 28, 28), from noise seeded with 1
report = metrics.evaluate_images(generated)
print(metrics.format_report(report))

# %% [markdown]
# Read the real column as a yardstick, not a ceiling. Its Fréchet distance is what digits the GAN never saw
# score against the training digits. But the training digits are the very images the GAN learned from: a
# generator that simply copied them would score like real data, or 0 if it copied all 4,000, without having
# learned to draw anything new. Measuring against the held-out digits instead takes that advantage away. The
# yardstick then is training digits measured the same way, 1,000 at a time, which is exactly what a copying
# generator would draw. Their spread shows how noisy a distance from 1,000 images is: read smaller differences
# as ties.

# %%
to_held_out = {"generated (1,000)": metrics.frechet_distance(generated, "test")}
for start in range(0, 4000, 1000):
    to_held_out[f"training digits {start + 1}-{start + 1000}"] = metrics.frechet_distance(images[start:start + 1000], "test")
for name, distance in to_held_out.items():
    print(f"Fréchet distance to the 1,000 held-out digits, {name:28s}{distance:6.2f}")

# %% [markdown]
# ## 4. Mode collapse
#
# The generator's loss rewards being believed, not being varied. A generator that drew only the few images the
# discriminator likes best would score well on every single sample and still be a poor model of the data: it
# has *collapsed* onto a few modes. Collapse comes in degrees, and the first place to look for it is the GAN you
# just trained.
#
# ### Partial collapse: which digits does your GAN draw?
#
# Class coverage turns the samples into numbers: the share of the 1,000 samples the classifier confidently calls
# each digit. Held-out real digits have about 10% of each (a little less where the classifier is unsure).

# %%
gan_shares = report["generated"]["class_fractions"]
real_shares = report["real"]["class_fractions"]
fig, ax = plt.subplots(figsize=(10, 3.3), layout="constrained")
for offset, (name, fractions) in zip((-0.2, 0.2), [("real (held out)", real_shares), ("trained GAN", gan_shares)]):
    ax.bar([digit + offset for digit in range(10)], [100 * f for f in fractions], 0.4, label=name)
ax.axhline(10, color="grey", linewidth=0.8, linestyle=":")
ax.set_xticks(range(10))
ax.set_xlabel("digit (as the classifier sees it)")
ax.set_ylabel("% of 1,000 samples, confident")
ax.set_title("Which digits each set contains")
ax.legend()
plt.show()

by_share = sorted(range(10), key=lambda digit: gan_shares[digit])
spread = 100 * math.sqrt(0.1 * 0.9 / len(generated))  # the sampling noise of a 10% share among 1,000 samples
print("trained GAN: " + ", ".join(f"{digit}: {100 * gan_shares[digit]:.1f}%" for digit in range(10)))
print(f"least drawn: {by_share[0]} ({100 * gan_shares[by_share[0]]:.1f}%) and {by_share[1]} "
      f"({100 * gan_shares[by_share[1]]:.1f}%); most drawn: {by_share[-1]} ({100 * gan_shares[by_share[-1]]:.1f}%)")
print(f"{report['generated']['classes_covered']}/10 digits covered; "
      f"{100 * report['generated']['confident_fraction']:.0f}% of the samples are confident digits "
      f"(real: {100 * report['real']['confident_fraction']:.0f}%); a 10% share among 1,000 samples varies by "
      f"about ±{spread:.1f} points by chance alone")

# %% [markdown]
# Covering all ten digits is not the same as drawing them evenly. Compare the least-drawn digits printed above
# with real data's 10%: a share far below it, beyond the chance spread printed beside it, is a **partial
# collapse**, a mode the generator is losing, and a GAN still in training often hops between favourites (draw
# the chart again after more training and the least-drawn digits may change). Two cautions when reading it:
# the chart counts confident samples only, so a GAN that draws its 4s vaguely shows few 4s even if it draws
# many; and the shares of a short training run are dominated by fog that no digit claims (the confident share
# printed above says how much).
#
# ### A generator against a frozen judge
#
# Why doesn't a GAN collapse completely? Because D keeps learning: when many fakes look alike, D learns that
# this look means "fake", and G is pushed elsewhere. Take that away. Copy the GAN you trained, **freeze the
# discriminator**, and let the generator train alone against it, twice: against D in training mode (the
# function G trained against, where BatchNorm normalises with the batch's own statistics) and against D in
# eval mode (BatchNorm uses the running averages it collected during training: a slightly different function,
# the one you would use to score single images).

# %%
def train_against_frozen(D_mode, steps, seconds):
    """A copy of the trained G, trained alone against a frozen copy of D in `D_mode` ("train" or "eval")."""
    G_alone = copy.deepcopy(trainer.generator).train()
    frozen_D = copy.deepcopy(trainer.discriminator).requires_grad_(False)  # a fixed judge: D never changes
    frozen_D.train(D_mode == "train")
    opt = torch.optim.Adam(G_alone.parameters(), lr=2e-3, betas=(0.0, 0.9))  # G's usual settings
    started = time.perf_counter()
    for _ in tqdm(range(steps), desc=f"G alone against a frozen D ({D_mode} mode)"):
        loss = nonsaturating_g(frozen_D(G_alone(noise(64, trainer.device))))  # the usual G loss
        opt.zero_grad()
        loss.backward()
        opt.step()
        if time.perf_counter() - started > seconds:
            break
    return G_alone.eval(), frozen_D


def verdicts(D, images):
    """D's mean probability that the images are real, judged in training mode and in eval mode."""
    was_training = D.training
    with torch.no_grad():
        found = {mode: torch.sigmoid(D.train(mode == "train")(images.to(trainer.device))).mean().item()
                 for mode in ("train", "eval")}
    D.train(was_training)
    return found


alone_steps, alone_seconds = (3, 10) if test_mode() else (200, 8)
z_fixed = noise(1000, "cpu", torch.Generator().manual_seed(1)).to(trainer.device)  # (1000, 32), as for `generated`
collapse_results = {}


def record(name, G_now, D_now):
    """Samples of G_now for the fixed z, their class coverage, and D_now's verdicts on them."""
    with torch.no_grad():
        drawn_now = G_now.eval()(z_fixed).cpu()                # (1000, 1, 28, 28)
    collapse_results[name] = {"images": drawn_now, "coverage": metrics.class_coverage(drawn_now),
                              "verdicts": verdicts(D_now, drawn_now[:64])}


for D_mode in ("train", "eval"):
    record(f"G alone vs a frozen D ({D_mode} mode)", *train_against_frozen(D_mode, alone_steps, alone_seconds))

# %% [markdown]
# Freezing D is a thought experiment. A real training run can do the same by mistake: below, the same five
# ingredients as section 1 continue training the GAN, both networks taking turns, with one change: D's
# learning rate is 100 times smaller than G's (a slip of a zero or two in a config file).

# %%
slow_D_run = GANTrainer(copy.deepcopy(trainer.generator), copy.deepcopy(trainer.discriminator), real_data, noise,
                        loss=loss, optimizers=AdamSettings(lr_g=2e-3, lr_d=2e-5, betas=(0.0, 0.9)),
                        sequence=sequence, seed=1)
slow_D_run.fit(steps=alone_steps, seconds=alone_seconds)
record("real training, D's lr 100x smaller", slow_D_run.generator, slow_D_run.discriminator)


def spread_of(batch):
    """How different the images of a batch are: the mean pixel distance between two of them."""
    flat = batch[:200].flatten(1)
    return torch.cdist(flat, flat).mean().item()


fig, axes = plt.subplots(1, 4, figsize=(16, 4.3), layout="constrained")
show_images(generated[:64], ax=axes[0], title="trained GAN")
for ax, (name, found) in zip(axes[1:], collapse_results.items()):
    show_images(found["images"][:64], ax=ax, title=name)
plt.show()

print(f"{'':38}{'spread':>8}{'D says real (train / eval mode)':>34}{'classes':>9}{'confident':>11}")
print(f"{'trained GAN':38}{spread_of(generated):8.1f}{'':34}{report['generated']['classes_covered']:6d}/10"
      f"{report['generated']['confident_fraction']:11.1%}")
for name, found in collapse_results.items():
    coverage = found["coverage"]
    judged = f"{found['verdicts']['train']:.2f} / {found['verdicts']['eval']:.2f}"
    print(f"{name:38}{spread_of(found['images']):8.1f}{judged:>34}"
          f"{coverage['classes_covered']:6d}/10{coverage['confident_fraction']:11.1%}")

# %%
for name, found in collapse_results.items():
    shares = found["coverage"]["class_fractions"]
    top = max(range(10), key=lambda digit: shares[digit])
    print(f"{name}: spread {spread_of(found['images']) / spread_of(generated):.0%} of the trained GAN's; "
          f"the classifier calls {100 * shares[top]:.1f}% of its images a confident {top}")

# %% [markdown]
# In a classroom-mode run (test mode trains these generators for only a few steps, too few to see it) the
# three runs end alike:
#
# - **They collapse.** Every z gives nearly the same pattern: the spread between images falls well below the
#   trained GAN's (the more steps these runs get, the further; they stop after a few seconds). Against a judge
#   that never changes (or changes 100 times slower than G), G's best move is to put every sample on the one
#   image that judge likes best, and nothing stops it. The slow-D run is a real collapse: both networks train,
#   and G still outruns D.
# - **What they draw is not a digit.** D only ever learned to separate real digits from the fakes G drew at the
#   time; far from both, its verdict means nothing, and gradient steps find an input it scores as real, as they
#   find adversarial examples for any classifier. The stripes and speckles are that input: G exploiting its
#   judge, not a digit of any kind. The verdict columns show how D judges each pattern in both of its modes. D in
#   eval mode is a different function (BatchNorm's running averages instead of the batch's statistics), so the
#   two frozen runs, each against one mode of the same D, settle on different patterns.
# - **Read the classifier's columns with care.** Where a collapsed row shows a digit "covered", the classifier
#   called the pattern that digit with confidence. Look at the picture: it is not one. The classifier learned
#   digits (and a little random noise); on an image unlike anything it has seen, its probabilities can be
#   confident and meaningless. Class coverage counts confident predictions, so it can only be trusted on images
#   that look like digits: always look at the samples, and check how many are confident at all.
#
# A GAN that collapses onto a few *real* digits is the same failure with a better-behaved judge. Lesson 01
# showed it on the ring of 8 Gaussians, where 5 G steps per D step made the generator's points huddle on one
# mode and hop between modes; lesson 08's conditional GAN is one cure, asking G for every digit by name.
#
# **Exercise 1 (thought question).** Why does the generator collapse when D is frozen, why is what it draws not
# a digit, and what in normal training pushes back against collapse? Write a few sentences, then compare with
# the discussion.

# %% [markdown] tags=["answer:q1"]
# Against a fixed discriminator, the generator's best move is to put every sample on the image D finds most
# real: the G loss rewards being believed, not being varied, and with D frozen nothing punishes sameness. That
# image need not be a digit: D was only trained to tell real digits from the fakes of the moment, so far from
# both its verdict is arbitrary and G finds a pattern it scores as real (an adversarial example), a different
# one for D in eval mode, whose BatchNorm uses running averages, than for D in training mode. In normal
# training D keeps learning: when many fakes look alike, D learns that this look means fake and G is pushed
# elsewhere, which is why GANs hop from mode to mode instead of settling, and why collapse is usually partial.
# Fixes give D a way to see variety (minibatch statistics), keep the game balanced (Wasserstein or hinge losses,
# lesson 07), or ask G for each class (conditional GANs, lesson 08).
# %% [markdown]
# ## 5. The latent space
#
# A generator is a function from noise to images, and the noise space (the *latent space*) has a shape worth
# knowing. This section uses a generator trained ahead of time: the same `dcgan` recipe as section 1, trained
# for longer (`learntools.gans.pretrained` holds the script that made it, and the recipe), so that the pictures
# here are clear digits whatever your own run above reached.

# %%
G = load_digit_generator(device)  # the dcgan recipe's averaged generator: z_dim 32, in eval mode
z_dim = G.z_dim
print(f"A pre-trained generator: {sum(p.numel() for p in G.parameters()):,} weights, noise of {z_dim} numbers.")
with torch.no_grad():
    pretrained_samples = G(torch.randn(1000, z_dim, generator=torch.Generator().manual_seed(1)).to(device)).cpu()
pretrained_report = metrics.evaluate_images(pretrained_samples)
print(metrics.format_report(pretrained_report))

# %% [markdown]
# ### Walking from one z to another
#
# Take two noise vectors z0 and z1 and draw the images of the points between them. The straight line,
# **lerp**(z0, z1, t) = (1 − t) z0 + t z1, is the obvious path, but in many dimensions it leaves the region
# where the noise lives. A standard normal vector in d dimensions has length close to √d (its squared length
# is a sum of d squares, each 1 on average); two independent ones are nearly perpendicular, so the middle of
# the line between them has length about √(d/2). The generator was never shown noise that short. Measure it:

# %%
noise_rng = torch.Generator().manual_seed(3)
z_pairs = torch.randn(2, 1000, z_dim, generator=noise_rng)   # 1,000 pairs (z0, z1), each (32,)
lengths = z_pairs[0].norm(dim=1)                               # (1000,)
middles = latent.lerp(z_pairs[0], z_pairs[1], 0.5).norm(dim=1)  # length of each pair's lerp midpoint
print(f"√{z_dim} = {math.sqrt(z_dim):.2f}; the length of a noise vector: {lengths.mean():.2f} ± {lengths.std():.2f}")
print(f"the length of the midpoint of the straight line between two of them: {middles.mean():.2f} ± {middles.std():.2f} "
      f"(√{z_dim // 2} = {math.sqrt(z_dim / 2):.2f})")
print(f"noise vectors as short as that midpoint: {(lengths <= middles.mean()).float().mean():.1%} of them")

# %% [markdown]
# The midpoints are shorter than practically every noise vector the generator trained on. **Spherical
# interpolation** (slerp; Shoemake 1985, suggested for GANs by White 2016) walks along the arc between the two
# directions instead, keeping the length where the noise lives. With ω the angle between z0 and z1,
#
# $$\text{slerp}(z_0, z_1, t) = \frac{\sin((1-t)\,\omega)}{\sin \omega}\, z_0 + \frac{\sin(t\,\omega)}{\sin \omega}\, z_1, \qquad \cos \omega = \frac{z_0 \cdot z_1}{|z_0|\,|z_1|}.$$
#
# **Exercise 2.** Write `slerp` for two vectors of shape (d,) and a number t in [0, 1]. (The two vectors are
# never parallel here, so sin ω is not 0.)

# %%
def slerp(z0, z1, t):
    """Spherical interpolation from z0 (t = 0) to z1 (t = 1); z0 and z1 have shape (d,)."""
    ### BEGIN STARTER
    omega = ____  # the angle between z0 and z1: arccos of the dot product of their unit vectors
    return ____
    ### END STARTER
    ### BEGIN SOLUTION
    cos_omega = torch.dot(z0 / z0.norm(), z1 / z1.norm())  # cosine of the angle between them
    omega = torch.arccos(torch.clamp(cos_omega, -1.0, 1.0))  # clamp: rounding can step just past ±1
    return (torch.sin((1 - t) * omega) * z0 + torch.sin(t * omega) * z1) / torch.sin(omega)
    ### END SOLUTION

# %%
q2.check()

# %% [markdown]
# Both paths between the same two noise vectors, in 9 steps (the library's `latent.slerp` is the same as
# yours), with the length of each z printed under it:

# %%
z0, z1 = torch.randn(2, z_dim, generator=torch.Generator().manual_seed(16))  # (32,) each
ts = torch.linspace(0, 1, 9)
paths = {"lerp": torch.stack([latent.lerp(z0, z1, t) for t in ts]),    # (9, 32)
         "slerp": torch.stack([latent.slerp(z0, z1, t) for t in ts])}  # (9, 32)
fig, axes = plt.subplots(2, 1, figsize=(10, 3.4), layout="constrained")
for ax, (name, path) in zip(axes, paths.items()):
    with torch.no_grad():
        show_images(G(path.to(device)).cpu(), nrow=9, ax=ax, title=f"{name}: |z| = "
                    + ", ".join(f"{length:.1f}" for length in path.norm(dim=1)))
plt.show()
for name, path in paths.items():
    with torch.no_grad():
        ink = ((G(path.to(device)).cpu() + 1) / 2).mean(dim=(1, 2, 3))  # share of each image in ink, (9,)
    print(f"{name:>5}: ink share of each image  " + "  ".join(f"{share:.3f}" for share in ink))

# %% [markdown]
# Both rows turn one digit into the other through shapes that are mostly digit-like (the DCGAN paper, §6.1,
# reads smooth walks like these as a sign that the generator has not memorised its training images, which would
# show as sudden jumps). The lengths differ: the lerp row dips to the short noise the generator rarely saw,
# the slerp row stays near √32. For one pair the pictures barely differ; over many pairs the cost of the short
# noise shows in the numbers. Here are the midpoints of the 1,000 pairs measured above, beside the pairs' own ends:

# %%
with torch.no_grad():
    ends = G(z_pairs[0, :500].to(device)).cpu()                             # (500, 1, 28, 28)
    lerp_middles = G(latent.lerp(z_pairs[0, :500], z_pairs[1, :500], 0.5).to(device)).cpu()
    slerp_middles = G(torch.stack([latent.slerp(a, b, 0.5) for a, b in zip(z_pairs[0, :500], z_pairs[1, :500])]).to(device)).cpu()
for name, batch in [("the ends, z0", ends), ("lerp midpoints", lerp_middles), ("slerp midpoints", slerp_middles)]:
    print(f"{name:>16}: Fréchet distance to held-out {metrics.frechet_distance(batch, 'test'):5.1f}, "
          f"confident digits {metrics.class_coverage(batch)['confident_fraction']:.1%}")
for d in (z_dim, 512):  # 512: StyleGAN's noise
    z_d = torch.randn(2, 1000, d, generator=torch.Generator().manual_seed(7))  # 1,000 pairs in d dimensions
    lengths_d, middles_d = z_d[0].norm(dim=1), latent.lerp(z_d[0], z_d[1], 0.5).norm(dim=1)
    print(f"d = {d}: lerp midpoints are {(lengths_d.mean() - middles_d.mean()) / lengths_d.std():.1f} standard "
          "deviations of |z| shorter than a typical z")

# %% [markdown]
# The slerp midpoints score like ordinary samples; the lerp midpoints a little worse, because they come from
# noise shorter than nearly all the generator trained on. The gap is small for this generator (500 images per
# row, so a difference of a few points in the distance is within its noise), and it grows with the dimension:
# the midpoint's length is √(d/2) against √d, while the spread of the lengths stays near 0.7 in any dimension,
# so the last lines printed show the midpoints far further out of the generator's experience for 512 numbers
# (StyleGAN's z) than for our 32.
#
# ### Arithmetic on z
#
# The DCGAN paper (§6.3) averaged the z's of faces with a property (smiling, glasses) and did arithmetic on
# those averages. On digits, a property we can measure without labels is the amount of **ink**: the share of
# the image that is bright. Draw 2,000 samples, take the z's of the 10% with the most ink and of the 10% with
# the least, and subtract the averages: a "more ink" direction in z. (Test mode uses fewer samples.)

# %%
with torch.no_grad():
    n_many = 600 if test_mode() else 2000
    z_many = torch.randn(n_many, z_dim, generator=torch.Generator().manual_seed(4))  # (n_many, 32)
    ink = ((G(z_many.to(device)).cpu() + 1) / 2).mean(dim=(1, 2, 3))             # (n_many,)
order = ink.argsort()
tenth = n_many // 10
thin, thick = z_many[order[:tenth]], z_many[order[-tenth:]]  # (n_many / 10, 32) each
more_ink = thick.mean(0) - thin.mean(0)                 # (32,): the direction from thin to thick
print(f"ink: the thinnest tenth of the samples {ink[order[:tenth]].mean():.3f}, the thickest {ink[order[-tenth:]].mean():.3f}; "
      f"the direction has length {more_ink.norm():.2f}")

steps = [-1.0, -0.5, 0.0, 0.5, 1.0]
z_test = torch.randn(200 if test_mode() else 500, z_dim, generator=torch.Generator().manual_seed(5))  # new z's
with torch.no_grad():
    base_digits = metrics.classifier_probabilities(G(z_test.to(device)).cpu()).argmax(1)  # (500,)
    rows = []
    for step in steps:
        moved = G((z_test + step * more_ink).to(device)).cpu()  # (n, 1, 28, 28)
        same = (metrics.classifier_probabilities(moved).argmax(1) == base_digits).float().mean()
        print(f"z + {step:+.1f} × direction: ink {((moved + 1) / 2).mean():.3f}, "
              f"read as the same digit as at z: {same:.0%}")
        rows.append(moved[:8])
fig, ax = plt.subplots(figsize=(7, 4.6), layout="constrained")
show_images(torch.cat(rows), nrow=8, ax=ax, title="rows: z − 1, −½, 0, +½, +1 × the ink direction (8 z's)")
plt.show()

# %% [markdown]
# Adding the direction thickens the strokes, subtracting it thins them: the printed ink goes up row by row. But
# read the second number too. In these digits, ink and identity are tied (a 1 is thin, a 0 or an 8 is thick), so
# the average "thick" z is also an average "0 or 8" z, and a large step changes the digit as well. Averaging
# z's with a property finds a direction *correlated* with it, which drags along whatever else correlates; the
# DCGAN paper averaged three examples per concept for the same reason (one was too noisy). Conditional GANs
# (lesson 08) separate "which digit" from the rest on purpose.
# %% [markdown]
# ### The truncation trick
#
# BigGAN (Brock et al., 2019) sampled z from a *truncated* normal: every number beyond ±threshold is drawn
# again, so only the most typical z's remain. With their large generator, a smaller threshold gave better
# images of fewer kinds: quality traded for diversity, and a knob to set it. Is that true here? You write the
# sampler, then the course's metrics measure it.
#
# **Exercise 3.** Write `truncated_noise(n, z_dim, threshold, generator)`: (n, z_dim) standard normal numbers,
# where every number outside [−threshold, threshold] is replaced by a fresh draw, again and again until none is
# outside. Draw every number with the `generator` passed in, so that a seeded call repeats.

# %%
def truncated_noise(n, z_dim, threshold, generator=None):
    """(n, z_dim) standard normal noise with every number beyond ±threshold drawn again until none is."""
    ### BEGIN STARTER
    z = torch.randn(n, z_dim, generator=generator)  # (n, z_dim)
    outside = ____  # True where a number lies beyond ±threshold
    while outside.any():
        ____        # give the numbers outside fresh draws
        outside = ____
    return z
    ### END STARTER
    ### BEGIN SOLUTION
    z = torch.randn(n, z_dim, generator=generator)  # (n, z_dim)
    outside = z.abs() > threshold                   # (n, z_dim), True where a number must be drawn again
    while outside.any():
        z[outside] = torch.randn(int(outside.sum()), generator=generator)
        outside = z.abs() > threshold
    return z
    ### END SOLUTION

# %%
q3.check()

# %% [markdown]
# Now the sweep: 1,000 samples at each threshold (300 in test mode; the library's `latent.truncated_normal`,
# the same as yours), scored against the held-out digits. The Fréchet distance judges quality and diversity
# together; the share of confident samples judges "does each image look like a digit"; the classes covered, and
# the most-drawn digit's share of the confident samples, judge diversity.

# %%
thresholds = [None, 2.0, 1.5, 1.0, 0.75, 0.5, 0.25]  # None: no truncation
n_sweep = 300 if test_mode() else 1000
sweep = []
for threshold in thresholds:
    rng = torch.Generator().manual_seed(1)
    z = torch.randn(n_sweep, z_dim, generator=rng) if threshold is None else latent.truncated_normal(n_sweep, z_dim, threshold, rng)
    with torch.no_grad():
        samples = G(z.to(device)).cpu()                        # (n_sweep, 1, 28, 28)
    coverage = metrics.class_coverage(samples)
    sweep.append({"threshold": threshold, "samples": samples[:16],
                  "frechet": metrics.frechet_distance(samples, "test"),
                  "confident": coverage["confident_fraction"], "covered": coverage["classes_covered"],
                  "top_share": max(coverage["class_fractions"]) / max(coverage["confident_fraction"], 1e-9)})
print(f"{'threshold':>10} {'Fréchet to held-out':>20} {'confident':>10} {'classes covered':>16} {'most-drawn digit':>17}")
for row in sweep:
    name = "none" if row["threshold"] is None else f"{row['threshold']:.2f}"
    print(f"{name:>10} {row['frechet']:20.1f} {row['confident']:10.1%} {row['covered']:13d}/10 {row['top_share']:17.0%}")
best = min(sweep, key=lambda row: row["frechet"])
print(f"lowest Fréchet distance: threshold {'none' if best['threshold'] is None else best['threshold']}")

fig, axes = plt.subplots(1, 4, figsize=(12, 3.4), layout="constrained")
for ax, row in zip(axes, [sweep[0], sweep[3], sweep[5], sweep[6]]):
    show_images(row["samples"], nrow=4, ax=ax, title=f"threshold {row['threshold'] or 'none'}")
plt.show()

# %% [markdown]
# Read the table from the top. Diversity falls as the threshold shrinks, as BigGAN found: fewer classes, and
# one digit takes a larger share of the confident samples. But quality does not rise for this generator: the
# share of confident digits falls too, and the Fréchet distance grows. The pictures say why: towards z = 0 this
# small generator draws smeared strokes that belong to no digit, and at last faint ghosts, rather than the most
# typical digit of one class. BigGAN's
# generator was trained to make the middle of its latent space good (with orthogonal regularisation, and at a
# far larger scale); ours was not. The lesson holds for any generator: truncation is a knob between quality and
# diversity only if the measurements say so, so measure before you turn it.
#
# ### What the 7×7 maps hold
#
# Lesson 03 showed an *untrained* generator's 7×7 maps: random patterns. After training, the first stage
# already decides *where* the strokes go. Two ways to see it. First, look at the 7×7 channels whose maps look
# most like a blurred copy of the final image (correlation with the image averaged down to 7×7, over 500
# samples):

# %%
def maps_at_7x7(z):
    """The generator's 7×7 stage for noise z (N, 32): (N, 32, 7, 7), as G.forward computes it."""
    return G.refine_7x7(G.project(z[:, :, None, None]))


def image_from_7x7(maps):
    """The rest of the generator: 7×7 maps (N, 32, 7, 7) -> images (N, 1, 28, 28)."""
    return G.up2(G.up1(maps))


def correlation(a, b):
    """Pearson correlation of the rows of a and b, (N, k) each -> (N,)."""
    a, b = a - a.mean(1, keepdim=True), b - b.mean(1, keepdim=True)
    return (a * b).sum(1) / (a.norm(dim=1) * b.norm(dim=1) + 1e-8)


z_maps = torch.randn(500, z_dim, generator=torch.Generator().manual_seed(6)).to(device)
with torch.no_grad():
    maps = maps_at_7x7(z_maps).cpu()                       # (500, 32, 7, 7)
    drawn = image_from_7x7(maps.to(device)).cpu()           # (500, 1, 28, 28)
coarse = F.avg_pool2d((drawn + 1) / 2, 4).flatten(1)       # each image averaged down to 7×7, (500, 49)
by_channel = torch.stack([correlation(maps[:, c].flatten(1), coarse).mean() for c in range(maps.shape[1])])  # (32,)
order = by_channel.argsort(descending=True)
print("channels most like the image (mean correlation): "
      + ", ".join(f"#{int(c)} {by_channel[c]:+.2f}" for c in order[:3])
      + "; most like its negative: " + ", ".join(f"#{int(c)} {by_channel[c]:+.2f}" for c in order[-2:]))

fig, axes = plt.subplots(1, 4, figsize=(12, 3.3), layout="constrained")
show_images(drawn[:6], nrow=3, ax=axes[0], title="six samples")
for ax, channel in zip(axes[1:], [order[0], order[1], order[-1]]):
    channel_maps = maps[:6, int(channel)][:, None]          # (6, 1, 7, 7)
    show_images(channel_maps, nrow=3, ax=ax, title=f"channel {int(channel)} at 7×7 ({by_channel[channel]:+.2f})",
                value_range=(float(channel_maps.min()), float(channel_maps.max()) + 1e-6))
plt.show()

# %% [markdown]
# Some channels already trace a digit's main strokes or its ring at 7×7; those with negative correlations mark
# where the ink is not. Second, a stronger test: cut the 7×7 maps of two samples in half and glue the top of one to the bottom of the
# other. If the maps hold the layout, the glued maps should draw the top of the first digit over the bottom of
# the second.

# %%
with torch.no_grad():
    spliced_maps = torch.cat([maps[:250, :, :4], maps[250:, :, 4:]], dim=2)  # rows 0-3 from A, 4-6 from B
    spliced = image_from_7x7(spliced_maps.to(device)).cpu()                   # (250, 1, 28, 28)
tops, bottoms = (slice(None), slice(None), slice(0, 12)), (slice(None), slice(None), slice(18, 28))
first, second = drawn[:250], drawn[250:]
for part, rows in (("top 12 rows", tops), ("bottom 10 rows", bottoms)):
    like_first = correlation(spliced[rows].flatten(1), first[rows].flatten(1)).mean()
    like_second = correlation(spliced[rows].flatten(1), second[rows].flatten(1)).mean()
    print(f"glued image's {part}: correlation with sample A {like_first:+.2f}, with sample B {like_second:+.2f}")

fig, axes = plt.subplots(1, 3, figsize=(10, 2.6), layout="constrained")
for ax, (title, batch) in zip(axes, [("A", first[:6]), ("B", second[:6]), ("top of A's maps + bottom of B's", spliced[:6])]):
    show_images(batch, nrow=6, ax=ax, title=title)
plt.show()

# %% [markdown]
# The glued image's top follows A and its bottom follows B: at 7×7 each position of the maps already stands
# for a region of the final digit, and the later stages draw the strokes there. That is the "rough layout"
# lesson 03 promised, and why the first layer is a 7×7 picture and not a flat vector.
# %% [markdown]
# ## Summary
#
# - TF-GAN's five ingredients (models, data and noise, losses, optimizers, training sequence) are all a
#   trainer needs; `GANTrainer.step()` is lesson 05's training step, with a moving average of G's weights on top.
# - Judge a generator by sets of samples, beside real data: classifier score, Fréchet distance (against
#   held-out digits, so that copying the training set earns nothing), class coverage.
# - Mode collapse comes in degrees: uneven class shares (partial), or one image for every z (against a frozen
#   D). A classifier's confident verdict on a non-digit is no evidence of a digit: look at the samples.
# - Gaussian noise lives near a sphere of radius √d: slerp stays on it, lerp cuts inside. Directions in z found
#   by averaging carry what correlates with the property too. Truncation trades diversity for quality only where
#   the measurements say so. A trained generator's 7×7 maps already hold the digit's layout.
#
# Next: **07 · Why GANs work, and the losses beyond BCE**.
