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
# # 02 · Convolution and transposed convolution, by hand
#
# A GAN's discriminator **looks at** images with convolutions, which shrink a picture into a verdict.
# Its generator **draws** images with *transposed* convolutions, which grow a handful of numbers into
# a picture. Both are simple arithmetic once you have done them by hand, and that is what this lesson
# is about:
#
# 1. a convolution, worked by hand on the workshop's example, then in code;
# 2. why deep learning's "convolution" is really *cross-correlation*;
# 3. a transposed convolution, by hand;
# 4. the output-size formulas;
# 5. both operations written from scratch and compared with PyTorch;
# 6. the matrix view: a convolution is a matrix **W**, a transposed convolution is **Wᵀ**;
# 7. checkerboard artifacts, and how to avoid them.
#
# Each exercise has a check. Run `q1.check()` after answering; `q1.hint()`, `q1.hint(2)` and
# `q1.solution()` help when you are stuck.

# %%
# Set up the lesson: the checks (q1, q2, ...) and the blank ____ you will fill in.
from learntools.core import binder; binder.bind(globals())
from learntools.gans.ex2 import *

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F

print("Setup complete: checks for lesson 02 are loaded.")

# %% [markdown]
# ## 1. A convolution, by hand
#
# Here is the workshop's example: a 4×4 grayscale image whose first row is bright (200) and whose
# second row is dark (0), and a 2×2 kernel.
#
# ```
# image                      kernel
# 200  200  200  200         1.5   1.5
#   0    0    0    0        -1.5  -1.5
#   0    0    0    0
# 200  200  200  200
# ```
#
# To convolve, put the kernel on the top-left 2×2 corner of the image, multiply each pixel by the
# kernel weight on top of it, and add the four products. That sum is the top-left cell of the output.
# Then slide the kernel one pixel to the right and do it again; at the end of a row, go back to the left
# and one pixel down.
#
# The kernel adds up its top row and subtracts its bottom row: it is a **horizontal edge detector**.
#
# **Exercise 1.** Work out the top-left output cell with pencil and paper (or in your head), and write the
# number below.

# %%
image = torch.tensor([
    [200.0, 200.0, 200.0, 200.0],
    [  0.0,   0.0,   0.0,   0.0],
    [  0.0,   0.0,   0.0,   0.0],
    [200.0, 200.0, 200.0, 200.0],
])
kernel = torch.tensor([
    [ 1.5,  1.5],
    [-1.5, -1.5],
])

### BEGIN STARTER
top_left = ____  # the top-left output cell, worked out by hand
### END STARTER
### BEGIN SOLUTION
top_left = 200 * 1.5 + 200 * 1.5 + 0 * (-1.5) + 0 * (-1.5)
### END SOLUTION

# %%
q1.check()

# %% [markdown]
# **Exercise 2.** Now fill in the whole output. The kernel fits at 3 positions across a row of 4 pixels
# and at 3 positions down, so the output is 3×3. Replace every `____` with a number.
#
# ```
# output
#  600   ?   ?
#    ?   ?   ?
#    ?   ?   ?
# ```

# %%
### BEGIN STARTER
conv_output = [
    [600, ____, ____],
    [____, ____, ____],
    [____, ____, ____],
]
### END STARTER
### BEGIN SOLUTION
conv_output = [
    [600, 600, 600],
    [0, 0, 0],
    [-600, -600, -600],
]
### END SOLUTION

# %%
q2.check()

# %% [markdown]
# Step through the same computation below: the slider moves the kernel one output cell at a time and
# writes out the sum. (Where widgets don't display, you see the last step as a picture.)

# %%
from learntools.gans.display.widgets import conv_stepper

conv_stepper(image, kernel)

# %% [markdown]
# PyTorch agrees. `F.conv2d` works on batches of multi-channel images, so the 2-D image becomes shape
# (batch=1, channels=1, 4, 4) and the kernel (out_channels=1, in_channels=1, 2, 2):

# %%
output = F.conv2d(image[None, None], kernel[None, None])  # (1, 1, 3, 3)
print(output[0, 0])

# %% [markdown]
# ## 2. Deep learning's "convolution" is cross-correlation
#
# In mathematics and signal processing, a **convolution flips the kernel** (upside down and left to
# right) before sliding it. What you just computed, and what `torch.nn.Conv2d` computes, slides the kernel
# *as it is*: that operation is called **cross-correlation**. Deep learning calls it convolution anyway.
# For a network it makes no difference, since the kernel is learned and could learn the flipped weights
# just as well. But it matters when you compare with a textbook or `scipy.signal.convolve2d`.
#
# **Exercise 3.** Compute the top-left cell of a *true* convolution: flip the kernel both ways first.

# %%
### BEGIN STARTER
true_convolution_top_left = ____
### END STARTER
### BEGIN SOLUTION
true_convolution_top_left = 200 * (-1.5) + 200 * (-1.5) + 0 * 1.5 + 0 * 1.5
### END SOLUTION

# %%
q3.check()

# %% [markdown]
# ## 3. A transposed convolution, by hand
#
# A transposed convolution goes the other way: from a small input to a larger output. Each **input
# pixel stamps a copy of the kernel, scaled by the pixel's value**, onto the output. Where stamps
# overlap, they add up.
#
# You will meet this operation under other names. The DCGAN paper (lesson 03) calls it a
# *fractionally-strided* convolution: stamps 2 output pixels apart are like a convolution that moves half
# a pixel per step. Many papers, libraries and the workshop's own slides call it a *deconvolution*, which
# is a misnomer: a deconvolution would undo a convolution, and section 6 shows that this operation doesn't.
#
# **Exercise 4.** Take a single pixel of value 200 and the same kernel. What 2×2 output does a
# transposed convolution give?

# %%
### BEGIN STARTER
transposed_single = [
    [____, ____],
    [____, ____],
]
### END STARTER
### BEGIN SOLUTION
transposed_single = [
    [300, 300],
    [-300, -300],
]
### END SOLUTION

# %%
q4.check()

# %% [markdown]
# **Exercise 5.** Now a 2×2 input, `[[200, 100], [0, 0]]`, with stride 1. The 200 stamps on output
# rows 0-1, columns 0-1; the 100 stamps on rows 0-1, columns 1-2. The output is 3×3. Where the two stamps
# overlap, add them.

# %%
small_input = torch.tensor([
    [200.0, 100.0],
    [  0.0,   0.0],
])

### BEGIN STARTER
transposed_output = [
    [____, ____, ____],
    [____, ____, ____],
    [____, ____, ____],
]
### END STARTER
### BEGIN SOLUTION
transposed_output = [
    [300, 450, 150],
    [-300, -450, -150],
    [0, 0, 0],
]
### END SOLUTION

# %%
q5.check()

# %% [markdown]
# Watch the stamps land one input pixel at a time:

# %%
conv_stepper(small_input, kernel, mode="transposed")

# %% [markdown]
# ## 4. Output sizes
#
# Along one axis, an input of length *n*, a kernel of size *k*, a stride *s* and a padding *p* give
#
# - convolution: **⌊(n + 2p − k) / s⌋ + 1**
# - transposed convolution: **(n − 1)·s − 2p + k + output_padding**
#
# In a convolution, padding adds zeros around the input. In a transposed convolution, `padding` does the
# opposite: it *crops* that many rows and columns from the output, and `output_padding` adds rows at the
# end (it resolves the ambiguity that several input sizes shrink to the same output size with stride > 1).
# These two formulas are how you design a generator: from a 7×7 feature map, a transposed convolution
# with k=4, s=2, p=1 gives (7 − 1)·2 − 2 + 4 = 14, and another one gives 28, the size of an MNIST digit.
#
# **Exercise 6.** Write both formulas as functions. `q6` has two parts: `q6.a` and `q6.b`.

# %%
def conv_output_size(n, kernel, stride=1, padding=0):
    """Length of a convolution's output along one axis."""
    ### BEGIN STARTER
    return ____
    ### END STARTER
    ### BEGIN SOLUTION
    return (n + 2 * padding - kernel) // stride + 1
    ### END SOLUTION


def conv_transpose_output_size(n, kernel, stride=1, padding=0, output_padding=0):
    """Length of a transposed convolution's output along one axis."""
    ### BEGIN STARTER
    return ____
    ### END STARTER
    ### BEGIN SOLUTION
    return (n - 1) * stride - 2 * padding + kernel + output_padding
    ### END SOLUTION

# %%
q6.a.check()

# %%
q6.b.check()

# %% [markdown]
# ## 5. Both operations from scratch
#
# **Exercise 7.** Write `conv2d(image, kernel, stride, padding)` for a single-channel 2-D image and a
# square kernel, with loops. It must match `F.conv2d` (on one channel), including stride 2 and padding.
# The check tries the workshop's example first, then random images.

# %%
def conv2d(image, kernel, stride=1, padding=0):
    """Cross-correlate a 2-D image (H, W) with a k×k kernel; returns (H_out, W_out)."""
    ### BEGIN STARTER
    padded = F.pad(image, (padding, padding, padding, padding))  # zeros on every side
    k = kernel.shape[0]
    out_h = conv_output_size(image.shape[0], k, stride, padding)
    out_w = conv_output_size(image.shape[1], k, stride, padding)
    output = torch.zeros(out_h, out_w)
    # Fill in output[i, j] for every i, j: the window under the kernel, times the kernel, summed.
    return ____
    ### END STARTER
    ### BEGIN SOLUTION
    padded = F.pad(image, (padding, padding, padding, padding))  # zeros on every side
    k = kernel.shape[0]
    out_h = (image.shape[0] + 2 * padding - k) // stride + 1
    out_w = (image.shape[1] + 2 * padding - k) // stride + 1
    output = torch.zeros(out_h, out_w)
    for i in range(out_h):
        for j in range(out_w):
            window = padded[i * stride : i * stride + k, j * stride : j * stride + k]  # (k, k)
            output[i, j] = (window * kernel).sum()
    return output
    ### END SOLUTION

# %%
q7.check()

# %% [markdown]
# **Exercise 8.** Write `conv_transpose2d(image, kernel, stride, padding)`: every input pixel adds
# pixel × kernel into the output, stamps `stride` pixels apart; then `padding` rows and columns are
# cropped from every border. It must match `F.conv_transpose2d`.

# %%
def conv_transpose2d(image, kernel, stride=1, padding=0):
    """Transposed convolution of a 2-D image (H, W) with a k×k kernel; returns (H_out, W_out)."""
    ### BEGIN STARTER
    k = kernel.shape[0]
    full_h = (image.shape[0] - 1) * stride + k
    full_w = (image.shape[1] - 1) * stride + k
    full = torch.zeros(full_h, full_w)  # the output before cropping the padding
    # Add each pixel's stamp into `full`, then crop `padding` from every border.
    return ____
    ### END STARTER
    ### BEGIN SOLUTION
    k = kernel.shape[0]
    full_h = (image.shape[0] - 1) * stride + k
    full_w = (image.shape[1] - 1) * stride + k
    full = torch.zeros(full_h, full_w)  # the output before cropping the padding
    for i in range(image.shape[0]):
        for j in range(image.shape[1]):
            full[i * stride : i * stride + k, j * stride : j * stride + k] += image[i, j] * kernel
    return full[padding : full_h - padding, padding : full_w - padding]
    ### END SOLUTION

# %%
q8.check()

# %% [markdown]
# ## 6. The matrix view: W and Wᵀ
#
# A convolution is linear, so it is a matrix. Flatten a 3×3 image into 9 numbers; a 2×2 kernel gives a
# 2×2 output, 4 numbers. The convolution is a 4×9 matrix **W** with `W @ image.flatten()` equal to
# `conv2d(image, kernel).flatten()`. Row *r* of W holds the kernel's weights at the columns of the pixels
# that output cell *r* reads, and zeros elsewhere.
#
# **Exercise 9.** Write `convolution_matrix(kernel, n)` for an n×n image (stride 1, no padding).

# %%
def convolution_matrix(kernel, n):
    """W of shape ((n - k + 1)², n²) such that W @ image.flatten() == conv2d(image, kernel).flatten()."""
    ### BEGIN STARTER
    k = kernel.shape[0]
    m = n - k + 1  # the output is m×m
    W = torch.zeros(m * m, n * n)
    # Output cell (i, j) is row i*m + j; it reads pixel (i + a, j + b), column (i + a)*n + (j + b).
    return ____
    ### END STARTER
    ### BEGIN SOLUTION
    k = kernel.shape[0]
    m = n - k + 1  # the output is m×m
    W = torch.zeros(m * m, n * n)
    for i in range(m):
        for j in range(m):
            for a in range(k):
                for b in range(k):
                    W[i * m + j, (i + a) * n + (j + b)] = kernel[a, b]
    return W
    ### END SOLUTION

# %%
q9.check()

# %% [markdown]
# Here is why the other operation is called *transposed*: **Wᵀ** maps 4 numbers back to 9, and that is
# exactly a transposed convolution with the same kernel. (It does *not* undo the convolution: Wᵀ is not
# the inverse of W. It only has the shape of one.) This is also how the gradient of a convolution flows
# backwards, which is why PyTorch's `conv_transpose2d` is sometimes called a "backward convolution".
#
# **Exercise 10.** Use your `W` for a 3×3 image to compute the transposed convolution of
# `y_small = [[1, 2], [3, 4]]`, as a 3×3 tensor. The check compares it with `F.conv_transpose2d`.

# %%
y_small = torch.tensor([
    [1.0, 2.0],
    [3.0, 4.0],
])

### BEGIN STARTER
transposed_from_matrix = ____  # 3×3, computed with W.T
### END STARTER
### BEGIN SOLUTION
W = convolution_matrix(kernel, 3)                                    # (4, 9)
transposed_from_matrix = (W.T @ y_small.flatten()).reshape(3, 3)     # (9,) -> (3, 3)
### END SOLUTION

# %%
q10.check()

# %% [markdown]
# ## 7. Checkerboard artifacts
#
# Early GANs drew faint checkerboards over their images. The reason is in the stamps: with kernel 3 and
# stride 2, neighbouring stamps overlap on every other pixel, so some output pixels get two
# contributions and their neighbours one.
#
# **Exercise 11.** In 1-D, a transposed convolution with stride 2 and a kernel of three 1s takes an
# input of five 1s. How many stamps cover each of the 11 output positions? Compute the counts as a
# tensor of length 11 (by hand or with `F.conv_transpose1d`).

# %%
### BEGIN STARTER
overlap_counts = ____  # 11 counts
### END STARTER
### BEGIN SOLUTION
overlap_counts = F.conv_transpose1d(torch.ones(1, 1, 5), torch.ones(1, 1, 3), stride=2)[0, 0]
### END SOLUTION

# %%
q11.check()

# %% [markdown]
# In 2-D the uneven pattern multiplies across rows and columns into a checkerboard. Uneven overlap is not
# the whole story, though: a trained layer's kernel is not made of 1s. Below, a constant 8×8 image goes
# through three upsampling layers, in three ways: stride-2 transposed convolutions with kernel 3, the same
# with kernel 4, and "resize, then convolve" (nearest-neighbour upsampling, then an ordinary stride-1
# convolution with kernel 3). In the top row every kernel is 1s, so any pattern comes from the layer's
# geometry alone; in the bottom row the kernels are random, like those of an untrained network.

# %%
def upsample_transposed(x, kernels):
    """Grow x (N, 1, H, W) with one stride-2 transposed convolution per kernel (each (1, 1, k, k), k = 3 or 4)."""
    for kernel in kernels:
        k = kernel.shape[-1]
        x = F.conv_transpose2d(x, kernel, stride=2, padding=1, output_padding=k % 2)  # (N, 1, 2H, 2W)
    return x


def upsample_resize_conv(x, kernels):
    """Grow x (N, 1, H, W) by nearest-neighbour resizing, then a stride-1 convolution, once per 3×3 kernel."""
    for kernel in kernels:
        x = F.interpolate(x, scale_factor=2, mode="nearest")    # (N, 1, 2H, 2W)
        x = F.pad(x, (1, 1, 1, 1), mode="replicate")            # (N, 1, 2H + 2, 2W + 2)
        x = F.conv2d(x, kernel)                                 # (N, 1, 2H, 2W)
    return x


def show_upsampled(ax, picture, title):
    """Draw the centre of an upsampled picture, framed; a flat picture is drawn mid-grey and says its value."""
    shown = picture[0, 0, 8:-8, 8:-8]  # leave out the border, where the transposed ones taper off
    low, high = shown.min().item(), shown.max().item()
    if high - low <= 1e-6 * max(1.0, abs(high)):
        ax.imshow(shown, cmap="gray", vmin=low - 1, vmax=low + 1)
        title += f"\nflat: every pixel is {low:.4g}"
    else:
        ax.imshow(shown, cmap="gray", vmin=low, vmax=high)
        title += f"\nfrom {low:.4g} to {high:.4g}"
    ax.set_title(title, fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])  # ticks off, frame kept: a flat panel is still visibly a picture


def kernel_sets(kind, seed=0):
    """Three kernels per method: all 1s, or random normal numbers (seeded)."""
    generator = torch.Generator().manual_seed(seed)
    make = torch.ones if kind == "ones" else (lambda *shape: torch.randn(*shape, generator=generator))
    return {size: [make(1, 1, size, size) for _ in range(3)] for size in (3, 4)}


constant = torch.ones(1, 1, 8, 8)
fig, axes = plt.subplots(2, 3, figsize=(10, 7.4), layout="constrained")
for row, kind in zip(axes, ["ones", "random"]):
    kernels = kernel_sets(kind)
    for ax, (title, picture) in zip(row, [
        (f"transposed conv, stride 2, kernel 3\n({kind} kernels)", upsample_transposed(constant, kernels[3])),
        (f"transposed conv, stride 2, kernel 4\n({kind} kernels)", upsample_transposed(constant, kernels[4])),
        (f"resize (nearest), then conv, kernel 3\n({kind} kernels)", upsample_resize_conv(constant, kernels[3])),
    ]):
        show_upsampled(ax, picture, title)
fig.suptitle("A constant 8×8 image upsampled to 64×64 by three layers (the centre 48×48 shown)")
plt.show()

# %% [markdown]
# Top row: with kernels of 1s, kernel 3 draws a checkerboard although the input was flat, while kernel 4
# (the stride divides the kernel, so every pixel gets the same number of stamps) and resize-then-convolve
# stay flat. Bottom row: with random kernels, kernel 4 draws a checkerboard too. Equal *numbers* of stamps
# are not enough: along each axis, even output pixels get two of the kernel's four taps and odd ones the
# other two, so in 2-D each of the four pixel "phases" adds up its own quarter of the 16 weights. Unless
# the four quarters happen to sum to the same value, neighbouring pixels differ: one layer draws a pattern
# that repeats every 2 pixels, and three layers stack theirs into one that repeats every 8.
# Resize-then-convolve stays flat for **any** kernel: after the resize a flat region is still flat, and a
# stride-1 convolution applies the same taps at every output pixel. That, not the stamp count, is the real
# argument for it (Odena, Dumoulin & Olah, "Deconvolution and Checkerboard Artifacts", Distill 2016).
#
# DCGAN, the generator of the next lesson, uses **kernel 4 with stride 2**. That removes the uneven
# overlap, so a trained network *can* balance the four quarters, but nothing in the layer makes it do so.
# Trained generators learn to hide the pattern, and it often survives faintly.
#
# **Exercise 12 (thought question).** Why does "resize, then convolve" avoid the checkerboard, for any
# weights, while a transposed convolution with kernel 4 and stride 2 avoids it only for some? Write a few
# sentences, then compare with the discussion.

# %% [markdown] tags=["answer:q12"]
# A stride-2 transposed convolution with kernel 3 covers output pixels unevenly (1, 2, 1, 2, ... stamps),
# and in 2-D that unevenness forms a checkerboard. Kernel 4 with stride 2 evens out the count, but every
# output pixel still belongs to one of four phases (even or odd row, even or odd column), and each phase
# adds up a different quarter of the kernel's 16 weights: with learned or random weights the four sums
# differ, and a flat input comes out as a checkerboard. Resizing first keeps a flat region flat, and the
# stride-1 convolution that follows applies the same taps at every output pixel, so a flat input stays
# flat whatever the weights: the layer has no pattern of its own to impose.

# %% [markdown]
# ## Summary
#
# - A (deep-learning) convolution slides the kernel over the input and sums products: cross-correlation,
#   no flip. A true convolution flips the kernel first.
# - A transposed convolution lets every input pixel stamp a scaled kernel on the output; overlaps add.
# - Output sizes: ⌊(n + 2p − k)/s⌋ + 1 for a convolution, (n − 1)s − 2p + k + output_padding for a
#   transposed one.
# - A convolution is a matrix W; a transposed convolution is Wᵀ (same shape as an inverse, not an inverse).
# - Stride 2 with kernel 3 stamps unevenly and draws checkerboards. Kernel 4 evens the stamp count, but with
#   learned or random weights it can still draw one; resize-then-convolve stays flat for any weights.
# - Other names for a transposed convolution: fractionally-strided convolution, and (a misnomer) deconvolution.
#
# Next: **03 · The generator**, where transposed convolutions turn 100 random numbers into a digit.
