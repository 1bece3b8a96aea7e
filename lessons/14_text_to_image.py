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
# # 14 · Text to image: "a thick slanted seven"
#
# StackGAN (Zhang et al., 2017) and, before it, Reed et al. (2016, "Generative Adversarial Text to Image
# Synthesis") turn a sentence such as *"this bird is blue with white on its wings"* into a picture. Lesson 08's
# conditional GAN took a label; here the condition is a short sentence, and the sentence says more than the
# label: how the strokes look. At digit scale:
#
# 1. **Captions from pixels.** You measure two properties of every training digit, stroke thickness and slant,
#    and the library turns them into captions such as "a thick seven" or "a thin slanted two".
# 2. **A text-conditional GAN.** The caption becomes a bag of word embeddings, learned with the GAN, and goes
#    to both networks: G(z, text) and D(x, text).
# 3. **The matching-aware discriminator** (Reed et al.'s GAN-CLS): D also sees real images with *wrong*
#    captions and must call them fake. You write the wrong captions and D's loss.
# 4. **Measuring** whether the digit and the strokes follow the caption, with and without GAN-CLS, over three
#    seeds.
#
# Each exercise has a check. Run `q1.check()` after answering; `q1.hint()`, `q1.hint(2)` and
# `q1.solution()` help when you are stuck.

# %%
# Set up the lesson: the checks (q1, q2, ...), the digits, and the blank ____ you will fill in.
from learntools.core import binder; binder.bind(globals())
from learntools.gans.ex14 import *

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F

from learntools.core import test_mode
from learntools.gans.data import Batches, load_mnist, thicken
from learntools.gans.data import captions as captioning
from learntools.gans.data.captions import caption_digits, encode_captions, outline_length
from learntools.gans.display import show_images
from learntools.gans.evaluation.text import caption_agreement
from learntools.gans.experiments import text_runs
from learntools.gans.models.text import TextDiscriminator, TextGenerator
from learntools.gans.training import AdamSettings, gaussian_noise
from learntools.gans.training.text import TextGANTrainer

images, labels = load_mnist("train")  # 4,000 real digits (4000, 1, 28, 28) in [-1, 1], and their labels (4000,)
print(f"Setup complete: {len(images)} training digits" + (" (test mode: short runs)." if test_mode() else "."))

# %% [markdown]
# ## 1. Measuring a stroke: thickness
#
# A caption can only say "thick" if thickness is something we can measure. The images are in [-1, 1]: the
# background is −1 and a full stroke +1. First turn them into **ink**, (x + 1) / 2: 0 on the background, 1 on
# a stroke, in between on a stroke's soft edge. Then two sums:
#
# - the **area** of the ink: the sum of its pixels;
# - the **outline length**: how much the ink changes from each pixel to its right and lower neighbours,
#   summed (`outline_length(ink)`, given: a sharp edge of length L adds L).
#
# A stroke w pixels wide and L long has area w·L and an outline of about 2L (down one side, up the other), so
#
# $$\text{thickness} = \frac{2 \cdot \text{area}}{\text{outline length}} \approx w \text{ pixels.}$$
#
# **Exercise 1.** Write `stroke_thickness(images)`: images (N, 1, H, W) in [-1, 1] to one thickness per image,
# shape (N,).

# %%
def stroke_thickness(images):
    """Mean stroke width in pixels, 2 * ink area / outline length: (N, 1, H, W) in [-1, 1] -> (N,)."""
    ### BEGIN STARTER
    return ____
    ### END STARTER
    ### BEGIN SOLUTION
    ink = (images + 1) / 2                     # (N, 1, H, W): 0 background, 1 full stroke
    area = ink.sum(dim=(1, 2, 3))              # (N,)
    return 2 * area / outline_length(ink)      # (N,) pixels
    ### END SOLUTION

# %%
q1.check()

# %% [markdown]
# Is it a measure of thickness? Two tests with the library's copy of the measure
# (`learntools.gans.data.captions.stroke_thickness`): a bar drawn 1 to 5 pixels wide must measure about its
# width, and `thicken` (lesson 10's dilation, one pixel more on every side) must make every digit measure
# thicker.

# %%
for width in [1, 2, 3, 4, 5]:
    bar = -torch.ones(1, 1, 28, 28)
    bar[..., 4:24, 12:12 + width] = 1.0                       # a bar `width` wide and 20 tall
    print(f"a bar {width} pixel(s) wide measures {captioning.stroke_thickness(bar).item():.2f}")
before, after = captioning.stroke_thickness(images), captioning.stroke_thickness(thicken(images))
print(f"thicken(): thicker for {(after > before).float().mean():.1%} of the {len(images)} digits; "
      f"mean thickness {before.mean():.2f} -> {after.mean():.2f} pixels")

# %% [markdown]
# The outline of a bar also runs across its two ends, so a bar measures a little under its width (2wL over
# 2L + 2w); a digit's strokes are long against their width, and the measure reads their width closely.
#
# ## 2. Measuring a stroke: slant
#
# A digit leans when its ink moves right as it goes up. The **second moments** of the ink measure that. Treat
# the ink as weights on the pixels (each pixel's share of the image's ink), with x the column (growing to the
# right) and y pointing **up**. Row numbers grow *downwards*, so y = −row. Then
#
# $$\text{slant} = \frac{\operatorname{cov}(x, y)}{\operatorname{var}(y)}
#   = \frac{\sum w\,(x - \bar x)(y - \bar y)}{\sum w\,(y - \bar y)^2},$$
#
# the slope of the best line x = a + slant·y through the ink: how many pixels the ink moves right per pixel it
# rises. 0 is upright, positive leans right like "/", negative like "\\".
#
# **Exercise 2.** Write `stroke_slant(images)`: (N, 1, H, W) in [-1, 1] to one slant per image, (N,). The grids
# `x` and `y` are made for you.

# %%
def stroke_slant(images):
    """How far the ink leans right per pixel it rises, cov(x, y) / var(y) weighted by ink: (N, 1, H, W) -> (N,)."""
    height, width = images.shape[-2:]
    y = -torch.arange(height, dtype=images.dtype)[:, None]    # (H, 1): y counts rows upwards
    x = torch.arange(width, dtype=images.dtype)[None, :]      # (1, W): x counts columns to the right
    ### BEGIN STARTER
    return ____
    ### END STARTER
    ### BEGIN SOLUTION
    ink = (images + 1) / 2                                     # (N, 1, H, W)
    w = ink / ink.sum(dim=(1, 2, 3), keepdim=True)             # each pixel's share of the ink
    mean_x = (w * x).sum(dim=(1, 2, 3), keepdim=True)          # (N, 1, 1, 1)
    mean_y = (w * y).sum(dim=(1, 2, 3), keepdim=True)
    cov_xy = (w * (x - mean_x) * (y - mean_y)).sum(dim=(1, 2, 3))  # (N,)
    var_y = (w * (y - mean_y) ** 2).sum(dim=(1, 2, 3))             # (N,)
    return cov_xy / var_y
    ### END SOLUTION

# %%
q2.check()

# %% [markdown]
# The test for slant: **shear** the digits, moving every row k pixels to the right per pixel above the
# centre. A shear adds k to cov(x, y) / var(y) exactly (x becomes x + k·y), so the measured slant should rise by
# about k (the grid's edges and resampling blur it a little).

# %%
def shear(images, k):
    """Move each row k pixels right per pixel it lies above the centre (bilinear resampling)."""
    theta = torch.tensor([[1.0, k, 0.0], [0.0, 1.0, 0.0]]).expand(len(images), 2, 3)  # x_in = x_out + k * y_down
    grid = F.affine_grid(theta, list(images.shape), align_corners=False)
    return F.grid_sample(images + 1, grid, align_corners=False) - 1                   # pad with background


sample = images[:500]
for k in [-0.3, 0.2, 0.4]:
    change = captioning.stroke_slant(shear(sample, k)) - captioning.stroke_slant(sample)
    print(f"shear by {k:+.1f}: the measured slant changes by {change.mean():+.3f} on average "
          f"(spread ±{change.std():.3f})")

# %% [markdown]
# ## 3. Captions
#
# The library's `caption_digits(images, labels)` measures every training digit with these two measures and
# words the outer thirds: the thinnest third of the digits is "thin", the thickest third "thick", the third
# that leans least "upright", the third that leans most "slanted"; a digit in a middle third gets no word for
# it. The thresholds come from the data's own quantiles (1/3 and 2/3). A caption is then three word numbers:
# the digit, the thickness word (or 0, "no word"), the slant word (or 0).

# %%
captions = caption_digits(images, labels)
t = captions.thresholds
print(f"thin below {t.thin:.2f} px, thick above {t.thick:.2f} px; upright below {t.upright:+.3f}, "
      f"slanted above {t.slanted:+.3f}")
print(f"{len(set(captions.texts))} different captions; the vocabulary: {', '.join(captioning.VOCABULARY[1:])}")
print("tokens of the first three:", captions.tokens[:3].tolist())
fig, axes = plt.subplots(2, 8, figsize=(14, 4.2), layout="constrained")
for ax, image, text in zip(axes.flat, images[:16], captions.texts[:16]):
    ax.imshow(image[0], cmap="gray", vmin=-1, vmax=1)
    ax.set_title(text, fontsize=8)
    ax.set_axis_off()
plt.show()

# %% [markdown]
# ## 4. A caption as a bag of words
#
# Reed et al. feed their sentences through a pre-trained character-level encoder. Our sentences have three
# words from a vocabulary of 15, so something simpler is enough: each word gets a learned vector of 16 numbers
# (an `nn.Embedding`), and the caption is the **mean of its words' vectors** (word order is ignored: a bag of
# words). `nn.EmbeddingBag(mode="mean", padding_idx=0)` does the look-up and the mean in one step and leaves
# out the "no word" 0. The vectors are trained with the GAN: G's own encoder by G's loss, D's by D's.
#
# - G(z, text): the caption's vector is appended to the noise, as in lesson 08 (and in Reed et al.);
# - D(x, text): the image is read alone first, then its features meet the caption's vector (Reed et al. join
#   them after the convolutions), and the rest judges the pair.
#
# Both are small MLPs (`learntools/gans/models/text.py`), so that a run takes about a minute on a CPU.

# %%
G = TextGenerator(z_dim=32)
D = TextDiscriminator()
tokens = encode_captions(["a thick seven", "a thin slanted two"])   # (2, 3)
print("tokens:", tokens.tolist(), "-> G's caption vectors", tuple(G.text(tokens).shape))
fake = G(torch.randn(2, 32), tokens)
print("G(z, text):", tuple(fake.shape), "  D(x, text):", tuple(D(fake, tokens).shape))

# %% [markdown]
# ## 5. The matching-aware discriminator (GAN-CLS)
#
# A conditional D as in lesson 08 sees two kinds of pairs: (real image, its caption), to call real, and
# (fake image, the caption it was made for), to call fake. Reed et al. point out that such a D must separate
# two sources of error at once: unrealistic images, and realistic images that do not fit their text. It is
# never *shown* a realistic image with the wrong text, so it never learns to reject one. GAN-CLS adds a third
# kind of pair:
#
# | pair | D should say |
# | --- | --- |
# | real image, right caption | real |
# | real image, **wrong** caption | fake |
# | fake image, right caption | fake |
#
# and Reed et al.'s Algorithm 1 weighs the two "fake" kinds **half each**:
#
# $$L_D = -\log D(x, t) - \tfrac12\Big(\log\big(1 - D(x, \hat t)\big) + \log\big(1 - D(G(z, t), t)\big)\Big)$$
#
# (with every logit 0, this is 2 ln 2, like lesson 05's D loss). G's loss does not change: −log D(G(z, t), t).
#
# The wrong caption t̂ is another example's caption. **Exercise 3.** Write `wrong_captions(tokens)`: for a batch
# of captions (N, 3), return for every row the caption of another row of the batch that *differs* from its own.
# Careful: batches hold repeated captions ("a one" is common), and a shuffle can hand a row its own caption back.

# %%
def wrong_captions(tokens):
    """For every row of tokens (N, 3), another row's caption that differs from its own: (N, 3)."""
    ### BEGIN STARTER
    return ____
    ### END STARTER
    ### BEGIN SOLUTION
    differs = (tokens[:, None, :] != tokens[None, :, :]).any(dim=2).float()  # (N, N): 1 where captions differ
    chosen = torch.multinomial(differs, 1).squeeze(1)                          # (N,) one differing row each
    return tokens[chosen]                                                      # (N, 3)
    ### END SOLUTION

# %%
q3.check()

# %% [markdown]
# **Exercise 4.** Write the matching-aware discriminator loss `gan_cls_d_loss(D, G, real, captions, wrong, z)`.
# `D(images, captions)` returns logits (N, 1); −log D is `F.softplus(-logits)` and −log(1 − D) is
# `F.softplus(logits)` (averaged over the batch). Make the fakes for the right captions, and detach them.

# %%
def gan_cls_d_loss(D, G, real, captions, wrong, z):
    """GAN-CLS's D loss: (real, captions) -> real; (real, wrong) and (G(z, captions), captions) -> fake, half each."""
    ### BEGIN STARTER
    fake = ____                                # G's images for the right captions, detached
    return ____
    ### END STARTER
    ### BEGIN SOLUTION
    fake = G(z, captions).detach()                          # (N, 1, 28, 28), the D step must not train G
    real_part = F.softplus(-D(real, captions)).mean()       # -log D(x, t)
    wrong_part = F.softplus(D(real, wrong)).mean()          # -log(1 - D(x, t_wrong))
    fake_part = F.softplus(D(fake, captions)).mean()        # -log(1 - D(G(z, t), t))
    return real_part + (wrong_part + fake_part) / 2
    ### END SOLUTION

# %%
q4.check()

# %% [markdown]
# ## 6. Training, live
#
# `TextGANTrainer` (`learntools/gans/training/text.py`) is lesson 06's trainer with captions: its steps are
# `GANTrainer`'s own, and it replaces only the hooks, as lesson 08's conditional trainer does: the batch carries
# the captions (and, with `matching_aware=True`, a set of wrong ones drawn like your q3), G and D are called
# with them, and `discriminator_loss` adds the mismatched pairs (your q4). A short run, for the mechanics:

# %%
torch.manual_seed(0)
live = TextGANTrainer(TextGenerator(z_dim=32), TextDiscriminator(),
                      Batches(images, captions.tokens, batch_size=64, seed=0), gaussian_noise(32),
                      matching_aware=True, optimizers=AdamSettings(lr_g=5e-4, lr_d=5e-4, betas=(0.5, 0.999)), seed=0)
live.fit(steps=20 if test_mode() else 1000, seconds=90, progress=False)
print(f"{live.steps_done} steps in {live.train_seconds:.0f} s; last D loss {live.history[-1]['d_loss']:.3f}, "
      f"mean logit on (real, wrong caption) pairs {live.history[-1]['mismatch_logit']:+.2f}")

asked = ["a thin seven", "a thick seven", "an upright seven", "a slanted seven",
         "a thin two", "a thick two", "an upright two", "a slanted two"]
samples = live.sample(tokens=encode_captions([text for text in asked for _ in range(6)]), seed=3)  # (48, 1, 28, 28)
show_images(samples, nrow=6, title="six noise vectors (columns) per caption (rows)")
plt.show()
print("rows, top to bottom:", "; ".join(asked))

# %% [markdown]
# ## 7. With and without the mismatched pairs
#
# Does the third kind of pair matter? The script `learntools/gans/experiments/text_runs.py` trained this GAN
# six times beforehand (`python -m learntools.gans.experiments.text_runs` makes them again in a few
# minutes): with GAN-CLS and without it (a plain conditional D), each from three seeds, all else equal. Then it
# asked every trained G for every digit with four captions ("a thin / thick / upright / slanted seven"), the
# same 50 noise vectors for each, and measured:
#
# - **digit**: the fraction the course's independent digit judge (lesson 10) reads as the digit asked for;
# - **thick order**: the fraction of noise vectors whose "thick" image measures thicker than its "thin" one
#   (chance 50%); **slant order** the same for "slanted" against "upright";
# - **thick third**, **slant third**: the fraction of images whose measure lies in the third of the real
#   digits that the word names (about a third by chance).

# %%
shipped = text_runs.load()
names = [str(n) for n in shipped["figures_names"]]
print(f"{'':16s}" + "".join(f"{n:>17s}" for n in names))
for v, variant in enumerate(shipped["variants"]):
    figures = shipped["figures"][v]                                     # (seeds, 5)
    cells = [f"{100 * m:6.1f}% ± {100 * s:4.1f}" for m, s in zip(figures.mean(axis=0), figures.std(axis=0))]
    print(f"{str(variant):16s}" + "".join(f"{c:>17s}" for c in cells))
print(f"mean ± standard deviation over seeds {shipped['seeds'].tolist()}, {int(shipped['steps'])} steps each")
with_cls, plain = shipped["figures"][0], shipped["figures"][1]
print(f"digit match: with GAN-CLS {with_cls[:, 0].min():.1%} to {with_cls[:, 0].max():.1%} over the seeds; "
      f"without {plain[:, 0].min():.1%} to {plain[:, 0].max():.1%} (chance 10%)")

# %%
fig, axes = plt.subplots(1, 2, figsize=(13, 5.6), layout="constrained")
for ax, v in zip(axes, range(len(shipped["variants"]))):
    grid = torch.from_numpy(shipped["grids"][v]).float().div(127.5).sub(1).unsqueeze(1)  # (120, 1, 28, 28)
    show_images(grid, nrow=10, ax=ax, title=f"{shipped['variants'][v]} (seed 0)\ncolumns: 0-9; rows: "
                                            "3 noise vectors each for thin, thick, upright, slanted")
plt.show()
for v, variant in enumerate(shipped["variants"]):
    grid = torch.from_numpy(shipped["grids"][v]).float().div(127.5).sub(1).unsqueeze(1)   # (120, 1, 28, 28)
    per_word = captioning.stroke_thickness(grid).view(4, -1).mean(dim=1)                  # (4,) rows of each word
    print(f"{variant}: mean thickness of the 'thin' rows {per_word[0]:.2f} px, of the 'thick' rows "
          f"{per_word[1]:.2f} px (the real digits' thick third starts at {t.thick:.2f} px)")
    same_caption = grid.view(4, 3, 10, 28 * 28)                                           # (word, noise, digit, pixels)
    spread = (same_caption[:, :, None] - same_caption[:, None]).abs().mean(dim=-1).sum() / (4 * 10 * 6)
    print(f"{variant}: two noise vectors, same caption: images differ by {spread:.3f} per pixel on average")
real_pairs = [(images[labels == d][:50] - images[labels == d][50:100]).abs().mean().item() for d in range(10)]
print(f"two real digits of the same class differ by {np.mean(real_pairs):.3f} per pixel on average")

# %% [markdown]
# Read the table, then the pictures. Every row of a picture asks for the digits 0 to 9 in order, with one word
# and one noise vector; the four blocks of three rows are "thin", "thick", "upright", "slanted". Compare the
# three rows of a block, too: they share the caption and differ only in the noise, and the printed per-pixel
# differences say how much the noise still changes; against two real digits of a class, little. These short
# MLP runs let the caption decide nearly everything: a partial mode collapse within each caption (lesson 06),
# which a bigger network and a longer run would have to fix.
#
# **Exercise 5 (thought question).** What goes wrong without the mismatched pairs, in the table and in the
# pictures? Explain it from what the plain discriminator sees: which pairs would it have to reject for G to
# learn the digit word, and does it ever see one?

# %% [markdown] tags=["answer:q5"]
# Without the mismatched pairs the digit word is lost. The judge reads the asked-for digit hardly more often
# than chance (the table's digit column), against most of the time with GAN-CLS, and in the plain run's
# picture the columns do not follow the digits 0 to 9: blotches, and ones. The other words still do
# something: for most noise vectors the "thick" image measures thicker than the "thin" one, and the slanted
# rows lean. (Both variants score near 50% on "thick third": their "thick" strokes measure thinner than the
# real digits' thick third, as the printed thicknesses show; the speckles around the strokes add outline.)
#
# Why: among the real images, the plain D only ever sees right pairs, (real image, its caption). It is never
# shown a realistic image with the wrong text, so nothing in its loss rewards checking that the digit in the
# image is the digit in the caption: it can do well by judging realism alone, and a fake "two" asked to be a
# "seven" is rejected only as far as it looks fake. Reed et al. put it this way: D must separate two sources of
# error (unrealistic images, and realistic images that do not fit their text) while it is shown examples of
# only the first. A plain D *can* learn the match (lesson 08's did, with the label planes at its input), but
# nothing asks it to, and in these runs, with the caption joined after the image's first layer, it did not.
# The (real image, wrong caption) pairs ask for it directly: a perfect real digit with the wrong text must be
# called fake, so D's verdict has to depend on the match, and G can then only fool D by drawing what the
# caption says.

# %% [markdown]
# ## Summary
#
# - Captions can be built from the data: a label plus properties **measured** on the pixels (thickness as
#   2·area / outline, slant as cov(x, y) / var(y) of the ink with y pointing up), worded by the data's own
#   quantiles. Test a measure on cases whose answer you know (bars, `thicken`, a shear).
# - A short caption can be a **bag of word embeddings**, learned with the GAN, fed to G beside the noise and to
#   D beside the image features.
# - GAN-CLS's **matching-aware** D also scores (real image, wrong caption) as fake, with the two fake kinds
#   weighted half each; the wrong caption must really differ from the right one.
# - Measure what the caption asks: the digit (an independent judge), and the strokes (the same measures),
#   over several seeds, with and without the change.
#
# Next: StackGAN stacks a second GAN that refines the first one's 64×64 images to 256×256, conditioned on the
# same text; modern text-to-image models replace the GAN with diffusion, but the matching problem (does the
# image fit the text?) stays, and is measured the same way.
