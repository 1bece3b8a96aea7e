"""learntools.gans.models.stylegan: ProGAN's fade-in and StyleGAN's AdaIN, checked against PyTorch's own layers."""

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from learntools.gans.models.stylegan import adain, channel_statistics, fade_in, transfer_statistics


def test_fade_in_goes_from_the_upsampled_old_image_to_the_new_one():
    old = torch.arange(4.0).view(1, 1, 2, 2)
    new = torch.full((1, 1, 4, 4), 10.0)
    blocky = torch.tensor([[0.0, 0, 1, 1], [0, 0, 1, 1], [2, 2, 3, 3], [2, 2, 3, 3]]).view(1, 1, 4, 4)
    assert torch.equal(fade_in(old, new, 0.0), blocky)
    assert torch.equal(fade_in(old, new, 1.0), new)
    torch.testing.assert_close(fade_in(old, new, 0.25), 0.75 * blocky + 2.5)


def test_adain_is_instance_norm_with_the_style_as_affine_parameters():
    torch.manual_seed(0)
    x = torch.randn(3, 4, 5, 5) * 3 + 1
    scale, bias = torch.rand(3, 4) + 0.5, torch.randn(3, 4)
    normalised = nn.InstanceNorm2d(4, eps=1e-5)(x)  # per image and channel, biased variance
    torch.testing.assert_close(adain(x, scale, bias), scale[:, :, None, None] * normalised + bias[:, :, None, None],
                               rtol=1e-4, atol=1e-5)
    out = adain(x, scale, bias)
    mean, std = channel_statistics(out, eps=0.0)
    torch.testing.assert_close(mean, bias, rtol=1e-4, atol=1e-4)
    torch.testing.assert_close(std, scale, rtol=1e-3, atol=1e-3)


def test_adain_survives_a_constant_channel():
    x = torch.randn(1, 2, 4, 4)
    x[0, 1] = 3.0
    out = adain(x, torch.ones(1, 2), torch.zeros(1, 2))
    assert torch.isfinite(out).all() and torch.allclose(out[0, 1], torch.zeros(4, 4))


def test_transfer_statistics_gives_the_content_the_style_s_channel_statistics():
    torch.manual_seed(1)
    content = torch.rand(2, 3, 16, 16)
    style = torch.rand(1, 3, 8, 8) * 0.2 + 0.5
    out = transfer_statistics(content, style)
    assert out.shape == content.shape
    style_mean, style_std = channel_statistics(style)
    out_mean, out_std = channel_statistics(out)
    torch.testing.assert_close(out_mean, style_mean.expand(2, -1), rtol=1e-4, atol=1e-4)
    torch.testing.assert_close(out_std, style_std.expand(2, -1), rtol=1e-3, atol=1e-4)
    # the content's layout survives: its normalised maps are unchanged
    torch.testing.assert_close(F.instance_norm(out), F.instance_norm(content), rtol=1e-2, atol=1e-2)
