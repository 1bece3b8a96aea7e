"""Differentiable augmentation, DiffAugment (Zhao et al. 2020), and the trainer that uses it (lesson 12).

With few real images, D can learn them by heart: it calls its own training digits real and any other
digit, real or generated, fake. DiffAugment shows D only randomly changed images, T(x) for the reals and
T(G(z)) for the fakes, in the D step and in the G step alike. T must be differentiable, because in the
G step G's gradient flows back through it.

    images = diff_augment(real)                  # (N, 1, 28, 28): shifted, with a square cut out
    trainer = DiffAugmentTrainer(G, D, data=Batches(images, batch_size=64), noise=gaussian_noise(32))
    trainer.fit(steps=500)

Two of the paper's three changes (its published code's settings; the third, colour, is left out):

- translate: every image moves by its own random whole number of pixels, up to 1/8 of its size each way
  (3 pixels for 28x28), and the pixels that move in are zeros;
- cutout: every image loses a random square half its size (14x14), set to zero; a square whose centre
  lies near an edge is cut off by it.

Zero is the middle of the [-1, 1] range, grey on screen, not the black background of a digit (-1). It
does not matter which value fills in, because real and fake images get the same treatment.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from learntools.gans.training.trainer import GANTrainer

__all__ = ["shift_images", "translate", "cutout_squares", "cutout", "diff_augment", "DiffAugmentTrainer"]


def _check_images(images, what="images"):
    if not isinstance(images, torch.Tensor) or images.ndim != 4 or not images.is_floating_point():
        shape = tuple(images.shape) if isinstance(images, torch.Tensor) else type(images).__name__
        raise TypeError(f"{what} should be a float tensor (N, C, H, W); got {shape}.")


def _per_image(values, n, device, what):
    """A (N,) int64 tensor on ``device`` from a tensor, a list or one number."""
    values = torch.as_tensor(values, device=device).long().reshape(-1)
    if values.numel() == 1:
        values = values.expand(n)
    if values.shape != (n,):
        raise ValueError(f"{what} should hold one number per image ({n}); got {values.numel()}.")
    return values


# ---- translation ---------------------------------------------------------------------------


def shift_images(images, dx, dy):
    """Move image i right by dx[i] and down by dy[i] whole pixels (negative: left, up); zeros move in.

    images (N, C, H, W); dx, dy (N,) whole numbers (or one number for every image). Made of padding and
    indexing only, so gradients flow back to the pixels that were moved.
    """
    _check_images(images)
    n, _, h, w = images.shape
    dx = _per_image(dx, n, images.device, "dx")
    dy = _per_image(dy, n, images.device, "dy")
    pad = int(max(dx.abs().max(), dy.abs().max(), 0))

    # A frame of `pad` zeros around every image: (N, C, H + 2 pad, W + 2 pad).
    padded = F.pad(images, (pad, pad, pad, pad))

    # Output pixel (r, c) of image i comes from padded pixel (r + pad - dy[i], c + pad - dx[i]).
    rows = torch.arange(h, device=images.device)[None, :] + pad - dy[:, None]   # (N, H)
    cols = torch.arange(w, device=images.device)[None, :] + pad - dx[:, None]   # (N, W)
    batch = torch.arange(n, device=images.device)[:, None, None]                # (N, 1, 1)
    moved = padded.permute(0, 2, 3, 1)[batch, rows[:, :, None], cols[:, None, :]]  # (N, H, W, C)
    return moved.permute(0, 3, 1, 2)                                            # (N, C, H, W)


def translate(images, max_shift=None, generator=None):
    """Shift every image by its own random (dx, dy), each a whole number in [-max_shift, max_shift].

    max_shift: None for 1/8 of the image's height (3 pixels for 28x28), as in the paper.
    generator: a torch.Generator for the random shifts (None: torch's global one).
    """
    _check_images(images)
    n, _, h, _ = images.shape
    max_shift = h // 8 if max_shift is None else int(max_shift)
    dx = torch.randint(-max_shift, max_shift + 1, (n,), generator=generator, device=_rng_device(generator, images))
    dy = torch.randint(-max_shift, max_shift + 1, (n,), generator=generator, device=_rng_device(generator, images))
    return shift_images(images, dx, dy)                                         # (N, C, H, W)


# ---- cutout --------------------------------------------------------------------------------


def cutout_squares(images, centre_x, centre_y, size):
    """Set a size x size square of image i, centred at (centre_x[i], centre_y[i]), to zero.

    Pixels of the square that fall outside the image are simply not there. A multiplication by a
    mask of ones and zeros: gradients flow to every pixel that was kept, and the input is not changed.
    """
    _check_images(images)
    n, _, h, w = images.shape
    centre_x = _per_image(centre_x, n, images.device, "centre_x")
    centre_y = _per_image(centre_y, n, images.device, "centre_y")
    top, left = centre_y - size // 2, centre_x - size // 2                     # (N,) each

    rows = torch.arange(h, device=images.device)[None, :]                     # (1, H)
    cols = torch.arange(w, device=images.device)[None, :]                     # (1, W)
    in_rows = (rows >= top[:, None]) & (rows < top[:, None] + size)           # (N, H)
    in_cols = (cols >= left[:, None]) & (cols < left[:, None] + size)         # (N, W)
    square = in_rows[:, :, None] & in_cols[:, None, :]                          # (N, H, W)
    keep = (~square).to(images.dtype)[:, None]                                  # (N, 1, H, W): 0 in the square
    return images * keep                                                        # (N, C, H, W)


def cutout(images, size=None, generator=None):
    """Cut a random square out of every image (its own place for each image), filled with zeros.

    size: None for half the image's height (14 for 28x28), as in the paper. The square's centre is
    any pixel of the image, so near an edge only part of the square is inside.
    """
    _check_images(images)
    n, _, h, w = images.shape
    size = h // 2 if size is None else int(size)
    device = _rng_device(generator, images)
    centre_x = torch.randint(0, w, (n,), generator=generator, device=device)
    centre_y = torch.randint(0, h, (n,), generator=generator, device=device)
    return cutout_squares(images, centre_x, centre_y, size)                    # (N, C, H, W)


# ---- both ----------------------------------------------------------------------------------


def diff_augment(images, generator=None):
    """T(x): a random translation, then a random cutout, for every image its own (Zhao et al. 2020)."""
    return cutout(translate(images, generator=generator), generator=generator)


def _rng_device(generator, images):
    """Random numbers are drawn where the generator lives (the images' device without one)."""
    return generator.device if generator is not None else images.device


class DiffAugmentTrainer(GANTrainer):
    """GANTrainer where D sees only augmented images: T(x) and T(G(z)), in the D step and the G step.

    The one hook it replaces is `judge`, which both steps use, so T is applied to real and fake alike
    and G's gradient flows back through T. `augment(images, generator)` is T (default: diff_augment);
    its random choices come from the trainer's own generator, so a seeded run is the same every time.
    """

    def __init__(self, generator, discriminator, data, noise, augment=diff_augment, **settings):
        super().__init__(generator, discriminator, data, noise, **settings)
        if not callable(augment):
            raise TypeError("augment must be a function augment(images, generator) -> images, e.g. diff_augment.")
        self.augment = augment
        self.config["augment"] = getattr(augment, "__name__", repr(augment))

    def judge(self, D, images, condition):
        """D's verdicts (logits) on T(images)."""
        return D(self.augment(images, generator=self.rng))
