"""Measuring image-to-image translation: L1, PSNR, and CycleGAN's reconstruction errors (lessons 09 and 10).

    translation_scores(G, held_out)                       # pix2pix: {"l1": ..., "psnr": ...}
    cycle_scores(generators, held_out)                    # CycleGAN: reconstruction and translation errors
"""

from __future__ import annotations

import torch

from learntools.gans.data.digits import PairedImages
from learntools.gans.data.unpaired import UnpairedImages
from learntools.gans.models.cyclegan import CycleGenerators

__all__ = ["translate", "l1_distance", "psnr", "translation_scores", "reconstruction_error", "cycle_scores"]


@torch.no_grad()
def translate(generator, images: torch.Tensor, batch_size: int = 256) -> torch.Tensor:
    """generator(images) in eval mode, in batches, as a float32 CPU tensor; the mode is restored afterwards.

    Generators without parameters (nn.Identity(): doing nothing) run on the images' device.
    """
    parameter = next(iter(generator.parameters()), None)
    device = parameter.device if parameter is not None else images.device
    was_training = generator.training
    generator.eval()
    try:
        return torch.cat([generator(part.to(device)).float().cpu() for part in images.split(batch_size)])
    finally:
        generator.train(was_training)


def _as_pair(outputs, targets):
    outputs = torch.as_tensor(outputs).detach().float().cpu()
    targets = torch.as_tensor(targets).detach().float().cpu()
    if outputs.shape != targets.shape:
        raise ValueError(f"outputs and targets must have the same shape, got {tuple(outputs.shape)} and "
                         f"{tuple(targets.shape)}.")
    return outputs, targets


def l1_distance(outputs, targets) -> float:
    """Mean absolute pixel difference, on the [-1, 1] scale of the images (0 = identical, 2 = opposite)."""
    outputs, targets = _as_pair(outputs, targets)
    return float((outputs - targets).abs().mean())


def psnr(outputs, targets, data_range: float = 2.0, max_db: float = 100.0) -> float:
    """Peak signal-to-noise ratio in dB, per image, then averaged: 10 log10(data_range^2 / MSE).

    data_range is the span of possible pixel values: 2 for images in [-1, 1]. Higher is better;
    every halving of the mean squared error adds about 3 dB. Identical images count as max_db.
    """
    outputs, targets = _as_pair(outputs, targets)
    mse = ((outputs - targets) ** 2).flatten(1).mean(dim=1)  # (N,) one error per image
    per_image = 10 * torch.log10(data_range ** 2 / mse.clamp_min(data_range ** 2 * 10 ** (-max_db / 10)))
    return float(per_image.mean())


def translation_scores(generator, pairs: PairedImages, batch_size: int = 256) -> dict:
    """{"l1": ..., "psnr": ...} of G's translations of pairs.inputs against pairs.targets.

    generator=None scores the trivial baseline: the input itself (the bicubic upsample, for
    super-resolution), which needs inputs and targets with the same channels.
    """
    if not isinstance(pairs, PairedImages):
        raise TypeError(f"pairs must be a PairedImages, got a {type(pairs).__name__}.")
    if generator is None:
        if pairs.inputs.shape[1] != pairs.targets.shape[1]:
            raise ValueError("the input itself is no baseline when inputs and targets have different channels.")
        outputs = pairs.inputs
    else:
        outputs = translate(generator, pairs.inputs, batch_size)
    return {"l1": round(l1_distance(outputs, pairs.targets), 4), "psnr": round(psnr(outputs, pairs.targets), 2)}


def _models(generators, G_BA=None):
    if isinstance(generators, CycleGenerators):
        return generators.ab, generators.ba
    if G_BA is None:
        raise TypeError("give CycleGenerators, or the two generators G_AB and G_BA.")
    return generators, G_BA


@torch.no_grad()
def reconstruction_error(G_AB, G_BA, images, batch_size: int = 256) -> float:
    """Mean |G_BA(G_AB(x)) - x| over `images` of domain A (eval mode, no gradients), on the [-1, 1] scale.

    0 means the cycle gives every image back exactly; random untrained generators give about 1.
    """
    translated = translate(G_AB, images, batch_size)
    return l1_distance(translate(G_BA, translated, batch_size), images)


def cycle_scores(generators, held_out: UnpairedImages, batch_size: int = 256) -> dict:
    """Held-out figures of a CycleGAN (L1 on the [-1, 1] scale, lower is better):

    reconstruction_a: |G_BA(G_AB(a)) - a|,  reconstruction_b: |G_AB(G_BA(b)) - b|;
    with paired held-out data (the true translation known), also
    translation_ab: |G_AB(a) - b|, and the do-nothing baseline |a - b| beside it.
    """
    G_AB, G_BA = _models(generators)
    scores = {"reconstruction_a": round(reconstruction_error(G_AB, G_BA, held_out.a, batch_size), 4),
              "reconstruction_b": round(reconstruction_error(G_BA, G_AB, held_out.b, batch_size), 4)}
    if held_out.paired:
        scores["translation_ab"] = round(l1_distance(translate(G_AB, held_out.a, batch_size), held_out.b), 4)
        scores["translation_ba"] = round(l1_distance(translate(G_BA, held_out.b, batch_size), held_out.a), 4)
        scores["do_nothing_baseline"] = round(l1_distance(held_out.a, held_out.b), 4)
    return scores
