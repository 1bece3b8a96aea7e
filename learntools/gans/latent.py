"""Walking a generator's latent space (lesson 06): interpolation between noise vectors, and truncated noise;
and finding directions in it (lesson 15).

- `lerp` and `slerp`: a straight line, and the arc of a great circle, between two noise vectors. Gaussian
  noise in d dimensions lies near a sphere of radius about sqrt(d); a straight line's middle falls inside it.
- `truncated_normal`: standard normal noise with every number beyond ±threshold drawn again (BigGAN's
  truncation trick), and `truncated_normal_std`, its spread.
- `feature_direction`: TL-GAN's feature axis (Shaobo Guan, 2018): the least-squares fit of a measured
  feature on the noise vectors, value ≈ z·w + b, whose slope w, made unit length, is the direction.
- `orthogonalize`: one Gram-Schmidt step, a direction with its projection on another removed, unit length
  (TL-GAN's way to stop one feature's knob dragging a correlated feature along).
"""

from __future__ import annotations

import math

import torch


def lerp(z0: torch.Tensor, z1: torch.Tensor, t: float) -> torch.Tensor:
    """Linear interpolation: (1 - t) z0 + t z1."""
    return (1 - t) * z0 + t * z1


def slerp(z0: torch.Tensor, z1: torch.Tensor, t: float) -> torch.Tensor:
    """Spherical interpolation between two vectors (d,): along the arc between their directions, with the
    lengths interpolated on the way. t = 0 gives z0, t = 1 gives z1. Falls back to lerp for parallel vectors."""
    unit0, unit1 = z0 / z0.norm(), z1 / z1.norm()
    omega = torch.arccos(torch.clamp(torch.dot(unit0, unit1), -1.0, 1.0))  # the angle between them
    if float(torch.sin(omega)) < 1e-6:
        return lerp(z0, z1, t)
    return (torch.sin((1 - t) * omega) * z0 + torch.sin(t * omega) * z1) / torch.sin(omega)


def truncated_normal(n: int, z_dim: int, threshold: float, generator=None) -> torch.Tensor:
    """(n, z_dim) standard normal noise, each number beyond ±threshold drawn again until none is."""
    z = torch.randn(n, z_dim, generator=generator)
    outside = z.abs() > threshold
    while outside.any():
        z[outside] = torch.randn(int(outside.sum()), generator=generator)
        outside = z.abs() > threshold
    return z


def truncated_normal_std(threshold: float) -> float:
    """The standard deviation of a standard normal truncated to [-threshold, threshold]."""
    a = float(threshold)
    mass = math.erf(a / math.sqrt(2))                        # P(|z| <= a)
    density = math.exp(-a * a / 2) / math.sqrt(2 * math.pi)  # the normal density at a
    return math.sqrt(1 - 2 * a * density / mass)


def feature_direction(z: torch.Tensor, values: torch.Tensor) -> torch.Tensor:
    """The unit direction (d,) of the least-squares fit values ≈ z·w + b, for noise z (n, d) and a measured
    feature values (n,): w / |w|. The intercept b takes the feature's mean, so w holds only how it changes."""
    design = torch.cat([z, torch.ones(len(z), 1, dtype=z.dtype)], dim=1)        # (n, d + 1): z and a column of 1s
    fit = torch.linalg.lstsq(design, values.reshape(-1, 1).to(z.dtype)).solution  # (d + 1, 1): w, then b
    slope = fit[:-1, 0]                                                           # (d,)
    return slope / slope.norm()


def orthogonalize(direction: torch.Tensor, against: torch.Tensor) -> torch.Tensor:
    """`direction` (d,) minus its projection on `against` (d,), made unit length: one Gram-Schmidt step.

    The projection of v on a is (v·a / a·a) a; what is left is orthogonal to a, so moving along it leaves
    the linear fit of a's feature unchanged."""
    residual = direction - (direction @ against) / (against @ against) * against  # (d,), orthogonal to `against`
    return residual / residual.norm()
