"""Where the library's code runs: the one place that picks a device, and that asks "is this a notebook?".

    default_device()              # cuda > mps > cpu: what the metrics and fit_l1 use
    training_device(None, rank)   # the same, but under torchrun each process takes its own GPU
    training_device("cpu")        # a device you name wins (a ValueError names a bad one)
    in_notebook()                 # True inside a Jupyter kernel: the live views redraw there only

GANTrainer (lesson 06), fit_l1 (lesson 09) and the digit classifier (lessons 05 to 10) all ask here,
so a notebook, the command line and a test pick the same hardware the same way.
"""

from __future__ import annotations

import os

import torch

__all__ = ["default_device", "training_device", "in_notebook"]


def default_device() -> torch.device:
    """CUDA if present, then Apple's MPS, else the CPU."""
    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def training_device(device=None, rank: int = 0) -> torch.device:
    """The device a trainer runs on: `device` if given, else default_device(); on CUDA this
    process's GPU (LOCAL_RANK under torchrun, else `rank`), made the current one."""
    if device is not None:
        try:
            return torch.device(device)
        except (RuntimeError, TypeError):
            raise ValueError(f"device must be like 'cpu', 'cuda' or 'mps', got {device!r}.") from None
    chosen = default_device()
    if chosen.type == "cuda":
        index = int(os.environ.get("LOCAL_RANK", rank)) % torch.cuda.device_count()
        torch.cuda.set_device(index)
        return torch.device("cuda", index)
    return chosen


def in_notebook() -> bool:
    """True inside a Jupyter kernel (where display handles can redraw an output in place); False in a
    script, the command line, a plain IPython terminal, or where IPython is not installed."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")
