"""The ingredients GANTrainer is built from, after TF-GAN's five (lessons 01 and 06).

TF-GAN asks you for exactly five things, and so does `GANTrainer`:

1. the models:      a generator G and a discriminator D (any `torch.nn.Module`s);
2. the inputs:      real data (an iterable of batches) and noise (`gaussian_noise(z_dim)`);
3. the losses:      a name from `losses.LOSSES` ("nonsaturating", "hinge", ...) or a `GANLoss`;
4. the optimizers:  `AdamSettings(lr_g, lr_d, betas)` or a function making the two optimizers;
5. the sequence:    `TrainingSequence(d_steps, g_steps)`, the D:G step ratio.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from learntools.gans.losses import get_loss

__all__ = ["gaussian_noise", "no_noise", "AdamSettings", "TrainingSequence", "resolve_loss"]


def gaussian_noise(z_dim: int):
    """The noise ingredient: a function drawing standard normal vectors z of shape (n, z_dim)."""
    if not isinstance(z_dim, int) or isinstance(z_dim, bool) or z_dim < 1:
        raise ValueError(f"z_dim must be a positive whole number, got {z_dim!r}.")

    def noise(n, device=None, generator=None):
        return torch.randn(n, z_dim, device=device, generator=generator)  # (n, z_dim)

    noise.z_dim = z_dim
    return noise


def no_noise(n, device=None, generator=None):
    """The noise of image-to-image trainers (pix2pix, CycleGAN): none, the input image is G's only input."""
    return torch.zeros(n, 0, device=device)  # (n, 0)


@dataclass
class AdamSettings:
    """Optimizer settings: one Adam for G and one for D, with their own learning rates.

    Different rates for D and G are the "two time-scale update rule" (TTUR, Heusel et al. 2017).
    """

    lr_g: float = 2e-4
    lr_d: float = 2e-4
    betas: tuple = (0.5, 0.999)

    def build(self, generator: nn.Module, discriminator: nn.Module):
        """Return `(optimizer_g, optimizer_d)`, each updating only its own model's parameters."""
        for name in ("lr_g", "lr_d"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or not value > 0:
                raise ValueError(f"AdamSettings.{name} must be a positive number, got {value!r}.")
        betas = tuple(float(b) for b in self.betas)
        optimizer_g = torch.optim.Adam(generator.parameters(), lr=self.lr_g, betas=betas)
        optimizer_d = torch.optim.Adam(discriminator.parameters(), lr=self.lr_d, betas=betas)
        return optimizer_g, optimizer_d


@dataclass
class TrainingSequence:
    """The training sequence: how many D updates and G updates make one step."""

    d_steps: int = 1
    g_steps: int = 1

    def __post_init__(self):
        for name in ("d_steps", "g_steps"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"TrainingSequence.{name} must be a whole number >= 1, got {value!r}.")


def resolve_loss(loss):
    """The loss ingredient as an object with .discriminator and .generator: a name is looked up
    in losses.LOSSES; an object with both methods is used as it is."""
    if isinstance(loss, str):
        return get_loss(loss)
    if callable(getattr(loss, "discriminator", None)) and callable(getattr(loss, "generator", None)):
        return loss
    raise TypeError(
        "loss must be a name such as 'nonsaturating' or an object with .discriminator(real_logits, "
        "fake_logits) and .generator(fake_logits), like losses.GANLoss."
    )
