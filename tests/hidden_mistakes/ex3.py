"""Lesson 03: mistakes in the generator block, the generator and the noise."""

import torch
from torch import nn


def generator_block_with_bias(in_channels, out_channels, kernel_size=4, stride=2, padding=1):
    return nn.Sequential(
        nn.ConvTranspose2d(in_channels, out_channels, kernel_size, stride, padding),  # a bias BatchNorm cancels
        nn.BatchNorm2d(out_channels),
        nn.ReLU(),
    )


def _block(in_channels, out_channels, kernel_size=4, stride=2, padding=1):
    return nn.Sequential(nn.ConvTranspose2d(in_channels, out_channels, kernel_size, stride, padding, bias=False),
                         nn.BatchNorm2d(out_channels), nn.ReLU())


class GeneratorWithAFixedWidth(nn.Module):
    """Right for the lesson's width=64, wrong for any other: the width argument is ignored."""

    def __init__(self, z_dim=100, width=64):
        super().__init__()
        self.z_dim = z_dim
        self.project = _block(z_dim, 128, kernel_size=7, stride=1, padding=0)
        self.up1 = _block(128, 64)
        self.up2 = nn.Sequential(nn.ConvTranspose2d(64, 1, 4, 2, 1), nn.Tanh())

    def forward(self, z):
        return self.up2(self.up1(self.project(z.view(-1, self.z_dim, 1, 1))))


def sample_noise_ignores_the_device(n, z_dim=100, device="cpu"):
    return torch.randn(n, z_dim)


def sample_noise_uniform(n, z_dim=100, device="cpu"):
    return torch.rand(n, z_dim, device=device)


MISTAKES = {
    "hidden_q2": [generator_block_with_bias],
    "hidden_q3": [GeneratorWithAFixedWidth],
    "hidden_q4": [sample_noise_ignores_the_device, sample_noise_uniform],
}
