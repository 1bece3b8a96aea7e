"""Conditional GAN networks (Mirza & Osindero, 2014): ask for a digit, get that digit (lesson 08).

An ordinary GAN draws *some* digit; which one is up to the noise. A conditional GAN gives both
networks the label y as an extra input:

    generator:      G(z, y)  the noise z with the one-hot label y appended        -> an image
    discriminator:  D(x, y)  the image x with ten label planes stacked on it      -> a logit

D now judges "is this a real *7*?", so G gains nothing by drawing a good 3 when asked for a 7.

    G = ConditionalGenerator(z_dim=100)
    D = ConditionalDiscriminator()
    z = torch.randn(16, 100)                     # (16, 100)
    y = torch.arange(16) % 10                    # (16,) the digits asked for
    images = G(z, y)                             # (16, 1, 28, 28) in [-1, 1]
    logits = D(images, y)                        # (16, 1)

Training them: learntools.gans.training.conditional; measuring them: learntools.gans.evaluation.conditional.
"""

from __future__ import annotations

import torch
from torch import nn

from learntools.gans.models.dcgan import DCGANDiscriminator, DCGANGenerator, init_dcgan_weights

__all__ = [
    "NUM_CLASSES",
    "one_hot",
    "label_planes",
    "ConditionalGenerator",
    "ConditionalDiscriminator",
]


NUM_CLASSES = 10


# ---------------------------------------------------------------------------------------------
# Labels as network inputs
# ---------------------------------------------------------------------------------------------


def _check_labels(labels, num_classes: int, count=None, what: str = "labels") -> torch.Tensor:
    """Raise a clear error unless labels is an integer tensor (N,) with values in [0, num_classes)."""
    if not isinstance(labels, torch.Tensor):
        raise TypeError(f"{what} must be a torch tensor of class numbers, e.g. torch.tensor([3, 7]); "
                        f"got a {type(labels).__name__}.")
    if labels.is_floating_point() or labels.is_complex() or labels.dtype == torch.bool:
        raise TypeError(f"{what} must hold whole class numbers (int64), got {labels.dtype}; try labels.long().")
    if labels.ndim != 1:
        raise ValueError(f"{what} must have shape (N,), one class number per example; got {tuple(labels.shape)}.")
    if count is not None and len(labels) != count:
        raise ValueError(f"{what} must have one class number per example: {len(labels)} labels for {count} examples.")
    if len(labels) and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(f"{what} must lie in 0..{num_classes - 1}; found values from "
                         f"{int(labels.min())} to {int(labels.max())}.")
    return labels.long()


def one_hot(labels: torch.Tensor, num_classes: int = NUM_CLASSES) -> torch.Tensor:
    """Class numbers (N,) -> float one-hot vectors (N, num_classes): a 1 at each label, 0 elsewhere."""
    labels = _check_labels(labels, num_classes)
    vectors = torch.zeros(len(labels), num_classes, device=labels.device)  # (N, num_classes)
    vectors[torch.arange(len(labels), device=labels.device), labels] = 1.0
    return vectors


def label_planes(labels: torch.Tensor, height: int, width: int, num_classes: int = NUM_CLASSES) -> torch.Tensor:
    """Class numbers (N,) -> one-hot planes (N, num_classes, height, width).

    Plane k is all ones where the label is k and all zeros elsewhere: the one-hot vector,
    spread over every pixel, so a convolution sees the label wherever it looks.
    """
    vectors = one_hot(labels, num_classes)  # (N, num_classes)
    return vectors[:, :, None, None].expand(-1, -1, height, width)  # (N, num_classes, H, W)


# ---------------------------------------------------------------------------------------------
# Conditional generator and discriminator
# ---------------------------------------------------------------------------------------------


class ConditionalGenerator(nn.Module):
    """Noise z (N, z_dim) and labels y (N,) -> images (N, channels, 28, 28) in [-1, 1].

    The label becomes a one-hot vector (or, with embedding_dim, a learned embedding) appended
    to the noise; the rest is the DCGAN generator, which now reads z_dim + 10 numbers.
    """

    def __init__(self, z_dim: int = 100, num_classes: int = NUM_CLASSES, width: int = 64, channels: int = 1,
                 embedding_dim: int | None = None):
        super().__init__()
        self.z_dim, self.num_classes, self.channels = z_dim, num_classes, channels

        # How the label is written: one-hot (fixed) or an embedding table (learned).
        self.embedding = nn.Embedding(num_classes, embedding_dim) if embedding_dim else None
        label_dim = embedding_dim if embedding_dim else num_classes

        # (N, z_dim + label_dim) -> (N, channels, 28, 28)
        self.body = DCGANGenerator(z_dim=z_dim + label_dim, width=width, channels=channels)

    def condition(self, labels: torch.Tensor) -> torch.Tensor:
        """Labels (N,) -> the vectors appended to the noise (N, label_dim)."""
        if self.embedding is not None:
            return self.embedding(labels)  # (N, embedding_dim)
        return one_hot(labels, self.num_classes)  # (N, num_classes)

    def forward(self, z: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        if not isinstance(z, torch.Tensor) or z.ndim != 2 or z.shape[1] != self.z_dim:
            shape = tuple(z.shape) if isinstance(z, torch.Tensor) else type(z).__name__
            raise ValueError(f"ConditionalGenerator expects noise of shape (N, {self.z_dim}), got {shape}; "
                             f"make it with torch.randn(n, {self.z_dim}).")
        labels = _check_labels(labels, self.num_classes, count=len(z))
        condition = self.condition(labels.to(z.device)).to(z.dtype)  # (N, label_dim)
        return self.body(torch.cat([z, condition], dim=1))  # (N, z_dim + label_dim) -> (N, C, 28, 28)


class ConditionalDiscriminator(nn.Module):
    """Images x (N, channels, 28, 28) and labels y (N,) -> one logit per image (N, 1).

    Default: ten one-hot label planes are stacked on the image, and the DCGAN discriminator
    reads channels + 10 channels. projection=True instead uses the projection discriminator
    (Miyato & Koyama, 2018): logit = score(features) + <embedding(y), features>.
    """

    def __init__(self, num_classes: int = NUM_CLASSES, width: int = 64, channels: int = 1,
                 batch_norm: bool = True, projection: bool = False):
        super().__init__()
        self.num_classes, self.channels, self.projection = num_classes, channels, projection
        if projection:
            # The image alone goes through the body; the label meets the features at the end.
            self.body = DCGANDiscriminator(width=width, channels=channels, batch_norm=batch_norm)
            feature_dim = self.body.score[1].in_features  # 2w * 7 * 7
            self.embedding = nn.Embedding(num_classes, feature_dim)
            self.embedding.apply(init_dcgan_weights)
            nn.init.normal_(self.embedding.weight, 0.0, 0.02)
        else:
            # (N, channels + num_classes, 28, 28) -> (N, 1)
            self.body = DCGANDiscriminator(width=width, channels=channels + num_classes, batch_norm=batch_norm)

    def forward(self, images: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        if not isinstance(images, torch.Tensor) or images.ndim != 4 or tuple(images.shape[1:]) != (self.channels, 28, 28):
            shape = tuple(images.shape) if isinstance(images, torch.Tensor) else type(images).__name__
            raise ValueError(f"ConditionalDiscriminator expects images of shape (N, {self.channels}, 28, 28), got {shape}.")
        labels = _check_labels(labels, self.num_classes, count=len(images)).to(images.device)

        if self.projection:
            features = self.body.down2(self.body.down1(images)).flatten(1)  # (N, 2w*7*7)
            score = self.body.score[1](features)  # (N, 1): "does it look real?"
            match = (self.embedding(labels) * features).sum(dim=1, keepdim=True)  # (N, 1): "does it fit y?"
            return score + match  # (N, 1)

        planes = label_planes(labels, 28, 28, self.num_classes).to(images.dtype)  # (N, 10, 28, 28)
        return self.body(torch.cat([images, planes], dim=1))  # (N, channels + 10, 28, 28) -> (N, 1)
