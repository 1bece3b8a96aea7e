"""ModuleProblem: output shape, value range, parameter count, layer types; and hands off the learner's model."""

import sys
import threading
import time
import warnings

import numpy as np
import pytest
import torch
from core_support import (  # noqa: F401  (fixtures)
    TIMEOUT,
    assert_clear,
    assert_shown_as_one_incorrect_sentence,
    bind,
    messy_learner_rng,
    random_state,
    terminal,
    warnings_on_stderr,
)
from torch import nn

from learntools.core import CORRECT, INCORRECT, NOT_ATTEMPTED, Incorrect, ModuleProblem, ____, build, trace

BLANK = ____
LAYERS = [nn.Linear, nn.BatchNorm1d, nn.ReLU, nn.Linear, nn.Tanh]
N_PARAMETERS = (8 * 16 + 16) + (2 * 16) + (16 * 4 + 4)  # 244


class TinyGenerator(nn.Module):
    """The right answer: 8 noise numbers -> 4 values in [-1, 1]."""

    def __init__(self, latent=8, width=16, out=4, last=None):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(latent, width), nn.BatchNorm1d(width), nn.ReLU(), nn.Linear(width, out), last or nn.Tanh()
        )

    def forward(self, z):
        return self.net(z)  # (N, latent) -> (N, out)


def generator_question(**overrides):
    settings = dict(
        var="generator",
        make_input=lambda generator: torch.randn(5, 8, generator=generator),
        expected_shape=(5, 4),
        output_range=(-1.0, 1.0),
        param_range=(200, 300),
        layer_types=LAYERS,
        timeout=TIMEOUT,
    )
    settings.update(overrides)
    return ModuleProblem(**settings)


# =============================================================================== right


@pytest.mark.parametrize(
    "answer",
    [TinyGenerator(), TinyGenerator().eval(), TinyGenerator, lambda: TinyGenerator()],
    ids=["instance", "eval_instance", "class", "builder"],
)
def test_right_model(answer):
    outcome = generator_question().evaluate(answer)
    assert outcome.status == CORRECT, outcome


def test_right_model_through_the_binder(bind):
    bind(generator=TinyGenerator())
    assert generator_question().evaluate().status == CORRECT


def test_layer_subclasses_count_as_the_layer():
    class MyLinear(nn.Linear):
        pass

    model = TinyGenerator()
    model.net[0] = MyLinear(8, 16)
    assert generator_question().evaluate(model).status == CORRECT


def test_callable_expected_shape_and_build_hook():
    problem = generator_question(
        expected_shape=lambda probe: (probe.shape[0], 4),
        build=lambda answer: answer(latent=8),
    )
    assert problem.evaluate(TinyGenerator).status == CORRECT


def test_frozen_parameters_are_not_counted():
    model = TinyGenerator(width=64)  # 8*64+64 + 128 + 64*4+4 = 964 parameters
    assert generator_question().evaluate(model).status == INCORRECT
    for parameter in model.net[0].parameters():
        parameter.requires_grad_(False)
    assert generator_question(param_range=(300, 500)).evaluate(model).status == CORRECT


# =============================================================================== wrong


def test_wrong_output_shape():
    outcome = generator_question().evaluate(TinyGenerator(out=3))
    assert outcome.status == INCORRECT
    assert_clear(outcome.message, "(5, 8)", "(5, 3)", "(5, 4)")


def test_outputs_out_of_range():
    model = TinyGenerator(last=nn.Identity())
    with torch.no_grad():
        model.net[3].weight.mul_(50)
    outcome = generator_question(layer_types=None).evaluate(model)
    assert outcome.status == INCORRECT
    assert_clear(outcome.message, "outside the expected range [-1, 1]")


def test_sigmoid_passes_a_range_of_zero_to_one_check_but_not_minus_one_to_one_layers():
    outcome = generator_question().evaluate(TinyGenerator(last=nn.Sigmoid()))
    assert outcome.status == INCORRECT
    assert_clear(outcome.message, "layer 5 is Sigmoid, but Tanh was expected")


def test_missing_layer():
    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 4), nn.Tanh())
    outcome = generator_question(param_range=None).evaluate(model)
    assert_clear(outcome.message, "layer 2 is ReLU, but BatchNorm1d was expected")


def test_extra_layer():
    model = TinyGenerator()
    model.net.append(nn.Identity())
    outcome = generator_question().evaluate(model)
    assert_clear(outcome.message, "6 layers", "5 were expected")


@pytest.mark.parametrize("width, side", [(64, "many"), (4, "few")])
def test_parameter_count(width, side):
    outcome = generator_question(layer_types=None).evaluate(TinyGenerator(width=width))
    assert outcome.status == INCORRECT
    count = sum(p.numel() for p in TinyGenerator(width=width).parameters())
    assert_clear(outcome.message, f"{count:,} trainable parameters", f"too {side}", "between 200 and 300")


def test_nan_output():
    class NanModel(TinyGenerator):
        def forward(self, z):
            return self.net(z) * float("nan")

    outcome = generator_question().evaluate(NanModel())
    assert outcome.status == INCORRECT
    assert_clear(outcome.message, "NaN or inf")


def test_test_hook_adds_the_lessons_own_check():
    def test(answer):
        model = build(answer, what="`generator()`")
        run = trace(model, torch.randn(5, 8), what="your generator", train=False)
        if run.output.min() >= 0:
            raise Incorrect("your outputs are never negative: is the last activation a sigmoid? Use tanh.")
        return "tanh at the end."

    problem = generator_question(layer_types=None, test=test)
    assert problem.evaluate(TinyGenerator(last=nn.Sigmoid())).message.startswith("your outputs are never negative")
    assert problem.evaluate(TinyGenerator()) == problem.evaluate(TinyGenerator)
    assert problem.evaluate(TinyGenerator()).message == "tanh at the end."


def test_a_test_alone_is_a_model_check():
    def test(answer):
        run = trace(build(answer, what="`generator()`"), torch.zeros(2, 8), what="your generator")
        if tuple(run.output.shape) != (2, 4):
            raise Incorrect(f"shape {tuple(run.output.shape)}")

    problem = ModuleProblem(var="generator", test=test, noun="class", timeout=TIMEOUT)
    assert problem.evaluate(TinyGenerator).status == CORRECT
    outcome = problem.evaluate(lambda: TinyGenerator(out=3))
    assert outcome.status == INCORRECT and outcome.message == "shape (2, 3)"
    assert_clear(problem.evaluate(____).message, "your class `generator`")


# =============================================================================== unattempted


class BlankInit(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Linear(8, ____)


class BlankForward(TinyGenerator):
    def forward(self, z):
        return ____(z)


def _blank_builder():
    return nn.Sequential(nn.Linear(8, ____))


@pytest.mark.parametrize(
    "answer, observed",
    [(____, "replace `____`"), (BlankInit, "`____` blank"), (BlankForward(), "`____` blank"),
     (_blank_builder, "`____` blank"), (lambda: BLANK, "returns `____`")],
    ids=["blank", "class_init", "instance_forward", "builder_body", "builder_returns_blank"],
)
def test_unattempted_model(answer, observed):
    outcome = generator_question().evaluate(answer)
    assert outcome.status == NOT_ATTEMPTED, outcome
    assert_clear(outcome.message, observed)


# =============================================================================== hostile


class HangingForward(TinyGenerator):
    def forward(self, z):
        while True:
            pass


class RaisingForward(TinyGenerator):
    def forward(self, z):
        return self.net(z.view(5, 2, 4))


class TupleForward(TinyGenerator):
    def forward(self, z):
        return self.net(z), z


class NoneForward(TinyGenerator):
    def forward(self, z):
        self.net(z)


class NumpyForward(TinyGenerator):
    def forward(self, z):
        return self.net(z).numpy()


class ExitingForward(TinyGenerator):
    def forward(self, z):
        sys.exit(1)


class RecursiveForward(TinyGenerator):
    def forward(self, z):
        return self(z)


class RaisingInit(nn.Module):
    def __init__(self):
        super().__init__()
        raise ValueError("no model today")


class HangingInit(nn.Module):
    def __init__(self):
        super().__init__()
        time.sleep(60)


class HangingCopy(TinyGenerator):
    def __deepcopy__(self, memo):
        while True:
            pass


class RaisingCopy(TinyGenerator):
    def __deepcopy__(self, memo):
        raise RuntimeError("no copies")


class LockedModel(TinyGenerator):
    def __init__(self):
        super().__init__()
        self.lock = threading.Lock()  # cannot be deep-copied


class HostileAttributes(TinyGenerator):
    def __repr__(self):
        raise RuntimeError("repr exploded")

    def train(self, mode=True):
        raise RuntimeError("train exploded")


HOSTILE = [
    (HangingForward(), ["forward pass did not finish within 0.4 s"]),
    (RaisingForward(), ["forward pass raised RuntimeError"]),
    (TupleForward(), ["returned a tuple of 2 items", "tensor"]),
    (NoneForward(), ["returned None"]),
    (NumpyForward(), ["returned a numpy array of shape (5, 4)"]),
    (ExitingForward(), ["called exit()"]),
    (RecursiveForward(), ["recursed too deeply"]),
    (RaisingInit, ["raised ValueError: no model today"]),
    (HangingInit, ["did not finish within 0.4 s"]),
    (HangingCopy(), ["did not finish within 0.4 s"]),
    (RaisingCopy(), ["RuntimeError: no copies"]),
    (LockedModel(), ["Copying your model for checking raised TypeError"]),
    (HostileAttributes(), ["train exploded"]),
    (lambda: 5, ["torch.nn.Module", "the number 5"]),
    ("TinyGenerator", ["should be a model", "the string 'TinyGenerator'"]),
    (None, ["None"]),
    (torch.zeros(5, 4), ["tensor of shape (5, 4)"]),
]


def _hostile_id(answer):
    name = answer.__name__ if isinstance(answer, type) else type(answer).__name__
    return name.replace("function", "builder")


@pytest.mark.parametrize("answer, observed", HOSTILE, ids=[_hostile_id(answer) for answer, _ in HOSTILE])
def test_hostile_model_gets_one_clear_sentence(answer, observed, bind, terminal, capfd):
    bind(generator=answer)
    generator_question().check()  # shown, never raised
    assert_shown_as_one_incorrect_sentence(capfd, *observed)


def test_model_that_warns_and_prints_writes_nothing_to_stderr(bind, terminal, capfd):
    class Noisy(TinyGenerator):
        def forward(self, z):
            warnings.warn("careful")
            print("forward!", file=sys.stderr)
            return self.net(z)

    bind(generator=Noisy())
    with warnings_on_stderr():
        Noisy()(torch.zeros(2, 8))  # the control: outside a check, this does write to stderr
        assert "careful" in capfd.readouterr().err
        generator_question().check()
    out, err = capfd.readouterr()
    assert (out, err) == ("Correct\n", "")


# =============================================================================== hands off


def _trained_model():
    """A model with non-trivial running stats, gradients and a frozen parameter, in train mode."""
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(8, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Dropout(0.5), nn.Linear(16, 4), nn.Tanh()
    )
    with torch.no_grad():
        for _ in range(3):
            model(torch.randn(6, 8))  # updates the BatchNorm running statistics
    for parameter in model.parameters():
        parameter.grad = torch.randn_like(parameter)  # as left by a backward pass
    model[4].bias.requires_grad_(False)
    return model


def _snapshot(model):
    return {
        "state": {k: v.clone() for k, v in model.state_dict().items()},
        "grads": {n: None if p.grad is None else p.grad.clone() for n, p in model.named_parameters()},
        "requires_grad": {n: p.requires_grad for n, p in model.named_parameters()},
        "training": [m.training for m in model.modules()],
        "ids": [id(p) for p in model.parameters()],
    }


def _same(a, b):
    assert a["state"].keys() == b["state"].keys()
    assert all(torch.equal(a["state"][k], b["state"][k]) for k in a["state"])
    for name in a["grads"]:
        assert (a["grads"][name] is None) == (b["grads"][name] is None)
        if a["grads"][name] is not None:
            assert torch.equal(a["grads"][name], b["grads"][name])
    assert a["requires_grad"] == b["requires_grad"] and a["training"] == b["training"] and a["ids"] == b["ids"]


@pytest.mark.parametrize("train_mode", [True, False], ids=["train", "eval"])
def test_check_never_changes_the_learners_model(train_mode):
    model = _trained_model().train(train_mode)
    before = _snapshot(model)
    state = random_state()
    problem = generator_question(layer_types=None, param_range=None)
    assert problem.evaluate(model).status == CORRECT
    _same(before, _snapshot(model))
    assert random_state() == state
    assert torch.is_grad_enabled()


def test_wrong_and_failing_checks_do_not_change_the_model_either():
    model = _trained_model()
    before = _snapshot(model)
    for problem in (generator_question(), generator_question(expected_shape=(5, 3), layer_types=None)):
        assert problem.evaluate(model).status == INCORRECT
    _same(before, _snapshot(model))


def test_building_from_a_class_leaves_random_state_alone():
    class Seeding(TinyGenerator):
        def __init__(self):
            messy_learner_rng()
            super().__init__()

        def forward(self, z):
            torch.manual_seed(5)
            np.random.seed(5)
            return self.net(z)

    torch.rand(1)
    state = random_state()
    assert generator_question().evaluate(Seeding).status == CORRECT
    assert generator_question().evaluate(TinyGenerator).status == CORRECT
    assert random_state() == state


def test_same_verdict_every_time():
    problem = generator_question()
    model = TinyGenerator()
    assert {problem.evaluate(model) for _ in range(3)} == {problem.evaluate(model)}
