"""Two unpaired image domains from real digits: thin strokes (A) and thick strokes (B), for CycleGAN (lesson 10).

    domains = thin_thick_digits("train")                 # unpaired: thin digits (A), other thick digits (B)
    held_out = thin_thick_digits("test")                  # 1,000 test digits and their true thickening
    for a, b in domains.batches(16):
        ...
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from learntools.gans.data.digits import Batches, load_mnist

__all__ = ["thicken", "UnpairedImages", "UnpairedBatches", "thin_thick_digits"]


def thicken(images: torch.Tensor, pixels: int = 1) -> torch.Tensor:
    """Thicker strokes: a grayscale dilation (each pixel takes the brightest value within `pixels`).

    images (N, C, H, W) in [-1, 1] -> the same shape; a max-pool of size 2 * pixels + 1 with stride 1.
    """
    if not isinstance(images, torch.Tensor) or images.ndim != 4 or not images.is_floating_point():
        shape = tuple(images.shape) if isinstance(images, torch.Tensor) else type(images).__name__
        raise ValueError(f"images must be a float tensor (N, C, H, W) in [-1, 1], got {shape}.")
    if not isinstance(pixels, int) or isinstance(pixels, bool) or pixels < 0:
        raise ValueError(f"pixels must be a whole number >= 0, got {pixels!r}.")
    size = 2 * pixels + 1
    return F.max_pool2d(images, kernel_size=size, stride=1, padding=pixels)  # (N, C, H, W)


class UnpairedImages:
    """Two piles of images, domain A (N_a, C, H, W) and domain B (N_b, C, H, W), in [-1, 1].

    `batches(batch_size, seed)` yields (a, b) batches, each pile shuffled on its own, so which a
    meets which b changes every epoch: there are no pairs to learn from. `paired` is True only for a
    held-out set whose b[i] is the true translation of a[i] (used for measuring, never for training).
    """

    def __init__(self, a: torch.Tensor, b: torch.Tensor, paired: bool = False, labels_a=None, labels_b=None):
        for name, images in (("a", a), ("b", b)):
            if not isinstance(images, torch.Tensor) or images.ndim != 4 or not images.is_floating_point():
                shape = tuple(images.shape) if isinstance(images, torch.Tensor) else type(images).__name__
                raise ValueError(f"domain {name} must be a float tensor (N, C, H, W) in [-1, 1], got {shape}.")
        if a.shape[1:] != b.shape[1:]:
            raise ValueError(f"both domains need images of the same shape, got {tuple(a.shape[1:])} and {tuple(b.shape[1:])}.")
        if paired and len(a) != len(b):
            raise ValueError(f"paired domains need as many images in A as in B, got {len(a)} and {len(b)}.")
        self.a, self.b, self.paired = a, b, paired
        self.labels_a, self.labels_b = labels_a, labels_b

    def batches(self, batch_size: int = 16, seed: int = 0, device=None) -> "UnpairedBatches":
        return UnpairedBatches(self.a, self.b, batch_size=batch_size, seed=seed, device=device)

    def __repr__(self) -> str:
        kind = "paired" if self.paired else "unpaired"
        return f"UnpairedImages(a={tuple(self.a.shape)}, b={tuple(self.b.shape)}, {kind})"


class UnpairedBatches:
    """Endless (a, b) batches from two independently shuffled piles (two data.Batches, two seeds).

    An epoch is one pass over the smaller pile. `iterate(start)` resumes at batch `start`, so a
    trainer's checkpoint resumes exactly.
    """

    def __init__(self, a, b, batch_size: int = 16, seed: int = 0, device=None):
        self.a = Batches(a, batch_size=batch_size, seed=seed, device=device)
        self.b = Batches(b, batch_size=batch_size, seed=seed + 7919, device=device)  # another order for B

    def __len__(self) -> int:
        return min(len(self.a), len(self.b))

    def iterate(self, start: int = 0):
        epoch, first = divmod(start, len(self))
        while True:
            # Each pile restarts its own epoch `epoch`: positions line up across resumes.
            a_batches = self.a.iterate(epoch * len(self.a) + first)
            b_batches = self.b.iterate(epoch * len(self.b) + first)
            for _ in range(first, len(self)):
                yield next(a_batches), next(b_batches)
            epoch, first = epoch + 1, 0

    def __iter__(self):
        return self.iterate(0)


def thin_thick_digits(split: str = "train", pixels: int = 1, source: str = "subset") -> UnpairedImages:
    """Domain A: real MNIST digits; domain B: digits with thicker strokes (thicken(), `pixels` wider).

    split "train": the 4,000 training digits are cut in two halves (stratified by class); A holds
    the first half as they are and B the *other* half thickened, so no digit appears in both domains
    and there is nothing to pair. split "test": the 1,000 held-out digits in A and the same digits
    thickened in B (paired=True): the true translation of each A, for measuring only.
    """
    if split not in ("train", "test"):
        raise ValueError(f"Unknown split {split!r}: choose 'train' or 'test'.")
    images, labels = load_mnist(split, source=source)  # (N, 1, 28, 28) in [-1, 1], (N,)
    if split == "test":
        return UnpairedImages(images, thicken(images, pixels), paired=True, labels_a=labels, labels_b=labels.clone())
    # Alternate within each class: even positions go to A, odd ones to B.
    order = torch.argsort(labels * len(labels) + torch.arange(len(labels)))  # by class, stable
    rank_in_class = torch.empty_like(order)
    rank_in_class[order] = torch.arange(len(order)) - torch.searchsorted(labels[order], labels[order])
    to_a = rank_in_class % 2 == 0
    return UnpairedImages(images[to_a], thicken(images[~to_a], pixels),
                          labels_a=labels[to_a], labels_b=labels[~to_a])
