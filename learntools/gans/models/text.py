"""Text-conditional networks: a caption in, a digit out; an image and a caption in, a verdict out (lesson 14).

Reed et al. (2016, "Generative Adversarial Text to Image Synthesis") give both networks an embedding of
the sentence: G(z, text) appends it to the noise; D(x, text) joins it to its image features part-way up.
Their sentences go through a pre-trained character-level encoder; ours are three words from a
15-word vocabulary (learntools.gans.data.captions), so a bag of word embeddings, learned with the GAN,
is enough: the caption's embedding is the mean of its words' vectors (word order is ignored).

    G = TextGenerator()                          # z (N, 32) and captions (N, 3) -> (N, 1, 28, 28)
    D = TextDiscriminator()                      # images (N, 1, 28, 28) and captions (N, 3) -> (N, 1)
    tokens = encode_captions(["a thick seven", "a thin slanted two"])   # (2, 3)
    images = G(torch.randn(2, 32), tokens)       # (2, 1, 28, 28) in [-1, 1]
    logits = D(images, tokens)                   # (2, 1)

Small MLPs, so that the lesson's runs take seconds per hundred steps on a CPU.
"""

from __future__ import annotations

import torch
from torch import nn

from learntools.gans.data.captions import PAD, VOCABULARY

__all__ = ["CaptionEncoder", "TextGenerator", "TextDiscriminator"]


def _check_tokens(tokens, count=None) -> torch.Tensor:
    """Raise a clear error unless tokens is an int64 tensor (N, words) of word numbers in the vocabulary."""
    if not isinstance(tokens, torch.Tensor) or tokens.ndim != 2 or tokens.is_floating_point():
        shape = tuple(tokens.shape) if isinstance(tokens, torch.Tensor) else type(tokens).__name__
        raise ValueError(f"captions must be word numbers, an integer tensor (N, 3) such as "
                         f"encode_captions(['a thick seven']); got {shape}.")
    if count is not None and len(tokens) != count:
        raise ValueError(f"{len(tokens)} captions for {count} examples: give one caption per example.")
    if len(tokens) and (tokens.min() < 0 or tokens.max() >= len(VOCABULARY)):
        raise ValueError(f"word numbers must lie in 0..{len(VOCABULARY) - 1}, found {int(tokens.min())} "
                         f"to {int(tokens.max())}.")
    return tokens.long()


class CaptionEncoder(nn.Module):
    """Captions (N, words) of word numbers -> embeddings (N, dim): the mean of the words' vectors.

    nn.EmbeddingBag(mode="mean") looks up each word's vector and averages them in one step; the
    padding word (0, "no word here") is left out of the mean, so "a seven" is the vector of "seven".
    """

    def __init__(self, dim: int = 16, vocabulary_size: int = len(VOCABULARY)):
        super().__init__()
        self.dim = dim
        self.bag = nn.EmbeddingBag(vocabulary_size, dim, mode="mean", padding_idx=PAD)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        return self.bag(_check_tokens(tokens))                               # (N, dim)


class TextGenerator(nn.Module):
    """Noise z (N, z_dim) and captions (N, 3) -> images (N, 1, 28, 28) in [-1, 1].

    The caption's embedding is appended to the noise, as Reed et al. do; an MLP draws the image.
    """

    def __init__(self, z_dim: int = 32, text_dim: int = 16, hidden: int = 256):
        super().__init__()
        self.z_dim = z_dim
        self.text = CaptionEncoder(text_dim)
        self.body = nn.Sequential(
            nn.Linear(z_dim + text_dim, hidden),     # (N, hidden)
            nn.ReLU(),
            nn.Linear(hidden, 2 * hidden),           # (N, 2 * hidden)
            nn.ReLU(),
            nn.Linear(2 * hidden, 28 * 28),          # (N, 784)
            nn.Tanh(),
        )

    def forward(self, z: torch.Tensor, tokens: torch.Tensor) -> torch.Tensor:
        if not isinstance(z, torch.Tensor) or z.ndim != 2 or z.shape[1] != self.z_dim:
            shape = tuple(z.shape) if isinstance(z, torch.Tensor) else type(z).__name__
            raise ValueError(f"TextGenerator expects noise of shape (N, {self.z_dim}), got {shape}.")
        text = self.text(_check_tokens(tokens, len(z)).to(z.device))        # (N, text_dim)
        pixels = self.body(torch.cat([z, text.to(z.dtype)], dim=1))          # (N, 784)
        return pixels.view(-1, 1, 28, 28)                                    # (N, 1, 28, 28)


class TextDiscriminator(nn.Module):
    """Images (N, 1, 28, 28) and captions (N, 3) -> one logit per pair (N, 1): "a real image of *this*?".

    The image is read alone first; its features then meet the caption's embedding (Reed et al. join
    them after the convolutions, at 4x4), and the rest judges the pair.
    """

    def __init__(self, text_dim: int = 16, hidden: int = 256):
        super().__init__()
        self.text = CaptionEncoder(text_dim)
        self.image = nn.Sequential(nn.Flatten(), nn.Linear(28 * 28, 2 * hidden), nn.LeakyReLU(0.2))  # (N, 2h)
        self.pair = nn.Sequential(
            nn.Linear(2 * hidden + text_dim, hidden),  # (N, hidden)
            nn.LeakyReLU(0.2),
            nn.Linear(hidden, 1),                      # (N, 1)
        )

    def forward(self, images: torch.Tensor, tokens: torch.Tensor) -> torch.Tensor:
        if not isinstance(images, torch.Tensor) or images.ndim != 4 or tuple(images.shape[1:]) != (1, 28, 28):
            shape = tuple(images.shape) if isinstance(images, torch.Tensor) else type(images).__name__
            raise ValueError(f"TextDiscriminator expects images of shape (N, 1, 28, 28), got {shape}.")
        text = self.text(_check_tokens(tokens, len(images)).to(images.device))  # (N, text_dim)
        features = self.image(images)                                          # (N, 2 * hidden)
        return self.pair(torch.cat([features, text.to(features.dtype)], dim=1))  # (N, 1)
