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
# # 01 · What is a GAN?
#
# A Generative Adversarial Network is two neural networks playing a game: one **makes** samples, the
# other **judges** them, and each gets better because the other does. This lesson builds the idea from
# the ground up and then lets you watch a small GAN learn, live:
#
# 1. generative and discriminative models;
# 2. the intuition: a forger and a detective;
# 3. the structure: a data distribution, a noise distribution, a generator and a discriminator;
# 4. what each network minimises;
# 5. a GAN in code;
# 6. the equilibrium;
# 7. a toy GAN learning a 2-D distribution in front of your eyes;
# 8. mode collapse: what it looks like, and a run where it happens.
#
# Each exercise has a check. Run `q1.check()` after answering; `q1.hint()`, `q1.hint(2)` and
# `q1.solution()` help when you are stuck.

# %%
# Set up the lesson: the checks (q1, q2, ...) and the blank ____ you will fill in.
from learntools.core import binder; binder.bind(globals())
from learntools.gans.ex1 import *

import torch

from learntools.core import test_mode
from learntools.gans.data import Batches, toy_distribution
from learntools.gans.models import MLPDiscriminator, MLPGenerator
from learntools.gans.toy import ToyView, collapse_panels, compare_figure, covered_modes, gan_diagram, panels_figure
from learntools.gans.training import AdamSettings, GANTrainer, TrainingSequence, gaussian_noise

print("Setup complete: checks for lesson 01 are loaded.", "(Test mode: short training runs.)" if test_mode() else "")

# %% [markdown]
# ## 1. Generative and discriminative models
#
# Most of the neural networks you may have met are **discriminative**: they take an input and answer a
# question about it. A classifier looks at a photo and says *"dog"*. In probability terms it models
# p(label | x): how likely each label is, given the input x.
#
# A **generative** model does the opposite job: it *makes* new inputs. A generator doesn't say "dog"; it
# **makes a dog**, a photo of a dog that never existed. In probability terms it models p(x) itself, the
# distribution the data comes from, well enough to draw new samples from it.
#
# Generative models differ in what they let you do with p(x). Some are *explicit*: give them an x and they
# tell you its probability (or a bound on it), so you can score a model by the likelihood it gives held-out
# data. A GAN is an *implicit* model: its generator turns random numbers into samples, and that is all. It
# can draw from p(x) as often as you like, but it cannot tell you how probable any particular x is. That is
# why lesson 06 judges a GAN by proxies computed from its samples, such as how a classifier sees them.
#
# A GAN is a generative model, but, as you'll see, it trains its generator with the help of a
# discriminative one.
#
# **Exercise 1.** Six models. For each one, write `"generative"` or `"discriminative"`.
#
# | name | what it does |
# | --- | --- |
# | spam filter | reads an e-mail and says "spam" or "not spam" |
# | face maker | produces photos of faces of people who don't exist |
# | digit reader | looks at a handwritten digit and says which one it is, 0 to 9 |
# | melody writer | composes new melodies in the style of Bach |
# | GAN discriminator | looks at a sample and says "real" or "fake" |
# | GAN generator | turns a handful of random numbers into a new sample |

# %%
### BEGIN STARTER
kinds = {
    "spam filter": ____,
    "face maker": ____,
    "digit reader": ____,
    "melody writer": ____,
    "GAN discriminator": ____,
    "GAN generator": ____,
}
### END STARTER
### BEGIN SOLUTION
kinds = {
    "spam filter": "discriminative",
    "face maker": "generative",
    "digit reader": "discriminative",
    "melody writer": "generative",
    "GAN discriminator": "discriminative",
    "GAN generator": "generative",
}
### END SOLUTION

# %%
q1.check()

# %% [markdown]
# ## 2. The intuition: a forger and a detective
#
# Picture a **forger** who wants to print banknotes, and a **detective** whose job is to spot forgeries.
#
# - At first the forger has no idea what a banknote looks like and prints random smudges. The detective,
#   who has seen real notes, rejects them easily.
# - The forger never gets to see a real note. All it learns is *which of its forgeries the detective
#   found suspicious, and why*, and it changes its printing to look less suspicious.
# - As the forgeries improve, the detective has to look more closely: it studies real notes and the
#   latest forgeries side by side, and learns finer differences.
# - Each one's progress is the other's teacher. If the game goes well, the forger ends up printing notes
#   the detective cannot tell from real ones.
#
# In a GAN, the forger is the **generator** G and the detective is the **discriminator** D. "Why it
# looked suspicious" is a gradient: G learns by backpropagating *through* D's verdict.

# %% [markdown]
# ## 3. The structure
#
# A GAN has four parts:
#
# - a **data distribution**: the real examples we want more of (photos, digits; in this lesson, 2-D
#   points on a ring of 8 clusters);
# - a **noise distribution**: something simple we can sample from freely, usually a standard normal;
#   a sample z is just a vector of random numbers;
# - a **generator** G: a network that turns a noise vector z into a sample G(z) that should look like the
#   data;
# - a **discriminator** D: a network that takes a sample, real or generated, and outputs its
#   probability that the sample is real.

# %%
gan_diagram()

# %% [markdown]
# Randomness goes in, the generator shapes it: different z give different samples, and the set of all
# G(z) is the generator's own distribution. Training should make that distribution match the data's.

# %% [markdown]
# ## 4. What each network minimises
#
# The discriminator is an ordinary binary classifier. It outputs a raw score (a *logit*); the
# probability "real" is D(x) = sigmoid(logit). It is trained with **binary cross-entropy** (BCE),
# which compares that probability with a *target*: 1 for "real", 0 for "fake". PyTorch's
# `BCEWithLogitsLoss` takes the logit and the target directly:
#
# ```python
# bce = torch.nn.BCEWithLogitsLoss()  # takes the network's logits and applies the sigmoid itself
# d_loss = bce(D(x), target_for_real_data) + bce(D(G(z).detach()), target_for_fakes_in_D)
# g_loss = bce(D(G(z)), target_for_fakes_in_G)
# ```
#
# (In code, `D(x)` is the network's output, the logit; in formulas, D(x) is the probability.)
#
# Both networks look at the same verdict, D(G(z)), but they want opposite things from it.
#
# **Exercise 2.** Fill in the three targets. What should D say about real data, what should D say
# about the generator's fakes, and what does G want D to say about its fakes?

# %%
### BEGIN STARTER
d_target_real = ____  # D's target for real data
d_target_fake = ____  # D's target for the generator's samples
g_target_fake = ____  # G's target for its own samples, as judged by D
### END STARTER
### BEGIN SOLUTION
d_target_real = 1  # "real"
d_target_fake = 0  # "fake"
g_target_fake = 1  # G wants its fakes to pass as real
### END SOLUTION

# %%
q2.check()

# %% [markdown]
# Written out, BCE with target 1 is −log D(·), and with target 0 it is −log(1 − D(·)). So D minimises
# −log D(x) − log(1 − D(G(z))), and G minimises −log D(G(z)). Goodfellow et al. (2014) wrote the game
# as one value that D maximises and G minimises:
#
# min over G, max over D of  E<sub>x</sub>[log D(x)] + E<sub>z</sub>[log(1 − D(G(z)))].
#
# Our G loss, −log D(G(z)), is the "non-saturating" version of G's part, which Goodfellow et al. themselves
# recommend for training; lesson 05 shows why. (It is not the only choice: later GANs also use other losses,
# such as the least-squares loss of section 7 below.)

# %% [markdown]
# ## 5. A GAN in code
#
# Here is one round of GAN training, written with neutral names on purpose. It is real code (the trainer
# used below runs the same two parts); this cell only defines it.

# %%
bce = torch.nn.BCEWithLogitsLoss()


def one_round(net_a, net_b, optimizer_a, optimizer_b, x, u):
    """One round of a GAN's training. Which variable plays which part?"""
    v = net_a(u)                                   # (N, 2)

    # Part 1: update net_b
    scores_x = net_b(x)                            # (N, 1) logits
    scores_v = net_b(v.detach())                   # (N, 1) logits
    loss_b = bce(scores_x, torch.ones_like(scores_x)) + bce(scores_v, torch.zeros_like(scores_v))
    optimizer_b.zero_grad()
    loss_b.backward()
    optimizer_b.step()

    # Part 2: update net_a
    scores_v = net_b(v)                            # (N, 1) logits
    loss_a = bce(scores_v, torch.ones_like(scores_v))
    optimizer_a.zero_grad()
    loss_a.backward()
    optimizer_a.step()
    return loss_a.item(), loss_b.item()


# %% [markdown]
# **Exercise 3.** Which variable of `one_round` is the generator, the discriminator, the noise and the
# real data? Write each variable's name as a string, e.g. `"net_a"`.

# %%
### BEGIN STARTER
roles = {
    "generator": ____,
    "discriminator": ____,
    "noise": ____,
    "data": ____,
}
### END STARTER
### BEGIN SOLUTION
roles = {
    "generator": "net_a",      # turns u into samples v
    "discriminator": "net_b",  # scores x (target 1) and v (target 0)
    "noise": "u",              # the generator's input
    "data": "x",               # shown to net_b as "real"
}
### END SOLUTION

# %%
q3.check()

# %% [markdown]
# Notice `v.detach()` in part 1: while D learns, the fakes are treated as fixed inputs, so D's loss
# sends no gradient into G. In part 2, `v` is used *without* detach: G's loss flows back through D
# into G. Lesson 05 comes back to this.
#
# ## 6. The equilibrium
#
# Where does the game end? Suppose the generator has become perfect: its samples follow exactly the
# same distribution as the data.
#
# **Exercise 4.** What does the best possible discriminator output then, for any sample x? Give D(x) as
# a probability.

# %%
### BEGIN STARTER
d_at_equilibrium = ____
### END STARTER
### BEGIN SOLUTION
d_at_equilibrium = 0.5  # p_data / (p_data + p_G) with p_G = p_data: a coin toss
### END SOLUTION

# %%
q4.check()

# %% [markdown]
# ## 7. Watch a GAN learn
#
# Time for a real one. The data is a ring of 8 small Gaussian clusters in the plane (the "modes" of
# the distribution); the noise is 2 random numbers per point; G and D are small multi-layer perceptrons.
#
# The trainer asks for five ingredients, the same five you will give it for digits in lesson 06:
#
# 1. the **models**, G and D;
# 2. the **inputs**: real data (in batches) and a noise function;
# 3. the **losses**: here `"least-squares"`. It uses the targets of exercise 2 (D: real -> 1,
#    fake -> 0; G: its fakes -> 1) but measures the distance to a target by its square instead of by
#    BCE, and D outputs its verdict directly instead of a logit. Neither loss covers all 8 modes every
#    time on this toy problem; `bench/toy_gan_seeds.py` measures it over seeds 0 to 7 at step 1,500:
#    least-squares ended with all 8 modes covered for 5 of the 8 seeds (4 to 8 modes), the BCE pair
#    (`"nonsaturating"`) for 3 of 8 (6 to 8 modes). Lessons 05 and 06 train digits with the BCE pair;
#    lesson 07 compares the losses on digits.
# 4. the **optimizers**: Adam, one for each network;
# 5. the **training sequence**: how many D updates and G updates make one step.
#
# Run the cell and watch. On the left, blue points are real data and orange points are the
# generator's; the background is the discriminator's verdict at every place (green: "real", purple:
# "fake"). On the right: D's average verdict on real and on generated points, and how many of the 8
# modes the generator covers. The picture is redrawn in place about once a second; the whole run takes
# under a minute on a laptop (with a progress bar below the picture).

# %%
torch.set_num_threads(1)  # these networks are tiny: one CPU thread runs them fastest (no effect on a GPU)
torch.manual_seed(0)      # the same starting weights on every run

ring = toy_distribution("ring", n=4096)            # (4096, 2): the data distribution

trainer = GANTrainer(
    generator=MLPGenerator(z_dim=2),               # 1. the models: 2 noise numbers -> a 2-D point
    discriminator=MLPDiscriminator(),              #    and a 2-D point -> one logit
    data=Batches(ring, batch_size=256),            # 2. real data in batches of 256 ...
    noise=gaussian_noise(2),                       #    ... and noise z ~ N(0, I), 2 numbers each
    loss="least-squares",                          # 3. the losses: targets 1 and 0, squared error
    optimizers=AdamSettings(lr_g=1e-3, lr_d=1e-3), # 4. the optimizers
    sequence=TrainingSequence(d_steps=1, g_steps=1),  # 5. the training sequence
    seed=0,
)

steps = 150 if test_mode() else 1500
view = ToyView(trainer, name="ring")               # draws step 0 now, then follows the training
trainer.fit(steps=steps, callbacks=[view]);

# %% [markdown]
# The same run in snapshots (also what you see if your notebook viewer can't show live output):

# %%
view.snapshots()

# %% [markdown]
# What happened:
#
# - At first the generator's points form a small blob or curve, wherever its random initial weights
#   put them. D quickly learns to call that region "fake" (purple) and the ring "real" (green).
# - G follows D's gradient: its points slide *uphill* in D's verdict, towards the green regions, which
#   is where the data is. Then D redraws its boundary around the new fakes, and so on.
# - The orange cloud spreads around the ring and gathers on the clusters. A few points stay on thin
#   bridges between them: G is a smooth function of the noise and can't cut it into 8 clean pieces.
# - Near the data the background turns white: D's verdict there drifts towards 0.5, on real and on
#   generated points alike (right, top), as you predicted in exercise 4. It never settles exactly: a
#   GAN keeps playing.

# %%
print(view)

# %% [markdown]
# ## 8. Mode collapse
#
# A generator can make convincing samples and still be a poor model of the data: it might produce
# only a few *kinds* of samples. For digits, it might draw only 1s and 7s, beautifully. This is
# **mode collapse**, the best-known failure of GANs.
#
# **Exercise 5.** Here are 1,000 points from each of four generators on the ring.
#
# - **(a)** Which one shows mode collapse? Write its letter.
# - **(b)** How many of the 8 modes does the collapsed generator cover? Count by eye, or with the
#   helper `covered_modes(points, "ring")`, which counts the modes that get a fair share of the points.

# %%
panels = collapse_panels()  # {"A": (1000, 2) points, "B": ..., "C": ..., "D": ...}
panels_figure(panels)

# %%
### BEGIN STARTER
collapsed_panel = ____  # "A", "B", "C" or "D"
modes_covered = ____    # a whole number, 0 to 8
### END STARTER
### BEGIN SOLUTION
collapsed_panel = "C"
modes_covered = covered_modes(panels["C"], "ring")  # 2
### END SOLUTION

# %%
q5.a.check()

# %%
q5.b.check()

# %% [markdown]
# ### Collapse, happening
#
# A reliable way to make the toy GAN collapse is to let the generator move much faster than the
# discriminator: **5 generator updates for every discriminator update**, everything else as above.
# `bench/toy_gan_seeds.py` measures it: with 5 G steps per D step, for all 8 seeds (0 to 7), the generator
# covered at most 1 mode at every check (every 100 steps, up to step 600); with 1 G step per D step, the same
# seeds covered 4 to 8 modes at step 1,500 (all 8 for 5 of them). Let's train the collapsing setting for a
# while and put it beside the run of section 7.

# %%
torch.manual_seed(0)  # the same starting weights as the run above

collapsing = GANTrainer(
    generator=MLPGenerator(z_dim=2),
    discriminator=MLPDiscriminator(),
    data=Batches(ring, batch_size=256),
    noise=gaussian_noise(2),
    loss="least-squares",
    optimizers=AdamSettings(lr_g=1e-3, lr_d=1e-3),
    sequence=TrainingSequence(d_steps=1, g_steps=5),  # the only change: 5 G updates per D update
    seed=0,
)
collapse_view = ToyView(collapsing, name="ring", live=False)  # record only; we compare below
collapsing.fit(steps=60 if test_mode() else 400, callbacks=[collapse_view]);

# %%
compare_figure({"1 G step per D step": view, "5 G steps per D step": collapse_view})
for label, recorded in [("1 G step per D step", view), ("5 G steps per D step", collapse_view)]:
    counts = [moment.modes for moment in recorded.moments]
    print(f"{label}: modes covered ranged from {min(counts)} to {max(counts)} of 8 over the recorded steps; "
          f"{counts[-1]} at the last one")

# %% [markdown]
# In the collapsing run, all the orange points huddle in one small clump, and the clump wanders: D
# learns that the clump's current spot is fake, and G, taking five steps for each of D's, moves the
# whole crowd somewhere else instead of spreading out, often overshooting to a spot between the modes.
# The "modes covered" curve stays low (the printed lines give both runs' ranges). In the run of section 7, with
# D and G taking turns, the points spread over most or all of the 8 modes.
#
# **Exercise 6 (thought question).** Why can collapsing onto a few modes pay off for the generator, at
# least for a while? And what does the discriminator do about it? Write a few sentences, then compare
# with the discussion.

# %% [markdown] tags=["answer:q6"]
# The generator's loss judges each fake on its own ("does D believe this sample?") and never asks for
# variety, so putting every sample where D is most easily fooled right now lowers it fastest. With
# several G steps per D step, G gets there before D reacts. D then learns that this region is fake and
# G moves all its samples to another mode: the samples hop around instead of spreading out. Keeping the
# players balanced (fewer G steps, a slower G), letting D see whole batches (minibatch discrimination),
# unrolled GANs or WGAN-GP all make collapse less likely.

# %% [markdown]
# ## Summary
#
# - A discriminative model reads a sample and outputs a label; a generative model makes new samples.
#   A GAN trains a generator with the help of a discriminator.
# - A GAN is an implicit generative model: it draws samples from p(x) but cannot tell you p(x) of a given x.
# - Four parts: a data distribution, a noise distribution, a generator G (noise -> sample) and a
#   discriminator D (sample -> probability "real").
# - D minimises BCE with targets real -> 1, fake -> 0; G minimises BCE on its fakes with target 1.
# - At the equilibrium G's samples follow the data distribution and D(x) = 0.5 everywhere.
# - Mode collapse: sharp samples, too little variety. On the toy ring you can count it: modes covered.
#
# Next: **02 · Convolution and transposed convolution**, the operations that let D look at images and
# G draw them.
