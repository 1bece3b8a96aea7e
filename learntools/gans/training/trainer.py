"""A GAN trainer built from the five TF-GAN ingredients.

TF-GAN asks you for exactly five things, and so does `GANTrainer`:

1. the models:      a generator G and a discriminator D (any `torch.nn.Module`s);
2. the inputs:      real data (an iterable of batches) and noise (a function making z);
3. the losses:      a name from `losses.LOSSES` ("nonsaturating", "hinge", ...) or a `GANLoss`;
4. the optimizers:  `AdamSettings(lr_g, lr_d, betas)` or a function making the two optimizers;
5. the sequence:    `TrainingSequence(d_steps, g_steps)`, the D:G step ratio.

One training step is `d_steps` discriminator updates followed by `g_steps` generator updates:

    D step:  real x, fake G(z).detach()  ->  loss_D(D(x), D(G(z)))  ->  update D only
    G step:  fake G(z)                   ->  loss_G(D(G(z)))        ->  update G only

Everything else here is plumbing a real project needs: the device, mixed precision on CUDA,
seeding, checkpoints that resume bit for bit, time budgets, callbacks, a live notebook view, and
DistributedDataParallel under `torchrun`.

    trainer = GANTrainer(G, D, data=Batches(images, batch_size=64), noise=gaussian_noise(100))
    trainer.fit(seconds=60)
    images = trainer.sample(16)          # (16, 1, 28, 28) in [-1, 1]
    trainer.save_checkpoint("runs/mine/checkpoint.pt")
"""

from __future__ import annotations

import contextlib
import copy
import io
import math
import os
import random
import time
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist
from torch import nn

__all__ = [
    "GANTrainer",
    "gaussian_noise",
    "AdamSettings",
    "TrainingSequence",
    "frozen",
    "every",
    "LiveView",
    "load_checkpoint",
    "CheckpointError",
]

CHECKPOINT_FORMAT = "gan-workshop-checkpoint"
CHECKPOINT_VERSION = 1


class CheckpointError(Exception):
    """A checkpoint file is missing, unreadable, or does not fit the trainer loading it."""


# ---------------------------------------------------------------------------------------------
# Ingredients 2, 4 and 5: noise, optimizer settings, training sequence
# ---------------------------------------------------------------------------------------------


def gaussian_noise(z_dim: int):
    """The noise ingredient: a function drawing standard normal vectors z of shape (n, z_dim)."""
    if not isinstance(z_dim, int) or isinstance(z_dim, bool) or z_dim < 1:
        raise ValueError(f"z_dim must be a positive whole number, got {z_dim!r}.")

    def noise(n, device=None, generator=None):
        return torch.randn(n, z_dim, device=device, generator=generator)  # (n, z_dim)

    noise.z_dim = z_dim
    return noise


@dataclass
class AdamSettings:
    """Optimizer settings: one Adam for G and one for D, with their own learning rates.

    Different rates for D and G are the "two time-scale update rule" (TTUR, Heusel et al. 2017).
    """

    lr_g: float = 2e-4
    lr_d: float = 2e-4
    betas: tuple = (0.5, 0.999)

    def build(self, generator: nn.Module, discriminator: nn.Module):
        """Return `(optimizer_g, optimizer_d)`, each updating only its own model's parameters."""
        for name in ("lr_g", "lr_d"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or not value > 0:
                raise ValueError(f"AdamSettings.{name} must be a positive number, got {value!r}.")
        betas = tuple(float(b) for b in self.betas)
        optimizer_g = torch.optim.Adam(generator.parameters(), lr=self.lr_g, betas=betas)
        optimizer_d = torch.optim.Adam(discriminator.parameters(), lr=self.lr_d, betas=betas)
        return optimizer_g, optimizer_d


@dataclass
class TrainingSequence:
    """The training sequence: how many D updates and G updates make one step."""

    d_steps: int = 1
    g_steps: int = 1

    def __post_init__(self):
        for name in ("d_steps", "g_steps"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"TrainingSequence.{name} must be a whole number >= 1, got {value!r}.")


# ---------------------------------------------------------------------------------------------
# The trainer
# ---------------------------------------------------------------------------------------------


class GANTrainer:
    """Train a generator against a discriminator; see the module docstring for the recipe.

    Attributes you may read: `generator`, `discriminator`, `optimizer_g`, `optimizer_d`, `loss`,
    `device`, `history` (one dict per step), `steps_done`, `fixed_noise`, `config` (plain facts
    stored with checkpoints), `interrupted` (True when the last `fit` was stopped by Ctrl-C),
    `generator_ema` (the moving average of G's weights when `ema_decay` is given, else None).
    """

    def __init__(
        self,
        generator,
        discriminator,
        data,
        noise,
        loss="nonsaturating",
        optimizers=None,
        sequence=None,
        device=None,
        seed=0,
        mixed_precision="auto",
        fixed_noise_size=64,
        ema_decay=None,
    ):
        _check_module(generator, "generator")
        _check_module(discriminator, "discriminator")
        if not callable(noise):
            raise TypeError("noise must be a function noise(n, device, generator) -> z, e.g. gaussian_noise(100).")
        if isinstance(data, torch.Tensor):
            raise TypeError(
                "data must yield batches, not be one tensor: wrap it, e.g. Batches(images, batch_size=64)."
            )
        if not hasattr(data, "__iter__") and not hasattr(data, "__next__"):
            raise TypeError(f"data must be an iterable of real batches, got {type(data).__name__}.")
        if not isinstance(seed, int) or isinstance(seed, bool):
            raise TypeError(f"seed must be a whole number, got {seed!r}.")
        if sequence is None:
            sequence = TrainingSequence()
        if not isinstance(sequence, TrainingSequence):
            raise TypeError("sequence must be a TrainingSequence(d_steps=..., g_steps=...).")
        if optimizers is None:
            optimizers = AdamSettings()

        # Where we run: one process, or one of several under torchrun.
        self.rank, self.world_size = _distributed_rank_and_size()
        self.device = _pick_device(device, self.rank)
        self.seed = seed
        self.sequence = sequence
        self.loss = _resolve_loss(loss)
        self.noise = noise

        # The models live on the device. G and D are what the training step calls: the models
        # themselves, or their DistributedDataParallel wrappers when several processes train.
        self.generator = generator.to(self.device)
        self.discriminator = discriminator.to(self.device)
        self.G, self.D = self.generator, self.discriminator
        if self.world_size > 1:
            self.G = _wrap_distributed(self.generator, self.device)
            self.D = _wrap_distributed(self.discriminator, self.device)

        # Optimizers: each updates only its own model.
        if isinstance(optimizers, AdamSettings):
            self.optimizer_g, self.optimizer_d = optimizers.build(self.generator, self.discriminator)
        elif callable(optimizers):
            self.optimizer_g, self.optimizer_d = optimizers(self.generator, self.discriminator)
        else:
            raise TypeError("optimizers must be AdamSettings(...) or a function (G, D) -> (optimizer_g, optimizer_d).")

        # Mixed precision: float16 autocast plus a gradient scaler per optimizer, on CUDA only.
        self.mixed_precision = _resolve_mixed_precision(mixed_precision, self.device)
        self.scaler_g = torch.amp.GradScaler("cuda", enabled=self.mixed_precision)
        self.scaler_d = torch.amp.GradScaler("cuda", enabled=self.mixed_precision)

        # Randomness: our own generator for training noise (each process its own stream), and a
        # fixed noise batch drawn on the CPU so the same seed shows the same z on any device.
        self.rng = torch.Generator(device=self.device).manual_seed(seed + 1000 * self.rank)
        cpu_rng = torch.Generator().manual_seed(seed)
        self.fixed_noise = noise(fixed_noise_size, "cpu", cpu_rng).to(self.device)  # (64, z_dim)

        # Optional: a moving average of G's weights (EMA), which `sample` uses. The average of the
        # last ~1/(1 - ema_decay) steps smooths out the step-to-step jitter of adversarial training.
        self.ema_decay = _check_ema_decay(ema_decay)
        self.generator_ema = None
        if self.ema_decay is not None:
            self.generator_ema = copy.deepcopy(self.generator).requires_grad_(False)

        self.real_batches = _EndlessBatches(data, self.device)
        self.history = []
        self.steps_done = 0
        self.train_seconds = 0.0
        self.interrupted = False
        self._stop_requested = False
        self.last_real = None
        self.config = {
            "loss": getattr(self.loss, "name", loss if isinstance(loss, str) else type(self.loss).__name__),
            "optimizers": asdict(optimizers) if isinstance(optimizers, AdamSettings) else repr(optimizers),
            "sequence": asdict(sequence),
            "seed": seed,
            "z_dim": getattr(noise, "z_dim", None),
            "ema_decay": self.ema_decay,
        }

    # ---- one step --------------------------------------------------------------------------

    def discriminator_step(self) -> dict:
        """One D update on a real batch and a detached fake batch; returns its numbers."""
        real = self.real_batches.next()                       # (N, C, H, W) or (N, features)
        self.last_real = real
        z = self.noise(real.shape[0], self.device, self.rng)  # (N, z_dim)

        with self._autocast():
            # detach(): the D loss must not reach G (G's .grad stays None after this backward).
            fake = self.G(z).detach()                         # same shape as real
            real_logits = self.D(real)                        # (N, 1)
            fake_logits = self.D(fake)                        # (N, 1)
            d_loss = self.loss.discriminator(real_logits, fake_logits)

        # WGAN-GP only: a penalty keeping D's gradient norm near 1 (computed in float32).
        penalty_weight = getattr(self.loss, "gradient_penalty_weight", 0.0)
        if penalty_weight:
            from learntools.gans.losses import gradient_penalty

            d_loss = d_loss + gradient_penalty(self.D, real, fake.float(), weight=penalty_weight)

        self.optimizer_d.zero_grad(set_to_none=True)
        self.scaler_d.scale(d_loss).backward()
        self.scaler_d.step(self.optimizer_d)
        self.scaler_d.update()
        return {
            "d_loss": d_loss.item(),
            "real_logit": real_logits.float().mean().item(),
            "fake_logit": fake_logits.float().mean().item(),
        }

    def generator_step(self) -> dict:
        """One G update: make fakes, ask D about them, move G so D believes them more."""
        batch_size = self.last_real.shape[0] if self.last_real is not None else self.fixed_noise.shape[0]
        z = self.noise(batch_size, self.device, self.rng)     # (N, z_dim)

        with self._autocast():
            fake = self.G(z)                                  # (N, C, H, W), keeps G's graph
            # D only judges here. Frozen, it records no graph for its own weights, so backward
            # computes gradients for G alone (and, under torchrun, D needs no syncing).
            with frozen(self.discriminator):
                fake_logits = self.discriminator(fake)        # (N, 1)
            g_loss = self.loss.generator(fake_logits)

        self.optimizer_g.zero_grad(set_to_none=True)
        self.scaler_g.scale(g_loss).backward()
        self.scaler_g.step(self.optimizer_g)
        self.scaler_g.update()
        return {"g_loss": g_loss.item()}

    def step(self) -> dict:
        """One training step: `d_steps` D updates, then `g_steps` G updates. Returns its record."""
        started = time.perf_counter()
        self.generator.train()
        self.discriminator.train()

        for _ in range(self.sequence.d_steps):
            d_numbers = self.discriminator_step()
        for _ in range(self.sequence.g_steps):
            g_numbers = self.generator_step()
        if self.generator_ema is not None:
            self._update_generator_average()

        self.steps_done += 1
        self.train_seconds += time.perf_counter() - started
        record = {"step": self.steps_done, **d_numbers, **g_numbers, "time": self.train_seconds}
        self.history.append(record)
        return record

    @torch.no_grad()
    def _update_generator_average(self):
        """generator_ema <- decay * generator_ema + (1 - decay) * generator; buffers are copied.

        The decay ramps up over the first steps, so the average forgets the random start quickly.
        """
        decay = min(self.ema_decay, (1 + self.steps_done) / (10 + self.steps_done))
        for averaged, current in zip(self.generator_ema.parameters(), self.generator.parameters()):
            averaged.lerp_(current, 1.0 - decay)
        for averaged, current in zip(self.generator_ema.buffers(), self.generator.buffers()):
            averaged.copy_(current)  # BatchNorm's running statistics

    # ---- many steps ------------------------------------------------------------------------

    def fit(self, steps=None, seconds=None, callbacks=(), progress=True, live=False, checkpoint_path=None):
        """Train for `steps` more steps and/or `seconds` of wall time, whichever ends first.

        callbacks: functions `callback(trainer, record)` called after every step (see `every`);
            a callback may call `trainer.stop()` to end training after the current step.
        progress:  show a tqdm progress bar.
        live:      in a notebook, redraw loss curves and fixed-noise samples in place (True, or
                   the number of seconds between redraws); does nothing outside notebooks.
        checkpoint_path: if given, save a checkpoint there when training ends or is interrupted.

        Ctrl-C (KeyboardInterrupt) stops cleanly after the current step: the model and history
        stay usable, and `trainer.interrupted` becomes True. Returns `trainer.history`.
        """
        steps, seconds = _check_budget(steps, seconds)
        callbacks = list(callbacks)
        if live:
            callbacks.append(LiveView(every_seconds=2.0 if live is True else float(live)))
        bar = _progress_bar(steps, enabled=progress and self.rank == 0)

        self.interrupted = False
        self._stop_requested = False
        started = time.perf_counter()
        steps_run = 0
        try:
            while True:
                record = self.step()
                steps_run += 1
                for callback in callbacks:
                    callback(self, record)
                if bar is not None:
                    bar.update(1)
                    if steps_run % 10 == 1:
                        bar.set_postfix(d_loss=f"{record['d_loss']:.3f}", g_loss=f"{record['g_loss']:.3f}")

                out_of_steps = steps is not None and steps_run >= steps
                out_of_time = seconds is not None and time.perf_counter() - started >= seconds
                if self._all_agree_to_stop(out_of_steps or out_of_time or self._stop_requested):
                    break
        except KeyboardInterrupt:
            self.interrupted = True
            if self.rank == 0:
                print(f"Training interrupted after step {self.steps_done}; the model and its history are kept.")
        finally:
            if bar is not None:
                bar.close()
            for callback in callbacks:
                if hasattr(callback, "close"):
                    callback.close(self)

        if checkpoint_path is not None:
            self.save_checkpoint(checkpoint_path)
        return self.history

    def stop(self):
        """Ask `fit` to stop after the current step (call it from a callback)."""
        self._stop_requested = True

    # ---- sampling --------------------------------------------------------------------------

    @torch.no_grad()
    def sample(self, n=64, seed=None, batch_size=500, averaged=True):
        """Generate `n` samples as a float32 CPU tensor, G in eval mode, training RNG untouched.

        With `seed=None` the first samples come from `fixed_noise` (the same z every call, so
        you can watch them improve); beyond it, and with a seed, z comes from that seed.
        averaged: use the moving average of G's weights when the trainer keeps one (ema_decay).
        """
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise ValueError(f"n must be a whole number >= 1, got {n!r}.")
        if seed is None and n <= self.fixed_noise.shape[0]:
            z = self.fixed_noise[:n]                                         # (n, z_dim)
        else:
            cpu_rng = torch.Generator().manual_seed(self.seed if seed is None else seed)
            z = self.noise(n, "cpu", cpu_rng).to(self.device)               # (n, z_dim)

        model = self.generator_ema if averaged and self.generator_ema is not None else self.generator
        was_training = model.training
        model.eval()
        try:
            chunks = [model(z_part).float().cpu() for z_part in z.split(batch_size)]
        finally:
            model.train(was_training)
        return torch.cat(chunks)                                             # (n, C, H, W)

    # ---- checkpoints -----------------------------------------------------------------------

    def state_dict(self) -> dict:
        """Everything needed to continue training exactly, as plain types and tensors."""
        return {
            "format": CHECKPOINT_FORMAT,
            "version": CHECKPOINT_VERSION,
            "step": self.steps_done,
            "train_seconds": self.train_seconds,
            "generator": self.generator.state_dict(),
            "discriminator": self.discriminator.state_dict(),
            "generator_ema": None if self.generator_ema is None else self.generator_ema.state_dict(),
            "optimizer_g": self.optimizer_g.state_dict(),
            "optimizer_d": self.optimizer_d.state_dict(),
            "scaler_g": self.scaler_g.state_dict(),
            "scaler_d": self.scaler_d.state_dict(),
            "fixed_noise": self.fixed_noise.cpu(),
            # One entry per process: each has its own random streams and data position.
            "random_state": _gather_from_all_ranks(self._random_state(), self.world_size),
            "history": [dict(record) for record in self.history],
            "config": dict(self.config),
        }

    def save_checkpoint(self, path):
        """Write a checkpoint (weights, optimizers, random states, step, history, config).

        Written to a temporary file first and then renamed, so a crash never leaves half a file.
        Under torchrun every process must call this; only rank 0 writes.
        """
        path = Path(path)
        state = self.state_dict()  # a collective call under torchrun: every rank takes part
        if self.rank == 0:
            _write_checkpoint(state, path)
        if self.world_size > 1:
            dist.barrier()
        return path

    def load_checkpoint(self, path):
        """Restore this trainer from a checkpoint written by `save_checkpoint` (a file or run dir).

        Raises `CheckpointError` if the file is missing, corrupt, or made for other models.
        """
        state = load_checkpoint(path, map_location=self.device)
        _check_fits(self.generator, state["generator"], "generator", path)
        _check_fits(self.discriminator, state["discriminator"], "discriminator", path)
        try:
            self.generator.load_state_dict(state["generator"])
            self.discriminator.load_state_dict(state["discriminator"])
            self.optimizer_g.load_state_dict(state["optimizer_g"])
            self.optimizer_d.load_state_dict(state["optimizer_d"])
            self.scaler_g.load_state_dict(state["scaler_g"])
            self.scaler_d.load_state_dict(state["scaler_d"])
            if self.generator_ema is not None:
                # A checkpoint saved without an average starts one from the loaded generator.
                self.generator_ema.load_state_dict(state.get("generator_ema") or state["generator"])
        except (RuntimeError, ValueError, KeyError) as error:
            raise CheckpointError(f"{path} does not fit this trainer: {_first_line(error)}") from None

        self.steps_done = int(state["step"])
        self.train_seconds = float(state["train_seconds"])
        self.history = [dict(record) for record in state["history"]]
        self.fixed_noise = state["fixed_noise"].to(self.device)
        self.config.update(state["config"])

        # This process's random streams and data position (rank r resumes rank r's stream).
        random_states = state["random_state"]
        if self.rank < len(random_states):
            self._set_random_state(random_states[self.rank])
        else:  # more processes now than when saved: give the newcomers fresh noise streams
            self._set_random_state(random_states[0])
            self.rng.manual_seed(self.seed + 1000 * self.rank + self.steps_done)
        return self

    @classmethod
    def resume(cls, path, generator, discriminator, data, noise, **settings):
        """Build a trainer from the five ingredients, then continue from the checkpoint at `path`."""
        return cls(generator, discriminator, data, noise, **settings).load_checkpoint(path)

    def _random_state(self) -> dict:
        state = {
            "torch": torch.get_rng_state(),
            "numpy": _numpy_rng_state(),
            "python": _python_rng_state(),
            "trainer": self.rng.get_state(),
            "data": self.real_batches.state_dict(),
        }
        if torch.cuda.is_available() and torch.cuda.is_initialized():
            state["cuda"] = torch.cuda.get_rng_state_all()
        return state

    def _set_random_state(self, state: dict):
        self.real_batches.load_state_dict(state["data"])  # may replay batches: before the RNGs
        torch.set_rng_state(state["torch"].cpu())
        _set_numpy_rng_state(state["numpy"])
        _set_python_rng_state(state["python"])
        self.rng.set_state(state["trainer"].cpu())
        if "cuda" in state and torch.cuda.is_available():
            torch.cuda.set_rng_state_all([s.cpu() for s in state["cuda"]])

    # ---- small helpers ---------------------------------------------------------------------

    def _autocast(self):
        if self.mixed_precision:
            return torch.autocast(device_type="cuda", dtype=torch.float16)
        return contextlib.nullcontext()

    def _all_agree_to_stop(self, wants_to_stop: bool) -> bool:
        """Under torchrun every process must stop at the same step, or the others would hang."""
        if self.world_size == 1:
            return wants_to_stop
        flag = torch.tensor([1.0 if wants_to_stop else 0.0], device=self.device)
        dist.all_reduce(flag, op=dist.ReduceOp.MAX)
        return bool(flag.item())

    def __repr__(self):
        return (
            f"GANTrainer(step={self.steps_done}, device={self.device}, loss={self.config['loss']!r}, "
            f"sequence={self.sequence.d_steps}:{self.sequence.g_steps}, world_size={self.world_size})"
        )


@contextlib.contextmanager
def frozen(model: nn.Module):
    """Within the block, `model`'s parameters need no gradients; afterwards as they were."""
    trainable = [p for p in model.parameters() if p.requires_grad]
    for parameter in trainable:
        parameter.requires_grad_(False)
    try:
        yield model
    finally:
        for parameter in trainable:
            parameter.requires_grad_(True)


# ---------------------------------------------------------------------------------------------
# Callbacks and the live notebook view
# ---------------------------------------------------------------------------------------------


def every(k: int, callback):
    """Wrap `callback(trainer, record)` so it runs only every `k` steps."""
    if not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be a whole number >= 1, got {k!r}.")

    def every_k_steps(trainer, record):
        if record["step"] % k == 0:
            callback(trainer, record)

    return every_k_steps


class LiveView:
    """A notebook-only callback redrawing loss curves and fixed-noise samples in one output.

    Outside a Jupyter kernel (a script, the CLI, tests) it does nothing at all.
    """

    def __init__(self, every_seconds=2.0):
        self.every_seconds = every_seconds
        self.handle = None
        self.last_draw = -math.inf
        self.active = _in_notebook()

    def __call__(self, trainer, record):
        if self.active and time.perf_counter() - self.last_draw >= self.every_seconds:
            self.draw(trainer)

    def close(self, trainer):
        if self.active and trainer.history:
            self.draw(trainer)  # the final picture

    def draw(self, trainer):
        from IPython.display import Image, display  # notebook-only imports, made lazily

        png = _live_figure_png(trainer)
        if self.handle is None:
            self.handle = display(Image(data=png), display_id=True)
        else:
            self.handle.update(Image(data=png))
        self.last_draw = time.perf_counter()


def _in_notebook() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def _live_figure_png(trainer) -> bytes:
    """Loss curves on the left, the fixed-noise samples on the right, as PNG bytes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(10, 4))
    FigureCanvasAgg(figure)
    losses, samples = figure.subplots(1, 2)

    steps = [r["step"] for r in trainer.history]
    losses.plot(steps, [r["d_loss"] for r in trainer.history], label="D loss")
    losses.plot(steps, [r["g_loss"] for r in trainer.history], label="G loss")
    losses.set_xlabel("step")
    losses.legend()

    fakes = trainer.sample(min(64, trainer.fixed_noise.shape[0]))
    if fakes.dim() == 2:  # points: more of them, always the same z (the trainer's seed)
        fakes = trainer.sample(512)
    if fakes.dim() == 4:  # images (N, C, H, W): one grid
        from learntools.gans.display.plots import image_grid

        grid = np.asarray(image_grid(fakes, nrow=8))
        samples.imshow(grid.squeeze(), cmap="gray", vmin=-1 if grid.min() < 0 else 0, vmax=1)
        samples.axis("off")
    else:  # points (N, 2): a scatter over the last real batch
        if trainer.last_real is not None:
            real = trainer.last_real.float().cpu()
            samples.scatter(real[:, 0], real[:, -1], s=4, c="lightgray", label="real")
        samples.scatter(fakes[:, 0], fakes[:, -1], s=6, c="tab:red", label="generated")
        samples.legend()
    samples.set_title(f"step {trainer.steps_done}")

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=80)
    return buffer.getvalue()


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


def _write_checkpoint(state: dict, path: Path):
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


# ---------------------------------------------------------------------------------------------
# Real data as an endless, resumable stream of batches
# ---------------------------------------------------------------------------------------------


class _EndlessBatches:
    """Draw real batches from `data` forever, starting a new pass when one ends.

    To resume exactly it counts the batches handed out, in all and in the current pass. Data
    with an `iterate(start)` method (like `data.Batches`) jumps straight back to its place;
    any other data is replayed batch by batch from a freshly built `data` object (cheap for
    in-memory batches that shuffle with their own seeded generator).
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


# ---------------------------------------------------------------------------------------------
# Devices, losses, budgets, progress
# ---------------------------------------------------------------------------------------------


def _check_module(model, name):
    if not isinstance(model, nn.Module):
        raise TypeError(f"{name} must be a torch.nn.Module, got {type(model).__name__}.")
    if not any(p.requires_grad for p in model.parameters()):
        raise ValueError(f"{name} has no trainable parameters: is it built correctly?")


def _pick_device(device, rank: int = 0) -> torch.device:
    """cuda > mps > cpu, unless a device is given. Under torchrun: this process's GPU."""
    if device is not None:
        try:
            return torch.device(device)
        except (RuntimeError, TypeError):
            raise ValueError(f"device must be like 'cpu', 'cuda' or 'mps', got {device!r}.") from None
    if torch.cuda.is_available():
        index = int(os.environ.get("LOCAL_RANK", rank)) % torch.cuda.device_count()
        torch.cuda.set_device(index)
        return torch.device("cuda", index)
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def _resolve_mixed_precision(setting, device: torch.device) -> bool:
    if setting not in ("auto", True, False):
        raise ValueError(f"mixed_precision must be 'auto', True or False, got {setting!r}.")
    if setting is True and device.type != "cuda":
        return False  # float16 autocast + GradScaler is a CUDA feature; elsewhere train in float32
    return setting is True or (setting == "auto" and device.type == "cuda")


def _resolve_loss(loss):
    if isinstance(loss, str):
        from learntools.gans.losses import get_loss  # names live in losses.LOSSES

        return get_loss(loss)
    if callable(getattr(loss, "discriminator", None)) and callable(getattr(loss, "generator", None)):
        return loss
    raise TypeError(
        "loss must be a name such as 'nonsaturating' or an object with .discriminator(real_logits, "
        "fake_logits) and .generator(fake_logits), like losses.GANLoss."
    )


def _check_ema_decay(ema_decay):
    if ema_decay is None:
        return None
    if isinstance(ema_decay, bool) or not isinstance(ema_decay, (int, float)) or not 0.0 < ema_decay < 1.0:
        raise ValueError(f"ema_decay must be None (no average) or a number between 0 and 1, e.g. 0.99; got {ema_decay!r}.")
    return float(ema_decay)


def _check_budget(steps, seconds):
    if steps is None and seconds is None:
        raise ValueError("Give fit a budget: steps=..., seconds=..., or both (it stops at the first reached).")
    if steps is not None and (not isinstance(steps, int) or isinstance(steps, bool) or steps < 1):
        raise ValueError(f"steps must be a whole number >= 1, got {steps!r}.")
    if seconds is not None and (not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or not seconds > 0):
        raise ValueError(f"seconds must be a positive number, got {seconds!r}.")
    return steps, seconds


def _progress_bar(steps, enabled: bool):
    if not enabled:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=steps, unit="step", desc="training", leave=True)


# ---------------------------------------------------------------------------------------------
# Several processes (torchrun): DistributedDataParallel
# ---------------------------------------------------------------------------------------------


def _distributed_rank_and_size():
    """(rank, world size): (0, 1) normally; under torchrun, joins the process group once."""
    if dist.is_available() and dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    if world_size <= 1:
        return 0, 1
    if not dist.is_available():
        raise RuntimeError("WORLD_SIZE > 1 but this PyTorch build has no torch.distributed.")
    dist.init_process_group(backend="nccl" if torch.cuda.is_available() else "gloo")
    return dist.get_rank(), dist.get_world_size()


def _wrap_distributed(model: nn.Module, device: torch.device):
    """DistributedDataParallel: same starting weights (rank 0's), gradients averaged after each
    backward, so every process takes the same optimizer step.

    BatchNorm buffers (running mean and variance) are synced once at the start and then kept per
    process: copying rank 0's into every process before each of a step's several forwards would
    cost a broadcast each time, and they matter only in eval mode (rank 0's are the ones saved).
    No find_unused_parameters: every parameter of G and of D gets a gradient in each backward.
    """
    from torch.nn.parallel import DistributedDataParallel

    device_ids = [device.index] if device.type == "cuda" else None
    try:
        return DistributedDataParallel(model, device_ids=device_ids, forward_sync_buffers=False)
    except TypeError:  # PyTorch before 2.13 names it broadcast_buffers
        return DistributedDataParallel(model, device_ids=device_ids, broadcast_buffers=False)


def _gather_from_all_ranks(value, world_size: int) -> list:
    if world_size == 1:
        return [value]
    gathered = [None] * world_size
    dist.all_gather_object(gathered, value)
    return gathered
