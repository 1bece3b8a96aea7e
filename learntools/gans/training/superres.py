"""Super-resolution the SRGAN way (Ledig et al. 2017), built on the pix2pix trainer (lesson 10).

SRGAN's generator loss adds two things to pix2pix's:

1. a content loss measured in the feature space of a trained classifier (SRGAN used VGG-19; we use
   the course's digit classifier), so the output must *look* right to a network that reads digits,
   not just match pixel by pixel; ESRGAN (Wang et al. 2018) takes the features before the activation;
2. an adversarial loss from a discriminator (here pix2pix's PatchGAN), for realistic texture.

    pairs = lowres_to_highres_digits("train")           # (bicubic 28x28 of a 7x7 digit, the sharp digit)
    G = SRResNet(scale=4)
    fit_l1(G, pairs.batches(32), steps=300)              # "SRResNet": PSNR-oriented, L1 only
    trainer = SRGANTrainer(SRResNet(scale=4), PatchDiscriminator(2), pairs.batches(32))
    trainer.fit(steps=300)                               # adversarial + L1 + feature (perceptual) loss
    translation_scores(G, held_out)                      # {"l1": ..., "psnr": ...}
"""

from __future__ import annotations

import torch

from learntools.gans.training.pix2pix import Pix2PixTrainer

__all__ = ["digit_features", "feature_distance", "SRGANTrainer"]


def digit_features(images: torch.Tensor) -> torch.Tensor:
    """The digit classifier's second-block features *before* the ReLU (ESRGAN's choice):
    images (N, 1, 28, 28) in [-1, 1] -> (N, 32, 14, 14). Gradients flow to the images; the
    classifier's own weights are frozen."""
    from learntools.gans.evaluation.metrics import load_classifier

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

    def generator_loss(self, fake_logits, fake, targets):
        """pix2pix's loss (adversarial + l1_weight * L1) + feature_weight * feature_distance."""
        g_loss, numbers = super().generator_loss(fake_logits, fake, targets)
        features = feature_distance(fake.float(), targets.float()) if self.feature_weight else torch.zeros(())
        return g_loss + self.feature_weight * features, {**numbers, "features": float(features.detach())}
