"""Lesson 04: mistakes in the discriminator block, the discriminator and the scaling of real pixels."""

import torch
from torch import nn


def discriminator_block_default_slope(in_channels, out_channels, batch_norm=True):
    layers = [nn.Conv2d(in_channels, out_channels, 4, 2, 1, bias=not batch_norm)]
    if batch_norm:
        layers.append(nn.BatchNorm2d(out_channels))
    layers.append(nn.LeakyReLU())  # slope 0.01, not DCGAN's 0.2
    return nn.Sequential(*layers)


def discriminator_block_always_batch_norm(in_channels, out_channels, batch_norm=True):
    return nn.Sequential(nn.Conv2d(in_channels, out_channels, 4, 2, 1, bias=False), nn.BatchNorm2d(out_channels),
                         nn.LeakyReLU(0.2))


class DiscriminatorWithASigmoid(nn.Module):
    """The right layers, then a sigmoid: probabilities where the loss wants logits."""

    def __init__(self, width=64):
        super().__init__()
        self.down1 = nn.Sequential(nn.Conv2d(1, width, 4, 2, 1), nn.LeakyReLU(0.2))
        self.down2 = nn.Sequential(nn.Conv2d(width, 2 * width, 4, 2, 1, bias=False), nn.BatchNorm2d(2 * width),
                                   nn.LeakyReLU(0.2))
        self.score = nn.Sequential(nn.Flatten(), nn.Linear(2 * width * 49, 1), nn.Sigmoid())

    def forward(self, x):
        return self.score(self.down2(self.down1(x)))


def preprocess_per_image_min_max(pixels):
    x = pixels.float()
    low, high = x.amin(dim=(1, 2), keepdim=True), x.amax(dim=(1, 2), keepdim=True)
    return ((x - low) / (high - low).clamp_min(1) * 2 - 1).unsqueeze(1)  # stretches faint digits


def preprocess_zero_one(pixels):
    return (pixels.float() / 255).unsqueeze(1)  # [0, 1] left


def preprocess_float64(pixels):
    return (pixels.double() / 127.5 - 1).unsqueeze(1)


MISTAKES = {
    "hidden_q3": [preprocess_per_image_min_max, preprocess_zero_one, preprocess_float64],
    "hidden_q1": [discriminator_block_default_slope, discriminator_block_always_batch_norm],
    "hidden_q2": [DiscriminatorWithASigmoid],
}
