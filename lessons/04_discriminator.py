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
# # 04 · The discriminator: a classifier that outputs a logit
#
# The **discriminator** D is the generator's critic. It looks at an image and gives one number, a score: high
# for "this looks real", low for "this looks fake". It is an ordinary image classifier with two classes, real and
# fake, and it matters twice over: D learns from labelled examples, and the generator learns *only* from D's
# verdicts, through the gradient of D's score with respect to the fake image.
#
# We build the DCGAN discriminator (Radford, Metz & Chintala, 2015) for 28×28 digits, the mirror image of
# lesson 03's generator:
#
# 1. shapes: 28×28 → 14×14 → 7×7 → one score;
# 2. a discriminator block: Conv2d, BatchNorm, LeakyReLU(0.2);
# 3. the whole discriminator, and its verdicts on real and fake digits;
# 4. why LeakyReLU;
# 5. why the discriminator ends without a sigmoid when the loss is `BCEWithLogitsLoss`.
#
# Run `q1.check()`, `q2.check()`, ... after each exercise; `q1.hint()`, `q1.hint(2)` and `q1.solution()` help
# when you are stuck.

# %%
# Set up the lesson: the checks (q1, q2, ...) and the blank ____ you will fill in.
from learntools.core import binder; binder.bind(globals())
from learntools.gans.ex4 import *

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from torch import nn

from learntools.core import test_mode
from learntools.gans.data import Batches, load_mnist, load_mnist_pixels
from learntools.gans.display import show_images
from learntools.gans.models import DCGANDiscriminator, DCGANGenerator, count_parameters, init_dcgan_weights

# The same code runs on a GPU when there is one, and on the CPU otherwise.
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
torch.manual_seed(0)
print(f"Setup complete: checks for lesson 04 are loaded; models will run on {device}.")

# %% [markdown]
# ## 1. From an image to one score
#
# A convolution with **kernel 4, stride 2, padding 1** halves the height and the width. With lesson 02's formula
# for a convolution, ⌊(n + 2·padding − kernel) / stride⌋ + 1:
#
# - 28 → ⌊(28 + 2 − 4) / 2⌋ + 1 = **14**
# - 14 → ⌊(14 + 2 − 4) / 2⌋ + 1 = **7**
#
# | stage | layer | output shape (per image) |
# | --- | --- | --- |
# | image | | 1 × 28 × 28 |
# | `down1` | Conv2d(1, 64, kernel 4, stride 2, padding 1), LeakyReLU(0.2): *no BatchNorm on the input layer* | 64 × 14 × 14 |
# | `down2` | Conv2d(64, 128, kernel 4, stride 2, padding 1), BatchNorm, LeakyReLU(0.2) | 128 × 7 × 7 |
# | `score` | Flatten, then Linear(128·7·7 = 6,272 → 1) | 1 |
#
# The DCGAN guidelines again, from the discriminator's side: no pooling (the stride-2 convolutions learn their own
# downsampling), BatchNorm in every layer **except the input layer** (normalising the images themselves made
# training unstable), and **LeakyReLU** with slope 0.2 after every layer. In the paper the last convolution's maps are
# flattened into a single sigmoid output; we keep the single output but leave the sigmoid out, for reasons you will
# compute in section 5. The output is a **logit**: any real number, positive for "real", negative for "fake";
# `torch.sigmoid(logit)` turns it into D's probability that the image is real.
#
# PyTorch agrees with the arithmetic:

# %%
x = torch.zeros(1, 1, 28, 28)  # one image
print("image ", tuple(x.shape))
for name, layer in [("down1", nn.Conv2d(1, 64, kernel_size=4, stride=2, padding=1)),
                    ("down2", nn.Conv2d(64, 128, kernel_size=4, stride=2, padding=1))]:
    x = layer(x)
    print(f"{name:6}", tuple(x.shape))
print("score ", tuple(nn.Linear(128 * 7 * 7, 1)(x.flatten(1)).shape))

# %% [markdown]
# ## 2. A discriminator block
#
# Each downsampling step is the same three layers:
#
# 1. **Conv2d** with kernel 4, stride 2, padding 1: halves the height and width, and learns how to.
# 2. **BatchNorm2d**, in every block except the first: normalises each channel over the batch, as in the generator.
#    Without it the convolution needs its bias; with it the bias is wasted (BatchNorm subtracts the mean), so
#    `bias=not batch_norm`.
# 3. **LeakyReLU(0.2)**: like ReLU for positive inputs, but negative inputs are multiplied by 0.2 instead of
#    being set to 0. (PyTorch's `nn.LeakyReLU()` defaults to a slope of 0.01: write the 0.2.)
#
# **Exercise 1.** Write `discriminator_block(in_channels, out_channels, batch_norm=True)`, returning an
# `nn.Sequential` of Conv2d (kernel 4, stride 2, padding 1), BatchNorm2d only if `batch_norm` is True, and
# LeakyReLU(0.2).

# %%
def discriminator_block(in_channels, out_channels, batch_norm=True):
    """Conv2d -> [BatchNorm2d] -> LeakyReLU(0.2): (N, in, H, W) -> (N, out, H/2, W/2)."""
    ### BEGIN STARTER
    return ____
    ### END STARTER
    ### BEGIN SOLUTION
    layers = [nn.Conv2d(in_channels, out_channels, kernel_size=4, stride=2, padding=1, bias=not batch_norm)]
    if batch_norm:
        layers.append(nn.BatchNorm2d(out_channels))
    layers.append(nn.LeakyReLU(0.2))
    return nn.Sequential(*layers)
    ### END SOLUTION

# %%
q1.check()

# %% [markdown]
# ## 3. The whole discriminator
#
# **Exercise 2.** Complete the `Discriminator`: `down1` is a block from 1 channel to `width` channels *without*
# BatchNorm, `down2` a block from `width` to `2 * width` channels with BatchNorm, and `score` an `nn.Sequential` of
# `nn.Flatten()` and `nn.Linear(2 * width * 7 * 7, 1)`. `forward` returns the raw logits, shape (N, 1): no sigmoid.

# %%
class Discriminator(nn.Module):
    """DCGAN discriminator: images (N, 1, 28, 28) -> one raw logit per image, (N, 1)."""

    def __init__(self, width=64):
        super().__init__()
        ### BEGIN STARTER
        self.down1 = ____  # (N, 1, 28, 28) -> (N, width, 14, 14), no BatchNorm
        self.down2 = ____  # (N, width, 14, 14) -> (N, 2*width, 7, 7)
        self.score = ____  # (N, 2*width, 7, 7) -> (N, 1)
        ### END STARTER
        ### BEGIN SOLUTION
        self.down1 = discriminator_block(1, width, batch_norm=False)
        self.down2 = discriminator_block(width, 2 * width)
        self.score = nn.Sequential(nn.Flatten(), nn.Linear(2 * width * 7 * 7, 1))
        ### END SOLUTION

    def forward(self, images):
        ### BEGIN STARTER
        return ____
        ### END STARTER
        ### BEGIN SOLUTION
        x = self.down1(images)  # (N, w, 14, 14)
        x = self.down2(x)       # (N, 2w, 7, 7)
        return self.score(x)    # (N, 1): raw logits
        ### END SOLUTION

# %%
q2.check()

# %% [markdown]
# The library's `DCGANDiscriminator` is the same design. Where do its parameters sit? The cell below counts them
# block by block, beside those of lesson 03's generator (both 64 channels wide).

# %%
def parameter_breakdown(model):
    """The number of parameters in each of a model's top-level blocks, leaving out empty ones."""
    counts = {name: count_parameters(block) for name, block in model.named_children()}
    return {name: count for name, count in counts.items() if count > 0}


for name, model in [("discriminator", DCGANDiscriminator(width=64)), ("generator", DCGANGenerator(z_dim=100, width=64))]:
    total = count_parameters(model)
    print(f"{name}: {total:,} parameters")
    for block, count in parameter_breakdown(model).items():
        print(f"  {block:8s}{count:>9,}  ({count / total:5.1%})")

# %% [markdown]
# The discriminator is the smaller network, and in each network one block holds most of the parameters. In D it is
# `down2`, the 4×4 convolution from 64 to 128 channels; its mirror image in G, `up1`, has almost the same count.
# The final Linear layer reads all 128·7·7 numbers but outputs only one, so it stays small. G's largest block is
# its first, `project`: every one of the 100 noise numbers has its own 7×7 pattern in each of 128 channels.
#
# ### The real digits D will judge
#
# D is about to see real digits for the first time. On disk (and in most datasets) an image is 8-bit pixels: whole
# numbers from 0 (background) to 255 (full ink), stored as `uint8`, with no channel axis. `load_mnist_pixels` gives
# them to you that way:

# %%
pixels, _ = load_mnist_pixels("train")  # the 4,000 training digits as stored: uint8 (4000, 28, 28), 0..255
print("pixels:", tuple(pixels.shape), pixels.dtype, f"from {pixels.min()} to {pixels.max()}")

# %% [markdown]
# G ends with tanh, so every fake lies in [−1, 1]. The real digits must lie in the same range, or D can tell real
# from fake by the pixel values alone (real ink at 255 against fake ink at most 1) and never has to learn what a
# digit looks like; G gets no useful gradient.
#
# **Exercise 3.** Write `preprocess(pixels)`: uint8 pixels (N, 28, 28) → float32 images (N, 1, 28, 28) in
# [−1, 1], with 0 → −1 and 255 → +1 on a straight line. Don't change `pixels` itself.

# %%
def preprocess(pixels):
    """uint8 pixels (N, 28, 28) in 0..255 -> float32 images (N, 1, 28, 28) in [-1, 1]."""
    ### BEGIN STARTER
    return ____
    ### END STARTER
    ### BEGIN SOLUTION
    images = pixels.float() / 127.5 - 1   # 0 -> -1, 255 -> +1, float32
    return images.unsqueeze(1)            # (N, 28, 28) -> (N, 1, 28, 28): one channel
    ### END SOLUTION

# %%
q3.check()

# %% [markdown]
# From here on the course loads digits with `load_mnist`, which does exactly this (its images equal
# `preprocess(load_mnist_pixels(...)[0])`).
#
# ### D's verdicts, before and after a little training
#
# Let's see the discriminator at work. We take your `Discriminator` (once it passes q2; the library's until then),
# initialise it the DCGAN way, and ask for its verdict on 256 held-out real digits and on 256 samples of an
# *untrained* generator. Then we train D alone for a few dozen steps, with `BCEWithLogitsLoss`, the label 1 for real
# and 0 for fake, and the DCGAN settings (Adam, learning rate 0.0002, β₁ = 0.5). The generator stays as it is.
#
# Verdicts are measured in evaluation mode (`D.eval()`), where BatchNorm uses its running averages: in training
# mode a batch of only real or only fake images would be normalised with its own statistics, which hides the
# difference between the two.

# %%
torch.manual_seed(0)
if q2.evaluate().passed:
    D = Discriminator().to(device)
    print("Using your Discriminator.")
else:
    D = DCGANDiscriminator().to(device)
    print("Your Discriminator doesn't pass q2 yet, so this uses the library's DCGANDiscriminator (the same design).")
D.apply(init_dcgan_weights)
G = DCGANGenerator().to(device)  # untrained, and it stays that way here
print(f"D has {count_parameters(D):,} parameters, G has {count_parameters(G):,}.")

train_images, _ = load_mnist("train")  # (4000, 1, 28, 28)
test_images, _ = load_mnist("test")    # (1000, 1, 28, 28), held out
real_probe = test_images[:256].to(device)
with torch.no_grad():
    fake_probe = G(torch.randn(256, 100, device=device))  # (256, 1, 28, 28)


def verdicts():
    """D's logits for the held-out real probe and the fake probe, in evaluation mode."""
    D.eval()
    with torch.no_grad():
        real, fake = D(real_probe).flatten().cpu(), D(fake_probe).flatten().cpu()
    D.train()
    return real, fake


before = verdicts()
all_before = torch.cat(before)
print(f"before training, D's logits run from {all_before.min():.3f} to {all_before.max():.3f}")
steps = 10 if test_mode() else 40  # the short test mode (WORKSHOP_TEST_MODE=1) trains less
loss_fn = nn.BCEWithLogitsLoss()
optimizer = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))
batches = Batches(train_images, batch_size=64, device=device).iterate()
for step in range(1, steps + 1):
    real = next(batches)                                        # (64, 1, 28, 28)
    with torch.no_grad():
        fake = G(torch.randn(64, 100, device=device))           # (64, 1, 28, 28), no gradient to G
    loss = (loss_fn(D(real), torch.ones(64, 1, device=device))     # real -> label 1
            + loss_fn(D(fake), torch.zeros(64, 1, device=device)))  # fake -> label 0
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if step % 10 == 0 or step == steps:
        print(f"step {step:3d}: D loss {loss.item():.3f}")
after = verdicts()

fig, axes = plt.subplots(1, 2, figsize=(12, 3.8), layout="constrained", sharey=True)
for ax, (title, (real, fake)) in zip(axes, [("before training", before), (f"after {steps} training steps of D", after)]):
    edges = torch.linspace(min(real.min(), fake.min()).item(), max(real.max(), fake.max()).item() + 1e-6, 41)
    ax.hist(real.numpy(), bins=edges.numpy(), alpha=0.6, label="real digits (held out)")
    ax.hist(fake.numpy(), bins=edges.numpy(), alpha=0.6, label="untrained G's samples")
    ax.axvline(0, color="black", linewidth=0.8)
    right = ((real > 0).float().mean() + (fake < 0).float().mean()) / 2
    ax.set_title(f"D's logits {title}: {right:.0%} judged right")
    ax.set_xlabel("logit (> 0: 'real', < 0: 'fake')")
axes[0].set_ylabel("number of images")
axes[0].legend()
plt.show()
print(f"mean probability 'real', i.e. sigmoid(logit): real digits {torch.sigmoid(after[0]).mean():.2f}, "
      f"fakes {torch.sigmoid(after[1]).mean():.2f}")

# %% [markdown]
# Before training, every logit is close to 0 (the first printed line gives the range), so sigmoid(logit) ≈ 0.5 for every image: "no idea"
# (which side of 0 each group falls on is an accident of the random weights). A few dozen steps later D separates
# them easily, because an untrained generator's textures look nothing like digits.
# This is why a GAN trains both networks *together* (lesson 05): every time D improves, G gets a fresh gradient
# showing how to make its samples more like the real ones, and D never gets to win this easily.
#
# ## 4. Why LeakyReLU?
#
# ReLU sets every negative input to 0, and its slope there is 0: no gradient flows back through a unit while its
# input is negative. LeakyReLU(0.2) has a slope of 0.2 there instead.

# %%
x = torch.linspace(-3, 3, 601)
fig, axes = plt.subplots(1, 2, figsize=(10, 3.3), layout="constrained")
axes[0].plot(x, F.relu(x), label="ReLU")
axes[0].plot(x, F.leaky_relu(x, 0.2), "--", label="LeakyReLU(0.2)")
axes[0].set_title("activation")
axes[0].set_ylabel("output")
axes[1].plot(x, (x > 0).float(), label="ReLU")
axes[1].plot(x, torch.where(x > 0, 1.0, 0.2), "--", label="LeakyReLU(0.2)")
axes[1].set_title("slope: how much gradient passes")
axes[1].set_ylabel("slope (derivative)")
for ax in axes:
    ax.set_xlabel("input")
    ax.axhline(0, color="gray", linewidth=0.5)
    ax.legend()
plt.show()

# How many of D's hidden units have a negative input, for a batch of fakes? ReLU would pass no gradient there.
negative = []
hooks = [m.register_forward_hook(lambda m, inputs, output: negative.append((inputs[0] < 0).float().mean().item()))
         for m in D.modules() if isinstance(m, nn.LeakyReLU)]
with torch.no_grad():
    D(fake_probe[:64])
for hook in hooks:
    hook.remove()
print("share of hidden units with a negative input, per LeakyReLU layer:", ", ".join(f"{n:.0%}" for n in negative))

# %% [markdown]
# **Exercise 4 (thought question).** Why does the DCGAN discriminator use LeakyReLU rather than ReLU? Think about
# where the generator's training signal comes from, and what the numbers above mean for it. Write a few sentences,
# then compare with the discussion.

# %% [markdown] tags=["answer:q4"]
# The generator learns only from the gradient of D's score with respect to the fake image, passed back through all of
# D's layers. With ReLU, every unit whose input is negative (about half of them, as measured above) passes no gradient,
# so the signal reaching G is sparse, and units that stay negative stop learning altogether. LeakyReLU's slope of 0.2
# lets some gradient through everywhere, to D's weights and on to the generator.

# %% [markdown]
# ## 5. Why no sigmoid?
#
# For a real image (label 1) the binary cross-entropy loss is −log p, where p = sigmoid(x) is D's probability
# that the image is real and x its logit. For a fake (label 0) it is −log(1 − p). PyTorch offers two ways:
#
# - `nn.BCELoss()(probability, label)`: the model ends with a sigmoid and the loss takes probabilities;
# - `nn.BCEWithLogitsLoss()(logit, label)`: the model returns the raw logit, and the loss applies the sigmoid
#   *inside*, computing −log sigmoid(x) = log(1 + e^(−x)) as one formula that stays exact for any x.
#
# Take a discriminator that is as wrong as it can be: a real image gets the logit −200 ("certainly fake").
#
# **Exercise 5.** Compute three losses for this logit and the label 1:
# - (a) `loss_logits`: `nn.BCEWithLogitsLoss` on the raw logit (the right way);
# - (b) `loss_double_sigmoid`: `nn.BCEWithLogitsLoss` on `torch.sigmoid(logit)`, what happens when a model that
#   ends with a sigmoid is trained with `BCEWithLogitsLoss`;
# - (c) `loss_bce`: `nn.BCELoss` on `torch.sigmoid(logit)`, the old two-step way.

# %%
logit = torch.tensor([-200.0])  # D's verdict on a real image: "certainly fake", badly wrong
label = torch.tensor([1.0])     # the truth: real

### BEGIN STARTER
loss_logits = ____          # (a)
loss_double_sigmoid = ____  # (b)
loss_bce = ____             # (c)
### END STARTER
### BEGIN SOLUTION
loss_logits = nn.BCEWithLogitsLoss()(logit, label)                        # 200
loss_double_sigmoid = nn.BCEWithLogitsLoss()(torch.sigmoid(logit), label)  # ln 2
loss_bce = nn.BCELoss()(torch.sigmoid(logit), label)                       # 100 (capped)
### END SOLUTION

# %%
q5.a.check()

# %%
q5.b.check()

# %%
q5.c.check()

# %% [markdown]
# Loss values are only half the story: training follows the **gradient** of the loss with respect to the logit.
# Below, both are drawn for a real image, for logits from −120 ("certainly fake") to 10 ("certainly real").

# %%
logits = torch.linspace(-120, 10, 1301)  # D's logit for a real image
target = torch.ones_like(logits)         # label 1: real
forms = {
    "BCEWithLogitsLoss(logit)": lambda x: F.binary_cross_entropy_with_logits(x, target, reduction="none"),
    "BCELoss(sigmoid(logit))": lambda x: F.binary_cross_entropy(torch.sigmoid(x), target, reduction="none"),
    "BCEWithLogitsLoss(sigmoid(logit))": lambda x: F.binary_cross_entropy_with_logits(torch.sigmoid(x), target,
                                                                                       reduction="none"),
}
fig, axes = plt.subplots(1, 2, figsize=(13, 4), layout="constrained")
for (name, loss_of), style in zip(forms.items(), ["-", "--", ":"]):
    x = logits.clone().requires_grad_(True)
    loss = loss_of(x)        # one loss per logit
    loss.sum().backward()    # x.grad[i] = d loss[i] / d logit[i]
    axes[0].plot(logits, loss.detach(), style, linewidth=2, label=name)
    axes[1].plot(logits, x.grad, style, linewidth=2, label=name)
axes[0].set_title("loss for a real image")
axes[0].set_ylabel("loss")
axes[1].set_title("gradient of the loss with respect to the logit")
axes[1].set_ylabel("d loss / d logit")
for ax in axes:
    ax.set_xlabel("D's logit for a real image (negative: D says 'fake', wrongly)")
    ax.legend()
plt.show()

# %% [markdown]
# **Exercise 6 (thought question).** Why does the discriminator end without a sigmoid when it is trained with
# `BCEWithLogitsLoss`? Use your three numbers and the two plots: what does each version tell a discriminator that is
# badly wrong? And why is the "sigmoid + BCELoss" version worse than it looks on paper?

# %% [markdown] tags=["answer:q6"]
# `BCEWithLogitsLoss` already applies the sigmoid, exactly and stably, inside the loss. A sigmoid in the model would be
# applied twice: the loss would treat a probability in (0, 1) as a logit, so a real image's loss could only range
# between 0.31 and 0.69 (ln 2 for the logit −200) and its gradient would stay small: D could neither be confidently right
# nor learn from being badly wrong. A sigmoid followed by `BCELoss` is right on paper, but in float32 sigmoid(−200)
# underflows to 0: the loss is capped at 100 and the gradient fades to 0 from a logit of about −30 on, just when D most
# needs correcting. The logit form gives the true loss, 200, and a gradient of −1. So D returns raw logits, and
# `torch.sigmoid(D(x))` is only for reading off a probability.

# %% [markdown]
# ## Summary
#
# - The discriminator is a binary classifier: images (N, 1, 28, 28) in, one raw logit per image (N, 1) out.
# - Kernel 4, stride 2, padding 1 halves: 28 → 14 → 7; then Flatten and Linear give one score. No pooling.
# - DCGAN: no BatchNorm on the input layer, BatchNorm after the other convolutions, LeakyReLU(0.2) everywhere, so that
#   gradient flows back to the generator through every unit.
# - No sigmoid at the end: `BCEWithLogitsLoss` applies it inside the loss, exactly, and keeps the gradient alive when
#   D is badly wrong. Use `torch.sigmoid(logits)` only to read probabilities.
#
# Next: **05 · Training a GAN: the losses and one step**, where the generator of lesson 03 and this discriminator learn together.
