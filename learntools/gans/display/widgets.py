"""Interactive views for the lessons. Each degrades to a static picture where widgets don't render."""

import base64
import io

import ipywidgets as widgets
import matplotlib.patches

import numpy as np
import torch

from learntools.gans.models.conv import conv2d, conv_transpose2d

__all__ = ["conv_stepper", "static_steps_png", "digit_picker"]


def _number(x):
    x = float(x)
    return f"{x:g}" if abs(x) < 1e5 else f"{x:.3g}"


def _draw_grid(ax, values, title, highlight=None, filled=None, colour="#ffcc80"):
    """Draw a small matrix as a table of numbers; highlight a (row0, row1, col0, col1) box."""
    rows, cols = values.shape
    ax.set_xlim(-0.5, cols - 0.5)
    ax.set_ylim(rows - 0.5, -0.5)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, fontsize=10)
    ax.set_aspect("equal")
    for r in range(rows):
        for c in range(cols):
            shown = filled is None or filled[r, c]
            face = "white"
            if highlight is not None:
                r0, r1, c0, c1 = highlight
                if r0 <= r < r1 and c0 <= c < c1:
                    face = colour
            ax.add_patch(matplotlib.patches.Rectangle((c - 0.5, r - 0.5), 1, 1, facecolor=face, edgecolor="#616161"))
            ax.text(c, r, _number(values[r, c]) if shown else "?", ha="center", va="center", fontsize=9)


class _Steps:
    """The sequence of steps of a convolution or transposed convolution, for drawing."""

    def __init__(self, image, kernel, mode):
        if mode not in ("conv", "transposed"):
            raise ValueError(f"mode must be 'conv' or 'transposed', not {mode!r}")
        self.image = torch.as_tensor(image, dtype=torch.float64)
        self.kernel = torch.as_tensor(kernel, dtype=torch.float64)
        if self.image.dim() != 2 or self.kernel.dim() != 2:
            raise ValueError("the stepper takes a 2-D image and a 2-D kernel (one channel).")
        self.mode = mode
        self.k = self.kernel.shape[0]
        if mode == "conv":
            self.output = conv2d(self.image, self.kernel)
            self.count = self.output.numel()
        else:
            self.output = conv_transpose2d(self.image, self.kernel)
            self.count = self.image.numel()

    def draw(self, step, fig):
        fig.clear()
        axes = fig.subplots(1, 3, gridspec_kw={"width_ratios": [self.image.shape[1], self.k, self.output.shape[1]]})
        cols = self.output.shape[1] if self.mode == "conv" else self.image.shape[1]
        i, j = divmod(step, cols)
        k = self.k
        if self.mode == "conv":
            filled = np.zeros(self.output.shape, dtype=bool)
            filled.flat[: step + 1] = True
            _draw_grid(axes[0], self.image.numpy(), "input", highlight=(i, i + k, j, j + k))
            _draw_grid(axes[1], self.kernel.numpy(), "kernel", highlight=(0, k, 0, k), colour="#b3e5fc")
            _draw_grid(axes[2], self.output.numpy(), "output", highlight=(i, i + 1, j, j + 1), filled=filled)
            window = self.image[i : i + k, j : j + k]
            terms = " + ".join(f"{_number(p)}×{_number(w)}" for p, w in zip(window.flatten(), self.kernel.flatten()))
            caption = f"output[{i}, {j}] = {terms} = {_number(self.output[i, j])}"
        else:
            partial = conv_transpose2d(self._first_pixels(step + 1), self.kernel)
            _draw_grid(axes[0], self.image.numpy(), "input", highlight=(i, i + 1, j, j + 1))
            _draw_grid(axes[1], self.kernel.numpy(), "kernel", highlight=(0, k, 0, k), colour="#b3e5fc")
            _draw_grid(axes[2], partial.numpy(), "output (running sum)", highlight=(i, i + k, j, j + k))
            caption = (
                f"input[{i}, {j}] = {_number(self.image[i, j])} paints {_number(self.image[i, j])} × kernel "
                f"onto output rows {i}-{i + k - 1}, columns {j}-{j + k - 1}; overlaps add up"
            )
        fig.suptitle(f"step {step + 1} of {self.count}", fontsize=10, y=1.0)
        fig.text(0.5, -0.02, caption, ha="center", va="top", fontsize=9)

    def _first_pixels(self, count):
        """The input with only its first ``count`` pixels (row by row) kept."""
        mask = torch.zeros(self.image.numel(), dtype=torch.float64)
        mask[:count] = 1
        return self.image * mask.reshape(self.image.shape)


def _figure():
    from matplotlib.figure import Figure

    return Figure(figsize=(9, 3.2), dpi=80)


def static_steps_png(image, kernel, mode="conv"):
    """PNG bytes of the last step: the picture shown where widgets don't render."""
    steps = _Steps(image, kernel, mode)
    fig = _figure()
    steps.draw(steps.count - 1, fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    return buffer.getvalue()


def conv_stepper(image, kernel, mode="conv"):
    """A slider that moves the kernel over the input one output cell at a time and shows each sum.

    mode="conv" slides the kernel over the image; mode="transposed" lets each input pixel paint a
    scaled kernel onto the output. In a frontend without widgets, the last step shows as a picture.
    """
    steps = _Steps(image, kernel, mode)
    slider = widgets.IntSlider(value=0, min=0, max=steps.count - 1, description="step", continuous_update=True)
    play = widgets.Play(value=0, min=0, max=steps.count - 1, interval=900, description="play")
    widgets.jslink((play, "value"), (slider, "value"))
    picture = widgets.Image(format="png")

    def redraw(change=None):
        fig = _figure()
        steps.draw(slider.value, fig)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", bbox_inches="tight")
        picture.value = buffer.getvalue()

    slider.observe(redraw, names="value")
    redraw()
    return _StepperBox([widgets.HBox([play, slider]), picture], static_png=static_steps_png(image, kernel, mode))


class _StepperBox(widgets.VBox):
    """A VBox whose display also carries a static PNG, shown by frontends that can't render widgets."""

    def __init__(self, children, static_png):
        super().__init__(children)
        self._static_png = base64.b64encode(static_png).decode("ascii")

    def _repr_mimebundle_(self, **kwargs):
        bundle = dict(super()._repr_mimebundle_(**kwargs) or {})
        bundle["image/png"] = self._static_png
        bundle["text/plain"] = "Convolution stepper: move the slider (needs a frontend that shows widgets)."
        return bundle


# ----------------------------------------------------------------------------- lesson 08: ask for a digit


def _digit_figure_png(generator, digit, seed, num_classes=10):
    """PNG bytes: G(z_seed, digit) large on the left; the same z drawn as every digit on the right."""
    from matplotlib.figure import Figure

    device = next(generator.parameters()).device
    z = torch.randn(1, generator.z_dim, generator=torch.Generator().manual_seed(int(seed)))  # (1, z_dim)
    labels = torch.arange(num_classes)  # (10,)
    was_training = generator.training
    generator.eval()
    try:
        with torch.no_grad():
            row = generator(z.repeat(num_classes, 1).to(device), labels.to(device)).float().cpu()  # (10, C, H, W)
    finally:
        generator.train(was_training)
    pictures = ((row.clamp(-1, 1) + 1) / 2)[:, 0].numpy()  # (10, H, W) in [0, 1]

    fig = Figure(figsize=(9, 2.6), dpi=80)
    grid = fig.add_gridspec(2, num_classes + 3)
    big = fig.add_subplot(grid[:, :3])
    big.imshow(pictures[int(digit)], cmap="gray", vmin=0, vmax=1)
    big.set_title(f"digit {int(digit)}, noise seed {int(seed)}", fontsize=10)
    big.axis("off")
    for k in range(num_classes):
        ax = fig.add_subplot(grid[0, 3 + k])
        ax.imshow(pictures[k], cmap="gray", vmin=0, vmax=1)
        ax.set_title(str(k), fontsize=9, color="#d84315" if k == int(digit) else "black")
        ax.axis("off")
    fig.text(0.62, 0.3, "the same noise, asked for every digit:\nthe noise sets the style, the label the digit",
             ha="center", va="center", fontsize=9)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    return buffer.getvalue()


def digit_picker(generator, digit=7, seed=0, num_classes=10):
    """Sliders for a digit and a noise seed: shows what a conditional generator draws for them.

    generator: a model called as generator(z, labels) with a `z_dim` attribute (for instance
    learntools.gans.models.ConditionalGenerator), on any device. In a frontend without
    widgets, the picture for the starting digit and seed shows instead.
    """
    if not callable(generator) or not hasattr(generator, "z_dim"):
        raise TypeError("digit_picker needs a conditional generator with a z_dim attribute, "
                        "e.g. ConditionalGenerator(z_dim=64).")
    digit_slider = widgets.IntSlider(value=int(digit), min=0, max=num_classes - 1, description="digit")
    seed_slider = widgets.IntSlider(value=int(seed), min=0, max=999, description="noise seed")
    picture = widgets.Image(format="png")

    def redraw(change=None):
        picture.value = _digit_figure_png(generator, digit_slider.value, seed_slider.value, num_classes)

    digit_slider.observe(redraw, names="value")
    seed_slider.observe(redraw, names="value")
    redraw()
    box = _DigitPickerBox([widgets.HBox([digit_slider, seed_slider]), picture], static_png=picture.value)
    box.sliders = (digit_slider, seed_slider)
    return box


class _DigitPickerBox(_StepperBox):
    """The digit picker's box: widgets where they render, its first picture where they don't."""

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = "Digit picker: move the sliders (needs a frontend that shows widgets)."
        return bundle
