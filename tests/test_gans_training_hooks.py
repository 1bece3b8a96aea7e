"""Every trainer honours every shared option: the gradient penalty reaches each variant's D, the
variants reuse GANTrainer's step, and one helper does every optimizer update."""

import inspect

import pytest
import torch
from gans_support import one_thread  # noqa: F401  (an autouse fixture)

from learntools.gans.data import Batches, PairedImages, UnpairedImages
from learntools.gans.losses import GANLoss, nonsaturating_d, nonsaturating_g
from learntools.gans.models import (ConditionalDiscriminator, ConditionalGenerator, CycleDiscriminators,
                                    CycleGenerators, ImagePatchDiscriminator, MLPDiscriminator, MLPGenerator,
                                    PatchDiscriminator, ResnetGenerator, SRResNet, UNetGenerator)
from learntools.gans.training import (ConditionalGANTrainer, CycleGANTrainer, GANTrainer, Pix2PixTrainer,
                                      SRGANTrainer, gaussian_noise)
from learntools.gans.training import trainer as trainer_module


def images(n=8, seed=0):
    return torch.rand(n, 1, 28, 28, generator=torch.Generator().manual_seed(seed)) * 2 - 1


def plain(loss):
    torch.manual_seed(0)
    points = torch.randn(16, 2, generator=torch.Generator().manual_seed(1))
    return GANTrainer(MLPGenerator(z_dim=2, hidden=8, depth=1), MLPDiscriminator(hidden=8, depth=1),
                      Batches(points, batch_size=8, seed=0), gaussian_noise(2), loss=loss, device="cpu")


def conditional(loss):
    torch.manual_seed(0)
    return ConditionalGANTrainer(ConditionalGenerator(z_dim=8, width=4), ConditionalDiscriminator(width=4),
                                 Batches(images(), torch.arange(8) % 10, batch_size=8, seed=0), gaussian_noise(8),
                                 loss=loss, device="cpu")


def pix2pix(loss):
    torch.manual_seed(0)
    pairs = PairedImages(images(seed=1), images(seed=2))
    return Pix2PixTrainer(UNetGenerator(width=4, depth=2), PatchDiscriminator(in_channels=2, width=4, n_down=2),
                          pairs.batches(batch_size=8, seed=0), loss=loss, device="cpu")


def srgan(loss):
    torch.manual_seed(0)
    pairs = PairedImages(images(seed=1), images(seed=2))
    return SRGANTrainer(SRResNet(scale=4, width=4, n_blocks=1), PatchDiscriminator(in_channels=2, width=4, n_down=2),
                        pairs.batches(batch_size=8, seed=0), feature_weight=0, loss=loss, device="cpu")


def cyclegan(loss):
    torch.manual_seed(0)
    generators = CycleGenerators(ResnetGenerator(width=4, n_blocks=1), ResnetGenerator(width=4, n_blocks=1))
    discriminators = CycleDiscriminators(ImagePatchDiscriminator(width=4), ImagePatchDiscriminator(width=4))
    domains = UnpairedImages(images(seed=1), images(seed=2))
    return CycleGANTrainer(generators, discriminators, domains.batches(batch_size=8, seed=0), loss=loss, device="cpu")


VARIANTS = {"GANTrainer": plain, "ConditionalGANTrainer": conditional, "Pix2PixTrainer": pix2pix,
            "SRGANTrainer": srgan, "CycleGANTrainer": cyclegan}


def one_step(build, penalty_weight):
    """The record and D's weights after one step of a trainer whose loss asks for `penalty_weight`."""
    trainer = build(GANLoss("nonsaturating", nonsaturating_d, nonsaturating_g, gradient_penalty_weight=penalty_weight))
    torch.manual_seed(1)  # the penalty's mixing weights come from torch's global generator
    record = trainer.step()
    return record, [p.detach().clone() for p in trainer.discriminator.parameters()]


@pytest.mark.parametrize("name", VARIANTS)
def test_the_gradient_penalty_reaches_every_trainers_discriminator(name):
    without, d_without = one_step(VARIANTS[name], 0.0)
    with_penalty, d_with = one_step(VARIANTS[name], 100.0)
    # The same step, plus a penalty (>= 0, and > 0 for a random D): a larger D loss, other D weights.
    assert with_penalty["d_loss"] > without["d_loss"] + 1e-4, name
    assert any(not torch.equal(a, b) for a, b in zip(d_with, d_without)), name
    # The generator's own numbers are untouched by D's penalty in this step when G goes first.
    if VARIANTS[name] is cyclegan:
        assert with_penalty["g_loss"] == without["g_loss"]


@pytest.mark.parametrize("name", VARIANTS)
def test_variants_override_hooks_not_the_steps(name):
    trainer_class = type(VARIANTS[name](GANLoss("nonsaturating", nonsaturating_d, nonsaturating_g)))
    for method in ("step", "discriminator_step", "generator_step", "_update"):
        assert getattr(trainer_class, method) is getattr(GANTrainer, method), f"{name} redefines {method}"


def test_one_helper_does_every_optimizer_update():
    """zero_grad / scale(loss).backward() / step / update is written once, in GANTrainer._update."""
    import learntools.gans.training as training

    sources = [inspect.getsource(module) for module in (trainer_module, training.conditional, training.pix2pix,
                                                         training.cyclegan, training.superres)]
    assert sum(source.count(".scale(") for source in sources) == 1
    assert "scaler.scale(loss).backward()" in inspect.getsource(GANTrainer._update)
