"""Lesson 07: mistakes in the log density, D*, the game's value, the hinge loss, the gradient penalty and
power iteration."""

import math

import torch
import torch.nn.functional as F

from learntools.gans.data import toy_modes


def ring_log_density_naive(points):
    """Right near the modes; -inf far out, where every density underflows to 0."""
    squared = ((points[:, None, :].float() - toy_modes("ring")[None]) ** 2).sum(-1)
    densities = torch.exp(-squared / (2 * 0.05 ** 2)) / (2 * math.pi * 0.05 ** 2)
    return torch.log(densities.mean(1))


def ring_log_density_no_weights(points):
    squared = ((points[:, None, :].float() - toy_modes("ring")[None]) ** 2).sum(-1)
    return torch.logsumexp(-math.log(2 * math.pi * 0.05 ** 2) - squared / (2 * 0.05 ** 2), dim=1)  # no -log 8


def optimal_discriminator_from_densities(log_p_data, log_p_g):
    p, q = log_p_data.exp(), log_p_g.exp()
    return p / (p + q)  # 0 / 0 where both underflow


def game_value_one_mean(d_on_real, d_on_fake):
    return torch.log(torch.cat([d_on_real, 1 - d_on_fake])).mean()  # one mean over both batches


def hinge_d_no_relu(real_scores, fake_scores):
    return (1 - real_scores).mean() + (1 + fake_scores).mean()


def gradient_penalty_squared_norm(critic, real, fake, weight=10.0):
    alpha = torch.rand(len(real), *[1] * (real.dim() - 1))
    x_hat = (alpha * real + (1 - alpha) * fake.detach()).requires_grad_(True)
    (grads,) = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)
    return weight * (grads.flatten(1).norm(dim=1) ** 2).mean()


def gradient_penalty_no_create_graph(critic, real, fake, weight=10.0):
    alpha = torch.rand(len(real), *[1] * (real.dim() - 1))
    x_hat = (alpha * real + (1 - alpha) * fake.detach()).requires_grad_(True)
    (grads,) = torch.autograd.grad(critic(x_hat).sum(), x_hat)
    return weight * ((grads.flatten(1).norm(dim=1) - 1) ** 2).mean()


def gradient_penalty_channel_norm(critic, real, fake, weight=10.0):
    alpha = torch.rand(len(real), *[1] * (real.dim() - 1))
    x_hat = (alpha * real + (1 - alpha) * fake.detach()).requires_grad_(True)
    (grads,) = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)
    return weight * ((grads.norm(dim=1) - 1) ** 2).mean()  # over the channels only


def largest_singular_value_few_steps(W, steps=100):
    v = torch.ones(W.shape[1], dtype=W.dtype)
    v = W.T @ (W @ v)  # one step only
    return (W @ (v / v.norm())).norm()


def largest_singular_value_frobenius(W, steps=100):
    return torch.linalg.matrix_norm(W, ord="fro")


MISTAKES = {
    "hidden_q1": [ring_log_density_naive, ring_log_density_no_weights],
    "hidden_q2": [optimal_discriminator_from_densities],
    "hidden_q3": [game_value_one_mean],
    "hidden_q7a": [hinge_d_no_relu],
    "hidden_q9": [gradient_penalty_squared_norm, gradient_penalty_no_create_graph, gradient_penalty_channel_norm],
    "hidden_q10": [largest_singular_value_few_steps, largest_singular_value_frobenius],
}
