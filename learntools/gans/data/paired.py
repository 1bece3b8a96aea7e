"""Paired datasets for image-to-image translation, built offline from real images.

Every pair is (input, target), both float32 tensors in [-1, 1] of the same height and width, held
in a `data.PairedImages`:

- `edges_to_digits`: the edges of an MNIST digit (Sobel or Canny) -> the digit itself;
- `lowres_to_highres_digits`: a digit shrunk to 7x7 and blown back up to 28x28 with bicubic
  interpolation -> the sharp 28x28 digit (super-resolution; the input is the bicubic baseline);
- `photo_patches`: a grayscale or degraded (blurred, noisy) patch of one of scikit-image's
  bundled photos -> the clean colour patch. The photos ship inside scikit-image; nothing is
  downloaded. Training and held-out patches come from different photos.

The digits are the real MNIST subset of `data.load_mnist` ("train": 4,000, "test": 1,000 held
out), so a model is always measured on digits it never saw.

    pairs = edges_to_digits("train")            # PairedImages(inputs=(4000, 1, 28, 28), targets=(4000, 1, 28, 28))
    held_out = edges_to_digits("test")          # 1,000 pairs
    for inputs, targets in pairs.batches(32): ...
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from learntools.gans.data.digits import PairedImages, check_choice, load_mnist

__all__ = [
    "sobel_edges",
    "canny_edges",
    "downsample",
    "bicubic_upsample",
    "edges_to_digits",
    "lowres_to_highres_digits",
    "photo_patches",
    "load_photo",
    "PHOTOS",
    "EDGE_METHODS",
    "PHOTO_TASKS",
]

EDGE_METHODS = ("sobel", "canny")
PHOTO_TASKS = ("grayscale", "degraded")

# scikit-image's bundled colour photos (files inside the package; no download): train / held out.
PHOTOS = {
    "train": ("astronaut", "coffee", "rocket", "immunohistochemistry", "hubble_deep_field"),
    "test": ("chelsea",),
}
PHOTO_FILES = {
    "astronaut": "astronaut.png",
    "coffee": "coffee.png",
    "rocket": "rocket.jpg",
    "immunohistochemistry": "ihc.png",
    "hubble_deep_field": "hubble_deep_field.jpg",
    "chelsea": "chelsea.png",
}


def _check_images(images, what="images"):
    if not isinstance(images, torch.Tensor) or images.ndim != 4 or not images.is_floating_point():
        shape = tuple(images.shape) if isinstance(images, torch.Tensor) else type(images).__name__
        raise ValueError(f"{what} must be a float tensor (N, C, H, W) in [-1, 1], got {shape}.")


# ---------------------------------------------------------------------------------------------
# Edges
# ---------------------------------------------------------------------------------------------


def sobel_edges(images: torch.Tensor) -> torch.Tensor:
    """Edge strength of images (N, 1, H, W) in [-1, 1] -> (N, 1, H, W) in [-1, 1].

    The Sobel kernels estimate the horizontal and vertical brightness gradients; the edge image
    is the gradient's length, scaled so each image's strongest edge is 1 (and no edge is -1).
    """
    _check_images(images)
    unit = (images + 1) / 2  # (N, 1, H, W) in [0, 1]
    gx_kernel = torch.tensor([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]], device=images.device)
    kernels = torch.stack([gx_kernel, gx_kernel.T])[:, None]  # (2, 1, 3, 3): d/dx and d/dy
    gradients = F.conv2d(unit, kernels.to(unit.dtype), padding=1)  # (N, 2, H, W)
    strength = gradients.pow(2).sum(dim=1, keepdim=True).sqrt()  # (N, 1, H, W)
    peak = strength.amax(dim=(2, 3), keepdim=True).clamp_min(1e-8)  # (N, 1, 1, 1)
    return (strength / peak) * 2 - 1  # (N, 1, H, W) in [-1, 1]


def canny_edges(images: torch.Tensor, sigma: float = 1.0) -> torch.Tensor:
    """Canny edges (thin, binary) of images (N, 1, H, W) in [-1, 1]: 1 on an edge, -1 elsewhere."""
    from skimage.feature import canny

    _check_images(images)
    unit = ((images + 1) / 2).detach().cpu().numpy()  # (N, 1, H, W) in [0, 1]
    edges = np.stack([canny(picture[0], sigma=sigma) for picture in unit])[:, None]  # (N, 1, H, W) bool
    return torch.from_numpy(edges.astype(np.float32) * 2 - 1).to(images.device)


@functools.lru_cache(maxsize=8)
def _edge_pairs(split: str, method: str, source: str):
    images, labels = load_mnist(split, source=source)  # (N, 1, 28, 28), (N,)
    edges = sobel_edges(images) if method == "sobel" else canny_edges(images)
    return edges, images, labels


def edges_to_digits(split: str = "train", method: str = "sobel", source: str = "subset", return_labels: bool = False):
    """Pairs (edges of a digit, the digit): PairedImages of (N, 1, 28, 28) inputs and targets.

    split: "train" (4,000 subset digits), "test" (1,000 held out) or "all"; method: "sobel"
    (soft edge strength) or "canny" (thin binary edges). With return_labels=True, returns
    (pairs, labels) so the outputs can also be read by the digit classifier.
    """
    check_choice(method, EDGE_METHODS, "edge method")
    edges, images, labels = _edge_pairs(split, method, source)
    pairs = PairedImages(edges.clone(), images.clone())
    return (pairs, labels.clone()) if return_labels else pairs


# ---------------------------------------------------------------------------------------------
# Low resolution -> high resolution
# ---------------------------------------------------------------------------------------------


def downsample(images: torch.Tensor, factor: int = 4) -> torch.Tensor:
    """Shrink images (N, C, H, W) by `factor` along each side by averaging factor x factor blocks."""
    _check_images(images)
    if not isinstance(factor, int) or factor < 1 or images.shape[-1] % factor or images.shape[-2] % factor:
        raise ValueError(f"factor must be a whole number dividing the image size {tuple(images.shape[-2:])}, "
                         f"got {factor!r}.")
    return F.avg_pool2d(images, kernel_size=factor)  # (N, C, H/factor, W/factor)


def bicubic_upsample(images: torch.Tensor, size) -> torch.Tensor:
    """Enlarge images (N, C, h, w) to `size` (an int or (H, W)) by bicubic interpolation, kept in [-1, 1]."""
    _check_images(images)
    size = (size, size) if isinstance(size, int) else tuple(size)
    return F.interpolate(images, size=size, mode="bicubic", align_corners=False).clamp(-1, 1)


@functools.lru_cache(maxsize=8)
def _superres_pairs(split: str, factor: int, source: str):
    images, labels = load_mnist(split, source=source)  # (N, 1, 28, 28), (N,)
    small = downsample(images, factor)  # (N, 1, 28/factor, 28/factor)
    return bicubic_upsample(small, images.shape[-2:]), images, labels


def lowres_to_highres_digits(split: str = "train", factor: int = 4, source: str = "subset",
                             return_labels: bool = False):
    """Pairs (bicubic upsample of a digit shrunk `factor` times, the sharp digit), both (N, 1, 28, 28).

    factor 4: 7x7 -> 28x28; factor 2: 14x14 -> 28x28. The input is exactly the bicubic
    baseline, so a model has to beat its own input. With return_labels=True, returns (pairs, labels).
    """
    if factor not in (2, 4, 7):
        raise ValueError(f"factor must be 2, 4 or 7 (it must divide 28), got {factor!r}.")
    inputs, images, labels = _superres_pairs(split, factor, source)
    pairs = PairedImages(inputs.clone(), images.clone())
    return (pairs, labels.clone()) if return_labels else pairs


# ---------------------------------------------------------------------------------------------
# Patches of scikit-image's bundled photos
# ---------------------------------------------------------------------------------------------


def load_photo(name: str) -> np.ndarray:
    """One of scikit-image's bundled colour photos as float32 (H, W, 3) in [0, 1], read from the
    package's own folder (never downloaded)."""
    import skimage.data
    import skimage.io

    check_choice(name, tuple(PHOTO_FILES), "photo")
    path = Path(skimage.data.__file__).resolve().parent / PHOTO_FILES[name]
    if not path.is_file():
        raise FileNotFoundError(f"scikit-image's bundled photo {path.name} is missing from {path.parent}: "
                                "reinstall scikit-image (the photos ship inside the package).")
    photo = skimage.io.imread(path)
    if photo.ndim == 2:
        photo = np.stack([photo] * 3, axis=-1)
    return (photo[..., :3].astype(np.float32) / 255.0)  # (H, W, 3)


@functools.lru_cache(maxsize=4)
def _clean_patches(split: str, size: int, count: int, scale: float, seed: int) -> torch.Tensor:
    rng = np.random.default_rng(seed)
    names = PHOTOS[split]
    patches = []
    for number in range(count):
        name = names[number % len(names)]
        photo = _scaled_photo(name, scale) if scale != 1 else load_photo(name)  # (H, W, 3)
        top = int(rng.integers(0, photo.shape[0] - size + 1))
        left = int(rng.integers(0, photo.shape[1] - size + 1))
        patches.append(photo[top:top + size, left:left + size])
    array = np.stack(patches).transpose(0, 3, 1, 2)  # (count, 3, size, size)
    return torch.from_numpy(np.ascontiguousarray(array)) * 2 - 1  # [0, 1] -> [-1, 1]


@functools.lru_cache(maxsize=16)
def _scaled_photo(name: str, scale: float) -> np.ndarray:
    from skimage.transform import rescale

    photo = rescale(load_photo(name), scale, anti_aliasing=True, channel_axis=-1)
    return np.clip(photo, 0, 1).astype(np.float32)


def _degrade(clean: torch.Tensor, blur_sigma: float, noise_std: float, seed: int) -> torch.Tensor:
    """Gaussian blur (sigma in pixels) then Gaussian noise (std on the [-1, 1] scale)."""
    radius = max(1, int(round(3 * blur_sigma)))
    offsets = torch.arange(-radius, radius + 1, dtype=torch.float32)
    kernel = torch.exp(-offsets ** 2 / (2 * blur_sigma ** 2))
    kernel = kernel / kernel.sum()  # (2r+1,)
    channels = clean.shape[1]
    blurred = F.pad(clean, (radius, radius, radius, radius), mode="reflect")
    blurred = F.conv2d(blurred, kernel.view(1, 1, 1, -1).repeat(channels, 1, 1, 1), groups=channels)  # along rows
    blurred = F.conv2d(blurred, kernel.view(1, 1, -1, 1).repeat(channels, 1, 1, 1), groups=channels)  # along columns
    noise = torch.randn(clean.shape, generator=torch.Generator().manual_seed(seed)) * noise_std
    return (blurred + noise).clamp(-1, 1)


def photo_patches(split: str = "train", task: str = "grayscale", size: int = 64, count: int = 512,
                  scale: float = 0.5, seed: int = 0, blur_sigma: float = 1.5, noise_std: float = 0.1) -> PairedImages:
    """Pairs (grayscale or degraded patch, clean colour patch) cut from scikit-image's bundled photos.

    split: "train" (astronaut, coffee, rocket, immunohistochemistry, hubble_deep_field) or
    "test" (chelsea, held out). task: "grayscale" (inputs (N, 1, size, size), learn to colour) or
    "degraded" (inputs (N, 3, size, size) blurred by blur_sigma and noisy with noise_std, learn to
    restore). Targets are (N, 3, size, size). The photos are first rescaled by `scale`, so a
    patch shows a recognisable piece of the scene; crops are random but seeded.
    """
    check_choice(split, tuple(PHOTOS), "split")
    check_choice(task, PHOTO_TASKS, "task")
    if not isinstance(size, int) or size < 8:
        raise ValueError(f"size must be a whole number of pixels >= 8, got {size!r}.")
    if not isinstance(count, int) or count < 1:
        raise ValueError(f"count must be a positive whole number, got {count!r}.")
    if not 0 < scale <= 1:
        raise ValueError(f"scale must lie in (0, 1], got {scale!r}.")
    clean = _clean_patches(split, size, count, float(scale), seed).clone()  # (count, 3, size, size)
    if task == "grayscale":
        luminance = torch.tensor([0.2125, 0.7154, 0.0721]).view(1, 3, 1, 1)  # as skimage.color.rgb2gray
        inputs = (clean * luminance).sum(dim=1, keepdim=True)  # (count, 1, size, size), still in [-1, 1]
    else:
        inputs = _degrade(clean, blur_sigma, noise_std, seed + 1)  # (count, 3, size, size)
    return PairedImages(inputs.contiguous(), clean)
