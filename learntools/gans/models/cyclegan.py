"""The CycleGAN networks and losses (Zhu, Park, Isola & Efros, 2017), lesson 10.

pix2pix needs pairs (this edge map, that digit). Often there are no pairs: photos and paintings,
horses and zebras, summer and winter. CycleGAN learns from two *unpaired* piles of images, domain A
and domain B, with two generators and two discriminators:

    G_AB: A -> B   judged by D_B ("is this a real B?")
    G_BA: B -> A   judged by D_A ("is this a real A?")

The adversarial losses alone would let G_AB map every A to *some* good-looking B. Two more terms
tie a translation to its input:

- cycle consistency: there and back again gives the input, G_BA(G_AB(a)) ~ a and G_AB(G_BA(b)) ~ b
  (L1, weight lambda = 10);
- identity: an image that already belongs to the target domain should pass unchanged,
  G_AB(b) ~ b and G_BA(a) ~ a (L1, weight 0.5 * lambda; it keeps colours and tones in place).

    generators = CycleGenerators(ResnetGenerator(), ResnetGenerator())
    discriminators = CycleDiscriminators(ImagePatchDiscriminator(), ImagePatchDiscriminator())

Training: learntools.gans.training.cyclegan; the domains: learntools.gans.data.unpaired.
"""

from __future__ import annotations

import torch
from torch import nn

from learntools.gans.models.pix2pix import PatchDiscriminator

__all__ = [
    "ResidualBlock",
    "ResnetGenerator",
    "ImagePatchDiscriminator",
    "CycleGenerators",
    "CycleDiscriminators",
    "cycle_consistency_loss",
    "identity_loss",
    "CYCLE_WEIGHT",
    "IDENTITY_WEIGHT",
]


CYCLE_WEIGHT = 10.0  # lambda in the CycleGAN paper
IDENTITY_WEIGHT = 5.0  # 0.5 * lambda, as in the paper's photo <-> painting experiments


# ---------------------------------------------------------------------------------------------
# The networks: a ResNet-style generator and pix2pix's PatchGAN judging one image
# ---------------------------------------------------------------------------------------------


class ResidualBlock(nn.Module):
    """x + [3x3 conv -> InstanceNorm -> ReLU -> 3x3 conv -> InstanceNorm](x): same shape in and out.

    The block only has to learn a *change* to its input, which makes "almost the identity" (most of
    a translation) easy.
    """

    def __init__(self, channels: int):
        super().__init__()
        self.body = nn.Sequential(
            nn.ReflectionPad2d(1),
            nn.Conv2d(channels, channels, kernel_size=3, bias=False),
            nn.InstanceNorm2d(channels, affine=True),
            nn.ReLU(),
            nn.ReflectionPad2d(1),
            nn.Conv2d(channels, channels, kernel_size=3, bias=False),
            nn.InstanceNorm2d(channels, affine=True),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.body(x)  # (N, C, H, W)


class ResnetGenerator(nn.Module):
    """Images (N, channels, H, W) -> images of the same shape in [-1, 1]; H and W even.

    CycleGAN's generator (after Johnson et al. 2016), shrunk for 28x28 digits:
    7x7 conv (width) -> one stride-2 conv (2 * width, half size) -> n_blocks residual blocks ->
    one stride-2 transposed conv (width, full size) -> 7x7 conv to `channels` -> tanh.
    InstanceNorm normalises each image on its own, so a translation doesn't depend on the batch.
    """

    def __init__(self, channels: int = 1, width: int = 16, n_blocks: int = 3):
        super().__init__()
        if not isinstance(n_blocks, int) or n_blocks < 0:
            raise ValueError(f"n_blocks must be a whole number >= 0, got {n_blocks!r}.")
        self.channels = channels
        self.net = nn.Sequential(
            # (N, C, H, W) -> (N, w, H, W): a wide look at each pixel's neighbourhood
            nn.ReflectionPad2d(3),
            nn.Conv2d(channels, width, kernel_size=7, bias=False),
            nn.InstanceNorm2d(width, affine=True),
            nn.ReLU(),
            # (N, w, H, W) -> (N, 2w, H/2, W/2)
            nn.Conv2d(width, 2 * width, kernel_size=3, stride=2, padding=1, bias=False),
            nn.InstanceNorm2d(2 * width, affine=True),
            nn.ReLU(),
            # (N, 2w, H/2, W/2), n_blocks times: the translation itself
            *[ResidualBlock(2 * width) for _ in range(n_blocks)],
            # (N, 2w, H/2, W/2) -> (N, w, H, W)
            nn.ConvTranspose2d(2 * width, width, kernel_size=3, stride=2, padding=1, output_padding=1, bias=False),
            nn.InstanceNorm2d(width, affine=True),
            nn.ReLU(),
            # (N, w, H, W) -> (N, C, H, W) in [-1, 1]
            nn.ReflectionPad2d(3),
            nn.Conv2d(width, channels, kernel_size=7),
            nn.Tanh(),
        )
        self.apply(_init_weights)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        if not isinstance(images, torch.Tensor) or images.ndim != 4 or images.shape[1] != self.channels:
            shape = tuple(images.shape) if isinstance(images, torch.Tensor) else type(images).__name__
            raise ValueError(f"ResnetGenerator expects images of shape (N, {self.channels}, H, W), got {shape}.")
        if images.shape[-1] % 2 or images.shape[-2] % 2:
            raise ValueError(f"ResnetGenerator needs an even height and width, got {tuple(images.shape[-2:])}.")
        return self.net(images)


def _init_weights(module: nn.Module) -> None:
    """Convolution weights ~ N(0, 0.02), as in the CycleGAN and DCGAN code; norm scales ~ N(1, 0.02)."""
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)):
        nn.init.normal_(module.weight, 0.0, 0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, (nn.InstanceNorm2d, nn.BatchNorm2d)) and module.weight is not None:
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)


class ImagePatchDiscriminator(PatchDiscriminator):
    """pix2pix's PatchGAN judging an image on its own: images (N, C, H, W) -> logits (N, 1, h, w).

    In CycleGAN there is no input image to pair with, so D_B only asks "is this a real B?". The
    layers are PatchDiscriminator's (n_down stride-2 convolutions, then two stride-1 ones); on
    28x28 digits n_down=2 gives a 5x5 grid of verdicts, each seeing a 34x34 square.
    """

    def __init__(self, channels: int = 1, width: int = 32, n_down: int = 2):
        super().__init__(in_channels=channels, width=width, n_down=n_down)
        self.channels = channels

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        if not isinstance(images, torch.Tensor) or images.ndim != 4 or images.shape[1] != self.channels:
            shape = tuple(images.shape) if isinstance(images, torch.Tensor) else type(images).__name__
            raise ValueError(f"ImagePatchDiscriminator expects images (N, {self.channels}, H, W), got {shape}.")
        return self.net(images)  # (N, 1, h, w)


class CycleGenerators(nn.Module):
    """The two generators as one module: `ab` (A -> B) and `ba` (B -> A).

    forward(real_a, real_b) runs everything the generator step needs, in one call (one forward per
    step is what DistributedDataParallel expects), and returns a dict of tensors:

        fake_b = ab(real_a)    fake_a = ba(real_b)       the translations
        rec_a  = ba(fake_b)    rec_b  = ab(fake_a)       there and back again
        same_b = ab(real_b)    same_a = ba(real_a)       identity (only when identity=True)
    """

    def __init__(self, ab: nn.Module, ba: nn.Module):
        super().__init__()
        self.ab, self.ba = ab, ba

    def forward(self, real_a: torch.Tensor, real_b: torch.Tensor, identity: bool = True) -> dict:
        fake_b = self.ab(real_a)  # (N, C, H, W): a translated to B
        fake_a = self.ba(real_b)  # (N, C, H, W): b translated to A
        out = {"fake_b": fake_b, "fake_a": fake_a,
               "rec_a": self.ba(fake_b),   # A -> B -> A
               "rec_b": self.ab(fake_a)}   # B -> A -> B
        if identity:
            out["same_b"] = self.ab(real_b)  # already in B: should stay as it is
            out["same_a"] = self.ba(real_a)
        return out


class CycleDiscriminators(nn.Module):
    """The two discriminators as one module: `a` judges domain A, `b` judges domain B.

    forward(images_a, images_b) -> (logits of D_A on images_a, logits of D_B on images_b).
    """

    def __init__(self, a: nn.Module, b: nn.Module):
        super().__init__()
        self.a, self.b = a, b

    def forward(self, images_a: torch.Tensor, images_b: torch.Tensor):
        return self.a(images_a), self.b(images_b)


# ---------------------------------------------------------------------------------------------
# The two losses that tie a translation to its input
# ---------------------------------------------------------------------------------------------


def cycle_consistency_loss(G_AB, G_BA, real_a, real_b, weight: float = CYCLE_WEIGHT) -> torch.Tensor:
    """weight * (mean |G_BA(G_AB(a)) - a| + mean |G_AB(G_BA(b)) - b|): there and back again, both ways.

    Gradients flow into both generators (nothing is detached): each learns to keep enough of its
    input for the other to rebuild it.
    """
    reconstructed_a = G_BA(G_AB(real_a))  # A -> B -> A
    reconstructed_b = G_AB(G_BA(real_b))  # B -> A -> B
    return weight * ((reconstructed_a - real_a).abs().mean() + (reconstructed_b - real_b).abs().mean())


def identity_loss(G_AB, G_BA, real_a, real_b, weight: float = IDENTITY_WEIGHT) -> torch.Tensor:
    """weight * (mean |G_AB(b) - b| + mean |G_BA(a) - a|): a B given to G_AB should come out unchanged."""
    return weight * ((G_AB(real_b) - real_b).abs().mean() + (G_BA(real_a) - real_a).abs().mean())
