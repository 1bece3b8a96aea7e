"""Tests of learntools.gans.losses: known values, agreement with BCE, stability, gradient penalty, names."""

import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from learntools.gans import losses
from learntools.gans.losses import (
    LOSSES,
    GANLoss,
    get_loss,
    gradient_penalty,
    hinge_d,
    hinge_g,
    least_squares_d,
    least_squares_g,
    minimax_d,
    minimax_g,
    nonsaturating_d,
    nonsaturating_g,
    wasserstein_d,
    wasserstein_g,
)

LN2 = math.log(2)


# --- values of an untrained discriminator (all logits 0), as documented -----------------------------


@pytest.mark.parametrize("name, d_value, g_value", [
    ("minimax", 2 * LN2, -LN2),
    ("nonsaturating", 2 * LN2, LN2),
    ("least-squares", 0.5, 0.5),
    ("hinge", 2.0, 0.0),
    ("wgan-gp", 0.0, 0.0),
])
def test_losses_at_zero_logits(name, d_value, g_value):
    zeros = torch.zeros(16, 1)
    loss = LOSSES[name]
    assert loss.discriminator(zeros, zeros).item() == pytest.approx(d_value, abs=1e-6)
    assert loss.generator(zeros).item() == pytest.approx(g_value, abs=1e-6)


def test_bce_losses_match_binary_cross_entropy():
    torch.manual_seed(0)
    real, fake = torch.randn(32, 1) * 3, torch.randn(20, 1) * 3
    bce = F.binary_cross_entropy_with_logits
    expected_d = bce(real, torch.ones_like(real)) + bce(fake, torch.zeros_like(fake))
    assert torch.allclose(minimax_d(real, fake), expected_d)
    assert torch.allclose(nonsaturating_d(real, fake), expected_d)
    assert torch.allclose(nonsaturating_g(fake), bce(fake, torch.ones_like(fake)))
    assert torch.allclose(minimax_g(fake), torch.log(1 - torch.sigmoid(fake)).mean(), atol=1e-5)


def test_other_losses_on_known_inputs():
    real, fake = torch.tensor([2.0, 0.5]), torch.tensor([-2.0, 0.0])
    assert least_squares_d(real, fake).item() == pytest.approx(0.5 * ((1 + 0.25) / 2 + (4 + 0) / 2))
    assert least_squares_g(fake).item() == pytest.approx(0.5 * (9 + 1) / 2)
    assert hinge_d(real, fake).item() == pytest.approx((0 + 0.5) / 2 + (0 + 1) / 2)
    assert hinge_g(fake).item() == pytest.approx(1.0)
    assert wasserstein_d(real, fake).item() == pytest.approx(-1.0 - 1.25)
    assert wasserstein_g(fake).item() == pytest.approx(1.0)


def test_hinge_is_zero_beyond_the_margin():
    assert hinge_d(torch.full((4,), 3.0), torch.full((4,), -3.0)).item() == 0.0


def test_both_logit_shapes_accepted_and_agree():
    torch.manual_seed(0)
    real, fake = torch.randn(8), torch.randn(8)
    for loss in LOSSES.values():
        assert torch.equal(loss.discriminator(real, fake), loss.discriminator(real[:, None], fake[:, None]))
        assert torch.equal(loss.generator(fake), loss.generator(fake[:, None]))


def test_losses_return_float32_scalars_for_half_logits():
    for loss in LOSSES.values():
        value = loss.discriminator(torch.zeros(4, 1, dtype=torch.float16), torch.zeros(4, 1, dtype=torch.float16))
        assert value.shape == () and value.dtype == torch.float32


# --- numerical stability ------------------------------------------------------------------------------


def test_extreme_logits_give_finite_losses_and_gradients():
    for extreme in (1e4, -1e4):
        real = torch.full((4, 1), extreme, requires_grad=True)
        fake = torch.full((4, 1), -extreme, requires_grad=True)
        for loss in LOSSES.values():
            total = loss.discriminator(real, fake) + loss.generator(fake)
            assert torch.isfinite(total)
            real.grad = fake.grad = None
            total.backward()
            assert torch.isfinite(real.grad).all() and torch.isfinite(fake.grad).all()


def test_confident_discriminator_loss_is_near_zero():
    assert minimax_d(torch.full((4,), 50.0), torch.full((4,), -50.0)).item() < 1e-15


def test_minimax_generator_saturates_and_nonsaturating_does_not():
    """When D rejects the fakes (very negative logits), log(1 - D) has almost no gradient."""
    for generator_loss, expected in ((minimax_g, 0.0), (nonsaturating_g, -1.0)):
        fake = torch.full((4,), -10.0, requires_grad=True)
        generator_loss(fake).backward()
        assert fake.grad.sum().item() == pytest.approx(expected, abs=1e-3)


# --- gradient penalty ----------------------------------------------------------------------------------


def linear_critic(in_features, norm):
    """D(x) = w . flatten(x) + b with ||w|| = norm: its gradient norm is `norm` everywhere."""
    critic = nn.Sequential(nn.Flatten(), nn.Linear(in_features, 1))
    with torch.no_grad():
        weight = torch.randn(1, in_features)
        critic[1].weight.copy_(weight / weight.norm() * norm)
    return critic


def test_gradient_penalty_is_zero_for_a_1_lipschitz_linear_critic():
    torch.manual_seed(0)
    real, fake = torch.randn(8, 1, 28, 28), torch.randn(8, 1, 28, 28)
    assert gradient_penalty(linear_critic(784, 1.0), real, fake).item() < 1e-8


@pytest.mark.parametrize("norm", [0.0, 0.5, 3.0])
def test_gradient_penalty_measures_distance_from_norm_1(norm):
    torch.manual_seed(0)
    real, fake = torch.randn(8, 2), torch.randn(8, 2)
    value = gradient_penalty(linear_critic(2, norm), real, fake, weight=10.0).item()
    assert value == pytest.approx(10.0 * (norm - 1) ** 2, rel=1e-4, abs=1e-5)
    assert value > 0


def test_gradient_penalty_trains_the_critic_not_the_generator():
    torch.manual_seed(0)
    critic = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 1))
    generator = nn.Linear(2, 2)
    fake = generator(torch.randn(8, 2))
    penalty = gradient_penalty(critic, torch.randn(8, 2), fake)
    penalty.backward()
    assert penalty.item() > 0
    # Every weight shapes the critic's input gradient (the last bias does not, so it gets none).
    weights = [critic[0].weight, critic[0].bias, critic[2].weight]
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in weights)
    assert all(p.grad is None for p in generator.parameters())


def test_gradient_penalty_is_reproducible_with_a_generator():
    critic = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 1))
    real, fake = torch.randn(8, 2), torch.randn(8, 2)
    first = gradient_penalty(critic, real, fake, generator=torch.Generator().manual_seed(1))
    again = gradient_penalty(critic, real, fake, generator=torch.Generator().manual_seed(1))
    assert torch.equal(first, again)


def test_gradient_penalty_bad_inputs():
    critic = linear_critic(2, 1.0)
    with pytest.raises(ValueError, match=r"same shape .* \(8, 2\) and \(4, 2\)"):
        gradient_penalty(critic, torch.randn(8, 2), torch.randn(4, 2))
    with pytest.raises(TypeError, match="fake must be a torch tensor"):
        gradient_penalty(critic, torch.randn(8, 2), [[0.0, 0.0]])
    with pytest.raises(TypeError, match="discriminator must be the critic model"):
        gradient_penalty("D", torch.randn(8, 2), torch.randn(8, 2))


# --- names and the GANLoss bundle ------------------------------------------------------------------------


def test_loss_table():
    assert list(LOSSES) == ["minimax", "nonsaturating", "least-squares", "hinge", "wgan-gp"]
    assert all(isinstance(loss, GANLoss) and loss.name == name for name, loss in LOSSES.items())
    assert LOSSES["wgan-gp"].gradient_penalty_weight == 10.0
    assert all(loss.gradient_penalty_weight == 0.0 for name, loss in LOSSES.items() if name != "wgan-gp")
    with pytest.raises(TypeError):
        LOSSES["mine"] = LOSSES["hinge"]  # read-only: no global state to change by accident


def test_get_loss_names_and_spellings():
    assert get_loss("nonsaturating") is LOSSES["nonsaturating"]
    assert get_loss("Least_Squares") is LOSSES["least-squares"]
    assert get_loss("non-saturating") is LOSSES["nonsaturating"]
    custom = GANLoss("custom", hinge_d, hinge_g)
    assert get_loss(custom) is custom


def test_get_loss_unknown_name_is_a_clear_error():
    with pytest.raises(ValueError, match="Unknown loss 'hinj': choose one of 'minimax', .* Did you mean 'hinge'"):
        get_loss("hinj")
    with pytest.raises(ValueError, match="Unknown loss 'bce'"):
        get_loss("bce")
    with pytest.raises(TypeError, match="by name"):
        get_loss(3)


@pytest.mark.parametrize("bad, error, words", [
    (torch.zeros(4, 2), ValueError, r"real_logits must have shape \(N,\) or \(N, 1\), one logit per example; got \(4, 2\)"),
    (torch.zeros(4, 1, 28, 28), ValueError, r"got \(4, 1, 28, 28\)"),
    (torch.zeros(0), ValueError, "empty"),
    (torch.zeros(4, dtype=torch.long), TypeError, "floating point"),
    ([0.0, 0.0], TypeError, "real_logits must be a torch tensor"),
])
def test_bad_logits_give_clear_errors(bad, error, words):
    with pytest.raises(error, match=words):
        losses.minimax_d(bad, torch.zeros(4))
