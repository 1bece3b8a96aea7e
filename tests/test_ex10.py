"""Every question of lesson 10: its solution passes, realistic wrong answers fail with a message naming what
was observed, the blank says "not attempted", and hostile answers get a sentence, never a traceback."""

import math
import random
import time

import pytest
import torch
import torch.nn.functional as F
from gans_support import (
    HOSTILE,
    assert_correct,
    assert_discussion_revealed,
    assert_hostile_answers_get_a_sentence,
    assert_names_the_line,
    assert_stopped,
    declared_answer,
    evaluate,
    hangs,
    lesson_checks_contract,
    raises,
    returns_nan,
    starter_with_blank,
)

from learntools.core import INCORRECT, NOT_ATTEMPTED, ____
from learntools.gans import ex10
from learntools.gans.checking.stand_ins import affine_generators
from learntools.gans.models import cyclegan, stylegan
from learntools.gans.training.cyclegan import ImagePool

SOLVED = {"torch": torch, "F": F}


def problem(name):
    return getattr(ex10, name)


def solution_answer(name):
    """Run the question's declared solution code, the way the solution notebook does."""
    return declared_answer(problem(name), SOLVED)


def l1(x, y):
    return (x - y).abs().mean()


# --------------------------------------------------------------------------- q1, q2: wrong losses


def cycle_wrong_order(G_AB, G_BA, real_a, real_b, weight=10.0):
    return weight * (l1(G_AB(G_BA(real_a)), real_a) + l1(G_BA(G_AB(real_b)), real_b))


def cycle_same_generator_twice(G_AB, G_BA, real_a, real_b, weight=10.0):
    return weight * (l1(G_AB(G_AB(real_a)), real_a) + l1(G_BA(G_BA(real_b)), real_b))


def cycle_one_way(G_AB, G_BA, real_a, real_b, weight=10.0):
    return weight * (l1(G_AB(real_a), real_a) + l1(G_BA(real_b), real_b))


def cycle_other_domain(G_AB, G_BA, real_a, real_b, weight=10.0):
    return weight * (l1(G_BA(G_AB(real_a)), real_b) + l1(G_AB(G_BA(real_b)), real_a))


def cycle_squared(G_AB, G_BA, real_a, real_b, weight=10.0):
    return weight * (((G_BA(G_AB(real_a)) - real_a) ** 2).mean() + ((G_AB(G_BA(real_b)) - real_b) ** 2).mean())


def cycle_no_weight(G_AB, G_BA, real_a, real_b, weight=10.0):
    return l1(G_BA(G_AB(real_a)), real_a) + l1(G_AB(G_BA(real_b)), real_b)


def cycle_only_a(G_AB, G_BA, real_a, real_b, weight=10.0):
    return weight * l1(G_BA(G_AB(real_a)), real_a)


def cycle_averaged(G_AB, G_BA, real_a, real_b, weight=10.0):
    return weight * (l1(G_BA(G_AB(real_a)), real_a) + l1(G_AB(G_BA(real_b)), real_b)) / 2


def cycle_summed(G_AB, G_BA, real_a, real_b, weight=10.0):
    return weight * ((G_BA(G_AB(real_a)) - real_a).abs().sum() + (G_AB(G_BA(real_b)) - real_b).abs().sum())


def cycle_detached_middle(G_AB, G_BA, real_a, real_b, weight=10.0):
    return weight * (l1(G_BA(G_AB(real_a).detach()), real_a) + l1(G_AB(G_BA(real_b).detach()), real_b))


def cycle_half_detached(G_AB, G_BA, real_a, real_b, weight=10.0):
    return weight * (l1(G_BA(G_AB(real_a).detach()), real_a) + l1(G_AB(G_BA(real_b)), real_b))


def cycle_item(G_AB, G_BA, real_a, real_b, weight=10.0):
    return cyclegan.cycle_consistency_loss(G_AB, G_BA, real_a, real_b, weight).item()


def cycle_no_grad(G_AB, G_BA, real_a, real_b, weight=10.0):
    with torch.no_grad():
        return cyclegan.cycle_consistency_loss(G_AB, G_BA, real_a, real_b, weight)


def cycle_fixed_weight(G_AB, G_BA, real_a, real_b, weight=10.0):
    return cyclegan.cycle_consistency_loss(G_AB, G_BA, real_a, real_b, 10.0)


def cycle_default_one(G_AB, G_BA, real_a, real_b, weight=1.0):
    return cyclegan.cycle_consistency_loss(G_AB, G_BA, real_a, real_b, weight)


def cycle_per_example(G_AB, G_BA, real_a, real_b, weight=10.0):
    return weight * ((G_BA(G_AB(real_a)) - real_a).abs().mean(dim=(1, 2, 3))
                     + (G_AB(G_BA(real_b)) - real_b).abs().mean(dim=(1, 2, 3)))


def cycle_backward_inside(G_AB, G_BA, real_a, real_b, weight=10.0):
    loss = cyclegan.cycle_consistency_loss(G_AB, G_BA, real_a, real_b, weight)
    loss.backward(retain_graph=True)
    return loss


def cycle_in_place(G_AB, G_BA, real_a, real_b, weight=10.0):
    loss = cyclegan.cycle_consistency_loss(G_AB, G_BA, real_a, real_b, weight)
    real_a.mul_(0.5)
    return loss


def identity_wrong_domain(G_AB, G_BA, real_a, real_b, weight=5.0):
    return weight * (l1(G_AB(real_a), real_a) + l1(G_BA(real_b), real_b))


def identity_is_cycle(G_AB, G_BA, real_a, real_b, weight=5.0):
    return weight * (l1(G_BA(G_AB(real_a)), real_a) + l1(G_AB(G_BA(real_b)), real_b))


def identity_other_target(G_AB, G_BA, real_a, real_b, weight=5.0):
    return weight * (l1(G_AB(real_b), real_a) + l1(G_BA(real_a), real_b))


def identity_squared(G_AB, G_BA, real_a, real_b, weight=5.0):
    return weight * (((G_AB(real_b) - real_b) ** 2).mean() + ((G_BA(real_a) - real_a) ** 2).mean())


def identity_no_weight(G_AB, G_BA, real_a, real_b, weight=5.0):
    return l1(G_AB(real_b), real_b) + l1(G_BA(real_a), real_a)


def identity_only_ab(G_AB, G_BA, real_a, real_b, weight=5.0):
    return weight * l1(G_AB(real_b), real_b)


def identity_default_ten(G_AB, G_BA, real_a, real_b, weight=10.0):
    return cyclegan.identity_loss(G_AB, G_BA, real_a, real_b, weight)


def identity_detached(G_AB, G_BA, real_a, real_b, weight=5.0):
    return weight * (l1(G_AB(real_b).detach(), real_b) + l1(G_BA(real_a), real_a))


# --------------------------------------------------------------------------- q3: wrong image pools


class _Pool:
    def __init__(self, size=50, seed=0):
        self.size = size
        self.images = []
        self.generator = torch.Generator().manual_seed(seed)


class PoolNeverSwaps(_Pool):
    def query(self, images):
        for image in images.detach():
            if len(self.images) < self.size:
                self.images.append(image.clone())
        return images.detach()


class PoolGrows(_Pool):
    def query(self, images):
        returned = []
        for image in images.detach():
            if len(self.images) >= self.size and torch.rand((), generator=self.generator) < 0.5:
                index = int(torch.randint(len(self.images), (), generator=self.generator))
                returned.append(self.images[index].clone())
            else:
                returned.append(image)
            self.images.append(image.clone())  # always: the history grows without bound
        return torch.stack(returned)


class PoolStoresViews(ImagePool):
    def query(self, images):
        returned = []
        for image in images.detach():
            if len(self.images) < self.size:
                self.images.append(image)  # .detach() without .clone(): the same memory as the batch
                returned.append(image)
            elif torch.rand((), generator=self.generator) < 0.5:
                index = int(torch.randint(len(self.images), (), generator=self.generator))
                returned.append(self.images[index])
                self.images[index] = image
            else:
                returned.append(image)
        return torch.stack(returned)


class PoolKeepsGraph(ImagePool):
    def query(self, images):
        returned = []
        for image in images:  # not detached
            if len(self.images) < self.size:
                self.images.append(image.clone())  # a clone of a graph-carrying tensor carries the graph
                returned.append(image)
            elif torch.rand((), generator=self.generator) < 0.5:
                index = int(torch.randint(len(self.images), (), generator=self.generator))
                returned.append(self.images[index])
                self.images[index] = image.clone()
            else:
                returned.append(image)
        return torch.stack(returned)


class PoolReturnsWhatItStores(_Pool):
    def query(self, images):
        out = images.detach().clone()
        for i in range(len(out)):
            if len(self.images) < self.size:
                self.images.append(out[i])  # a view of the batch handed back
            elif torch.rand((), generator=self.generator) < 0.5:
                index = int(torch.randint(len(self.images), (), generator=self.generator))
                stored = self.images[index].clone()
                self.images[index] = out[i]
                out[i] = stored
        return out


class PoolNoSizeZero(_Pool):
    """The right pool, except that size 0 should switch it off; the pools below change one more part of it."""

    def coin(self):
        return torch.rand((), generator=self.generator) < 0.5

    def pick(self):
        return int(torch.randint(len(self.images), (), generator=self.generator))

    def swap(self, index, image):
        stored = self.images[index]
        self.images[index] = image.clone()
        return stored

    def query(self, images):
        returned = []
        for image in images.detach():
            if len(self.images) < self.size:
                self.images.append(image.clone())
                returned.append(image)
            elif self.coin():
                returned.append(self.swap(self.pick(), image))
            else:
                returned.append(image)
        return torch.stack(returned)


class PoolNeverReplaces(PoolNoSizeZero):
    def swap(self, index, image):
        return self.images[index].clone()  # handed out, but the new image is dropped


class PoolAlwaysSwaps(PoolNoSizeZero):
    def coin(self):
        return True


class PoolBiasedCoin(PoolNoSizeZero):
    def coin(self):
        return torch.rand((), generator=self.generator) < 0.9


class PoolGlobalRandom(PoolNoSizeZero):
    """Uses the global random module, not the pool's generator."""

    def coin(self):
        return random.random() < 0.5

    def pick(self):
        return random.randrange(len(self.images))


class PoolReturnsList(ImagePool):
    def query(self, images):
        return list(super().query(images))


class PoolStoredWhileFilling(_Pool):
    def query(self, images):
        returned = []
        for image in images.detach():
            if self.images and torch.rand((), generator=self.generator) < 0.5:
                index = int(torch.randint(len(self.images), (), generator=self.generator))
                returned.append(self.images[index])
                self.images[index] = image.clone()
            else:
                if len(self.images) < self.size:
                    self.images.append(image.clone())
                returned.append(image)
        return torch.stack(returned)


class PoolStoresBatches(_Pool):
    def query(self, images):
        self.images.append(images.detach().clone())
        return images.detach()


# --------------------------------------------------------------------------- q5-q7: wrong functions


def shuffle_channels_last(x, r):
    n, crr, h, w = x.shape
    c = crr // (r * r)
    return x.reshape(n, r, r, c, h, w).permute(0, 3, 4, 1, 5, 2).reshape(n, c, h * r, w * r)


def shuffle_swapped_block(x, r):
    n, crr, h, w = x.shape
    c = crr // (r * r)
    return x.reshape(n, c, r, r, h, w).permute(0, 1, 4, 3, 5, 2).reshape(n, c, h * r, w * r)


def shuffle_mosaic(x, r):
    n, crr, h, w = x.shape
    c = crr // (r * r)
    return x.reshape(n, c, r, r, h, w).permute(0, 1, 2, 4, 3, 5).reshape(n, c, h * r, w * r)


def shuffle_reshape_only(x, r):
    n, crr, h, w = x.shape
    return x.reshape(n, crr // (r * r), h * r, w * r)


def shuffle_transposed(x, r):
    n, crr, h, w = x.shape
    c = crr // (r * r)
    return x.reshape(n, c, r, r, h, w).permute(0, 1, 5, 3, 4, 2).reshape(n, c, w * r, h * r)


def fade_swapped(old, new, alpha):
    return alpha * F.interpolate(old, scale_factor=2, mode="nearest") + (1 - alpha) * new


def fade_bilinear(old, new, alpha):
    return (1 - alpha) * F.interpolate(old, scale_factor=2, mode="bilinear", align_corners=False) + alpha * new


def fade_at_old_size(old, new, alpha):
    return (1 - alpha) * old + alpha * F.avg_pool2d(new, 2)


def fade_not_convex(old, new, alpha):
    return F.interpolate(old, scale_factor=2, mode="nearest") + alpha * new


def _instance(x, dims, unbiased=False, eps=1e-5):
    mean = x.mean(dim=dims, keepdim=True)
    return (x - mean) / (x.var(dim=dims, keepdim=True, unbiased=unbiased) + eps).sqrt()


def adain_batch_norm(x, scale, bias, eps=1e-5):
    return scale[:, :, None, None] * _instance(x, (0, 2, 3)) + bias[:, :, None, None]


def adain_layer_norm(x, scale, bias, eps=1e-5):
    return scale[:, :, None, None] * _instance(x, (1, 2, 3)) + bias[:, :, None, None]


def adain_unbiased(x, scale, bias, eps=1e-5):
    return scale[:, :, None, None] * _instance(x, (2, 3), unbiased=True) + bias[:, :, None, None]


def adain_swapped(x, scale, bias, eps=1e-5):
    return bias[:, :, None, None] * _instance(x, (2, 3)) + scale[:, :, None, None]


def adain_no_normalisation(x, scale, bias, eps=1e-5):
    return scale[:, :, None, None] * x + bias[:, :, None, None]


def adain_no_eps(x, scale, bias, eps=1e-5):
    mean = x.mean(dim=(2, 3), keepdim=True)
    std = x.std(dim=(2, 3), keepdim=True, unbiased=False)
    return scale[:, :, None, None] * (x - mean) / std + bias[:, :, None, None]


def adain_no_bias(x, scale, bias, eps=1e-5):
    return scale[:, :, None, None] * _instance(x, (2, 3))


# --------------------------------------------------------------------------- the table

WRONG = {
    "q1": [
        (cycle_wrong_order, "wrong order"),
        (cycle_same_generator_twice, "same generator twice"),
        (cycle_one_way, "*and back*"),
        (cycle_other_domain, "the image you started from"),
        (cycle_squared, "squares the differences"),
        (cycle_no_weight, "not multiplied by the weight"),
        (cycle_only_a, "only the A → B → A cycle"),
        (cycle_averaged, "averages the two cycles"),
        (cycle_summed, "sums over every pixel"),
        (cycle_detached_middle, "gradient reaching G_AB is not"),
        (cycle_half_detached, "gradient reaching G_AB is not"),
        (cycle_item, "plain number"),
        (cycle_no_grad, "carries no gradient"),
        (cycle_fixed_weight, "ignores its `weight` argument"),
        (cycle_default_one, "default weight should be 10"),
        (cycle_per_example, "a loss is one number"),
        (cycle_backward_inside, "called backward() itself"),
        (cycle_in_place, "in place"),
    ],
    "q2": [
        (identity_wrong_domain, "already in B"),
        (identity_is_cycle, "that is the cycle-consistency loss"),
        (identity_other_target, "compares the output with its own input"),
        (identity_squared, "squares the differences"),
        (identity_no_weight, "not multiplied by the weight"),
        (identity_only_ab, "only G_AB's identity"),
        (identity_default_ten, "default weight should be 5"),
        (identity_detached, "no gradient reaches G_AB"),
    ],
    "q3": [
        (PoolNeverSwaps, "never returns stored images"),
        (PoolGrows, "grows beyond its size"),
        (PoolStoresViews, "sharing memory with the caller's batch"),
        (PoolKeepsGraph, "still carry the generator's graph"),
        (PoolReturnsWhatItStores, "shares memory with images stored in the pool"),
        (PoolNeverReplaces, "never puts the new image in their place"),
        (PoolAlwaysSwaps, "for every one of"),
        (PoolBiasedCoin, "about 50%"),
        (PoolGlobalRandom, "two pools made with the same seed"),
        (PoolNoSizeZero, "size 0 is switched off"),
        (PoolReturnsList, "torch.stack"),
        (PoolStoredWhileFilling, "while the pool is not full"),
        (PoolStoresBatches, "whole batches"),
    ],
    "q5": [
        (shuffle_channels_last, "(C, r, r), not (r, r, C)"),
        (shuffle_swapped_block, "rows and columns inside each r×r block are swapped"),
        (shuffle_mosaic, "mosaic of tiles"),
        (shuffle_reshape_only, "a reshape alone"),
        (shuffle_transposed, "height and width are swapped"),
    ],
    "q6": [
        (fade_swapped, "alpha is the *new* layer's share"),
        (fade_bilinear, "bilinear"),
        (fade_at_old_size, "old, smaller size"),
        (fade_not_convex, "add up to 1"),
        (lambda old, new, alpha: (1 - alpha) * old + alpha * new, "was an image meant to be upsampled 2× first"),
    ],
    "q7": [
        (adain_batch_norm, "BatchNorm"),
        (adain_layer_norm, "LayerNorm"),
        (adain_unbiased, "unbiased variance"),
        (adain_swapped, "scale and bias are swapped"),
        (adain_no_normalisation, "without normalising"),
        (adain_no_eps, "add eps"),
        (adain_no_bias, "`bias` is missing"),
    ],
    "q8": [
        (64, "*one* process"),
        (16, "does not split a batch"),
        (4, "number of processes"),
        (68, "multiply, not add"),
        (255, "not right"),
    ],
}

CHECKED = list(WRONG)
THOUGHT = ["q4", "q9", "q10", "q11"]


# --------------------------------------------------------------------------- tests


@pytest.mark.parametrize("name", ["q1", "q2", "q3", "q5", "q6", "q7"])
def test_library_reference_passes(name):
    reference = {"q1": cyclegan.cycle_consistency_loss, "q2": cyclegan.identity_loss, "q3": ImagePool,
                 "q5": F.pixel_shuffle, "q6": stylegan.fade_in, "q7": stylegan.adain}[name]
    assert_correct(problem(name), reference)


# The tests every lesson passes (wrong answers named, the blank not attempted, ...): see lesson_checks_contract.
globals().update(lesson_checks_contract(ex10, WRONG, solution_answer=solution_answer, quick=2.0))


def test_thought_questions_have_hints_a_discussion_and_points():
    assert len(CHECKED) == 7
    for name in THOUGHT:
        assert problem(name).hints and problem(name).discussion, name
        assert problem(name).points > 0  # manually graded under nbgrader


class _StarterPool:
    """The class as the learner notebook starts it."""

    def __init__(self, size=50, seed=0):
        self.size = size
        self.images = []
        self.generator = torch.Generator().manual_seed(seed)

    def query(self, images):
        return ____


class _ReleasedPool(_StarterPool):
    """The class as nbgrader releases it."""

    def query(self, images):
        raise NotImplementedError()


def _released_function(*args, **kwargs):
    raise NotImplementedError()


@pytest.mark.parametrize("name", ["q1", "q2", "q5", "q6", "q7"])
def test_function_starter_with_blank_is_not_attempted(name):
    outcome = evaluate(problem(name), starter_with_blank)
    assert outcome.status == NOT_ATTEMPTED
    assert "____" in outcome.message


def test_pool_starter_is_not_attempted_and_released_stub_fails():
    assert evaluate(ex10.q3, _StarterPool).status == NOT_ATTEMPTED
    outcome = evaluate(ex10.q3, _ReleasedPool)
    assert outcome.status == INCORRECT and "NotImplementedError" in outcome.message


@pytest.mark.parametrize("name", ["q1", "q2"])
def test_released_stub_is_not_attempted(name):
    assert evaluate(problem(name), _released_function).status == NOT_ATTEMPTED


def _returns_nan_batch(*args, **kwargs):
    return torch.full((2, 1, 4, 4), math.nan)


class _NanPool(ImagePool):
    def query(self, images):
        return torch.full_like(images, math.nan)


def _returns_meta(*args, **kwargs):
    return torch.ones((), device="meta")


def _returns_graphless(G_AB, G_BA, real_a, real_b, weight=10.0):
    loss = cyclegan.cycle_consistency_loss(G_AB, G_BA, real_a, real_b, weight)
    G_AB.weight.data.mul_(1.0)  # harmless
    return loss.detach().requires_grad_()  # requires grad, but no path to the generators


class _StoresNaN(ImagePool):
    def query(self, images):
        out = super().query(images)
        self.images = [torch.full_like(image, math.nan) for image in self.images]
        return out


def test_odd_tensors_get_a_sentence_not_a_checker_error():
    for name in ("q1", "q2"):
        outcome = evaluate(problem(name), _returns_meta)
        assert outcome.status == INCORRECT and "meta" in outcome.message
    outcome = evaluate(ex10.q1, _returns_graphless)
    assert outcome.status == INCORRECT and "no gradient reaches G_AB" in outcome.message
    outcome = evaluate(ex10.q3, _StoresNaN)
    assert outcome.status == INCORRECT and "NaN" in outcome.message


@pytest.mark.parametrize("name", CHECKED)
def test_hostile_answers_get_a_sentence(name):
    answers = HOSTILE + [returns_nan, _returns_nan_batch] + ([_NanPool] if name == "q3" else [])
    assert_hostile_answers_get_a_sentence(problem(name), answers)


@pytest.mark.parametrize("name", ["q1", "q3", "q5"])
def test_raising_code_is_named_with_its_line(name):
    assert_names_the_line(evaluate(problem(name), raises))


@pytest.mark.parametrize("name", ["q1", "q3", "q7"])
def test_hanging_code_is_stopped(monkeypatch, name):
    started = time.perf_counter()
    assert_stopped(problem(name), hangs, monkeypatch)
    assert time.perf_counter() - started < 5


def test_hanging_query_is_stopped(monkeypatch):
    class HangingPool(ImagePool):
        def query(self, images):
            while True:
                pass

    assert_stopped(ex10.q3, HangingPool, monkeypatch)


def test_loss_messages_show_what_was_observed():
    outcome = evaluate(ex10.q1, cycle_wrong_order)
    assert "G_AB(x) = -1.5·x - 0.1" in outcome.message and "instead of" in outcome.message


def test_stand_ins_tell_every_mistake_apart():
    """Each listed mistake gives a value different from the right one on the check's first case."""
    a, b = ex10._domain_batch(801)
    for mistakes, reference, weight in ((ex10._cycle_mistakes, cyclegan.cycle_consistency_loss, 10.0),
                                        (ex10._identity_mistakes, cyclegan.identity_loss, 5.0)):
        ab, ba = affine_generators()
        with torch.no_grad():
            expected = float(reference(ab, ba, a, b, weight))
            values = [float(value) for value, _ in mistakes(ab, ba, a, b, weight)]
        assert all(abs(v - expected) > 0.02 * abs(expected) for v in values)
        assert len({round(v, 5) for v in values}) == len(values)


@pytest.mark.parametrize("name, word", [("q4", "steganography"), ("q9", "consent"), ("q10", "Watermarks"), ("q11", "mode")],
                         ids=["q4", "q9", "q10", "q11"])
def test_thought_questions_reveal_discussions(name, word, capsys):
    assert_discussion_revealed(problem(name), word, capsys)


def test_effective_batch_size_matches_the_trainer_under_torchrun():
    """The recipe each process builds draws batches of 64; 4 processes make 256 per step."""
    from learntools.gans.recipes import dcgan

    trainer = dcgan(device="cpu")
    first = next(iter(trainer.real_batches.data))
    assert len(first) == ex10.PER_PROCESS_BATCH
    assert ex10.q8.expected == ex10.GPUS * len(first)
