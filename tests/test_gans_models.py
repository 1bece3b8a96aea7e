"""Tests of learntools.gans.models: shapes, ranges, layer types, initialisation, sizes, errors."""

import pytest
import torch
from torch import nn

from learntools.gans.models import (
    DCGANDiscriminator,
    DCGANGenerator,
    MLPDiscriminator,
    MLPGenerator,
    count_parameters,
    init_dcgan_weights,
)

SMALL = 16  # a narrow width keeps these tests fast


def layers_of(model, kind):
    return [module for module in model.modules() if isinstance(module, kind)]


# --- DCGAN generator -------------------------------------------------------------------------------


@pytest.mark.parametrize("batch", [1, 5])
def test_generator_output_shape_and_range(batch):
    torch.manual_seed(0)
    G = DCGANGenerator(z_dim=100, width=SMALL)
    images = G(torch.randn(batch, 100) * 50)  # huge noise: tanh still keeps the output in [-1, 1]
    assert images.shape == (batch, 1, 28, 28)
    assert images.min() >= -1 and images.max() <= 1


def test_generator_accepts_noise_as_a_1x1_image():
    torch.manual_seed(0)
    G = DCGANGenerator(z_dim=8, width=SMALL).eval()
    z = torch.randn(3, 8)
    assert torch.equal(G(z), G(z[:, :, None, None]))


def test_generator_sizes_are_arguments():
    G = DCGANGenerator(z_dim=10, width=8, channels=3)
    assert G(torch.randn(2, 10)).shape == (2, 3, 28, 28)
    assert (G.z_dim, G.width, G.channels) == (10, 8, 3)


def test_generator_layers():
    G = DCGANGenerator(width=SMALL)
    transposed = layers_of(G, nn.ConvTranspose2d)
    assert [(t.in_channels, t.out_channels) for t in transposed] == [(100, 32), (32, 16), (16, 1)]
    assert [t.stride for t in transposed] == [(1, 1), (2, 2), (2, 2)]
    assert len(layers_of(G, nn.BatchNorm2d)) == 2 and len(layers_of(G, nn.ReLU)) == 2
    assert isinstance(list(G.modules())[-1], nn.Tanh)  # the very last layer


def test_generator_intermediate_shapes():
    G = DCGANGenerator(z_dim=4, width=SMALL)
    x = G.project(torch.randn(2, 4, 1, 1))
    assert x.shape == (2, 32, 7, 7)
    x = G.up1(x)
    assert x.shape == (2, 16, 14, 14)
    assert G.up2(x).shape == (2, 1, 28, 28)


# --- DCGAN discriminator -------------------------------------------------------------------------------


def test_discriminator_gives_one_logit_per_image():
    torch.manual_seed(0)
    D = DCGANDiscriminator(width=SMALL)
    logits = D(torch.rand(6, 1, 28, 28) * 2 - 1)
    assert logits.shape == (6, 1)
    assert not layers_of(D, nn.Sigmoid)  # raw logits: the loss applies the sigmoid
    D.score[-1].bias.data.fill_(5.0)
    assert D(torch.zeros(2, 1, 28, 28)).min() > 1  # not squashed into (0, 1)


def test_discriminator_layers():
    D = DCGANDiscriminator(width=SMALL, channels=3)
    convolutions = layers_of(D, nn.Conv2d)
    assert [(c.in_channels, c.out_channels, c.stride) for c in convolutions] == [(3, 16, (2, 2)), (16, 32, (2, 2))]
    assert all(layer.negative_slope == 0.2 for layer in layers_of(D, nn.LeakyReLU))
    assert len(layers_of(D, nn.LeakyReLU)) == 2
    assert len(layers_of(D, nn.BatchNorm2d)) == 1
    assert D(torch.zeros(2, 3, 28, 28)).shape == (2, 1)
    assert D.down2(D.down1(torch.zeros(2, 3, 28, 28))).shape == (2, 32, 7, 7)


def test_discriminator_without_batch_norm_scores_each_image_alone():
    torch.manual_seed(0)
    D = DCGANDiscriminator(width=SMALL, batch_norm=False)
    assert not layers_of(D, nn.BatchNorm2d)
    images = torch.randn(4, 1, 28, 28)
    assert torch.allclose(D(images)[:1], D(images[:1]), atol=1e-6)


def test_generator_and_discriminator_fit_together_and_learn():
    torch.manual_seed(0)
    G, D = DCGANGenerator(z_dim=16, width=SMALL), DCGANDiscriminator(width=SMALL)
    D(G(torch.randn(4, 16))).mean().backward()
    assert all(p.grad is not None and torch.isfinite(p.grad).all() for p in G.parameters())
    assert all(p.grad is not None for p in D.parameters())


# --- initialisation ------------------------------------------------------------------------------------


def test_dcgan_models_start_from_dcgan_initialisation():
    torch.manual_seed(0)
    for model in (DCGANGenerator(), DCGANDiscriminator()):
        for layer in layers_of(model, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
            weight = layer.weight.detach()
            assert abs(weight.mean()) < 0.002
            tolerance = 0.1 if weight.numel() > 5000 else 0.4  # few weights: a noisier estimate
            assert abs(weight.std() - 0.02) < 0.02 * tolerance, (layer, weight.std())
            if layer.bias is not None:
                assert torch.all(layer.bias == 0)
        for norm in layers_of(model, nn.BatchNorm2d):
            assert abs(norm.weight.mean() - 1) < 0.01 and norm.weight.std() < 0.04
            assert torch.all(norm.bias == 0)


def test_init_dcgan_weights_works_with_apply():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(3, 64, 5), nn.BatchNorm2d(64), nn.Linear(300, 200), nn.ReLU())
    model.apply(init_dcgan_weights)
    assert abs(model[0].weight.std() - 0.02) < 0.003 and torch.all(model[0].bias == 0)
    assert abs(model[1].weight.mean() - 1) < 0.01 and torch.all(model[1].bias == 0)
    assert abs(model[2].weight.std() - 0.02) < 0.002


# --- sizes -----------------------------------------------------------------------------------------------


def test_default_parameter_counts():
    # G: 100*128*7*7 + 2*128 + 128*64*4*4 + 2*64 + 64*1*4*4 + 1;  D: 1*64*16 + 64 + 64*128*16 + 2*128 + 128*49 + 1
    assert count_parameters(DCGANGenerator()) == 759_681
    assert count_parameters(DCGANDiscriminator()) == 138_689


def test_parameter_counts_grow_with_width():
    generators = [count_parameters(DCGANGenerator(width=w)) for w in (8, 16, 32)]
    discriminators = [count_parameters(DCGANDiscriminator(width=w)) for w in (8, 16, 32)]
    hidden = [count_parameters(MLPGenerator(hidden=h)) for h in (8, 16, 32)]
    assert generators == sorted(set(generators))
    assert discriminators == sorted(set(discriminators))
    assert hidden == sorted(set(hidden))


def test_count_parameters_trainable_only():
    D = DCGANDiscriminator(width=SMALL)
    total = count_parameters(D)
    D.score.requires_grad_(False)
    assert count_parameters(D) == total
    assert count_parameters(D, trainable_only=True) == total - (32 * 7 * 7 + 1)


# --- MLPs for the toy problems ------------------------------------------------------------------------------


def test_mlp_shapes_and_depth():
    G = MLPGenerator(z_dim=3, out_dim=2, hidden=32, depth=2)
    D = MLPDiscriminator(in_dim=2, hidden=32, depth=4)
    points = G(torch.randn(7, 3))
    assert points.shape == (7, 2)
    assert D(points).shape == (7, 1)
    assert len(layers_of(G, nn.Linear)) == 3 and len(layers_of(D, nn.Linear)) == 5
    assert all(layer.negative_slope == 0.2 for layer in layers_of(D, nn.LeakyReLU))
    assert not layers_of(D, nn.Sigmoid) and not layers_of(G, nn.Tanh)  # toy points are not bounded


def test_mlp_one_dimensional_problem():
    assert MLPDiscriminator(in_dim=1)(MLPGenerator(z_dim=1, out_dim=1)(torch.randn(4, 1))).shape == (4, 1)


# --- clear errors --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("model, bad_input, error, words", [
    (DCGANDiscriminator(width=8), torch.zeros(4, 784), ValueError,
     r"DCGANDiscriminator expects input of shape \(N, 1, 28, 28\) but got \(4, 784\)\. Reshape"),
    (DCGANDiscriminator(width=8), torch.zeros(4, 3, 28, 28), ValueError, r"\(N, 1, 28, 28\) but got \(4, 3, 28, 28\)"),
    (DCGANDiscriminator(width=8), torch.zeros(4, 1, 32, 32), ValueError, r"but got \(4, 1, 32, 32\)"),
    (DCGANDiscriminator(width=8), torch.zeros(4, 1, 28, 28, dtype=torch.uint8), TypeError, "floating point"),
    (DCGANGenerator(width=8), torch.zeros(4, 64), ValueError, r"\(N, 100\) but got \(4, 64\)\. Make noise with torch.randn"),
    (DCGANGenerator(width=8), [[0.0] * 100], TypeError, "expects a torch tensor, got a list"),
    (MLPGenerator(), torch.zeros(4, 3), ValueError, r"MLPGenerator expects input of shape \(N, 2\)"),
    (MLPDiscriminator(), torch.zeros(4), ValueError, r"MLPDiscriminator expects input of shape \(N, 2\) but got \(4,\)"),
])
def test_bad_inputs_give_clear_errors(model, bad_input, error, words):
    with pytest.raises(error, match=words):
        model(bad_input)


def test_mlp_needs_a_hidden_layer():
    with pytest.raises(ValueError, match="depth must be at least 1"):
        MLPGenerator(depth=0)


# --- refine=True: the extra 3x3 convolutions of the dcgan recipe ------------------------------------------


def test_refined_models_keep_their_shapes_and_add_same_size_convolutions():
    plain_G, refined_G = DCGANGenerator(z_dim=8, width=SMALL), DCGANGenerator(z_dim=8, width=SMALL, refine=True)
    plain_D, refined_D = DCGANDiscriminator(width=SMALL), DCGANDiscriminator(width=SMALL, refine=True)
    images = refined_G(torch.randn(3, 8))
    assert images.shape == (3, 1, 28, 28) and images.abs().max() <= 1
    assert refined_D(images).shape == (3, 1)
    assert refined_G.refine_7x7(torch.randn(2, 2 * SMALL, 7, 7)).shape == (2, 2 * SMALL, 7, 7)
    assert refined_D.refine_7x7(torch.randn(2, 2 * SMALL, 7, 7)).shape == (2, 2 * SMALL, 7, 7)
    # G: one 3x3 convolution at 7x7 and one making the output; D: one at 7x7.
    assert len(layers_of(refined_G, nn.Conv2d)) == 2 and not layers_of(plain_G, nn.Conv2d)
    assert len(layers_of(refined_D, nn.Conv2d)) == len(layers_of(plain_D, nn.Conv2d)) + 1
    assert count_parameters(refined_G) > count_parameters(plain_G)
    assert count_parameters(refined_D) == count_parameters(plain_D) + (2 * SMALL) ** 2 * 9 + 2 * SMALL


def test_without_refine_the_saved_weights_keep_their_names():
    """refine=False adds nothing: checkpoints of the plain models load as before."""
    names = list(DCGANGenerator(width=SMALL).state_dict())
    assert names[0] == "project.0.weight" and not any("refine" in name for name in names)
    assert not any("refine" in name for name in DCGANDiscriminator(width=SMALL).state_dict())
