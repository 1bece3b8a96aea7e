"""Honest evaluation of a generator from feature vectors: nearest neighbours, precision and recall, and how a
Frechet distance depends on the number of samples (lesson 13).

Every function takes feature vectors shaped (N, D): 2-D points of a toy distribution, the digit classifier's
128 features (``metrics.classifier_features``), or flattened pixels. Distances are Euclidean, computed in
float64. No function touches the global random state; the ones that draw subsets take a ``seed``.

- ``nearest_neighbours``: for every query, the closest reference point and its distance (memorisation checks);
- ``knn_radii``: every point's distance to its k-th nearest *other* point of the same set;
- ``precision_recall``: Kynkaanniemi et al. (2019), "Improved Precision and Recall Metric for Assessing
  Generative Models": a sample is inside a set's manifold when it lies in the ball around at least one of the
  set's points whose radius is that point's k-th neighbour distance (k = 3 in the paper). Precision is the
  share of generated samples inside the real manifold (are the fakes realistic?), recall the share of real
  samples inside the generated manifold (is the variety of the real data covered?);
- ``near_copy_threshold``: a distance below which a generated sample counts as a near-copy of a training
  sample, read from held-out real data (how close do unseen real digits come to the training set?);
- ``frechet_distance_of_features`` and ``frechet_by_sample_size``: the Frechet distance between two feature
  sets, and its mean and spread over seeds as the number of samples grows.
"""

from __future__ import annotations

import contextlib
from typing import NamedTuple

import numpy as np
import torch

from learntools.gans.evaluation.metrics import _frechet_between, _gaussian_fit

__all__ = [
    "as_features",
    "pairwise_distances",
    "nearest_neighbours",
    "knn_radii",
    "inside_manifold",
    "precision_recall",
    "PrecisionRecall",
    "near_copy_threshold",
    "frechet_distance_of_features",
    "frechet_by_sample_size",
]


def as_features(values, name: str = "features") -> torch.Tensor:
    """Check a set of feature vectors and return it as a float64 CPU tensor (N, D).

    Images (N, C, H, W) are flattened to their pixels, (N, C*H*W).
    """
    if isinstance(values, np.ndarray):
        values = torch.from_numpy(np.ascontiguousarray(values))
    if not isinstance(values, torch.Tensor):
        raise TypeError(f"{name} should be a tensor or a numpy array shaped (N, D); got {type(values).__name__}.")
    values = values.detach()
    if values.ndim > 2:
        values = values.reshape(len(values), -1)  # images -> their pixels, (N, C*H*W)
    if values.ndim != 2 or len(values) == 0:
        raise ValueError(f"{name} should have shape (N, D) with N >= 1; got {tuple(values.shape)}.")
    if values.dtype == torch.bool or values.is_complex():
        raise TypeError(f"{name} should hold real numbers; got dtype {values.dtype}.")
    values = values.to(device="cpu", dtype=torch.float64)
    if not torch.isfinite(values).all():
        raise ValueError(f"{name} contain NaN or infinite values.")
    return values


def pairwise_distances(a, b) -> torch.Tensor:
    """Euclidean distances between every row of a (N, D) and every row of b (M, D): (N, M), float64."""
    a, b = as_features(a, "a"), as_features(b, "b")
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"a and b should have the same number of features; got {a.shape[1]} and {b.shape[1]}.")
    return torch.cdist(a, b)  # (N, M)


def nearest_neighbours(queries, reference):
    """For every query (N, D): (distance to its nearest reference point (N,), that point's index (N,))."""
    distances = pairwise_distances(queries, reference)  # (N, M)
    nearest = distances.min(dim=1)
    return nearest.values, nearest.indices


def knn_radii(features, k: int = 3) -> torch.Tensor:
    """Every point's distance to its k-th nearest neighbour in the same set, not counting itself: (N,).

    The point itself sits at distance 0 in its own row, so the k-th neighbour is the (k + 1)-th smallest
    distance of the row.
    """
    features = as_features(features)
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k < len(features):
        raise ValueError(f"k should be a whole number from 1 to N - 1 = {len(features) - 1}; got {k!r}.")
    distances = torch.cdist(features, features)  # (N, N), zeros on the diagonal
    return distances.kthvalue(k + 1, dim=1).values  # (N,) skip the point itself


def inside_manifold(queries, centres, radii) -> torch.Tensor:
    """Which queries (N, D) lie in at least one ball around centres (M, D) of radii (M,): bool (N,)."""
    distances = pairwise_distances(queries, centres)  # (N, M)
    return (distances <= torch.as_tensor(radii, dtype=torch.float64)[None, :]).any(dim=1)  # (N,)


class PrecisionRecall(NamedTuple):
    """Precision: the share of generated samples inside the real manifold. Recall: the reverse."""

    precision: float
    recall: float


def precision_recall(real, fake, k: int = 3) -> PrecisionRecall:
    """Improved precision and recall (Kynkaanniemi et al. 2019) of fake (M, D) against real (N, D) features."""
    real, fake = as_features(real, "real"), as_features(fake, "fake")
    precision = inside_manifold(fake, real, knn_radii(real, k)).double().mean()  # fakes in real balls
    recall = inside_manifold(real, fake, knn_radii(fake, k)).double().mean()  # reals in fake balls
    return PrecisionRecall(float(precision), float(recall))


def near_copy_threshold(held_out, train, quantile: float = 0.05) -> float:
    """The distance from held-out real samples to their nearest training sample that only a share
    ``quantile`` of them come closer than: a generated sample closer than this to a training sample is
    nearer to it than (1 - quantile) of real digits that were never trained on.

    A generator that copies nothing puts about ``quantile`` of its samples below the threshold; a share
    well above it means samples sit unusually close to particular training samples.
    """
    if isinstance(quantile, bool) or not isinstance(quantile, (int, float)) or not 0.0 < quantile < 1.0:
        raise ValueError(f"quantile should be a number between 0 and 1; got {quantile!r}.")
    distances, _ = nearest_neighbours(held_out, train)  # (N,)
    return float(torch.quantile(distances, quantile))


def frechet_distance_of_features(a, b) -> float:
    """The Frechet distance between Gaussians fitted to two feature sets (N, D) and (M, D), N, M >= 2."""
    a, b = as_features(a, "a").numpy(), as_features(b, "b").numpy()
    return _frechet_between(_gaussian_fit(a), _gaussian_fit(b))


def frechet_by_sample_size(a, b, sizes, seeds=(0, 1, 2), disjoint: bool = False) -> dict:
    """The Frechet distance between n rows drawn from a and n rows drawn from b, for every n of ``sizes``,
    over ``seeds``: {"sizes": [...], "mean": [...], "std": [...], "values": (len(sizes), len(seeds)) array}.

    With ``disjoint=True``, a and b must be the same set, and the two draws of each seed share no row (two
    samples of the same distribution): their distance would be 0 with infinitely many samples.
    """
    a, b = as_features(a, "a"), as_features(b, "b")
    with _one_blas_thread():
        columns = [_distances_at_sizes(a, b, sizes, seed, disjoint) for seed in seeds]
    values = np.array(columns).T  # (len(sizes), len(seeds))
    return {"sizes": [int(n) for n in sizes], "mean": values.mean(axis=1).tolist(),
            "std": values.std(axis=1, ddof=1).tolist() if len(seeds) > 1 else [0.0] * len(sizes),
            "values": values}


def _distances_at_sizes(a, b, sizes, seed, disjoint) -> list:
    """One seed's draws: the distance at every n of sizes (the first n rows of one shuffle of each set)."""
    generator = torch.Generator().manual_seed(int(seed))
    order_a = torch.randperm(len(a), generator=generator)  # (N,)
    order_b = torch.randperm(len(b), generator=generator)  # (M,)
    distances = []
    for n in sizes:
        if disjoint:
            if not torch.equal(a, b) or 2 * n > len(a):
                raise ValueError(f"disjoint draws need the same set twice and 2 n <= {len(a)}; got n = {n}.")
            rows_a, rows_b = order_a[:n], order_a[n : 2 * n]
        else:
            if n > min(len(a), len(b)):
                raise ValueError(f"n = {n} is more than the {min(len(a), len(b))} rows of the smaller set.")
            rows_a, rows_b = order_a[:n], order_b[:n]
        distances.append(frechet_distance_of_features(a[rows_a], b[rows_b]))
    return distances


def _one_blas_thread():
    """A context in which numpy's linear algebra uses one thread: the 128x128 eigen-decompositions of many
    Frechet distances run several times faster so (threads cost more than they save on small matrices, most
    of all on a busy machine). Without threadpoolctl (installed with scikit-learn), nothing changes."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")
