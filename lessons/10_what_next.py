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
# # 10 · What next: CycleGAN, super-resolution, bigger networks, and responsibility
#
# You can now build, train and measure a GAN, condition it on a label and translate images with pix2pix.
# This lesson, the last of the core course, opens four doors (the labs, lessons 11 to 15, come after it):
#
# 1. **unpaired translation** with CycleGAN (Zhu, Park, Isola & Efros, 2017): translating between two piles of
#    images that come without pairs, trained here on your CPU in under a minute;
# 2. **super-resolution** the SRGAN way (Ledig et al., 2017): work at low resolution, upsample at the end, and
#    judge the result with a network's eyes, compared with bicubic upsampling;
# 3. **bigger networks**: the ideas behind progressive growing (ProGAN) and StyleGAN, what changes on a GPU,
#    and how to train on several GPUs with `torchrun`;
# 4. **responsibility**: deepfakes and consent, provenance and detection, bias in generated data.
#
# Each exercise has a check. Run `q1.check()` after answering; `q1.hint()`, `q1.hint(2)` and
# `q1.solution()` help when you are stuck.

# %%
# Set up the lesson: the checks (q1, q2, ...) and the blank ____ you will fill in.
from learntools.core import binder; binder.bind(globals())
from learntools.gans.ex10 import *

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F

from learntools.core import test_mode
from learntools.gans.data import thin_thick_digits
from learntools.gans.display import plot_losses, show_cycle, show_images, show_translations
from learntools.gans.evaluation import cycle_scores, translate
from learntools.gans.models import CycleDiscriminators, CycleGenerators, ImagePatchDiscriminator, ResnetGenerator
from learntools.gans.training import AdamSettings, CycleGANTrainer

torch.set_num_threads(1)  # small networks: one CPU thread is fastest on a shared machine (no effect on a GPU)
device = "cuda" if torch.cuda.is_available() else "cpu"

domains = thin_thick_digits("train")  # unpaired: 2,000 digits (A) and 2,000 *other* digits with thick strokes (B)
held_out = thin_thick_digits("test")  # 1,000 held-out digits (A) and their true thickening (B): for measuring only
print(f"Setup complete: domain A {tuple(domains.a.shape)}, domain B {tuple(domains.b.shape)}, running on {device}"
      + (" (test mode: short training runs)." if test_mode() else "."))

# %% [markdown]
# ## 1. Unpaired translation: CycleGAN
#
# pix2pix learned from **pairs**: this blurry digit, that sharp one. For most translations nobody has pairs.
# There are photos and there are Monet paintings, but no painting of each photo; there are horses and zebras,
# but no zebra standing exactly where each horse stood. CycleGAN learns from two **unpaired** piles of images,
# domain A and domain B, with two generators and two discriminators:
#
# - **G_AB** translates A → B, and **D_B** judges "is this a real B?";
# - **G_BA** translates B → A, and **D_A** judges "is this a real A?".
#
# Our two domains come from real MNIST digits: A holds digits as they were written, B holds *other* digits
# whose strokes were thickened by a pixel (`thicken`, a max-filter). No digit appears in both, so there is
# nothing to pair: the model has to discover "thicker strokes" from the two piles alone.

# %%
fig, (ax_a, ax_b) = plt.subplots(1, 2, figsize=(11, 2.6), layout="constrained")
show_images(domains.a[:16], nrow=8, ax=ax_a, title="domain A: digits as written")
show_images(domains.b[:16], nrow=8, ax=ax_b, title="domain B: other digits, thick strokes")
plt.show()

# %% [markdown]
# The adversarial losses alone are not enough. D_B only asks whether G_AB's output looks like *some* thick
# digit, so G_AB could turn every 3 into a thick 8 and D_B would be satisfied. CycleGAN ties each translation to
# its input with a second loss, **cycle consistency**: there and back again should give the input back,
#
# G_BA(G_AB(a)) ≈ a    and    G_AB(G_BA(b)) ≈ b,
#
# measured with L1 (the mean absolute difference) and weighted by **λ = 10** in the paper.
#
# **Exercise 1.** Write `cycle_consistency_loss(G_AB, G_BA, real_a, real_b, weight=10.0)`: weight × (the L1
# of the A → B → A round trip + the L1 of the B → A → B round trip). Return the loss as a tensor, so that
# backward() can train both generators through it. The check calls your function with two stand-in generators
# (tiny functions with two parameters each) and compares values and gradients.

# %%
def cycle_consistency_loss(G_AB, G_BA, real_a, real_b, weight=10.0):
    """weight * (mean |G_BA(G_AB(a)) - a| + mean |G_AB(G_BA(b)) - b|)."""
    ### BEGIN STARTER
    return ____
    ### END STARTER
    ### BEGIN SOLUTION
    reconstructed_a = G_BA(G_AB(real_a))  # A -> B -> A
    reconstructed_b = G_AB(G_BA(real_b))  # B -> A -> B
    return weight * ((reconstructed_a - real_a).abs().mean() + (reconstructed_b - real_b).abs().mean())
    ### END SOLUTION

# %%
q1.check()

# %% [markdown]
# The paper adds a third term for translations that should keep colours and tones, the **identity loss**: an
# image that is *already* in the target domain should pass through unchanged, G_AB(b) ≈ b and G_BA(a) ≈ a.
# Without it, a generator is free to change whatever the discriminator doesn't care about. Its weight is
# 0.5 × λ = 5.
#
# **Exercise 2.** Write `identity_loss(G_AB, G_BA, real_a, real_b, weight=5.0)`.

# %%
def identity_loss(G_AB, G_BA, real_a, real_b, weight=5.0):
    """weight * (mean |G_AB(b) - b| + mean |G_BA(a) - a|)."""
    ### BEGIN STARTER
    return ____
    ### END STARTER
    ### BEGIN SOLUTION
    same_b = G_AB(real_b)  # already in B: should come out unchanged
    same_a = G_BA(real_a)  # already in A
    return weight * ((same_b - real_b).abs().mean() + (same_a - real_a).abs().mean())
    ### END SOLUTION

# %%
q2.check()

# %% [markdown]
# ### The image pool
#
# A GAN's discriminator only ever sees the generator's *latest* fakes, so the two can chase each other in
# circles: D learns to spot today's trick, G switches to another, D forgets the first. Shrivastava et al.
# (2017) gave the discriminator a **history** of generated images, and CycleGAN does the same with a pool of
# 50: for each new fake,
#
# - while the pool is not full, store a copy and hand the new image to D;
# - once it is full, toss a coin: heads (probability 0.5), hand D a random *stored* image and put the new one
#   in its place; tails, hand D the new image.
#
# **Exercise 3.** Complete `ImagePool.query`. Store copies that are detached from the generator's graph
# (`image.detach().clone()`): a stored image that shares memory with the batch would change when the batch
# changes, and one that carries a graph keeps a whole training step in memory. Draw every random number from
# the pool's own `self.generator`, so that a pool made with the same seed behaves the same way. A pool of size 0
# is switched off: it returns `images` as they are.

# %%
class ImagePool:
    """A history of up to `size` generated images for the discriminator."""

    def __init__(self, size=50, seed=0):
        self.size = size
        self.images = []                                      # the stored images, each (C, H, W)
        self.generator = torch.Generator().manual_seed(seed)  # the pool's own random numbers

    def query(self, images):
        """images (N, C, H, W) -> a batch (N, C, H, W) for the discriminator: new images, or stored ones."""
        ### BEGIN STARTER
        return ____
        ### END STARTER
        ### BEGIN SOLUTION
        if self.size == 0:
            return images
        returned = []
        for image in images.detach():                              # image: (C, H, W)
            if len(self.images) < self.size:                       # filling: keep a copy, hand back the new one
                self.images.append(image.clone())
                returned.append(image)
            elif torch.rand((), generator=self.generator) < 0.5:   # heads: swap with a stored image
                index = int(torch.randint(len(self.images), (), generator=self.generator))
                returned.append(self.images[index])
                self.images[index] = image.clone()
            else:                                                  # tails: the new image itself
                returned.append(image)
        return torch.stack(returned)                               # (N, C, H, W)
        ### END SOLUTION

# %%
q3.check()

# %% [markdown]
# ### Training
#
# `CycleGANTrainer` (in `learntools/gans/training/cyclegan.py`) is the GANTrainer of lesson 06 with these pieces. One
# step, as in the paper:
#
# - **generator step**: one forward of both generators makes the translations, the round trips and the
#   identities; the loss is the adversarial loss of both translations (least-squares, as in the paper) +
#   your cycle loss + your identity loss; both generators are updated;
# - **discriminator step**: D_A judges real A images against fake ones *from its image pool*, D_B the same for
#   B; both discriminators are updated.
#
# The generators are small ResNet-style networks (CycleGAN's design, shrunk for 28×28: a 7×7 convolution, one
# stride-2 convolution, two residual blocks at 14×14, one transposed convolution back up), the discriminators
# pix2pix's PatchGAN, judging a single image. First, what the untrained generators do to some held-out digits,
# and the number that will show whether the cycle works: the **reconstruction error**, the mean
# |G_BA(G_AB(a)) − a| over the 1,000 held-out digits (on the [−1, 1] pixel scale: 0 is perfect).

# %%
torch.manual_seed(0)
generators = CycleGenerators(ResnetGenerator(width=8, n_blocks=2), ResnetGenerator(width=8, n_blocks=2))
discriminators = CycleDiscriminators(ImagePatchDiscriminator(width=16), ImagePatchDiscriminator(width=16))
trainer = CycleGANTrainer(
    generators,
    discriminators,
    data=domains.batches(batch_size=16, seed=0),
    cycle_weight=10.0,    # λ
    identity_weight=5.0,  # 0.5 λ
    pool_size=50,
    optimizers=AdamSettings(lr_g=5e-4, lr_d=5e-4, betas=(0.5, 0.999)),
    sample_inputs=held_out.a[:64],
    seed=0,
)
before = cycle_scores(generators, held_out)
print(f"reconstruction error before training: {before['reconstruction_a']:.3f}")
show_cycle(generators, held_out.a, n=10, titles=("A (input)", "G_AB(a), untrained", "G_BA(G_AB(a))"))
plt.show()

# %% [markdown]
# Noise, as expected. Train for well under a minute (on a GPU, seconds). The live view shows G_AB's translations of
# 64 held-out digits. (On a slow or busy machine training stops at the time limit, with fewer steps.)

# %%
steps, seconds = (15, 30) if test_mode() else (400, 70)
trainer.fit(steps=steps, seconds=seconds, live=5);
after = cycle_scores(generators, held_out)
print(f"{trainer.steps_done} steps in {trainer.train_seconds:.0f} s on {trainer.device}.")

# %%
show_cycle(generators, held_out.a, n=10, titles=("A (input)", "G_AB(a): thick?", "G_BA(G_AB(a)): back?"))
plt.show()
fig, ax = plt.subplots(figsize=(11, 3.6), layout="constrained")
show_translations(held_out.b[:10], translate(generators.ba, held_out.b[:10]),
                  translate(generators.ab, translate(generators.ba, held_out.b[:10])), n=10, ax=ax,
                  titles=("B (input)", "G_BA(b): thin?", "G_AB(G_BA(b))"))
plt.show()

# %% [markdown]
# Now the numbers. The reconstruction error is the one that shows the cycle works. Because our held-out B
# images happen to be the true thickening of the A images (the model never saw such pairs), we can also
# measure the *translation* itself: |G_AB(a) − thicken(a)|, beside doing nothing at all (|a − thicken(a)|).

# %%
print(f"{'held-out figure (L1, lower is better)':44s}{'before':>9s}{'after':>9s}")
rows = [("reconstruction A→B→A  |G_BA(G_AB(a)) − a|", "reconstruction_a"),
        ("reconstruction B→A→B  |G_AB(G_BA(b)) − b|", "reconstruction_b"),
        ("translation  |G_AB(a) − thicken(a)|", "translation_ab"),
        ("translation  |G_BA(b) − a|", "translation_ba")]
for label, key in rows:
    print(f"{label:44s}{before[key]:9.3f}{after[key]:9.3f}")
print(f"{'doing nothing  |a − thicken(a)|':44s}{after['do_nothing_baseline']:9.3f}{after['do_nothing_baseline']:9.3f}")

fig, ax = plt.subplots(figsize=(7, 3), layout="constrained")
plot_losses(trainer.history, keys=("cycle", "identity"), smooth=max(1, len(trainer.history) // 30), ax=ax,
            title="the cycle and identity L1 terms (before weighting)")
plt.show()

# %% [markdown]
# On a 2-core CPU, 400 steps take about half a minute and bring the reconstruction error from about 1.1
# (untrained) to under 0.1; the translation error falls well below doing nothing (0.26). The identity loss
# matters more than you might think here: in our runs without it (identity_weight=0, 250 steps), the cycle
# still closed (reconstruction 0.09) but the translation error stayed at 0.20, barely better than doing nothing.
#
# **Exercise 4 (thought question).** What is the cycle-consistency loss of two generators that do nothing at
# all, G_AB(x) = x and G_BA(y) = y? What does that tell you about the reconstruction error as a measure of a
# CycleGAN, and which part of the loss stops the generators from doing nothing?

# %% [markdown] tags=["answer:q4"]
# It is exactly 0: doing nothing is a perfect round trip. So is any pair of inverse functions, however wrong the
# translation. The cycle only says that G_AB keeps enough of the input for G_BA to rebuild it; the adversarial
# loss (D_B must believe G_AB's outputs are real thick digits) decides where the translation goes. A low
# reconstruction error is necessary, not sufficient: look at the translations, and measure them against the
# truth when you have it. CycleGAN can even hide the input's details in invisible low-amplitude patterns of its
# output (Chu et al. 2017, "CycleGAN, a master of steganography").

# %% [markdown]
# The same recipe runs from the command line (`python -m learntools.gans train cyclegan-digits --seconds 300`).
# For photos (horses ↔ zebras, summer ↔ winter) the networks grow to 64 channels and 9 residual blocks at
# 256×256, and training takes a day on a GPU.
#
# ## 2. Super-resolution, the SRGAN way
#
# In lesson 09, pix2pix's U-Net restored shrunken digits: its input was the bicubic upsample, at full size. SRGAN
# (Ledig et al., 2017) was designed for large photos, and does three things differently:
#
# 1. **Work at low resolution, upsample at the end.** Residual blocks run on the small 7×7 image (16 times fewer
#    pixels than 28×28), and **sub-pixel convolutions** (Shi et al., 2016) grow it: a convolution makes r² times
#    the channels, and a *pixel shuffle* rearranges each group of r² channels into an r×r block of pixels.
# 2. **A perceptual loss.** Instead of comparing pixels only, compare what a trained network *sees*: the
#    features of a classifier (VGG-19 in the paper, the course's digit classifier here). ESRGAN (Wang et al.,
#    2018) took the features before the activation, and also removed BatchNorm and used a "relativistic"
#    discriminator.
# 3. **An adversarial loss**, for the textures that pixel losses average away.
#
# **Exercise 5.** Write `pixel_shuffle(x, r)`: (N, C·r², H, W) → (N, C, H·r, W·r), where input channel
# c·r² + i·r + j at position (h, w) becomes output channel c at row h·r + i, column w·r + j. Use reshape and
# permute only; the check compares with `torch.nn.functional.pixel_shuffle`.

# %%
def pixel_shuffle(x, r):
    """(N, C*r*r, H, W) -> (N, C, H*r, W*r): every r*r channels become an r x r block of pixels."""
    ### BEGIN STARTER
    return ____
    ### END STARTER
    ### BEGIN SOLUTION
    n, crr, h, w = x.shape
    c = crr // (r * r)
    x = x.reshape(n, c, r, r, h, w)       # channel c·r² + i·r + j -> (c, i, j)
    x = x.permute(0, 1, 4, 2, 5, 3)       # (N, C, H, i, W, j): each i next to H, each j next to W
    return x.reshape(n, c, h * r, w * r)  # row h·r + i, column w·r + j
    ### END SOLUTION

# %%
q5.check()

# %% [markdown]
# A pixel shuffle after a convolution does the job of a transposed convolution with stride r, and like lesson
# 02's kernel 4 with stride 2, it gives every output pixel the same number of kernel taps. That does not make it
# free of checkerboards. Each of the r² pixels of a block comes from its own group of channels, with its own
# weights, and at initialisation those weights differ: a flat input comes out as a pattern that repeats every r
# pixels. Aitken et al. (2017, "Checkerboard artifact free sub-pixel convolution") start the r² groups as
# copies of one set of weights (ICNR initialisation). At the start the layer then computes a convolution
# followed by a nearest-neighbour resize: every r×r block is one value repeated, so a flat input stays flat
# until training makes the groups differ. The panels below put one random layer of each kind side by side, on
# a constant image.

# %%
def subpixel_layer(x, r=2, icnr=False, seed=0):
    """A convolution to r*r channels (PyTorch's default random init) and a pixel shuffle: (N, 1, H, W) -> (N, 1, rH, rW).
    With icnr=True, the r*r output channels start as copies of the first one's weights."""
    torch.manual_seed(seed)
    conv = torch.nn.Conv2d(1, r * r, kernel_size=3, padding=1)
    if icnr:
        with torch.no_grad():
            conv.weight.copy_(conv.weight[:1].expand_as(conv.weight))  # (r*r, 1, 3, 3): all the same
            conv.bias.fill_(conv.bias[0].item())
    return F.pixel_shuffle(conv(x), r)


torch.manual_seed(0)
flat = torch.ones(1, 1, 8, 8)
kernel4, kernel3 = torch.randn(1, 1, 4, 4), torch.randn(1, 1, 3, 3)
resized = F.pad(F.interpolate(flat, scale_factor=2, mode="nearest"), (1, 1, 1, 1), mode="replicate")
panels = {
    "transposed conv, kernel 4, stride 2": F.conv_transpose2d(flat, kernel4, stride=2, padding=1),
    "resize (nearest), then conv": F.conv2d(resized, kernel3),
    "conv + pixel shuffle, random init": subpixel_layer(flat),
    "conv + pixel shuffle, ICNR init": subpixel_layer(flat, icnr=True),
}
fig, axes = plt.subplots(1, 4, figsize=(12, 3.6), layout="constrained")
for ax, (title, picture) in zip(axes, panels.items()):
    centre = picture.detach()[0, 0, 2:-2, 2:-2]  # (12, 12): leave out the borders, where the padding shows
    low, high = centre.min().item(), centre.max().item()
    flat_output = high - low <= 1e-5 * max(1.0, abs(high))
    ax.imshow(centre, cmap="gray", vmin=low - 1 if flat_output else low, vmax=low + 1 if flat_output else high)
    ax.set_title(f"{title}\n" + (f"flat: every pixel is {low:.3g}" if flat_output else f"from {low:.3g} to {high:.3g}"),
                 fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])  # ticks off, frame kept
fig.suptitle("One randomly initialised upsampling layer on a constant 8×8 image (the centre 12×12 of 16×16)")
plt.show()

# %% [markdown]
# Now two small SRGAN generators (`SRResNet` in `learntools/gans/models/superres.py`: four residual blocks at 7×7, two
# sub-pixel doublings) on pairs like lesson 09's, with digits shrunk to 7×7 instead of 4×4. The first is trained on L1 alone (SRGAN's "SRResNet", the
# PSNR-oriented baseline); the second with SRGAN's loss: pix2pix's PatchGAN adversarial term + L1 + the feature
# (perceptual) loss, with `SRGANTrainer`, pix2pix's trainer with that loss.

# %%
from learntools.gans.data import lowres_to_highres_digits
from learntools.gans.evaluation import classifier_probabilities, l1_distance, psnr
from learntools.gans.models import PatchDiscriminator, SRResNet
from learntools.gans.training import SRGANTrainer, fit_l1

sr_pairs = lowres_to_highres_digits("train")                                  # (bicubic of 7×7, sharp 28×28)
sr_held_out, sr_labels = lowres_to_highres_digits("test", return_labels=True)
sr_steps, l1_seconds, gan_seconds = (5, 10, 10) if test_mode() else (300, 20, 40)

torch.manual_seed(0)
srresnet = SRResNet(scale=4, width=32, n_blocks=4)
l1_history = fit_l1(srresnet, sr_pairs.batches(batch_size=32, seed=0), steps=sr_steps, seconds=l1_seconds, lr=1e-3)
print(f"SRResNet: {len(l1_history)} steps in {l1_history[-1]['time']:.0f} s.")

torch.manual_seed(0)
srgan = SRResNet(scale=4, width=32, n_blocks=4)
sr_trainer = SRGANTrainer(srgan, PatchDiscriminator(in_channels=2, width=32, n_down=2),
                          data=sr_pairs.batches(batch_size=32, seed=0), l1_weight=10.0, feature_weight=10.0,
                          optimizers=AdamSettings(lr_g=1e-3, lr_d=2e-4, betas=(0.5, 0.999)), seed=0)
sr_trainer.fit(steps=sr_steps, seconds=gan_seconds);
print(f"SRGAN: {sr_trainer.steps_done} steps in {sr_trainer.train_seconds:.0f} s.")

# %% [markdown]
# The figures on the 1,000 held-out digits: L1 and PSNR (10·log10(2² / MSE) per image, averaged; higher is
# better), and how often a digit classifier reads the right digit in each version.
#
# Which classifier? SRGAN's feature loss was computed with the course's digit classifier, so SRGAN was trained
# to please exactly that network. Asking the same network afterwards whether SRGAN's digits are readable would
# let a student grade its own exam: an output can match those particular features without being a clearer
# digit. So the table's verdict comes from an **independent judge** (`learntools.gans.evaluation.judge`): a
# different architecture, trained with a different seed on a different half of the training digits, sharing
# nothing with the loss. The last column shows what the loss's own classifier would have said, for comparison.

# %%
from learntools.gans.evaluation import judge_accuracy


def read_by_loss_classifier(images):
    """The fraction of images the course's digit classifier (the one inside SRGAN's loss) reads as the label."""
    return (classifier_probabilities(images.clamp(-1, 1)).argmax(dim=1) == sr_labels).float().mean().item()


versions = {"bicubic upsampling": sr_held_out.inputs,
            "SRResNet (L1 only)": translate(srresnet, sr_held_out.inputs),
            "SRGAN (adversarial + L1 + features)": translate(srgan, sr_held_out.inputs),
            "real digits": sr_held_out.targets}
print(f"{'':38s}{'L1':>7s}{'PSNR (dB)':>11s}{'judge reads the digit':>23s}{'(loss classifier)':>19s}")
for name, images in versions.items():
    pixels = (f"{l1_distance(images, sr_held_out.targets):7.3f}{psnr(images, sr_held_out.targets):11.2f}"
              if name != "real digits" else f"{0:7.3f}{'-':>11s}")
    print(f"{name:38s}{pixels}{judge_accuracy(images.clamp(-1, 1), sr_labels):23.1%}"
          f"{read_by_loss_classifier(images):19.1%}")

fig, ax = plt.subplots(figsize=(11, 4.4), layout="constrained")
show_images(torch.cat([images[:12] for images in versions.values()]), nrow=12, ax=ax)
ax.set_axis_on()
ax.set_xticks([])
ax.set_yticks([ax.get_ylim()[0] * (k + 0.5) / 4 for k in range(4)], ["bicubic", "SRResNet", "SRGAN", "real"])
ax.tick_params(left=False)
for side in ax.spines.values():
    side.set_visible(False)
plt.show()

# %% [markdown]
# Compare the two right-hand columns on the bicubic row first: whether a blurry digit "reads as the right digit"
# depends on the reader. A small 7×7 digit still carries its identity, and the judge, which never learned to
# refuse blur, reads most of the upsampled ones; the course's classifier was trained to answer "no idea" on
# smooth blobs (`learntools/gans/weights/README.md`), and refuses many. So this column measures legibility to one reader, not sharpness:
# the L1 and PSNR columns and the pictures show what each network adds to its input. Between the two networks,
# read the table rather than a rule: after runs this short, don't read much into which one is ahead.
# The training cell printed how many steps each one got: an SRGAN step is slower (it also runs the
# discriminator and the classifier), so within its time budget SRGAN may stop before its 300 steps. With long
# training the usual picture appears, which the SRGAN paper reported on photos (Set5, 4×): the PSNR-oriented
# SRResNet wins on PSNR (32.05 dB against SRGAN's 29.40; bicubic 28.43), while people rate SRGAN's images far
# more natural. PSNR rewards the safe average; a GAN commits to one plausible texture.
#
# Don't read SRGAN's three changes as progress over lesson 09's U-Net on these digits: this course has not
# compared the two, and the comparison is yours to make. Train a U-Net on L1 alone with lesson 09's code and
# `lowres_to_highres_digits(split, factor=4)`, for the same number of steps, and compare its PSNR with this
# SRResNet's on the same test pairs. Working at 7×7
# saves computing, which matters for large photos. But our SRResNet shrinks its input back to 7×7 and has to
# redraw every pixel of the digit through its pixel shuffles, while the U-Net's skip connections carry the
# full-size input picture across to its last layers, so it mostly learns a correction; the U-Net is also a much
# larger network. Both differences favour the U-Net: look for whether it comes out ahead on PSNR, and by how much.
# Then add the bicubic input to SRResNet's output, so that it too learns only a correction, and see how much of
# any gap that closes.
#
# ## 3. Bigger networks
#
# ### Progressive growing (ProGAN)
#
# Karras et al. (2018) trained the first GAN for 1024×1024 faces by **growing** it: start with a generator and a
# discriminator for 4×4 images, train, then add layers for 8×8, then 16×16, and so on. Each new layer is
# **faded in**: the output is a blend of the old network's image, doubled in size by nearest-neighbour
# upsampling, and the new layer's image, with a weight α that goes from 0 to 1 over many steps. The new layer,
# freshly initialised, cannot wreck what the smaller network already learned.
#
# **Exercise 6.** Write `fade_in(old, new, alpha)`: old (N, C, H, W), new (N, C, 2H, 2W), returning
# (1 − α)·upsample(old) + α·new, with nearest-neighbour upsampling
# (`F.interpolate(old, scale_factor=2, mode="nearest")`).

# %%
def fade_in(old, new, alpha):
    """Blend the old network's image (doubled in size) with the new layer's: alpha 0 = old only, 1 = new only."""
    ### BEGIN STARTER
    return ____
    ### END STARTER
    ### BEGIN SOLUTION
    upsampled = F.interpolate(old, scale_factor=2, mode="nearest")  # (N, C, 2H, 2W)
    return (1 - alpha) * upsampled + alpha * new
    ### END SOLUTION

# %%
q6.check()

# %% [markdown]
# Here is a fade-in from 14×14 to 28×28 on real digits (with the library's `fade_in`): the "old network" draws
# the 14×14 digit, the "new layer" the 28×28 one.

# %%
from learntools.gans.models import stylegan

digits = held_out.a[:4]                                      # (4, 1, 28, 28)
alphas = [0.0, 0.25, 0.5, 0.75, 1.0]
blends = [stylegan.fade_in(F.avg_pool2d(digits, 2), digits, alpha) for alpha in alphas]  # 14×14 -> 28×28
fig, axes = plt.subplots(1, len(alphas), figsize=(11, 2.8), layout="constrained")
for ax, alpha, blend in zip(axes, alphas, blends):
    show_images(blend, nrow=2, ax=ax, title=f"α = {alpha}")
plt.show()

# %% [markdown]
# ### StyleGAN
#
# StyleGAN (Karras, Laine & Aila, 2019) kept the growing and changed how noise enters. The noise z goes through
# a **mapping network** (8 fully connected layers) to a vector w. The synthesis network starts from a *learned
# constant*, and every layer receives w as a **style**: a scale and a bias for each of its channels, applied by
# **adaptive instance normalisation** (AdaIN, Huang & Belongie 2017):
#
# AdaIN(x, scale, bias) = scale · (x − mean(x)) / std(x) + bias,  mean and std per image and per channel.
#
# Normalising wipes each feature map's own statistics; the style puts new ones in. Styles of the early, coarse
# layers set pose and shape, those of the late, fine layers texture and colour. Feed two different w's to the
# coarse and the fine layers and you get **style mixing**: one face's pose with another's colouring. Per-pixel
# noise inputs add the random details (hair, freckles). StyleGAN2 (2020) replaced AdaIN by weight
# demodulation, which removed its "droplet" artefacts.
#
# **Exercise 7.** Write `adain(x, scale, bias, eps=1e-5)`: x (N, C, H, W), scale and bias (N, C). Take the mean
# and the variance of each image's channel over its H×W positions (the variance divides by H·W:
# `unbiased=False`), normalise with `(var + eps).sqrt()`, then scale and shift.

# %%
def adain(x, scale, bias, eps=1e-5):
    """Adaptive instance normalisation: each channel of each image normalised, then given the style's scale and bias."""
    ### BEGIN STARTER
    return ____
    ### END STARTER
    ### BEGIN SOLUTION
    mean = x.mean(dim=(2, 3), keepdim=True)                # (N, C, 1, 1)
    var = x.var(dim=(2, 3), keepdim=True, unbiased=False)  # (N, C, 1, 1)
    normalised = (x - mean) / (var + eps).sqrt()           # each channel: mean 0, std 1
    return scale[:, :, None, None] * normalised + bias[:, :, None, None]
    ### END SOLUTION

# %%
q7.check()

# %% [markdown]
# AdaIN works on any feature maps, and an RGB photo is three of them. Give a photo the per-channel mean and
# standard deviation of another and you get a colour transfer, the simplest "style" there is
# (`stylegan.transfer_statistics`, on photos that ship with scikit-image):

# %%
from learntools.gans.data import load_photo


def photo(name, size=96):
    picture = torch.from_numpy(load_photo(name)).permute(2, 0, 1)[None] * 2 - 1  # (1, 3, H, W) in [-1, 1]
    return F.interpolate(picture, size=(size, size), mode="area")                  # (1, 3, size, size)


content = photo("astronaut")
styles = [photo("rocket"), photo("immunohistochemistry"), photo("hubble_deep_field")]
transferred = [stylegan.transfer_statistics(content, style).clamp(-1, 1) for style in styles]
show_images(torch.cat([content, *styles, content, *transferred]), nrow=4, figsize=(8, 4.4),
            title="top: the content, then three styles · bottom: the content with each style's channel statistics")
plt.show()

# %% [markdown]
# ### On a GPU, and on several
#
# Everything in this course runs on a GPU unchanged: the trainers pick CUDA when it is there (no `.cuda()` in
# your code) and then train in **mixed precision** (float16 autocast with a gradient scaler), which saves memory
# and time on recent GPUs. What changes is the scale you can afford: widths of 64 to 512 channels
# instead of 8 to 32, batches of hundreds, 256×256 images, the full 70,000 MNIST digits (`--data full`) or a
# real photo dataset, and hours instead of a minute. On a GPU, keep the data on the device
# (`Batches(..., device="cuda")`), and remove the `torch.set_num_threads(1)` line of the set-up cell: it only
# matters on a CPU.
#
# For several GPUs, `torchrun` starts one process per GPU. The library's trainer notices (it reads the
# environment torchrun sets), joins the process group, wraps G and D in **DistributedDataParallel** and lets
# only the first process write files. Each process draws its own batches and DistributedDataParallel averages
# the gradients, so every process takes the same step. On one machine with 4 GPUs:
#
# ```
# torchrun --standalone --nproc_per_node=4 -m learntools.gans train dcgan --seconds 600 --out runs/dcgan-4gpus
# torchrun --standalone --nproc_per_node=4 -m learntools.gans train cyclegan-digits --seconds 600 --out runs/cyclegan-4gpus
# ```
#
# On a CPU you can try the same machinery with 2 processes (they talk through the "gloo" backend): set
# `TRY_TORCHRUN = True` below and run the cell (about 20 seconds).

# %%
import os
import subprocess
import sys

TRY_TORCHRUN = False  # set to True to start two training processes of the "toy" recipe on this machine
command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2",
           "-m", "learntools.gans", "train", "toy", "--steps", "50", "--out", "runs/toy-ddp", "--overwrite",
           "--no-progress"]
print("torchrun " + " ".join(command[3:]))
if TRY_TORCHRUN:
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "OMP_NUM_THREADS": "1"})
    print(result.stdout[-600:] or result.stderr[-600:])

# %% [markdown]
# **Exercise 8.** With the 4-GPU `dcgan` command above, every process draws batches of 64 (the recipe's
# `batch_size`). How many images does one optimizer step of the generator learn from? Set
# `effective_batch_size`. (When the effective batch grows, the learning rate often has to change too, which is
# why a recipe tuned for one process is a starting point, not an answer, for four.)

# %%
### BEGIN STARTER
effective_batch_size = ____
### END STARTER
### BEGIN SOLUTION
effective_batch_size = 4 * 64  # 4 processes, each with its own batch of 64; their gradients are averaged
### END SOLUTION

# %%
q8.check()

# %% [markdown]
# ## 4. Responsibility
#
# The techniques of this course power face swaps, voice clones and photorealistic images of events that never
# happened. Three questions to think about, and to discuss if you are in a room with others. There is no single
# right answer; a good answer names concrete harms, who bears them, and what you would do.
#
# **Exercise 9 (thought question): deepfakes and consent.** A classmate wants to train a face-swap model on
# photos of a colleague collected from social media, to make a "harmless" birthday video. What should happen
# before any training, and why is "the photos are public" not enough?

# %% [markdown] tags=["answer:q9"]
# Consent first: ask the colleague, for this specific use, before collecting anything, and accept a no. Public
# photos were shared for another purpose; public is not consented. A likeness, once generated and shared, can be
# reposted, cut and taken out of context, and the person bears the harm. Decide who will see it, label it as
# generated, keep and delete the data carefully. The same tools make non-consensual intimate imagery, fraud and
# disinformation, which several jurisdictions now punish.

# %% [markdown]
# **Exercise 10 (thought question): provenance and detection.** Three tools are proposed to tell real from
# generated media: C2PA content credentials (a signed record of a file's origin and edits), invisible
# watermarks embedded by the generator, and classifiers trained to detect generated images. For each, what does
# it prove when it says "generated" or "authentic", and how does it fail?

# %% [markdown] tags=["answer:q10"]
# Content credentials prove origin when present and valid, but they are stripped by screenshots and many uploads,
# and their absence proves nothing. Watermarks mark only cooperating providers' outputs (open models can run
# without them) and can be weakened by editing or regeneration. Detectors catch the generators they were trained
# on, degrade on new ones and after compression, and their false positives accuse real photos. None suffices
# alone: combine them with context and source checking, and report uncertainty.

# %% [markdown]
# **Exercise 11 (thought question): bias in generated data.** A team trains a GAN on a face dataset that is 80%
# light-skinned and uses its samples to enlarge the training set of a face-recognition system. What is likely to
# happen, how would you measure it, and what would you change? (Think of mode collapse in lesson 06.)

# %% [markdown] tags=["answer:q11"]
# A GAN reproduces the imbalance and tends to worsen it: rare modes are the first to be dropped or drawn poorly,
# so the synthetic set holds even fewer, worse dark-skinned faces, and the recognition system's errors
# concentrate further on that group. Measure per-group coverage and quality of the samples (like lesson 06's
# class coverage) and the downstream error rates per group on real held-out data. Rebalance or reweight the
# training data, condition the generator on the attribute and sample evenly (lesson 08), and document the data.

# %% [markdown]
# ## Summary
#
# - **CycleGAN** translates between unpaired domains with two generators and two discriminators. The cycle
#   loss (λ = 10) ties a translation to its input, the identity loss (0.5 λ) keeps what should not change, and an
#   image pool gives the discriminators a history of fakes. A low reconstruction error is necessary but not
#   sufficient: a do-nothing pair of generators has none.
# - **SRGAN** works at low resolution and upsamples with sub-pixel convolutions (pixel shuffle), and adds a
#   perceptual loss and an adversarial loss to the pixel loss. PSNR rewards the average; GANs commit to detail.
#   A pixel shuffle draws a checkerboard at initialisation unless its sub-kernels start equal (ICNR).
# - **ProGAN** grows the networks during training, fading each new layer in; **StyleGAN** maps noise to styles
#   applied by AdaIN at every layer. The same trainer runs on a GPU unchanged, and on several with `torchrun`.
# - Generated media call for **consent**, **provenance** and an eye on **bias**.
#
# Where to go next: Zhu et al., *Unpaired Image-to-Image Translation using Cycle-Consistent Adversarial
# Networks* (2017); Ledig et al., *Photo-Realistic Single Image Super-Resolution Using a Generative Adversarial
# Network* (2017) and Wang et al., *ESRGAN* (2018); Karras et al., *Progressive Growing of GANs* (2018) and
# *A Style-Based Generator Architecture for GANs* (2019); and the diffusion models that followed GANs for most
# image generation, which reuse many of the ideas you met here (U-Nets, perceptual losses, adversarial
# fine-tuning for speed).
