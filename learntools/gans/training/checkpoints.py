"""Checkpoints that resume training bit for bit, and load safely (lesson 06).

A checkpoint holds the weights, the optimizers and scalers, the fixed noise, the history, the
config, and every random state: torch's, NumPy's, Python's, the trainer's own noise stream and
the data's position, one entry per torchrun process. Everything is stored as tensors and plain
types, so `torch.load(weights_only=True)` reads it: a checkpoint cannot run code when loaded.

    trainer.save_checkpoint("runs/mine/checkpoint.pt")    # GANTrainer's methods call the functions here
    trainer = GANTrainer.resume("runs/mine", G, D, data, noise)
    state = load_checkpoint("runs/mine")                  # the checked dict, e.g. for the command line
"""

from __future__ import annotations

import contextlib
import os
import random
import warnings
from pathlib import Path

import numpy as np
import torch
from torch import nn

from learntools.gans.training.distributed import gather_from_all_ranks

__all__ = ["load_checkpoint", "CheckpointError", "CHECKPOINT_FORMAT", "CHECKPOINT_VERSION"]

CHECKPOINT_FORMAT = "gan-workshop-checkpoint"
CHECKPOINT_VERSION = 1


class CheckpointError(Exception):
    """A checkpoint file is missing, unreadable, or does not fit the trainer loading it."""


# ---------------------------------------------------------------------------------------------
# A trainer's state, out and back in
# ---------------------------------------------------------------------------------------------


def trainer_state(trainer) -> dict:
    """Everything needed to continue training exactly, as plain types and tensors."""
    return {
        "format": CHECKPOINT_FORMAT,
        "version": CHECKPOINT_VERSION,
        "step": trainer.steps_done,
        "train_seconds": trainer.train_seconds,
        "generator": trainer.generator.state_dict(),
        "discriminator": trainer.discriminator.state_dict(),
        "generator_ema": None if trainer.generator_ema is None else trainer.generator_ema.state_dict(),
        "optimizer_g": trainer.optimizer_g.state_dict(),
        "optimizer_d": trainer.optimizer_d.state_dict(),
        "scaler_g": trainer.scaler_g.state_dict(),
        "scaler_d": trainer.scaler_d.state_dict(),
        "fixed_noise": trainer.fixed_noise.cpu(),
        # One entry per process: each has its own random streams and data position.
        "random_state": gather_from_all_ranks(_random_state(trainer), trainer.world_size),
        "history": [dict(record) for record in trainer.history],
        "config": dict(trainer.config),
    }


def restore_trainer(trainer, state: dict, path) -> None:
    """Load a checked checkpoint `state` (from `load_checkpoint`) into `trainer`."""
    _check_fits(trainer.generator, state["generator"], "generator", path)
    _check_fits(trainer.discriminator, state["discriminator"], "discriminator", path)
    try:
        trainer.generator.load_state_dict(state["generator"])
        trainer.discriminator.load_state_dict(state["discriminator"])
        trainer.optimizer_g.load_state_dict(state["optimizer_g"])
        trainer.optimizer_d.load_state_dict(state["optimizer_d"])
        trainer.scaler_g.load_state_dict(state["scaler_g"])
        trainer.scaler_d.load_state_dict(state["scaler_d"])
        if trainer.generator_ema is not None:
            # A checkpoint saved without an average starts one from the loaded generator.
            trainer.generator_ema.load_state_dict(state.get("generator_ema") or state["generator"])
    except (RuntimeError, ValueError, KeyError) as error:
        raise CheckpointError(f"{path} does not fit this trainer: {_first_line(error)}") from None

    trainer.steps_done = int(state["step"])
    trainer.train_seconds = float(state["train_seconds"])
    trainer.history = [dict(record) for record in state["history"]]
    trainer.fixed_noise = state["fixed_noise"].to(trainer.device)
    trainer.config.update(state["config"])

    # This process's random streams and data position (rank r resumes rank r's stream).
    random_states = state["random_state"]
    if trainer.rank < len(random_states):
        _set_random_state(trainer, random_states[trainer.rank])
    else:  # more processes now than when saved: give the newcomers fresh noise streams
        _set_random_state(trainer, random_states[0])
        trainer.rng.manual_seed(trainer.seed + 1000 * trainer.rank + trainer.steps_done)


def _random_state(trainer) -> dict:
    state = {
        "torch": torch.get_rng_state(),
        "numpy": _numpy_rng_state(),
        "python": _python_rng_state(),
        "trainer": trainer.rng.get_state(),
        "data": trainer.real_batches.state_dict(),
    }
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def _set_random_state(trainer, state: dict):
    trainer.real_batches.load_state_dict(state["data"])  # may replay batches: before the RNGs
    torch.set_rng_state(state["torch"].cpu())
    _set_numpy_rng_state(state["numpy"])
    _set_python_rng_state(state["python"])
    trainer.rng.set_state(state["trainer"].cpu())
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all([s.cpu() for s in state["cuda"]])


# ---------------------------------------------------------------------------------------------
# Checkpoint files
# ---------------------------------------------------------------------------------------------


def load_checkpoint(path, map_location="cpu") -> dict:
    """Read and check a checkpoint file (or a run directory holding `checkpoint.pt`).

    Only `torch.load(weights_only=True)` is used: a checkpoint cannot run code when loaded.
    Raises `CheckpointError` with one sentence saying what is wrong.
    """
    path = Path(path)
    if path.is_dir():
        path = path / "checkpoint.pt"
    if not path.exists():
        raise CheckpointError(f"No checkpoint at {path}: check the path, or train first and save one.")
    try:
        with warnings.catch_warnings():  # foreign pickles make torch warn before it refuses them
            warnings.simplefilter("ignore")
            state = torch.load(path, map_location=map_location, weights_only=True)
    except Exception as error:  # torch raises many kinds for truncated or foreign files
        reason = _first_line(error)
        if reason.startswith("Weights only load failed"):
            reason = "it holds Python objects, not only weights, so it was refused for safety"
        raise CheckpointError(f"{path} is not a readable checkpoint (it may be truncated or corrupt): {reason}.") from None
    if not isinstance(state, dict) or state.get("format") != CHECKPOINT_FORMAT:
        raise CheckpointError(f"{path} is a PyTorch file but not a GAN Workshop checkpoint.")
    if state.get("version", 0) > CHECKPOINT_VERSION:
        raise CheckpointError(f"{path} was written by a newer version of learntools; upgrade it to load this file.")
    missing = [key for key in ("generator", "discriminator", "optimizer_g", "optimizer_d", "step",
                               "random_state", "history", "config") if key not in state]
    if missing:
        raise CheckpointError(f"{path} is an incomplete checkpoint (missing {', '.join(missing)}).")
    return state


def write_checkpoint(state: dict, path: Path):
    """torch.save to a temporary file, then rename: a crash never leaves half a checkpoint."""
    temporary = path.with_name(path.name + ".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        torch.save(state, temporary)
        os.replace(temporary, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise CheckpointError(f"Could not write the checkpoint {path}: {error.strerror or error}.") from None


def _check_fits(model: nn.Module, saved: dict, name: str, path):
    """Compare parameter names and shapes first, so a mismatch changes nothing."""
    expected = {key: tuple(value.shape) for key, value in model.state_dict().items()}
    found = {key: tuple(value.shape) for key, value in saved.items()}
    if expected.keys() != found.keys():
        extra = sorted(found.keys() - expected.keys())[:3]
        lacking = sorted(expected.keys() - found.keys())[:3]
        raise CheckpointError(
            f"The {name} in {path} has different layers than this {name} "
            f"(unexpected {extra}, missing {lacking}): build it with the same settings as the saved run."
        )
    for key, shape in expected.items():
        if found[key] != shape:
            raise CheckpointError(
                f"The {name} in {path} has {key} of shape {found[key]}, this {name} expects {shape}: "
                "build it with the same settings (width, z_dim, channels) as the saved run."
            )


def _first_line(error: Exception) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0][:200].rstrip(".")


# ---------------------------------------------------------------------------------------------
# Random states as tensors and plain types (torch.load(weights_only=True) reads nothing else)
# ---------------------------------------------------------------------------------------------


def _numpy_rng_state() -> dict:
    kind, keys, position, has_gauss, cached_gaussian = np.random.get_state()
    return {
        "kind": kind,
        "keys": torch.from_numpy(keys.astype(np.int64)),
        "position": int(position),
        "has_gauss": int(has_gauss),
        "cached_gaussian": float(cached_gaussian),
    }


def _set_numpy_rng_state(state: dict):
    keys = state["keys"].cpu().numpy().astype(np.uint32)
    np.random.set_state((state["kind"], keys, state["position"], state["has_gauss"], state["cached_gaussian"]))


def _python_rng_state() -> dict:
    version, internal, gauss_next = random.getstate()
    return {"version": version, "internal": torch.tensor(internal, dtype=torch.int64), "gauss_next": gauss_next}


def _set_python_rng_state(state: dict):
    internal = tuple(int(v) for v in state["internal"].tolist())
    random.setstate((state["version"], internal, state["gauss_next"]))
