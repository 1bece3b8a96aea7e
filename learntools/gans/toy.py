"""A GAN on a 2-D toy distribution, watched while it learns; mode counting; the GAN diagram.

    from learntools.gans.toy import ToyView, covered_modes, gan_diagram

    gan_diagram()                                   # the four parts of a GAN, as a figure
    view = ToyView(trainer, name="ring")            # shows step 0 now, then redraws in place
    trainer.fit(steps=1500, callbacks=[view])       # the picture follows the training
    view.snapshots()                                # a few moments of the run, as one figure
    covered_modes(trainer.sample(1000), "ring")     # how many of the 8 modes the generator hits

Pictures are matplotlib `Figure`s made without pyplot (a notebook shows one that ends a cell; no
figure is left open). The live view redraws one PNG in place through IPython's display handles, so
it needs no widgets; outside a notebook it only records. Nothing here touches the trainer's random
streams: training gives the same result watched or not.
"""

from __future__ import annotations

import io
import math
import time

import numpy as np
import torch

from learntools.gans.data.digits import TOY_STD, toy_distribution, toy_modes
from learntools.gans.runtime import in_notebook

__all__ = [
    "covered_modes",
    "mode_counts",
    "on_mode_fraction",
    "mode_radius",
    "ToyView",
    "gan_diagram",
    "plot_toy",
    "collapse_panels",
    "panels_figure",
    "compare_figure",
]

REAL_COLOUR = "#1f5fa8"  # real data: blue
FAKE_COLOUR = "#e8590c"  # generated points: orange
SURFACE_CMAP = "PRGn"  # D's verdict behind the points: purple = "fake", white = 50/50, green = "real"
SURFACE_ALPHA = 0.5
AXIS_LIMIT = {"ring": 3.0, "grid": 5.5, "line": 3.5}


# ---------------------------------------------------------------------------------------------
# Counting modes
# ---------------------------------------------------------------------------------------------


def mode_radius(name: str = "ring") -> float:
    """How close to a mode's centre a sample must be to count as that mode's: 5 standard deviations.

    Real data lands inside it 99.9996 % of the time (ring and grid: 0.25; line: 0.5); the modes are
    much further apart (ring: 1.53, grid: 2, line: 4), so no sample can count for two modes.
    """
    return 5.0 * TOY_STD[name]


def _as_points(samples, dim: int, name: str) -> torch.Tensor:
    """Samples as a float32 CPU tensor of shape (n, dim); a clear ValueError/TypeError otherwise."""
    if isinstance(samples, np.ndarray):
        samples = torch.from_numpy(np.asarray(samples, dtype=np.float32))
    if not isinstance(samples, torch.Tensor):
        raise TypeError(f"samples must be a tensor or numpy array of points, got a {type(samples).__name__}.")
    points = samples.detach().float().cpu()
    if dim == 1 and points.ndim == 1:
        points = points[:, None]  # (n,) -> (n, 1)
    if points.ndim != 2 or points.shape[1] != dim:
        raise ValueError(f"samples of the {name!r} distribution must have shape (n, {dim}); got {tuple(points.shape)}.")
    if len(points) == 0:
        raise ValueError("there are no samples to count (the batch is empty).")
    return points


def mode_counts(samples, name: str = "ring", radius: float | None = None) -> torch.Tensor:
    """How many samples lie within `radius` of each mode: an int64 tensor of shape (K,).

    Samples further than `radius` from every mode are counted nowhere (NaN counts nowhere too).
    """
    modes = toy_modes(name)  # (K, D)
    points = _as_points(samples, modes.shape[1], name)  # (n, D)
    radius = mode_radius(name) if radius is None else float(radius)
    distance, nearest = torch.cdist(points, modes).min(dim=1)  # (n,), (n,)
    near = distance < radius  # (n,), False for NaN
    return torch.bincount(nearest[near], minlength=len(modes))  # (K,)


def covered_modes(samples, name: str = "ring", radius: float | None = None, min_share: float = 0.2) -> int:
    """The number of the distribution's modes that the samples cover (ring: 0 to 8).

    A mode is covered when it holds at least `min_share` of its fair share of the samples
    (n / K): with 1,000 samples on the ring, 25 of them within `mode_radius` of its centre. A few
    stray points on a mode don't make it covered; a generator that shares its samples evenly
    covers every mode it hits.
    """
    counts = mode_counts(samples, name, radius)  # (K,)
    n = len(_as_points(samples, toy_modes(name).shape[1], name))
    needed = max(1.0, min_share * n / len(counts))
    return int((counts >= needed).sum())


def on_mode_fraction(samples, name: str = "ring", radius: float | None = None) -> float:
    """The fraction of samples that lie close to some mode (within `mode_radius`): sample quality."""
    counts = mode_counts(samples, name, radius)
    n = len(_as_points(samples, toy_modes(name).shape[1], name))
    return float(counts.sum()) / n


# ---------------------------------------------------------------------------------------------
# Drawing one moment of a toy GAN
# ---------------------------------------------------------------------------------------------


def _numpy(points):
    if points is None:
        return None
    if isinstance(points, torch.Tensor):
        return points.detach().float().cpu().numpy()
    return np.asarray(points, dtype=np.float32)


def plot_toy(ax, real=None, fake=None, surface=None, limit=3.0, title=None, legend=True):
    """Draw real points, generated points and (optionally) D's verdict surface on a matplotlib Axes.

    surface: an (m, m) array of D(x) = probability "real" on a square grid over [-limit, limit]^2
    (row 0 at the bottom), drawn behind the points; the dashed line is where D says 50/50.
    """
    image = None
    if surface is not None:
        image = ax.imshow(
            surface, origin="lower", extent=(-limit, limit, -limit, limit), cmap=SURFACE_CMAP,
            vmin=0.0, vmax=1.0, alpha=SURFACE_ALPHA, interpolation="bilinear", zorder=0,
        )
        ticks = np.linspace(-limit, limit, surface.shape[0])
        if np.nanmin(surface) < 0.5 < np.nanmax(surface):
            ax.contour(ticks, ticks, surface, levels=[0.5], colors="#424242", linewidths=0.8,
                       linestyles="dashed", zorder=1)
    real, fake = _numpy(real), _numpy(fake)
    if real is not None:
        ax.scatter(real[:, 0], real[:, 1], s=5, color=REAL_COLOUR, alpha=0.6, linewidths=0, label="real data", zorder=2)
    if fake is not None:
        ax.scatter(fake[:, 0], fake[:, 1], s=5, color=FAKE_COLOUR, alpha=0.7, linewidths=0, label="generated", zorder=3)
    ax.set_xlim(-limit, limit)
    ax.set_ylim(-limit, limit)
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title:
        ax.set_title(title, fontsize=10)
    if legend and (real is not None or fake is not None):
        ax.legend(loc="upper right", fontsize=8, markerscale=3, framealpha=0.85)
    return image


def _new_figure(width, height, layout="constrained"):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), layout=layout)
    FigureCanvasAgg(figure)
    return figure


def _png(figure, dpi=80, tight=False) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight" if tight else None)
    return buffer.getvalue()


def _show_figures_in_notebooks():
    """Let a notebook show a Figure that ends a cell as a PNG, whether or not pyplot was imported.

    (matplotlib's inline backend registers the same kind of printer, but only once pyplot is used.)
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    formatters = getattr(getattr(shell, "display_formatter", None), "formatters", None)
    if not formatters or "image/png" not in formatters:
        return
    from matplotlib.figure import Figure

    png = formatters["image/png"]
    try:
        png.lookup_by_type(Figure)
    except KeyError:
        png.for_type(Figure, lambda figure: _png(figure, dpi=100, tight=True))


_show_figures_in_notebooks()


# ---------------------------------------------------------------------------------------------
# The live view
# ---------------------------------------------------------------------------------------------


def _verdict_of(loss):
    """How to read D's raw output as "probability real" for a loss: sigmoid of a logit (BCE losses),
    or, for least squares, the score itself (trained towards 1 for real and 0 for fake), clipped to [0, 1]."""
    if getattr(loss, "name", None) == "least-squares":
        return lambda scores: scores.clamp(0.0, 1.0)
    return torch.sigmoid


class _Moment:
    """What the view remembers of one step: generated points, D's surface, D's verdicts, modes."""

    __slots__ = ("step", "fake", "surface", "d_real", "d_fake", "modes")

    def __init__(self, step, fake, surface, d_real, d_fake, modes):
        self.step, self.fake, self.surface = step, fake, surface
        self.d_real, self.d_fake, self.modes = d_real, d_fake, modes


class ToyView:
    """Watch a GAN learn a 2-D toy distribution: a callback for `GANTrainer.fit`.

    One picture, redrawn in place while training runs (at most every `every_seconds`):
      left:  real points (blue), generated points (orange), and D's verdict D(x) as the background;
      right: D's average verdict on real and on generated points, and the number of modes covered.

        view = ToyView(trainer, name="ring")    # draws step 0 straight away
        trainer.fit(steps=1500, callbacks=[view])
        view.snapshots()                       # step 0, a few moments in between, and the last step

    It measures every `measure_every` steps (1,000 generated points and 1,000 real ones, on
    fixed noise). D's verdict is sigmoid(logit) for the BCE losses, and D's raw score clipped to
    [0, 1] for least squares, whose targets are 1 (real) and 0 (fake). `live=False`, or running outside a notebook, records without drawing. The view
    never draws from the trainer's random streams, so watching does not change the training.
    """

    def __init__(self, trainer, name="ring", every_seconds=1.0, measure_every=25, live=True,
                 n_points=1000, grid_size=81, title=None):
        if name not in AXIS_LIMIT or toy_modes(name).shape[1] != 2:
            raise ValueError(f"ToyView draws the 2-D toy distributions 'ring' and 'grid', not {name!r}.")
        self.trainer = trainer
        self.name = name
        self.every_seconds = float(every_seconds)
        self.measure_every = int(measure_every)
        self.title = title
        self.limit = AXIS_LIMIT[name]
        self.n_modes = len(toy_modes(name))
        self.real = toy_distribution(name, n=n_points, seed=20_251)  # (n, 2), fixed display set
        self.noise_seed = 4_242  # fixed noise for the displayed generated points
        self.n_points = n_points
        ticks = torch.linspace(-self.limit, self.limit, grid_size)  # (m,)
        grid_y, grid_x = torch.meshgrid(ticks, ticks, indexing="ij")  # (m, m) each, row = y
        self.grid = torch.stack([grid_x.flatten(), grid_y.flatten()], dim=1)  # (m*m, 2)
        self.grid_size = grid_size
        self.moments: list[_Moment] = []
        self.live = bool(live) and in_notebook()
        self.handle = None
        self.frame = None
        self.last_draw = -math.inf
        self.draw_cost = 0.0
        self.measure()  # step 0 (or wherever the trainer is now)
        if self.live:
            self.draw()

    # ---- the callback ------------------------------------------------------------------------

    def __call__(self, trainer, record):
        if record["step"] % self.measure_every == 0:
            self.measure()
        wait = max(self.every_seconds, 3 * self.draw_cost)
        if self.live and time.perf_counter() - self.last_draw >= wait:
            if self.moments[-1].step != trainer.steps_done:
                self.measure()
            self.draw()

    def close(self, trainer):
        """Called by `fit` when training stops: measure and draw the last step."""
        if self.moments[-1].step != trainer.steps_done:
            self.measure()
        if self.live:
            self.draw()

    # ---- measuring ---------------------------------------------------------------------------

    @torch.no_grad()
    def measure(self) -> _Moment:
        """Record the current step: generated points, D's verdict surface and averages, modes covered."""
        trainer = self.trainer
        discriminator = trainer.discriminator
        fake = trainer.sample(self.n_points, seed=self.noise_seed)  # (n, 2) on the CPU, G in eval mode
        was_training = discriminator.training
        discriminator.eval()
        try:
            device = trainer.device
            as_probability = _verdict_of(trainer.loss)

            def verdict(points):  # (n, 2) -> (n,) D's verdict, 1 = real
                return as_probability(discriminator(points.to(device)).float().reshape(-1)).cpu()

            surface = verdict(self.grid).reshape(self.grid_size, self.grid_size)  # (m, m), row = y
            d_real = verdict(self.real).mean().item()
            d_fake = verdict(fake).mean().item()
        finally:
            discriminator.train(was_training)
        moment = _Moment(trainer.steps_done, fake.numpy(), surface.numpy(), d_real, d_fake,
                         covered_modes(fake, self.name))
        self.moments.append(moment)
        return moment

    # ---- drawing -----------------------------------------------------------------------------

    def figure(self, moment=None):
        """The view's picture of `moment` (default: the latest) as a new matplotlib Figure."""
        moment = self.moments[-1] if moment is None else moment
        frame = _Frame(self)
        frame.update(moment, [m for m in self.moments if m.step <= moment.step])
        return frame.figure

    def draw(self):
        """Draw the latest moment into the notebook output, replacing the previous picture.

        The figure is built once and only its data change, so a redraw is quick; redraws are spaced
        at least three times their own cost apart, so drawing never takes more than a quarter of the time.
        """
        from IPython.display import Image, display

        started = time.perf_counter()
        if self.frame is None:
            self.frame = _Frame(self)
        self.frame.update(self.moments[-1], self.moments)
        picture = Image(data=_png(self.frame.figure))
        if self.handle is None:
            self.handle = display(picture, display_id=True)
        else:
            self.handle.update(picture)
        self.last_draw = time.perf_counter()
        self.draw_cost = self.last_draw - started

    def snapshots(self, count=5):
        """A row of `count` moments of the run (the first, the last and evenly spaced ones between)."""
        if not self.moments:
            raise ValueError("nothing recorded yet: train with this view as a callback first.")
        chosen = _spread(self.moments, count)
        figure = _new_figure(2.6 * len(chosen) + 0.8, 3.2)
        axes = figure.subplots(1, len(chosen), squeeze=False)[0]
        image = None
        for index, (ax, moment) in enumerate(zip(axes, chosen)):
            image = plot_toy(ax, self.real, moment.fake, moment.surface, self.limit, legend=index == 0,
                             title=f"step {moment.step}: {moment.modes}/{self.n_modes} modes")
            if index:
                ax.set_ylabel("")
        bar = figure.colorbar(image, ax=list(axes), fraction=0.02, pad=0.01, ticks=[0, 0.5, 1])
        bar.ax.set_yticklabels(["fake", "0.5", "real"])
        bar.set_label("D(x)")
        figure.suptitle(self.title or "The run in snapshots: generated points (orange) move onto the data (blue)",
                        fontsize=11)
        return figure

    def __repr__(self):
        last = self.moments[-1]
        return (f"<ToyView of {self.name!r}: step {last.step}, {last.modes}/{self.n_modes} modes covered, "
                f"D(real) {last.d_real:.2f}, D(generated) {last.d_fake:.2f}>")


def _spread(moments, count):
    """Up to `count` moments at evenly spaced steps: the first, the last, and the nearest between."""
    steps = np.array([m.step for m in moments])
    targets = np.linspace(steps[0], steps[-1], max(1, min(count, len(moments))))
    picks = sorted({int(np.abs(steps - target).argmin()) for target in targets})
    return [moments[i] for i in picks]


class _Frame:
    """The live view's figure, built once; `update` swaps in a new moment's data (no re-layout)."""

    def __init__(self, view):
        from matplotlib.colors import Normalize

        self.view = view
        limit = view.limit
        self.figure = figure = _new_figure(10.5, 4.4, layout=None)
        points_ax = figure.add_axes((0.055, 0.12, 0.36, 0.76))
        bar_ax = figure.add_axes((0.425, 0.12, 0.012, 0.76))
        self.verdict_ax = figure.add_axes((0.585, 0.58, 0.4, 0.32))
        self.modes_ax = figure.add_axes((0.585, 0.12, 0.4, 0.32))
        self.points_ax = points_ax

        self.surface = points_ax.imshow(
            np.full((view.grid_size, view.grid_size), 0.5), origin="lower", extent=(-limit, limit, -limit, limit),
            cmap=SURFACE_CMAP, norm=Normalize(0.0, 1.0), alpha=SURFACE_ALPHA, interpolation="bilinear", zorder=0)
        self.contour = None
        real = _numpy(view.real)
        points_ax.scatter(real[:, 0], real[:, 1], s=5, color=REAL_COLOUR, alpha=0.6, linewidths=0,
                          label="real data", zorder=2)
        self.fake = points_ax.scatter([], [], s=5, color=FAKE_COLOUR, alpha=0.7, linewidths=0, label="generated",
                                      zorder=3)
        points_ax.set_xlim(-limit, limit)
        points_ax.set_ylim(-limit, limit)
        points_ax.set_aspect("equal")
        points_ax.set_xlabel("$x_1$")
        points_ax.set_ylabel("$x_2$")
        points_ax.legend(loc="upper right", fontsize=8, markerscale=3, framealpha=0.85)
        bar = figure.colorbar(self.surface, cax=bar_ax, ticks=[0, 0.5, 1])
        bar.ax.set_yticklabels(["0: fake", "0.5", "1: real"], fontsize=8)
        bar.set_label("background: D's verdict D(x)", fontsize=9)
        self.title = points_ax.set_title("", fontsize=10)

        verdict_ax, modes_ax = self.verdict_ax, self.modes_ax
        verdict_ax.axhline(0.5, color="#757575", linestyle=":", linewidth=1)
        (self.d_real,) = verdict_ax.plot([], [], color=REAL_COLOUR, label="on real data")
        (self.d_fake,) = verdict_ax.plot([], [], color=FAKE_COLOUR, label="on generated points")
        verdict_ax.set_ylim(0, 1)
        verdict_ax.set_yticks([0, 0.5, 1])
        verdict_ax.set_ylabel("average D(x)")
        verdict_ax.set_title("D's average verdict (1 = real, 0 = fake)", fontsize=10)
        verdict_ax.legend(loc="lower left", fontsize=8)
        verdict_ax.tick_params(labelbottom=False)
        (self.modes,) = modes_ax.plot([], [], color="#2b8a3e", drawstyle="steps-post")
        modes_ax.set_ylim(-0.3, view.n_modes + 0.3)
        modes_ax.set_yticks(range(0, view.n_modes + 1, 2 if view.n_modes <= 10 else 5))
        modes_ax.set_ylabel("modes covered")
        modes_ax.set_xlabel("training step")
        self.modes_title = modes_ax.set_title("", fontsize=10)
        for ax in (verdict_ax, modes_ax):
            ax.grid(alpha=0.3)
        if view.title:
            figure.suptitle(view.title, fontsize=11)

    def update(self, moment, history):
        view = self.view
        self.surface.set_data(moment.surface)
        if self.contour is not None:
            self.contour.remove()
            self.contour = None
        if np.nanmin(moment.surface) < 0.5 < np.nanmax(moment.surface):
            ticks = np.linspace(-view.limit, view.limit, view.grid_size)
            self.contour = self.points_ax.contour(ticks, ticks, moment.surface, levels=[0.5], colors="#424242",
                                                  linewidths=0.8, linestyles="dashed", zorder=1)
        self.fake.set_offsets(moment.fake)
        self.title.set_text(f"step {moment.step}: real (blue) and generated (orange) points\n"
                            "dashed line: where D says 50/50")
        steps = [m.step for m in history]
        self.d_real.set_data(steps, [m.d_real for m in history])
        self.d_fake.set_data(steps, [m.d_fake for m in history])
        self.modes.set_data(steps, [m.modes for m in history])
        self.modes_title.set_text(f"modes covered by the generator: {moment.modes} of {view.n_modes}")
        for ax in (self.verdict_ax, self.modes_ax):
            ax.set_xlim(0, max(steps[-1], 1))


def compare_figure(views: dict, count=4):
    """Runs side by side, one row each: a few snapshots and the modes covered over the steps.

    views: {"label": ToyView, ...}, e.g. {"1 G step per D step": healthy, "5 G steps": collapsing}.
    """
    if not views:
        raise ValueError("give at least one run: compare_figure({'label': view}).")
    rows = len(views)
    figure = _new_figure(2.5 * count + 3.6, 2.7 * rows + 0.4)
    grid = figure.add_gridspec(rows, count + 1, width_ratios=[1] * count + [1.5])
    for row, (label, view) in enumerate(views.items()):
        for column, moment in enumerate(_spread(view.moments, count)):
            ax = figure.add_subplot(grid[row, column])
            plot_toy(ax, view.real, moment.fake, None, view.limit, legend=False,
                     title=f"step {moment.step}: {moment.modes}/{view.n_modes} modes")
            ax.set_xlabel("")
            ax.set_ylabel(label if column == 0 else "", fontsize=10)
            ax.set_xticks([])
            ax.set_yticks([])
        curve = figure.add_subplot(grid[row, count])
        curve.plot([m.step for m in view.moments], [m.modes for m in view.moments], color="#2b8a3e",
                   drawstyle="steps-post")
        curve.set_ylim(-0.3, view.n_modes + 0.3)
        curve.set_ylabel("modes covered")
        curve.set_xlabel("training step")
        curve.set_title(f"{label}: modes covered", fontsize=10)
        curve.grid(alpha=0.3)
    figure.suptitle("Real data (blue) and generated points (orange)", fontsize=11)
    return figure


# ---------------------------------------------------------------------------------------------
# Four generators to tell apart (lesson 01's mode-collapse question)
# ---------------------------------------------------------------------------------------------


def collapse_panels(n=1000, seed=0) -> dict:
    """Four sets of 2-D points, as four generators on the ring might make them, keyed "A" to "D".

    A: all eight modes, blurry (early in training);  B: untrained (a blob around the origin);
    C: collapsed onto two of the eight modes;         D: all eight modes, sharp.
    Made directly (not by training), so they are the same on every machine.
    """
    generator = torch.Generator().manual_seed(seed)
    modes = toy_modes("ring")  # (8, 2)
    std = TOY_STD["ring"]

    def around(centres, spread):  # n points around the given centres, shared evenly
        which = torch.randint(len(centres), (n,), generator=generator)  # (n,)
        return centres[which] + spread * torch.randn(n, 2, generator=generator)  # (n, 2)

    collapsed = around(modes[[1, 2]], 1.3 * std)  # (n, 2): two neighbouring modes
    stray = torch.rand(n // 25, 1, generator=generator)  # a thin trail between them (4 % of points)
    collapsed[: n // 25] = modes[1] + stray * (modes[2] - modes[1]) + 0.05 * torch.randn(n // 25, 2, generator=generator)
    sharp = around(modes, 1.3 * std)
    blob = 0.35 * torch.randn(n, 2, generator=generator) + torch.tensor([0.15, -0.1])
    blurry = around(modes, 3.0 * std)
    return {"A": blurry, "B": blob, "C": collapsed, "D": sharp}


def panels_figure(panels: dict, name="ring"):
    """Draw labelled point sets (e.g. collapse_panels()) side by side over the real data."""
    real = toy_distribution(name, n=1000, seed=20_251)
    figure = _new_figure(2.7 * len(panels) + 0.4, 3.3)
    axes = figure.subplots(1, len(panels), squeeze=False)[0]
    for index, (ax, (label, points)) in enumerate(zip(axes, panels.items())):
        plot_toy(ax, real, points, None, AXIS_LIMIT[name], legend=index == 0, title=f"generator {label}")
        if index:
            ax.set_ylabel("")
    figure.suptitle("Four generators on the ring: 1,000 points from each (orange) over the real data (blue)",
                    fontsize=11)
    return figure


# ---------------------------------------------------------------------------------------------
# The diagram: data, noise, generator, discriminator
# ---------------------------------------------------------------------------------------------


def gan_diagram():
    """The structure of a GAN as a labelled figure (boxes and arrows, drawn with matplotlib).

    Noise z from a simple distribution goes through the generator G and comes out as fake samples;
    the discriminator D scores real samples (from the data distribution) and fake ones alike; the
    two losses flow back from D's verdict, one to D and one to G.
    """
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    figure = _new_figure(13, 5.6, layout=None)
    ax = figure.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 13)
    ax.set_ylim(0, 5.6)
    ax.set_axis_off()

    def box(x, y, w, h, title, lines, face, edge):
        ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.02,rounding_size=0.15",
                                    facecolor=face, edgecolor=edge, linewidth=1.6))
        ax.text(x + w / 2, y + h - 0.25, title, ha="center", va="top", fontsize=12, fontweight="bold", color=edge)
        ax.text(x + w / 2, y + h - 0.62, lines, ha="center", va="top", fontsize=9.5, color="#212121",
                linespacing=1.35)

    def arrow(start, end, label="", colour="#424242", style="-|>", dashed=False, label_offset=(0, 0.14),
              curve=0.0, fontsize=9.5):
        ax.add_patch(FancyArrowPatch(start, end, arrowstyle=style, mutation_scale=16, linewidth=1.6, color=colour,
                                     linestyle="--" if dashed else "-", connectionstyle=f"arc3,rad={curve}"))
        if label:
            mid = ((start[0] + end[0]) / 2 + label_offset[0], (start[1] + end[1]) / 2 + label_offset[1])
            ax.text(*mid, label, ha="center", va="bottom", fontsize=fontsize, color=colour)

    def inset(x, y, size, points, colour, limit):
        sub = figure.add_axes((x / 13, y / 5.6, size / 13, size / 5.6))
        sub.scatter(points[:, 0], points[:, 1], s=1.5, color=colour, alpha=0.6, linewidths=0)
        sub.set_xlim(-limit, limit)
        sub.set_ylim(-limit, limit)
        sub.set_xticks([])
        sub.set_yticks([])
        sub.set_aspect("equal")
        for spine in sub.spines.values():
            spine.set_color("#9e9e9e")

    noise = torch.randn(600, 2, generator=torch.Generator().manual_seed(1)).numpy()
    real = toy_distribution("ring", n=600, seed=2).numpy()
    fake = (0.8 * toy_distribution("ring", n=600, seed=3) + 0.25 * torch.randn(600, 2, generator=torch.Generator().manual_seed(4))).numpy()

    # Top row: noise -> G -> fake samples. Bottom row: the data distribution. Right: D and its verdict.
    box(0.2, 3.0, 2.3, 2.4, "noise distribution", "z ~ N(0, I): plain random\nnumbers (here 2 per point)",
        "#f1f3f5", "#495057")
    inset(0.75, 3.1, 1.2, noise, "#495057", 3.2)
    box(3.2, 3.55, 1.9, 1.3, "generator G", "the forger:\nz  ->  a fake sample", "#fff4e6", "#d9480f")
    box(5.8, 3.0, 2.3, 2.4, "fake samples", "G(z): points G made up", "#fff4e6", "#d9480f")
    inset(6.35, 3.1, 1.2, fake, FAKE_COLOUR, 3.0)
    box(0.2, 0.2, 2.3, 2.4, "data distribution", "x ~ p_data: real examples\n(here: the 8-mode ring)",
        "#e7f5ff", "#1864ab")
    inset(0.75, 0.3, 1.2, real, REAL_COLOUR, 3.0)
    box(8.8, 1.95, 1.9, 1.3, "discriminator D", "the detective:\nsample  ->  a score", "#f3f0ff", "#5f3dc4")

    arrow((2.5, 4.2), (3.2, 4.2), "z")
    arrow((5.1, 4.2), (5.8, 4.2), "G(z)")
    arrow((8.1, 4.2), (9.45, 3.28), "fake", colour=FAKE_COLOUR, label_offset=(0.25, 0.05))
    arrow((2.5, 1.4), (9.45, 1.93), "real x", colour=REAL_COLOUR, label_offset=(0.6, 0.08))
    arrow((10.7, 2.6), (11.35, 2.6))
    ax.text(11.45, 2.6, "D(x): the probability\nthat x is real\n(1 = real, 0 = fake)", ha="left", va="center",
            fontsize=9.5, color="#5f3dc4")
    # The two losses, flowing back from D's verdict.
    ax.text(9.75, 0.95, "D's loss: say 1 on real x, 0 on G(z)\n-> update D to catch the forger",
            ha="center", va="center", fontsize=9.5, color="#5f3dc4",
            bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": "#5f3dc4", "linestyle": "--"})
    ax.text(6.0, 2.45, "G's loss: make D say 1 on G(z)\n-> update G to fool the detective",
            ha="center", va="center", fontsize=9.5, color="#d9480f",
            bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": "#d9480f", "linestyle": "--"})
    arrow((9.3, 1.95), (9.5, 1.3), colour="#5f3dc4", dashed=True, style="<|-")
    arrow((8.8, 2.4), (7.45, 2.45), colour="#d9480f", dashed=True)
    arrow((4.55, 2.45), (4.15, 3.55), colour="#d9480f", dashed=True, curve=-0.25)
    return figure
