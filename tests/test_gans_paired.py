"""learntools.gans.data.paired: paired datasets built offline from real digits and scikit-image's photos."""

import socket

import numpy as np
import pytest
import torch

from learntools.gans.data import paired
from learntools.gans.data import PairedImages, load_mnist
from learntools.gans.data import (
    PHOTOS,
    bicubic_upsample,
    canny_edges,
    downsample,
    edges_to_digits,
    load_photo,
    lowres_to_highres_digits,
    photo_patches,
    sobel_edges,
)


def in_range(images):
    return images.dtype == torch.float32 and images.min() >= -1 and images.max() <= 1


def test_sobel_edges_light_up_at_edges_only():
    square = -torch.ones(1, 1, 12, 12)
    square[..., 4:8, 4:8] = 1.0
    edges = sobel_edges(square)
    assert edges.shape == square.shape and in_range(edges)
    assert edges[0, 0, 0, 0] == -1 and edges[0, 0, 6, 6] == -1  # flat background, flat inside
    assert edges[0, 0, 4, 3] > 0 and edges.max() == 1  # across the border


def test_canny_edges_are_binary():
    square = -torch.ones(2, 1, 16, 16)
    square[..., 4:12, 4:12] = 1.0
    edges = canny_edges(square)
    assert set(edges.unique().tolist()) <= {-1.0, 1.0} and (edges == 1).any()


@pytest.mark.parametrize("method", ["sobel", "canny"])
def test_edges_to_digits_pairs_real_digits(method):
    pairs, labels = edges_to_digits("test", method=method, return_labels=True)
    images, real_labels = load_mnist("test")
    assert isinstance(pairs, PairedImages) and len(pairs) == 1000
    assert pairs.inputs.shape == pairs.targets.shape == (1000, 1, 28, 28)
    assert torch.equal(pairs.targets, images) and torch.equal(labels, real_labels)
    assert in_range(pairs.inputs)
    # Edges are sparser than the digits: most of an edge image is background.
    assert (pairs.inputs > 0).float().mean() < 0.3


def test_edges_are_cached_but_returned_as_copies():
    first = edges_to_digits("test")
    first.inputs.fill_(0)
    assert not torch.equal(edges_to_digits("test").inputs, first.inputs)
    with pytest.raises(ValueError, match="edge method"):
        edges_to_digits("test", method="laplace")


def test_downsample_and_bicubic_upsample():
    images = torch.rand(3, 1, 28, 28) * 2 - 1
    small = downsample(images, 4)
    assert small.shape == (3, 1, 7, 7)
    assert torch.allclose(small[0, 0, 0, 0], images[0, 0, :4, :4].mean())
    big = bicubic_upsample(small, 28)
    assert big.shape == (3, 1, 28, 28) and in_range(big)
    constant = torch.full((1, 1, 7, 7), 0.3)
    assert torch.allclose(bicubic_upsample(constant, (28, 28)), torch.full((1, 1, 28, 28), 0.3), atol=1e-6)
    with pytest.raises(ValueError, match="dividing"):
        downsample(images, 5)


@pytest.mark.parametrize("factor", [2, 4])
def test_superresolution_pairs(factor):
    pairs = lowres_to_highres_digits("test", factor=factor)
    images, _ = load_mnist("test")
    assert torch.equal(pairs.targets, images) and in_range(pairs.inputs)
    # The input is exactly the bicubic upsample of the shrunk digit.
    expected = bicubic_upsample(downsample(images[:5], factor), 28)
    assert torch.allclose(pairs.inputs[:5], expected)
    assert not torch.allclose(pairs.inputs, pairs.targets)
    with pytest.raises(ValueError, match="factor"):
        lowres_to_highres_digits("test", factor=3)


def test_photos_ship_with_scikit_image(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("tried to open a network connection")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    for name in PHOTOS["train"] + PHOTOS["test"]:
        photo = load_photo(name)
        assert photo.ndim == 3 and photo.shape[2] == 3 and photo.dtype == np.float32
        assert 0 <= photo.min() and photo.max() <= 1
    assert not set(PHOTOS["train"]) & set(PHOTOS["test"])
    with pytest.raises(ValueError, match="photo"):
        load_photo("lena")


def test_a_missing_photo_file_is_explained(monkeypatch):
    monkeypatch.setitem(paired.PHOTO_FILES, "chelsea", "no_such_file.png")
    with pytest.raises(FileNotFoundError, match="reinstall scikit-image"):
        load_photo("chelsea")


@pytest.mark.parametrize("task, in_channels", [("grayscale", 1), ("degraded", 3)])
def test_photo_patches(task, in_channels):
    pairs = photo_patches("test", task=task, size=32, count=6, seed=1)
    assert pairs.inputs.shape == (6, in_channels, 32, 32) and pairs.targets.shape == (6, 3, 32, 32)
    assert in_range(pairs.inputs) and in_range(pairs.targets)
    again = photo_patches("test", task=task, size=32, count=6, seed=1)
    assert torch.equal(pairs.inputs, again.inputs) and torch.equal(pairs.targets, again.targets)
    other = photo_patches("test", task=task, size=32, count=6, seed=2)
    assert not torch.equal(pairs.targets, other.targets)
    if task == "grayscale":  # the luminance of the colour patch
        weights = torch.tensor([0.2125, 0.7154, 0.0721]).view(1, 3, 1, 1)
        assert torch.allclose(pairs.inputs, (pairs.targets * weights).sum(1, keepdim=True), atol=1e-6)
    else:  # blurred and noisy, but close
        error = (pairs.inputs - pairs.targets).abs().mean()
        assert 0.02 < error < 0.3


def test_photo_patches_64_feed_a_64_pixel_unet():
    from learntools.gans.models import UNetGenerator

    pairs = photo_patches("train", task="grayscale", size=64, count=4)
    G = UNetGenerator(in_channels=1, out_channels=3, width=4, depth=6).eval()
    assert G(pairs.inputs).shape == pairs.targets.shape


@pytest.mark.parametrize("kwargs, message", [
    ({"task": "blur"}, "task"),
    ({"split": "all"}, "split"),
    ({"size": 4}, "size"),
    ({"count": 0}, "count"),
    ({"scale": 2.0}, "scale"),
])
def test_photo_patch_arguments_are_checked(kwargs, message):
    with pytest.raises(ValueError, match=message):
        photo_patches(**kwargs)
