"""Lesson 07: mistakes in the log density, D*, the game's value, the simultaneous and alternating steps, the
least-squares, hinge and Wasserstein losses, the gradient penalty and power iteration."""

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


def simultaneous_step_sequential(x, y, lr):
    x_new = x - lr * y
    return x_new, y + lr * x_new  # y moves against the new x: that is an alternating step


def simultaneous_step_signs_swapped(x, y, lr):
    return x + lr * y, y - lr * x


def alternating_step_x_first(x, y, lr):
    x = x - lr * y
    y = y + lr * x
    return x, y


def alternating_step_simultaneous(x, y, lr):
    return x - lr * y, y + lr * x


def least_squares_d_one_mean(real_scores, fake_scores):
    return 0.5 * torch.cat([(real_scores - 1) ** 2, fake_scores ** 2]).mean()  # one mean over both batches


def least_squares_d_no_half(real_scores, fake_scores):
    return ((real_scores - 1) ** 2).mean() + (fake_scores ** 2).mean()


def least_squares_g_target_zero(fake_scores):
    return 0.5 * (fake_scores ** 2).mean()


def hinge_g_with_relu(fake_scores):
    return F.relu(1 - fake_scores).mean()


def hinge_g_sign(fake_scores):
    return fake_scores.mean()


def wasserstein_d_sign(real_scores, fake_scores):
    return real_scores.mean() - fake_scores.mean()


def wasserstein_d_one_mean(real_scores, fake_scores):
    return torch.cat([fake_scores, -real_scores]).mean()


def wasserstein_g_sign(fake_scores):
    return fake_scores.mean()


MISTAKES = {
    "hidden_q1": [ring_log_density_naive, ring_log_density_no_weights],
    "hidden_q2": [optimal_discriminator_from_densities],
    "hidden_q3": [game_value_one_mean],
    "hidden_q5a": [simultaneous_step_sequential, simultaneous_step_signs_swapped],
    "hidden_q5b": [alternating_step_x_first, alternating_step_simultaneous],
    "hidden_q6a": [least_squares_d_one_mean, least_squares_d_no_half],
    "hidden_q6b": [least_squares_g_target_zero],
    "hidden_q7a": [hinge_d_no_relu],
    "hidden_q7b": [hinge_g_with_relu, hinge_g_sign],
    "hidden_q8a": [wasserstein_d_sign, wasserstein_d_one_mean],
    "hidden_q8b": [wasserstein_g_sign],
    "hidden_q9": [gradient_penalty_squared_norm, gradient_penalty_no_create_graph, gradient_penalty_channel_norm],
    "hidden_q10": [largest_singular_value_few_steps, largest_singular_value_frobenius],
}
