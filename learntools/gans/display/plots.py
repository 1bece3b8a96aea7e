"""Pictures of GAN training with matplotlib only: image grids, loss curves, toy-problem scatter plots.

    show_images(G(z))                       # a grid of generated digits
    plot_losses(trainer.history)            # D and G loss against step
    save_image_grid(G(z), "samples.png")    # the same grid as a PNG file

Images are (N, C, H, W) (or (N, H, W)) tensors or arrays with values in [-1, 1].
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import torch

__all__ = ["image_grid", "show_images", "plot_losses", "save_image_grid", "plot_points", "show_translations", "show_cycle"]


def _as_numpy_images(images) -> np.ndarray:
    """Any batch of images -> float numpy array (N, C, H, W) with C in {1, 3}."""
    if isinstance(images, torch.Tensor):
        images = images.detach().float().cpu().numpy()
    elif isinstance(images, (list, tuple)):
        images = np.stack([image.detach().float().cpu().numpy() if isinstance(image, torch.Tensor)
                           else np.asarray(image) for image in images])
    images = np.asarray(images, dtype=np.float32)
    if images.ndim == 3:
        images = images[:, None]  # (N, H, W) -> (N, 1, H, W)
    if images.ndim != 4 or images.shape[1] not in (1, 3):
        raise ValueError(f"Images must have shape (N, 1, H, W), (N, 3, H, W) or (N, H, W); got {images.shape}.")
    if len(images) == 0:
        raise ValueError("There are no images to show (the batch is empty).")
    return images


def image_grid(images, nrow: int = 8, padding: int = 2, value_range=(-1.0, 1.0),
               pad_value: float = 1.0) -> np.ndarray:
    """Tile a batch of images into one picture: nrow images per row, `padding` pixels between them.

    Returns a numpy array with values in [0, 1]: (height, width) for grayscale images,
    (height, width, 3) for colour. value_range is the range mapped to [0, 1] (values outside are
    clipped); pad_value is the colour of the gaps (1.0 = white).
    """
    images = _as_numpy_images(images)  # (N, C, H, W)
    if not isinstance(nrow, int) or nrow < 1:
        raise ValueError(f"nrow (images per row) must be a positive whole number, got {nrow!r}.")
    low, high = value_range
    if not high > low:
        raise ValueError(f"value_range must be (low, high) with high > low, got {value_range!r}.")

    # Map [low, high] -> [0, 1].
    images = np.clip((images - low) / (high - low), 0.0, 1.0)  # (N, C, H, W)
    count, channels, height, width = images.shape
    columns = min(nrow, count)
    rows = math.ceil(count / columns)

    # A canvas of gap colour, then each image pasted into its cell.
    canvas = np.full((channels, rows * (height + padding) + padding, columns * (width + padding) + padding),
                     pad_value, dtype=np.float32)  # (C, H_grid, W_grid)
    for index, image in enumerate(images):
        row, column = divmod(index, columns)
        top = padding + row * (height + padding)
        left = padding + column * (width + padding)
        canvas[:, top:top + height, left:left + width] = image

    # Channels last for matplotlib; drop the channel axis for grayscale.
    return canvas[0] if channels == 1 else canvas.transpose(1, 2, 0)


def show_images(images, nrow: int = 8, title: str | None = None, ax=None, figsize=None, **grid_options):
    """Draw a grid of images (see image_grid) on a matplotlib Axes and return the Axes."""
    import matplotlib.pyplot as plt

    grid = image_grid(images, nrow=nrow, **grid_options)  # (H, W) or (H, W, 3) in [0, 1]
    if ax is None:
        if figsize is None:
            figsize = (min(12.0, grid.shape[1] / 30 + 1), min(12.0, grid.shape[0] / 30 + 1))
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    ax.imshow(grid, cmap="gray", vmin=0.0, vmax=1.0, interpolation="nearest")
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax


def save_image_grid(images, path, nrow: int = 8, **grid_options) -> Path:
    """Save a grid of images (see image_grid) as a PNG file, pixel for pixel; returns the path."""
    import matplotlib.image

    path = Path(path)
    if path.suffix.lower() != ".png":
        raise ValueError(f"save_image_grid writes PNG files; give a path ending in .png, not {path.name!r}.")
    path.parent.mkdir(parents=True, exist_ok=True)
    grid = image_grid(images, nrow=nrow, **grid_options)  # (H, W) or (H, W, 3) in [0, 1]
    matplotlib.image.imsave(path, grid, cmap="gray", vmin=0.0, vmax=1.0)
    return path


def _loss_columns(history, keys) -> dict:
    """history (list of dicts, or dict of lists) -> {"step": [...], key: [...] for each key present}."""
    if isinstance(history, dict):
        records = [dict(zip(history, values)) for values in zip(*history.values())]
    else:
        records = list(history)
    if not records:
        raise ValueError("The history is empty: train for a few steps before plotting the losses.")
    if not all(isinstance(record, dict) for record in records):
        raise TypeError("history must be a list of dicts such as trainer.history, e.g. [{'step': 1, 'd_loss': 1.3, 'g_loss': 0.7}].")
    columns = {"step": [record.get("step", number) for number, record in enumerate(records)]}
    for key in keys:
        if any(key in record for record in records):
            columns[key] = [record.get(key, math.nan) for record in records]
    if len(columns) == 1:
        raise ValueError(f"The history has none of the keys {list(keys)}; its records have keys {sorted(records[0])}.")
    return columns


def _moving_average(values, window: int) -> np.ndarray:
    """Mean of the last `window` values at each step (fewer at the start); missing values (NaN) are skipped."""
    values = np.asarray(values, dtype=np.float64)  # (T,)
    present = ~np.isnan(values)  # (T,)
    totals = np.concatenate([[0.0], np.cumsum(np.where(present, values, 0.0))])  # (T + 1,): sum of the first i
    counts = np.concatenate([[0], np.cumsum(present)])  # (T + 1,): how many of the first i are present
    ends = np.arange(1, len(values) + 1)  # (T,)
    starts = np.maximum(ends - window, 0)  # (T,)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (totals[ends] - totals[starts]) / (counts[ends] - counts[starts])  # NaN where nothing is present


def plot_losses(history, keys=("d_loss", "g_loss"), smooth: int = 1, ax=None, title: str | None = "Losses"):
    """Plot loss curves from a training history and return the Axes.

    history: a list of dicts (trainer.history: {"step", "d_loss", "g_loss", ...}) or a dict of lists.
    smooth: window of a moving average (1 = raw values; GAN losses are noisy, try 20).
    """
    import matplotlib.pyplot as plt

    if not isinstance(smooth, int) or smooth < 1:
        raise ValueError(f"smooth must be a window of at least 1 step, got {smooth!r}.")
    columns = _loss_columns(history, keys)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5), layout="constrained")
    for key, values in columns.items():
        if key == "step":
            continue
        ax.plot(columns["step"], _moving_average(values, smooth), label=key)
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    ax.legend()
    if title:
        ax.set_title(title)
    return ax


def plot_points(real=None, fake=None, ax=None, title: str | None = None, limit: float | None = None):
    """Scatter 2-D points: real data in one colour, generated points in another. Returns the Axes."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(4, 4), layout="constrained")
    for points, label, colour in ((real, "real", "tab:blue"), (fake, "generated", "tab:orange")):
        if points is None:
            continue
        if isinstance(points, torch.Tensor):
            points = points.detach().float().cpu().numpy()
        points = np.asarray(points)
        if points.ndim != 2 or points.shape[1] != 2:
            raise ValueError(f"{label} points must have shape (N, 2); got {points.shape}.")
        ax.scatter(points[:, 0], points[:, 1], s=4, alpha=0.5, color=colour, label=label)
    if limit is not None:
        ax.set_xlim(-limit, limit)
        ax.set_ylim(-limit, limit)
    ax.set_aspect("equal")
    ax.legend(loc="upper right")
    if title:
        ax.set_title(title)
    return ax


def show_translations(inputs, outputs, targets, n: int = 8, titles=("input", "output", "target"), ax=None):
    """Three rows of images: inputs, outputs and targets side by side (columns are examples)."""
    import matplotlib.pyplot as plt

    rows = [torch.as_tensor(images).detach().float().cpu()[:n] for images in (inputs, outputs, targets)]
    channels = max(images.shape[1] for images in rows)
    rows = [images.expand(-1, channels, -1, -1) if images.shape[1] == 1 else images for images in rows]
    if ax is None:
        _, ax = plt.subplots(figsize=(1.1 * min(n, len(rows[0])) + 1, 3.6), layout="constrained")
    show_images(torch.cat(rows), nrow=min(n, len(rows[0])), ax=ax)
    step = ax.get_ylim()[0] / 3
    ax.set_yticks([step * (k + 0.5) for k in range(3)], titles)
    ax.tick_params(left=False)
    ax.set_axis_on()
    for side in ax.spines.values():
        side.set_visible(False)
    ax.set_xticks([])
    return ax


def show_cycle(generators, images_a, n: int = 8, titles=("A (input)", "G_AB(a)", "G_BA(G_AB(a))"), ax=None):
    """Three rows: images of domain A, their translations to B, and the way back (columns are examples)."""
    from learntools.gans.evaluation.translation import _models, translate

    G_AB, G_BA = _models(generators)
    images_a = torch.as_tensor(images_a)[:n]
    there = translate(G_AB, images_a)
    back = translate(G_BA, there)
    return show_translations(images_a, there, back, n=n, titles=titles, ax=ax)
