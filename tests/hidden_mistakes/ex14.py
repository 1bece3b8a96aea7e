"""Lesson 14: realistic mistakes each hidden test must fail."""

import torch
import torch.nn.functional as F

from learntools.gans.data.captions import outline_length


def thickness_on_raw_images(images):
    return 2 * images.sum(dim=(1, 2, 3)) / outline_length(images)  # no (x + 1) / 2


def thickness_without_factor_two(images):
    ink = (images + 1) / 2
    return ink.sum(dim=(1, 2, 3)) / outline_length(ink)


def thickness_of_bright_pixels(images):
    ink = images.clamp(min=0)
    return 2 * ink.sum(dim=(1, 2, 3)) / outline_length(ink)


def _slant(weights, y, x):
    w = weights / weights.sum(dim=(1, 2, 3), keepdim=True)
    mx, my = (w * x).sum(dim=(1, 2, 3), keepdim=True), (w * y).sum(dim=(1, 2, 3), keepdim=True)
    return (w * (x - mx) * (y - my)).sum(dim=(1, 2, 3)) / (w * (y - my) ** 2).sum(dim=(1, 2, 3))


def slant_rows_down(images):
    h, w = images.shape[-2:]
    return _slant((images + 1) / 2, torch.arange(h).float()[:, None], torch.arange(w).float()[None, :])


def slant_over_var_x(images):
    h, w = images.shape[-2:]
    return _slant((images + 1) / 2, torch.arange(w).float()[None, :], -torch.arange(h).float()[:, None])


def slant_not_centred(images):
    h, w = images.shape[-2:]
    y, x = -torch.arange(h).float()[:, None], torch.arange(w).float()[None, :]
    weights = (images + 1) / 2
    weights = weights / weights.sum(dim=(1, 2, 3), keepdim=True)
    return (weights * x * y).sum(dim=(1, 2, 3)) / (weights * y ** 2).sum(dim=(1, 2, 3))


def shuffled_captions(tokens):
    return tokens[torch.randperm(len(tokens))]


def shifted_to_another_row(tokens):
    n = len(tokens)
    return tokens[(torch.arange(n) + torch.randint(1, n, (n,))) % n]  # never the same row, maybe the same caption


def random_words(tokens):
    return torch.randint(0, 15, tokens.shape)


def d_loss_wrong_as_real(D, G, real, captions, wrong, z):
    fake = G(z, captions).detach()
    return F.softplus(-D(real, captions)).mean() + (F.softplus(-D(real, wrong)).mean()
                                                    + F.softplus(D(fake, captions)).mean()) / 2


def d_loss_without_mismatch(D, G, real, captions, wrong, z):
    fake = G(z, captions).detach()
    return F.softplus(-D(real, captions)).mean() + F.softplus(D(fake, captions)).mean()


def d_loss_full_weights(D, G, real, captions, wrong, z):
    fake = G(z, captions).detach()
    return (F.softplus(-D(real, captions)).mean() + F.softplus(D(real, wrong)).mean()
            + F.softplus(D(fake, captions)).mean())


def d_loss_not_detached(D, G, real, captions, wrong, z):
    fake = G(z, captions)
    return F.softplus(-D(real, captions)).mean() + (F.softplus(D(real, wrong)).mean()
                                                    + F.softplus(D(fake, captions)).mean()) / 2


MISTAKES = {
    "hidden_q1": [thickness_on_raw_images, thickness_without_factor_two, thickness_of_bright_pixels],
    "hidden_q2": [slant_rows_down, slant_over_var_x, slant_not_centred],
    "hidden_q3": [shuffled_captions, shifted_to_another_row, random_words],
    "hidden_q4": [d_loss_wrong_as_real, d_loss_without_mismatch, d_loss_full_weights, d_loss_not_detached],
}
