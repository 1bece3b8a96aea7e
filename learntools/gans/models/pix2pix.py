"""The pix2pix networks and loss (Isola, Zhu, Zhou & Efros, 2017), lesson 09.

The generator takes an image (edges, a low-resolution digit, a grayscale photo) instead of
noise and returns its translation. Three ideas make it work:

1. a U-Net generator (Ronneberger, Fischer & Brox, 2015): an encoder-decoder whose decoder also
   receives the encoder's feature maps of the same size (skip connections), so fine detail does
   not have to squeeze through the bottleneck;
2. a PatchGAN discriminator: it sees the input and an output *together* and returns a grid of
   logits, one verdict per overlapping patch, so it judges local texture and sharpness;
3. the loss: adversarial + lambda * L1, lambda = 100. L1 alone gives the right picture, blurred;
   the adversarial term makes it sharp.

    G = UNetGenerator(in_channels=1, out_channels=1)          # 28x28 (padded to 32) or 32x32 inputs
    D = PatchDiscriminator(in_channels=1 + 1)                 # the input and the output, stacked
    outputs = G(inputs)                                       # (N, 1, 28, 28) in [-1, 1]
    verdicts = D(inputs, outputs)                             # (N, 1, 5, 5): one logit per patch

Training: learntools.gans.training.pix2pix; scores: learntools.gans.evaluation.translation.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from learntools.gans.models.dcgan import init_dcgan_weights

__all__ = [
    "L1_WEIGHT",
    "UNetGenerator",
    "EncoderDecoderGenerator",
    "PatchDiscriminator",
    "receptive_field",
    "patch_layers",
    "pix2pix_generator_loss",
    "pix2pix_discriminator_loss",
]


L1_WEIGHT = 100.0  # lambda in the pix2pix paper


# ---------------------------------------------------------------------------------------------
# Generators: encoder-decoder, and the U-Net (the same with skip connections)
# ---------------------------------------------------------------------------------------------


def _down(in_channels: int, out_channels: int, batch_norm: bool) -> nn.Sequential:
    """Halve height and width: 4x4 conv, stride 2 -> (BatchNorm) -> LeakyReLU(0.2)."""
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size=4, stride=2, padding=1, bias=not batch_norm),
        nn.BatchNorm2d(out_channels) if batch_norm else nn.Identity(),
        nn.LeakyReLU(0.2),
    )


def _up(in_channels: int, out_channels: int, dropout: float) -> nn.Sequential:
    """Double height and width: 4x4 transposed conv, stride 2 -> BatchNorm -> (Dropout) -> ReLU."""
    return nn.Sequential(
        nn.ConvTranspose2d(in_channels, out_channels, kernel_size=4, stride=2, padding=1, bias=False),
        nn.BatchNorm2d(out_channels),
        nn.Dropout(dropout) if dropout else nn.Identity(),
        nn.ReLU(),
    )


class UNetGenerator(nn.Module):
    """Images (N, in_channels, H, W) -> images (N, out_channels, H, W) in [-1, 1].

    `depth` stride-2 convolutions halve the image down to a bottleneck, and `depth` transposed
    convolutions bring it back. With skips=True (the U-Net), each decoder level also gets the
    encoder's feature map of the same size, concatenated along the channels; with skips=False
    it is a plain encoder-decoder, and everything must pass through the bottleneck.

    Sizes: depth 5 for 32x32 (bottleneck 1x1), depth 6 for 64x64. Inputs whose sides are not a
    multiple of 2**depth (28x28 digits) are padded (edge pixels repeated) and the output cropped.
    Channels: width, 2*width, 4*width, ... capped at max_width.
    """

    def __init__(self, in_channels: int = 1, out_channels: int = 1, width: int = 32, depth: int = 5,
                 max_width: int = 256, skips: bool = True, dropout: float = 0.0):
        super().__init__()
        if depth < 2:
            raise ValueError(f"depth must be at least 2, got {depth!r}.")
        self.in_channels, self.out_channels, self.depth, self.skips = in_channels, out_channels, depth, skips
        channels = [min(width * 2 ** level, max_width) for level in range(depth)]  # e.g. 32, 64, 128, 256, 256

        # Encoder: level i turns channels[i-1] into channels[i] and halves the size.
        # No BatchNorm on the first level (it sees raw pixels) nor at the 1x1 bottleneck.
        self.encoder = nn.ModuleList(
            _down(in_channels if level == 0 else channels[level - 1], channels[level],
                  batch_norm=0 < level < depth - 1)
            for level in range(depth)
        )

        # Decoder: from the bottleneck back up to level 0. With skips, every level but the
        # bottleneck's receives its output concatenated with the encoder's map: twice the channels.
        grow = 2 if skips else 1
        self.decoder = nn.ModuleList(
            _up(channels[level] * (1 if level == depth - 1 else grow), channels[level - 1],
                dropout=dropout if level >= depth - 3 else 0.0)
            for level in range(depth - 1, 0, -1)
        )
        # Last layer: back to full size and to the output channels, squashed into [-1, 1].
        self.to_image = nn.Sequential(
            nn.ConvTranspose2d(channels[0] * grow, out_channels, kernel_size=4, stride=2, padding=1),
            nn.Tanh(),
        )
        self.apply(init_dcgan_weights)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        _check_images(images, self.in_channels, type(self).__name__)
        height, width = images.shape[-2:]
        x = _pad_to_multiple(images, 2 ** self.depth)  # (N, C_in, H', W'), H' and W' multiples of 2**depth

        # Encoder: keep every level's output for the skip connections.
        features = []
        for down in self.encoder:
            x = down(x)  # (N, channels[i], H'/2^(i+1), W'/2^(i+1))
            features.append(x)

        # Decoder: up one level, then (U-Net) concatenate the encoder's map of the same size.
        for up, skip in zip(self.decoder, reversed(features[:-1])):
            x = up(x)  # (N, channels[i-1], ...), now the same size as `skip`
            if self.skips:
                x = torch.cat([x, skip], dim=1)  # (N, 2 * channels[i-1], ...)

        x = self.to_image(x)  # (N, C_out, H', W')
        return x[..., :height, :width] if (height, width) != tuple(x.shape[-2:]) else x  # crop the padding


class EncoderDecoderGenerator(UNetGenerator):
    """The U-Net without its skip connections: everything passes through the bottleneck."""

    def __init__(self, in_channels: int = 1, out_channels: int = 1, width: int = 32, depth: int = 5,
                 max_width: int = 256, dropout: float = 0.0):
        super().__init__(in_channels, out_channels, width, depth, max_width, skips=False, dropout=dropout)


def _check_images(images, channels: int, model_name: str):
    if not isinstance(images, torch.Tensor):
        raise TypeError(f"{model_name} expects a torch tensor of images, got a {type(images).__name__}.")
    if images.ndim != 4 or images.shape[1] != channels:
        raise ValueError(f"{model_name} expects images of shape (N, {channels}, H, W), got {tuple(images.shape)}.")
    if not images.is_floating_point():
        raise TypeError(f"{model_name} expects floating point images in [-1, 1], got {images.dtype}.")


def _pad_to_multiple(images: torch.Tensor, multiple: int) -> torch.Tensor:
    """Pad bottom and right (repeating the edge pixels) up to the next multiple of `multiple`."""
    height, width = images.shape[-2:]
    pad_h, pad_w = -height % multiple, -width % multiple
    if pad_h == 0 and pad_w == 0:
        return images
    return F.pad(images, (0, pad_w, 0, pad_h), mode="replicate")


# ---------------------------------------------------------------------------------------------
# The PatchGAN discriminator
# ---------------------------------------------------------------------------------------------


def patch_layers(n_down: int = 3) -> list:
    """(kernel, stride) of the PatchGAN's convolutions: n_down of (4, 2), then two of (4, 1).

    n_down=3 is pix2pix's 70x70 PatchGAN (receptive_field(patch_layers(3)) == 70).
    """
    return [(4, 2)] * n_down + [(4, 1), (4, 1)]


def receptive_field(layers) -> int:
    """How many input pixels (along one side) one output value of a stack of convolutions sees.

    layers: [(kernel, stride), ...] from the input side. Each layer widens the field by
    (kernel - 1) times the product of the strides of the layers before it (the "jump" between
    neighbouring positions of its input, in input pixels).
    """
    field, jump = 1, 1
    for kernel, stride in layers:
        field += (kernel - 1) * jump
        jump *= stride
    return field


class PatchDiscriminator(nn.Module):
    """An input image and an output image -> a grid of logits (N, 1, h, w), one per patch.

    The two images are stacked along the channels (so D judges the *pair*: "is this a real
    translation of this input?"), then: n_down 4x4 stride-2 convs (BatchNorm on all but the
    first), a 4x4 stride-1 conv with BatchNorm, and a 4x4 stride-1 conv to one channel, no sigmoid.
    Each logit sees a receptive_field(patch_layers(n_down)) pixel square of the input:
    n_down=1: 16, n_down=2: 34, n_down=3: 70 (pix2pix's PatchGAN for 256x256 images).
    """

    def __init__(self, in_channels: int = 2, width: int = 64, n_down: int = 2, max_width: int = 512):
        super().__init__()
        if n_down < 1:
            raise ValueError(f"n_down must be at least 1, got {n_down!r}.")
        self.in_channels, self.n_down = in_channels, n_down
        channels = [min(width * 2 ** level, max_width) for level in range(n_down + 1)]

        # n_down halvings: (N, in_channels, H, W) -> (N, channels[n_down-1], H/2^n, W/2^n)
        layers = [_down(in_channels, channels[0], batch_norm=False)]
        layers += [_down(channels[level - 1], channels[level], batch_norm=True) for level in range(1, n_down)]
        # One more 4x4 conv with stride 1 (each side shrinks by 1), then the verdicts.
        layers += [
            nn.Conv2d(channels[n_down - 1], channels[n_down], kernel_size=4, stride=1, padding=1, bias=False),
            nn.BatchNorm2d(channels[n_down]),
            nn.LeakyReLU(0.2),
            nn.Conv2d(channels[n_down], 1, kernel_size=4, stride=1, padding=1),  # (N, 1, h, w) logits
        ]
        self.net = nn.Sequential(*layers)
        self.apply(init_dcgan_weights)

    def forward(self, inputs: torch.Tensor, images: torch.Tensor) -> torch.Tensor:
        for name, x in (("inputs", inputs), ("images", images)):
            if not isinstance(x, torch.Tensor) or x.ndim != 4:
                shape = tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__
                raise ValueError(f"PatchDiscriminator expects {name} of shape (N, C, H, W), got {shape}.")
        if inputs.shape[0] != images.shape[0] or inputs.shape[2:] != images.shape[2:]:
            raise ValueError(f"PatchDiscriminator needs inputs and images of the same number and size, "
                             f"got {tuple(inputs.shape)} and {tuple(images.shape)}.")
        if inputs.shape[1] + images.shape[1] != self.in_channels:
            raise ValueError(f"PatchDiscriminator was built for {self.in_channels} channels (input and image "
                             f"together) but got {inputs.shape[1]} + {images.shape[1]}.")
        pair = torch.cat([inputs, images.to(inputs.dtype)], dim=1)  # (N, C_in + C_out, H, W)
        return self.net(pair)  # (N, 1, h, w)


# ---------------------------------------------------------------------------------------------
# The pix2pix loss
# ---------------------------------------------------------------------------------------------


def pix2pix_generator_loss(fake_logits: torch.Tensor, fake: torch.Tensor, target: torch.Tensor,
                           l1_weight: float = L1_WEIGHT) -> torch.Tensor:
    """Adversarial + lambda * L1.

    Adversarial: non-saturating, -log D(x, G(x)), averaged over every patch of every image.
    L1: the mean absolute difference between output and target pixels.
    """
    adversarial = F.softplus(-fake_logits.float()).mean()  # -log sigmoid(l), every patch a verdict
    l1 = (fake.float() - target.float()).abs().mean()
    return adversarial + l1_weight * l1


def pix2pix_discriminator_loss(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """Binary cross-entropy over every patch: real pairs -> 1, fake pairs -> 0 (2 ln 2 at logits 0)."""
    return F.softplus(-real_logits.float()).mean() + F.softplus(fake_logits.float()).mean()
