"""Two ideas behind today's big image GANs, each in a few lines.

Progressive growing (Karras, Aila, Laine & Lehtinen, ProGAN, 2018) trains at 4x4 first, then adds
layers for 8x8, 16x16, ... up to 1024x1024. A new layer is *faded in*: for a while the output is a
blend of the old network's image, upsampled (nearest neighbour), and the new layer's image,

    fade_in(old, new, alpha) = (1 - alpha) * upsample(old) + alpha * new,    alpha: 0 -> 1

so the freshly initialised layer cannot wreck what the smaller network already learned.

StyleGAN (Karras, Laine & Aila, 2019) feeds the noise through a mapping network to a "style"
vector w, and each layer of the synthesis network gets its own scale and bias from w through
adaptive instance normalisation (AdaIN, Huang & Belongie 2017):

    adain(x, scale, bias) = scale * (x - mean(x)) / std(x) + bias     (per image, per channel)

Normalising wipes each feature map's own statistics; the style puts new ones in. Early (coarse)
layers' styles set pose and shape, later (fine) layers' set texture and colour; giving them styles
from two different w is "style mixing". On an image, AdaIN with another picture's per-channel mean
and standard deviation is a colour transfer (`transfer_statistics`).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

__all__ = ["fade_in", "adain", "channel_statistics", "transfer_statistics", "EPS"]

EPS = 1e-5  # added to the variance before the square root, as in nn.InstanceNorm2d


def fade_in(old: torch.Tensor, new: torch.Tensor, alpha: float) -> torch.Tensor:
    """Blend the old network's image (N, C, H, W) with the new layer's (N, C, 2H, 2W).

    The old image is doubled in size by nearest-neighbour upsampling (every pixel becomes a 2x2
    block, as in ProGAN); alpha = 0 gives the old network alone, alpha = 1 the new layer alone.
    """
    upsampled = F.interpolate(old, scale_factor=2, mode="nearest")  # (N, C, 2H, 2W)
    return (1 - alpha) * upsampled + alpha * new  # (N, C, 2H, 2W)


def channel_statistics(x: torch.Tensor, eps: float = EPS):
    """Mean and standard deviation of each channel of each image: x (N, C, H, W) -> two (N, C) tensors.

    The variance divides by H * W (not H * W - 1) and gets `eps` before the square root.
    """
    mean = x.mean(dim=(2, 3))  # (N, C)
    std = (x.var(dim=(2, 3), unbiased=False) + eps).sqrt()  # (N, C)
    return mean, std


def adain(x: torch.Tensor, scale: torch.Tensor, bias: torch.Tensor, eps: float = EPS) -> torch.Tensor:
    """Adaptive instance normalisation: x (N, C, H, W), scale and bias (N, C) -> (N, C, H, W).

    Each channel of each image is normalised to mean 0 and standard deviation 1 over its H x W
    positions, then multiplied by that image's `scale` for the channel and shifted by its `bias`.
    """
    mean, std = channel_statistics(x, eps)  # (N, C) each
    normalised = (x - mean[:, :, None, None]) / std[:, :, None, None]  # (N, C, H, W)
    return scale[:, :, None, None] * normalised + bias[:, :, None, None]


def transfer_statistics(content: torch.Tensor, style: torch.Tensor, eps: float = EPS) -> torch.Tensor:
    """AdaIN on images: `content` (N, C, H, W) takes the per-channel mean and std of `style` (N or 1, C, h, w).

    On RGB photos this is a colour transfer: the content keeps its shapes, the style lends its palette.
    """
    mean, std = channel_statistics(style, eps)  # (N or 1, C) each
    mean, std = mean.expand(len(content), -1), std.expand(len(content), -1)
    return adain(content, std, mean, eps)
