"""Lesson 08: mistakes in the conditional GAN's inputs, loss and per-class accuracy."""

import torch
import torch.nn.functional as F

from learntools.gans.losses import nonsaturating_d


def one_hot_integers(labels, num_classes=10):
    return F.one_hot(labels, num_classes)  # int64 vectors, not floats


def discriminator_input_planes_first(images, labels):
    planes = F.one_hot(labels, 10).float()[:, :, None, None].expand(-1, -1, images.shape[2], images.shape[3])
    return torch.cat([planes, images], dim=1)  # the label planes, then the image


def conditional_d_loss_without_detach(D, G, real, labels, z):
    fake = G(z, labels)  # not detached: D's loss reaches G
    return nonsaturating_d(D(real, labels), D(fake, labels))


def accuracy_per_class_by_prediction(predicted, asked):
    """Groups by what the classifier read instead of by what was asked for."""
    return torch.stack([(asked[predicted == k] == k).float().mean() for k in range(10)]).nan_to_num(0.0)


MISTAKES = {
    "hidden_q1": [one_hot_integers],
    "hidden_q3": [discriminator_input_planes_first],
    "hidden_q5": [conditional_d_loss_without_detach],
    "hidden_q7": [accuracy_per_class_by_prediction],
}
