"""Lesson 05: mistakes in the losses and the training steps."""

import torch
import torch.nn.functional as F

from learntools.gans.losses import nonsaturating_d


def discriminator_loss_sigmoid_then_bce(real_logits, fake_logits):
    """Right on paper; in float32 sigmoid(-120) is 0 and the loss is capped (at ±120 it goes wrong)."""
    real, fake = torch.sigmoid(real_logits), torch.sigmoid(fake_logits)
    return F.binary_cross_entropy(real, torch.ones_like(real)) + F.binary_cross_entropy(fake, torch.zeros_like(fake))


def discriminator_loss_summed(real_logits, fake_logits):
    return F.softplus(-real_logits).sum() + F.softplus(fake_logits).sum()  # sums where the loss takes means


def generator_loss_minimax(fake_logits):
    return -F.softplus(fake_logits).mean()  # log(1 - D(G(z))): the saturating loss


def generator_step_minimax(G, D, batch_size, opt_g, z_dim):
    z = torch.randn(batch_size, z_dim, device=next(G.parameters()).device)
    loss = -F.softplus(D(G(z))).mean()  # the saturating loss instead of the non-saturating one
    opt_g.zero_grad()
    loss.backward()
    opt_g.step()
    return loss


def train_step_returns_tensors(G, D, real, opt_g, opt_d, z_dim):
    z = torch.randn(real.shape[0], z_dim)
    d_loss = nonsaturating_d(D(real), D(G(z).detach()))
    opt_d.zero_grad()
    d_loss.backward()
    opt_d.step()
    g_loss = F.softplus(-D(G(torch.randn(real.shape[0], z_dim)))).mean()
    opt_g.zero_grad()
    g_loss.backward()
    opt_g.step()
    return d_loss, g_loss  # tensors, still holding their graphs, instead of float(...)


def generator_step_cpu_noise(G, D, batch_size, opt_g, z_dim):
    z = torch.randn(batch_size, z_dim)  # on the CPU, wherever G lives
    loss = F.softplus(-D(G(z))).mean()
    opt_g.zero_grad()
    loss.backward()
    opt_g.step()
    return loss


def train_step_in_eval_mode(G, D, real, opt_g, opt_d, z_dim):
    G.eval()  # BatchNorm would use running statistics, Dropout would be off, during training
    D.eval()
    d_loss = nonsaturating_d(D(real), D(G(torch.randn(real.shape[0], z_dim)).detach()))
    opt_d.zero_grad()
    d_loss.backward()
    opt_d.step()
    g_loss = F.softplus(-D(G(torch.randn(real.shape[0], z_dim)))).mean()
    opt_g.zero_grad()
    g_loss.backward()
    opt_g.step()
    return float(d_loss), float(g_loss)


def train_step_changes_real(G, D, real, opt_g, opt_d, z_dim):
    real.clamp_(-0.9, 0.9)  # changes the caller's batch
    d_loss = nonsaturating_d(D(real), D(G(torch.randn(real.shape[0], z_dim)).detach()))
    opt_d.zero_grad()
    d_loss.backward()
    opt_d.step()
    g_loss = F.softplus(-D(G(torch.randn(real.shape[0], z_dim)))).mean()
    opt_g.zero_grad()
    g_loss.backward()
    opt_g.step()
    return float(d_loss), float(g_loss)


MISTAKES = {
    "hidden_q1": [discriminator_loss_sigmoid_then_bce, discriminator_loss_summed],
    "hidden_q2": [generator_loss_minimax],
    "hidden_q6": [generator_step_minimax, generator_step_cpu_noise],
    "hidden_q7": [train_step_returns_tensors, train_step_in_eval_mode],
    "hidden_q8": [train_step_in_eval_mode, train_step_changes_real],
}
