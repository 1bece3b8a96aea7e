"""GAN losses as plain functions of discriminator logits.

A discriminator outputs a raw score (logit) l per example; D(x) = sigmoid(l) is the probability
that x is real. Every function takes logits of shape (N,) or (N, 1) and returns a scalar to
minimise. We never compute sigmoid and then log (that overflows); we use the identities

    -log sigmoid(l)     = softplus(-l)
    -log(1 - sigmoid(l)) = softplus(l)

Conventions (values at logits 0, i.e. an untrained discriminator that says 50/50):
    discriminator loss = mean over the real batch + mean over the fake batch
    minimax / non-saturating:  D loss = 2 ln 2 ~ 1.386,  G loss = -ln 2 (minimax) / ln 2 (non-saturating)
    least-squares:             D loss = 0.5,             G loss = 0.5
    hinge:                     D loss = 2,               G loss = 0
    Wasserstein:               D loss = 0,               G loss = 0
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from types import MappingProxyType
from typing import Callable

import torch
import torch.nn.functional as F

__all__ = [
    "minimax_d",
    "minimax_g",
    "nonsaturating_d",
    "nonsaturating_g",
    "least_squares_d",
    "least_squares_g",
    "hinge_d",
    "hinge_g",
    "wasserstein_d",
    "wasserstein_g",
    "gradient_penalty",
    "GANLoss",
    "LOSSES",
    "get_loss",
]


def _logits(x, name: str) -> torch.Tensor:
    """Check a batch of logits and return it as float32 of shape (N,)."""
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a torch tensor of discriminator outputs, got a {type(x).__name__}.")
    if not (x.ndim == 1 or (x.ndim == 2 and x.shape[1] == 1)):
        raise ValueError(f"{name} must have shape (N,) or (N, 1), one logit per example; got {tuple(x.shape)}.")
    if len(x) == 0:
        raise ValueError(f"{name} is empty; a loss needs at least one example.")
    if not x.is_floating_point():
        raise TypeError(f"{name} must be floating point logits, got {x.dtype}.")
    return x.reshape(-1).float()  # (N,), float32 even under mixed precision


# --- Minimax (Goodfellow et al., 2014) ---------------------------------------------------------


def minimax_d(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """Discriminator: -mean log D(x) - mean log(1 - D(G(z))), i.e. binary cross-entropy with
    targets 1 for real and 0 for fake. 2 ln 2 at logits 0."""
    real = _logits(real_logits, "real_logits")  # (N,)
    fake = _logits(fake_logits, "fake_logits")  # (M,)
    return F.softplus(-real).mean() + F.softplus(fake).mean()


def minimax_g(fake_logits: torch.Tensor) -> torch.Tensor:
    """Generator, original form: minimise mean log(1 - D(G(z))) = -mean softplus(l). -ln 2 at logits 0.

    Its gradient vanishes when D confidently rejects the fakes (l << 0): the generator "saturates".
    """
    fake = _logits(fake_logits, "fake_logits")  # (M,)
    return -F.softplus(fake).mean()


# --- Non-saturating (the generator loss everybody uses) ----------------------------------------


def nonsaturating_d(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """Discriminator: the same binary cross-entropy as minimax_d. 2 ln 2 at logits 0."""
    return minimax_d(real_logits, fake_logits)


def nonsaturating_g(fake_logits: torch.Tensor) -> torch.Tensor:
    """Generator: minimise -mean log D(G(z)) = mean softplus(-l), i.e. BCE with target 1 for the
    fakes. ln 2 at logits 0; strong gradients exactly when D rejects the fakes."""
    fake = _logits(fake_logits, "fake_logits")  # (M,)
    return F.softplus(-fake).mean()


# --- Least squares (LSGAN, Mao et al., 2017; targets real 1, fake 0) ---------------------------


def least_squares_d(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """Discriminator: 0.5 * (mean (l_real - 1)^2 + mean l_fake^2) on raw scores (no sigmoid). 0.5 at 0."""
    real = _logits(real_logits, "real_logits")  # (N,)
    fake = _logits(fake_logits, "fake_logits")  # (M,)
    return 0.5 * (((real - 1) ** 2).mean() + (fake ** 2).mean())


def least_squares_g(fake_logits: torch.Tensor) -> torch.Tensor:
    """Generator: 0.5 * mean (l_fake - 1)^2, pulling fake scores towards the real target. 0.5 at 0."""
    fake = _logits(fake_logits, "fake_logits")  # (M,)
    return 0.5 * ((fake - 1) ** 2).mean()


# --- Hinge (Lim & Ye 2017; Miyato et al. 2018) -------------------------------------------------


def hinge_d(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """Discriminator: mean relu(1 - l_real) + mean relu(1 + l_fake); 0 once real > 1 and fake < -1. 2 at 0."""
    real = _logits(real_logits, "real_logits")  # (N,)
    fake = _logits(fake_logits, "fake_logits")  # (M,)
    return F.relu(1 - real).mean() + F.relu(1 + fake).mean()


def hinge_g(fake_logits: torch.Tensor) -> torch.Tensor:
    """Generator: -mean l_fake (raise the fakes' scores). 0 at 0."""
    fake = _logits(fake_logits, "fake_logits")  # (M,)
    return -fake.mean()


# --- Wasserstein (Arjovsky et al. 2017) with gradient penalty (Gulrajani et al. 2017) -----------


def wasserstein_d(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """Critic: mean score of fakes - mean score of reals (minimised, so reals score high).

    Only meaningful with a 1-Lipschitz critic: add gradient_penalty to this loss.
    """
    real = _logits(real_logits, "real_logits")  # (N,)
    fake = _logits(fake_logits, "fake_logits")  # (M,)
    return fake.mean() - real.mean()


def wasserstein_g(fake_logits: torch.Tensor) -> torch.Tensor:
    """Generator: -mean critic score of the fakes."""
    fake = _logits(fake_logits, "fake_logits")  # (M,)
    return -fake.mean()


def gradient_penalty(discriminator, real: torch.Tensor, fake: torch.Tensor, weight: float = 10.0,
                     generator: torch.Generator | None = None) -> torch.Tensor:
    """WGAN-GP penalty: weight * mean (||grad_x D(x_hat)|| - 1)^2 at random points x_hat between
    real and fake examples. Pushes the critic towards gradient norm 1 (1-Lipschitz).

    real, fake: same shape (N, ...); fake is detached here, so the penalty never trains G.
    generator: optional torch.Generator for the random mixing weights (reproducibility).
    Add the result to the critic's loss; it keeps the graph so it can be backpropagated.
    """
    for name, x in (("real", real), ("fake", fake)):
        if not isinstance(x, torch.Tensor):
            raise TypeError(f"{name} must be a torch tensor, got a {type(x).__name__}.")
    if real.shape != fake.shape:
        raise ValueError(f"real and fake batches must have the same shape for the gradient penalty; "
                         f"got {tuple(real.shape)} and {tuple(fake.shape)}.")
    if not callable(discriminator):
        raise TypeError("discriminator must be the critic model (a callable), e.g. gradient_penalty(D, real, fake).")

    # One mixing weight per example, broadcast over the other dimensions.
    mix_shape = (len(real),) + (1,) * (real.ndim - 1)  # (N, 1, 1, 1) for images
    device = generator.device if generator is not None else real.device
    alpha = torch.rand(mix_shape, generator=generator, dtype=real.dtype, device=device).to(real.device)
    between = (alpha * real.detach() + (1 - alpha) * fake.detach()).requires_grad_(True)  # (N, ...)

    # Gradient of the critic's scores with respect to its input, kept in the graph (create_graph).
    scores = discriminator(between)  # (N, 1)
    (gradients,) = torch.autograd.grad(scores.sum(), between, create_graph=True)  # (N, ...)

    # Per-example gradient norm; the tiny constant keeps sqrt differentiable at 0.
    norms = torch.sqrt(gradients.flatten(1).pow(2).sum(dim=1) + 1e-12)  # (N,)
    return weight * ((norms - 1) ** 2).mean()


# --- Named losses --------------------------------------------------------------------------------


@dataclass(frozen=True)
class GANLoss:
    """A matched pair of losses: loss.discriminator(real_logits, fake_logits), loss.generator(fake_logits).

    gradient_penalty_weight > 0 asks the trainer to add gradient_penalty(D, real, fake, weight)
    to the discriminator loss (WGAN-GP).
    """

    name: str
    discriminator: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
    generator: Callable[[torch.Tensor], torch.Tensor]
    gradient_penalty_weight: float = 0.0


# Read-only mapping from name to GANLoss.
LOSSES = MappingProxyType({
    "minimax": GANLoss("minimax", minimax_d, minimax_g),
    "nonsaturating": GANLoss("nonsaturating", nonsaturating_d, nonsaturating_g),
    "least-squares": GANLoss("least-squares", least_squares_d, least_squares_g),
    "hinge": GANLoss("hinge", hinge_d, hinge_g),
    "wgan-gp": GANLoss("wgan-gp", wasserstein_d, wasserstein_g, gradient_penalty_weight=10.0),
})


def get_loss(name) -> GANLoss:
    """The GANLoss called `name` (one of LOSSES; "_" and capitals are accepted); a GANLoss passes through."""
    if isinstance(name, GANLoss):
        return name
    if not isinstance(name, str):
        raise TypeError(f"A loss is given by name (one of {', '.join(LOSSES)}) or as a GANLoss; got a {type(name).__name__}.")
    key = name.strip().lower().replace("_", "-")
    key = {"non-saturating": "nonsaturating", "lsgan": "least-squares"}.get(key, key)
    if key not in LOSSES:
        close = difflib.get_close_matches(key, list(LOSSES), n=1)
        suggestion = f" Did you mean {close[0]!r}?" if close else ""
        raise ValueError(f"Unknown loss {name!r}: choose one of {', '.join(map(repr, LOSSES))}.{suggestion}")
    return LOSSES[key]
