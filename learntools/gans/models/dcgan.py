"""Reference generators and discriminators.

DCGAN (Radford, Metz & Chintala, 2015) sized for 28x28 MNIST digits, and small MLPs for 2-D toy
problems. Discriminators return one raw logit per example, shape (N, 1), with no sigmoid: the
losses in learntools.gans.losses turn logits into probabilities in a numerically stable way.

    G = DCGANGenerator(z_dim=100, width=64)
    D = DCGANDiscriminator(width=64)
    z = torch.randn(16, 100)       # (16, 100)
    images = G(z)                  # (16, 1, 28, 28), values in [-1, 1]
    logits = D(images)             # (16, 1)
"""

from __future__ import annotations

import torch
from torch import nn

__all__ = [
    "DCGANGenerator",
    "DCGANDiscriminator",
    "MLPGenerator",
    "MLPDiscriminator",
    "init_dcgan_weights",
    "count_parameters",
]


def init_dcgan_weights(module: nn.Module) -> None:
    """DCGAN initialisation: weights ~ N(0, 0.02), BatchNorm scales ~ N(1, 0.02), biases 0.

    Use it as `model.apply(init_dcgan_weights)`; it visits every layer of the model.
    """
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
        nn.init.normal_(module.weight, mean=0.0, std=0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, nn.BatchNorm2d):
        nn.init.normal_(module.weight, mean=1.0, std=0.02)
        nn.init.zeros_(module.bias)


def count_parameters(model: nn.Module, trainable_only: bool = False) -> int:
    """Number of numbers the model learns (all parameters, or only those with requires_grad)."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


def _check_input(x, expected: tuple, model_name: str, hint: str = "") -> None:
    """Raise a clear error unless x is a float tensor of shape (N, *expected)."""
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{model_name} expects a torch tensor, got a {type(x).__name__}.")
    if x.ndim != 1 + len(expected) or tuple(x.shape[1:]) != expected:
        wanted = "(N, " + ", ".join(map(str, expected)) + ")"
        raise ValueError(f"{model_name} expects input of shape {wanted} but got {tuple(x.shape)}.{hint}")
    if not x.is_floating_point():
        raise TypeError(f"{model_name} expects floating point input, got {x.dtype}; try x.float().")


class DCGANGenerator(nn.Module):
    """Noise z (N, z_dim) -> images (N, channels, 28, 28) in [-1, 1].

    A transposed convolution grows the noise, seen as a 1x1 image with z_dim channels, to 7x7;
    two stride-2 transposed convolutions double it to 14x14 and 28x28. BatchNorm + ReLU sit
    between them, tanh at the end. `width` sets the number of channels (2*width at 7x7, width at
    14x14), so it trades quality for speed.

    refine=True adds two 3x3 convolutions that keep the size: one at 7x7 (more room to plan the
    digit's layout) and one at 28x28 after a last width-channel upsampling (room to draw clean
    strokes). The `dcgan` recipe uses it; bench/time_to_quality.py measures what it buys.
    """

    def __init__(self, z_dim: int = 100, width: int = 64, channels: int = 1, refine: bool = False):
        super().__init__()
        self.z_dim, self.width, self.channels, self.refine = z_dim, width, channels, refine

        # (N, z_dim, 1, 1) -> (N, 2w, 7, 7): each noise number paints a 7x7 pattern.
        self.project = nn.Sequential(
            nn.ConvTranspose2d(z_dim, 2 * width, kernel_size=7, stride=1, padding=0, bias=False),
            nn.BatchNorm2d(2 * width),
            nn.ReLU(),
        )
        # refine only: (N, 2w, 7, 7) -> (N, 2w, 7, 7), a 3x3 convolution with padding 1 keeps the size.
        self.refine_7x7 = _same_size_block(2 * width, batch_norm=True, activation=nn.ReLU()) if refine else nn.Identity()
        # (N, 2w, 7, 7) -> (N, w, 14, 14): kernel 4, stride 2, padding 1 doubles height and width.
        self.up1 = nn.Sequential(
            nn.ConvTranspose2d(2 * width, width, kernel_size=4, stride=2, padding=1, bias=False),
            nn.BatchNorm2d(width),
            nn.ReLU(),
        )
        if refine:
            # (N, w, 14, 14) -> (N, w, 28, 28) -> (N, channels, 28, 28), squashed into [-1, 1].
            self.up2 = nn.Sequential(
                nn.ConvTranspose2d(width, width, kernel_size=4, stride=2, padding=1, bias=False),
                nn.BatchNorm2d(width),
                nn.ReLU(),
                nn.Conv2d(width, channels, kernel_size=3, stride=1, padding=1),
                nn.Tanh(),
            )
        else:
            # (N, w, 14, 14) -> (N, channels, 28, 28), squashed into [-1, 1] like the real images.
            self.up2 = nn.Sequential(
                nn.ConvTranspose2d(width, channels, kernel_size=4, stride=2, padding=1),
                nn.Tanh(),
            )
        self.apply(init_dcgan_weights)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        if isinstance(z, torch.Tensor) and z.ndim == 4:
            z = z.flatten(1)  # accept (N, z_dim, 1, 1) too
        _check_input(z, (self.z_dim,), "DCGANGenerator",
                     f" Make noise with torch.randn(n, {self.z_dim}).")
        x = z[:, :, None, None]  # (N, z_dim, 1, 1)
        x = self.project(x)  # (N, 2w, 7, 7)
        x = self.refine_7x7(x)  # (N, 2w, 7, 7)
        x = self.up1(x)  # (N, w, 14, 14)
        return self.up2(x)  # (N, channels, 28, 28)


class DCGANDiscriminator(nn.Module):
    """Images (N, channels, 28, 28) -> one logit per image (N, 1); no sigmoid.

    Two stride-2 convolutions halve 28x28 to 14x14 and 7x7 with LeakyReLU(0.2) after each
    (BatchNorm on the second only: DCGAN leaves the first layer unnormalised); a linear layer
    turns the 7x7 features into one score. Use batch_norm=False for WGAN-GP, whose gradient
    penalty assumes each example is scored on its own.

    refine=True adds a 3x3 convolution at 7x7 before the score: each feature then sees a 3x3
    neighbourhood of the others, so D judges how the strokes fit together, not only each patch.
    It was the largest single gain of the `dcgan` recipe's tuning (bench/time_to_quality.py).
    """

    def __init__(self, width: int = 64, channels: int = 1, batch_norm: bool = True, refine: bool = False):
        super().__init__()
        self.width, self.channels, self.refine = width, channels, refine

        # (N, channels, 28, 28) -> (N, w, 14, 14)
        self.down1 = nn.Sequential(
            nn.Conv2d(channels, width, kernel_size=4, stride=2, padding=1),
            nn.LeakyReLU(0.2),
        )
        # (N, w, 14, 14) -> (N, 2w, 7, 7)
        self.down2 = nn.Sequential(
            nn.Conv2d(width, 2 * width, kernel_size=4, stride=2, padding=1, bias=not batch_norm),
            nn.BatchNorm2d(2 * width) if batch_norm else nn.Identity(),
            nn.LeakyReLU(0.2),
        )
        # refine only: (N, 2w, 7, 7) -> (N, 2w, 7, 7)
        self.refine_7x7 = _same_size_block(2 * width, batch_norm=False, activation=nn.LeakyReLU(0.2)) if refine else nn.Identity()
        # (N, 2w, 7, 7) -> (N, 2w*7*7) -> (N, 1)
        self.score = nn.Sequential(
            nn.Flatten(),
            nn.Linear(2 * width * 7 * 7, 1),
        )
        self.apply(init_dcgan_weights)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        _check_input(images, (self.channels, 28, 28), "DCGANDiscriminator",
                     " Reshape a batch of flat 784-pixel rows with images.view(-1, 1, 28, 28).")
        x = self.down1(images)  # (N, w, 14, 14)
        x = self.down2(x)  # (N, 2w, 7, 7)
        x = self.refine_7x7(x)  # (N, 2w, 7, 7)
        return self.score(x)  # (N, 1)


def _same_size_block(channels: int, batch_norm: bool, activation: nn.Module) -> nn.Sequential:
    """(N, c, H, W) -> (N, c, H, W): a 3x3 convolution with padding 1, [BatchNorm], activation."""
    return nn.Sequential(
        nn.Conv2d(channels, channels, kernel_size=3, stride=1, padding=1, bias=not batch_norm),
        nn.BatchNorm2d(channels) if batch_norm else nn.Identity(),
        activation,
    )


def _mlp(in_dim: int, hidden: int, depth: int, out_dim: int, activation) -> nn.Sequential:
    """`depth` hidden layers of `hidden` units, each Linear + activation, then a Linear output."""
    if depth < 1:
        raise ValueError(f"depth must be at least 1 hidden layer, got {depth!r}.")
    layers = []
    for layer in range(depth):
        layers += [nn.Linear(in_dim if layer == 0 else hidden, hidden), activation()]  # (N, hidden)
    layers.append(nn.Linear(hidden, out_dim))  # (N, out_dim)
    return nn.Sequential(*layers)


class MLPGenerator(nn.Module):
    """Noise z (N, z_dim) -> points (N, out_dim), for the 2-D toy problems (no output activation)."""

    def __init__(self, z_dim: int = 2, out_dim: int = 2, hidden: int = 128, depth: int = 3):
        super().__init__()
        self.z_dim, self.out_dim = z_dim, out_dim
        self.net = _mlp(z_dim, hidden, depth, out_dim, nn.ReLU)  # (N, z_dim) -> (N, out_dim)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        _check_input(z, (self.z_dim,), "MLPGenerator", f" Make noise with torch.randn(n, {self.z_dim}).")
        return self.net(z)  # (N, out_dim)


class MLPDiscriminator(nn.Module):
    """Points (N, in_dim) -> one logit per point (N, 1); no sigmoid."""

    def __init__(self, in_dim: int = 2, hidden: int = 128, depth: int = 3):
        super().__init__()
        self.in_dim = in_dim
        self.net = _mlp(in_dim, hidden, depth, 1, lambda: nn.LeakyReLU(0.2))  # (N, in_dim) -> (N, 1)

    def forward(self, points: torch.Tensor) -> torch.Tensor:
        _check_input(points, (self.in_dim,), "MLPDiscriminator")
        return self.net(points)  # (N, 1)
