"""GANTrainer: the D step and the G step first, then everything a real run needs (lessons 01 and 06; lesson 05 writes its step by hand).

One training step is `d_steps` discriminator updates followed by `g_steps` generator updates:

    D step:  real x, fake G(z).detach()  ->  loss_D(D(x), D(G(z)))  ->  update D only
    G step:  fake G(z)                   ->  loss_G(D(G(z)))        ->  update G only

    trainer = GANTrainer(G, D, data=Batches(images, batch_size=64), noise=gaussian_noise(100))
    trainer.fit(seconds=60)
    images = trainer.sample(16)          # (16, 1, 28, 28) in [-1, 1]
    trainer.save_checkpoint("runs/mine/checkpoint.pt")

The five ingredients it takes are in `ingredients.py`; checkpoints that resume bit for bit in
`checkpoints.py`; torchrun's DistributedDataParallel in `distributed.py`; the live notebook view in
`live.py`. The conditional, pix2pix, CycleGAN and SRGAN trainers override the small hooks that
follow the two steps, never the steps themselves.
"""

from __future__ import annotations

import contextlib
import copy
import time
from dataclasses import asdict
from pathlib import Path

import torch
from torch import nn

from learntools.gans.data.adapters import EndlessBatches
from learntools.gans.losses import gradient_penalty
from learntools.gans.runtime import training_device
from learntools.gans.training import checkpoints, distributed
from learntools.gans.training.checkpoints import CheckpointError, load_checkpoint
from learntools.gans.training.ingredients import AdamSettings, TrainingSequence, gaussian_noise, resolve_loss
from learntools.gans.training.live import LiveView, every

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


class GANTrainer:
    """Train a generator G against a discriminator D, from TF-GAN's five ingredients:

    the models G and D; real `data` (an iterable of batches) and `noise` (e.g. gaussian_noise(100));
    the `loss` (a name from losses.LOSSES or a GANLoss); the `optimizers` (AdamSettings or a function
    (G, D) -> (optimizer_g, optimizer_d)); the `sequence` (TrainingSequence(d_steps, g_steps)).

    Attributes you may read: `generator`, `discriminator`, `optimizer_g`, `optimizer_d`, `loss`,
    `device`, `history` (one dict per step), `steps_done`, `fixed_noise`, `config` (plain facts
    stored with checkpoints), `interrupted` (True when the last `fit` was stopped by Ctrl-C),
    `generator_ema` (the moving average of G's weights when `ema_decay` is given, else None).
    """

    # ---- the heart: one D update and one G update ------------------------------------------

    def discriminator_step(self) -> dict:
        """One D update: a real batch should score "real", a detached fake batch "fake"."""
        real, condition = self.discriminator_batch()
        with self._autocast():
            fake = self.discriminator_fakes(real, condition)   # detached: the D loss must not reach G
            real_logits = self.judge(self.D, real, condition)  # (N, 1) for a DCGAN's D
            fake_logits = self.judge(self.D, fake, condition)
            d_loss, numbers = self.discriminator_loss(real_logits, fake_logits)
        if self.gradient_penalty_weight:                       # WGAN-GP: keep D's gradient norm near 1
            d_loss = d_loss + self.gradient_penalty(real, fake, condition)
        self._update(self.optimizer_d, self.scaler_d, d_loss)
        return {"d_loss": d_loss.item(), **numbers}

    def generator_step(self) -> dict:
        """One G update: make fakes, ask D about them, move G so that D believes them more."""
        real, condition = self.generator_batch()
        with self._autocast():
            fake = self.generate(real, condition)              # keeps G's graph
            # D only judges here. Frozen, it records no graph for its own weights, so backward
            # computes gradients for G alone (and, under torchrun, D needs no syncing).
            with frozen(self.discriminator):
                fake_logits = self.judge(self.discriminator, fake, condition)
            g_loss, numbers = self.generator_loss(fake_logits, fake, real)
        self._update(self.optimizer_g, self.scaler_g, g_loss)
        return {"g_loss": g_loss.item(), **numbers}

    def _update(self, optimizer, scaler, loss):
        """The one optimizer update: clear old gradients, backpropagate, step (all through the
        mixed-precision scaler, which does nothing in float32)."""
        optimizer.zero_grad(set_to_none=True)
        scaler.scale(loss).backward()
        scaler.step(optimizer)
        scaler.update()

    def step(self) -> dict:
        """One training step: `d_steps` D updates, then `g_steps` G updates (G first where
        `generator_first`, as in CycleGAN). Returns the step's record."""
        started = time.perf_counter()
        self.generator.train()
        self.discriminator.train()

        updates = [(self.discriminator_step, self.sequence.d_steps), (self.generator_step, self.sequence.g_steps)]
        numbers = {}
        for update, count in reversed(updates) if self.generator_first else updates:
            for _ in range(count):
                numbers[update.__name__] = update()
        if self.generator_ema is not None:
            self._update_generator_average()

        self.steps_done += 1
        self.train_seconds += time.perf_counter() - started
        record = {"step": self.steps_done, **numbers["discriminator_step"], **numbers["generator_step"],
                  "time": self.train_seconds}
        self.history.append(record)
        return record

    # ---- hooks: the small pieces a variant (conditional, pix2pix, CycleGAN, SRGAN) replaces --

    generator_first = False  # True: each step updates G before D

    def next_batch(self):
        """Draw the next real batch: (real, condition). No condition here; labels or input images
        in the variants."""
        self.last_real = self.real_batches.next()              # (N, C, H, W) or (N, features)
        return self.last_real, None

    def discriminator_batch(self):
        """The batch a D update learns from: a new one."""
        return self.next_batch()

    def generator_batch(self):
        """The batch a G update works with: the last D update's (here only its size matters)."""
        return self.last_real, None

    def generate(self, real, condition):
        """G's fakes, as many as `real` holds (before any real batch: as many as fixed_noise)."""
        count = real.shape[0] if real is not None else self.fixed_noise.shape[0]
        z = self.noise(count, self.device, self.rng)           # (N, z_dim)
        return self.G(z)

    def discriminator_fakes(self, real, condition):
        """The fakes D learns from, detached from G's graph."""
        return self.generate(real, condition).detach()

    def judge(self, D, images, condition):
        """D's verdicts (logits) on `images`."""
        return D(images)

    def discriminator_loss(self, real_logits, fake_logits):
        """(D's loss, the numbers a step reports beside it)."""
        d_loss = self.loss.discriminator(real_logits, fake_logits)
        return d_loss, {"real_logit": real_logits.float().mean().item(),
                        "fake_logit": fake_logits.float().mean().item()}

    def generator_loss(self, fake_logits, fake, real):
        """(G's loss, the numbers a step reports beside it); variants add terms such as L1."""
        return self.loss.generator(fake_logits), {}

    @property
    def gradient_penalty_weight(self) -> float:
        """The loss's WGAN-GP weight (0: no penalty)."""
        return getattr(self.loss, "gradient_penalty_weight", 0.0)

    def gradient_penalty(self, real, fake, condition):
        """WGAN-GP's penalty, at points between real and fake, through `judge` (in float32)."""
        def critic(images):
            return self.judge(self.D, images, condition)

        return gradient_penalty(critic, real, fake.float(), weight=self.gradient_penalty_weight)

    # ---- building the trainer --------------------------------------------------------------

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
        self.rank, self.world_size = distributed.rank_and_size()
        self.device = training_device(device, self.rank)
        self.seed = seed
        self.sequence = sequence
        self.loss = resolve_loss(loss)
        self.noise = noise

        # The models live on the device. G and D are what the training step calls: the models
        # themselves, or their DistributedDataParallel wrappers when several processes train.
        self.generator = generator.to(self.device)
        self.discriminator = discriminator.to(self.device)
        self.G, self.D = self.generator, self.discriminator
        if self.world_size > 1:
            self.G = distributed.wrap(self.generator, self.device)
            self.D = distributed.wrap(self.discriminator, self.device)

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

        self.real_batches = EndlessBatches(data, self.device)
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
                wants_to_stop = out_of_steps or out_of_time or self._stop_requested
                if distributed.all_agree_to_stop(wants_to_stop, self.world_size, self.device):
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

    # ---- checkpoints (the details are in checkpoints.py) -----------------------------------

    def state_dict(self) -> dict:
        """Everything needed to continue training exactly, as plain types and tensors."""
        return checkpoints.trainer_state(self)

    def save_checkpoint(self, path):
        """Write a checkpoint (weights, optimizers, random states, step, history, config).

        Written to a temporary file first and then renamed, so a crash never leaves half a file.
        Under torchrun every process must call this; only rank 0 writes.
        """
        path = Path(path)
        state = self.state_dict()  # a collective call under torchrun: every rank takes part
        if self.rank == 0:
            checkpoints.write_checkpoint(state, path)
        distributed.barrier(self.world_size)
        return path

    def load_checkpoint(self, path):
        """Restore this trainer from a checkpoint written by `save_checkpoint` (a file or run dir).

        Raises `CheckpointError` if the file is missing, corrupt, or made for other models.
        """
        checkpoints.restore_trainer(self, load_checkpoint(path, map_location=self.device), path)
        return self

    @classmethod
    def resume(cls, path, generator, discriminator, data, noise, **settings):
        """Build a trainer from the five ingredients, then continue from the checkpoint at `path`."""
        return cls(generator, discriminator, data, noise, **settings).load_checkpoint(path)

    # ---- small helpers ---------------------------------------------------------------------

    def _autocast(self):
        if self.mixed_precision:
            return torch.autocast(device_type="cuda", dtype=torch.float16)
        return contextlib.nullcontext()

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
# Checks of the settings
# ---------------------------------------------------------------------------------------------


def _check_module(model, name):
    if not isinstance(model, nn.Module):
        raise TypeError(f"{name} must be a torch.nn.Module, got {type(model).__name__}.")
    if not any(p.requires_grad for p in model.parameters()):
        raise ValueError(f"{name} has no trainable parameters: is it built correctly?")


def _resolve_mixed_precision(setting, device: torch.device) -> bool:
    if setting not in ("auto", True, False):
        raise ValueError(f"mixed_precision must be 'auto', True or False, got {setting!r}.")
    if setting is True and device.type != "cuda":
        return False  # float16 autocast + GradScaler is a CUDA feature; elsewhere train in float32
    return setting is True or (setting == "auto" and device.type == "cuda")


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
