"""Every question of lesson 03 (the generator): its solution passes, realistic wrong answers fail with a
message that names what was observed, the blank says "not attempted", and hostile answers get a sentence."""

import math

import numpy as np
import pytest
import torch
from gans_support import (
    assert_correct,
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

from learntools.core import CORRECT, INCORRECT, NOT_ATTEMPTED, ____
from learntools.gans import ex3
from learntools.gans.models import DCGANGenerator, count_parameters


def problem(name):
    return question(ex3, name)


def solved_namespace():
    """The notebook's names as the solution notebook defines them, from the declared solutions."""
    namespace = {"torch": torch, "nn": nn}
    for name in ("q1.a", "q1.b", "q1.c", "q2", "q3", "q4", "q5"):
        run_solution(problem(name), namespace)
    return namespace


SOLVED = solved_namespace()
generator_block = SOLVED["generator_block"]
Generator = SOLVED["Generator"]


def solution_answer(name):
    return SOLVED[problem(name).var]


# --------------------------------------------------------------------------- wrong blocks (q2)


def block_without_norm(in_channels, out_channels, kernel_size=4, stride=2, padding=1):
    return nn.Sequential(nn.ConvTranspose2d(in_channels, out_channels, kernel_size, stride, padding), nn.ReLU())


def block_leaky(in_channels, out_channels, kernel_size=4, stride=2, padding=1):
    return nn.Sequential(nn.ConvTranspose2d(in_channels, out_channels, kernel_size, stride, padding, bias=False),
                         nn.BatchNorm2d(out_channels), nn.LeakyReLU(0.2))


def block_relu_first(in_channels, out_channels, kernel_size=4, stride=2, padding=1):
    return nn.Sequential(nn.ConvTranspose2d(in_channels, out_channels, kernel_size, stride, padding, bias=False),
                         nn.ReLU(), nn.BatchNorm2d(out_channels))


def block_padding_zero(in_channels, out_channels, kernel_size=4, stride=2, padding=0):
    return generator_block(in_channels, out_channels, kernel_size, stride, padding)


def block_conv2d(in_channels, out_channels, kernel_size=4, stride=2, padding=1):
    return nn.Sequential(nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding, bias=False),
                         nn.BatchNorm2d(out_channels), nn.ReLU())


def block_norm_of_input(in_channels, out_channels, kernel_size=4, stride=2, padding=1):
    return nn.Sequential(nn.ConvTranspose2d(in_channels, out_channels, kernel_size, stride, padding, bias=False),
                         nn.BatchNorm2d(in_channels), nn.ReLU())


def block_norm_1d(in_channels, out_channels, kernel_size=4, stride=2, padding=1):
    return nn.Sequential(nn.ConvTranspose2d(in_channels, out_channels, kernel_size, stride, padding, bias=False),
                         nn.BatchNorm1d(out_channels), nn.ReLU())


def block_fixed_geometry(in_channels, out_channels, kernel_size=4, stride=2, padding=1):
    return generator_block(in_channels, out_channels)  # ignores kernel_size, stride, padding


def block_as_list(in_channels, out_channels, kernel_size=4, stride=2, padding=1):
    return [nn.ConvTranspose2d(in_channels, out_channels, kernel_size, stride, padding, bias=False),
            nn.BatchNorm2d(out_channels), nn.ReLU()]


def block_without_relu(in_channels, out_channels, kernel_size=4, stride=2, padding=1):
    return nn.Sequential(nn.ConvTranspose2d(in_channels, out_channels, kernel_size, stride, padding, bias=False),
                         nn.BatchNorm2d(out_channels))


def block_with_bias(in_channels, out_channels, kernel_size=4, stride=2, padding=1):
    return nn.Sequential(nn.ConvTranspose2d(in_channels, out_channels, kernel_size, stride, padding),
                         nn.BatchNorm2d(out_channels), nn.ReLU())


def block_inplace_relu(in_channels, out_channels, kernel_size=4, stride=2, padding=1):
    return nn.Sequential(nn.ConvTranspose2d(in_channels, out_channels, kernel_size, stride, padding, bias=False),
                         nn.BatchNorm2d(out_channels), nn.ReLU(inplace=True))


# --------------------------------------------------------------------------- wrong generators (q3)


class GeneratorParts(nn.Module):
    """A generator assembled from parts, so that each wrong version changes one thing."""

    def __init__(self, z_dim=100, width=64, project=None, up1=None, up2=None, reshape=True, extra=None):
        super().__init__()
        self.z_dim, self.reshape = z_dim, reshape
        self.project = generator_block(z_dim, 2 * width, kernel_size=7, stride=1, padding=0) if project is None else project
        self.up1 = generator_block(2 * width, width) if up1 is None else up1
        self.up2 = nn.Sequential(nn.ConvTranspose2d(width, 1, 4, 2, 1), nn.Tanh()) if up2 is None else up2

    def forward(self, z):
        x = z.view(-1, self.z_dim, 1, 1) if self.reshape else z
        return self.up2(self.up1(self.project(x)))


def make(**changes):
    """A Generator class with some parts replaced: make(up2=lambda z_dim, width: ...)."""

    class WrongGenerator(GeneratorParts):
        def __init__(self, z_dim=100, width=64):
            built = {name: part(z_dim, width) for name, part in changes.items() if callable(part)}
            flags = {name: value for name, value in changes.items() if not callable(value)}
            super().__init__(z_dim, width, **built, **flags)

    return WrongGenerator


SigmoidGenerator = make(up2=lambda z, w: nn.Sequential(nn.ConvTranspose2d(w, 1, 4, 2, 1), nn.Sigmoid()))
NoTanhGenerator = make(up2=lambda z, w: nn.ConvTranspose2d(w, 1, 4, 2, 1))
ReluOutGenerator = make(up2=lambda z, w: nn.Sequential(nn.ConvTranspose2d(w, 1, 4, 2, 1), nn.ReLU()))
Padding32Generator = make(up1=lambda z, w: generator_block(2 * w, w, padding=0))
NormOnOutputGenerator = make(up2=lambda z, w: nn.Sequential(nn.ConvTranspose2d(w, 1, 4, 2, 1), nn.BatchNorm2d(1), nn.Tanh()))
NoReshapeGenerator = make(reshape=False)
ThreeChannelGenerator = make(up2=lambda z, w: nn.Sequential(nn.ConvTranspose2d(w, 3, 4, 2, 1), nn.Tanh()))
HalfWidthGenerator = make(project=lambda z, w: generator_block(z, w, 7, 1, 0),
                          up1=lambda z, w: generator_block(w, w // 2),
                          up2=lambda z, w: nn.Sequential(nn.ConvTranspose2d(w // 2, 1, 4, 2, 1), nn.Tanh()))
FourByFourGenerator = make(project=lambda z, w: generator_block(z, 2 * w, 4, 1, 0))
LeakyGenerator = make(up1=lambda z, w: block_leaky(2 * w, w))
NoReluGenerator = make(up1=lambda z, w: block_without_relu(2 * w, w))
Kernel6Generator = make(up1=lambda z, w: generator_block(2 * w, w, kernel_size=6, stride=2, padding=2))


class FixedSizeGenerator(GeneratorParts):
    """Ignores its arguments: always 100 noise numbers and width 64."""

    def __init__(self, z_dim=100, width=64):
        super().__init__(100, 64)


class FixedWidthGenerator(GeneratorParts):
    def __init__(self, z_dim=100, width=64):
        super().__init__(z_dim, 64)


class TupleGenerator(GeneratorParts):
    def forward(self, z):
        image = super().forward(z)
        return image, z


class NanGenerator(GeneratorParts):
    def forward(self, z):
        return super().forward(z) * math.nan


class RaisingGenerator(GeneratorParts):
    def forward(self, z):
        raise RuntimeError("forward is broken")


class SlowGenerator(GeneratorParts):
    def forward(self, z):
        while True:
            pass


class UnfinishedGenerator(nn.Module):
    def __init__(self, z_dim=100, width=64):
        super().__init__()
        self.project = generator_block(z_dim, 2 * width, 7, 1, 0)
        self.up1 = ____

    def forward(self, z):
        return ____


def blank_block(in_channels, out_channels, kernel_size=4, stride=2, padding=1):
    return ____


class GeneratorOfBlankBlocks(GeneratorParts):
    """The class is complete, but generator_block (q2) is still the starter."""

    def __init__(self, z_dim=100, width=64):
        super().__init__(z_dim, width, project=blank_block(z_dim, 2 * width), up1=nn.Identity())


# --------------------------------------------------------------------------- wrong noise (q4)


def noise_uniform(n, z_dim=100, device="cpu"):
    return torch.rand(n, z_dim, device=device)


def noise_on_cpu(n, z_dim=100, device="cpu"):
    return torch.randn(n, z_dim)


def noise_seeded(n, z_dim=100, device="cpu"):
    torch.manual_seed(0)
    return torch.randn(n, z_dim, device=device)


def noise_4d(n, z_dim=100, device="cpu"):
    return torch.randn(n, z_dim, 1, 1, device=device)


def noise_numpy(n, z_dim=100, device="cpu"):
    return np.random.randn(n, z_dim)


def noise_fixed_dim(n, z_dim=100, device="cpu"):
    return torch.randn(n, 100, device=device)


def noise_no_device(n, z_dim=100):
    return torch.randn(n, z_dim)


def noise_small(n, z_dim=100, device="cpu"):
    return 0.02 * torch.randn(n, z_dim, device=device)


def noise_moved(n, z_dim=100, device="cpu"):
    return torch.randn(n, z_dim).to(device)  # slower than making it there, but right


# --------------------------------------------------------------------------- wrong initialisations (q5)


def init_conv2d_only(m):
    if isinstance(m, (nn.Conv2d, nn.Linear)):
        nn.init.normal_(m.weight, 0.0, 0.02)
        if m.bias is not None:
            nn.init.zeros_(m.bias)
    elif isinstance(m, nn.BatchNorm2d):
        nn.init.normal_(m.weight, 1.0, 0.02)
        nn.init.zeros_(m.bias)


def init_mean_swapped(m):
    if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
        nn.init.normal_(m.weight, 0.02)
        if m.bias is not None:
            nn.init.zeros_(m.bias)
    elif isinstance(m, nn.BatchNorm2d):
        nn.init.normal_(m.weight, 1.0, 0.02)
        nn.init.zeros_(m.bias)


def init_uniform(m):
    if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
        nn.init.uniform_(m.weight, -0.02, 0.02)
        if m.bias is not None:
            nn.init.zeros_(m.bias)
    elif isinstance(m, nn.BatchNorm2d):
        nn.init.normal_(m.weight, 1.0, 0.02)
        nn.init.zeros_(m.bias)


def init_variance(m):
    if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
        nn.init.normal_(m.weight, 0.0, math.sqrt(0.02))
        if m.bias is not None:
            nn.init.zeros_(m.bias)
    elif isinstance(m, nn.BatchNorm2d):
        nn.init.normal_(m.weight, 1.0, 0.02)
        nn.init.zeros_(m.bias)


def init_norm_like_conv(m):
    if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear, nn.BatchNorm2d)):
        nn.init.normal_(m.weight, 0.0, 0.02)
        if m.bias is not None:
            nn.init.zeros_(m.bias)


def init_norm_untouched(m):
    if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
        nn.init.normal_(m.weight, 0.0, 0.02)
        if m.bias is not None:
            nn.init.zeros_(m.bias)


def init_bias_none(m):
    if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
        nn.init.normal_(m.weight, 0.0, 0.02)
        nn.init.zeros_(m.bias)
    elif isinstance(m, nn.BatchNorm2d):
        nn.init.normal_(m.weight, 1.0, 0.02)
        nn.init.zeros_(m.bias)


def init_every_module(m):
    nn.init.normal_(m.weight, 0.0, 0.02)


def init_keeps_biases(m):
    if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
        nn.init.normal_(m.weight, 0.0, 0.02)
    elif isinstance(m, nn.BatchNorm2d):
        nn.init.normal_(m.weight, 1.0, 0.02)
        nn.init.zeros_(m.bias)


def init_by_class_name(m):
    """The PyTorch DCGAN example's way, extended to Linear: right."""
    name = type(m).__name__
    if name.find("Conv") != -1 or name == "Linear":
        nn.init.normal_(m.weight.data, 0.0, 0.02)
        if m.bias is not None:
            nn.init.constant_(m.bias.data, 0)
    elif name.find("BatchNorm") != -1:
        nn.init.normal_(m.weight.data, 1.0, 0.02)
        nn.init.constant_(m.bias.data, 0)


# --------------------------------------------------------------------------- the table

WRONG = {
    "q1.a": [
        ([7, 16, 34], "padding is missing"),
        ([7, 18, 40], "add the padding"),
        ([8, 18, 38], "n·stride"),
        ([28, 14, 7], "discriminator"),
        ([7, 14, 29], "layer 3 (kernel 4, stride 2, padding 1) gets a 14×14 input; you wrote 29"),
        ([7, 14], "has 2 numbers"),
    ],
    "q1.b": [(0, "two pixels too many"), (2, "26"), (1.5, "'same' padding"), (3, "kernel − 1")],
    "q1.c": [(16, "not the number of layers"), (6, "from 1×1"), (5, "one layer too many"), (3, "one layer short")],
    "q2": [
        (block_without_norm, "has no BatchNorm2d"),
        (block_leaky, "LeakyReLU belongs in the discriminator"),
        (block_relu_first, "the ReLU runs before the BatchNorm2d"),
        (block_padding_zero, "turns a 7×7 input into 16×16, not 14×14: check its padding (0)"),
        (block_conv2d, "Conv2d shrinks"),
        (block_norm_of_input, "the BatchNorm2d has 8 channels, but the convolution gives 4"),
        (block_norm_1d, "BatchNorm1d is for flat"),
        (block_fixed_geometry, "pass the arguments kernel_size, stride and padding"),
        (block_as_list, "wrap them in `nn.Sequential"),
        (block_without_relu, "finish the block with nn.ReLU()"),
    ],
    "q3": [
        (SigmoidGenerator, "inside [0, 1]: the last activation should be tanh, not sigmoid"),
        (NoTanhGenerator, "straight from the last transposed convolution"),
        (ReluOutGenerator, "never negative"),
        (Padding32Generator, "7 → 16 → 32 (expected 7 → 14 → 28): transposed convolution 2 makes 16×16 instead of "
                             "14×14; check its padding (0)"),
        (NormOnOutputGenerator, "a BatchNorm2d follows the last transposed convolution"),
        (NoReshapeGenerator, "works on noise of shape (4, 100, 1, 1) but not (4, 100)"),
        (ThreeChannelGenerator, "draws 3-channel images"),
        (HalfWidthGenerator, "go 100 → 64 → 32 → 1; this design goes 100 → 128 → 64 → 1"),
        (FourByFourGenerator, "transposed convolution 1 makes 4×4 instead of 7×7; it has kernel 4"),
        (LeakyGenerator, "LeakyReLU belongs in the discriminator"),
        (NoReluGenerator, "receives negative values"),
        (Kernel6Generator, "gives the right size, but its kernel is 6"),
        (FixedSizeGenerator, "Use the arguments z_dim and width"),
        (FixedWidthGenerator, "go 16 → 128 → 64 → 1; this design goes 16 → 16 → 8 → 1"),
        (TupleGenerator, "returned a tuple"),
    ],
    "q4": [
        (noise_uniform, "torch.rand (uniform"),
        (noise_on_cpu, "returned a tensor on cpu, not on meta"),
        (noise_seeded, "same numbers"),
        (noise_4d, "return (n, z_dim)"),
        (noise_numpy, "numpy array"),
        (noise_fixed_dim, "not (3, 7)"),
        (noise_no_device, "Keep the signature"),
        (noise_small, "scale of the initial weights"),
    ],
    "q5": [
        (init_conv2d_only, "ConvTranspose2d weights were left unchanged"),
        (init_mean_swapped, "0.02 went in as the mean"),
        (init_uniform, "uniform distribution"),
        (init_variance, "not the variance"),
        (init_norm_like_conv, "should be around 1"),
        (init_norm_untouched, "still exactly 1"),
        (init_bias_none, "check `if m.bias is not None`"),
        (init_every_module, "only touch the layers"),
        (init_keeps_biases, "biases range over"),
    ],
}

RIGHT_TOO = {
    "q2": [block_with_bias, block_inplace_relu],
    "q3": [DCGANGenerator],  # the library's generator takes the same arguments
    "q4": [noise_moved],
    "q5": [init_by_class_name],
}

CHECKED = list(WRONG)


# --------------------------------------------------------------------------- tests


# The tests every lesson passes (wrong answers named, the blank not attempted, ...): see lesson_checks_contract.
globals().update(lesson_checks_contract(ex3, WRONG, RIGHT_TOO, solution_answer=solution_answer))


def test_a_bias_before_batchnorm_passes_with_a_note():
    outcome = evaluate(ex3.q2, block_with_bias)
    assert outcome.status == CORRECT and "bias=False" in outcome.message



@pytest.mark.parametrize("name", ["q2", "q4", "q5"])
def test_function_starter_with_blank_is_not_attempted(name):
    outcome = evaluate(problem(name), starter_with_blank)
    assert outcome.status == NOT_ATTEMPTED
    assert "____" in outcome.message


def test_half_filled_answers_are_not_attempted():
    assert evaluate(ex3.q1.a, [7, ____, ____]).status == NOT_ATTEMPTED
    assert evaluate(ex3.q3, UnfinishedGenerator).status == NOT_ATTEMPTED
    outcome = evaluate(ex3.q3, GeneratorOfBlankBlocks)
    assert outcome.status == NOT_ATTEMPTED and "self.project" in outcome.message, outcome.message


HOSTILE = [None, "Generator", {"a": 1}, [1, [2, 3]], object(), math.nan, math.inf, torch.tensor([math.nan]), raises,
           *hostile_modules((4, 1, 28, 28))]


@pytest.mark.parametrize("name", CHECKED)
def test_hostile_answers_get_a_sentence(name):
    assert_hostile_answers_get_a_sentence(problem(name), HOSTILE)


def test_hostile_generators_with_the_right_layers_get_a_sentence():
    expected = {RaisingGenerator: "raised RuntimeError: forward is broken", NanGenerator: "NaN",
                TupleGenerator: "returned a tuple"}
    for answer, fragment in expected.items():
        outcome = evaluate(ex3.q3, answer)
        assert outcome.status == INCORRECT and fragment in outcome.message, outcome.message


def test_a_hanging_generator_is_stopped(monkeypatch):
    assert_stopped(ex3.q3, SlowGenerator, monkeypatch)


def test_a_generator_instance_is_checked_on_a_copy():
    model = Generator()
    before = {name: p.clone() for name, p in model.state_dict().items()}
    model.train()
    outcome = evaluate(ex3.q3, model)
    assert outcome.status == CORRECT, outcome.message
    assert model.training, "the check must not switch the learner's model to eval mode"
    assert not model._forward_hooks and not model._forward_pre_hooks
    assert all(not m._forward_hooks and not m._forward_pre_hooks for m in model.modules()), "hooks left behind"
    for name, tensor in model.state_dict().items():
        assert torch.equal(tensor, before[name]), f"the check changed {name} (BatchNorm running statistics?)"


def test_reference_numbers_match_the_library():
    assert count_parameters(DCGANGenerator()) == ex3.GENERATOR_PARAMETERS
    assert count_parameters(DCGANGenerator(z_dim=16, width=8)) == ex3.SMALL_GENERATOR_PARAMETERS
    assert count_parameters(Generator()) == ex3.GENERATOR_PARAMETERS
    G = Generator()
    assert G(torch.randn(3, 100)).shape == (3, 1, 28, 28)
def test_a_generator_on_another_device_gets_a_sentence():
    class MetaGenerator(GeneratorParts):
        """Moves itself to PyTorch's 'meta' device (standing in for a GPU), where tensors hold no values."""

        def __init__(self, z_dim=100, width=64):
            super().__init__(z_dim, width)
            self.to("meta")

    outcome = evaluate(ex3.q3, MetaGenerator)
    assert outcome.status == INCORRECT and "'meta' device" in outcome.message, outcome.message
