"""Adapters between a data source and a trainer (lessons 06 to 10).

`EndlessBatches` is how GANTrainer reads any data: an endless, resumable stream of batches on the
training device, the first item of each batch (the images). A conditional, paired or cycle trainer
also needs the second item (labels, or target images): `KeepSecond` passes each batch on and
remembers its second item in `.second`.
"""

from __future__ import annotations

import torch

__all__ = ["KeepSecond", "EndlessBatches"]


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


class EndlessBatches:
    """Draw real batches from `data` forever, starting a new pass when one ends (GANTrainer's input).

    Each batch is moved to `device`; of a (images, labels, ...) tuple only the first item is
    returned (a KeepSecond in front keeps the second). To resume exactly it counts the batches
    handed out, in all and in the current pass. Data with an `iterate(start)` method (like
    `Batches`) jumps straight back to its place; any other data is replayed batch by batch from a
    freshly built `data` object (cheap for in-memory batches that shuffle with their own seeded generator).
    """

    def __init__(self, data, device):
        self.data = data
        self.device = device
        self.batches_drawn = 0   # since training began
        self.in_this_pass = 0    # since iter(data) was last started
        self.iterator = None

    def next(self) -> torch.Tensor:
        if self.iterator is None:
            self.iterator = iter(self.data)
        try:
            batch = next(self.iterator)
        except StopIteration:  # one pass over the data is done: start the next
            self.iterator, self.in_this_pass = iter(self.data), 0
            try:
                batch = next(self.iterator)
            except StopIteration:
                raise ValueError("data yielded no batches: is the dataset smaller than one batch?") from None
        self.batches_drawn += 1
        self.in_this_pass += 1
        if isinstance(batch, (tuple, list)):  # (images, labels, ...): the images come first
            batch = batch[0]
        if not isinstance(batch, torch.Tensor):
            raise TypeError(f"data must yield tensors (or tuples starting with one), got {type(batch).__name__}.")
        return batch.to(self.device, non_blocking=True)

    def state_dict(self) -> dict:
        return {"batches_drawn": self.batches_drawn, "in_this_pass": self.in_this_pass}

    def load_state_dict(self, state: dict):
        if hasattr(self.data, "iterate"):  # jump: the pass restarts at batch `in_this_pass`
            self.iterator = self.data.iterate(int(state["in_this_pass"]))
            self.batches_drawn, self.in_this_pass = int(state["batches_drawn"]), int(state["in_this_pass"])
            return
        # Replay: rebuild the position by drawing the same number of batches again.
        self.iterator, self.batches_drawn, self.in_this_pass = None, 0, 0
        for _ in range(int(state["batches_drawn"])):
            self.next()
