"""Tests of learntools.gans.display.plots: grids, PNG files, loss curves, scatter plots (matplotlib only)."""

import matplotlib

matplotlib.use("Agg")  # no display in tests

import matplotlib.image
import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from learntools.gans.display import image_grid, plot_losses, plot_points, save_image_grid, show_images


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


# --- image_grid ----------------------------------------------------------------------------------------


def test_grid_shape_and_layout():
    images = torch.zeros(10, 1, 28, 28)
    grid = image_grid(images, nrow=4, padding=2)
    rows, columns = 3, 4  # 10 images, 4 per row
    assert grid.shape == (rows * 30 + 2, columns * 30 + 2)
    assert grid.dtype == np.float32


def test_grid_maps_minus_one_to_black_and_one_to_white():
    images = torch.stack([torch.full((1, 4, 4), -1.0), torch.full((1, 4, 4), 1.0)])
    grid = image_grid(images, nrow=2, padding=1, pad_value=0.25)
    assert np.all(grid[1:5, 1:5] == 0.0)  # first image
    assert np.all(grid[1:5, 6:10] == 1.0)  # second image
    assert grid[0, 0] == 0.25 and np.all(grid[:, 5] == 0.25)  # the gaps


def test_grid_clips_out_of_range_values():
    grid = image_grid(torch.full((1, 1, 3, 3), 5.0), padding=0)
    assert grid.max() == 1.0
    assert image_grid(torch.full((1, 1, 3, 3), 128.0), padding=0, value_range=(0, 255)).max() == pytest.approx(128 / 255)


def test_grid_accepts_arrays_lists_and_colour():
    assert image_grid(np.zeros((3, 8, 8)), nrow=3, padding=0).shape == (8, 24)  # (N, H, W)
    assert image_grid([torch.zeros(1, 8, 8)] * 2, nrow=2, padding=0).shape == (8, 16)
    colour = image_grid(torch.zeros(5, 3, 8, 8), nrow=5, padding=1)
    assert colour.shape == (10, 46, 3)


def test_grid_with_fewer_images_than_a_row():
    assert image_grid(torch.zeros(3, 1, 5, 5), nrow=8, padding=0).shape == (5, 15)


def test_grid_does_not_need_gradients_detached():
    images = torch.zeros(2, 1, 4, 4, requires_grad=True)
    assert image_grid(images).shape == (8, 14)


@pytest.mark.parametrize("images, kwargs, error, words", [
    (torch.zeros(2, 2, 8, 8), {}, ValueError, r"shape \(N, 1, H, W\)"),
    (torch.zeros(8, 8), {}, ValueError, r"got \(8, 8\)"),
    (torch.zeros(0, 1, 8, 8), {}, ValueError, "no images"),
    (torch.zeros(2, 1, 8, 8), {"nrow": 0}, ValueError, "nrow"),
    (torch.zeros(2, 1, 8, 8), {"value_range": (1, -1)}, ValueError, "high > low"),
])
def test_grid_bad_inputs(images, kwargs, error, words):
    with pytest.raises(error, match=words):
        image_grid(images, **kwargs)


# --- show_images and save_image_grid ---------------------------------------------------------------------


def test_show_images_draws_the_grid():
    images = torch.rand(6, 1, 28, 28) * 2 - 1
    ax = show_images(images, nrow=3, title="samples")
    assert ax.get_title() == "samples"
    shown = ax.get_images()[0].get_array()
    assert np.allclose(shown, image_grid(images, nrow=3))


def test_show_images_on_given_axes():
    _, (left, right) = plt.subplots(1, 2)
    assert show_images(torch.zeros(2, 1, 8, 8), ax=right) is right
    assert not left.get_images()


def test_save_image_grid_writes_the_grid_pixel_for_pixel(tmp_path):
    images = torch.linspace(-1, 1, 4 * 64).reshape(4, 1, 8, 8)
    path = save_image_grid(images, tmp_path / "out" / "samples.png", nrow=2)  # creates the folder
    assert path.is_file()
    saved = matplotlib.image.imread(path)  # (H, W, 4) RGBA in [0, 1]
    grid = image_grid(images, nrow=2)
    assert saved.shape[:2] == grid.shape
    assert np.allclose(saved[..., 0], grid, atol=1.5 / 255)  # gray: red = green = blue = value
    assert np.allclose(saved[..., 0], saved[..., 2])


def test_save_image_grid_wants_png(tmp_path):
    with pytest.raises(ValueError, match=r"path ending in \.png"):
        save_image_grid(torch.zeros(1, 1, 4, 4), tmp_path / "samples.jpg")


# --- loss curves and points ---------------------------------------------------------------------------------


def history(steps=50):
    return [{"step": step, "d_loss": 1.0 + (step % 2), "g_loss": 0.7, "time": 0.1 * step} for step in range(1, steps + 1)]


def test_plot_losses_draws_one_line_per_loss():
    ax = plot_losses(history())
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["d_loss", "g_loss"]
    assert list(lines[0].get_xdata()) == list(range(1, 51))
    assert ax.get_xlabel() == "step"


def test_plot_losses_smoothing():
    raw = plot_losses(history()).get_lines()[0].get_ydata()
    smooth = plot_losses(history(), smooth=2).get_lines()[0].get_ydata()
    assert set(np.round(raw, 6)) == {1.0, 2.0}
    assert np.allclose(smooth[1:], 1.5) and smooth[0] == raw[0]


def test_plot_losses_takes_a_dict_of_lists_and_other_keys():
    ax = plot_losses({"step": [1, 2, 3], "d_loss": [1.3, 1.2, 1.1], "penalty": [0.1, 0.2, 0.3]},
                     keys=("d_loss", "penalty"))
    assert [line.get_label() for line in ax.get_lines()] == ["d_loss", "penalty"]


def test_plot_losses_bad_histories():
    with pytest.raises(ValueError, match="history is empty"):
        plot_losses([])
    with pytest.raises(ValueError, match=r"none of the keys \['d_loss', 'g_loss'\]"):
        plot_losses([{"step": 1, "loss": 0.5}])
    with pytest.raises(TypeError, match="list of dicts"):
        plot_losses([1.0, 2.0])
    with pytest.raises(ValueError, match="smooth"):
        plot_losses(history(), smooth=0)


def test_plot_points():
    ax = plot_points(torch.randn(100, 2), np.random.default_rng(0).normal(size=(50, 2)), limit=3, title="ring")
    assert len(ax.collections) == 2 and ax.get_xlim() == (-3, 3)
    with pytest.raises(ValueError, match=r"generated points must have shape \(N, 2\)"):
        plot_points(torch.randn(10, 2), torch.randn(10, 3))
