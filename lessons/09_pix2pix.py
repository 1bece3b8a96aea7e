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
# # 09 · Image-to-image translation: pix2pix
#
# In lesson 08 the condition was a label. Here it is a whole **image**: the generator takes a picture and
# returns a translation of it. A blurry thumbnail becomes a sharp digit; an edge map becomes a filled-in
# drawing; a grayscale photo becomes a colour one. This is **pix2pix** (Isola, Zhu, Zhou & Efros, 2017),
# and it rests on three ideas:
#
# 1. a **U-Net** generator (Ronneberger et al., 2015): an encoder-decoder with **skip connections**, so
#    fine detail doesn't have to squeeze through the bottleneck;
# 2. a **PatchGAN** discriminator: it sees the input and an output together and gives one verdict per
#    patch, a grid of them;
# 3. the loss **adversarial + λ·L1**, λ = 100: L1 gets the picture right, the adversarial term makes it sharp.
#
# Our task: **super-resolution** of digits. Every real MNIST digit is shrunk to 7×7 and blown back up to
# 28×28 with bicubic interpolation; the model has to restore the sharp 28×28 digit. The input is therefore
# also the **trivial baseline**: a model is only worth its training if it beats the bicubic upsample.
#
# Each exercise has a check. Run `q1.check()` after answering; `q1.hint()`, `q1.hint(2)` and
# `q1.solution()` help when you are stuck.

# %%
# Set up the lesson: the checks (q1, q2, ...) and the blank ____ you will fill in.
from learntools.core import binder; binder.bind(globals())
from learntools.gans.ex9 import *

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F

from learntools.core import test_mode
from learntools.gans.data import edges_to_digits, lowres_to_highres_digits, photo_patches
from learntools.gans.display import plot_losses, show_images, show_translations
from learntools.gans.evaluation import translate, translation_scores
from learntools.gans.models import (EncoderDecoderGenerator, PatchDiscriminator, UNetGenerator, patch_layers,
                                    receptive_field as library_receptive_field)
from learntools.gans.training import AdamSettings, Pix2PixTrainer, fit_l1

device = "cuda" if torch.cuda.is_available() else "cpu"

TASK = "superres"  # or "edges": Sobel edges of a digit -> the digit (everything below works for both)
make_pairs = lowres_to_highres_digits if TASK == "superres" else edges_to_digits
train_pairs = make_pairs("train")   # 4,000 pairs: inputs (4000, 1, 28, 28), targets (4000, 1, 28, 28), in [-1, 1]
held_out = make_pairs("test")       # 1,000 pairs of digits never used for training
print(f"Setup complete: {len(train_pairs)} training pairs, {len(held_out)} held-out pairs, running on {device}"
      + (" (test mode: short training runs)." if test_mode() else "."))

# %% [markdown]
# ## 1. Paired data, and the baseline to beat
#
# Image translation needs **pairs**: an input and the target it should become. Here are a few, built offline
# from real MNIST digits (`learntools/gans/data/paired.py`):

# %%
fig, ax = plt.subplots(figsize=(9, 2.6), layout="constrained")
show_images(torch.cat([held_out.inputs[:10], held_out.targets[:10]]), nrow=10, ax=ax,
            title="top: input (7×7, bicubic upsampled to 28×28) · bottom: target")
plt.show()

# %% [markdown]
# How good is the input itself as an answer? Two numbers measure a translation on the held-out pairs:
#
# - **L1**: the mean absolute pixel difference, on the images' [−1, 1] scale (0 is perfect);
# - **PSNR**, the peak signal-to-noise ratio, in decibels: 10·log10(peak² / MSE) per image, averaged, with
#   peak = 2, the range of the pixel values (higher is better; halving the squared error adds 3 dB).
#
# You will write PSNR yourself in exercise 6; for now the library's `translation_scores` computes both.
# With `None` as the model it scores the input itself:

# %%
scores = {"input itself (bicubic)" if TASK == "superres" else "input itself": translation_scores(None, held_out)}
print(scores)

# %% [markdown]
# ## 2. Encoder-decoder, then U-Net
#
# An **encoder-decoder** halves the image again and again with stride-2 convolutions (28, padded to 32 →
# 16 → 8 → 4 → 2 → 1) while the channels grow (32, 64, 128, 256, 256), then grows it back with transposed
# convolutions. Everything the decoder knows has passed through the 1×1 **bottleneck**: 256 numbers per
# image. That is enough to know *which* digit it is, but not exactly where each stroke was.
#
# A **U-Net** adds **skip connections**: the decoder's feature map at each size is joined with the encoder's
# map of the same size, so the fine detail of the input goes straight across.
#
# ```
# encoder                                   decoder
# 32×32 input ─────────────────────────────────────────────────────> output 32×32
#   16×16, 32 ch ──────────── skip ──────────> [up 32 ch | 32 ch] ─┘
#     8×8, 64 ch ─────────── skip ─────────> [up 64 | 64] ─┘
#       4×4, 128 ch ──────── skip ──────> [up 128 | 128] ─┘
#         2×2, 256 ch ────── skip ───> [up 256 | 256] ─┘
#           1×1, 256 ch (bottleneck) ──> up ─┘
# ```
#
# **Exercise 1.** In the encoder-decoder, the five layers on the way up (four up blocks, then the layer that
# makes the image) read 256, 256, 128, 64 and 32 channels. In the U-Net, each layer after the first reads its
# predecessor's output *joined with* the encoder map of the same size. How many channels do the five layers
# read?

# %%
### BEGIN STARTER
unet_decoder_in_channels = [____, ____, ____, ____, ____]
### END STARTER
### BEGIN SOLUTION
unet_decoder_in_channels = [256, 2 * 256, 2 * 128, 2 * 64, 2 * 32]  # [256, 512, 256, 128, 64]
### END SOLUTION

# %%
q1.check()

# %% [markdown]
# **Exercise 2.** Write `join_skip(x, skip)`, the skip connection itself: the decoder's features `x` and the
# encoder's map `skip` (same batch size, height and width) joined into one map with both sets of channels,
# `x` first.

# %%
def join_skip(x, skip):
    """(N, C, H, W) and (N, C_skip, H, W) -> (N, C + C_skip, H, W)."""
    ### BEGIN STARTER
    return ____
    ### END STARTER
    ### BEGIN SOLUTION
    return torch.cat([x, skip], dim=1)  # (N, C, H, W) + (N, C_skip, H, W) -> (N, C + C_skip, H, W)
    ### END SOLUTION

# %%
q2.check()

# %% [markdown]
# The library's `UNetGenerator` is exactly this (its `forward` is a dozen lines: read it in
# `learntools/gans/models/pix2pix.py`), and `EncoderDecoderGenerator` is the same network with `skips=False`.
# Let's train both the same way, on **L1 alone** for now (no discriminator), and compare them on the
# held-out pairs:

# %%
l1_steps = 20 if test_mode() else 300
models = {}
for name, Model in [("encoder-decoder (L1)", EncoderDecoderGenerator), ("U-Net (L1)", UNetGenerator)]:
    torch.manual_seed(0)
    models[name] = Model(in_channels=1, out_channels=1, width=32, depth=5)
    fit_l1(models[name], train_pairs.batches(batch_size=32, seed=0), steps=l1_steps, seconds=25, lr=1e-3,
           progress=True)
    scores[name] = translation_scores(models[name], held_out)
    print(f"{name:22s} held-out L1 {scores[name]['l1']:.3f}, PSNR {scores[name]['psnr']:.2f} dB")

# %% [markdown]
# The U-Net wins clearly with the same training budget: its decoder gets the input's detail through the
# skips and only has to learn the *correction*, while the encoder-decoder has to redraw every digit from the
# 256 numbers of its bottleneck.
#
# ## 3. The PatchGAN discriminator
#
# A pix2pix discriminator is **conditioned on the input**: it sees the input and an output stacked as two
# channels, and asks "is this a real translation *of this input*?". And it does not give one verdict per
# image. It is a small stack of convolutions with no final linear layer, so its output is a **grid of
# logits**, each one judging the patch of the image it can see. The loss simply averages over all of them.
#
# Ours: two 4×4 convolutions with stride 2, then two with stride 1 (all with padding 1), the last one
# giving a single channel.
#
# **Exercise 3.** For a 28×28 pair, what is the shape (height, width) of the grid of verdicts? (Lesson 02's
# formula: ⌊(n + 2p − k)/s⌋ + 1.)

# %%
### BEGIN STARTER
patch_grid = (____, ____)
### END STARTER
### BEGIN SOLUTION
patch_grid = (5, 5)  # 28 -> 14 -> 7 -> 6 -> 5
### END SOLUTION

# %%
q3.check()

# %%
D = PatchDiscriminator(in_channels=2, width=32, n_down=2)
inputs, targets = held_out.inputs[:4], held_out.targets[:4]
print("input + target:", tuple(inputs.shape), "+", tuple(targets.shape), "-> verdicts", tuple(D(inputs, targets).shape))

# %% [markdown]
# How big is "the patch" each verdict sees? That is the **receptive field** of one output position: the
# side of the square of input pixels that can influence it. Walk through the layers from the input side,
# keeping two numbers: the field (1 pixel to start with) and the **jump**, the distance in input pixels
# between neighbouring positions of the current layer's input (1 to start with). A layer with kernel k
# reaches k − 1 more of its input positions, so it adds (k − 1) × jump pixels to the field; then its stride
# multiplies the jump.
#
# **Exercise 4.** Write `receptive_field(layers)` for a list of (kernel, stride) pairs, from the input side.
# The check includes pix2pix's own PatchGAN for 256×256 photos: three stride-2 layers and two stride-1
# layers, the famous **70×70** PatchGAN.

# %%
def receptive_field(layers):
    """Side in input pixels of what one output value of these convolutions sees; layers = [(kernel, stride), ...]."""
    ### BEGIN STARTER
    return ____
    ### END STARTER
    ### BEGIN SOLUTION
    field, jump = 1, 1
    for kernel, stride in layers:
        field += (kernel - 1) * jump   # kernel - 1 more input positions, jump pixels apart
        jump *= stride                 # the next layer's input positions are further apart
    return field
    ### END SOLUTION

# %%
q4.check()

# %%
for n_down in (1, 2, 3):
    print(f"PatchGAN with {n_down} stride-2 layers: each verdict sees "
          f"{library_receptive_field(patch_layers(n_down))}×{library_receptive_field(patch_layers(n_down))} pixels")

# %% [markdown]
# Ours (two stride-2 layers) sees 34×34 pixels, more than the 28×28 digit (the rest is zero padding), so
# on digits each verdict judges most of the image, centred on its own position. On 256×256 photos,
# pix2pix's 70×70 patches judge local texture only, and the L1 term takes care of the overall layout.
#
# ## 4. The loss: adversarial + λ·L1
#
# The generator's loss has two terms:
#
# - **adversarial**: the non-saturating −log D(x, G(x)), averaged over every patch verdict; it rewards
#   outputs the PatchGAN takes for real translations;
# - **L1**: the mean absolute difference between G(x) and the target, times **λ = 100**; it keeps the
#   output faithful to *this* target. Without it the generator could draw any real-looking digit.
#
# The discriminator's loss is lesson 05's, on every patch: (input, target) pairs are real, (input, G(input))
# pairs are fake (detached, as always in the D step).
#
# **Exercise 5.** Write `pix2pix_generator_loss(fake_logits, fake, target, l1_weight=100)`, where
# `fake_logits` is D's grid of logits for the fakes, shape (N, 1, h, w).

# %%
def pix2pix_generator_loss(fake_logits, fake, target, l1_weight=100.0):
    """Adversarial (non-saturating, every patch) + l1_weight * mean |fake - target|."""
    ### BEGIN STARTER
    return ____
    ### END STARTER
    ### BEGIN SOLUTION
    adversarial = F.softplus(-fake_logits).mean()   # -log D(x, G(x)), averaged over every patch
    l1 = (fake - target).abs().mean()                # mean absolute pixel difference
    return adversarial + l1_weight * l1
    ### END SOLUTION

# %%
q5.check()

# %% [markdown]
# ## 5. Training pix2pix on the CPU
#
# `Pix2PixTrainer` is the GANTrainer of lessons 05 and 08 with these losses (read its `judge` and
# `generator_loss` in `learntools/gans/training/pix2pix.py`: the steps themselves are GANTrainer's). The generator is a U-Net like the one above, the
# discriminator the PatchGAN, with Adam (learning rate 5e-4, betas (0.5, 0.999)) for both. The live view
# shows the translations of a few held-out inputs as training goes on.

# %%
torch.manual_seed(0)
G = UNetGenerator(in_channels=1, out_channels=1, width=32, depth=5)
D = PatchDiscriminator(in_channels=2, width=32, n_down=2)
trainer = Pix2PixTrainer(
    G,
    D,
    data=train_pairs.batches(batch_size=32, seed=0),
    l1_weight=100.0,
    optimizers=AdamSettings(lr_g=5e-4, lr_d=5e-4, betas=(0.5, 0.999)),
    sample_inputs=held_out.inputs[:64],
    seed=0,
)
steps = 20 if test_mode() else 500
trainer.fit(steps=steps, seconds=90, live=5);
models["pix2pix (U-Net + PatchGAN)"] = G
scores["pix2pix (U-Net + PatchGAN)"] = translation_scores(G, held_out)
print(f"{trainer.steps_done} steps in {trainer.train_seconds:.0f} s on {trainer.device}.")

# %%
plot_losses(trainer.history, keys=("d_loss", "g_adversarial"), smooth=max(1, len(trainer.history) // 40),
            title="D loss and G's adversarial term")
plt.show()

# %% [markdown]
# ## 6. Input, output, target
#
# The held-out inputs, what the L1-only U-Net and pix2pix make of them, and the real digits:

# %%
examples = slice(0, 10)
fig, ax = plt.subplots(figsize=(10, 4.6), layout="constrained")
rows = [held_out.inputs[examples], translate(models["U-Net (L1)"], held_out.inputs[examples]),
        translate(G, held_out.inputs[examples]), held_out.targets[examples]]
show_images(torch.cat(rows), nrow=10, ax=ax)
ax.set_axis_on()
ax.set_xticks([])
ax.set_yticks([ax.get_ylim()[0] * (k + 0.5) / 4 for k in range(4)], ["input", "U-Net, L1", "pix2pix", "target"])
ax.tick_params(left=False)
for side in ax.spines.values():
    side.set_visible(False)
plt.show()

# %% [markdown]
# (`show_translations(inputs, outputs, targets)` draws the three-row version of this picture for any model.)
#
# ## 7. Measuring the result
#
# **Exercise 6.** Write `psnr(output, target)` for batches of images in [−1, 1]: per image,
# 10·log10(peak² / MSE) with peak = 2 (the range of the values) and the MSE over that image's pixels; then
# the mean over the images.

# %%
def psnr(output, target):
    """Mean over the images of 10 * log10(2**2 / MSE), for images (N, C, H, W) in [-1, 1]."""
    ### BEGIN STARTER
    return ____
    ### END STARTER
    ### BEGIN SOLUTION
    mse = ((output - target) ** 2).flatten(1).mean(dim=1)   # (N,): one error per image
    return (10 * torch.log10(2 ** 2 / mse)).mean()           # peak-to-peak range 2 for [-1, 1] images
    ### END SOLUTION

# %%
q6.check()

# %% [markdown]
# All the figures on the 1,000 held-out pairs (the library's `translation_scores` uses the same PSNR as your
# q6). A third column asks the course's digit classifier to read each output: how often does it see the
# digit that was shrunk?

# %%
from learntools.gans.evaluation import classifier_probabilities

_, held_out_labels = make_pairs("test", return_labels=True)


def read_correctly(images):
    """The fraction of images the digit classifier reads as the held-out digit's label."""
    return (classifier_probabilities(images.clamp(-1, 1)).argmax(dim=1) == held_out_labels).float().mean().item()


outputs = {name: translate(model, held_out.inputs) for name, model in models.items()}
print(f"{'':28s}{'L1':>8s}{'PSNR (dB)':>12s}{'read as the right digit':>26s}")
for name, figures in scores.items():
    images = outputs.get(name, held_out.inputs)
    print(f"{name:28s}{figures['l1']:8.3f}{figures['psnr']:12.2f}{read_correctly(images):26.1%}")
print(f"{'real digits (targets)':28s}{0:8.3f}{'-':>12s}{read_correctly(held_out.targets):26.1%}")

# %% [markdown]
# Every model beats the input by a wide margin, and the U-Net beats the encoder-decoder. The two U-Nets
# are close to each other: both are pulled towards the target pixel by pixel, and that is exactly what L1 and
# PSNR measure. Neither measure asks whether an output is *one* plausible digit, which is what the adversarial
# term adds. Look at the pictures above for the difference the per-pixel numbers miss.
#
# Which single answer does a per-pixel loss prefer, when many sharp digits fit the same blurry input? Under the
# squared error (and so under PSNR) it is their per-pixel **mean**: grey wherever they disagree, and that is where
# the blur usually blamed on pixel losses comes from. Under L1 it is their per-pixel **median**. A digit's pixels
# are nearly all ink or paper, so the median is nearly all ink or paper too: crisp, not grey. But it is a vote
# taken pixel by pixel, so it can thin or break the strokes the candidates disagree on, and it need not be any
# one digit that fits.
#
# **Exercise 7 (thought question).** Why does the adversarial term do little for L1 and PSNR (it can even
# make them slightly worse than the L1-only U-Net), while making the output look sharper? What does λ trade?

# %% [markdown] tags=["answer:q7"]
# A blurry input fits many sharp digits, and a per-pixel loss picks one value for each pixel. The squared error
# (behind PSNR) is lowest for the per-pixel mean of the plausible digits, which is grey where they disagree;
# L1 is lowest for the per-pixel median, which for near-binary digits is crisp but can thin or break strokes
# and need not be one coherent digit. Both numbers reward staying close to the target pixel by pixel. The
# adversarial term rewards outputs the PatchGAN can't tell from real ones: one coherent, committed digit, whose
# strokes may sit a pixel off the target and so cost more per-pixel error. λ trades faithfulness (large λ:
# close to the target pixel by pixel) against realism (small λ: free to commit to one plausible digit, and to
# hallucinate detail).

# %% [markdown]
# ## 8. Beyond digits: photos, and the command line
#
# The same code translates photos. `photo_patches` cuts 64×64 patches from the photos that ship with
# scikit-image (nothing is downloaded; the held-out patches come from a photo never used for training),
# as grayscale → colour or degraded (blurred, noisy) → clean pairs. A U-Net with `depth=6` takes 64×64 inputs:

# %%
photos = photo_patches("test", task="degraded", size=64, count=8)
G_photo = UNetGenerator(in_channels=3, out_channels=3, width=16, depth=6)
print("photo pairs:", photos, "-> untrained U-Net output", tuple(G_photo(photos.inputs).shape))
fig, ax = plt.subplots(figsize=(10, 2.8), layout="constrained")
show_images(torch.cat([photos.inputs, photos.targets]), nrow=8, ax=ax, title="degraded input (top) and clean target")
plt.show()

# %% [markdown]
# Training on photos takes longer than a lesson allows on a CPU; on a GPU it runs unchanged. For digits,
# the recipes run from the command line too, and report held-out L1 and PSNR beside the baseline:
#
# ```
# python -m learntools.gans train pix2pix-superres --seconds 120
# python -m learntools.gans train pix2pix-edges --seconds 120
# ```
#
# ## Summary
#
# - Image translation conditions the generator on an **image**; the data are **pairs** (input, target).
# - A **U-Net** is an encoder-decoder with **skip connections** (concatenations of same-size maps): detail
#   goes across instead of through the bottleneck, and held-out L1/PSNR improve.
# - A **PatchGAN** sees (input, output) together and returns a grid of verdicts, one per overlapping patch;
#   its **receptive field** is computed layer by layer, field += (k − 1)·jump, jump ×= stride (70×70 in pix2pix).
# - The generator's loss is **adversarial + λ·L1** with λ = 100: faithful and sharp.
# - Measure on held-out pairs, against the **trivial baseline** (the input itself, the bicubic upsample).
#
# Next: **10 · What next**: unpaired translation (CycleGAN), bigger networks, and the ethics of generated media.
