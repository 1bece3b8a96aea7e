"""Measuring a text-to-image generator: does the digit it draws match the caption, and do its strokes? (lesson 14)

Every digit is asked for with four captions, "a thin seven", "a thick seven", "an upright seven",
"a slanted seven", the same noise vectors for all four (so that only the word changes). Then:

    digit          the fraction the independent digit judge (evaluation.judge) reads as the digit asked for
    thick_order    the fraction of noise vectors whose "thick" image is thicker than its "thin" one (chance 0.5)
    slant_order    the same for "slanted" against "upright" (measured slant; chance 0.5)
    thick_third    the fraction of "thin"/"thick" images whose thickness lies in that word's third of the
                   real training digits (below CaptionThresholds.thin, above .thick; about 1/3 by chance)
    slant_third    the same for "upright"/"slanted"

    report = caption_agreement(G, captions.thresholds)   # a dict of those five numbers
"""

from __future__ import annotations

import torch

from learntools.gans.data.captions import (
    DIGIT_WORDS,
    CaptionThresholds,
    encode_captions,
    stroke_slant,
    stroke_thickness,
)

__all__ = ["WORDS", "agreement_captions", "caption_agreement"]

WORDS = ("thin", "thick", "upright", "slanted")  # the four captions of every digit, in this order


def agreement_captions(n_per_caption: int = 50) -> torch.Tensor:
    """Tokens (40 * n, 3): for each digit, for each word of WORDS, n copies of "a <word> <digit>"."""
    texts = [f"a {word} {DIGIT_WORDS[digit]}" for digit in range(10) for word in WORDS]
    return encode_captions(texts).repeat_interleave(n_per_caption, dim=0)     # (40 n, 3)


@torch.no_grad()
def caption_agreement(generator, thresholds: CaptionThresholds, n_per_caption: int = 50, seed: int = 5) -> dict:
    """The five agreement figures of this module's docstring for a text generator G(z, tokens).

    The generator runs in eval mode; the global random state is left alone.
    """
    from learntools.gans.evaluation.judge import judge_accuracy

    n = n_per_caption
    tokens = agreement_captions(n)                                              # (40 n, 3)
    z = torch.randn(n, generator.z_dim, generator=torch.Generator().manual_seed(seed))  # (n, z_dim)
    z = z.repeat(40, 1)                                                         # the same n vectors per caption
    device = next(generator.parameters()).device
    was_training = generator.training
    generator.eval()
    try:
        images = generator(z.to(device), tokens.to(device)).float().cpu().clamp(-1, 1)  # (40 n, 1, 28, 28)
    finally:
        generator.train(was_training)

    with torch.random.fork_rng(devices=[]):  # loading the judge the first time draws random numbers
        digit = judge_accuracy(images, tokens[:, 0] - 1)     # digit words are tokens 1..10
    by_word = images.view(10, len(WORDS), n, 1, 28, 28).transpose(0, 1)          # (4 words, 10 digits, n, ...)
    thin, thick, upright, slanted = (by_word[k].reshape(10 * n, 1, 28, 28) for k in range(len(WORDS)))
    thin_t, thick_t = stroke_thickness(thin), stroke_thickness(thick)            # (10 n,) each
    upright_s, slanted_s = stroke_slant(upright), stroke_slant(slanted)
    return {
        "digit": digit,
        "thick_order": (thick_t > thin_t).float().mean().item(),
        "slant_order": (slanted_s > upright_s).float().mean().item(),
        "thick_third": torch.cat([thin_t < thresholds.thin, thick_t > thresholds.thick]).float().mean().item(),
        "slant_third": torch.cat([upright_s < thresholds.upright, slanted_s > thresholds.slanted]).float().mean().item(),
    }
