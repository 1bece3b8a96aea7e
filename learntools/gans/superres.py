"""Super-resolution the SRGAN way (Ledig et al. 2017), built on the pix2pix machinery.

pix2pix's U-Net works at full size on the bicubic upsample. SRGAN does the work at *low*
resolution and upsamples at the end:

1. a generator of residual blocks on the small image, then sub-pixel convolutions (Shi et al.
   2016): a convolution makes 4x the channels and `nn.PixelShuffle(2)` rearranges them into an image
   twice as tall and wide. Most of the computing happens on 7x7 maps, 16 times fewer pixels than 28x28;
2. a content loss measured in the feature space of a trained classifier (SRGAN used VGG-19; we use
   the course's digit classifier), so the output must *look* right to a network that reads digits,
   not just match pixel by pixel; ESRGAN (Wang et al. 2018) takes the features before the activation;
3. an adversarial loss from a discriminator (here pix2pix's PatchGAN), for realistic texture.

    pairs = lowres_to_highres_digits("train")           # (bicubic 28x28 of a 7x7 digit, the sharp digit)
    G = SRResNet(scale=4)                                # shrinks its input back to 7x7 itself
    fit_l1(G, pairs.batches(32), steps=300)              # "SRResNet": PSNR-oriented, L1 only
    trainer = SRGANTrainer(SRResNet(scale=4), PatchDiscriminator(2), pairs.batches(32))
    trainer.fit(steps=300)                               # adversarial + L1 + feature (perceptual) loss
    translation_scores(G, held_out)                      # {"l1": ..., "psnr": ...}
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from learntools.gans.pix2pix import Pix2PixTrainer
from learntools.gans.trainer import frozen

__all__ = ["SRResNet", "digit_features", "feature_distance", "SRGANTrainer"]


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


def digit_features(images: torch.Tensor) -> torch.Tensor:
    """The digit classifier's second-block features *before* the ReLU (ESRGAN's choice):
    images (N, 1, 28, 28) in [-1, 1] -> (N, 32, 14, 14). Gradients flow to the images; the
    classifier's own weights are frozen."""
    from learntools.gans.metrics import load_classifier

    classifier = load_classifier(images.device)
    x = classifier.block1(images)         # (N, 16, 14, 14)
    return classifier.block2[:2](x)       # conv + BatchNorm (eval statistics): (N, 32, 14, 14)


def feature_distance(outputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean |features(outputs) - features(targets)|: SRGAN's perceptual ("VGG") loss, with the digit classifier."""
    return (digit_features(outputs) - digit_features(targets)).abs().mean()


class SRGANTrainer(Pix2PixTrainer):
    """pix2pix's trainer with SRGAN's generator loss:

        adversarial (PatchGAN, non-saturating) + l1_weight * L1 + feature_weight * feature_distance

    The discriminator step is pix2pix's. feature_weight=0 gives back the pix2pix loss.
    """

    def __init__(self, generator, discriminator, data, l1_weight: float = 10.0, feature_weight: float = 10.0,
                 **settings):
        if not isinstance(feature_weight, (int, float)) or isinstance(feature_weight, bool) or feature_weight < 0:
            raise ValueError(f"feature_weight must be a number >= 0, got {feature_weight!r}.")
        super().__init__(generator, discriminator, data, l1_weight=l1_weight, **settings)
        self.feature_weight = float(feature_weight)
        self.config.update(feature_weight=self.feature_weight)

    def generator_step(self) -> dict:
        inputs, targets = self.last_inputs, self.last_real     # the batch of the last D step

        with self._autocast():
            fake = self.G(inputs)                              # (N, C, H, W), keeps G's graph
            with frozen(self.discriminator):
                fake_logits = self.discriminator(inputs, fake)  # (N, 1, h, w)
            adversarial = self.loss.generator(fake_logits.reshape(-1))
            l1 = (fake.float() - targets.float()).abs().mean()
            features = feature_distance(fake.float(), targets.float()) if self.feature_weight else torch.zeros(())
            g_loss = adversarial + self.l1_weight * l1 + self.feature_weight * features

        self.optimizer_g.zero_grad(set_to_none=True)
        self.scaler_g.scale(g_loss).backward()
        self.scaler_g.step(self.optimizer_g)
        self.scaler_g.update()
        return {"g_loss": g_loss.item(), "g_adversarial": adversarial.item(), "l1": l1.item(),
                "features": float(features.detach())}
