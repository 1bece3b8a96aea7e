"""Adapters between a data source and a trainer (lessons 06 to 08).

GANTrainer hands its steps the first item of each batch (the images). A conditional, paired or cycle
trainer also needs the second item (labels, or target images): `KeepSecond` passes each batch on and
remembers its second item in `.second`.
"""

from __future__ import annotations

import torch

__all__ = ["KeepSecond"]


class KeepSecond:
    """Wrap an iterable of (first, second, ...) batches: pass every batch on and remember its second item.

    GANTrainer hands its steps the first item of each batch (the images); a conditional, paired or
    cycle trainer reads the second (labels, or target images) from `.second`. Resuming works as for
    the wrapped data: `iterate(start)` jumps (or skips) to batch `start` of a pass. A subclass can
    demand more of a batch by overriding `_check_batch`.
    """

    def __init__(self, data, what: str = "data"):
        if isinstance(data, torch.Tensor) or not hasattr(data, "__iter__"):
            raise TypeError(f"{what} must yield (images, labels) batches, e.g. Batches(images, labels, batch_size=64).")
        self.data = data
        self.what = what
        self.second = None

    def __iter__(self):
        return self._remember(iter(self.data))

    def iterate(self, start: int = 0):
        if hasattr(self.data, "iterate"):
            return self._remember(self.data.iterate(start))
        batches = iter(self.data)
        for _ in range(start):
            next(batches, None)
        return self._remember(batches)

    def _remember(self, batches):
        for batch in batches:
            self._check_batch(batch)
            self.second = batch[1]
            yield batch

    def _check_batch(self, batch):
        """TypeError unless the batch is a tuple or list of at least two items."""
        if not isinstance(batch, (tuple, list)) or len(batch) < 2:
            raise TypeError(f"{self.what} must yield pairs of tensors, e.g. Batches(images, labels, batch_size=64); "
                            f"got a batch of type {type(batch).__name__}.")

    def __len__(self):
        return len(self.data)
