"""Two ideas pix2pixHD (Wang, Liu, Zhu, Tao, Kautz & Catanzaro, 2018) adds on the discriminator side of
pix2pix, written for the course's PatchGAN (lesson 15).

1. Multi-scale discriminators: the same PatchGAN architecture, several times, each judging the (input,
   image) pair at another size: full size, halved, quartered. The paper uses three; the one that sees the
   quartered images covers the most of the picture with each verdict.
2. Feature matching: G's loss also compares what each discriminator's inner layers see in the real pair and
   in the fake pair, with an L1 distance. The paper's L_FM(G, D_k) sums, over D_k's layers i, the mean
   absolute difference (1/N_i)·||D_k^(i)(s, x) − D_k^(i)(s, G(s))||_1, and adds it up over the discriminators.
   The real pair's features are constants for G (its released code detaches them).

    pyramid = image_pyramid(torch.cat([inputs, images], dim=1))      # [(N,C,28,28), (N,C,14,14), (N,C,7,7)]
    features, logits = patch_features(D, inputs, images)             # D's LeakyReLU outputs, and its logits
    loss = feature_matching_loss(real_features, fake_features)       # lists per D of lists per layer

The halving is the released code's: 3x3 average pooling, stride 2, padding 1, padding left out of the average.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from learntools.gans.models.pix2pix import PatchDiscriminator, patch_layers, receptive_field

__all__ = ["halve", "image_pyramid", "patch_features", "feature_matching_loss", "multiscale_receptive_fields"]


def halve(images: torch.Tensor) -> torch.Tensor:
    """(N, C, H, W) -> (N, C, ceil(H/2), ceil(W/2)): pix2pixHD's 3x3 average pooling with stride 2."""
    return F.avg_pool2d(images, kernel_size=3, stride=2, padding=1, count_include_pad=False)


def image_pyramid(images: torch.Tensor, n_scales: int = 3) -> list:
    """[images, halved, quartered, ...]: n_scales sizes, the full size first, each level halved from the last."""
    if not isinstance(n_scales, int) or n_scales < 1:
        raise ValueError(f"n_scales must be a whole number >= 1, got {n_scales!r}.")
    levels = [images]                       # (N, C, H, W)
    for _ in range(n_scales - 1):
        levels.append(halve(levels[-1]))    # (N, C, H/2^k, W/2^k), rounded up
    return levels


def _ends_in_activation(layer: nn.Module) -> bool:
    """True for a LeakyReLU, or a block (nn.Sequential) whose last layer is one."""
    if isinstance(layer, nn.Sequential) and len(layer) > 0:
        return _ends_in_activation(layer[-1])
    return isinstance(layer, nn.LeakyReLU)


def patch_features(D: PatchDiscriminator, inputs: torch.Tensor, images: torch.Tensor):
    """Run a PatchDiscriminator on (inputs, images) and keep what each of its layers gives out after its
    LeakyReLU (every layer but the last, which gives the logits).

    Returns (features, logits): the list of intermediate feature maps, input side first, and the grid of
    logits (N, 1, h, w) that D(inputs, images) returns.
    """
    x = torch.cat([inputs, images.to(inputs.dtype)], dim=1)  # (N, C_in + C_out, H, W), as D.forward builds it
    features = []
    for layer in D.net:
        x = layer(x)
        if _ends_in_activation(layer):
            features.append(x)              # (N, channels, h_i, w_i)
    return features, x


def feature_matching_loss(real_features: list, fake_features: list) -> torch.Tensor:
    """pix2pixHD's feature matching loss: for every discriminator and every layer, the mean absolute
    difference between the real pair's features (detached: constants for G) and the fake pair's; summed.

    real_features, fake_features: one list per discriminator, each a list of feature maps (one per layer).
    """
    if len(real_features) != len(fake_features):
        raise ValueError(f"real_features has {len(real_features)} discriminators, fake_features {len(fake_features)}.")
    total = 0.0
    for real_layers, fake_layers in zip(real_features, fake_features):     # one discriminator
        if len(real_layers) != len(fake_layers):
            raise ValueError("real_features and fake_features need the same number of layers for each discriminator.")
        for real, fake in zip(real_layers, fake_layers):                    # one layer: (N, C_i, h_i, w_i)
            total = total + (real.detach() - fake).abs().mean()             # (1/N_i) ||D^(i)(s,x) - D^(i)(s,G(s))||_1
    return total


def multiscale_receptive_fields(n_down: int = 1, n_scales: int = 3) -> list:
    """How many pixels of the full-size image (along one side) one logit of each discriminator sees, for a
    PatchDiscriminator(n_down=n_down) at each level of image_pyramid: each halving adds a 3x3 stride-2 pooling
    in front of the same layers."""
    return [receptive_field([(3, 2)] * level + patch_layers(n_down)) for level in range(n_scales)]
