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
# # 15 · GANs in the wild: case studies from the talks
#
# The two talks this course is built from, Becker's GAN workshop and the DevDay talk, show GANs at work:
# dancing videos, high-resolution street scenes, a face editor with knobs, and a keyboard that writes
# accompaniment. Each of those systems is the course's material plus **one new idea**. This lesson takes the four
# in turn: what the idea is (checked against the paper or the authors' code), a small demonstration at digit
# scale that runs in seconds on a CPU, and a question to think about.
#
# 1. **pix2pixHD** (Wang et al., 2018): discriminators at several scales, and a feature matching loss. You write
#    the loss.
# 2. **Everybody Dance Now** (Chan et al., 2019): a stick figure as the condition, two frames at a time, and
#    poses moved from one body to another.
# 3. **TL-GAN** (Shaobo Guan, 2018): knobs in a trained generator's latent space, found by regression and made
#    independent by orthogonalisation. You write both.
# 4. **AWS DeepComposer** (2019): music as a piano roll, an image with pitch and time as its axes.
#
# Each exercise has a check. Run `q1.check()` after answering; `q1.hint()`, `q1.hint(2)` and `q1.solution()`
# help when you are stuck.

# %%
# Set up the lesson: the checks (q1, q2, ...), the course's models and data, and the blank ____ you will fill in.
from learntools.core import binder; binder.bind(globals())
from learntools.gans.ex15 import *

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F

from learntools.core import test_mode
from learntools.gans import latent
from learntools.gans.data import sobel_edges
from learntools.gans.display import show_images
from learntools.gans.evaluation import metrics
from learntools.gans.models import PatchDiscriminator, UNetGenerator
from learntools.gans.models import pix2pixhd
from learntools.gans.pretrained import load_digit_generator

torch.manual_seed(0)
G_digits = load_digit_generator()          # lesson 06's pre-trained DCGAN: z (N, 32) -> digits (N, 1, 28, 28)
with torch.no_grad():
    targets = G_digits(torch.randn(8, 32, generator=torch.Generator().manual_seed(1)))  # (8, 1, 28, 28) in [-1, 1]
inputs = sobel_edges(targets)              # lesson 09's edges of each digit: (8, 1, 28, 28) in [-1, 1]
print(f"Setup complete: {len(inputs)} (edges, digit) pairs, the digits drawn by lesson 06's generator.")

# %% [markdown]
# ## 1. pix2pixHD: discriminators at three scales, and feature matching
#
# pix2pix (lesson 09) was shown on 256×256 images. **pix2pixHD** (Wang, Liu, Zhu, Tao, Kautz and
# Catanzaro, CVPR 2018) makes 2048×1024 street scenes from semantic label maps, with three changes:
#
# - **A coarse-to-fine generator.** A *global generator* G1 works at 1024×512. A *local enhancer* G2 works at
#   2048×1024: its convolutional front end shrinks the full-size input, G1's last feature map is **added** to
#   it element by element, and G2's residual blocks and back end make the full-size image. (The released code can
#   train the enhancer alone for a number of epochs before fine-tuning both.)
# - **Multi-scale discriminators.** To tell high-resolution real images from fakes, a discriminator needs a large
#   receptive field: a deeper network or bigger kernels, more capacity and more memory. pix2pixHD uses three
#   discriminators D1, D2, D3 with *the same architecture*, on an image pyramid: the real and the synthesised
#   images at full size, downsampled by 2, and by 4. The one on the coarsest images sees the most of the picture
#   per verdict and pushes for global consistency; the one at full size pushes for fine detail. The paper reports
#   many repeated patterns in its results without them.
# - **Feature matching.** G's loss adds, for every discriminator D_k, an L1 distance between what D_k's layers
#   see in the real pair (s, x) and in the fake pair (s, G(s)):
#
#   $$L_{FM}(G, D_k) = \mathbb{E}_{(s,x)} \sum_{i=1}^{T} \frac{1}{N_i} \left\| D_k^{(i)}(s, x) - D_k^{(i)}(s, G(s)) \right\|_1,$$
#
#   with T layers and N_i numbers in layer i. G minimises the GAN losses plus λ Σ_k L_FM(G, D_k); the released
#   code's default λ is 10.
#
# Here is the pyramid at digit scale: an (edges, digit) pair at 28, 14 and 7 pixels, halved the way pix2pixHD's
# code halves (3×3 average pooling, stride 2), and how much of the full-size digit one verdict of the course's
# PatchGAN covers at each scale (the same `PatchDiscriminator(n_down=1)` each time).

# %%
pyramid = pix2pixhd.image_pyramid(torch.cat([inputs, targets], dim=1))   # [(8, 2, 28, 28), (8, 2, 14, 14), (8, 2, 7, 7)]
fields = pix2pixhd.multiscale_receptive_fields(n_down=1, n_scales=3)     # pixels of the full-size digit per verdict
discriminators = [PatchDiscriminator(in_channels=2, width=16, n_down=1) for _ in pyramid]  # D1, D2, D3: one design
with torch.no_grad():
    for k, (level, D, field) in enumerate(zip(pyramid, discriminators, fields), start=1):
        verdicts = D(level[:, :1], level[:, 1:])                          # (8, 1, h, w): one logit per patch
        print(f"D{k}: sees {tuple(level.shape[-2:])} pairs, gives a {tuple(verdicts.shape[-2:])} grid of verdicts, "
              f"each covering {field}×{field} pixels of the full-size digit")

fig, axes = plt.subplots(2, 3, figsize=(8, 5.4), layout="constrained")
for k, (level, field) in enumerate(zip(pyramid, fields)):
    show_images(level[:1, 1:], nrow=1, ax=axes[0, k], title=f"what D{k + 1} sees: {level.shape[-1]}×{level.shape[-1]}")
    show_images(targets[:1], nrow=1, ax=axes[1, k], title=f"one verdict of D{k + 1}: {field}×{field} px")
    side = min(field, 28)  # the square, clipped to the image
    axes[1, k].add_patch(plt.Rectangle((14 - side / 2 - 0.5, 14 - side / 2 - 0.5), side, side, fill=False,
                                       edgecolor="tab:orange", linewidth=2.5))
plt.show()

# %% [markdown]
# The same small discriminator judges 16×16 pieces of the stroke at full size and, on the quartered pair, the
# whole digit and beyond at once (67 pixels, clipped to the picture here). No single network had to grow.
#
# **Exercise 1.** Write pix2pixHD's feature matching loss. Its inputs are what the discriminators' layers gave
# out: `real_features[k][i]` is layer i of discriminator k on the real pair, `fake_features[k][i]` the same on
# the fake pair (tensors of shape (N, C_i, h_i, w_i); the discriminators on the halved and quartered pairs give
# smaller maps). Return one number as a tensor: the sum over discriminators k and layers i of the mean absolute
# difference, with the real features **detached** (they are the target for G, not something G's loss should
# change). Leave out the weight λ.

# %%
def feature_matching_loss(real_features, fake_features):
    """Sum over discriminators and layers of mean |real - fake| (real detached); one-number tensor."""
    ### BEGIN STARTER
    total = 0.0
    ____
    return ____
    ### END STARTER
    ### BEGIN SOLUTION
    total = 0.0
    for real_layers, fake_layers in zip(real_features, fake_features):  # one discriminator
        for real, fake in zip(real_layers, fake_layers):                 # one layer: (N, C_i, h_i, w_i)
            total = total + (real.detach() - fake).abs().mean()          # (1/N_i) ||real - fake||_1
    return total
    ### END SOLUTION


# %%
q1.check()

# %% [markdown]
# ### The whole generator loss, on one batch
#
# Now the pieces together, as pix2pixHD's G step computes them on the course's networks: an (untrained) U-Net
# translates the edges, each discriminator judges the real and the fake pair at its own scale, and the loss adds
# the adversarial terms and λ = 10 times the feature matching term. (The cell uses the library's
# `pix2pixhd.feature_matching_loss`, which is the same as yours, so that it runs before the exercise is done.)

# %%
G = UNetGenerator(in_channels=1, out_channels=1, width=16)
fakes = G(inputs)                                                        # (8, 1, 28, 28)
real_pyramid = pix2pixhd.image_pyramid(torch.cat([inputs, targets], dim=1))
fake_pyramid = pix2pixhd.image_pyramid(torch.cat([inputs, fakes], dim=1))
real_features, fake_features, adversarial = [], [], 0.0
for D, real_pair, fake_pair in zip(discriminators, real_pyramid, fake_pyramid):
    real_maps, _ = pix2pixhd.patch_features(D, real_pair[:, :1], real_pair[:, 1:])      # D's LeakyReLU outputs
    fake_maps, fake_logits = pix2pixhd.patch_features(D, fake_pair[:, :1], fake_pair[:, 1:])
    real_features.append(real_maps)
    fake_features.append(fake_maps)
    adversarial = adversarial + F.softplus(-fake_logits).mean()          # non-saturating: -log D(s, G(s))
matching = pix2pixhd.feature_matching_loss(real_features, fake_features)
print("layers per discriminator:", [len(maps) for maps in fake_features],
      "| their shapes in D3:", [tuple(m.shape[1:]) for m in fake_features[2]])
total = adversarial + 10 * matching                                      # what G's optimizer would minimise
print(f"adversarial (3 discriminators) {adversarial.item():.3f} + 10 × feature matching {matching.item():.3f} "
      f"= {total.item():.3f}")
same = pix2pixhd.feature_matching_loss(real_features, real_features)
print(f"feature matching of the real pairs with themselves: {same.item():.3f}")
matching.backward()
print("the feature matching gradient reached every parameter of G:",
      all(p.grad is not None and bool(p.grad.abs().sum() > 0) for p in G.parameters()))

# %% [markdown]
# The feature matching term is 0 when the fakes are the real images, and its gradient reaches G through the fake
# pairs only (the real features are detached). In training, G's optimizer takes this step; the discriminators
# are trained in their own step on their adversarial losses.
#
# **Exercise 2 (thought question).** pix2pixHD could have used one discriminator with a receptive field large
# enough for the whole image instead of three copies of a smaller one. What do the three scales buy, according to
# the paper, and what does the feature matching term give G that the adversarial loss alone does not?

# %% [markdown] tags=["answer:q2"]
# **Three scales.** One discriminator that sees a whole 2048×1024 image per verdict needs a deeper network or
# bigger kernels: more capacity (which can overfit) and more memory, already the scarce resource at that size. Three
# copies of the same modest PatchGAN on a pyramid get a large field for the coarsest one at little cost (the same
# layers on a sixteenth of the pixels), while the full-size one keeps judging fine detail. Each scale pushes for
# something different: global consistency from the coarse one, texture and sharpness from the fine one. The paper
# also notes that growing the generator to a higher resolution then only needs one more discriminator at the finest
# scale, and that without the multi-scale discriminators many repeated patterns appeared.
#
# **Feature matching.** The adversarial loss gives G one verdict per patch: "looks real" or not. Feature matching
# compares, pair by pair, everything D's layers see in the real image and in G's version of the *same* input, so G
# gets a dense target in D's learned features even when D's final verdicts are saturated. It acts like a
# perceptual loss, with D as the feature extractor, which keeps learning. (Since the pairs are aligned, image by
# image matching makes sense here; an unpaired GAN has no partner image for each fake, and the feature matching of
# Salimans et al., 2016, compares batch averages instead.)

# %% [markdown]
# ## 2. Everybody Dance Now: a stick figure, two frames at a time
#
# **Everybody Dance Now** (Chan, Ginosar, Zhou and Efros, ICCV 2019) transfers a dance from a source video to a
# target person filmed for a few minutes doing ordinary moves. It is video-to-video translation with **pose as the
# intermediate representation**: a pretrained pose detector turns each frame into a stick figure, and a
# pix2pixHD-style generator learns to render the target person from the target's own stick figures. To transfer a
# dance, the source's stick figures go into that generator. Three ideas make it work:
#
# - **The pose is the condition.** A stick figure carries the body's position and little of its appearance, so
#   the same generator can render poses that came from somebody else.
# - **Temporal smoothing.** Frames rendered each on its own need not agree with each other. G makes two
#   consecutive frames: the first from its pose and a blank image, the second from its pose *and G's own first
#   frame*. The discriminator judges the pair: the two stick figures and the two frames stacked, real
#   (x_{t−1}, x_t, y_{t−1}, y_t) against fake (x_{t−1}, x_t, G(x_{t−1}), G(x_t)). At test time each frame is made
#   from its pose and the previous output.
#   (A separate face GAN adds a residual to the face region.)
# - **Pose normalisation.** The source dancer may be taller, or stand closer to the camera. In the authors' code,
#   each video's closest and farthest ankle positions (lowest and highest in the image) are found; a source pose
#   is moved by a linear map between those positions, and scaled by the ratio of the two people's heights, itself
#   interpolated between the close and the far position.
#
# The paper also releases a detector for its own fakes and an open dataset of videos that can be used for motion
# transfer (lesson 10's section on responsibility is about why).
#
# A stick figure at digit scale: seven keypoints, six bones, drawn on a 28×28 canvas.

# %%
BONES = [(0, 1), (1, 2), (1, 3), (1, 4), (2, 5), (2, 6)]  # head-neck, neck-hip, neck-hands, hip-ankles


def draw_pose(points, size=28):
    """Keypoints (7, 2) as (x, y) pixels -> a stick figure image (1, 1, size, size) in [-1, 1]."""
    canvas = torch.full((size, size), -1.0)
    for a, b in BONES:
        for t in torch.linspace(0, 1, 3 * size):                          # points along the bone
            x, y = (1 - t) * points[a] + t * points[b]
            if 0 <= round(float(x)) < size and 0 <= round(float(y)) < size:
                canvas[round(float(y)), round(float(x))] = 1.0
    return canvas[None, None]


def waving_pose(phase, height=20.0, ankle=(14.0, 25.0)):
    """A figure `height` pixels tall with its ankles around `ankle`, right arm at an angle set by `phase`."""
    ax, ay = ankle
    unit = height / 20                                                   # body proportions at 20 px
    hip, neck = (ax, ay - 9 * unit), (ax, ay - 16 * unit)
    angle = 0.6 + 1.2 * np.sin(phase)                                    # the waving arm, radians above horizontal
    return torch.tensor([
        (ax, ay - 20 * unit),                                            # 0 head
        neck, hip,                                                       # 1 neck, 2 hip
        (ax - 5 * unit, ay - 11 * unit),                                 # 3 left hand, down
        (ax + 6 * unit * np.cos(angle), neck[1] - 6 * unit * np.sin(angle)),  # 4 right hand, waving
        (ax - 3 * unit, ay), (ax + 3 * unit, ay),                        # 5, 6 ankles
    ], dtype=torch.float32)


phases = np.linspace(0, 2 * np.pi, 6, endpoint=False)
poses = torch.cat([draw_pose(waving_pose(p)) for p in phases])           # (6, 1, 28, 28): the target's sequence
show_images(poses, nrow=6, title="six frames of a stick-figure dance (the condition)", figsize=(7, 1.8))
plt.show()

# %% [markdown]
# **Two frames at a time.** Here is the data flow of the temporal generator and discriminator, built from the
# course's own networks. G is lesson 09's U-Net with two input channels (the pose and the previous frame); D is
# the PatchGAN with four (two poses, two frames). They are untrained: the point is what goes in and what comes out.

# %%
G_video = UNetGenerator(in_channels=2, out_channels=1, width=16)           # (pose_t, previous frame) -> frame_t
D_video = PatchDiscriminator(in_channels=4, width=16, n_down=1)            # (pose_{t-1}, pose_t) and (frame_{t-1}, frame_t)
with torch.no_grad():
    previous = torch.zeros(1, 1, 28, 28)                                 # the first frame starts from a blank image
    frames = []
    for pose in poses:
        frame = G_video(torch.cat([pose[None], previous], dim=1))      # (1, 2, 28, 28) -> (1, 1, 28, 28)
        frames.append(frame)
        previous = frame                                                 # the next frame sees this one
    verdicts = D_video(torch.cat([poses[0:1], poses[1:2]], dim=1),       # (1, 2, 28, 28): two stick figures
                       torch.cat([frames[0], frames[1]], dim=1))         # (1, 2, 28, 28): two frames
print(f"G reads {tuple(torch.cat([poses[:1], previous], dim=1).shape)} (pose + previous frame) and makes "
      f"{len(frames)} frames of shape {tuple(frames[0].shape)}, one after the other")
print(f"D reads two poses and two frames, {D_video.in_channels} channels, and gives {tuple(verdicts.shape)} verdicts "
      "on the pair")

# %% [markdown]
# **Pose normalisation.** A source dancer 24 pixels tall standing higher in the frame, moved onto a 20-pixel target
# whose ankles are at the bottom: scale about the ankles by the ratio of the heights, then move the ankles to the
# target's. (This is the rule at one position; the authors' code interpolates the scale and the shift between each
# video's closest and farthest ankle positions.)

# %%
def normalise_pose(points, source_height, source_ankle, target_height, target_ankle):
    """Scale a pose (7, 2) about its ankle point by target/source height, then move that point to the target's."""
    scale = target_height / source_height
    return (points - torch.tensor(source_ankle)) * scale + torch.tensor(target_ankle)


source = waving_pose(1.0, height=24.0, ankle=(10.0, 24.0))              # taller, further left
moved = normalise_pose(source, 24.0, (10.0, 24.0), 20.0, (14.0, 25.0))
target = waving_pose(1.0)
for name, pose in [("source", source), ("normalised", moved), ("target", target)]:
    height = float(pose[5:, 1].mean() - pose[0, 1])                     # from the head down to the ankles
    print(f"{name:>10}: {height:.1f} px from head to ankles, ankles centred at x = {float(pose[5:, 0].mean()):.1f}, "
          f"y = {float(pose[5:, 1].mean()):.1f}")
show_images(torch.cat([draw_pose(p) for p in (source, moved, target)]), nrow=3, figsize=(4.5, 1.9),
            title="source → normalised → target")
plt.show()

# %% [markdown]
# **Exercise 3 (thought question).** Why does a discriminator that judges *pairs* of consecutive frames reduce
# flicker, where a per-frame discriminator cannot? Conditioning G on its own previous output also creates a risk
# over a long video that training on pairs never shows: which one?

# %% [markdown] tags=["answer:q3"]
# A per-frame discriminator asks only "is this frame a real photo of this pose?". Two neighbouring frames can each
# pass that test and still disagree in everything the pose does not pin down: the folds of the shirt, the shading,
# the exact outline of the hair. Played in sequence, those disagreements are flicker. Real consecutive frames never
# disagree like that, so a discriminator that sees (pose_{t−1}, pose_t, frame_{t−1}, frame_t) together can learn
# that a jump between frames which the poses do not explain is a sign of a fake, and G must make its second frame
# consistent with its first. Giving G its previous frame as input makes that easy: it can copy what the pose does
# not determine.
#
# The risk: at test time G runs in a chain of hundreds of frames, each made from G's own previous output, while
# training only ever showed it chains of two, starting from a blank image. Small errors can be copied forward and
# grow (drift), and G never learned to recover from its own mistakes several frames deep. A wrong pose detection in
# one frame can also leave its trace in the frames after it.

# %% [markdown]
# ## 3. TL-GAN: knobs in a trained generator's latent space
#
# Lesson 06 found a "more ink" direction in the noise of the course's pre-trained generator by averaging the z's
# of the thickest tenth of the samples and subtracting the average z of the thinnest tenth. It thickened the
# strokes, and it also changed which digit was drawn: ink and identity go together in digits.
#
# **TL-GAN** ("transparent latent-space GAN", Shaobo Guan, 2018) gives a trained generator knobs without
# training it again. Its ingredients: Nvidia's PG-GAN trained on celebrity faces (CelebA-HQ), and a CNN trained to
# predict CelebA's 40 labels (smiling, beard, male, ...). Generate many images from random z's, let the CNN label
# them, and fit each label **linearly on z** (the code uses scikit-learn's `LinearRegression`): the fitted slope,
# made unit length, is that feature's axis in the latent space. Labels that go together in the data give axes that
# point in similar directions (the project's demo suggests locking "Male" while turning "Beard"), so the axes are
# **orthogonalised**: the part of one axis along the others is removed, Gram-Schmidt style. The project reports
# adding 40 knobs this way in under an hour.
#
# At digit scale: the features are the ink (measured on the pixels) and the course classifier's probability that
# a sample is a 0 and that it is a 1 (thick and thin digits).
#
# **Exercise 4.** Write `feature_direction(z, values)`: the least-squares fit of a feature's `values` (n,) on the
# noise vectors `z` (n, d) with an intercept, values ≈ z·w + b, returning the slope w divided by its length, shape
# (d,). `torch.linalg.lstsq(A, B)` solves A·X ≈ B in the least-squares sense (`.solution` is X); for the intercept,
# put a column of ones beside z.

# %%
def feature_direction(z, values):
    """The unit direction (d,) of the least-squares fit values ≈ z·w + b, for z (n, d) and values (n,)."""
    ### BEGIN STARTER
    design = ____  # (n, d + 1): z, and a column of ones for the intercept
    slope = ____   # (d,): the first d numbers of the solution
    return ____
    ### END STARTER
    ### BEGIN SOLUTION
    design = torch.cat([z, torch.ones(len(z), 1)], dim=1)                    # (n, d + 1)
    solution = torch.linalg.lstsq(design, values.reshape(-1, 1)).solution   # (d + 1, 1): w, then b
    slope = solution[:-1, 0]                                                 # (d,)
    return slope / slope.norm()
    ### END SOLUTION


# %%
q4.check()

# %% [markdown]
# Now the fits on the pre-trained generator's samples, with the library's `latent.feature_direction` (the same
# as yours, so that the cell runs before the exercise is done). (Test mode uses fewer samples.)

# %%
n_fit = 400 if test_mode() else 2000
z_fit = torch.randn(n_fit, 32, generator=torch.Generator().manual_seed(4))   # (n_fit, 32)
with torch.no_grad():
    samples = G_digits(z_fit)                                            # (n_fit, 1, 28, 28)
ink = ((samples + 1) / 2).mean(dim=(1, 2, 3))                            # (n_fit,): share of bright pixels
probabilities = metrics.classifier_probabilities(samples)               # (n_fit, 10)

ink_direction = latent.feature_direction(z_fit, ink)                     # (32,): the ink axis, unit length
zero_direction = latent.feature_direction(z_fit, probabilities[:, 0])    # "is a 0"
one_direction = latent.feature_direction(z_fit, probabilities[:, 1])     # "is a 1"

order = ink.argsort()                                                    # lesson 06's axis, for comparison
tenth = n_fit // 10
lesson_06 = z_fit[order[-tenth:]].mean(0) - z_fit[order[:tenth]].mean(0)
print(f"cosine of the fitted ink axis with lesson 06's averaged one: {float(ink_direction @ lesson_06 / lesson_06.norm()):.2f}")
print(f"cosine of the ink axis with the 'is a 0' axis: {float(ink_direction @ zero_direction):+.2f}, "
      f"with the 'is a 1' axis: {float(ink_direction @ one_direction):+.2f}")

# %% [markdown]
# On Gaussian noise the fitted axis and lesson 06's averaged one point much the same way; the regression's
# advantage is that it uses every sample and fits any number of labels the same way. The cosines show the problem:
# the ink axis leans towards "is a 0" and away from "is a 1", so turning the ink knob also turns those two.
#
# **Exercise 5.** Write `orthogonalize(direction, against)` for two vectors of shape (d,): `direction` minus its
# projection on `against`, divided by its length, so that the result has length 1. (`against` need not have length 1.)

# %%
def orthogonalize(direction, against):
    """`direction` (d,) without its part along `against` (d,), made unit length."""
    ### BEGIN STARTER
    projection = ____  # the part of `direction` along `against`
    return ____
    ### END STARTER
    ### BEGIN SOLUTION
    projection = (direction @ against) / (against @ against) * against  # (d,)
    residual = direction - projection                                    # orthogonal to `against`
    return residual / residual.norm()
    ### END SOLUTION


# %%
q5.check()

# %% [markdown]
# **Gram-Schmidt, twice.** To make the ink axis orthogonal to *both* digit axes, first make the "is a 1" axis
# orthogonal to the "is a 0" axis, then remove from the ink axis its part along each of the two, now orthogonal,
# axes. (Removing the parts along two axes that are not orthogonal to each other, one after the other, would leave
# some of the first one back in.) The cell uses the library's `latent.orthogonalize`, the same as yours.

# %%
one_orthogonal = latent.orthogonalize(one_direction, zero_direction)      # Gram-Schmidt: the basis first
ink_orthogonal = latent.orthogonalize(latent.orthogonalize(ink_direction, zero_direction), one_orthogonal)
print(f"ink axis after orthogonalising: cosine {float(ink_orthogonal @ zero_direction):+.1e} with 'is a 0', "
      f"{float(ink_orthogonal @ one_direction):+.1e} with 'is a 1', {float(ink_orthogonal @ ink_direction):.2f} with "
      "the ink axis it came from")
one_after_other = latent.orthogonalize(latent.orthogonalize(ink_direction, zero_direction), one_direction)
print(f"without the first step (against 'is a 0', then the raw 'is a 1' axis): cosine "
      f"{float(one_after_other @ zero_direction):+.2f} with 'is a 0'")

# %% [markdown]
# Now both knobs at work on new z's: each is moved by −2, −1, +1 and +2 along the fitted ink axis and along the
# orthogonalised one, and the cell prints the ink and how many samples the classifier still reads as the digit
# they were before the move.

# %%
n_test = 100 if test_mode() else 500
z_test = torch.randn(n_test, 32, generator=torch.Generator().manual_seed(5))  # (n_test, 32): z's not used in the fit
steps = [-2.0, -1.0, 1.0, 2.0]
with torch.no_grad():
    before = G_digits(z_test)
    digit_before = metrics.classifier_probabilities(before).argmax(1)   # (n_test,)
    ink_before = float(((before + 1) / 2).mean())
    rows, costs = {}, {}
    for name, direction in [("fitted ink axis", ink_direction), ("orthogonalised", ink_orthogonal)]:
        changes, changed = [], []
        rows[name] = [G_digits(z_test[:8] + step * direction) for step in [-2.0, -1.0, 0.0, 1.0, 2.0]]
        for step in steps:
            moved = G_digits(z_test + step * direction)                 # (n_test, 1, 28, 28)
            ink_moved = float(((moved + 1) / 2).mean())
            same = float((metrics.classifier_probabilities(moved).argmax(1) == digit_before).float().mean())
            changes.append(abs(ink_moved - ink_before))
            changed.append(1 - same)
            print(f"{name:>16}, step {step:+.0f}: ink {ink_before:.3f} -> {ink_moved:.3f}, same digit as before: {same:.0%}")
        costs[name] = sum(changed) / (sum(changes) / 0.01)               # share of digits changed per 0.01 of ink moved
for name, cost in costs.items():
    print(f"{name}: {cost:.0%} of the digits change for every 0.01 of ink moved (over the four steps)")

fig, axes = plt.subplots(1, 2, figsize=(10, 4.2), layout="constrained")
for ax, (name, images) in zip(axes, rows.items()):
    show_images(torch.cat(images), nrow=8, ax=ax, title=f"{name}: rows −2, −1, 0, +1, +2")
plt.show()

# %% [markdown]
# Along the orthogonalised axis the strokes still thicken and thin, and at every step more digits keep their
# identity than along the fitted axis. The ink moves less per step, too (part of the fitted ink axis *was* the
# digit axes), so compare per amount of ink moved: the last two lines. The orthogonalised knob changes fewer
# digits for the same ink, but far from none. That is the limit of the method: the fits are linear, the generator
# is not, and "is a 0" and "is a 1" are not the only features tied to ink.
#
# **Exercise 6 (thought question).** What does the orthogonalised ink knob give up, compared with the fitted one?
# Why can it still change the digit, although it is exactly orthogonal to the "is a 0" and "is a 1" axes? When would
# you rather train a conditional GAN (lesson 08) than add TL-GAN knobs?

# %% [markdown] tags=["answer:q6"]
# **What it gives up.** The fitted axis was the direction in which the fitted ink grows fastest per unit step.
# Removing its parts along the digit axes keeps only the ink that does not come with "more 0" or "less 1", so each
# step moves the ink less, and some ways of being thicker (turning a 1 into a 0) are no longer offered.
# That is the point of the knob, but it is a different knob: "ink at fixed digit", not "ink".
#
# **Why digits still change.** Orthogonal to an axis means the *linear fits* of "is a 0" and "is a 1" do not change
# along it. The generator and the classifier are non-linear, so the real probabilities can still move, more so for
# big steps and far from where the fit was made. And only two of the ten digits were held fixed; ink is tied to
# other digits, and to other features, too.
#
# **Conditional GAN instead** when the attribute must be controlled reliably and the labels exist at training time:
# the condition is an input the generator learns to obey, not a correlation found afterwards. TL-GAN's way is for a
# generator already trained (possibly at great cost, as PG-GAN was) and labels that only a separate classifier
# provides: new knobs cost a regression, not a new GAN.

# %% [markdown]
# ## 4. AWS DeepComposer: music as an image
#
# **AWS DeepComposer** (Amazon, 2019) came as a small MIDI keyboard and a web console for trying generative models
# on music. Its GAN technique creates **accompaniment tracks** for a melody you play. The GAN of AWS's sample notebook
# reads music as a **piano roll**: a grid of pitch against time, 1 where a note sounds. Its data are Bach chorales
# (229 snippets of the JSB Chorales), each four piano tracks (a melody and three lower voices) of 2 bars: 4 beats a
# bar and 4 time steps a beat give 32 steps, over 128 MIDI pitches, an array of shape (32, 128, 4). The generator
# is a U-Net: it reads the melody track (32, 128, 1) with a noise tensor and writes four tracks; the critic (a WGAN-GP,
# lesson 07) judges the four tracks together with the melody, so it learns what accompaniment fits *this* melody.
# That is pix2pix's set-up: the melody is the input image, the band is the output image.
#
# The multi-track idea comes from **MuseGAN** (Dong, Hsiao, Yang and Yang, AAAI 2018): GANs writing piano rolls of
# five tracks (bass, drums, guitar, piano and strings), trained on over a hundred thousand bars of rock music, either
# from scratch or accompanying a track the user gives.
#
# Here is a piano roll in that format: the first two bars of "Twinkle, Twinkle, Little Star" as the melody, and
# three lower voices written by a simple rule (chord notes below the melody; no GAN involved), as a tensor of four
# channels, one per track.

# %%
STEPS_PER_BEAT, BEATS = 4, 8                                             # 2 bars of 4 beats: 32 time steps
melody = [60, 60, 67, 67, 69, 69, 67, 67]                                # C C G G A A G (held): MIDI pitches, one a beat
chords = [(48, 52, 55)] * 4 + [(53, 57, 60)] * 2 + [(48, 52, 55)] * 2    # C major, F major, C major: (bass, tenor, alto)


def piano_roll(pitch_per_beat):
    """One track: a pitch per beat -> (128, 32), 1 where the note sounds (the last step of a beat left silent)."""
    roll = torch.zeros(128, STEPS_PER_BEAT * BEATS)
    for beat, pitch in enumerate(pitch_per_beat):
        roll[pitch, beat * STEPS_PER_BEAT:(beat + 1) * STEPS_PER_BEAT - 1] = 1.0
    return roll


tracks = torch.stack([piano_roll(melody)] + [piano_roll([c[v] for c in chords]) for v in (2, 1, 0)])
song = tracks[None]                                                      # (1, 4, 128, 32): an "image" of 4 channels
print(f"the song as a tensor: {tuple(song.shape)} = (batch, tracks, pitches, time steps); "
      f"{int(song.sum())} of its {song.numel()} cells are on")

fig, axes = plt.subplots(4, 1, figsize=(7, 5.6), sharex=True, layout="constrained")
for ax, roll, name in zip(axes, tracks, ["melody (the input)", "alto", "tenor", "bass"]):
    ax.imshow(roll[40:76], origin="lower", aspect="auto", cmap="Greys", extent=(-0.5, 31.5, 39.5, 75.5))
    ax.set_ylabel("pitch")
    ax.set_title(name, fontsize=9, loc="left")
    for bar in (15.5,):
        ax.axvline(bar, color="tab:orange", linewidth=1)
axes[-1].set_xlabel("time step (4 a beat; the orange line is the bar line)")
plt.show()

# %% [markdown]
# A convolution slides the same kernel along both axes. Along time, a shift means "the same thing, later". Along
# pitch, a shift means **transposition**: the same tune in another key. Both show in the numbers: a convolution of the
# song moved up two semitones (or one beat later) is the convolution of the song, moved the same way.

# %%
kernel = torch.randn(1, 4, 3, 3, generator=torch.Generator().manual_seed(15))  # one random 3×3 filter over the 4 tracks
response = F.conv2d(song, kernel, padding=1)                              # (1, 1, 128, 32)
up_two = F.pad(song, (0, 0, 2, 0))[:, :, :128]                           # every note two semitones higher
later = F.pad(song, (STEPS_PER_BEAT, 0))[..., :32]                       # everything one beat later (end cut off)
moved_up = F.conv2d(up_two, kernel, padding=1)[:, :, 2:-1]               # away from the edges of the roll
moved_later = F.conv2d(later, kernel, padding=1)[..., STEPS_PER_BEAT:-1]
print("transposed up 2 semitones: largest difference from the response moved up 2 rows:",
      float((moved_up - response[:, :, :-3]).abs().max()))
print("one beat later: largest difference from the response moved 4 steps later:",
      float((moved_later - response[..., :-STEPS_PER_BEAT - 1]).abs().max()))
print(f"a 3×3 kernel sees pitches within ±1 semitone and {3 / STEPS_PER_BEAT:.2f} of a beat; an octave is 12 rows "
      "apart, a major third 4")

# %% [markdown]
# **Exercise 7 (thought question).** What does sharing one kernel across the pitch axis assume about music, and
# across the time axis? Where do those assumptions hold, and where do they break? What would you change in a
# small-kernel convolutional generator for piano rolls?

# %% [markdown] tags=["answer:q7"]
# **Along pitch**, weight sharing says a pattern means the same thing wherever it sits: a major triad, an interval, a
# melodic step look the same in every key, and transposing a song moves its roll up or down without changing it.
# That is largely true of harmony, which is about intervals. It breaks at the edges: register matters (a bass line
# lives low, a melody high; the same chord shape sounds muddy at the bottom), instruments have ranges, and whether a
# note fits depends on the key, which is not local. Musical distances are not local either: the octave, the strongest
# relation, is 12 rows away, and a small kernel sees only neighbouring semitones, which in a chord are mostly *not*
# played together.
#
# **Along time**, sharing says a pattern means the same thing whenever it happens, which holds for rhythms and
# motifs. But music has a grid: the downbeat of a bar, the beat, the phrase of 2 or 4 bars. A convolution does not know
# where in the bar it is, and a 3-step kernel spans less than a beat.
#
# **Changes:** kernels (or dilations) that span an octave along pitch, or a first layer that reads a whole octave or
# all 128 pitches at once; kernels shaped by beats and bars along time (4 or 16 steps), or the bar position as an extra
# input; and separate weights per track, since bass, melody and inner voices behave differently, while the
# critic looks at all the tracks together (as DeepComposer's does) to judge how they fit.

# %% [markdown]
# ## Summary
#
# - **pix2pixHD**: one discriminator design on an image pyramid (full size, ½, ¼) gives large receptive fields
#   cheaply; feature matching adds an L1 distance between D's features of each real pair and its fake.
# - **Everybody Dance Now**: pose as the condition; G conditioned on its previous frame, D judging pairs of frames,
#   against flicker; poses normalised by height and ankle position before transfer.
# - **TL-GAN**: knobs for a generator already trained, by fitting labels on z (least squares) and orthogonalising
#   the axes so that one knob leaves the others' fitted values alone.
# - **DeepComposer / MuseGAN**: music as a multi-track piano roll, treated as an image; a melody-conditioned
#   generator writes the accompaniment, pix2pix style.
