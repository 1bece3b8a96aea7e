"""Lesson 02: mistakes in the output-size formulas and the from-scratch convolutions."""

import torch
import torch.nn.functional as F


def conv_output_size_true_division(n, kernel, stride=1, padding=0):
    return (n + 2 * padding - kernel) / stride + 1  # right whenever the stride divides evenly


def conv_transpose_output_size_without_output_padding(n, kernel, stride=1, padding=0, output_padding=0):
    return (n - 1) * stride - 2 * padding + kernel


def conv2d_forgets_the_stride(image, kernel, stride=1, padding=0):
    padded = F.pad(image, (padding, padding, padding, padding))
    k = kernel.shape[0]
    out_h = (image.shape[0] + 2 * padding - k) // stride + 1
    out_w = (image.shape[1] + 2 * padding - k) // stride + 1
    output = torch.zeros(out_h, out_w)
    for i in range(out_h):
        for j in range(out_w):
            output[i, j] = (padded[i : i + k, j : j + k] * kernel).sum()  # the window never jumps
    return output


def conv2d_square_only(image, kernel, stride=1, padding=0):
    """Right on the lesson's square images: the width is taken from the height."""
    padded = F.pad(image, (padding, padding, padding, padding))
    k = kernel.shape[0]
    out = (image.shape[0] + 2 * padding - k) // stride + 1
    output = torch.zeros(out, out)
    for i in range(out):
        for j in range(out):
            output[i, j] = (padded[i * stride : i * stride + k, j * stride : j * stride + k] * kernel).sum()
    return output


def conv_transpose2d_square_only(image, kernel, stride=1, padding=0):
    """Right on the lesson's square inputs: the width is taken from the height."""
    k, n = kernel.shape[0], image.shape[0]
    full = torch.zeros((n - 1) * stride + k, (n - 1) * stride + k)
    for i in range(n):
        for j in range(n):
            full[i * stride : i * stride + k, j * stride : j * stride + k] += image[i, j] * kernel
    end = full.shape[0] - padding
    return full[padding:end, padding:end]


def conv_transpose2d_forgets_the_crop(image, kernel, stride=1, padding=0):
    k = kernel.shape[0]
    full = torch.zeros((image.shape[0] - 1) * stride + k, (image.shape[1] - 1) * stride + k)
    for i in range(image.shape[0]):
        for j in range(image.shape[1]):
            full[i * stride : i * stride + k, j * stride : j * stride + k] += image[i, j] * kernel
    return full  # `padding` rows and columns are never cropped


def convolution_matrix_with_a_flipped_kernel(kernel, n):
    """A true (flipped-kernel) convolution instead of deep learning's cross-correlation."""
    kernel = kernel.flip(0, 1)
    k = kernel.shape[0]
    m = n - k + 1
    W = torch.zeros(m * m, n * n)
    for i in range(m):
        for j in range(m):
            window = torch.zeros(n, n)
            window[i : i + k, j : j + k] = kernel
            W[i * m + j] = window.flatten()
    return W


MISTAKES = {
    "hidden_q6a": [conv_output_size_true_division],
    "hidden_q6b": [conv_transpose_output_size_without_output_padding],
    "hidden_q7": [conv2d_forgets_the_stride, conv2d_square_only],
    "hidden_q8": [conv_transpose2d_forgets_the_crop, conv_transpose2d_square_only],
    "hidden_q9": [convolution_matrix_with_a_flipped_kernel],
}
