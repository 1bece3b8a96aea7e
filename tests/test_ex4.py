"""Every question of lesson 04 (the discriminator): its solution passes, realistic wrong answers fail with a
message that names what was observed, the blank says "not attempted", and hostile answers get a sentence."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from gans_support import (
    assert_correct,
    assert_discussion_revealed,
    assert_hostile_answers_get_a_sentence,
    assert_stopped,
    evaluate,
    hostile_modules,
    lesson_checks_contract,
    question,
    raises,
    run_solution,
    starter_with_blank,
)
from torch import nn

from learntools.core import CORRECT, NOT_ATTEMPTED, ____
from learntools.gans import ex4
from learntools.gans.models import DCGANDiscriminator, count_parameters


def problem(name):
    return question(ex4, name)


def solved_namespace():
    """The notebook's names as the solution notebook defines them, from the declared solutions."""
    namespace = {"torch": torch, "nn": nn, "logit": ex4.LOGIT.clone(), "label": ex4.LABEL.clone()}
    for name in ("q1", "q2", "q3", "q5.a", "q5.b", "q5.c"):
        run_solution(problem(name), namespace)
    return namespace


SOLVED = solved_namespace()
discriminator_block = SOLVED["discriminator_block"]
Discriminator = SOLVED["Discriminator"]


def solution_answer(name):
    return SOLVED[problem(name).var]


# --------------------------------------------------------------------------- wrong blocks (q1)


def block(in_channels, out_channels, batch_norm=True, kernel=4, stride=2, padding=1, activation=None,
          norm_first=False, conv=nn.Conv2d, norm=True, bias=None, norm_channels=None):
    """A discriminator block with one thing changed."""
    layers = [conv(in_channels, out_channels, kernel, stride, padding, bias=not batch_norm if bias is None else bias)]
    if batch_norm and norm:
        layers.append(nn.BatchNorm2d(norm_channels or out_channels))
    activation = nn.LeakyReLU(0.2) if activation is None else activation
    if activation is not False:
        layers.insert(1, activation) if norm_first else layers.append(activation)
    return nn.Sequential(*layers)


def block_padding_zero(in_channels, out_channels, batch_norm=True):
    return block(in_channels, out_channels, batch_norm, padding=0)


def block_relu(in_channels, out_channels, batch_norm=True):
    return block(in_channels, out_channels, batch_norm, activation=nn.ReLU())


def block_default_slope(in_channels, out_channels, batch_norm=True):
    return block(in_channels, out_channels, batch_norm, activation=nn.LeakyReLU())


def block_slope_03(in_channels, out_channels, batch_norm=True):
    return block(in_channels, out_channels, batch_norm, activation=nn.LeakyReLU(0.3))


def block_never_norm(in_channels, out_channels, batch_norm=True):
    return block(in_channels, out_channels, batch_norm, norm=False)


def block_always_norm(in_channels, out_channels, batch_norm=True):
    return block(in_channels, out_channels, True)


def block_norm_after_activation(in_channels, out_channels, batch_norm=True):
    return block(in_channels, out_channels, batch_norm, norm_first=True)


def block_pooling(in_channels, out_channels, batch_norm=True):
    layers = [nn.Conv2d(in_channels, out_channels, 3, 1, 1), nn.MaxPool2d(2)]
    if batch_norm:
        layers.append(nn.BatchNorm2d(out_channels))
    return nn.Sequential(*layers, nn.LeakyReLU(0.2))


def block_transposed(in_channels, out_channels, batch_norm=True):
    return block(in_channels, out_channels, batch_norm, conv=nn.ConvTranspose2d)


def block_kernel_3(in_channels, out_channels, batch_norm=True):
    return block(in_channels, out_channels, batch_norm, kernel=3)


def block_stride_1(in_channels, out_channels, batch_norm=True):
    return block(in_channels, out_channels, batch_norm, stride=1)


def block_no_activation(in_channels, out_channels, batch_norm=True):
    return block(in_channels, out_channels, batch_norm, activation=False)


def block_norm_of_input(in_channels, out_channels, batch_norm=True):
    return block(in_channels, out_channels, batch_norm, norm_channels=in_channels)


class FunctionalBlock(nn.Module):
    """A block written as a module with the activation in forward."""

    def __init__(self, in_channels, out_channels, batch_norm=True, slope=0.2):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, 4, 2, 1, bias=not batch_norm)
        self.norm = nn.BatchNorm2d(out_channels) if batch_norm else nn.Identity()
        self.slope = slope

    def forward(self, x):
        x = self.norm(self.conv(x))
        return F.leaky_relu(x, self.slope) if self.slope else F.relu(x)


def block_functional_relu(in_channels, out_channels, batch_norm=True):
    return FunctionalBlock(in_channels, out_channels, batch_norm, slope=0)


def block_with_bias(in_channels, out_channels, batch_norm=True):
    return block(in_channels, out_channels, batch_norm, bias=True)


def block_inplace(in_channels, out_channels, batch_norm=True):
    return block(in_channels, out_channels, batch_norm, activation=nn.LeakyReLU(0.2, inplace=True))


# --------------------------------------------------------------------------- wrong discriminators (q2)


class DiscriminatorParts(nn.Module):
    def __init__(self, width=64, down1=None, down2=None, score=None, end=None):
        super().__init__()
        self.down1 = discriminator_block(1, width, batch_norm=False) if down1 is None else down1
        self.down2 = discriminator_block(width, 2 * width) if down2 is None else down2
        self.score = nn.Sequential(nn.Flatten(), nn.Linear(2 * width * 7 * 7, 1)) if score is None else score
        self.end = end

    def forward(self, images):
        logits = self.score(self.down2(self.down1(images)))
        return logits if self.end is None else self.end(logits)


def make(**changes):
    class WrongDiscriminator(DiscriminatorParts):
        def __init__(self, width=64):
            super().__init__(width, **{name: part(width) for name, part in changes.items()})

    return WrongDiscriminator


SigmoidDiscriminator = make(end=lambda w: nn.Sigmoid())
TanhDiscriminator = make(end=lambda w: nn.Tanh())
ReluDiscriminator = make(down1=lambda w: block_relu(1, w, False), down2=lambda w: block_relu(w, 2 * w))
NormFirstBlockDiscriminator = make(down1=lambda w: discriminator_block(1, w, batch_norm=True))
NoNormDiscriminator = make(down2=lambda w: discriminator_block(w, 2 * w, batch_norm=False))
PaddingDiscriminator = make(down1=lambda w: block_padding_zero(1, w, False))
DefaultSlopeDiscriminator = make(down2=lambda w: block_default_slope(w, 2 * w))
ShortLinearDiscriminator = make(score=lambda w: nn.Sequential(nn.Flatten(), nn.Linear(w * 7 * 7, 1)))
FourDimDiscriminator = make(score=lambda w: nn.Conv2d(2 * w, 1, 7))
TwoClassDiscriminator = make(score=lambda w: nn.Sequential(nn.Flatten(), nn.Linear(2 * w * 7 * 7, 2)))
NoScoreDiscriminator = make(score=lambda w: nn.Flatten())
BatchMeanDiscriminator = make(end=lambda w: (lambda logits: logits.mean()))
ConvScoreDiscriminator = make(score=lambda w: nn.Sequential(nn.Conv2d(2 * w, 1, 7), nn.Flatten()))  # right too


class FixedWidthDiscriminator(DiscriminatorParts):
    def __init__(self, width=64):
        super().__init__(64)


class TupleDiscriminator(DiscriminatorParts):
    def forward(self, images):
        return super().forward(images), images


class NanDiscriminator(DiscriminatorParts):
    def forward(self, images):
        return super().forward(images) * math.nan


class RaisingDiscriminator(DiscriminatorParts):
    def forward(self, images):
        raise RuntimeError("forward is broken")


class UnfinishedDiscriminator(nn.Module):
    def __init__(self, width=64):
        super().__init__()
        self.down1 = ____

    def forward(self, images):
        return ____


# --------------------------------------------------------------------------- the table

WRONG = {
    "q1": [
        (block_padding_zero, "turns a 28×28 input into 13×13, not 14×14: its padding is 0; padding 1 with kernel 4 "
                             "and stride 2 halves exactly"),
        (block_relu, "contains a ReLU"),
        (block_default_slope, "0.01, PyTorch's default"),
        (block_slope_03, "negative slope of 0.3"),
        (block_never_norm, "has no BatchNorm2d"),
        (block_always_norm, "although batch_norm=False"),
        (block_norm_after_activation, "the LeakyReLU runs before the BatchNorm2d"),
        (block_pooling, "no pooling"),
        (block_transposed, "grows feature maps"),
        (block_kernel_3, "halves the size, but it has kernel 3"),
        (block_stride_1, "its stride is 1"),
        (block_no_activation, "has no activation"),
        (block_norm_of_input, "the BatchNorm2d has 8 channels, but the convolution gives 16"),
        (block_functional_relu, "outputs 0 for every negative input (slope 0): that is ReLU"),
    ],
    "q2": [
        (SigmoidDiscriminator, "looks like a sigmoid at the end"),
        (TanhDiscriminator, "come from a tanh"),
        (ReluDiscriminator, "contains a ReLU"),
        (NormFirstBlockDiscriminator, "the first block of `Discriminator()` has a BatchNorm2d"),
        (NoNormDiscriminator, "the second block of `Discriminator()` has no BatchNorm2d"),
        (PaddingDiscriminator, "go 28 → 13 → 6, not 28 → 14 → 7: block 1 turns 28×28 into 13×13; its padding is 0"),
        (DefaultSlopeDiscriminator, "0.01, PyTorch's default"),
        (ShortLinearDiscriminator, "Linear layer expects 3,136 features, but the flattened feature maps have 6,272"),
        (FourDimDiscriminator, "flatten it"),
        (TwoClassDiscriminator, "2 numbers per image"),
        (NoScoreDiscriminator, "6,272 numbers per image"),
        (BatchMeanDiscriminator, "one logit per image"),
        (FixedWidthDiscriminator, "go 1 → 64 → 128; this design goes 1 → 8 → 16"),
        (TupleDiscriminator, "returned a tuple"),
        (NanDiscriminator, "NaN"),
        (RaisingDiscriminator, "raised RuntimeError: forward is broken"),
    ],
    "q5.a": [(100.0, "caps at 100"), (math.log(2), "coin flip"), (0.0, "label 1"), (-200.0, "never negative"),
             (torch.tensor(150.0), "not what PyTorch gives"),
             (nn.BCEWithLogitsLoss()(torch.tensor([1.0]), torch.tensor([-200.0])), "the arguments are swapped")],
    "q5.b": [(200.0, "raw logit"), (100.0, "treats it as a logit"), (0.5, "sigmoid(0)"), (torch.tensor([1.0, 2.0]), "holds 2 values"),
             (nn.BCEWithLogitsLoss()(torch.tensor([1.0]), torch.sigmoid(torch.tensor([-200.0]))), "the arguments are swapped")],
    "q5.c": [(200.0, "nn.BCEWithLogitsLoss gives"), (math.inf, "clamps its log"), (math.log(2), "double-sigmoid"),
             (0.0, "label 0")],
}

RIGHT_TOO = {
    "q1": [block_with_bias, block_inplace, FunctionalBlock],
    "q2": [DCGANDiscriminator, ConvScoreDiscriminator],
    "q5.a": [torch.tensor([200.0]), 200, np.float32(200.0)],
    "q5.c": [torch.tensor(100.0)],
}

WRONG["q3"] = [
    (lambda pixels: (pixels.float() / 255).unsqueeze(1), "lie in [0, 1]"),
    (lambda pixels: (pixels.float() / 255 * 2).unsqueeze(1), "forgot to subtract 1"),
    (lambda pixels: (pixels.float() / 255 / 255 * 2 - 1).unsqueeze(1), "divided by 255 twice"),
    (lambda pixels: (pixels.double() / 127.5 - 1).unsqueeze(1), "float64"),
    (lambda pixels: pixels.float() / 127.5 - 1, "add the channel axis"),
    (lambda pixels: (pixels * 2 / 255 - 1).unsqueeze(1), "overflowed"),
    (lambda pixels: ((pixels.float() - pixels.float().amin((1, 2), keepdim=True))
                     / (pixels.float().amax((1, 2), keepdim=True) - pixels.float().amin((1, 2), keepdim=True)) * 2 - 1
                     ).unsqueeze(1), "each image by its own minimum and maximum"),
    (lambda pixels: ((pixels.float() - pixels.min()) / (pixels.max() - pixels.min()) * 2 - 1).unsqueeze(1),
     "batch's own minimum and maximum"),
    (lambda pixels: (pixels.float() / 128 - 1).unsqueeze(1), "0.992"),
    (lambda pixels: ((pixels.float() / 255 - 0.1307) / 0.3081).unsqueeze(1), "mean/std normalisation"),
    (lambda pixels: pixels.unsqueeze(1), "integers"),
    (lambda pixels: (1 - pixels.float() / 127.5).unsqueeze(1), "upside down"),
]
RIGHT_TOO["q3"] = [lambda pixels: (pixels / 255 - 0.5).unsqueeze(1) / 0.5,
                   lambda pixels: pixels[:, None].to(torch.float32).mul(2 / 255).sub(1)]
CHECKED = list(WRONG)


# --------------------------------------------------------------------------- tests


# The tests every lesson passes (wrong answers named, the blank not attempted, ...): see lesson_checks_contract.
globals().update(lesson_checks_contract(ex4, WRONG, RIGHT_TOO, solution_answer=solution_answer))


def test_thought_questions_have_a_discussion_hints_and_points():
    for name in ("q4", "q6"):
        assert problem(name).discussion and problem(name).hints and problem(name).points >= 1


def test_a_bias_before_batchnorm_passes_with_a_note():
    outcome = evaluate(ex4.q1, block_with_bias)
    assert outcome.status == CORRECT and "bias=not batch_norm" in outcome.message



def test_starters_with_blanks_are_not_attempted():
    outcome = evaluate(ex4.q1, starter_with_blank)
    assert outcome.status == NOT_ATTEMPTED and "____" in outcome.message
    assert evaluate(ex4.q2, UnfinishedDiscriminator).status == NOT_ATTEMPTED


HOSTILE = [None, "Discriminator", {"a": 1}, [1, [2, 3]], object(), math.nan, torch.tensor([math.nan]), raises,
           *hostile_modules((4, 1))]


@pytest.mark.parametrize("name", CHECKED)
def test_hostile_answers_get_a_sentence(name):
    assert_hostile_answers_get_a_sentence(problem(name), HOSTILE)


def test_a_hanging_discriminator_is_stopped(monkeypatch):
    class Slow(DiscriminatorParts):
        def forward(self, images):
            while True:
                pass

    assert_stopped(ex4.q2, Slow, monkeypatch)


def test_a_discriminator_instance_is_checked_on_a_copy():
    model = Discriminator()
    before = {name: p.clone() for name, p in model.state_dict().items()}
    model.eval()
    outcome = evaluate(ex4.q2, model)
    assert outcome.status == CORRECT, outcome.message
    assert not model.training, "the check must not switch the learner's model to training mode"
    assert all(not m._forward_hooks and not m._forward_pre_hooks for m in model.modules()), "hooks left behind"
    for name, tensor in model.state_dict().items():
        assert torch.equal(tensor, before[name]), f"the check changed {name}"


def test_reference_numbers_match_the_library():
    assert count_parameters(DCGANDiscriminator()) == ex4.DISCRIMINATOR_PARAMETERS
    assert count_parameters(DCGANDiscriminator(width=8)) == ex4.SMALL_DISCRIMINATOR_PARAMETERS
    assert count_parameters(Discriminator()) == ex4.DISCRIMINATOR_PARAMETERS


def test_the_loss_numbers_are_what_pytorch_computes():
    logit, label = ex4.LOGIT, ex4.LABEL
    assert nn.BCEWithLogitsLoss()(logit, label).item() == pytest.approx(200.0)
    assert nn.BCEWithLogitsLoss()(torch.sigmoid(logit), label).item() == pytest.approx(math.log(2))
    assert nn.BCELoss()(torch.sigmoid(logit), label).item() == pytest.approx(100.0)
    # and the gradients the lesson's plot shows: -1 through the logit form, 0 through sigmoid + BCELoss
    x = logit.clone().requires_grad_(True)
    nn.BCEWithLogitsLoss()(x, label).backward()
    assert x.grad.item() == pytest.approx(-1.0)
    x = logit.clone().requires_grad_(True)
    nn.BCELoss()(torch.sigmoid(x), label).backward()
    assert x.grad.item() == 0.0


@pytest.mark.parametrize("name, word", [("q4", "LeakyReLU"), ("q6", "BCEWithLogitsLoss")], ids=["q4", "q6"])
def test_thought_questions_reveal_their_discussion(name, word, capsys):
    assert_discussion_revealed(problem(name), word, capsys)
