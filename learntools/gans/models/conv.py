"""Convolution and transposed convolution written out by hand, for one channel.

These are the reference answers of lesson 02, kept small enough to read. They match
``torch.nn.functional.conv2d`` and ``conv_transpose2d`` on a single channel.
"""

import torch
import torch.nn.functional as F

__all__ = ["conv_output_size", "conv_transpose_output_size", "conv2d", "conv_transpose2d", "convolution_matrix"]


def conv_output_size(n, kernel, stride=1, padding=0):
    """Output length of a convolution along one axis: floor((n + 2p - k) / s) + 1."""
    return (n + 2 * padding - kernel) // stride + 1


def conv_transpose_output_size(n, kernel, stride=1, padding=0, output_padding=0):
    """Output length of a transposed convolution along one axis: (n - 1) s - 2p + k + output_padding."""
    return (n - 1) * stride - 2 * padding + kernel + output_padding


def conv2d(image, kernel, stride=1, padding=0):
    """Cross-correlate a 2-D image with a 2-D kernel, the way deep-learning "convolution" does.

    image: (H, W), kernel: (k, k) -> output: (H_out, W_out)
    """
    padded = F.pad(image, (padding, padding, padding, padding))  # (H + 2p, W + 2p)
    k = kernel.shape[0]
    out_h = conv_output_size(image.shape[0], k, stride, padding)
    out_w = conv_output_size(image.shape[1], k, stride, padding)
    output = torch.zeros(out_h, out_w, dtype=image.dtype)
    for i in range(out_h):
        for j in range(out_w):
            # The window the kernel covers for output cell (i, j).
            window = padded[i * stride : i * stride + k, j * stride : j * stride + k]  # (k, k)
            output[i, j] = (window * kernel).sum()
    return output


def conv_transpose2d(image, kernel, stride=1, padding=0):
    """Transposed convolution: every input pixel paints a scaled copy of the kernel, and overlaps add.

    image: (H, W), kernel: (k, k) -> output: (H_out, W_out)
    """
    k = kernel.shape[0]
    full_h = (image.shape[0] - 1) * stride + k
    full_w = (image.shape[1] - 1) * stride + k
    full = torch.zeros(full_h, full_w, dtype=image.dtype)  # before cropping the padding
    for i in range(image.shape[0]):
        for j in range(image.shape[1]):
            full[i * stride : i * stride + k, j * stride : j * stride + k] += image[i, j] * kernel
    # Padding in a transposed convolution removes rows and columns from the border.
    return full[padding : full_h - padding, padding : full_w - padding]


def convolution_matrix(kernel, n):
    """The matrix W with W @ image.flatten() == conv2d(image, kernel).flatten() for an n x n image.

    kernel: (k, k) -> W: ((n - k + 1)^2, n^2); stride 1, no padding.
    """
    k = kernel.shape[0]
    m = n - k + 1
    W = torch.zeros(m * m, n * n, dtype=kernel.dtype)
    for i in range(m):
        for j in range(m):
            row = i * m + j  # output cell (i, j)
            for a in range(k):
                for b in range(k):
                    W[row, (i + a) * n + (j + b)] = kernel[a, b]  # it reads input pixel (i+a, j+b)
    return W
