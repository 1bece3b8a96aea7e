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
# Our task: **super-resolution** of digits, made hard on purpose. Every real MNIST digit is shrunk to 4×4 (each
# pixel the average of a 7×7 block) and blown back up to 28×28 with bicubic interpolation; the model has to
# restore the sharp 28×28 digit. Sixteen numbers don't pin a digit down: many sharp digits fit the same blurry
# input, and that ambiguity is where the adversarial term will show. The input is also the **trivial
# baseline**: a model is only worth its training if it beats the bicubic upsample.
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


def make_pairs(split, **options):
    """The lesson's pairs: 4×4 digits upsampled to 28×28 -> the digit (or edges -> the digit)."""
    if TASK == "superres":
        return lowres_to_highres_digits(split, factor=7, **options)
    return edges_to_digits(split, **options)


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
            title="top: input (4×4, bicubic upsampled to 28×28) · bottom: target")
plt.show()

# %% [markdown]
# How good is the input itself as an answer? Two numbers measure a translation on the held-out pairs:
#
# - **L1**: the mean absolute pixel difference, on the images' [−1, 1] scale (0 is perfect);
# - **PSNR**, the peak signal-to-noise ratio, in decibels: 10·log10(peak² / MSE) per image, averaged, with
#   peak = 2, the range of the pixel values (higher is better; halving the squared error adds 3 dB).
#
# You will write PSNR yourself in exercise 7; for now the library's `translation_scores` computes both.
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
# Let's train both the same way, on a **pixel loss alone** for now (no discriminator), and compare them on the
# held-out pairs. Every model of this lesson gets the same budget, `steps` training steps of 32 pairs (with a
# time cap, so that a busy machine still finishes; the tables show how many steps each model got and how long
# they took). A third model is the U-Net trained on the squared error, **L2**, instead of L1: section 6 needs it.
# To fit a CPU lesson, the networks we train are narrower than the one above (`width=16`: 16, 32, 64, 128 and 256
# channels on the way down, so the bottleneck still holds 256 numbers); exercise 1's arithmetic works the same way.

# %%
steps = 10 if test_mode() else 150    # the same number of steps for every model of the lesson
cap = 10 if test_mode() else 60       # seconds: only a safety net for very slow machines
models, budget = {}, {}
for name, Model, loss in [("encoder-decoder (L1)", EncoderDecoderGenerator, "l1"), ("U-Net (L1)", UNetGenerator, "l1"),
                          ("U-Net (L2)", UNetGenerator, "l2")]:
    torch.manual_seed(0)
    models[name] = Model(in_channels=1, out_channels=1, width=16, depth=5)
    history = fit_l1(models[name], train_pairs.batches(batch_size=32, seed=0), steps=steps, seconds=cap, lr=1e-3,
                     loss=loss, progress=True)
    budget[name] = (len(history), history[-1]["time"])
    scores[name] = translation_scores(models[name], held_out)
    print(f"{name:22s} {len(history)} steps in {history[-1]['time']:.0f} s: "
          f"held-out L1 {scores[name]['l1']:.3f}, PSNR {scores[name]['psnr']:.2f} dB")
better = "U-Net (L1)" if scores["U-Net (L1)"]["l1"] < scores["encoder-decoder (L1)"]["l1"] else "encoder-decoder (L1)"
print(f"With the same loss (L1) and budget, the lower held-out L1 is the {better}'s.")

# %% [markdown]
# Why should the U-Net come out ahead of the encoder-decoder (the last line says whether it did here)? Its
# decoder gets the input's detail through the skips and only has to learn the *correction*, while the
# encoder-decoder has to redraw every digit from the 256 numbers of its bottleneck. With very short training the
# two can be close; the gap grows as they train.
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
# Now the discriminator's side. The library's `PatchDiscriminator(inputs, images)` stacks the pair itself;
# its `net` is the stack of convolutions that reads the stacked pair, one tensor of shape (N, C_in + C_out, H, W).
#
# **Exercise 6.** Write `pix2pix_discriminator_loss(D, inputs, targets, fakes)`, where `D` takes one stacked
# pair tensor and returns a grid of logits. Build the two pairs yourself, each joined along the channels with the
# input first: (input, target) is real, (input, fake) is fake. Return lesson 05's discriminator loss (binary
# cross-entropy with logits, label 1 for real and 0 for fake, each averaged over every patch, the two added),
# and keep the generator out of it.

# %%
def pix2pix_discriminator_loss(D, inputs, targets, fakes):
    """D's loss on (input, target) pairs (real) and (input, fake) pairs (fake); D reads (N, C_in + C_out, H, W)."""
    ### BEGIN STARTER
    return ____
    ### END STARTER
    ### BEGIN SOLUTION
    real_pairs = torch.cat([inputs, targets], dim=1)          # (N, C_in + C_out, H, W): a real translation
    fake_pairs = torch.cat([inputs, fakes.detach()], dim=1)   # detached: the D step trains D only
    real_logits, fake_logits = D(real_pairs), D(fake_pairs)   # (N, 1, h, w) each: one verdict per patch
    return (F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
            + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))
    ### END SOLUTION

# %%
q6.check()

# %% [markdown]
# Why give D the input at all? A D that sees only the output asks "is this a real digit?", and any sharp digit
# passes, even a 7 drawn for a blurry 1: only the L1 term would then tie the output to its input. Seeing the pair,
# D asks "is this a real translation *of this input*?"

# %% [markdown]
# ## 5. Training pix2pix on the CPU
#
# `Pix2PixTrainer` is the GANTrainer of lessons 06 and 08 with these losses (read its `judge` and
# `generator_loss` in `learntools/gans/training/pix2pix.py`: the steps themselves are GANTrainer's). The generator is a U-Net like the one above, the
# discriminator the PatchGAN. G's optimizer is exactly that of the pixel-loss U-Nets (Adam, learning rate 1e-3,
# betas (0.5, 0.999)), and it gets the same number of steps, so the adversarial term is the only difference;
# D learns at 5e-4. The live view
# shows the translations of a few held-out inputs as training goes on.

# %%
torch.manual_seed(0)
G = UNetGenerator(in_channels=1, out_channels=1, width=16, depth=5)
D = PatchDiscriminator(in_channels=2, width=32, n_down=2)
trainer = Pix2PixTrainer(
    G,
    D,
    data=train_pairs.batches(batch_size=32, seed=0),
    l1_weight=100.0,
    optimizers=AdamSettings(lr_g=1e-3, lr_d=5e-4, betas=(0.5, 0.999)),  # G: the pixel-loss models' settings
    sample_inputs=held_out.inputs[:64],
    seed=0,
)
trainer.fit(steps=steps, seconds=2 * cap, live=5);   # the same steps as the pixel-loss models (a step does more work)
models["pix2pix (U-Net + PatchGAN)"] = G
budget["pix2pix (U-Net + PatchGAN)"] = (trainer.steps_done, trainer.train_seconds)
scores["pix2pix (U-Net + PatchGAN)"] = translation_scores(G, held_out)
print(f"{trainer.steps_done} steps in {trainer.train_seconds:.0f} s on {trainer.device}.")

# %%
plot_losses(trainer.history, keys=("d_loss", "g_adversarial"), smooth=max(1, len(trainer.history) // 40),
            title="D loss and G's adversarial term")
plt.show()

# %% [markdown]
# ## 6. Input, output, target
#
# The held-out inputs, what the three U-Nets make of them (trained on L2, on L1, and pix2pix's adversarial + L1),
# and the real digits:

# %%
examples = slice(0, 10)
row_names = ["input", "U-Net, L2", "U-Net, L1", "pix2pix", "target"]
fig, ax = plt.subplots(figsize=(10, 5.6), layout="constrained")
rows = [held_out.inputs[examples], translate(models["U-Net (L2)"], held_out.inputs[examples]),
        translate(models["U-Net (L1)"], held_out.inputs[examples]), translate(G, held_out.inputs[examples]),
        held_out.targets[examples]]
show_images(torch.cat(rows), nrow=10, ax=ax)
ax.set_axis_on()
ax.set_xticks([])
ax.set_yticks([ax.get_ylim()[0] * (k + 0.5) / len(rows) for k in range(len(rows))], row_names)
ax.tick_params(left=False)
for side in ax.spines.values():
    side.set_visible(False)
plt.show()

# %% [markdown]
# (`show_translations(inputs, outputs, targets)` draws the three-row version of this picture for any model.)
#
# ## 7. Measuring the result
#
# **Exercise 7.** Write `psnr(output, target)` for batches of images in [−1, 1]: per image,
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
q7.check()

# %% [markdown]
# All the figures on the 1,000 held-out pairs (the library's `translation_scores` uses the same PSNR as your
# q7). L1 and PSNR compare each output with *its* target, pixel by pixel. Two more columns ask whether the
# outputs look like real digits at all:
#
# - the **Fréchet distance** (lesson 06) between the outputs and the real held-out digits, in the feature space
#   of the course's digit classifier: it compares the two *sets* of images, not pairs (lower is better; two sets
#   of real digits score about 2);
# - how often that classifier reads each output as the digit that was shrunk.

# %%
from learntools.gans.evaluation import classifier_probabilities, frechet_distance

_, held_out_labels = make_pairs("test", return_labels=True)


def read_correctly(images):
    """The fraction of images the digit classifier reads as the held-out digit's label."""
    return (classifier_probabilities(images.clamp(-1, 1)).argmax(dim=1) == held_out_labels).float().mean().item()


outputs = {name: translate(model, held_out.inputs).clamp(-1, 1) for name, model in models.items()}
realism = {name: frechet_distance(outputs.get(name, held_out.inputs), held_out.targets) for name in scores}
print(f"{'':28s}{'steps':>6s}{'seconds':>8s}{'L1':>7s}{'PSNR (dB)':>10s}{'Fréchet':>9s}{'read right':>11s}")
for name, figures in scores.items():
    done, seconds = (f"{budget[name][0]:6d}", f"{budget[name][1]:8.0f}") if name in budget else ("", "")
    print(f"{name:28s}{done:>6s}{seconds:>8s}{figures['l1']:7.3f}{figures['psnr']:10.2f}{realism[name]:9.1f}"
          f"{read_correctly(outputs.get(name, held_out.inputs)):11.1%}")
print(f"{'real digits (other split)':28s}{'':6s}{'':8s}{'-':>7s}{'-':>10s}{frechet_distance('train', held_out.targets):9.1f}"
      f"{read_correctly(held_out.targets):11.1%}  (the targets themselves for 'read right')")
trained = [name for name in scores if name in models]
print(f"Among the trained models: lowest L1 {min(trained, key=lambda n: scores[n]['l1'])}; "
      f"highest PSNR {max(trained, key=lambda n: scores[n]['psnr'])}; "
      f"lowest Fréchet distance {min(trained, key=lambda n: realism[n])}.")

# %% [markdown]
# Read the table column by column. Each pixel loss is a bet on one column: L2 minimises the squared error, and
# PSNR is nothing but the squared error in decibels; L1 minimises the L1 column. So at an equal budget the L2 U-Net
# should be at or near the top on PSNR, the L1 U-Net on L1 (with runs this short, check the printed winners).
# Neither pixel loss asks whether an output is *one* plausible digit. The adversarial term does, and its gain, if
# any, shows in the two right-hand columns and in the pictures above, not in the pixel columns.
#
# Which single answer does a per-pixel loss prefer, when many sharp digits fit the same blurry input? Under the
# squared error (and so under PSNR) it is their per-pixel **mean**: grey wherever they disagree, and that is where
# the blur usually blamed on pixel losses comes from. Under L1 it is their per-pixel **median**. A digit's pixels
# are nearly all ink or paper, so the median is nearly all ink or paper too: crisp, not grey. But it is a vote
# taken pixel by pixel, so it can thin or break the strokes the candidates disagree on, and it need not be any
# one digit that fits.
#
# **Exercise 8 (thought question).** Look at your table and the pictures. Which model is best on PSNR, which on
# L1, and which has the lowest Fréchet distance? Explain why a per-pixel loss and the Fréchet distance can rank the
# same outputs differently, and what λ (the weight of L1 in pix2pix's loss) trades.

# %% [markdown] tags=["answer:q8"]
# Read the winners from the printed line under the table: the answer depends on the run. What to expect, and why:
# a 4×4 input fits many sharp digits, and a per-pixel loss picks one value for each pixel. The squared error (and
# so PSNR, which is the squared error in decibels) is lowest for the per-pixel **mean** of the plausible digits,
# grey wherever they disagree: the L2 U-Net is the one trained for that column, and its row in the picture is the
# greyest. L1 is lowest for the per-pixel **median**, crisper for near-binary digits but a pixel-by-pixel vote that
# can thin or break strokes. Both reward staying close to *this* target pixel by pixel. The Fréchet distance
# instead compares the *set* of outputs with the set of real digits: grey, averaged strokes are unlike any real
# digit and score badly even when each one is close to its target on average. The adversarial term rewards outputs
# the PatchGAN can't tell from real pairs: committed strokes, which cost per-pixel error whenever they commit to
# the wrong place. So a model can be worse per pixel and better on the Fréchet distance, or (after too little
# training for D to teach G much) show no gain at all. λ trades faithfulness (large λ: close to the target pixel
# by pixel, towards the L1 row) against realism (small λ: free to commit to one plausible digit, and to
# hallucinate detail that isn't in the input).

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
# - The generator's loss is **adversarial + λ·L1** with λ = 100. The D it plays against is **conditioned on the
#   input**: it judges (input, output) pairs, so a sharp digit that isn't *this* input's translation is caught.
# - Per-pixel scores (L1, PSNR) reward the mean or median of the plausible answers; a realism score (the Fréchet
#   distance of the outputs) asks whether they look like real digits. Report both, at the same training budget.
# - Measure on held-out pairs, against the **trivial baseline** (the input itself, the bicubic upsample).
#
# Next: **10 · What next**: unpaired translation (CycleGAN), bigger networks, and the ethics of generated media.
