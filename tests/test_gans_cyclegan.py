"""learntools.gans, CycleGAN (data, models, training, evaluation): unpaired digit domains, ResNet generator, PatchGAN critic, the cycle and identity
losses, the image pool, the trainer (checkpoints included), scores, the recipe and torchrun."""

import collections
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from gans_support import one_thread  # noqa: F401  (an autouse fixture: one torch thread per module)

from learntools.gans.data import UnpairedImages, load_mnist, thicken, thin_thick_digits
from learntools.gans.evaluation import cycle_scores, reconstruction_error
from learntools.gans.models import (CycleDiscriminators, CycleGenerators, ImagePatchDiscriminator, ResnetGenerator,
                                    cycle_consistency_loss, identity_loss)
from learntools.gans.training import CycleGANTrainer, ImagePool

REPO = Path(__file__).resolve().parents[1]



def tiny_models(seed=0):
    torch.manual_seed(seed)
    generators = CycleGenerators(ResnetGenerator(width=4, n_blocks=1), ResnetGenerator(width=4, n_blocks=1))
    discriminators = CycleDiscriminators(ImagePatchDiscriminator(width=4), ImagePatchDiscriminator(width=4))
    return generators, discriminators


def tiny_domains(n=32, seed=0):
    generator = torch.Generator().manual_seed(seed)
    a = torch.rand(n, 1, 28, 28, generator=generator) * 2 - 1
    b = torch.rand(n, 1, 28, 28, generator=generator) * 2 - 1
    return UnpairedImages(a, b)


def tiny_trainer(seed=0, model_seed=None, **settings):
    generators, discriminators = tiny_models(seed if model_seed is None else model_seed)
    settings.setdefault("pool_size", 6)
    return CycleGANTrainer(generators, discriminators, tiny_domains().batches(batch_size=4, seed=seed),
                           device="cpu", seed=seed, **settings)


def _digest(image):
    return hashlib.sha1(image.numpy().tobytes()).hexdigest()


# --------------------------------------------------------------------------- domains


def test_thicken_is_a_max_filter():
    image = -torch.ones(1, 1, 7, 7)
    image[0, 0, 3, 3] = 1.0
    thick = thicken(image)
    assert torch.equal(thick[0, 0, 2:5, 2:5], torch.ones(3, 3))
    assert thick.sum() == 9 - 40  # nine bright pixels, forty dark ones
    assert torch.equal(thicken(image, pixels=0), image)
    assert torch.equal(thicken(image, pixels=2)[0, 0, 1:6, 1:6], torch.ones(5, 5))
    with pytest.raises(ValueError, match="float tensor"):
        thicken(torch.zeros(7, 7))
    with pytest.raises(ValueError, match="pixels"):
        thicken(image, pixels=-1)


def test_training_domains_hold_different_digits_stratified():
    domains = thin_thick_digits("train")
    assert domains.a.shape == domains.b.shape == (2000, 1, 28, 28) and not domains.paired
    assert collections.Counter(domains.labels_a.tolist()) == {digit: 200 for digit in range(10)}
    assert collections.Counter(domains.labels_b.tolist()) == {digit: 200 for digit in range(10)}
    images, _ = load_mnist("train")
    index = {_digest(image): i for i, image in enumerate(images)}
    thick_index = {_digest(image): i for i, image in enumerate(thicken(images))}
    in_a = {index[_digest(image)] for image in domains.a}           # every A image is a real training digit
    in_b = {thick_index[_digest(image)] for image in domains.b}     # every B image a thickened one
    assert len(in_a) == len(in_b) == 2000 and not in_a & in_b      # no digit in both domains
    assert domains.b.mean() > domains.a.mean() + 0.2                 # thicker strokes: more bright pixels


def test_held_out_domains_are_the_true_translation():
    held_out = thin_thick_digits("test")
    assert held_out.paired and held_out.a.shape == (1000, 1, 28, 28)
    assert torch.equal(held_out.b, thicken(held_out.a))
    with pytest.raises(ValueError, match="split"):
        thin_thick_digits("all")


def test_unpaired_batches_shuffle_each_pile_on_its_own_and_resume():
    a = torch.arange(12.0).view(12, 1, 1, 1).expand(12, 1, 2, 2).contiguous()
    b = (100 + torch.arange(12.0)).view(12, 1, 1, 1).expand(12, 1, 2, 2).contiguous()
    batches = UnpairedImages(a, b).batches(batch_size=4, seed=3)
    iterator = batches.iterate()
    drawn = [next(iterator) for _ in range(9)]
    assert all(x.shape == (4, 1, 2, 2) and y.shape == (4, 1, 2, 2) for x, y in drawn)
    first_epoch = sorted(v for x, _ in drawn[:3] for v in x[:, 0, 0, 0].tolist())
    assert first_epoch == list(range(12))                            # one pass over A per epoch
    pairs = [{(int(p), int(q)) for p, q in zip(x[:, 0, 0, 0], y[:, 0, 0, 0])} for x, y in drawn]
    assert set().union(*pairs[:3]) != set().union(*pairs[3:6])       # who meets whom changes every epoch
    resumed = list(zip(range(4), batches.iterate(5)))
    for (_, (x, y)), (x0, y0) in zip(resumed, drawn[5:9]):
        assert torch.equal(x, x0) and torch.equal(y, y0)
    assert len(batches) == 3


def test_unpaired_images_check_their_input():
    with pytest.raises(ValueError, match="domain a"):
        UnpairedImages(torch.zeros(3, 28, 28), torch.zeros(3, 1, 28, 28))
    with pytest.raises(ValueError, match="same shape"):
        UnpairedImages(torch.zeros(3, 1, 28, 28), torch.zeros(3, 1, 14, 14))
    with pytest.raises(ValueError, match="as many"):
        UnpairedImages(torch.zeros(3, 1, 8, 8), torch.zeros(2, 1, 8, 8), paired=True)


# --------------------------------------------------------------------------- networks


@pytest.mark.parametrize("size", [28, 32, 14])
def test_resnet_generator_keeps_shape_and_range(size):
    torch.manual_seed(0)
    G = ResnetGenerator(channels=3, width=4, n_blocks=2)
    out = G(torch.rand(2, 3, size, size) * 2 - 1)
    assert out.shape == (2, 3, size, size) and out.abs().max() <= 1


def test_resnet_generator_translates_each_image_on_its_own():
    """InstanceNorm: an image's translation doesn't depend on the rest of the batch."""
    torch.manual_seed(0)
    G = ResnetGenerator(width=4, n_blocks=1)
    batch = torch.rand(4, 1, 28, 28) * 2 - 1
    torch.testing.assert_close(G(batch)[1:2], G(batch[1:2]), rtol=1e-4, atol=1e-5)


def test_resnet_generator_rejects_bad_input():
    G = ResnetGenerator(width=4, n_blocks=1)
    with pytest.raises(ValueError, match=r"\(N, 1, H, W\)"):
        G(torch.zeros(2, 3, 28, 28))
    with pytest.raises(ValueError, match="even"):
        G(torch.zeros(2, 1, 27, 27))
    with pytest.raises(ValueError, match="n_blocks"):
        ResnetGenerator(n_blocks=-1)


def test_patch_discriminator_judges_one_image_with_a_grid_of_logits():
    D = ImagePatchDiscriminator(width=4)
    assert D(torch.zeros(3, 1, 28, 28)).shape == (3, 1, 5, 5)
    assert ImagePatchDiscriminator(channels=3, width=4, n_down=3)(torch.zeros(2, 3, 64, 64)).shape == (2, 1, 6, 6)
    with pytest.raises(ValueError, match=r"\(N, 1, H, W\)"):
        D(torch.zeros(3, 2, 28, 28))


def test_cycle_generators_run_every_translation_in_one_forward():
    generators, _ = tiny_models()
    a, b = torch.rand(2, 1, 28, 28), torch.rand(2, 1, 28, 28)
    out = generators(a, b)
    assert set(out) == {"fake_b", "fake_a", "rec_a", "rec_b", "same_b", "same_a"}
    torch.testing.assert_close(out["rec_a"], generators.ba(generators.ab(a)))
    torch.testing.assert_close(out["same_b"], generators.ab(b))
    assert set(generators(a, b, identity=False)) == {"fake_b", "fake_a", "rec_a", "rec_b"}


# --------------------------------------------------------------------------- losses


def test_losses_match_their_formulas_and_vanish_for_do_nothing_generators():
    torch.manual_seed(0)
    G_AB, G_BA = nn.Conv2d(1, 1, 3, padding=1), nn.Conv2d(1, 1, 3, padding=1)
    a, b = torch.rand(3, 1, 8, 8), torch.rand(3, 1, 8, 8)
    cycle = cycle_consistency_loss(G_AB, G_BA, a, b)
    torch.testing.assert_close(cycle, 10 * ((G_BA(G_AB(a)) - a).abs().mean() + (G_AB(G_BA(b)) - b).abs().mean()))
    same = identity_loss(G_AB, G_BA, a, b, weight=2.0)
    torch.testing.assert_close(same, 2 * ((G_AB(b) - b).abs().mean() + (G_BA(a) - a).abs().mean()))
    assert all(p.grad is None for p in G_AB.parameters())
    cycle.backward()
    assert G_AB.weight.grad is not None and G_BA.weight.grad is not None
    nothing = nn.Identity()
    assert cycle_consistency_loss(nothing, nothing, a, b) == 0 and identity_loss(nothing, nothing, a, b) == 0


# --------------------------------------------------------------------------- the image pool


def numbered(ids):
    return torch.tensor(ids, dtype=torch.float32).view(-1, 1, 1, 1).expand(-1, 1, 2, 2).clone()


def test_pool_fills_then_swaps_half_the_time_and_keeps_its_size():
    pool = ImagePool(5, seed=0)
    out = pool.query(numbered([1, 2, 3]))
    assert out[:, 0, 0, 0].tolist() == [1, 2, 3] and len(pool) == 3
    swapped, total, next_id = 0, 0, 4
    for _ in range(100):
        new = list(range(next_id, next_id + 4))
        next_id += 4
        before = [int(x[0, 0, 0]) for x in pool.images]
        out = [int(v) for v in pool.query(numbered(new))[:, 0, 0, 0]]
        after = [int(x[0, 0, 0]) for x in pool.images]
        assert len(after) <= 5
        if len(before) == 5:  # full: every image either goes back out or takes the place of the one that does
            assert collections.Counter(before) + collections.Counter(new) == collections.Counter(after) + collections.Counter(out)
            swapped += sum(o != n for o, n in zip(out, new))
            total += 4
    assert 0.4 < swapped / total < 0.6


def test_pool_stores_detached_copies_and_is_reproducible():
    leaf = torch.ones((), requires_grad=True)
    batch = numbered([1, 2]) * leaf
    pool = ImagePool(3, seed=1)
    returned = pool.query(batch)
    assert not returned.requires_grad
    for stored in pool.images:
        assert not stored.requires_grad
        assert stored.untyped_storage().data_ptr() != batch.untyped_storage().data_ptr()

    def run(seed, global_seed):
        torch.manual_seed(global_seed)
        pool = ImagePool(3, seed=seed)
        return [pool.query(numbered([i, i + 1])).tolist() for i in range(0, 40, 2)]

    assert run(7, 1) == run(7, 2)
    assert run(7, 1) != run(8, 1)


def test_pool_of_size_zero_is_switched_off_and_state_round_trips():
    images = numbered([4, 5])
    assert ImagePool(0).query(images) is images
    pool = ImagePool(4, seed=3)
    for i in range(0, 20, 2):
        pool.query(numbered([i, i + 1]))
    copy = ImagePool(4, seed=99)
    copy.load_state_dict(pool.state_dict())
    following = numbered([50, 51, 52])
    assert torch.equal(pool.query(following), copy.query(following))
    with pytest.raises(ValueError, match="size"):
        ImagePool(-1)


# --------------------------------------------------------------------------- the trainer


def _parameters(module):
    return [p.detach().clone() for p in module.parameters()]


def _changed(module, before):
    return any(not torch.equal(p, q) for p, q in zip(module.parameters(), before))


def test_a_step_updates_both_generators_and_both_discriminators():
    trainer = tiny_trainer()
    before = {name: _parameters(model) for name, model in (("ab", trainer.generator.ab), ("ba", trainer.generator.ba),
                                                           ("a", trainer.discriminator.a), ("b", trainer.discriminator.b))}
    record = trainer.step()
    assert {"d_loss", "d_loss_a", "d_loss_b", "g_loss", "g_adversarial", "cycle", "identity"} <= set(record)
    assert _changed(trainer.generator.ab, before["ab"]) and _changed(trainer.generator.ba, before["ba"])
    assert _changed(trainer.discriminator.a, before["a"]) and _changed(trainer.discriminator.b, before["b"])
    assert len(trainer.pool_a) == 4 and len(trainer.pool_b) == 4
    assert record["g_loss"] == pytest.approx(record["g_adversarial"] + 10 * record["cycle"] + 5 * record["identity"],
                                             rel=1e-5)


def test_generator_step_leaves_the_discriminators_alone_and_discriminator_step_the_generators():
    trainer = tiny_trainer()
    d_before = _parameters(trainer.discriminator)
    trainer.generator_step()
    assert not _changed(trainer.discriminator, d_before)
    assert all(p.grad is None for p in trainer.discriminator.parameters())
    g_before = _parameters(trainer.generator)
    trainer.discriminator_step()
    assert not _changed(trainer.generator, g_before)


def test_identity_weight_zero_skips_the_identity_forward():
    trainer = tiny_trainer(identity_weight=0.0)
    record = trainer.step()
    assert record["identity"] == 0.0
    assert record["g_loss"] == pytest.approx(record["g_adversarial"] + 10 * record["cycle"], rel=1e-5)


def test_trainer_checks_its_ingredients():
    generators, discriminators = tiny_models()
    data = tiny_domains().batches(4)
    with pytest.raises(TypeError, match="CycleGenerators"):
        CycleGANTrainer(generators.ab, discriminators, data)
    with pytest.raises(TypeError, match="CycleDiscriminators"):
        CycleGANTrainer(generators, discriminators.a, data)
    with pytest.raises(ValueError, match="cycle_weight"):
        CycleGANTrainer(generators, discriminators, data, cycle_weight=-1)
    with pytest.raises(TypeError, match="batches"):
        CycleGANTrainer(generators, discriminators, tiny_domains())


def test_checkpoint_resumes_exactly_with_the_pools(tmp_path):
    trainer = tiny_trainer(seed=2)
    trainer.fit(steps=4, progress=False)
    path = trainer.save_checkpoint(tmp_path / "cycle.pt")
    trainer.fit(steps=3, progress=False)
    resumed = tiny_trainer(seed=2, model_seed=5).load_checkpoint(path)  # other weights, same data
    assert resumed.steps_done == 4 and len(resumed.pool_a) == len(trainer.pool_a)
    resumed.fit(steps=3, progress=False)
    for p, q in zip(trainer.generator.parameters(), resumed.generator.parameters()):
        torch.testing.assert_close(p, q, rtol=0, atol=0)
    assert [r["d_loss"] for r in trainer.history] == [r["d_loss"] for r in resumed.history]


def test_sample_translates_the_sample_inputs():
    trainer = tiny_trainer()
    assert trainer.sample(3).shape == (3, 1, 28, 28)
    assert torch.equal(trainer.sample(2), trainer.sample(2))
    assert trainer.sample(6, seed=1).shape == (6, 1, 28, 28)
    with pytest.raises(ValueError, match="whole number"):
        trainer.sample(0)


def test_scores():
    nothing = nn.Identity()
    held_out = thin_thick_digits("test")
    assert reconstruction_error(nothing, nothing, held_out.a[:50]) == 0
    generators = CycleGenerators(nn.Identity(), nn.Identity())  # doing nothing: a perfect cycle
    scores = cycle_scores(generators, UnpairedImages(held_out.a[:50], held_out.b[:50], paired=True))
    assert scores["reconstruction_a"] == 0 and scores["reconstruction_b"] == 0
    assert scores["translation_ab"] == scores["do_nothing_baseline"] > 0.1
    unpaired = cycle_scores(generators, UnpairedImages(held_out.a[:10], held_out.b[10:30]))
    assert set(unpaired) == {"reconstruction_a", "reconstruction_b"}


def test_a_short_run_on_real_digits_closes_the_cycle():
    domains, held_out = thin_thick_digits("train"), thin_thick_digits("test")
    small = UnpairedImages(held_out.a[:100], held_out.b[:100], paired=True)
    torch.manual_seed(0)
    generators = CycleGenerators(ResnetGenerator(width=8, n_blocks=2), ResnetGenerator(width=8, n_blocks=2))
    discriminators = CycleDiscriminators(ImagePatchDiscriminator(width=16), ImagePatchDiscriminator(width=16))
    from learntools.gans.training import AdamSettings

    trainer = CycleGANTrainer(generators, discriminators, domains.batches(16), device="cpu",
                              optimizers=AdamSettings(lr_g=5e-4, lr_d=5e-4))
    before = cycle_scores(generators, small)
    trainer.fit(steps=40, progress=False)
    after = cycle_scores(generators, small)
    assert after["reconstruction_a"] < 0.5 * before["reconstruction_a"]
    assert after["translation_ab"] < 0.5 * before["translation_ab"]


# --------------------------------------------------------------------------- the recipe


def test_recipe_is_registered_and_trains(tmp_path, capsys):
    from learntools.gans import cli
    from learntools.gans.recipes import RECIPES, cyclegan_digits

    assert RECIPES["cyclegan-digits"] is cyclegan_digits
    status = cli.main(["train", "cyclegan-digits", "--steps", "2", "--out", str(tmp_path / "run"), "--no-progress",
                       "--eval-samples", "10"])
    assert status == 0
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert metrics["steps"] == 2 and set(metrics["cycle"]) >= {"reconstruction_a", "translation_ab"}
    assert "cycle: {" in capsys.readouterr().out
    assert (tmp_path / "run" / "samples.png").exists()


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_recipe_trains_under_torchrun_on_two_cpu_processes(tmp_path):
    """The command the lesson shows, with 2 CPU processes (gloo) instead of 4 GPUs."""
    if not torch.distributed.is_available():
        pytest.skip("this PyTorch build has no torch.distributed")
    environment = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2",
               "-m", "learntools.gans", "train", "cyclegan-digits", "--steps", "3", "--out", str(tmp_path / "run"),
               "--no-progress", "--eval-samples", "10"]
    result = subprocess.run(command, capture_output=True, text=True, env=environment, cwd=tmp_path, timeout=280)
    assert result.returncode == 0, result.stderr[-2000:]
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert metrics["steps"] == 3 and "cycle" in metrics
    assert np.isfinite(metrics["final"]["g_loss"])
