"""GAN theory you can compute (lesson 07): densities, the optimal discriminator, JS, game dynamics.

    p_data = toy_mixture("ring")                 # lesson 01's ring: 8 Gaussians, std 0.05, radius 2
    p_g = toy_mixture("ring", std=0.25)           # a blurry generator with the same modes
    d_star = optimal_discriminator(p_data.log_prob(x), p_g.log_prob(x))   # (N,)
    js = js_divergence_grid(p_data, p_g)          # JS(p_data || p_g) in nats, by quadrature
    path = trajectory(alternating_step, (1.0, 0.0), lr=0.1, steps=200)    # (201, 2)

Everything here is small and exact enough to check the lesson's claims: closed-form densities, a
quadrature on a grid, two-number games. Nothing touches the global random state.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from learntools.gans.data.digits import TOY_STD, toy_modes

__all__ = [
    "toy_mixture",
    "optimal_discriminator",
    "js_divergence_grid",
    "game_value",
    "simultaneous_step",
    "alternating_step",
    "trajectory",
    "dirac_gan_step",
    "largest_singular_value",
    "lipschitz_bound",
]


# ---------------------------------------------------------------------------------------------
# Densities and the optimal discriminator
# ---------------------------------------------------------------------------------------------


def toy_mixture(name: str = "ring", std: float | None = None) -> torch.distributions.Distribution:
    """A toy distribution of lesson 01 as a torch distribution (log_prob, sample): equally likely
    Gaussians at `toy_modes(name)`, each with standard deviation `std` (the data's own by default)."""
    modes = toy_modes(name)  # (K, D)
    std = TOY_STD[name] if std is None else float(std)
    weights = torch.distributions.Categorical(probs=torch.full((len(modes),), 1.0 / len(modes)))
    parts = torch.distributions.Independent(torch.distributions.Normal(modes, std), 1)
    return torch.distributions.MixtureSameFamily(weights, parts)


def optimal_discriminator(log_p_data: torch.Tensor, log_p_g: torch.Tensor) -> torch.Tensor:
    """D*(x) = p_data / (p_data + p_g), from the log densities: sigmoid(log p_data - log p_g).

    Its logit is the log density ratio. Computed from logs it stays finite where both densities
    underflow to 0 (far from the data and the fakes), where p / (p + q) would be 0 / 0.
    """
    return torch.sigmoid(log_p_data - log_p_g)


def _grid(limit: float, n: int):
    ticks = torch.linspace(-limit, limit, n, dtype=torch.float64)  # (n,)
    x, y = torch.meshgrid(ticks, ticks, indexing="xy")  # (n, n) each
    return torch.stack([x.flatten(), y.flatten()], dim=1), float(ticks[1] - ticks[0]) ** 2  # (n*n, 2), cell area


def js_divergence_grid(p, q, limit: float = 3.5, n: int = 401) -> float:
    """JS(p || q) = ½ KL(p || m) + ½ KL(q || m), m = (p + q) / 2, in nats, by quadrature on a 2-D grid.

    p and q are 2-D distributions with log_prob (e.g. toy_mixture). The grid's spacing (0.0175 for the
    default) resolves Gaussians of std 0.05 well; widen `limit` for data further out.
    """
    points, area = _grid(limit, n)
    log_p, log_q = p.log_prob(points.float()).double(), q.log_prob(points.float()).double()  # (n*n,)
    log_m = torch.logaddexp(log_p, log_q) - math.log(2.0)
    kl_pm = (log_p.exp() * (log_p - log_m)).sum() * area
    kl_qm = (log_q.exp() * (log_q - log_m)).sum() * area
    return float(0.5 * (kl_pm + kl_qm))


def game_value(d_on_real: torch.Tensor, d_on_fake: torch.Tensor) -> float:
    """The minimax value V(D, G) = E_data log D(x) + E_g log(1 - D(x)) from D's probabilities on
    real and generated samples (a Monte Carlo estimate)."""
    return float(torch.log(d_on_real).mean() + torch.log1p(-d_on_fake).mean())


# ---------------------------------------------------------------------------------------------
# Game dynamics: min over x, max over y of x * y
# ---------------------------------------------------------------------------------------------


def simultaneous_step(x, y, lr):
    """Both players step at once from (x, y): x descends x*y (gradient y), y ascends it (gradient x)."""
    return x - lr * y, y + lr * x


def alternating_step(x, y, lr):
    """y (the maximiser, like D) steps first; x (the minimiser, like G) then answers the new y."""
    y = y + lr * x
    return x - lr * y, y


def trajectory(step, start, lr, steps):
    """The points visited by `steps` calls of `step(x, y, lr)` from `start`: a float64 tensor (steps + 1, 2)."""
    x, y = (float(v) for v in start)
    points = [(x, y)]
    for _ in range(steps):
        x, y = step(x, y, lr)
        points.append((float(x), float(y)))
    return torch.tensor(points, dtype=torch.float64)


def dirac_gan_step(theta, psi, lr, r1=0.0, alternating=False, generator_loss="minimax"):
    """One step of the Dirac-GAN (Mescheder, Geiger & Nowozin 2018), in this course's convention.

    The data is a point at 0, the generator a point at theta, the discriminator's logit D(x) = psi * x.
    D minimises the BCE loss softplus(-D(0)) + softplus(D(theta)) plus R1 = r1/2 * |dD/dx at the data|^2
    = r1/2 * psi^2; G minimises the minimax loss -softplus(D(theta)) (a zero-sum game, as in the
    paper), or with generator_loss="nonsaturating" softplus(-D(theta)). Gradients by autograd, the way
    a real GAN computes them. Returns the new (theta, psi) as floats.
    """
    theta_t = torch.tensor(float(theta), dtype=torch.float64, requires_grad=True)
    psi_t = torch.tensor(float(psi), dtype=torch.float64, requires_grad=True)
    real = torch.zeros((), dtype=torch.float64, requires_grad=True)

    # D step: BCE on the real point and the fake one, plus R1 at the real point.
    real_logit = psi_t * real
    (input_gradient,) = torch.autograd.grad(real_logit, real, create_graph=True)  # dD/dx at the data = psi
    d_loss = F.softplus(-real_logit) + F.softplus(psi_t * theta_t.detach()) + r1 / 2 * input_gradient ** 2
    (d_grad,) = torch.autograd.grad(d_loss, psi_t)
    new_psi = psi_t.detach() - lr * d_grad

    # G step: against D before its update (simultaneous) or after it (alternating).
    judge = new_psi if alternating else psi_t.detach()
    fake_logit = judge * theta_t
    g_loss = -F.softplus(fake_logit) if generator_loss == "minimax" else F.softplus(-fake_logit)
    (g_grad,) = torch.autograd.grad(g_loss, theta_t)
    new_theta = theta_t.detach() - lr * g_grad
    return float(new_theta), float(new_psi)


# ---------------------------------------------------------------------------------------------
# Spectral normalisation: the largest singular value, and the Lipschitz bound it gives
# ---------------------------------------------------------------------------------------------


def largest_singular_value(W: torch.Tensor, steps: int = 100, seed: int = 0) -> float:
    """σ_max(W) by power iteration on WᵀW, as spectral normalisation estimates it (Miyato et al. 2018).

    v <- Wᵀ W v / |Wᵀ W v| converges to the top right singular vector; then σ_max = |W v|.
    """
    W = W.detach().double().reshape(W.shape[0], -1)  # (out, in); a conv kernel as (out, in * k * k)
    v = torch.randn(W.shape[1], dtype=torch.float64, generator=torch.Generator().manual_seed(seed))  # (in,)
    v = v / v.norm()
    for _ in range(steps):
        v = W.T @ (W @ v)
        v = v / v.norm()
    return float((W @ v).norm())


def lipschitz_bound(model: torch.nn.Module) -> float:
    """The product of the largest singular values of `model`'s Linear layers: an upper bound on
    |D(x) - D(x')| / |x - x'| for an MLP whose activations are 1-Lipschitz (ReLU, LeakyReLU, tanh)."""
    bound = 1.0
    for layer in model.modules():
        if isinstance(layer, torch.nn.Linear):
            bound *= float(torch.linalg.matrix_norm(layer.weight.detach().double(), ord=2))
    return bound
