"""learntools.gans, conditional GANs (models, training, evaluation): one-hot labels, conditional G and D, the conditional trainer, accuracy."""

import numpy as np
import pytest
import torch
from gans_support import assert_same_weights, uninterrupted_and_resumed
from gans_support import one_thread  # noqa: F401  (an autouse fixture)

from learntools.gans.data import Batches
from learntools.gans.evaluation import accuracy_per_class, class_accuracy, digit_grid
from learntools.gans.models import ConditionalDiscriminator, ConditionalGenerator, label_planes, one_hot
from learntools.gans.training import ConditionalGANTrainer, gaussian_noise


def tiny_models(seed=0, **d_options):
    torch.manual_seed(seed)
    return ConditionalGenerator(z_dim=8, width=4), ConditionalDiscriminator(width=4, **d_options)


def labelled_data(n=64, seed=0):
    generator = torch.Generator().manual_seed(seed)
    images = torch.rand(n, 1, 28, 28, generator=generator) * 2 - 1
    labels = torch.arange(n) % 10
    return images, labels


# --------------------------------------------------------------------------- labels


def test_one_hot_and_planes():
    labels = torch.tensor([3, 0, 9])
    vectors = one_hot(labels)
    assert vectors.dtype == torch.float32 and vectors.shape == (3, 10)
    assert torch.equal(vectors.argmax(1), labels) and torch.equal(vectors.sum(1), torch.ones(3))
    planes = label_planes(labels, 5, 7)
    assert planes.shape == (3, 10, 5, 7)
    assert torch.equal(planes[:, :, 2, 4], vectors)
    assert one_hot(torch.tensor([1]), num_classes=3).tolist() == [[0.0, 1.0, 0.0]]


@pytest.mark.parametrize("labels, message", [
    ([1, 2], "torch tensor"),
    (torch.tensor([1.0, 2.0]), "whole class numbers"),
    (torch.tensor([[1, 2]]), "shape (N,)"),
    (torch.tensor([1, 10]), "0..9"),
    (torch.tensor([-1]), "0..9"),
])
def test_bad_labels_are_explained(labels, message):
    with pytest.raises((TypeError, ValueError), match=message.replace("(", r"\(").replace(")", r"\)")):
        one_hot(labels)


# --------------------------------------------------------------------------- models


@pytest.mark.parametrize("embedding_dim", [None, 6])
def test_generator_shapes_range_and_label_dependence(embedding_dim):
    torch.manual_seed(0)
    G = ConditionalGenerator(z_dim=8, width=4, embedding_dim=embedding_dim).eval()
    z = torch.randn(4, 8)
    images = G(z, torch.tensor([0, 1, 2, 3]))
    assert images.shape == (4, 1, 28, 28) and images.abs().max() <= 1
    other = G(z, torch.tensor([5, 6, 7, 8]))
    assert not torch.allclose(images, other), "the label must change the output"
    first_layer = G.body.project[0]
    assert first_layer.in_channels == 8 + (embedding_dim or 10)


def test_generator_errors():
    G, _ = tiny_models()
    with pytest.raises(ValueError, match=r"noise of shape \(N, 8\)"):
        G(torch.randn(2, 9), torch.tensor([0, 1]))
    with pytest.raises(ValueError, match="2 labels for 3 examples"):
        G(torch.randn(3, 8), torch.tensor([0, 1]))


@pytest.mark.parametrize("projection", [False, True])
def test_discriminator_shapes_and_label_dependence(projection):
    _, D = tiny_models(projection=projection)
    D.eval()
    images = torch.rand(4, 1, 28, 28) * 2 - 1
    for parameter in D.parameters():  # larger weights, so the label's effect is clearly visible
        parameter.data.normal_(0, 0.3)
    logits = D(images, torch.tensor([0, 1, 2, 3]))
    assert logits.shape == (4, 1)
    assert not torch.allclose(logits, D(images, torch.tensor([4, 5, 6, 7])))
    if not projection:
        assert D.body.down1[0].in_channels == 11


def test_discriminator_errors():
    _, D = tiny_models()
    with pytest.raises(ValueError, match=r"\(N, 1, 28, 28\)"):
        D(torch.rand(2, 1, 32, 32), torch.tensor([0, 1]))
    with pytest.raises(TypeError, match="whole class numbers"):
        D(torch.rand(2, 1, 28, 28), torch.tensor([0.0, 1.0]))


# --------------------------------------------------------------------------- trainer


def make_trainer(seed=0, **settings):
    G, D = tiny_models(seed)
    images, labels = labelled_data()
    return ConditionalGANTrainer(G, D, Batches(images, labels, batch_size=16, seed=seed), gaussian_noise(8),
                                 device="cpu", seed=seed, **settings)


def test_trainer_steps_change_both_models_and_record_losses():
    trainer = make_trainer()
    g_before = [p.detach().clone() for p in trainer.generator.parameters()]
    d_before = [p.detach().clone() for p in trainer.discriminator.parameters()]
    history = trainer.fit(steps=3, progress=False)
    assert len(history) == 3 and all(np.isfinite(r["d_loss"]) and np.isfinite(r["g_loss"]) for r in history)
    assert any(not torch.equal(a, b) for a, b in zip(g_before, trainer.generator.parameters()))
    assert any(not torch.equal(a, b) for a, b in zip(d_before, trainer.discriminator.parameters()))
    assert torch.equal(trainer.last_labels.cpu(), trainer.labelled.second)


def test_the_d_step_sees_the_real_labels_and_asks_g_for_them():
    trainer = make_trainer()
    seen = []
    original = trainer.discriminator.forward
    trainer.discriminator.forward = lambda images, labels: (seen.append(labels.clone()), original(images, labels))[1]
    trainer.discriminator_step()
    real_labels = trainer.labelled.second
    assert len(seen) == 2 and all(torch.equal(s, real_labels) for s in seen)


def test_untrained_d_loss_is_about_2_ln_2():
    trainer = make_trainer()
    record = trainer.discriminator_step()
    assert abs(record["d_loss"] - 2 * np.log(2)) < 0.3


def test_sample_grid_rows_share_noise_and_columns_are_digits():
    trainer = make_trainer()
    assert trainer.fixed_noise.shape == (100, 8)
    assert torch.equal(trainer.fixed_noise[0], trainer.fixed_noise[9])
    assert not torch.equal(trainer.fixed_noise[0], trainer.fixed_noise[10])
    assert trainer.fixed_labels[:12].tolist() == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]
    images = trainer.sample(100)
    assert images.shape == (100, 1, 28, 28) and images.dtype == torch.float32
    assert torch.equal(trainer.sample(5, seed=1), trainer.sample(5, seed=1))
    sevens = trainer.sample(labels=[7, 7, 7])
    assert sevens.shape == (3, 1, 28, 28)
    with pytest.raises(ValueError, match="n=2"):
        trainer.sample(2, labels=[1, 2, 3])


def test_checkpoint_resume_is_exact(tmp_path):
    uninterrupted, resumed = uninterrupted_and_resumed(make_trainer, tmp_path / "run.pt")
    assert_same_weights(uninterrupted.generator, resumed.generator)
    assert torch.equal(resumed.fixed_noise, uninterrupted.fixed_noise)


def test_data_without_labels_is_explained():
    G, D = tiny_models()
    images, _ = labelled_data()
    trainer = ConditionalGANTrainer(G, D, Batches(images, batch_size=16), gaussian_noise(8), device="cpu")
    with pytest.raises(TypeError, match="pairs of tensors"):
        trainer.step()


# --------------------------------------------------------------------------- measuring


def test_accuracy_per_class():
    asked = torch.tensor([0, 0, 1, 1, 1, 2])
    predicted = torch.tensor([0, 1, 1, 1, 0, 2])
    accuracy = accuracy_per_class(predicted, asked, num_classes=4)
    assert accuracy[:3].tolist() == pytest.approx([0.5, 2 / 3, 1.0])
    assert torch.isnan(accuracy[3])


def test_class_accuracy_reads_generated_digits_and_leaves_state_alone(monkeypatch):
    G, _ = tiny_models()
    G.train()
    torch.manual_seed(5)
    state = torch.get_rng_state()
    report = class_accuracy(G, n_per_class=3, seed=0)
    assert torch.equal(torch.get_rng_state(), state) and G.training
    assert len(report["per_class"]) == 10 and 0 <= report["mean"] <= 1 and report["chance"] == 0.1

    # A "generator" that returns real digits of the asked class scores near 100%.
    from learntools.gans.data import load_mnist

    images, labels = load_mnist("test")
    bank = {k: images[labels == k][:3] for k in range(10)}

    class Perfect(torch.nn.Module):
        z_dim = 2

        def __init__(self):
            super().__init__()
            self.weight = torch.nn.Parameter(torch.zeros(1))

        def forward(self, z, y):
            counts = {}
            picked = []
            for k in y.tolist():
                picked.append(bank[k][counts.get(k, 0) % 3])
                counts[k] = counts.get(k, 0) + 1
            return torch.stack(picked)

    assert class_accuracy(Perfect(), n_per_class=3)["mean"] > 0.9


def test_digit_grid():
    G, _ = tiny_models()
    grid = digit_grid(G, rows=2)
    assert grid.shape == (20, 1, 28, 28)


def test_cgan_recipe_is_registered_and_builds():
    from learntools.gans.recipes import RECIPES, build_recipe, cgan

    assert RECIPES["cgan"] is cgan
    trainer = build_recipe("cgan", device="cpu")
    assert isinstance(trainer, ConditionalGANTrainer) and trainer.config["recipe"] == "cgan"
    record = trainer.step()
    assert np.isfinite(record["d_loss"])


def test_cgan_runs_from_the_command_line(tmp_path, capsys):
    import json

    from learntools.gans.cli import main

    run = tmp_path / "cgan"
    status = main(["train", "cgan", "--steps", "3", "--out", str(run), "--eval-samples", "50", "--no-progress"])
    out, err = capsys.readouterr()
    assert status == 0, err
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["recipe"] == "cgan" and len(metrics["class_accuracy"]["per_class"]) == 10
    assert "class_accuracy:" in out and (run / "samples.png").exists()
    assert main(["sample", str(run), "--n", "20", "--out", str(tmp_path / "s.npy")]) == 0
    assert np.load(tmp_path / "s.npy").shape == (20, 1, 28, 28)


def test_digit_picker_widget_redraws_and_has_a_static_picture():
    from learntools.gans.display.widgets import digit_picker

    G, _ = tiny_models()
    G.train()
    picker = digit_picker(G, digit=3, seed=5)
    digit_slider, seed_slider = picker.sliders
    first = picker.children[1].value
    assert first[:4] == b"\x89PNG" and digit_slider.value == 3 and seed_slider.value == 5
    seed_slider.value = 6
    assert picker.children[1].value != first
    bundle = picker._repr_mimebundle_()
    assert "image/png" in bundle and "Digit picker" in bundle["text/plain"]
    assert G.training  # drawing leaves the generator's mode alone
    with pytest.raises(TypeError, match="z_dim"):
        digit_picker(torch.nn.Linear(2, 2))
