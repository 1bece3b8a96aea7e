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
# # 05 · Training a GAN: the losses and one step
#
# You have a generator that turns noise into 28×28 images (lesson 03) and a discriminator that turns an
# image into one score, a logit (lesson 04). Now they play against each other. In this lesson you write
# the game's rules and one round of it yourself, then train a small GAN with your own code:
#
# 1. the losses: the discriminator's, and two versions of the generator's (minimax and non-saturating);
# 2. what the losses are before any training (a number worth knowing by heart);
# 3. why the original minimax generator loss stalls, in one plot;
# 4. the discriminator step, and why the fake batch is **detached** there;
# 5. the generator step;
# 6. one whole training step, and a short training run of your GAN with your own code.
#
# Lesson 06 hands the same recipe to the course's trainer, and measures what comes out.
#
# Each exercise has a check. Run `q1.check()` after answering; `q1.hint()`, `q1.hint(2)` and
# `q1.solution()` help when you are stuck.

# %%
# Set up the lesson: the checks (q1, q2, ...) and the blank ____ you will fill in.
from learntools.core import binder; binder.bind(globals())
from learntools.gans.ex5 import *

import math
import time

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

from learntools.core import test_mode
from learntools.gans.data import Batches, load_mnist
from learntools.gans.display import plot_losses, show_images
from learntools.gans.losses import minimax_g, nonsaturating_d, nonsaturating_g
from learntools.gans.models import DCGANDiscriminator, DCGANGenerator

images, labels = load_mnist("train")  # 4,000 real digits: (4000, 1, 28, 28) in [-1, 1], labels (4000,)
device = "cuda" if torch.cuda.is_available() else "cpu"  # the trainer picks its device the same way
print(f"Setup complete: {len(images)} training digits, running on {device}"
      + (" (test mode: short training runs)." if test_mode() else "."))

# %% [markdown]
# ## 1. The losses
#
# The discriminator D outputs a logit *l* for an image; **D(x) = σ(l)** is its probability that the image
# is real. So D is a binary classifier, trained with binary cross-entropy:
#
# - a real image x has target 1, and costs −log D(x);
# - a fake image G(z) has target 0, and costs −log(1 − D(G(z))).
#
# $$L_D = -\,\text{mean}\,\log D(x)\; -\; \text{mean}\,\log\big(1 - D(G(z))\big)$$
#
# This course **adds** the mean over the real batch and the mean over the fake batch (as PyTorch's DCGAN
# example and `learntools.gans.losses` do). Some texts average the two parts instead; that only halves
# the number.
#
# Work on logits, never on probabilities: `F.binary_cross_entropy_with_logits(logits, targets)` does the
# sigmoid and the log in one numerically safe step. The two-step way breaks on a confident discriminator:
# `torch.sigmoid(torch.tensor(20.))` is exactly 1.0 in float32, and log(1 − 1) is −∞.
#
# **Exercise 1.** Write the discriminator's loss. The logits have shape (N, 1), as D returns them;
# `torch.ones_like(x)` and `torch.zeros_like(x)` make targets of the same shape.

# %%
def discriminator_loss(real_logits, fake_logits):
    """D's loss: real images should get target 1, fakes target 0. Logits (N, 1) -> a one-number tensor."""
    ### BEGIN STARTER
    real_part = ____  # -mean log D(x): the real logits with target 1
    fake_part = ____  # -mean log(1 - D(G(z))): the fake logits with target 0
    return ____
    ### END STARTER
    ### BEGIN SOLUTION
    real_part = F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))   # -mean log D(x)
    fake_part = F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))  # -mean log(1 - D(G(z)))
    return real_part + fake_part
    ### END SOLUTION

# %%
q1.check()

# %% [markdown]
# The generator has the opposite wish: that D calls its fakes real. Goodfellow et al. (2014) wrote the game
# as one value that D maximises and G minimises, so in the original **minimax** form G minimises
#
# $$L_G^{\text{minimax}} = \text{mean}\,\log\big(1 - D(G(z))\big).$$
#
# In the same paper they point out that this loss gives G almost no gradient early in training, and
# recommend the **non-saturating** form instead: G maximises log D(G(z)), i.e. minimises
#
# $$L_G^{\text{NS}} = -\,\text{mean}\,\log D(G(z)),$$
#
# which is binary cross-entropy of the fake logits with target 1. Both have the same goal (D(G(z)) → 1);
# section 3 shows why their gradients differ so much. Of these two, the non-saturating one is the one to train
# with, and this lesson does. It is not the only loss in use: GANs are also trained with the least-squares loss
# (lesson 01's toy GAN, lesson 10's CycleGAN), the hinge loss, or the Wasserstein loss with a gradient penalty
# (WGAN-GP).
#
# **Exercise 2.** Write the non-saturating generator loss.

# %%
def generator_loss(fake_logits):
    """G's non-saturating loss: -mean log D(G(z)). Fake logits (N, 1) -> a one-number tensor."""
    ### BEGIN STARTER
    return ____
    ### END STARTER
    ### BEGIN SOLUTION
    return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))  # target 1: "real"
    ### END SOLUTION

# %%
q2.check()

# %% [markdown]
# ## 2. Before training: ln 2
#
# A freshly initialised discriminator knows nothing, so its logits sit near 0 and it says D(x) = σ(0) = 0.5
# for every image, real or fake. Those first losses are worth knowing by heart: a training log that starts
# far from them means something is wired wrong.
#
# **Exercise 3.** What are the two losses when every logit is 0? Give `q3.a` the discriminator's loss (the
# course's convention: real part + fake part) and `q3.b` the non-saturating generator loss. Work them out,
# or call your functions on `torch.zeros(8, 1)`.

# %%
### BEGIN STARTER
d_loss_at_zero = ____
g_loss_at_zero = ____
### END STARTER
### BEGIN SOLUTION
d_loss_at_zero = 2 * math.log(2)  # ≈ 1.386: ln 2 for the real part, ln 2 for the fake part
g_loss_at_zero = math.log(2)      # ≈ 0.693 = -log 0.5
### END SOLUTION

# %%
q3.a.check()

# %%
q3.b.check()

# %% [markdown]
# A real, freshly built DCGAN pair (the lesson 03 and 04 models, with DCGAN's N(0, 0.02) initial weights)
# does not output exactly 0: its logits scatter around 0 by about ±1. Because −log σ(l) curves upwards,
# scattered logits cost a little more on average than logit 0 does, so the first losses sit somewhat
# above 2 ln 2 and ln 2: the same neighbourhood. A fresh D cannot tell real from fake yet, so a first loss far
# from there points at the code: a loss summed over the batch instead of averaged, for example, starts 64 times
# too high with batches of 64. Some bugs show the other way round, as a loss that never leaves 2 ln 2. If the
# "fake" batch is really the real images, D is shown the same images labelled 1 and 0; the best it can do is
# say 0.5 to both, and its loss stays near 2 ln 2 however long it trains.

# %%
torch.manual_seed(0)
fresh_G, fresh_D = DCGANGenerator(z_dim=100, width=64), DCGANDiscriminator(width=64)
with torch.no_grad():
    real = images[:64]                           # (64, 1, 28, 28)
    fake = fresh_G(torch.randn(64, 100))         # (64, 1, 28, 28)
    real_logits, fake_logits = fresh_D(real), fresh_D(fake)  # (64, 1) each
print(f"logits: real {real_logits.mean():+.3f} ± {real_logits.std():.3f}, fake {fake_logits.mean():+.3f} ± {fake_logits.std():.3f}")
print(f"D loss {nonsaturating_d(real_logits, fake_logits):.3f}   (2 ln 2 = {2 * math.log(2):.3f})")
print(f"G loss {nonsaturating_g(fake_logits):.3f}   (ln 2 = {math.log(2):.3f})")

# %% [markdown]
# ## 3. Why the minimax generator loss saturates
#
# Early in training the fakes are poor and D rejects them with confidence: D(G(z)) is close to 0. That is
# exactly when G most needs a strong signal. Below, both generator losses are drawn against D(G(z)), and
# beside them the size of their gradient with respect to the logit, which is what flows back into G
# (computed with autograd on the library's `minimax_g` and `nonsaturating_g`).

# %%
probability = torch.linspace(0.001, 0.999, 500)                    # D(G(z)), (500,)
logit = torch.log(probability / (1 - probability)).requires_grad_()  # the logits giving them, (500,)
curves = {}
for name, loss_fn in [("minimax: mean log(1 − D(G(z)))", minimax_g),
                      ("non-saturating: −mean log D(G(z))", nonsaturating_g)]:
    values = torch.stack([loss_fn(l.reshape(1)) for l in logit])  # one loss per point, (500,)
    (gradient,) = torch.autograd.grad(values.sum(), logit)          # d loss / d logit at each point
    curves[name] = (values.detach(), gradient.abs())

fig, (ax_loss, ax_grad) = plt.subplots(1, 2, figsize=(11, 3.8), layout="constrained")
for name, (values, gradient) in curves.items():
    ax_loss.plot(probability, values, label=name)
    ax_grad.plot(probability, gradient, label=name)
for ax in (ax_loss, ax_grad):
    ax.axvspan(0, 0.1, color="tab:red", alpha=0.08)
    ax.set_xlabel("D(G(z)): how real D finds the fakes")
    ax.legend(fontsize=8)
ax_loss.set_ylabel("generator loss")
ax_loss.set_title("G's loss")
ax_grad.set_ylabel("|d loss / d logit|")
ax_grad.set_title("the gradient G receives")
ax_grad.annotate("early training: D rejects the fakes,\nand the minimax gradient is ~0", xy=(0.04, 0.03),
                 xytext=(0.3, 0.85), arrowprops={"arrowstyle": "->"}, fontsize=9)
plt.show()

# %% [markdown]
# On the left the minimax loss is nearly flat where D(G(z)) is small; on the right its gradient goes to 0
# there, while the non-saturating gradient is close to its largest. Both losses want the same thing, but
# only one of them tells a bad generator which way to go.
#
# **Exercise 4.** Put numbers on it. D is sure the fakes are fake: D(G(z)) = 0.01. `logit` below is the
# logit giving that probability (with `requires_grad=True`). Compute each generator loss of this one logit
# (the library's `minimax_g` and `nonsaturating_g` take logits of shape (N,), so pass `logit.reshape(1)`)
# and its gradient with respect to `logit`, with `torch.autograd.grad(loss, logit)`.

# %%
p = 0.01
logit = torch.tensor(math.log(p / (1 - p)), requires_grad=True)  # σ(logit) = 0.01

### BEGIN STARTER
grad_minimax = ____        # d minimax_g / d logit
grad_nonsaturating = ____  # d nonsaturating_g / d logit
### END STARTER
### BEGIN SOLUTION
grad_minimax, = torch.autograd.grad(minimax_g(logit.reshape(1)), logit)              # -0.01
grad_nonsaturating, = torch.autograd.grad(nonsaturating_g(logit.reshape(1)), logit)  # -0.99
### END SOLUTION

# %%
q4.check()

# %% [markdown]
# ## 4. The discriminator step, and the detach
#
# One update of D:
#
# 1. draw noise z, as many rows as the real batch, and make fakes G(z);
# 2. ask D about the real batch and the fake batch, and compute `discriminator_loss`;
# 3. clear D's old gradients (`opt_d.zero_grad()`), backpropagate (`d_loss.backward()`), update D
#    (`opt_d.step()`).
#
# The fakes go into D **detached**: `fake = G(z).detach()` cuts the graph between G and its output. Why?
#
# - The D step trains D only. Without the detach, `d_loss.backward()` runs on through G and computes a
#   gradient for every weight of G: wasted work, because `opt_d` only holds D's weights.
# - Worse, that gradient stays in G's `.grad`, and it points the wrong way for G: it says how G could make
#   D's job *easier*. If the G step ever forgot its `zero_grad()`, G would be pushed to be caught.
#
# So the test of a correct D step is simple: afterwards, every G parameter's `.grad` is still `None`.
# (Making the fakes under `torch.no_grad()` works too.)
#
# **Exercise 5.** Write `discriminator_step`. Use your `discriminator_loss`, and return the loss.

# %%
def discriminator_step(G, D, real, opt_d, z_dim):
    """One update of D on a real batch and a detached fake batch of the same size; returns D's loss."""
    ### BEGIN STARTER
    z = torch.randn(real.shape[0], z_dim, device=real.device)  # (N, z_dim), where the data is
    fake = ____    # G's images for z, cut off from G
    d_loss = ____  # your discriminator_loss of D's logits for the real and the fake batch
    ____           # 1. clear the gradients D still holds from the last step
    ____           # 2. backpropagate d_loss
    ____           # 3. update D's weights
    return d_loss
    ### END STARTER
    ### BEGIN SOLUTION
    z = torch.randn(real.shape[0], z_dim, device=real.device)  # (N, z_dim), where the data is
    fake = G(z).detach()                                       # no gradient will flow back into G
    d_loss = discriminator_loss(D(real), D(fake))
    opt_d.zero_grad()
    d_loss.backward()
    opt_d.step()
    return d_loss
    ### END SOLUTION

# %%
q5.check()

# %% [markdown]
# ## 5. The generator step
#
# Now G learns. Make a fresh fake batch, ask D about it, and move G so that D believes it more. This time
# nothing is detached: the gradient of the generator loss has to pass *through* D to reach G. D's weights
# stay as they are because `opt_g` holds only G's parameters. (D's `.grad` does fill up; the next D step's
# `zero_grad()` clears it.)
#
# **Exercise 6.** Write `generator_step` with your non-saturating `generator_loss`, and return the loss.

# %%
def generator_step(G, D, batch_size, opt_g, z_dim):
    """One update of G against D on batch_size fresh fakes; returns G's loss."""
    device = next(G.parameters()).device  # where the models live
    ### BEGIN STARTER
    z = ____       # (batch_size, z_dim) standard normal noise on `device`
    g_loss = ____  # your generator_loss of D's logits for G(z)
    ____           # 1. clear G's old gradients
    ____           # 2. backpropagate g_loss
    ____           # 3. update G's weights
    return g_loss
    ### END STARTER
    ### BEGIN SOLUTION
    z = torch.randn(batch_size, z_dim, device=device)  # (N, z_dim)
    g_loss = generator_loss(D(G(z)))                   # gradients flow through D into G
    opt_g.zero_grad()
    g_loss.backward()
    opt_g.step()
    return g_loss
    ### END SOLUTION

# %%
q6.check()

# %% [markdown]
# ## 6. One training step, and your GAN
#
# A training step is a D step followed by a G step, on the same batch size. Return both losses as plain
# numbers (`float(loss)`), so that a long list of them can be kept without holding on to any graph.
#
# **Exercise 7.** Write `train_step`.

# %%
def train_step(G, D, real, opt_g, opt_d, z_dim):
    """One GAN training step: a D update, then a G update. Returns (d_loss, g_loss) as floats."""
    ### BEGIN STARTER
    d_loss = ____
    g_loss = ____
    return ____
    ### END STARTER
    ### BEGIN SOLUTION
    d_loss = discriminator_step(G, D, real, opt_d, z_dim)       # 1. D learns (G is cut off by the detach)
    g_loss = generator_step(G, D, real.shape[0], opt_g, z_dim)  # 2. G learns (D's weights stay)
    return float(d_loss), float(g_loss)
    ### END SOLUTION

# %%
q7.check()

# %% [markdown]
# That is a whole GAN training algorithm. Run it: the cell below trains a small DCGAN (16 channels wide,
# 32 noise numbers, Adam without momentum, and a discriminator that learns 4 times slower than the generator)
# with **your** `train_step` for about 20 seconds, then shows what it draws. Lesson 06's recipe is a close
# cousin, with extra convolutions, equal learning rates and samples from an average of G's weights. (The cell
# waits politely until your functions are written.)

# %%
if ready(train_step):
    torch.manual_seed(0)
    my_G = DCGANGenerator(z_dim=32, width=16).to(device)
    my_D = DCGANDiscriminator(width=16).to(device)
    my_opt_g = torch.optim.Adam(my_G.parameters(), lr=2e-3, betas=(0.0, 0.99))
    my_opt_d = torch.optim.Adam(my_D.parameters(), lr=5e-4, betas=(0.0, 0.99))
    my_batches = Batches(images, batch_size=64, seed=0, device=device).iterate()

    my_steps, my_seconds = (10, 10) if test_mode() else (600, 20)
    my_history, started = [], time.perf_counter()
    for step in tqdm(range(1, my_steps + 1), desc="your train_step"):
        d_loss, g_loss = train_step(my_G, my_D, next(my_batches), my_opt_g, my_opt_d, 32)
        my_history.append({"step": step, "d_loss": d_loss, "g_loss": g_loss})
        if time.perf_counter() - started > my_seconds:
            break

    my_G.eval()
    with torch.no_grad():
        my_samples = my_G(torch.randn(32, 32, generator=torch.Generator().manual_seed(1)).to(device)).cpu()  # (32, 1, 28, 28)
    fig, (ax_losses, ax_samples) = plt.subplots(1, 2, figsize=(11, 3.2), layout="constrained",
                                                gridspec_kw={"width_ratios": [1, 1.6]})
    plot_losses(my_history, smooth=10, ax=ax_losses, title=f"your train_step: {len(my_history)} steps")
    show_images(my_samples, nrow=8, ax=ax_samples, title="your GAN's samples")
    plt.show()

# %% [markdown]
# **Exercise 8.** The check below does the same, on a tiny DCGAN (8 channels, 16 noise numbers) for 250 of
# your steps, and measures whether the samples got closer to real digits. The measure is a *Fréchet distance*:
# a digit classifier turns each image into 128 numbers, and the distance compares the average and the spread of
# those numbers over the generated images with those over real digits (0 for identical statistics, lower is
# better; lesson 06 has the details). There is nothing new to write: it passes when your `train_step` trains.
# It takes about ten seconds.

# %%
q8.check()

# %% [markdown]
# ## Summary
#
# - D is a binary classifier: L_D = −mean log D(x) − mean log(1 − D(G(z))), computed from logits with
#   `binary_cross_entropy_with_logits`. At logits 0 it is 2 ln 2 ≈ 1.386 (ln 2 per part).
# - G minimises the non-saturating −mean log D(G(z)) (ln 2 at the start). The minimax log(1 − D(G(z)))
#   has the same goal but no gradient when D rejects the fakes.
# - The D step detaches the fakes, so G's gradients stay None; the G step does not detach, and only G's
#   optimizer steps.
# - A training step is a D step, then a G step, with G and D in training mode and the real batch left as
#   it is. Return the losses as plain numbers for the log.
#
# Next: **06 · The trainer, and judging a GAN**, where the course's trainer runs the same steps with a few
# tricks on top, and you measure what a generator draws: quality, mode collapse, and the latent space.
