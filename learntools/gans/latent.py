"""Walking a generator's latent space (lesson 06): interpolation between noise vectors, and truncated noise.

- `lerp` and `slerp`: a straight line, and the arc of a great circle, between two noise vectors. Gaussian
  noise in d dimensions lies near a sphere of radius about sqrt(d); a straight line's middle falls inside it.
- `truncated_normal`: standard normal noise with every number beyond ±threshold drawn again (BigGAN's
  truncation trick), and `truncated_normal_std`, its spread.
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
