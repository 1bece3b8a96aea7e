"""Lesson 06: mistakes in slerp and in truncated noise that the visible checks' cases may let through."""

import torch


def slerp_unit_vectors_only(z0, z1, t):
    """Right for unit vectors (and for the vectors of equal length in some cases), wrong for others."""
    u0, u1 = z0 / z0.norm(), z1 / z1.norm()
    omega = torch.arccos(torch.clamp(torch.dot(u0, u1), -1, 1))
    return (torch.sin((1 - t) * omega) * u0 + torch.sin(t * omega) * u1) / torch.sin(omega) * z0.norm()


def slerp_lerp(z0, z1, t):
    return (1 - t) * z0 + t * z1


def truncated_clamped(n, z_dim, threshold, generator=None):
    return torch.randn(n, z_dim, generator=generator).clamp(-threshold, threshold)


def truncated_redrawn_once(n, z_dim, threshold, generator=None):
    z = torch.randn(n, z_dim, generator=generator)
    outside = z.abs() > threshold
    z[outside] = torch.randn(int(outside.sum()), generator=generator)
    return z


def truncated_global_rng(n, z_dim, threshold, generator=None):
    z = torch.randn(n, z_dim)
    outside = z.abs() > threshold
    while outside.any():
        z[outside] = torch.randn(int(outside.sum()))
        outside = z.abs() > threshold
    return z


MISTAKES = {
    "hidden_q2": [slerp_unit_vectors_only, slerp_lerp],
    "hidden_q3": [truncated_clamped, truncated_redrawn_once, truncated_global_rng],
}
