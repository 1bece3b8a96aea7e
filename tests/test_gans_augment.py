"""learntools.gans.training.augment: DiffAugment's translation and cutout move and cut exactly as documented,
one random choice per image, differentiably; DiffAugmentTrainer shows D only augmented images in both steps."""

import pytest
import torch
from gans_support import one_thread  # noqa: F401  (tiny networks: one thread)

from learntools.gans.data import Batches
from learntools.gans.training import GANTrainer, gaussian_noise
from learntools.gans.training.augment import (
    DiffAugmentTrainer,
    cutout,
    cutout_squares,
    diff_augment,
    shift_images,
    translate,
)


def test_shift_images_moves_each_image_and_fills_with_zeros():
    x = torch.arange(1, 10, dtype=torch.float32).reshape(1, 1, 3, 3).repeat(2, 1, 1, 1)  # (2, 1, 3, 3)
    out = shift_images(x, torch.tensor([1, -1]), torch.tensor([0, 1]))
    assert out[0, 0].tolist() == [[0, 1, 2], [0, 4, 5], [0, 7, 8]]     # one right
    assert out[1, 0].tolist() == [[0, 0, 0], [2, 3, 0], [5, 6, 0]]     # one left, one down


def test_shift_images_gradient_lands_on_the_moved_pixels():
    x = torch.randn(3, 2, 5, 5, requires_grad=True)
    dx, dy = torch.tensor([2, 0, -1]), torch.tensor([-1, 0, 2])
    weights = torch.randn(3, 2, 5, 5)
    (shift_images(x, dx, dy) * weights).sum().backward()
    assert torch.allclose(x.grad, shift_images(weights, -dx, -dy))


def test_translate_draws_one_shift_per_image_within_an_eighth():
    x = torch.randn(200, 1, 28, 28)
    out = translate(x, generator=torch.Generator().manual_seed(0))
    shifts = set()
    for i in range(len(x)):
        found = [(dx, dy) for dy in range(-3, 4) for dx in range(-3, 4) if torch.equal(shift_images(x[i:i + 1], dx, dy), out[i:i + 1])]
        assert found, i
        shifts.add(found[0])
    assert len(shifts) == 49  # every shift from -3 to 3 in both directions turns up


def test_cutout_squares_are_zero_squares_cut_off_at_the_edges():
    out = cutout_squares(torch.ones(2, 1, 6, 6), torch.tensor([0, 3]), torch.tensor([0, 3]), 3)
    assert out[0, 0, :2, :2].eq(0).all() and out[0].sum() == 36 - 4       # centre (0, 0): a 2x2 corner
    assert out[1, 0, 2:5, 2:5].eq(0).all() and out[1].sum() == 36 - 9      # centre (3, 3): a whole 3x3


def test_cutout_gradient_reaches_exactly_the_kept_pixels_and_leaves_the_input_alone():
    x = torch.randn(16, 1, 28, 28, requires_grad=True)
    before = x.detach().clone()
    out = cutout(x, generator=torch.Generator().manual_seed(1))
    out.sum().backward()
    assert torch.equal(x.detach(), before)
    assert torch.equal(x.grad, (out != 0).float())
    zeroed = (out == 0).flatten(1).sum(1)                                  # at most 14 x 14 per image
    assert zeroed.max() == 14 * 14 and zeroed.min() > 0 and len(set(zeroed.tolist())) > 1


def test_diff_augment_is_reproducible_with_a_generator_and_uses_the_global_rng_without():
    x = torch.randn(8, 1, 28, 28)
    first = diff_augment(x, generator=torch.Generator().manual_seed(3))
    assert torch.equal(first, diff_augment(x, generator=torch.Generator().manual_seed(3)))
    torch.manual_seed(5)
    again = diff_augment(x)
    torch.manual_seed(5)
    assert torch.equal(again, diff_augment(x))


def test_bad_input_gets_a_sentence():
    with pytest.raises(TypeError, match="float tensor"):
        translate(torch.zeros(3, 28, 28))
    with pytest.raises(ValueError, match="one number per image"):
        shift_images(torch.zeros(2, 1, 4, 4), torch.tensor([1, 2, 3]), 0)


class Recorder(torch.nn.Module):
    """A tiny D that remembers every batch it judges."""

    def __init__(self):
        super().__init__()
        self.layer = torch.nn.Linear(16, 1)
        self.seen = []

    def forward(self, x):
        self.seen.append(x.detach().clone())
        return self.layer(x.flatten(1))


def tiny_trainer(trainer_class, **settings):
    torch.manual_seed(0)
    G = torch.nn.Sequential(torch.nn.Linear(3, 16), torch.nn.Tanh(), torch.nn.Unflatten(1, (1, 4, 4)))
    D = Recorder()
    data = Batches(torch.rand(32, 1, 4, 4) * 2 - 1, batch_size=8)
    return trainer_class(G, D, data=data, noise=gaussian_noise(3), device="cpu", **settings)


def marked(images, generator=None):
    """A stand-in T: every image's top-left pixel set to 5, differentiably."""
    mark = torch.zeros_like(images)
    mark[:, :, 0, 0] = 5.0
    keep = torch.ones_like(images)
    keep[:, :, 0, 0] = 0.0
    return images * keep + mark


def test_the_trainer_shows_d_only_augmented_images_in_both_steps_and_g_learns_through_t():
    trainer = tiny_trainer(DiffAugmentTrainer, augment=marked)
    G_before = [p.detach().clone() for p in trainer.generator.parameters()]
    trainer.fit(steps=2, progress=False)
    assert len(trainer.discriminator.seen) == 2 * 3                         # real + fake, then fake, per step
    assert all(bool((x[:, :, 0, 0] == 5).all()) for x in trainer.discriminator.seen)
    assert any(not torch.equal(p, q) for p, q in zip(trainer.generator.parameters(), G_before))
    assert trainer.config["augment"] == "marked"


def test_a_seeded_diffaugment_run_is_the_same_twice_and_differs_from_a_plain_one():
    runs = []
    for trainer_class in (DiffAugmentTrainer, DiffAugmentTrainer, GANTrainer):
        trainer = tiny_trainer(trainer_class)
        trainer.fit(steps=3, progress=False)
        runs.append([record["d_loss"] for record in trainer.history])
    assert runs[0] == runs[1] and runs[0] != runs[2]


def test_augment_must_be_callable():
    with pytest.raises(TypeError, match="augment must be a function"):
        tiny_trainer(DiffAugmentTrainer, augment="translation")
