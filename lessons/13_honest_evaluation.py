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
# # 13 · Lab: honest evaluation
#
# Lesson 06 judged a generator with a digit classifier: a classifier score, a Fréchet distance, class
# coverage, always beside the same figures for real held-out digits. This lab asks the questions those
# figures leave open, on the course's pre-trained generator (lesson 06's section 5), with no training:
#
# 1. **Memorisation.** Does the generator draw new digits, or copies of its training digits?
# 2. **Precision and recall.** Two numbers instead of one: are the fakes realistic, and do they cover the
#    variety of the real data? You write them, then try them on lesson 01's ring and on digits.
# 3. **The Fréchet distance is not one number.** How it depends on the number of samples and on the real
#    set it is measured against.
#
# Every comparison is repeated over three sampling seeds and reported as mean ± spread (the standard
# deviation over the seeds). Each exercise has a check. Run `q1.check()` after answering; `q1.hint()`,
# `q1.hint(2)` and `q1.solution()` help when you are stuck.

# %%
# Set up the lesson: the checks (q1, q2, ...), the generator, the real digits and their features.
from learntools.core import binder; binder.bind(globals())
from learntools.gans.ex13 import *

import time

import matplotlib.pyplot as plt
import numpy as np
import torch

from learntools.core import test_mode
from learntools.gans.data import load_mnist, toy_distribution, toy_modes
from learntools.gans.display import show_images
from learntools.gans.evaluation import fidelity
from learntools.gans.evaluation.metrics import classifier_features, classifier_probabilities
from learntools.gans.pretrained import load_digit_generator

started = time.time()
SEEDS = (0, 1, 2)                                 # every comparison: mean ± spread over these sampling seeds
N_FAKE = 100 if test_mode() else 1000             # generated digits per seed (test mode: fewer)
train_images, _ = load_mnist("train")             # (4000, 1, 28, 28) in [-1, 1]: what G and the classifier learned from
held_out_images, _ = load_mnist("test")           # (1000, 1, 28, 28): digits neither of them has seen
if test_mode():                                   # test mode: fewer real digits
    train_images, held_out_images = train_images[:500], held_out_images[:200]

G = load_digit_generator()                        # the dcgan recipe's averaged generator (z_dim 32), eval mode


def generate(seed, n=N_FAKE):
    """n digits from the pre-trained generator, from noise seeded by `seed`: (n, 1, 28, 28) in [-1, 1]."""
    with torch.no_grad():
        return G(torch.randn(n, G.z_dim, generator=torch.Generator().manual_seed(seed)))


fakes = {seed: generate(seed) for seed in SEEDS}                        # {seed: (N_FAKE, 1, 28, 28)}
train_features = classifier_features(train_images)                      # (4000, 128)
held_out_features = classifier_features(held_out_images)                # (1000, 128)
fake_features = {seed: classifier_features(x) for seed, x in fakes.items()}  # {seed: (N_FAKE, 128)}


def mean_spread(values):
    """'mean ± spread' of a few numbers (the spread is their standard deviation)."""
    values = np.asarray(values, dtype=float)
    return f"{values.mean():.3f} ± {values.std(ddof=1):.3f}"


print(f"Setup complete: {len(train_images)} training digits, {len(held_out_images)} held-out digits, "
      f"{N_FAKE} generated digits for each of the seeds {SEEDS}" + (" (test mode: smaller sets)." if test_mode() else "."))

# %% [markdown]
# ## 1. Does the generator copy its training digits?
#
# A generator that returned its training images would score superbly on every figure of lesson 06, and would
# be useless. So for each generated digit, find the **nearest training digit**, in two spaces: in pixels, and in
# the classifier's 128 features (what the classifier learned to look at, rather than each pixel).
#
# A distance alone says nothing: how near is "near"? Real digits the generator never saw answer that. The
# **held-out digits** were drawn by the same kind of hands as the training digits, and none of them is a copy,
# so their distances to their nearest training digit show how close a new digit typically comes. Our
# definition:
#
# > A generated digit is a **near-copy** when it is closer to its nearest training digit than 95% of held-out
# > real digits are to theirs (below the 5th percentile of the held-out distances).
#
# A generator that copies nothing, and draws digits as new as the held-out ones, has about 5% near-copies by
# this definition (by chance alone). A generator that memorises has many more.

# %%
def nearest_training(queries, reference):
    """The distance of each query to its nearest reference point, and that point's index."""
    return fidelity.nearest_neighbours(queries, reference)   # (N,), (N,)


spaces = {  # the space: (training set, held-out set, {seed: generated set}) in that space
    "features": (train_features, held_out_features, fake_features),
    "pixels": (train_images, held_out_images, fakes),
}
near_copy_share = {}   # {space: [share for each seed]}
for space, (train_set, held_out_set, fake_sets) in spaces.items():
    held_out_distances, _ = nearest_training(held_out_set, train_set)            # (N,) one per held-out digit
    threshold = float(torch.quantile(held_out_distances, 0.05))                   # the 5th percentile
    fake_distances = [nearest_training(fake_sets[seed], train_set)[0] for seed in SEEDS]  # (N_FAKE,) per seed
    near_copy_share[space] = [float((d < threshold).float().mean()) for d in fake_distances]
    print(f"in {space:8s}: median distance to the training set: held-out digits {held_out_distances.median():5.2f}, "
          f"generated {mean_spread([d.median() for d in fake_distances])}; 5th percentile of held-out {threshold:5.2f}; "
          f"near-copies among generated digits: {mean_spread(near_copy_share[space])} (about 0.05 if G copies no more "
          f"than chance)")

# %% [markdown]
# The figure shows, for each space, the generated digits of seed 0 that are *closest* to a training digit (the
# most suspicious ones), each above its nearest training digit, and, on the right, how far every generated digit
# and every held-out digit is from its nearest training digit.

# %%
fig, axes = plt.subplots(2, 2, figsize=(13, 6.4), layout="constrained", gridspec_kw={"width_ratios": [1.5, 1]})
for (ax_pairs, ax_hist), (space, (train_set, held_out_set, fake_sets)) in zip(axes, spaces.items()):
    distances, nearest = nearest_training(fake_sets[0], train_set)          # (N_FAKE,), (N_FAKE,)
    closest = distances.argsort()[:10]                                      # the 10 most suspicious fakes
    pairs = torch.cat([fakes[0][closest], train_images[nearest[closest]]])  # (20, 1, 28, 28): fakes, then matches
    held_out_distances, _ = nearest_training(held_out_set, train_set)
    threshold = fidelity.near_copy_threshold(held_out_set, train_set, quantile=0.05)  # as in the loop above

    show_images(pairs, nrow=10, ax=ax_pairs,
                title=f"{space}: top, the generated digits closest to a training digit; bottom, that training digit")
    bins = np.linspace(0, float(max(distances.max(), held_out_distances.max())), 40)
    ax_hist.hist(held_out_distances.numpy(), bins=bins, density=True, alpha=0.5, label="held-out real digits")
    ax_hist.hist(distances.numpy(), bins=bins, density=True, alpha=0.5, label="generated digits (seed 0)")
    ax_hist.axvline(threshold, color="black", linestyle=":", label="near-copy threshold (5th pct. of held-out)")
    ax_hist.set_xlabel(f"distance to the nearest training digit ({space})")
    ax_hist.legend(fontsize=8)
    digits = classifier_probabilities(fakes[0][closest]).argmax(dim=1)
    print(f"{space}: the 10 closest pairs are at distances {distances[closest].min():.2f} to "
          f"{distances[closest].max():.2f} (near-copy threshold {threshold:.2f}); the classifier reads these generated "
          f"digits as {' '.join(str(int(d)) for d in digits)}")
plt.show()

# %% [markdown]
# Look at the pairs before you trust the share: a near-copy in features should also *look* like its training
# digit. Which digits are they? A digit drawn with one plain stroke has few ways to be drawn, so a new one can
# land close to a training one without anything being copied; the threshold, read from all held-out digits,
# allows for that on average, not digit by digit.
#
# The histograms and the medians printed above say more than the share. Most generated digits lie *further*
# from the training set than held-out digits do, most clearly in features: far from being copies, many of them
# are less like any real digit than a real digit is. Section 4's precision measures the same thing another way.
#
# Two limits of this check are worth keeping in mind. It finds copies of single training digits, not a
# generator that stitches parts of two together. And the classifier was trained on the same training digits,
# so its features of training digits may sit a little apart from its features of new ones; pixels have no such
# bias, which is why the lab measures both.

# %% [markdown]
# ## 2. Precision and recall
#
# A Fréchet distance mixes two failures into one number: fakes that look like nothing real, and real
# variety the generator never draws (dropped modes). Kynkäänniemi et al. (2019, "Improved Precision and Recall
# Metric for Assessing Generative Models") measure them apart, from feature vectors alone:
#
# 1. Around every real sample draw a ball whose radius is its distance to its **k-th nearest neighbour among
#    the other real samples** (k = 3 in the paper). The union of the balls is an estimate of where real data
#    lives (its manifold): small balls where real samples are dense, large ones where they are sparse.
# 2. **Precision** is the share of generated samples that lie inside at least one real ball (distance to that
#    ball's centre at most its radius): how many fakes are realistic.
# 3. **Recall** is the same with the roles exchanged: balls around the generated samples, with radii from the
#    generated samples, and the share of real samples inside at least one of them: how much of the real
#    variety the generator covers.
#
# **Exercise 1.** Write `knn_radii(features, k)`: for features shaped (N, D), the distance of every point to
# its k-th nearest neighbour in the same set, not counting the point itself, as a tensor (N,).

# %%
def knn_radii(features, k):
    """The distance of each of the N points to its k-th nearest other point of the same set: (N,)."""
    ### BEGIN STARTER
    return ____
    ### END STARTER
    ### BEGIN SOLUTION
    distances = torch.cdist(features, features)          # (N, N); row i holds point i's distances, 0 to itself
    return distances.kthvalue(k + 1, dim=1).values       # skip the 0: the k-th other point is the (k+1)-th smallest
    ### END SOLUTION


# %%
q1.check()

# %% [markdown]
# **Exercise 2.** Write `precision(real, fake, k)`: the share of the fakes (M, D) that lie inside at least one
# of the balls around the real samples (N, D), each ball with its k-th neighbour radius among the real samples.
# Return a number between 0 and 1 (a float, or a tensor holding one number).

# %%
def precision(real, fake, k=3):
    """The share of fakes inside the real samples' k-NN balls."""
    ### BEGIN STARTER
    return ____
    ### END STARTER
    ### BEGIN SOLUTION
    radii = knn_radii(real, k)                                  # (N,) one radius per real sample
    distances = torch.cdist(fake, real)                         # (M, N)
    inside = (distances <= radii[None, :]).any(dim=1)           # (M,) inside at least one real ball
    return inside.float().mean()
    ### END SOLUTION


# %%
q2.check()

# %% [markdown]
# **Exercise 3.** Write `recall(real, fake, k)`: the share of the real samples that lie inside at least one of
# the balls around the fakes.

# %%
def recall(real, fake, k=3):
    """The share of real samples inside the fakes' k-NN balls."""
    ### BEGIN STARTER
    return ____
    ### END STARTER
    ### BEGIN SOLUTION
    return precision(fake, real, k)     # the same measure with the roles of the two sets exchanged
    ### END SOLUTION


# %%
q3.check()

# %% [markdown]
# ## 3. Precision and recall on lesson 01's ring
#
# On the ring we know the truth: 8 Gaussian modes on a circle of radius 2, each with standard deviation 0.05.
# Three stand-in "generators" fail in known ways:
#
# - **good**: fresh samples of the ring itself;
# - **drops modes**: only the even-numbered 4 of the 8 modes (mode collapse), drawn exactly right;
# - **spreads off the ring**: all 8 modes, but blurred to a standard deviation of 0.3, six times too wide.
#
# Beside precision and recall the cell prints what we can count because we know the modes: the share of fakes
# within 3 standard deviations (0.15) of a mode, and the share of real points whose mode the fakes visit. The
# cells below use the library's `fidelity.precision_recall`, the same measure as your functions (so they run
# whether or not you have finished the exercises).

# %%
modes = toy_modes("ring")                      # (8, 2): the centres
N_RING = 300 if test_mode() else 1000


def ring_fakes(kind, seed):
    """n points from a stand-in generator of the ring that fails in a known way."""
    rng = torch.Generator().manual_seed(100 + seed)
    if kind == "good":
        return toy_distribution("ring", N_RING, seed=100 + seed)
    if kind == "drops modes":
        which = 2 * torch.randint(4, (N_RING,), generator=rng)            # modes 0, 2, 4, 6 only
        return modes[which] + 0.05 * torch.randn(N_RING, 2, generator=rng)
    which = torch.randint(8, (N_RING,), generator=rng)                    # all 8 modes, blurred
    return modes[which] + 0.3 * torch.randn(N_RING, 2, generator=rng)


ring_results = {}
print(f"{'generator':22s}{'precision':>16s}{'recall':>16s}{'fakes near a mode':>20s}{'reals on a visited mode':>26s}")
for kind in ["good", "drops modes", "spreads off the ring"]:
    rows = []
    for seed in SEEDS:
        real, fake = toy_distribution("ring", N_RING, seed=seed), ring_fakes(kind, seed)
        p, r = fidelity.precision_recall(real, fake, k=3)
        fake_mode_distance = torch.cdist(fake, modes).min(dim=1)      # each fake's nearest mode
        visited = torch.unique(fake_mode_distance.indices[fake_mode_distance.values < 0.15])
        real_mode = torch.cdist(real, modes).argmin(dim=1)            # each real point's mode
        rows.append((p, r, float((fake_mode_distance.values < 0.15).float().mean()),
                     float(torch.isin(real_mode, visited).float().mean())))
    ring_results[kind] = np.array(rows)      # (seeds, 4)
    print(f"{kind:22s}" + "".join(f"{mean_spread(ring_results[kind][:, j]):>16s}" for j in range(2))
          + f"{mean_spread(ring_results[kind][:, 2]):>20s}{mean_spread(ring_results[kind][:, 3]):>26s}")

# %%
fig, axes = plt.subplots(1, 3, figsize=(12, 4), layout="constrained", sharex=True, sharey=True)
real = toy_distribution("ring", N_RING, seed=0)
for ax, kind in zip(axes, ring_results):
    ax.scatter(*real.T, s=3, alpha=0.4, label="real")
    ax.scatter(*ring_fakes(kind, 0).T, s=3, alpha=0.4, label="generated")
    p, r = ring_results[kind][:, 0].mean(), ring_results[kind][:, 1].mean()
    ax.set_title(f"{kind}: precision {p:.2f}, recall {r:.2f}")
    ax.set_aspect("equal")
axes[0].legend(markerscale=4)
plt.show()

# %% [markdown]
# Read the table against the counts. Dropping half the modes leaves precision where the good generator has it
# and halves recall, as the share of real points on a visited mode says it should. Blurring the modes keeps
# recall at the top (the wide clouds cover almost every real point) and drops precision close to the share of fakes
# that land near a mode: precision asks "is this fake near real data?", point by point. Note that even the good
# generator does not reach 1: a finite sample's balls miss a little of the real manifold's edge.

# %% [markdown]
# ## 4. Precision and recall of the course's generator on digits
#
# Now the same measure in the classifier's feature space, for 3 seeds of generated digits against the
# held-out real digits (which neither the generator nor the classifier has seen). What should "good" look like?
# The answer is the same figures for real digits: held-out digits against an equally large random subset of the
# training digits (seeded the same way).

# %%
digit_results = {"generated vs held-out": [], "held-out vs training (real data)": [], "generated vs held-out, pixels": []}
for seed in SEEDS:
    subset = torch.randperm(len(train_features), generator=torch.Generator().manual_seed(seed))[:len(held_out_features)]
    digit_results["generated vs held-out"].append(fidelity.precision_recall(held_out_features, fake_features[seed]))
    digit_results["held-out vs training (real data)"].append(
        fidelity.precision_recall(train_features[subset], held_out_features))
    digit_results["generated vs held-out, pixels"].append(fidelity.precision_recall(held_out_images, fakes[seed]))
print(f"{'k = 3, ' + str(len(SEEDS)) + ' seeds':36s}{'precision':>16s}{'recall':>16s}")
for name, values in digit_results.items():
    values = np.array(values)   # (seeds, 2)
    print(f"{name:36s}{mean_spread(values[:, 0]):>16s}{mean_spread(values[:, 1]):>16s}")

# %% [markdown]
# The generated digits cover the real variety about as well as real digits do, but fewer of them land inside
# the real manifold: some of the generator's digits are unlike any held-out digit to the classifier. The last
# row is the same measure in pixels. Pixel distances care about where each stroke is, not what digit it draws,
# so the same samples get other numbers: precision and recall are properties of a generator *and a feature
# space*, and two papers' numbers compare only when the space is the same.

# %% [markdown]
# ## 5. The Fréchet distance depends on n, and on the reference set
#
# Lesson 06's Fréchet distance fits a Gaussian to each set of features. With n samples the fitted means and
# covariances are noisy, and on average the noise *adds* distance: two samples of the **same** distribution
# have a distance above 0 that shrinks as n grows. The plot measures it, for 3 seeds at each n:
#
# - two disjoint samples of the training digits (the same distribution: the bias alone);
# - held-out real digits against training digits;
# - generated digits against training digits, and against held-out digits.

# %%
sizes = [50, 100] if test_mode() else [50, 100, 200, 500, 1000]
fake_pool = torch.cat([fake_features[seed] for seed in SEEDS])           # (3 N_FAKE, 128)
curves = {
    "training vs training (same distribution)": fidelity.frechet_by_sample_size(
        train_features, train_features, sizes, SEEDS, disjoint=True),
    "held-out vs training": fidelity.frechet_by_sample_size(held_out_features, train_features, sizes, SEEDS),
    "generated vs training": fidelity.frechet_by_sample_size(fake_pool, train_features, sizes, SEEDS),
    "generated vs held-out": fidelity.frechet_by_sample_size(fake_pool, held_out_features, sizes, SEEDS),
}
fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
for name, curve in curves.items():
    ax.errorbar(curve["sizes"], curve["mean"], yerr=curve["std"], marker="o", capsize=3, label=name)
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("n, images in each of the two sets")
ax.set_ylabel("Fréchet distance (classifier features)")
ax.set_title(f"mean ± spread over {len(SEEDS)} seeds")
ax.legend(fontsize=8)
plt.show()
for name, curve in curves.items():
    print(f"{name:42s}" + "   ".join(f"n={n}: {m:6.1f} ± {s:4.1f}" for n, m, s in
                                       zip(curve["sizes"], curve["mean"], curve["std"])))

# %% [markdown]
# Four things to read off the plot.
#
# - The real-data curves keep falling as n grows, while the generated ones level off: what is left there is the
#   generator's own distance from real digits, the part of the figure worth reporting.
# - Two samples of the *same* distribution are far from 0 at small n: at the smallest n their distance is larger
#   than the generated digits' distance at the largest n (the first line below).
# - So the ranking of two models is safe only at the same n, and against the same reference.
# - Against the training set, a generator that memorised its training digits would score clearly better than
#   against held-out digits; compare the two "generated" curves (the second line below, at the largest n).
#
# (For the generated curves, each seed draws its n digits from the generated digits of all three sampling
# seeds together.)

# %%
largest, smallest = -1, 0
print(f"same distribution at n = {sizes[smallest]}: {curves['training vs training (same distribution)']['mean'][smallest]:.1f}; "
      f"generated vs training at n = {sizes[largest]}: {curves['generated vs training']['mean'][largest]:.1f}")
print(f"at n = {sizes[largest]}: generated vs training {mean_spread(curves['generated vs training']['values'][largest])}, "
      f"generated vs held-out {mean_spread(curves['generated vs held-out']['values'][largest])}")

# %% [markdown]
# **Exercise 4 (thought question).** A classmate reports a Fréchet distance of 20 for their GAN, from 5,000
# samples against the training set; yours gets 30 from 200 samples against held-out digits. Whose generator
# is better? What would you ask for, or compute, before answering? Write a few sentences, then compare with
# the discussion.

# %% [markdown] tags=["answer:q4"]
# From these two numbers nobody can tell. The distance is biased upwards by an amount that shrinks with n (the
# plot above: two samples of the same distribution differ by more at 200 than at 1,000), so part of the gap is
# the number of samples, not the generator. The reference set matters too: against the training set, a
# generator that copies its training images looks better than it is, while held-out digits reward only what
# generalises. Ask for both generators measured the same way: the same feature network, the same n, the same
# reference set (held-out data where there is some), over several sampling seeds with the spread, next to the
# same figure for real held-out data. Then add what one number hides: precision and recall (realism and
# variety apart) and a nearest-neighbour check for copies.

# %% [markdown]
# ## 6. What to report
#
# The numbers this lab measured for the course's generator, each as mean ± spread over the sampling seeds:

# %%
pr = np.array(digit_results["generated vs held-out"])
print(f"near-copies (closer to a training digit than 95% of held-out digits): "
      f"{mean_spread(near_copy_share['features'])} in features, {mean_spread(near_copy_share['pixels'])} in pixels "
      f"(0.05 expected by chance)")
print(f"precision {mean_spread(pr[:, 0])}, recall {mean_spread(pr[:, 1])} (k = 3, classifier features, "
      f"{N_FAKE} generated vs {len(held_out_features)} held-out digits, seeds {SEEDS})")
print(f"the lab took {time.time() - started:.0f} s")

# %% [markdown]
# ## Summary
#
# - **Check for copies** with nearest neighbours, and define "near" by what real unseen data does: the
#   distance of held-out digits to the training set. Look at the closest pairs, in more than one space.
# - **Precision and recall** (k-NN balls, k = 3) split one distance into realism (precision: fakes inside the
#   real manifold) and variety (recall: real data inside the generated one). A dropped mode costs recall; blur
#   costs precision. They depend on the feature space, so compare them in one space only.
# - **The Fréchet distance** is biased upwards at small n, and depends on the reference set: compare models at
#   the same n, against the same (preferably held-out) reference, with real data's figure beside them.
# - **Seeds.** Every figure above moved between sampling seeds; a difference smaller than the spread is not a
#   difference.
