"""Lesson 11: realistic half-fixes of the training step with two bugs."""

import torch
import torch.nn.functional as F


def bce(scores, target):
    return F.binary_cross_entropy_with_logits(scores, torch.full_like(scores, float(target)))


def train_step_only_detach_fixed(G, D, real, opt_g, opt_d, z_dim):
    n = real.shape[0]
    fake = G(torch.randn(n, z_dim)).detach()
    d_loss = bce(D(real), 1) + bce(D(fake), 0)
    opt_d.zero_grad()
    d_loss.backward()
    opt_d.step()
    g_loss = bce(D(G(torch.randn(n, z_dim))), 1)
    g_loss.backward()  # still no opt_g.zero_grad(): the stale gradients join in
    opt_g.step()
    return float(d_loss), float(g_loss)


def train_step_only_zero_grad_fixed(G, D, real, opt_g, opt_d, z_dim):
    n = real.shape[0]
    fake = G(torch.randn(n, z_dim))  # still not detached
    d_loss = bce(D(real), 1) + bce(D(fake), 0)
    opt_d.zero_grad()
    d_loss.backward()
    opt_d.step()
    g_loss = bce(D(G(torch.randn(n, z_dim))), 1)
    opt_g.zero_grad()
    g_loss.backward()
    opt_g.step()
    return float(d_loss), float(g_loss)


def train_step_in_eval_mode(G, D, real, opt_g, opt_d, z_dim):
    G.eval()  # "fixed", and a third bug added
    D.eval()
    n = real.shape[0]
    fake = G(torch.randn(n, z_dim)).detach()
    d_loss = bce(D(real), 1) + bce(D(fake), 0)
    opt_d.zero_grad()
    d_loss.backward()
    opt_d.step()
    g_loss = bce(D(G(torch.randn(n, z_dim))), 1)
    opt_g.zero_grad()
    g_loss.backward()
    opt_g.step()
    return float(d_loss), float(g_loss)


MISTAKES = {
    "hidden_q3": [train_step_only_detach_fixed, train_step_only_zero_grad_fixed, train_step_in_eval_mode],
}
