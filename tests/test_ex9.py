"""Every question of lesson 09: its solution passes, realistic wrong answers fail with a message naming
what was observed, the blank says "not attempted", and hostile answers get a sentence."""

import math

import pytest
import torch
import torch.nn.functional as F
from gans_support import (  # noqa: F401  (one_thread: an autouse fixture)
    HOSTILE,
    assert_correct,
    assert_discussion_revealed,
    assert_hostile_answers_get_a_sentence,
    assert_stopped,
    declared_answer,
    evaluate,
    hangs,
    lesson_checks_contract,
    one_thread,
    returns_nan_grid,
    starter_with_blank,
)

from learntools.core import CORRECT, NOT_ATTEMPTED, ____
from learntools.gans import ex9
from learntools.gans import evaluation
from learntools.gans.models import pix2pix as reference


def solution_answer(name):
    """Run the question's declared solution code, the way the solution notebook does."""
    return declared_answer(getattr(ex9, name), {"torch": torch, "F": F})


# --------------------------------------------------------------------------- wrong answers


def _d_terms(D, real_pairs, fake_pairs, real_label=1.0, fake_label=0.0):
    real, fake = D(real_pairs), D(fake_pairs)
    return (F.binary_cross_entropy_with_logits(real, torch.full_like(real, real_label))
            + F.binary_cross_entropy_with_logits(fake, torch.full_like(fake, fake_label)))


def d_loss_with_library_bce_terms(D, inputs, targets, fakes):
    from learntools.gans.losses import nonsaturating_d
    return nonsaturating_d(D(torch.cat([inputs, targets], 1)).flatten(), D(torch.cat([inputs, fakes.detach()], 1)).flatten())


def d_loss_only_output(D, inputs, targets, fakes):
    return _d_terms(D, targets, fakes.detach())  # an unconditional D: never sees the input


def d_loss_cat_dim0(D, inputs, targets, fakes):
    return _d_terms(D, torch.cat([inputs, targets]), torch.cat([inputs, fakes.detach()]))


def d_loss_cat_height(D, inputs, targets, fakes):
    return _d_terms(D, torch.cat([inputs, targets], dim=2), torch.cat([inputs, fakes.detach()], dim=2))


def d_loss_labels_swapped(D, inputs, targets, fakes):
    return _d_terms(D, torch.cat([inputs, targets], 1), torch.cat([inputs, fakes.detach()], 1), 0.0, 1.0)


def d_loss_not_detached(D, inputs, targets, fakes):
    return _d_terms(D, torch.cat([inputs, targets], 1), torch.cat([inputs, fakes], 1))


def d_loss_fake_with_target(D, inputs, targets, fakes):
    return _d_terms(D, torch.cat([inputs, targets], 1), torch.cat([targets, fakes.detach()], 1))


def d_loss_input_last(D, inputs, targets, fakes):
    return _d_terms(D, torch.cat([targets, inputs], 1), torch.cat([fakes.detach(), inputs], 1))


def d_loss_item(D, inputs, targets, fakes):
    return _d_terms(D, torch.cat([inputs, targets], 1), torch.cat([inputs, fakes.detach()], 1)).item()


def d_loss_halved(D, inputs, targets, fakes):
    return _d_terms(D, torch.cat([inputs, targets], 1), torch.cat([inputs, fakes.detach()], 1)) / 2


def d_loss_real_only(D, inputs, targets, fakes):
    real = D(torch.cat([inputs, targets], 1))
    D(torch.cat([inputs, fakes.detach()], 1))
    return F.binary_cross_entropy_with_logits(real, torch.ones_like(real))



def rf_no_jump(layers):
    return 1 + sum(k - 1 for k, _ in layers)


def rf_own_stride(layers):
    field, jump = 1, 1
    for k, s in layers:
        jump *= s
        field += (k - 1) * jump
    return field


def rf_product(layers):
    return math.prod(k for k, _ in layers)


def rf_without_one(layers):
    field, jump = 0, 1
    for k, s in layers:
        field += (k - 1) * jump
        jump *= s
    return field


def rf_kernel_times_jump(layers):
    field, jump = 1, 1
    for k, s in layers:
        field += k * jump
        jump *= s
    return field


def loss_l2(fake_logits, fake, target, l1_weight=100.0):
    return F.softplus(-fake_logits).mean() + l1_weight * ((fake - target) ** 2).mean()


def loss_no_weight(fake_logits, fake, target, l1_weight=100.0):
    return F.softplus(-fake_logits).mean() + (fake - target).abs().mean()


def loss_weight_on_adversarial(fake_logits, fake, target, l1_weight=100.0):
    return l1_weight * F.softplus(-fake_logits).mean() + (fake - target).abs().mean()


def loss_minimax(fake_logits, fake, target, l1_weight=100.0):
    return -F.softplus(fake_logits).mean() + l1_weight * (fake - target).abs().mean()


def loss_target_fake(fake_logits, fake, target, l1_weight=100.0):
    return F.softplus(fake_logits).mean() + l1_weight * (fake - target).abs().mean()


def loss_sum(fake_logits, fake, target, l1_weight=100.0):
    return F.softplus(-fake_logits).mean() + l1_weight * (fake - target).abs().sum()


def loss_l1_only(fake_logits, fake, target, l1_weight=100.0):
    return l1_weight * (fake - target).abs().mean()


def loss_default_weight_one(fake_logits, fake, target, l1_weight=1.0):
    """Right whenever the weight is given; the default is not the exercise's 100."""
    return F.softplus(-fake_logits).mean() + l1_weight * (fake - target).abs().mean()


def loss_bce_probabilities(fake_logits, fake, target, l1_weight=100.0):
    # sigmoid, then BCE: the same value (correct), numerically less safe but accepted
    probabilities = torch.sigmoid(fake_logits)
    return F.binary_cross_entropy(probabilities, torch.ones_like(probabilities)) + l1_weight * (fake - target).abs().mean()


def psnr_peak_one(output, target):
    mse = ((output - target) ** 2).flatten(1).mean(dim=1)
    return (10 * torch.log10(1 / mse)).mean()


def psnr_batch_mse(output, target):
    return 10 * torch.log10(4 / ((output - target) ** 2).mean())


def psnr_twenty(output, target):
    mse = ((output - target) ** 2).flatten(1).mean(dim=1)
    return (20 * torch.log10(4 / mse)).mean()


def psnr_natural_log(output, target):
    mse = ((output - target) ** 2).flatten(1).mean(dim=1)
    return (10 * torch.log(4 / mse)).mean()


def psnr_mae(output, target):
    mae = (output - target).abs().flatten(1).mean(dim=1)
    return (10 * torch.log10(4 / mae)).mean()


def psnr_per_image(output, target):
    mse = ((output - target) ** 2).flatten(1).mean(dim=1)
    return 10 * torch.log10(4 / mse)


def psnr_inverted(output, target):
    mse = ((output - target) ** 2).flatten(1).mean(dim=1)
    return (10 * torch.log10(mse / 4)).mean()


WRONG = {
    "q1": [
        ([256, 256, 128, 64, 32], "encoder-decoder"),
        ([512, 512, 256, 128, 64], "no encoder map of the same size"),
        ([256, 512, 256, 128, 32], "the last layer gets a skip too"),
        ([256, 384, 192, 96, 64], "*next* encoder level"),
        ([256, 512, 256, 128], "has 4 numbers"),
        ([256, 512, 256, 100, 64], "layer 4"),
    ],
    "q2": [
        (lambda x, skip: x + skip, "you added the two maps"),
        (lambda x, skip: torch.cat([skip, x], dim=1), "comes first"),
        (lambda x, skip: torch.cat([x, skip], dim=0), "dim=0"),
        (lambda x, skip: torch.cat([x, skip], dim=2), "along the height"),
        (lambda x, skip: x, "returned `x` unchanged"),
    ],
    "q3": [((1, 1), "single verdict"), ((7, 7), "two stride-2"), ((6, 6), "only one of the two"),
           ((4, 4), "one too small"), ((8, 8), "pads to 32"), ((3, 5), "differs")],
    "q4": [
        (rf_no_jump, "without the jump"),
        (rf_own_stride, "own stride"),
        (rf_product, "multiplied the kernel sizes"),
        (rf_without_one, "one short"),
        (rf_kernel_times_jump, "not kernel × jump"),
    ],
    "q6": [
        (d_loss_only_output, "D sees only the output"),
        (d_loss_cat_dim0, "along dim 0"),
        (d_loss_cat_height, "along the height"),
        (d_loss_labels_swapped, "labels are swapped"),
        (d_loss_not_detached, "must be detached"),
        (d_loss_fake_with_target, "paired the fake with the target"),
        (d_loss_input_last, "put the input first"),
        (d_loss_item, "return the loss tensor"),
        (d_loss_halved, "halved"),
        (d_loss_real_only, "only the real pairs"),
    ],
    "q5": [
        (loss_l2, "L2"),
        (loss_no_weight, "missing its weight"),
        (loss_weight_on_adversarial, "multiplies the wrong term"),
        (loss_minimax, "minimax"),
        (loss_target_fake, "called real"),
        (loss_sum, "a sum over all pixels"),
        (loss_l1_only, "only the L1 term"),
        (loss_default_weight_one, "called without l1_weight, your loss weighs the L1 term by 1: make the default 100"),
    ],
    "q7": [
        (psnr_peak_one, "6 dB too low"),
        (psnr_batch_mse, "one MSE over the whole batch"),
        (psnr_twenty, "20·log10"),
        (psnr_natural_log, "natural log"),
        (psnr_mae, "mean absolute error"),
        (psnr_per_image, "average the per-image"),
        (psnr_inverted, "upside down"),
    ],
}
CHECKED = list(WRONG)


# --------------------------------------------------------------------------- tests


def test_other_right_answers_pass():
    assert evaluate(ex9.q3, [5, 5]).status == CORRECT
    D = reference.PatchDiscriminator(in_channels=2, width=4, n_down=2)
    assert evaluate(ex9.q3, tuple(D(torch.zeros(1, 1, 28, 28), torch.zeros(1, 1, 28, 28)).shape[-2:])).status == CORRECT
    assert evaluate(ex9.q4, reference.receptive_field).status == CORRECT
    assert evaluate(ex9.q5, loss_bce_probabilities).status == CORRECT
    assert evaluate(ex9.q7, lambda output, target: evaluation.psnr(output, target)).status == CORRECT
    assert evaluate(ex9.q6, d_loss_with_library_bce_terms).status == CORRECT
    assert evaluate(ex9.q1, (256, 512, 256, 128, 64)).status == CORRECT


# The tests every lesson passes (wrong answers named, the blank not attempted, ...): see lesson_checks_contract.
globals().update(lesson_checks_contract(ex9, WRONG, solution_answer=solution_answer, quick=2.0))


def test_thought_question_has_a_discussion_and_points():
    assert ex9.q8.discussion and ex9.q8.points > 0


def test_half_filled_answers_are_not_attempted():
    assert evaluate(ex9.q1, [256, ____, ____, ____, ____]).status == NOT_ATTEMPTED
    assert evaluate(ex9.q3, (____, ____)).status == NOT_ATTEMPTED


@pytest.mark.parametrize("name", ["q2", "q4", "q5", "q6", "q7"])
def test_function_starter_is_not_attempted(name):
    outcome = evaluate(getattr(ex9, name), starter_with_blank)
    assert outcome.status == NOT_ATTEMPTED and "____" in outcome.message


@pytest.mark.parametrize("name", CHECKED)
def test_hostile_answers_get_a_sentence(name):
    assert_hostile_answers_get_a_sentence(getattr(ex9, name), HOSTILE + [
        returns_nan_grid, lambda *args: "a string", lambda *args: None, lambda *args: math.nan])


def test_hanging_function_is_stopped(monkeypatch):
    assert_stopped(ex9.q4, hangs, monkeypatch)


def test_the_lessons_numbers_match_the_library():
    unet = reference.UNetGenerator(width=32, depth=5)
    reads = [block[0].in_channels for block in unet.decoder] + [unet.to_image[0].in_channels]
    assert reads == ex9.UNET_IN == [256, 512, 256, 128, 64]
    plain = reference.EncoderDecoderGenerator(width=32, depth=5)
    assert [block[0].in_channels for block in plain.decoder] + [plain.to_image[0].in_channels] == [256, 256, 128, 64, 32]
    assert [m.out_channels for m in (level[0] for level in unet.encoder)] == ex9.ENCODER_CHANNELS
    D = reference.PatchDiscriminator(in_channels=2, width=32, n_down=2)
    assert tuple(D(torch.zeros(1, 1, 28, 28), torch.zeros(1, 1, 28, 28)).shape[-2:]) == (5, 5)
    assert reference.receptive_field(reference.patch_layers(3)) == 70

def test_thought_question_reveals_discussion(capsys):
    assert_discussion_revealed(ex9.q8, "L1", capsys)
