"""Lesson 13: realistic mistakes in the k-NN radii, precision and recall that the hidden tests must fail."""

import torch


def radii_self_counted(features, k):
    return torch.cdist(features, features).kthvalue(k, dim=1).values   # the point itself is its 1st neighbour


def radii_squared(features, k):
    return (torch.cdist(features, features) ** 2).kthvalue(k + 1, dim=1).values


def radii_mean_of_k(features, k):
    return torch.cdist(features, features).sort(dim=1).values[:, 1:k + 1].mean(dim=1)


def _radii(features, k):
    return torch.cdist(features, features).kthvalue(k + 1, dim=1).values


def precision_swapped(real, fake, k=3):
    """The recall, under the name precision."""
    return (torch.cdist(real, fake) <= _radii(fake, k)[None, :]).any(dim=1).float().mean()


def precision_self_counted(real, fake, k=3):
    radii = torch.cdist(real, real).kthvalue(k, dim=1).values
    return (torch.cdist(fake, real) <= radii[None, :]).any(dim=1).float().mean()


def precision_share_of_pairs(real, fake, k=3):
    return (torch.cdist(fake, real) <= _radii(real, k)[None, :]).float().mean()


def precision_wrong_radii(real, fake, k=3):
    """Balls around the real samples, radii of the fakes (fails loudly when the sizes differ)."""
    return (torch.cdist(fake, real) <= _radii(fake, k)[None, :]).any(dim=1).float().mean()


def _precision(real, fake, k=3):
    return (torch.cdist(fake, real) <= _radii(real, k)[None, :]).any(dim=1).float().mean()


def recall_is_precision(real, fake, k=3):
    return _precision(real, fake, k)


def recall_wrong_radii(real, fake, k=3):
    return (torch.cdist(real, fake) <= _radii(real, k)[None, :]).any(dim=1).float().mean()


def recall_count(real, fake, k=3):
    return (torch.cdist(real, fake) <= _radii(fake, k)[None, :]).any(dim=1).float().sum()


MISTAKES = {
    "hidden_q1": [radii_self_counted, radii_squared, radii_mean_of_k],
    "hidden_q2": [precision_swapped, precision_self_counted, precision_share_of_pairs, precision_wrong_radii],
    "hidden_q3": [recall_is_precision, recall_wrong_radii, recall_count],
}
