"""GANTrainer: the D step detaches, steps change weights, exact resume, Ctrl-C, bad checkpoints.

Tiny models and a tiny loss of our own keep these tests fast and independent of models.py and
losses.py (one test uses losses.py by name when it exists).
"""

import math
import pickle
import random

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from gans_support import one_thread  # noqa: F401  (an autouse fixture: one torch thread per module)

from learntools.gans.training import (
    AdamSettings,
    CheckpointError,
    GANTrainer,
    LiveView,
    TrainingSequence,
    every,
    gaussian_noise,
    load_checkpoint,
)

Z_DIM = 4



class TinyGenerator(nn.Module):
    """z (N, 4) -> image (N, 1, 4, 4), with BatchNorm so running buffers are exercised."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(Z_DIM, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Linear(16, 16), nn.Tanh())

    def forward(self, z):
        return self.net(z).view(-1, 1, 4, 4)


class TinyDiscriminator(nn.Module):
    """image (N, 1, 4, 4) -> logits (N, 1)."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Flatten(), nn.Linear(16, 16), nn.BatchNorm1d(16), nn.LeakyReLU(0.2), nn.Linear(16, 1))

    def forward(self, x):
        return self.net(x)


class TinyLoss:
    """Non-saturating GAN loss, written here so the tests do not need losses.py."""

    gradient_penalty_weight = 0.0

    def discriminator(self, real_logits, fake_logits):
        return F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean()

    def generator(self, fake_logits):
        return F.softplus(-fake_logits).mean()


class SeededBatches:
    """Re-iterable batches with their own shuffling generator (like data.Batches)."""

    def __init__(self, images, batch_size=8, seed=0):
        self.images, self.batch_size = images, batch_size
        self.rng = torch.Generator().manual_seed(seed)

    def __iter__(self):
        order = torch.randperm(len(self.images), generator=self.rng)
        for start in range(0, len(order) - self.batch_size + 1, self.batch_size):
            yield (self.images[order[start:start + self.batch_size]], torch.zeros(self.batch_size))


def real_images():
    return torch.rand(20, 1, 4, 4, generator=torch.Generator().manual_seed(123)) * 2 - 1


def make_data(kind="replay", seed=0):
    """"replay": our own re-iterable batches; "batches": data.Batches, which can jump to a batch."""
    if kind == "batches":
        from learntools.gans.data import Batches

        return Batches(real_images(), torch.zeros(20), batch_size=8, seed=seed)
    return SeededBatches(real_images(), seed=seed)


def make_trainer(seed=0, data="replay", **settings):
    torch.manual_seed(seed)
    settings.setdefault("loss", TinyLoss())
    settings.setdefault("device", "cpu")
    return GANTrainer(
        TinyGenerator(), TinyDiscriminator(), make_data(data, seed), gaussian_noise(Z_DIM), seed=seed, **settings,
    )


def parameters_of(trainer):
    models = {"G": trainer.generator, "D": trainer.discriminator}
    return {f"{m}.{k}": v.detach().clone() for m, model in models.items() for k, v in model.state_dict().items()}


def test_d_step_detaches_the_fake_batch():
    trainer = make_trainer()
    trainer.discriminator_step()
    assert all(p.grad is None for p in trainer.generator.parameters()), "the D loss reached G"
    assert all(p.grad is not None for p in trainer.discriminator.parameters())


def test_g_step_computes_no_gradients_for_d_and_leaves_it_trainable():
    trainer = make_trainer()
    trainer.discriminator_step()
    d_grads = [p.grad.clone() for p in trainer.discriminator.parameters()]
    trainer.generator_step()
    assert all(p.grad is not None for p in trainer.generator.parameters())
    assert all(torch.equal(g, p.grad) for g, p in zip(d_grads, trainer.discriminator.parameters()))
    assert all(p.requires_grad for p in trainer.discriminator.parameters())


def test_a_step_changes_both_models_and_records_numbers():
    trainer = make_trainer()
    before = parameters_of(trainer)
    record = trainer.step()
    after = parameters_of(trainer)
    for name in ("G.net.0.weight", "G.net.3.weight", "D.net.1.weight", "D.net.4.weight"):
        assert not torch.equal(before[name], after[name]), f"{name} did not change"
    assert record["step"] == 1 and trainer.steps_done == 1 and trainer.history == [record]
    assert set(record) >= {"step", "d_loss", "g_loss", "real_logit", "fake_logit", "time"}
    assert all(math.isfinite(v) for v in record.values())


def test_training_sequence_sets_the_d_to_g_ratio():
    trainer = make_trainer(sequence=TrainingSequence(d_steps=3, g_steps=2))
    trainer.fit(steps=2, progress=False)
    first_d = trainer.optimizer_d.param_groups[0]["params"][0]
    first_g = trainer.optimizer_g.param_groups[0]["params"][0]
    assert int(trainer.optimizer_d.state[first_d]["step"]) == 6
    assert int(trainer.optimizer_g.state[first_g]["step"]) == 4
    assert trainer.real_batches.batches_drawn == 6


def test_same_seed_same_run_and_sample_leaves_training_untouched():
    a, b = make_trainer(seed=3), make_trainer(seed=3)
    a.fit(steps=3, progress=False)
    a.sample(10, seed=5)  # sampling must not shift the training noise
    a.fit(steps=2, progress=False)
    b.fit(steps=5, progress=False)
    for name, value in parameters_of(a).items():
        assert torch.equal(value, parameters_of(b)[name]), name
    images = a.sample(10)
    assert images.shape == (10, 1, 4, 4) and images.dtype == torch.float32
    assert torch.equal(images, a.sample(10)) and a.generator.training
    assert a.sample(100, seed=1).shape == (100, 1, 4, 4)


@pytest.mark.parametrize("data", ["replay", "batches"])
def test_resume_reproduces_an_uninterrupted_run_bit_for_bit(tmp_path, data):
    straight = make_trainer(seed=7, data=data)
    straight.fit(steps=6, progress=False)

    first_half = make_trainer(seed=7, data=data)
    first_half.fit(steps=3, progress=False)
    first_half.save_checkpoint(tmp_path / "run" / "checkpoint.pt")
    # Disturb every global random stream: the checkpoint must restore them.
    torch.manual_seed(999), np.random.seed(999), random.seed(999)

    resumed = GANTrainer.resume(
        tmp_path / "run", TinyGenerator(), TinyDiscriminator(), make_data(data, seed=7),
        gaussian_noise(Z_DIM), loss=TinyLoss(), device="cpu", seed=7,
    )
    assert resumed.steps_done == 3 and len(resumed.history) == 3
    resumed.fit(steps=3, progress=False)

    for name, value in parameters_of(straight).items():
        assert torch.equal(value, parameters_of(resumed)[name]), f"{name} differs after resuming"
    for key in ("d_loss", "g_loss", "real_logit", "fake_logit"):
        assert [r[key] for r in straight.history] == [r[key] for r in resumed.history]
    assert torch.equal(straight.sample(8), resumed.sample(8))


def test_resume_restores_global_random_states(tmp_path):
    trainer = make_trainer()
    torch.manual_seed(1), np.random.seed(2), random.seed(3)
    trainer.save_checkpoint(tmp_path / "c.pt")
    expected = (torch.rand(3), np.random.rand(3), random.random())
    torch.manual_seed(0), np.random.seed(0), random.seed(0)
    make_trainer().load_checkpoint(tmp_path / "c.pt")
    assert torch.equal(torch.rand(3), expected[0])
    assert np.array_equal(np.random.rand(3), expected[1]) and random.random() == expected[2]


def test_ctrl_c_keeps_the_model_and_its_history(tmp_path, capsys):
    def press_ctrl_c_at_step_3(trainer, record):
        if record["step"] == 3:
            raise KeyboardInterrupt

    trainer = make_trainer()
    history = trainer.fit(steps=50, callbacks=[press_ctrl_c_at_step_3], progress=False,
                          checkpoint_path=tmp_path / "interrupted.pt")
    assert trainer.interrupted and len(history) == 3 and trainer.steps_done == 3
    assert "interrupted" in capsys.readouterr().out
    assert torch.isfinite(trainer.sample(4)).all()
    assert load_checkpoint(tmp_path / "interrupted.pt")["step"] == 3
    trainer.fit(steps=2, progress=False)  # and training can go on
    assert trainer.steps_done == 5 and not trainer.interrupted


def test_budgets_callbacks_and_stop():
    trainer = make_trainer()
    seen = []
    trainer.fit(steps=10, callbacks=[every(4, lambda t, r: seen.append(r["step"]))], progress=False)
    assert seen == [4, 8]

    trainer.fit(steps=100, callbacks=[lambda t, r: t.stop() if r["step"] == 12 else None], progress=False)
    assert trainer.steps_done == 12

    trainer.fit(seconds=0.3, progress=False)
    assert trainer.steps_done > 12 and trainer.history[-1]["time"] > 0
    with pytest.raises(ValueError, match="budget"):
        trainer.fit()
    with pytest.raises(ValueError, match="steps"):
        trainer.fit(steps=-1)
    with pytest.raises(ValueError, match="seconds"):
        trainer.fit(seconds=0)


def test_progress_bar_and_live_view_are_harmless_outside_notebooks(capsys):
    trainer = make_trainer()
    trainer.fit(steps=3, progress=True, live=True)
    assert trainer.steps_done == 3
    assert not LiveView().active
    assert "training" in capsys.readouterr().err  # tqdm writes to stderr in a terminal


def truncated(path, tmp_path):
    data = path.read_bytes()
    broken = tmp_path / "truncated.pt"
    broken.write_bytes(data[: len(data) // 2])
    return broken


def test_bad_checkpoints_raise_one_clear_checkpoint_error(tmp_path):
    trainer = make_trainer()
    good = trainer.save_checkpoint(tmp_path / "good.pt")
    garbage = tmp_path / "garbage.pt"
    garbage.write_bytes(b"this is not a checkpoint at all")
    foreign = tmp_path / "foreign.pt"
    torch.save({"weights": torch.zeros(2)}, foreign)
    unsafe = tmp_path / "unsafe.pt"
    unsafe.write_bytes(pickle.dumps(TinyLoss()))  # weights_only=True must refuse to unpickle objects

    cases = {
        tmp_path / "missing.pt": "No checkpoint",
        tmp_path: "No checkpoint",  # a directory without checkpoint.pt
        truncated(good, tmp_path): "truncated or corrupt",
        garbage: "truncated or corrupt",
        unsafe: "truncated or corrupt",
        foreign: "not a GAN Workshop checkpoint",
    }
    for path, message in cases.items():
        with pytest.raises(CheckpointError, match=message) as error:
            make_trainer().load_checkpoint(path)
        assert str(path.name) in str(error.value) and "\n" not in str(error.value)


def test_a_checkpoint_for_other_models_is_refused_without_changing_anything(tmp_path):
    make_trainer().save_checkpoint(tmp_path / "c.pt")

    class WiderGenerator(TinyGenerator):
        def __init__(self):
            super().__init__()
            self.net[0] = nn.Linear(Z_DIM, 32)

    torch.manual_seed(0)
    other = GANTrainer(WiderGenerator(), TinyDiscriminator(), SeededBatches(real_images()), gaussian_noise(Z_DIM),
                       loss=TinyLoss(), device="cpu")
    before = parameters_of(other)
    with pytest.raises(CheckpointError, match="shape"):
        other.load_checkpoint(tmp_path / "c.pt")
    assert all(torch.equal(v, parameters_of(other)[k]) for k, v in before.items())


def test_save_to_an_unwritable_place_raises_checkpoint_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(CheckpointError, match="Could not write"):
        make_trainer().save_checkpoint(blocker / "sub" / "c.pt")


def test_clear_errors_for_wrong_ingredients():
    G, D, noise = TinyGenerator(), TinyDiscriminator(), gaussian_noise(Z_DIM)
    data = SeededBatches(real_images())
    with pytest.raises(TypeError, match="Batches"):
        GANTrainer(G, D, real_images(), noise, loss=TinyLoss())
    with pytest.raises(TypeError, match="generator"):
        GANTrainer("G", D, data, noise, loss=TinyLoss())
    with pytest.raises(TypeError, match="loss"):
        GANTrainer(G, D, data, noise, loss=42)
    with pytest.raises(ValueError, match="d_steps"):
        TrainingSequence(d_steps=0)
    with pytest.raises(ValueError, match="lr_g"):
        GANTrainer(G, D, data, noise, loss=TinyLoss(), optimizers=AdamSettings(lr_g=-1))
    with pytest.raises(ValueError, match="smaller than one batch"):
        GANTrainer(G, D, SeededBatches(real_images(), batch_size=50), noise, loss=TinyLoss(), device="cpu").step()


def test_loss_by_name_from_the_losses_module():
    losses = pytest.importorskip("learntools.gans.losses")
    trainer = make_trainer(loss="nonsaturating")
    record = trainer.step()
    assert math.isfinite(record["d_loss"])
    with pytest.raises(ValueError):
        make_trainer(loss="no-such-loss")
    assert "hinge" in losses.LOSSES


def test_live_view_picture_for_images_and_for_points():
    from learntools.gans.training.live import _live_figure_png

    trainer = make_trainer()
    trainer.fit(steps=2, progress=False)
    assert _live_figure_png(trainer).startswith(b"\x89PNG")

    class PointGenerator(nn.Module):
        def __init__(self):
            super().__init__()
            self.net = nn.Linear(2, 2)

        def forward(self, z):
            return self.net(z)  # (N, 2)

    points = torch.randn(64, 2)
    critic = nn.Sequential(nn.Linear(2, 8), nn.LeakyReLU(0.2), nn.Linear(8, 1))
    toy = GANTrainer(PointGenerator(), critic, SeededBatches(points, batch_size=16), gaussian_noise(2),
                     loss=TinyLoss(), device="cpu")
    toy.fit(steps=2, progress=False)
    assert _live_figure_png(toy).startswith(b"\x89PNG")


# --- moving average of G's weights (ema_decay) ---------------------------------------------------------


def test_the_average_follows_the_formula_and_sample_uses_it():
    trainer = make_trainer(ema_decay=0.9)
    assert trainer.config["ema_decay"] == 0.9
    assert all(not p.requires_grad for p in trainer.generator_ema.parameters())
    trainer.fit(steps=100, progress=False)  # past the ramp (1 + t) / (10 + t): now the full decay 0.9
    before = {k: v.clone() for k, v in trainer.generator_ema.state_dict().items()}
    trainer.step()
    current = trainer.generator.state_dict()
    for name, averaged in trainer.generator_ema.state_dict().items():
        if name.endswith(("running_mean", "running_var", "num_batches_tracked")):
            assert torch.equal(averaged, current[name]), f"{name}: BatchNorm statistics are copied"
        else:
            expected = before[name] + 0.1 * (current[name] - before[name])
            assert torch.allclose(averaged, expected, atol=1e-6), name
    averaged, latest = trainer.sample(8), trainer.sample(8, averaged=False)
    assert not torch.equal(averaged, latest)
    assert trainer.generator_ema.training and trainer.generator.training


def test_without_ema_there_is_no_average():
    trainer = make_trainer()
    trainer.fit(steps=2, progress=False)
    assert trainer.generator_ema is None and trainer.config["ema_decay"] is None
    assert torch.equal(trainer.sample(8), trainer.sample(8, averaged=False))


@pytest.mark.parametrize("bad", [0, 1, 1.5, -0.1, True, "0.99", float("nan")])
def test_a_bad_ema_decay_is_refused_clearly(bad):
    with pytest.raises(ValueError, match="ema_decay must be None"):
        make_trainer(ema_decay=bad)


def test_the_average_is_checkpointed_and_resumes_bit_for_bit(tmp_path):
    straight = make_trainer(seed=4, ema_decay=0.95)
    straight.fit(steps=6, progress=False)
    first_half = make_trainer(seed=4, ema_decay=0.95)
    first_half.fit(steps=3, progress=False)
    first_half.save_checkpoint(tmp_path / "c.pt")
    resumed = make_trainer(seed=4, ema_decay=0.95).load_checkpoint(tmp_path / "c.pt")
    resumed.fit(steps=3, progress=False)
    for name, value in straight.generator_ema.state_dict().items():
        assert torch.equal(value, resumed.generator_ema.state_dict()[name]), name
    assert torch.equal(straight.sample(8), resumed.sample(8))


def test_a_checkpoint_without_an_average_starts_one_from_its_generator(tmp_path):
    plain = make_trainer(seed=2)
    plain.fit(steps=3, progress=False)
    plain.save_checkpoint(tmp_path / "c.pt")
    averaging = make_trainer(seed=2, ema_decay=0.99).load_checkpoint(tmp_path / "c.pt")
    for name, value in plain.generator.state_dict().items():
        assert torch.equal(value, averaging.generator_ema.state_dict()[name]), name
