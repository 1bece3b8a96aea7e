"""Quality figures for generated MNIST digits, without Inception weights.

The Inception Score and the FID judge images with a large ImageNet network. For 28x28 digits we use a
small digit classifier instead, trained on the real "train" split of the MNIST subset and shipped with
the package (learntools/gans/weights/mnist_classifier.pt, rebuilt by
``python -m learntools.gans.evaluation.train_classifier``). With it we measure:

- ``classifier_score``: exp(E_x KL(p(y|x) || p(y))), from 1 (every image looks alike or like nothing)
  to 10 (every image is a clear digit and all ten digits are equally common);
- ``frechet_distance``: the distance between Gaussians fitted to the classifier's features of two sets
  of images (0 for identical statistics, lower is better);
- ``class_coverage``: which digits the generator produces with confidence; a generator that has
  collapsed onto a few modes covers only a few classes.

A figure means little alone, so ``evaluate_images`` always reports the same figures for held-out real
digits beside the generated ones. All functions take images shaped (N, 1, 28, 28) with values in
[-1, 1], as a torch tensor or a numpy array, and none of them touches the global random state.
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import NamedTuple, Optional

import numpy as np
import torch
from torch import nn

from learntools.gans.runtime import default_device

__all__ = [
    "DigitClassifier",
    "ClassifierWeightsError",
    "load_classifier",
    "classifier_features",
    "classifier_probabilities",
    "classifier_score",
    "frechet_distance",
    "class_coverage",
    "evaluate_images",
    "format_report",
]

NUM_CLASSES = 10
IMAGE_SHAPE = (1, 28, 28)
WEIGHTS_PATH = Path(__file__).resolve().parent.parent / "weights" / "mnist_classifier.pt"
RETRAIN_COMMAND = "python -m learntools.gans.evaluation.train_classifier"


class ClassifierWeightsError(RuntimeError):
    """The classifier's weights file exists but cannot be used (corrupt, or made for another model)."""


# ----------------------------------------------------------------------------------------------------
# The classifier
# ----------------------------------------------------------------------------------------------------


class DigitClassifier(nn.Module):
    """A small CNN for 28x28 digits: three conv blocks, a 128-number feature layer, ten logits."""

    def __init__(self, width: int = 16, feature_dim: int = 128, dropout: float = 0.3):
        super().__init__()
        # Each block: 3x3 conv (keeps the size), BatchNorm, ReLU, then 2x2 max-pool (halves it).
        self.block1 = nn.Sequential(
            nn.Conv2d(1, width, kernel_size=3, padding=1),
            nn.BatchNorm2d(width),
            nn.ReLU(),
            nn.MaxPool2d(2),
        )
        self.block2 = nn.Sequential(
            nn.Conv2d(width, 2 * width, kernel_size=3, padding=1),
            nn.BatchNorm2d(2 * width),
            nn.ReLU(),
            nn.MaxPool2d(2),
        )
        self.block3 = nn.Sequential(
            nn.Conv2d(2 * width, 4 * width, kernel_size=3, padding=1),
            nn.BatchNorm2d(4 * width),
            nn.ReLU(),
            nn.MaxPool2d(2),
        )
        # The penultimate layer: these 128 numbers are the "features" the Frechet distance compares.
        self.to_features = nn.Sequential(
            nn.Flatten(),
            nn.Linear(4 * width * 3 * 3, feature_dim),
            nn.ReLU(),
        )
        self.dropout = nn.Dropout(dropout)
        self.to_logits = nn.Linear(feature_dim, NUM_CLASSES)

    def features(self, images: torch.Tensor) -> torch.Tensor:
        """(N, 1, 28, 28) images in [-1, 1] -> (N, feature_dim) penultimate features."""
        x = self.block1(images)  # (N, 16, 14, 14)
        x = self.block2(x)  # (N, 32, 7, 7)
        x = self.block3(x)  # (N, 64, 3, 3)
        return self.to_features(x)  # (N, 128)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """(N, 1, 28, 28) images in [-1, 1] -> (N, 10) class logits."""
        features = self.features(images)  # (N, 128)
        return self.to_logits(self.dropout(features))  # (N, 10)


def load_classifier(device=None, weights_path=None) -> DigitClassifier:
    """The shipped digit classifier, in eval mode, frozen, on ``device`` (chosen automatically).

    Loaded once per (device, file) and then cached, so calling this again is free.
    """
    device = torch.device(device) if device is not None else default_device()
    path = Path(weights_path) if weights_path is not None else WEIGHTS_PATH
    return _load_classifier_cached(str(device), str(path.resolve()))


@functools.lru_cache(maxsize=8)
def _load_classifier_cached(device: str, path: str) -> DigitClassifier:
    # 1. The file must exist.
    if not Path(path).is_file():
        raise FileNotFoundError(
            f"The digit classifier's weights file {path} is missing; reinstall the package "
            f"or rebuild the file with `{RETRAIN_COMMAND}`."
        )

    # 2. It must be a readable torch file holding plain tensors (weights_only refuses pickled code).
    try:
        state_dict = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:
        raise ClassifierWeightsError(
            f"The digit classifier's weights file {path} cannot be read ({type(error).__name__}); "
            f"it is probably corrupt or truncated: rebuild it with `{RETRAIN_COMMAND}`."
        ) from None

    # 3. Its tensors must fit this model. Building it draws random initial weights: do that on a
    #    forked random state, so measuring images never moves the caller's torch random stream.
    with torch.random.fork_rng(devices=[]):
        model = DigitClassifier()
    try:
        model.load_state_dict(state_dict)
    except Exception:
        raise ClassifierWeightsError(
            f"The weights in {path} do not fit DigitClassifier (different layers or sizes); "
            f"rebuild them with `{RETRAIN_COMMAND}`."
        ) from None

    model.eval()
    model.requires_grad_(False)
    return model.to(device)


# ----------------------------------------------------------------------------------------------------
# Checking the input
# ----------------------------------------------------------------------------------------------------


def _as_images(images, name: str = "images") -> torch.Tensor:
    """Check a batch of images and return it as a float32 CPU tensor (N, 1, 28, 28) in [-1, 1]."""
    # 1. A tensor or an array.
    if isinstance(images, np.ndarray):
        if images.dtype == object or not (np.issubdtype(images.dtype, np.number) or images.dtype == bool):
            raise TypeError(f"{name} should hold numbers; got a numpy array of dtype {images.dtype}.")
        images = torch.from_numpy(np.ascontiguousarray(images))
    if not isinstance(images, torch.Tensor):
        raise TypeError(
            f"{name} should be a torch tensor or a numpy array shaped (N, 1, 28, 28); "
            f"got {type(images).__name__}."
        )
    images = images.detach()

    # 2. The shape (N, 1, 28, 28), with hints for the usual near misses.
    shape = tuple(images.shape)
    if shape[-2:] == (28, 28) and len(shape) == 3:
        raise ValueError(
            f"{name} have shape {shape}; add the channel axis to get (N, 1, 28, 28), "
            f"e.g. images.unsqueeze(1) or images[:, None]."
        )
    if len(shape) == 2 and shape[1] == 784:
        raise ValueError(
            f"{name} have shape {shape} (flattened); reshape them to (N, 1, 28, 28), "
            f"e.g. images.reshape(-1, 1, 28, 28)."
        )
    if len(shape) == 4 and shape[1:] == (28, 28, 1):
        raise ValueError(
            f"{name} have shape {shape} (channels last); move the channel axis to get (N, 1, 28, 28), "
            f"e.g. images.permute(0, 3, 1, 2)."
        )
    if len(shape) != 4 or shape[1:] != IMAGE_SHAPE:
        raise ValueError(f"{name} should have shape (N, 1, 28, 28); got {shape}.")
    if shape[0] == 0:
        raise ValueError(f"{name} is empty (N = 0); pass at least one image.")

    # 3. Numbers we can use: no booleans, no NaN or infinity.
    if images.dtype == torch.bool or images.is_complex():
        raise TypeError(f"{name} should be real numbers in [-1, 1]; got dtype {images.dtype}.")
    images = images.to(device="cpu", dtype=torch.float32)
    if not torch.isfinite(images).all():
        bad = int((~torch.isfinite(images)).sum())
        raise ValueError(
            f"{name} contain {bad} NaN or infinite values; a generator that outputs NaN has usually "
            f"diverged (try a lower learning rate)."
        )

    # 4. The range [-1, 1] (a little slack for rounding), with a hint when another convention was used.
    low, high = float(images.min()), float(images.max())
    if high > 2.0:
        raise ValueError(
            f"{name} range from {low:.3g} to {high:.3g}, which looks like pixel values in [0, 255]; "
            f"the metrics expect [-1, 1]: use images / 127.5 - 1."
        )
    if low < -1.01 or high > 1.01:
        raise ValueError(
            f"{name} range from {low:.3g} to {high:.3g}; the metrics expect values in [-1, 1] "
            f"(does the generator end with tanh?)."
        )
    near_zero = (images.abs() < 0.05).float().mean().item()
    if low >= 0.0 and high > 0.5 and near_zero > 0.5:  # dark background at 0, bright strokes
        raise ValueError(
            f"{name} lie in [0, 1] with a background of 0; the metrics expect [-1, 1] with a background "
            f"of -1: use images * 2 - 1."
        )
    return images.clamp(-1.0, 1.0)


# ----------------------------------------------------------------------------------------------------
# Running the classifier
# ----------------------------------------------------------------------------------------------------


def _run_classifier(images, batch_size: int = 500, name: str = "images"):
    """Features (N, 128) and class probabilities (N, 10) as float64 numpy arrays, in one pass."""
    images = _as_images(images, name)
    model = load_classifier()
    model.eval()
    device = next(model.parameters()).device

    feature_chunks, probability_chunks = [], []
    with torch.inference_mode():
        for start in range(0, len(images), batch_size):
            batch = images[start : start + batch_size].to(device)  # (B, 1, 28, 28)
            features = model.features(batch)  # (B, 128)
            logits = model.to_logits(features)  # (B, 10); dropout is off in eval mode
            feature_chunks.append(features.cpu().double())  # float64 on the CPU for the statistics
            probability_chunks.append(torch.softmax(logits.cpu().double(), dim=1))
    return torch.cat(feature_chunks).numpy(), torch.cat(probability_chunks).numpy()


@functools.lru_cache(maxsize=8)
def _real_split_outputs(split: str, device: str):
    """Classifier features and probabilities for a real split of the MNIST subset, once per device."""
    from learntools.gans.data.digits import load_mnist  # imported here: only the real-data figures need the data module

    images, _ = load_mnist(split=split, source="subset")
    features, probabilities = _run_classifier(images, name=f"the real {split!r} images")
    features.setflags(write=False)
    probabilities.setflags(write=False)
    return features, probabilities


def _classifier_device() -> str:
    return str(next(load_classifier().parameters()).device)


def classifier_features(images) -> torch.Tensor:
    """The classifier's penultimate features: (N, 1, 28, 28) in [-1, 1] -> float32 tensor (N, 128)."""
    features, _ = _run_classifier(images)
    return torch.from_numpy(features).float()


def classifier_probabilities(images) -> torch.Tensor:
    """The classifier's p(y|x): (N, 1, 28, 28) in [-1, 1] -> float32 tensor (N, 10), rows sum to 1."""
    _, probabilities = _run_classifier(images)
    return torch.from_numpy(probabilities).float()


# ----------------------------------------------------------------------------------------------------
# The figures, each computed from classifier outputs (so a report runs the classifier once per set)
# ----------------------------------------------------------------------------------------------------


def _score_from_probabilities(probabilities: np.ndarray) -> float:
    """exp(mean over x of KL(p(y|x) || p(y))), where p(y) is the mean of p(y|x) over the set."""
    eps = 1e-12
    p_y = probabilities.mean(axis=0, keepdims=True)  # (1, 10) the set's label distribution
    kl = (probabilities * (np.log(probabilities + eps) - np.log(p_y + eps))).sum(axis=1)  # (N,)
    return float(np.exp(kl.mean()))


class _Gaussian(NamedTuple):
    """A Gaussian fitted to features, and (when cached for a real split) its covariance's square root."""

    mean: np.ndarray  # (D,)
    covariance: np.ndarray  # (D, D)
    covariance_sqrt: Optional[np.ndarray] = None  # (D, D)


def _gaussian_fit(features: np.ndarray, with_sqrt: bool = False) -> _Gaussian:
    """Fit a Gaussian to features (N, D); needs N >= 2 to estimate a covariance."""
    if len(features) < 2:
        raise ValueError(
            f"The Frechet distance needs at least 2 images per set to estimate a covariance; got {len(features)} "
            f"(use a few hundred or more: with few images the distance is biased upwards)."
        )
    mean = features.mean(axis=0)  # (D,)
    covariance = np.cov(features, rowvar=False)  # (D, D)
    return _Gaussian(mean, covariance, _symmetric_sqrt(covariance) if with_sqrt else None)


def _symmetric_sqrt(matrix: np.ndarray) -> np.ndarray:
    """Square root of a symmetric positive semi-definite matrix through its eigen-decomposition."""
    eigenvalues, eigenvectors = np.linalg.eigh((matrix + matrix.T) / 2)
    eigenvalues = np.clip(eigenvalues, 0.0, None)  # rounding can make zero eigenvalues slightly negative
    return (eigenvectors * np.sqrt(eigenvalues)) @ eigenvectors.T


def _frechet_between(a: _Gaussian, b: _Gaussian) -> float:
    """||mu_a - mu_b||^2 + tr(S_a) + tr(S_b) - 2 tr((S_b^1/2 S_a S_b^1/2)^1/2)."""
    # The last trace, tr((S_a S_b)^1/2), is the sum of the square roots of the eigenvalues of the
    # symmetric matrix S_b^1/2 S_a S_b^1/2: symmetric matrices keep the arithmetic real and stable,
    # and work for singular covariances too (fewer images than features).
    sqrt_b = b.covariance_sqrt if b.covariance_sqrt is not None else _symmetric_sqrt(b.covariance)
    middle = sqrt_b @ a.covariance @ sqrt_b  # (D, D)
    middle_eigenvalues = np.clip(np.linalg.eigvalsh((middle + middle.T) / 2), 0.0, None)
    trace_sqrt_product = np.sqrt(middle_eigenvalues).sum()

    mean_term = ((a.mean - b.mean) ** 2).sum()
    distance = mean_term + np.trace(a.covariance) + np.trace(b.covariance) - 2 * trace_sqrt_product
    return float(max(distance, 0.0))  # never slightly negative from rounding


def _frechet_from_features(features_a: np.ndarray, features_b: np.ndarray) -> float:
    return _frechet_between(_gaussian_fit(features_a), _gaussian_fit(features_b))


@functools.lru_cache(maxsize=8)
def _real_split_gaussian(split: str, device: str) -> _Gaussian:
    """The Gaussian of a real split's features, with its square root, computed once per device."""
    features, _ = _real_split_outputs(split, device)
    return _gaussian_fit(features, with_sqrt=True)


def _gaussian_of(images, name: str) -> _Gaussian:
    """The feature Gaussian of images, or of a real split named "train" or "test"."""
    if isinstance(images, str):
        if images not in ("train", "test"):
            raise ValueError(
                f"{name} should be images or the name of a real split, 'train' or 'test'; got {images!r}."
            )
        return _real_split_gaussian(images, _classifier_device())
    features, _ = _run_classifier(images, name=name)
    return _gaussian_fit(features)


def _coverage_from_probabilities(probabilities: np.ndarray, confidence: float, min_fraction: float) -> dict:
    """Per-class fractions of confident predictions and how many classes reach min_fraction."""
    predictions = probabilities.argmax(axis=1)  # (N,)
    confident = probabilities.max(axis=1) >= confidence  # (N,)
    counts = np.bincount(predictions[confident], minlength=NUM_CLASSES)  # (10,)
    fractions = counts / len(probabilities)  # (10,) shares of all images, not only the confident ones
    return {
        "class_fractions": [float(f) for f in fractions],
        "classes_covered": int((fractions >= min_fraction).sum()),
        "confident_fraction": float(confident.mean()),
    }


def _check_fraction(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} should be a number between 0 and 1; got {value!r}.")
    return float(value)


def classifier_score(images) -> float:
    """exp(E_x KL(p(y|x) || p(y))): 1 when all images look alike (or like nothing), 10 at best.

    The digit-classifier version of the Inception Score: high when each image is a confident digit
    (p(y|x) peaked) and the digits are varied (p(y) spread over all ten classes).
    """
    _, probabilities = _run_classifier(images)
    return _score_from_probabilities(probabilities)


def frechet_distance(images_a, images_b) -> float:
    """Frechet distance between Gaussians fitted to the classifier features of two image sets.

    Either argument may also be "train" or "test", the real splits of the MNIST subset. Lower is better;
    0 means identical feature statistics. The estimate is biased upwards for small sets, so compare
    distances computed from the same numbers of images.
    """
    gaussian_a = _gaussian_of(images_a, "images_a")
    gaussian_b = _gaussian_of(images_b, "images_b")
    if gaussian_b.covariance_sqrt is None and gaussian_a.covariance_sqrt is not None:
        gaussian_a, gaussian_b = gaussian_b, gaussian_a  # the distance is symmetric: reuse the cached root
    return _frechet_between(gaussian_a, gaussian_b)


def class_coverage(images, confidence: float = 0.9, min_fraction: float = 0.02) -> dict:
    """Which digits the images show: mode collapse shows as few classes covered.

    Returns a dict with ``class_fractions`` (10 floats: the share of all images predicted as each digit
    with probability >= ``confidence``), ``classes_covered`` (how many digits have a share of at least
    ``min_fraction``; balanced real digits have 0.1 each) and ``confident_fraction`` (the share of
    images classified confidently at all; noise and blurry blobs score low).
    """
    confidence = _check_fraction(confidence, "confidence")
    min_fraction = _check_fraction(min_fraction, "min_fraction")
    _, probabilities = _run_classifier(images)
    return _coverage_from_probabilities(probabilities, confidence, min_fraction)


# ----------------------------------------------------------------------------------------------------
# The report: generated figures beside real ones
# ----------------------------------------------------------------------------------------------------


def _figures(features, probabilities, confidence: float, min_fraction: float) -> dict:
    """All figures for one set of classifier outputs; distances are to the real train split."""
    figures = {"images": int(len(probabilities))}
    figures["classifier_score"] = _score_from_probabilities(probabilities)
    figures["frechet_distance"] = None  # a covariance needs at least 2 images
    if len(features) >= 2:
        figures["frechet_distance"] = _frechet_between(
            _gaussian_fit(features), _real_split_gaussian("train", _classifier_device())
        )
    figures.update(_coverage_from_probabilities(probabilities, confidence, min_fraction))
    return figures


@functools.lru_cache(maxsize=16)
def _held_out_figures(confidence: float, min_fraction: float, device: str) -> dict:
    """The figures of the real test split: the same every time, so computed once."""
    features, probabilities = _real_split_outputs("test", device)
    return _figures(features, probabilities, confidence, min_fraction)


def evaluate_images(images, reference="test", confidence: float = 0.9, min_fraction: float = 0.02) -> dict:
    """All figures for generated images, with the same figures for real held-out digits beside them.

    The Frechet distances are measured against the real "train" split's features (the data a GAN
    learns from). ``reference`` names the real images to report beside the generated ones: "test"
    (the held-out split, the default), or your own real images (N, 1, 28, 28) in [-1, 1].

    Returns a JSON-friendly dict: {"generated": figures, "real": figures, "reference": ...,
    "frechet_against": ...}; print it with ``format_report``. A Frechet distance needs at least 2
    images (a few hundred for a useful one); with a single image it is None.
    """
    confidence = _check_fraction(confidence, "confidence")
    min_fraction = _check_fraction(min_fraction, "min_fraction")
    if isinstance(reference, str) and reference != "test":
        raise ValueError(
            f"reference should be 'test' (the held-out real digits) or real images; got {reference!r}."
        )

    # 1. The generated images.
    generated = _figures(*_run_classifier(images), confidence, min_fraction)

    # 2. Real images beside them: the held-out split (cached) or the caller's own.
    if isinstance(reference, str):
        real = copy.deepcopy(_held_out_figures(confidence, min_fraction, _classifier_device()))
    else:
        real = _figures(*_run_classifier(reference, name="reference"), confidence, min_fraction)

    train_size = len(_real_split_outputs("train", _classifier_device())[0])
    return {
        "generated": generated,
        "real": real,
        "reference": "held-out real test split" if isinstance(reference, str) else "real images given",
        "frechet_against": f"real train split ({train_size} images)",
        "confidence": confidence,
        "min_fraction": min_fraction,
    }


def format_report(report: dict) -> str:
    """A readable table of an ``evaluate_images`` result: generated beside real."""
    try:
        generated, real = report["generated"], report["real"]
    except (TypeError, KeyError):
        raise ValueError("format_report expects the dict returned by evaluate_images.") from None

    def row(label, generated_text, real_text, note=""):
        return f"{label:<24}{generated_text:>12}{real_text:>12}   {note}".rstrip()

    def percent(value):
        return f"{100 * value:.1f}%"

    def distance(value):
        return "n/a" if value is None else f"{value:.2f}"

    lines = [
        row("", "generated", "real"),
        row("images", str(generated["images"]), str(real["images"])),
        row(
            "classifier score",
            f"{generated['classifier_score']:.2f}",
            f"{real['classifier_score']:.2f}",
            "1 to 10, higher is better",
        ),
        row(
            "Frechet distance",
            distance(generated["frechet_distance"]),
            distance(real["frechet_distance"]),
            f"to the {report.get('frechet_against', 'real train split')}, lower is better",
        ),
        row(
            "classes covered",
            f"{generated['classes_covered']}/{NUM_CLASSES}",
            f"{real['classes_covered']}/{NUM_CLASSES}",
            "few classes = mode collapse",
        ),
        row(
            "confident predictions",
            percent(generated["confident_fraction"]),
            percent(real["confident_fraction"]),
            f"probability >= {report.get('confidence', 0.9):g}",
        ),
    ]
    for digit in range(NUM_CLASSES):
        lines.append(
            row(
                f"  share of digit {digit}",
                percent(generated["class_fractions"][digit]),
                percent(real["class_fractions"][digit]),
            )
        )
    lines.append(f"(real = {report.get('reference', 'held-out real digits')})")
    return "\n".join(lines)
