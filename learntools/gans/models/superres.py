"""SRResNet, the SRGAN generator (Ledig et al. 2017), lesson 10.

pix2pix's U-Net works at full size on the bicubic upsample. SRGAN does the work at *low*
resolution and upsamples at the end: residual blocks on the small image, then sub-pixel
convolutions (Shi et al. 2016): a convolution makes 4x the channels and `nn.PixelShuffle(2)`
rearranges them into an image twice as tall and wide. Most of the computing happens on 7x7 maps,
16 times fewer pixels than 28x28.

    G = SRResNet(scale=4)                                # shrinks its input back to 7x7 itself

Training (SRGANTrainer, with the feature loss): learntools.gans.training.superres.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["SRResNet"]


class _ResidualBlock(nn.Module):
    """x + conv3x3 -> PReLU -> conv3x3 (x): no BatchNorm, as in ESRGAN (it causes artefacts there)."""

    def __init__(self, width: int):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(width, width, kernel_size=3, padding=1),
            nn.PReLU(width),
            nn.Conv2d(width, width, kernel_size=3, padding=1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.body(x)  # (N, width, h, w)


class SRResNet(nn.Module):
    """A small SRGAN generator: images (N, C, H, W) -> (N, C, H, W), the work done at H/scale x W/scale.

    Its input is the *bicubic upsample* of a low-resolution image (as in paired.py's pairs, so the
    pix2pix trainer and scores apply unchanged); the first layer averages scale x scale blocks to get
    back to the small image. Then: 3x3 conv + PReLU -> n_blocks residual blocks (+ a skip over all of
    them) -> per factor 2: conv to 4 * width channels, PixelShuffle(2), PReLU -> 3x3 conv to C.

    There is no tanh at the end: an L1 loss pulls most pixels to the background's -1, where a tanh
    would saturate and stop learning. Outputs are clamped to [-1, 1] in eval mode.
    """

    def __init__(self, channels: int = 1, scale: int = 4, width: int = 32, n_blocks: int = 4):
        super().__init__()
        if scale not in (2, 4, 8):
            raise ValueError(f"scale must be 2, 4 or 8, got {scale!r}.")
        self.channels, self.scale = channels, scale
        self.head = nn.Sequential(nn.Conv2d(channels, width, kernel_size=3, padding=1), nn.PReLU(width))
        self.body = nn.Sequential(*[_ResidualBlock(width) for _ in range(n_blocks)],
                                  nn.Conv2d(width, width, kernel_size=3, padding=1))
        upsampling = []
        for _ in range(scale.bit_length() - 1):  # log2(scale) doublings
            upsampling += [
                nn.Conv2d(width, 4 * width, kernel_size=3, padding=1),  # (N, 4w, h, w)
                nn.PixelShuffle(2),                                     # (N, w, 2h, 2w): channels become pixels
                nn.PReLU(width),
            ]
        self.upsample = nn.Sequential(*upsampling)
        self.to_image = nn.Conv2d(width, channels, kernel_size=3, padding=1)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        if not isinstance(images, torch.Tensor) or images.ndim != 4 or images.shape[1] != self.channels:
            shape = tuple(images.shape) if isinstance(images, torch.Tensor) else type(images).__name__
            raise ValueError(f"SRResNet expects images of shape (N, {self.channels}, H, W), got {shape}.")
        if images.shape[-1] % self.scale or images.shape[-2] % self.scale:
            raise ValueError(f"SRResNet(scale={self.scale}) needs sides divisible by {self.scale}, "
                             f"got {tuple(images.shape[-2:])}.")
        small = F.avg_pool2d(images, self.scale)  # (N, C, H/s, W/s): the low-resolution image
        features = self.head(small)               # (N, w, H/s, W/s)
        features = features + self.body(features)  # residual blocks, with a skip over all of them
        out = self.to_image(self.upsample(features))  # (N, C, H, W)
        return out if self.training else out.clamp(-1, 1)
