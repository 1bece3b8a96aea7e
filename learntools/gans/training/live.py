"""Watching training: callbacks that run every k steps, and the live notebook view (lesson 06).

    trainer.fit(seconds=60, live=True)                       # redraws losses and samples in place
    trainer.fit(steps=500, callbacks=[every(100, report)])   # report(trainer, record) every 100 steps

Outside a Jupyter kernel (a script, the command line, tests) the live view does nothing at all.
"""

from __future__ import annotations

import io
import math
import time

import numpy as np

from learntools.gans.runtime import in_notebook

__all__ = ["every", "LiveView"]


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
        self.active = in_notebook()

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
