"""learntools.gans, pix2pix (models, training, evaluation): U-Net and encoder-decoder, PatchGAN, the pix2pix loss, trainer, scores."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from gans_support import assert_same_weights, uninterrupted_and_resumed
from gans_support import one_thread  # noqa: F401  (an autouse fixture)

from learntools.gans.data import PairedImages
from learntools.gans.display import show_translations
from learntools.gans.evaluation import l1_distance, psnr, translate, translation_scores
from learntools.gans.models import (EncoderDecoderGenerator, PatchDiscriminator, UNetGenerator, patch_layers,
                                    pix2pix_discriminator_loss, pix2pix_generator_loss, receptive_field)
from learntools.gans.training import Pix2PixTrainer, fit_l1


def toy_pairs(n=32, size=28, seed=0):
    """Targets: random blobs; inputs: the same blobs shifted darker (a learnable translation)."""
    generator = torch.Generator().manual_seed(seed)
    targets = torch.rand(n, 1, size, size, generator=generator) * 2 - 1
    inputs = (targets - 0.5).clamp(-1, 1)
    return PairedImages(inputs, targets)


# --------------------------------------------------------------------------- generators


@pytest.mark.parametrize("size, depth", [(28, 5), (32, 5), (64, 6), (20, 2)])
@pytest.mark.parametrize("skips", [True, False])
def test_generators_keep_the_size_and_range(size, depth, skips):
    torch.manual_seed(0)
    G = UNetGenerator(in_channels=1, out_channels=3, width=4, depth=depth, skips=skips).eval()
    out = G(torch.rand(2, 1, size, size) * 2 - 1)
    assert out.shape == (2, 3, size, size) and out.abs().max() <= 1


def test_unet_decoder_gets_twice_the_channels_and_the_encoder_decoder_does_not():
    unet = UNetGenerator(width=8, depth=4, max_width=32)  # encoder channels 8, 16, 32, 32
    plain = EncoderDecoderGenerator(width=8, depth=4, max_width=32)
    assert [block[0].in_channels for block in unet.decoder] == [32, 64, 32]
    assert [block[0].in_channels for block in plain.decoder] == [32, 32, 16]
    assert unet.to_image[0].in_channels == 16 and plain.to_image[0].in_channels == 8
    assert not plain.skips and unet.skips


def test_unet_skips_carry_detail_the_bottleneck_cannot():
    """With untrained weights the U-Net's output still depends on a single input pixel's neighbourhood
    through the first skip; the encoder-decoder's does through the 1x1 bottleneck only."""
    torch.manual_seed(0)
    unet = UNetGenerator(width=4, depth=5).eval()
    x = torch.zeros(1, 1, 32, 32)
    y = x.clone()
    y[0, 0, 10, 10] = 1.0
    change = (unet(y) - unet(x)).abs()[0, 0]
    assert change[8:13, 8:13].max() > change[20:, 20:].max()


def test_generator_errors():
    G = UNetGenerator(in_channels=1)
    with pytest.raises(ValueError, match=r"\(N, 1, H, W\)"):
        G(torch.rand(2, 3, 28, 28))
    with pytest.raises(TypeError, match="floating point"):
        G(torch.zeros(2, 1, 28, 28, dtype=torch.uint8))
    with pytest.raises(ValueError, match="depth"):
        UNetGenerator(depth=1)


# --------------------------------------------------------------------------- PatchGAN


def test_receptive_field_of_the_pix2pix_patchgan_is_70():
    assert receptive_field(patch_layers(3)) == 70
    assert receptive_field(patch_layers(2)) == 34
    assert receptive_field(patch_layers(1)) == 16
    assert receptive_field([(3, 1)]) == 3 and receptive_field([(3, 1), (3, 1)]) == 5
    assert receptive_field([]) == 1


def test_receptive_field_matches_the_gradient_footprint():
    """Backpropagate from one output logit: exactly the receptive field's pixels get a gradient."""
    torch.manual_seed(0)
    D = PatchDiscriminator(in_channels=2, width=4, n_down=2).eval()
    for parameter in D.parameters():
        parameter.data.uniform_(0.1, 0.2)  # positive weights: no accidental cancellation
    images = torch.rand(1, 1, 64, 64, requires_grad=True)
    logits = D(torch.rand(1, 1, 64, 64), images)
    h, w = logits.shape[-2:]
    logits[0, 0, h // 2, w // 2].backward()
    rows = torch.nonzero(images.grad[0, 0].abs().sum(dim=1))
    assert int(rows.max() - rows.min() + 1) <= receptive_field(patch_layers(2))
    assert int(rows.max() - rows.min() + 1) >= receptive_field(patch_layers(2)) - 4  # zero padding trims a little


@pytest.mark.parametrize("size, n_down, grid", [(28, 2, 5), (32, 2, 6), (64, 3, 6), (256, 3, 30), (28, 1, 12)])
def test_patch_grid_sizes(size, n_down, grid):
    D = PatchDiscriminator(in_channels=4, width=4, n_down=n_down)
    logits = D(torch.rand(2, 1, size, size), torch.rand(2, 3, size, size))
    assert logits.shape == (2, 1, grid, grid)


def test_patch_discriminator_errors():
    D = PatchDiscriminator(in_channels=2, width=4)
    with pytest.raises(ValueError, match="same number and size"):
        D(torch.rand(2, 1, 28, 28), torch.rand(2, 1, 32, 32))
    with pytest.raises(ValueError, match="2 channels"):
        D(torch.rand(2, 1, 28, 28), torch.rand(2, 3, 28, 28))


# --------------------------------------------------------------------------- losses


def test_pix2pix_losses():
    logits = torch.zeros(4, 1, 5, 5)
    fake = torch.zeros(4, 1, 8, 8)
    target = torch.full((4, 1, 8, 8), 0.5)
    assert float(pix2pix_generator_loss(logits, fake, target)) == pytest.approx(math.log(2) + 100 * 0.5)
    assert float(pix2pix_generator_loss(logits, fake, target, l1_weight=0)) == pytest.approx(math.log(2))
    assert float(pix2pix_discriminator_loss(logits, logits)) == pytest.approx(2 * math.log(2))
    confident = pix2pix_discriminator_loss(torch.full((2, 1, 3, 3), 20.0), torch.full((2, 1, 3, 3), -20.0))
    assert float(confident) < 1e-6


# --------------------------------------------------------------------------- training


def make_trainer(seed=0, **options):
    pairs = toy_pairs()
    torch.manual_seed(seed)
    G = UNetGenerator(width=4, depth=5)
    D = PatchDiscriminator(in_channels=2, width=4, n_down=2)
    return Pix2PixTrainer(G, D, pairs.batches(8, seed=seed), device="cpu", seed=seed, **options)


def test_trainer_steps_record_both_loss_parts():
    trainer = make_trainer()
    history = trainer.fit(steps=3, progress=False)
    record = history[-1]
    assert {"d_loss", "g_loss", "g_adversarial", "l1"} <= set(record)
    assert record["g_loss"] == pytest.approx(record["g_adversarial"] + 100 * record["l1"], rel=1e-4)
    assert trainer.sample(5).shape == (5, 1, 28, 28)
    assert torch.equal(trainer.sample(4, seed=2), trainer.sample(4, seed=2))


def test_d_step_does_not_touch_the_generator():
    trainer = make_trainer()
    before = [p.detach().clone() for p in trainer.generator.parameters()]
    trainer.discriminator_step()
    assert all(torch.equal(a, b) for a, b in zip(before, trainer.generator.parameters()))
    assert all(p.grad is None for p in trainer.generator.parameters())


def test_the_discriminator_judges_input_and_output_together():
    trainer = make_trainer()
    calls = []
    original = trainer.discriminator.forward
    trainer.discriminator.forward = lambda inputs, images: (calls.append((inputs, images)), original(inputs, images))[1]
    trainer.discriminator_step()
    (inputs_real, targets), (inputs_fake, _) = calls
    assert torch.equal(inputs_real, inputs_fake) and torch.equal(targets, trainer.pairs.second)


def test_pix2pix_trainer_learns_the_toy_translation_and_resumes_exactly(tmp_path):
    uninterrupted, resumed = uninterrupted_and_resumed(make_trainer, tmp_path / "p2p.pt")
    assert_same_weights(uninterrupted.generator, resumed.generator)


def test_trainer_rejects_a_dataset_and_bad_weights():
    G, D = UNetGenerator(width=4), PatchDiscriminator(width=4)
    with pytest.raises(TypeError, match="batches"):
        Pix2PixTrainer(G, D, toy_pairs())
    with pytest.raises(ValueError, match="l1_weight"):
        Pix2PixTrainer(G, D, toy_pairs().batches(8), l1_weight=-1)


def test_fit_l1_lowers_the_held_out_error():
    pairs = toy_pairs(n=64)
    train, held_out = pairs.split(0.75, seed=0)
    torch.manual_seed(0)
    G = UNetGenerator(width=8, depth=5)
    before = translation_scores(G, held_out)["l1"]
    history = fit_l1(G, train.batches(16), steps=40, lr=2e-3, device="cpu")
    assert len(history) == 40 and history[-1]["l1"] < history[0]["l1"]
    assert translation_scores(G, held_out)["l1"] < before
    with pytest.raises(TypeError, match="batches"):
        fit_l1(G, train, steps=1)
    with pytest.raises(ValueError, match="budget"):
        fit_l1(G, train.batches(16))


def test_fit_l1_with_loss_l2_minimises_the_squared_error():
    pairs = toy_pairs(n=64)
    torch.manual_seed(0)
    G = UNetGenerator(width=8, depth=5)
    history = fit_l1(G, pairs.batches(16), steps=30, lr=2e-3, device="cpu", loss="l2")
    assert len(history) == 30 and "l2" in history[0] and history[-1]["l2"] < history[0]["l2"]
    inputs, targets = next(iter(pairs.batches(16)))
    with torch.no_grad():
        squared = (G(inputs) - targets).pow(2).mean().item()
    assert squared < history[0]["l2"]
    with pytest.raises(ValueError, match="l1"):
        fit_l1(G, pairs.batches(16), steps=1, loss="mse")


# --------------------------------------------------------------------------- scores


def test_l1_and_psnr():
    a = torch.zeros(2, 1, 4, 4)
    b = torch.full((2, 1, 4, 4), 0.2)
    assert l1_distance(a, b) == pytest.approx(0.2)
    assert psnr(a, b) == pytest.approx(10 * math.log10(4 / 0.04), rel=1e-5)
    assert psnr(a, b, data_range=1.0) == pytest.approx(10 * math.log10(1 / 0.04), rel=1e-5)
    assert psnr(a, a) == pytest.approx(100.0)
    # Per image, then averaged: one bad image does not hide behind a good one.
    c = torch.stack([torch.zeros(1, 4, 4), torch.full((1, 4, 4), 0.4)])
    assert psnr(a, c) == pytest.approx(0.5 * (100 + 10 * math.log10(4 / 0.16)), rel=1e-5)
    with pytest.raises(ValueError, match="same shape"):
        psnr(a, torch.zeros(2, 1, 4, 5))


def test_translation_scores_and_baseline():
    pairs = toy_pairs(n=8)
    baseline = translation_scores(None, pairs)
    assert baseline["l1"] == pytest.approx(l1_distance(pairs.inputs, pairs.targets), abs=1e-4)
    identity = torch.nn.Conv2d(1, 1, 1)
    identity.weight.data.fill_(1.0)
    identity.bias.data.zero_()
    assert translation_scores(identity, pairs) == baseline
    colour = PairedImages(torch.zeros(2, 1, 8, 8), torch.zeros(2, 3, 8, 8))
    with pytest.raises(ValueError, match="different channels"):
        translation_scores(None, colour)


def test_translate_restores_train_mode():
    G = UNetGenerator(width=4).train()
    out = translate(G, torch.zeros(3, 1, 28, 28), batch_size=2)
    assert out.shape == (3, 1, 28, 28) and G.training


def test_show_translations_draws_three_rows():
    import matplotlib

    matplotlib.use("Agg")
    pairs = toy_pairs(n=4)
    ax = show_translations(pairs.inputs, pairs.inputs, pairs.targets, n=4)
    assert [label.get_text() for label in ax.get_yticklabels()] == ["input", "output", "target"]


@pytest.mark.parametrize("name", ["pix2pix-edges", "pix2pix-superres"])
def test_recipes_are_registered_and_report_held_out_scores(name):
    from learntools.gans.recipes import RECIPES, build_recipe

    assert name in RECIPES
    trainer = build_recipe(name, device="cpu")
    assert isinstance(trainer, Pix2PixTrainer) and trainer.config["recipe"] == name
    assert trainer.l1_weight == 100.0
    record = trainer.step()
    assert np.isfinite(record["d_loss"]) and np.isfinite(record["l1"])
    extra = trainer.extra_metrics()["translation"]
    assert set(extra) == {"model", "baseline (the input itself)"} and set(extra["model"]) == {"l1", "psnr"}


def test_pix2pix_runs_from_the_command_line(tmp_path, capsys):
    import json

    from learntools.gans.cli import main

    run = tmp_path / "p2p"
    status = main(["train", "pix2pix-superres", "--steps", "2", "--out", str(run), "--eval-samples", "50",
                   "--no-progress"])
    out, err = capsys.readouterr()
    assert status == 0, err
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["recipe"] == "pix2pix-superres"
    assert set(metrics["translation"]) == {"model", "baseline (the input itself)"}
    assert "translation:" in out
    status = main(["train", "pix2pix-superres", "--steps", "1", "--out", str(run), "--resume", "--eval-samples", "0",
                   "--no-progress"])
    assert status == 0 and json.loads((run / "metrics.json").read_text())["steps"] == 3
