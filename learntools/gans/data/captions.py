"""Captions for real digits, from their labels and two properties measured on their pixels (lesson 14).

A caption says which digit an image shows and, where the image is unusual, how its strokes look:
"a thick seven", "a thin slanted two", "an upright four", "a five". Two measures read the ink:

    stroke_thickness(images)   2 * ink area / outline length, in pixels: a stroke of width w and length
                               L has area w L and an outline about 2 L long, so this is about w
    stroke_slant(images)       cov(x, y) / var(y) of the ink, with y pointing *up*: how far the ink moves
                               right per pixel it rises (0 upright, > 0 leaning right like "/")

Both read images in [-1, 1] (the course's range) and turn them into ink in [0, 1] first. A word is given
only to the digits in the outer thirds of the training digits' own measures (CaptionThresholds): the
thinnest third is "thin", the thickest "thick", the third leaning least "upright", the third leaning most
"slanted"; the middle third gets no word.

    images, labels = load_mnist("train")
    captions = caption_digits(images, labels)       # Captions: tokens (N, 3) int64, thresholds, texts
    captions.texts[:3]                              # ['a thick five', 'a zero', 'an upright four']
    tokens = encode_captions(["a thin slanted two"])  # (1, 3): the words as numbers, 0 for "no word"
    wrong = mismatched_captions(tokens_of_a_batch)  # another example's caption for every row, never its own
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

__all__ = [
    "VOCABULARY",
    "DIGIT_WORDS",
    "PAD",
    "ink",
    "outline_length",
    "stroke_thickness",
    "stroke_slant",
    "CaptionThresholds",
    "caption_thresholds",
    "caption_tokens",
    "caption_text",
    "encode_captions",
    "Captions",
    "caption_digits",
    "mismatched_captions",
]

# ---------------------------------------------------------------------------------------------
# The words
# ---------------------------------------------------------------------------------------------

DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
PAD = 0  # token 0 stands for "no word here" (a caption without a thickness or slant word)
VOCABULARY = ("<none>",) + DIGIT_WORDS + ("thin", "thick", "upright", "slanted")  # 15 words
WORD_ID = {word: index for index, word in enumerate(VOCABULARY)}
THICKNESS_WORDS = ("thin", None, "thick")   # lower third, middle third, upper third
SLANT_WORDS = ("upright", None, "slanted")


# ---------------------------------------------------------------------------------------------
# Measuring the ink
# ---------------------------------------------------------------------------------------------


def _check_images(images, what="images") -> torch.Tensor:
    if not isinstance(images, torch.Tensor) or images.ndim != 4 or not images.is_floating_point():
        shape = tuple(images.shape) if isinstance(images, torch.Tensor) else type(images).__name__
        raise ValueError(f"{what} must be a float tensor (N, 1, H, W) in [-1, 1], got {shape}.")
    return images


def ink(images: torch.Tensor) -> torch.Tensor:
    """Images in [-1, 1] (background -1) -> ink in [0, 1] (background 0, full stroke 1), same shape."""
    return (_check_images(images).clamp(-1, 1) + 1) / 2


def outline_length(ink_images: torch.Tensor) -> torch.Tensor:
    """The length of the ink's outline, in pixels: (N, 1, H, W) ink in [0, 1] -> (N,).

    The sum of the ink's changes between neighbouring pixels, across and down: a sharp edge of length L
    running along the grid adds L (a diagonal edge adds up to sqrt(2) L).
    """
    across = (ink_images[..., :, 1:] - ink_images[..., :, :-1]).abs().sum(dim=(1, 2, 3))  # (N,)
    down = (ink_images[..., 1:, :] - ink_images[..., :-1, :]).abs().sum(dim=(1, 2, 3))    # (N,)
    return across + down


def stroke_thickness(images: torch.Tensor) -> torch.Tensor:
    """Mean stroke width in pixels: 2 * ink area / outline length. (N, 1, H, W) in [-1, 1] -> (N,).

    A stroke w wide and L long has area w L and an outline 2 (L + w) long, so the ratio is about w.
    An empty image (no ink, no outline) measures 0.
    """
    amount = ink(images)                                  # (N, 1, H, W) in [0, 1]
    area = amount.sum(dim=(1, 2, 3))                      # (N,) pixels of ink
    outline = outline_length(amount)                      # (N,)
    return 2 * area / outline.clamp_min(1e-6)             # (N,)


def stroke_slant(images: torch.Tensor) -> torch.Tensor:
    """How far the ink leans right per pixel it rises: cov(x, y) / var(y), weighted by ink. (N,) from (N, 1, H, W).

    x counts columns to the right; y counts rows *upwards* (row numbers grow downwards, so y = -row).
    0: upright; 0.3: the top sits 0.3 pixel further right for every pixel up, like "/"; negative: like "\\".
    """
    amount = ink(images)                                  # (N, 1, H, W) in [0, 1]
    height, width = amount.shape[-2:]
    y = -torch.arange(height, dtype=amount.dtype, device=amount.device)[:, None]   # (H, 1): up is positive
    x = torch.arange(width, dtype=amount.dtype, device=amount.device)[None, :]     # (1, W)
    weight = amount / amount.sum(dim=(1, 2, 3), keepdim=True).clamp_min(1e-6)      # (N, 1, H, W), sums to 1
    mean_x = (weight * x).sum(dim=(1, 2, 3), keepdim=True)                         # (N, 1, 1, 1)
    mean_y = (weight * y).sum(dim=(1, 2, 3), keepdim=True)
    cov_xy = (weight * (x - mean_x) * (y - mean_y)).sum(dim=(1, 2, 3))             # (N,)
    var_y = (weight * (y - mean_y) ** 2).sum(dim=(1, 2, 3))                        # (N,)
    return cov_xy / var_y.clamp_min(1e-6)                                          # (N,)


# ---------------------------------------------------------------------------------------------
# From measures to words
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaptionThresholds:
    """Where the words start: below `thin` is thin, above `thick` thick; below `upright` upright, above
    `slanted` slanted. Made from a set of digits' own measures (their thirds) by caption_thresholds."""

    thin: float
    thick: float
    upright: float
    slanted: float


def caption_thresholds(images: torch.Tensor) -> CaptionThresholds:
    """The thirds of these images' thickness and slant: the 1/3 and 2/3 quantiles of each measure."""
    thirds = torch.tensor([1 / 3, 2 / 3], dtype=torch.float64)
    thin, thick = torch.quantile(stroke_thickness(images).double(), thirds).tolist()
    upright, slanted = torch.quantile(stroke_slant(images).double(), thirds).tolist()
    return CaptionThresholds(thin=thin, thick=thick, upright=upright, slanted=slanted)


def _third(values: torch.Tensor, low: float, high: float) -> torch.Tensor:
    """0 below `low`, 2 above `high`, 1 between: (N,) int64."""
    return (values >= low).long() + (values > high).long()


def caption_tokens(labels, thickness, slant, thresholds: CaptionThresholds) -> torch.Tensor:
    """Labels (N,), thickness (N,) and slant (N,) -> captions as word numbers (N, 3):
    [digit word, thickness word or 0, slant word or 0]."""
    labels = torch.as_tensor(labels).long().cpu()
    digit = labels + WORD_ID["zero"]                                                     # (N,)
    thickness_words = torch.tensor([WORD_ID["thin"], PAD, WORD_ID["thick"]])
    slant_words = torch.tensor([WORD_ID["upright"], PAD, WORD_ID["slanted"]])
    thick = thickness_words[_third(thickness.cpu(), thresholds.thin, thresholds.thick)]  # (N,)
    lean = slant_words[_third(slant.cpu(), thresholds.upright, thresholds.slanted)]       # (N,)
    return torch.stack([digit, thick, lean], dim=1)                                      # (N, 3)


def caption_text(tokens) -> str:
    """One caption's word numbers (3,) -> its sentence: thickness, then slant, then the digit."""
    digit, thick, lean = (int(t) for t in tokens)
    words = [VOCABULARY[t] for t in (thick, lean) if t != PAD] + [VOCABULARY[digit]]
    article = "an" if words[0] in ("eight", "upright") else "a"  # "a one", "an eight"
    return " ".join([article] + words)


def encode_captions(texts) -> torch.Tensor:
    """Sentences such as "a thin slanted two" -> word numbers (N, 3) [digit, thickness, slant].

    Each caption needs exactly one digit word; "thin"/"thick" and "upright"/"slanted" are optional;
    "a" and "an" are skipped. Any other word is a ValueError that names it.
    """
    if isinstance(texts, str):
        texts = [texts]
    rows = []
    for text in texts:
        row = [None, PAD, PAD]
        for word in str(text).lower().split():
            if word in ("a", "an"):
                continue
            if word not in WORD_ID or word == VOCABULARY[PAD]:
                raise ValueError(f"unknown word {word!r} in {text!r}: the vocabulary is "
                                 f"{', '.join(VOCABULARY[1:])}.")
            slot = 0 if word in DIGIT_WORDS else 1 if word in ("thin", "thick") else 2
            if slot == 0 and row[0] is not None:
                raise ValueError(f"{text!r} names two digits; a caption describes one.")
            row[slot] = WORD_ID[word]
        if row[0] is None:
            raise ValueError(f"{text!r} names no digit; say which one, e.g. 'a thin seven'.")
        rows.append(row)
    return torch.tensor(rows, dtype=torch.int64)                                         # (N, 3)


@dataclass
class Captions:
    """Captions of a set of digits: tokens (N, 3) int64, the thresholds that made them, their sentences."""

    tokens: torch.Tensor
    thresholds: CaptionThresholds

    @property
    def texts(self) -> list:
        return [caption_text(row) for row in self.tokens]

    def __len__(self) -> int:
        return len(self.tokens)


def caption_digits(images, labels, thresholds: CaptionThresholds | None = None) -> Captions:
    """Caption every digit. thresholds=None takes them from these images (use the training digits'
    thresholds for held-out digits, so that a word means the same everywhere)."""
    images = _check_images(images)
    if thresholds is None:
        thresholds = caption_thresholds(images)
    tokens = caption_tokens(labels, stroke_thickness(images), stroke_slant(images), thresholds)
    return Captions(tokens=tokens, thresholds=thresholds)


# ---------------------------------------------------------------------------------------------
# Wrong captions, for the matching-aware discriminator
# ---------------------------------------------------------------------------------------------


def mismatched_captions(tokens: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    """For every row, the caption of another example of the batch that differs from its own. (N, 3) -> (N, 3).

    A plain shuffle would hand some rows their own caption back (or an identical one: two "a one"
    in a batch are common), and D would then be taught that a right caption is wrong. Each row draws
    uniformly among the rows whose caption differs; a batch in which some row has no different
    caption is a ValueError.
    """
    differs = (tokens[:, None, :] != tokens[None, :, :]).any(dim=2).float()  # (N, N): 1 where captions differ
    if not bool(differs.sum(dim=1).gt(0).all()):
        raise ValueError("every caption of this batch is the same: there is no wrong caption to draw.")
    device = generator.device if generator is not None else tokens.device
    chosen = torch.multinomial(differs.to(device), 1, generator=generator).squeeze(1)  # (N,) another row each
    return tokens[chosen.to(tokens.device)]                                            # (N, 3)
