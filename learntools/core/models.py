"""Checking a torch model that a learner builds: the problem kind, and the tools a model check uses.

A check never runs or changes the learner's own objects. It calls the learner's class or function to
build a *fresh* model (or deep-copies a model instance), runs a small probe batch through it with a
hook on every leaf layer, and reads what happened:

    model = build(Generator, what="`Generator()`")                  # a fresh model, or a clear sentence
    run = trace(model, torch.randn(4, 100), what="your generator")
    run.steps      # every leaf layer in the order it ran: its type, input and output (detached copies)
    run.output     # what forward returned (None when it raised: run.error says why)

``ModuleProblem`` is the one problem kind for "write a model, or a class or function that builds one".
It handles the blank, unfinished code and answers that are not callable; then it runs the checks it
was declared with (probe input and output shape, layer types, output range, parameter count) and the
lesson's own ``test(answer)``, which uses ``build`` and ``trace``. Nothing here knows about GANs.
"""

from __future__ import annotations

import copy
import dataclasses

import torch
from torch import nn

from .compare import describe
from .feedback import Incorrect, NotAttempted
from .placeholder import is_placeholder
from .problems import Problem, current_timeout, require_callable, single_thread
from .safety import LearnerCodeError, call_learner

__all__ = [
    "ModuleProblem", "Step", "Trace", "build", "trace", "leaves", "current_timeout", "single_thread",
    "parameter_count",
]

# Layers that only reshape or pass values through: left out when reading a model's layer sequence.
NEUTRAL = (nn.Identity, nn.Flatten, nn.Unflatten)

def parameter_count(model):
    """The number of trainable parameters (frozen ones are not counted)."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def _capital(text):
    return text[:1].upper() + text[1:]


# --------------------------------------------------------------------------- the problem kind


class ModuleProblem(Problem):
    """A torch model, or a class or function that builds one.

    test:           callable(answer) raising Incorrect / NotAttempted with a sentence, or returning a
                    success message: the lesson's own check (build the model with ``build``, run it
                    with ``trace``). Runs after the declared checks below, with ``current_timeout()``
                    set to this problem's timeout, on one thread and without gradients.
    make_input:     callable(torch.Generator) -> a probe input batch; with expected_shape, the model runs once.
    expected_shape: the output shape for the probe, e.g. (4, 1, 28, 28), or callable(probe) -> shape.
    build:          callable(answer) -> model, when the answer needs arguments to build one.
    output_range:   (low, high) the outputs must lie in, or None.
    param_range:    (low, high) band for the number of trainable parameters, or None.
    layer_types:    the sequence of leaf layer types expected (e.g. [nn.ConvTranspose2d, nn.BatchNorm2d, nn.ReLU]).
    noun:           names the answer in messages ("model", "function", "class").
    """

    kind = "model question"

    def __init__(self, var, test=None, make_input=None, expected_shape=None, build=None, output_range=None,
                 param_range=None, layer_types=None, noun="model", **kwargs):
        super().__init__(var=var, test=test, **kwargs)
        self.make_input = make_input
        self.expected_shape = expected_shape
        self.build = build
        self.output_range = output_range
        self.param_range = param_range
        self.layer_types = layer_types
        self.noun = noun

    def check_answer(self, answer):
        require_callable(answer, self.var, self.noun)
        with single_thread(), torch.no_grad():
            self._check_declared(answer)
            return self.test(answer) if self.test is not None else None

    # ------------------------------------------------------------------ the declared checks

    def _check_declared(self, answer):
        if self.make_input is None and self.layer_types is None and self.param_range is None:
            return
        if self.build is not None:
            model = build(self.build, answer, what=f"building a model from `{self.var}`")
        else:
            model = build(answer, what=f"`{self.var}()`")
        self._check_layers(model)
        self._check_parameters(model)
        if self.make_input is not None:
            probe = self.make_input(torch.Generator().manual_seed(0))
            run = trace(model, probe, what="your model's forward pass", train=False)
            if run.error is not None:
                raise Incorrect(str(run.error))
            if not isinstance(run.output, torch.Tensor):
                raise Incorrect(f"your model returned {describe(run.output)}; it should return a tensor.")
            self._check_shape(probe, run.output)
            self._check_values(run.output)

    def _check_layers(self, model):
        if self.layer_types is None:
            return
        found = [type(m) for m in leaves(model)]
        expected = list(self.layer_types)
        for position, (want, have) in enumerate(zip(expected, found), start=1):
            if not issubclass(have, want):
                raise Incorrect(
                    f"layer {position} is {have.__name__}, but {want.__name__} was expected there "
                    f"(expected order: {', '.join(t.__name__ for t in expected)})."
                )
        if len(found) != len(expected):
            raise Incorrect(
                f"your model has {len(found)} layers ({', '.join(t.__name__ for t in found) or 'none'}), "
                f"but {len(expected)} were expected ({', '.join(t.__name__ for t in expected)})."
            )

    def _check_parameters(self, model):
        if self.param_range is None:
            return
        count = parameter_count(model)
        low, high = self.param_range
        if not low <= count <= high:
            side = "few" if count < low else "many"
            raise Incorrect(
                f"your model has {count:,} trainable parameters, too {side} for this design "
                f"(expected between {low:,} and {high:,}): check the channel numbers and kernel sizes."
            )

    def _check_shape(self, probe, output):
        expected = self.expected_shape(probe) if callable(self.expected_shape) else self.expected_shape
        if expected is not None and tuple(output.shape) != tuple(expected):
            raise Incorrect(
                f"for an input of shape {tuple(probe.shape)}, your model's output has shape "
                f"{tuple(output.shape)}, but {tuple(expected)} was expected."
            )

    def _check_values(self, output):
        if output.device.type == "meta":
            raise Incorrect("your model returned a tensor on the 'meta' device, which holds no values.")
        if not torch.isfinite(output).all():
            raise Incorrect("your model's output contains NaN or inf.")
        if self.output_range is None:
            return
        low, high = self.output_range
        smallest, largest = output.min().item(), output.max().item()
        if smallest < low - 1e-6 or largest > high + 1e-6:
            raise Incorrect(
                f"your model's outputs lie in [{smallest:.3g}, {largest:.3g}], outside the expected "
                f"range [{low:g}, {high:g}]."
            )


# --------------------------------------------------------------------------- building


def _blank_attribute(model):
    """'self.up1' (or 'self.net[2]') when a module of the model still holds the blank, else None."""
    for prefix, module in model.named_modules():
        owner = f"self.{prefix}." if prefix else "self."
        for name, value in vars(module).items():
            if name.startswith("_"):
                continue
            if is_placeholder(value):
                return owner + name
            if isinstance(value, (list, tuple)) and any(is_placeholder(item) for item in value):
                return owner + name
    return None


def build(answer, *args, what, timeout=None, **kwargs):
    """A fresh model from the learner's answer: call a class or function, or deep-copy a module.

    Raises NotAttempted for blanks, Incorrect (via LearnerCodeError) for anything else that is wrong.
    """
    timeout = current_timeout() if timeout is None else timeout
    if isinstance(answer, nn.Module):
        model = call_learner(copy.deepcopy, answer, what="copying your model for checking", timeout=timeout)
    else:
        model = call_learner(answer, *args, what=what, timeout=timeout, **kwargs)
    if is_placeholder(model):
        raise NotAttempted(f"{_capital(what)} still returns `____`: replace it with your code.")
    if isinstance(model, (list, tuple)) and model and all(isinstance(m, nn.Module) for m in model):
        raise Incorrect(f"{_capital(what)} returned a {type(model).__name__} of layers: wrap them in "
                        "`nn.Sequential(...)`, which runs them one after another.")
    if not isinstance(model, nn.Module):
        raise Incorrect(f"{_capital(what)} gave {describe(model)}; it should give a torch.nn.Module.")
    blank = _blank_attribute(model)
    if blank:
        raise NotAttempted(f"in the model that {what} builds, `{blank}` is still `____`: fill it in "
                           "(if it comes from a function of an earlier exercise, finish that one first).")
    return model


def leaves(model):
    """The model's leaf layers (modules without children), in the order they were registered."""
    return [m for m in model.modules() if next(iter(m.children()), None) is None]


# --------------------------------------------------------------------------- tracing


@dataclasses.dataclass(eq=False)
class Step:
    """One leaf layer as it ran: its dotted name, the module, and copies of its input and output."""

    name: str
    module: nn.Module
    input: torch.Tensor | None
    output: torch.Tensor | None

    @property
    def kind(self):
        return type(self.module).__name__


@dataclasses.dataclass
class Trace:
    """What one forward pass did: the leaf layers in the order they ran, the output, or the error."""

    steps: list
    output: object = None
    error: LearnerCodeError | None = None

    def __post_init__(self):
        if isinstance(self.output, torch.Tensor):  # read on the CPU, wherever the model ran
            self.output = self.output.detach().to("cpu") if self.output.device.type != "meta" else self.output

    def of_type(self, *types):
        return [step for step in self.steps if isinstance(step.module, types)]

    def layer_sequence(self):
        """The leaf layers' type names in the order they ran, reshaping layers left out."""
        return [step.kind for step in self.steps if not isinstance(step.module, NEUTRAL)]


def _first_tensor(value):
    if isinstance(value, torch.Tensor):
        return value
    if isinstance(value, (list, tuple)):
        for item in value:
            if isinstance(item, torch.Tensor):
                return item
    return None


def _snapshot(value):
    tensor = _first_tensor(value)
    if tensor is None or tensor.device.type == "meta":  # a meta tensor has a shape but no values to read
        return None
    return tensor.detach().to("cpu", copy=True)


def trace(model, x, what, timeout=None, train=True):
    """Run ``model(x)`` under no_grad with a hook on every leaf layer; never raises for learner errors.

    The model is put in train mode (BatchNorm uses the batch's statistics) unless ``train=False``.
    Inputs are copied before each layer runs and outputs right after, so in-place layers
    (ReLU(inplace=True)) don't change what was recorded.
    """
    timeout = current_timeout() if timeout is None else timeout
    steps, pending, handles = [], {}, []

    def before(module, inputs):
        pending[id(module)] = _snapshot(inputs)

    def after(module, inputs, output, name=""):
        steps.append(Step(name, module, pending.pop(id(module), None), _snapshot(output)))

    try:
        call_learner(model.train, train, what=f"switching {what} to {'training' if train else 'evaluation'} mode",
                     timeout=timeout)
        for name, module in model.named_modules():
            if next(iter(module.children()), None) is None:  # a leaf layer
                handles.append(module.register_forward_pre_hook(before))
                handles.append(module.register_forward_hook(lambda m, i, o, name=name: after(m, i, o, name)))
        parameter = next(iter(model.parameters()), None)
        if parameter is not None and parameter.device.type == "meta":
            raise LearnerCodeError(f"{_capital(what)} can't run: the model's parameters are on the 'meta' device, "
                                   "which holds no values. Build it on the CPU and move it with .to(device) outside "
                                   "the class.")
        if parameter is not None:  # a model that moved itself to a GPU gets its probe there
            x = x.to(parameter.device)
        with torch.no_grad():
            output = call_learner(model, x, what=what, timeout=timeout)
    except LearnerCodeError as error:
        return Trace(steps, None, error)
    finally:
        for handle in handles:
            handle.remove()
    return Trace(steps, output, None)
