"""Lesson 09: mistakes in the skip join, the receptive field, the pix2pix losses and PSNR."""

import torch
import torch.nn.functional as F


def join_skip_skip_first(x, skip):
    return torch.cat([skip, x], dim=1)


def receptive_field_ignores_strides(layers):
    return 1 + sum(kernel - 1 for kernel, stride in layers)


def pix2pix_generator_loss_with_l2(fake_logits, fake, target, l1_weight=100.0):
    return F.softplus(-fake_logits).mean() + l1_weight * ((fake - target) ** 2).mean()


def d_loss_fakes_not_detached(D, inputs, targets, fakes):
    real, fake = D(torch.cat([inputs, targets], dim=1)), D(torch.cat([inputs, fakes], dim=1))
    return (F.binary_cross_entropy_with_logits(real, torch.ones_like(real))
            + F.binary_cross_entropy_with_logits(fake, torch.zeros_like(fake)))


def d_loss_input_second(D, inputs, targets, fakes):
    real, fake = D(torch.cat([targets, inputs], dim=1)), D(torch.cat([fakes.detach(), inputs], dim=1))
    return (F.binary_cross_entropy_with_logits(real, torch.ones_like(real))
            + F.binary_cross_entropy_with_logits(fake, torch.zeros_like(fake)))


def d_loss_labels_swapped(D, inputs, targets, fakes):
    real, fake = D(torch.cat([inputs, targets], dim=1)), D(torch.cat([inputs, fakes.detach()], dim=1))
    return (F.binary_cross_entropy_with_logits(real, torch.zeros_like(real))
            + F.binary_cross_entropy_with_logits(fake, torch.ones_like(fake)))


def psnr_of_the_whole_batch(output, target):
    return 10 * torch.log10(4 / ((output - target) ** 2).mean())  # one MSE for the batch, not one per image


def psnr_with_peak_one(output, target):
    mse = ((output - target) ** 2).flatten(1).mean(dim=1)
    return (10 * torch.log10(1 / mse)).mean()  # peak 1, as for [0, 1] images; these lie in [-1, 1]


MISTAKES = {
    "hidden_q2": [join_skip_skip_first],
    "hidden_q4": [receptive_field_ignores_strides],
    "hidden_q5": [pix2pix_generator_loss_with_l2],
    "hidden_q6": [d_loss_fakes_not_detached, d_loss_input_second, d_loss_labels_swapped],
    "hidden_q7": [psnr_of_the_whole_batch, psnr_with_peak_one],
}
