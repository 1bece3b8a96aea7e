"""Checking models that learners build (lessons 03 and 04): build them safely, trace a forward pass.

A check never runs or changes the learner's own objects. It calls the learner's function or class to
build a *fresh* model (or deep-copies a model instance), runs one small probe batch through it with
hooks on every layer, and reads what happened:

    model = build(Generator, what="`Generator()`")               # a fresh model, or a clear sentence
    run = trace(model, torch.randn(4, 100), what="your generator")
    run.steps      # every leaf layer in the order it ran: type, input, output (detached copies)
    run.output     # what forward returned (or None when it raised: run.error says why)

Everything that calls learner code goes through learntools.core.call_learner, so a raise, a hang or
an exit() becomes one sentence. ``BuildProblem`` is the problem kind for "write a function or class
that builds a model": it adds the placeholder handling and hands the rest to a test function.
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
import dataclasses

import torch
from torch import nn

from learntools.core import Incorrect, LearnerCodeError, NotAttempted, Problem, call_learner, describe
from learntools.core.placeholder import code_uses_placeholder, is_placeholder

__all__ = [
    "BuildProblem",
    "Step",
    "Trace",
    "build",
    "trace",
    "single_thread",
    "parameter_count",
    "close",
    "leaky_slope",
    "span",
    "current_timeout",
    "leaves",
    "first_foreign",
    "reject_foreign",
    "block_convolution",
    "check_norm_channels",
    "check_parameter_count",
    "tensor_output",
    "block_output",
]

# Layers that only reshape or pass values through: ignored when reading a model's layer sequence.
NEUTRAL = (nn.Identity, nn.Flatten, nn.Unflatten)


@contextlib.contextmanager
def single_thread():
    """Run a block with one torch thread: tiny probe batches are fastest that way, and they don't
    fight other processes for the cores. The previous setting is put back."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


# --------------------------------------------------------------------------- the problem kind

_TIMEOUT = contextvars.ContextVar("learntools_build_timeout", default=10.0)


def current_timeout():
    """The time limit (seconds) for one call into learner code: the timeout of the problem being checked."""
    return _TIMEOUT.get()



class BuildProblem(Problem):
    """A function or class that builds a model (or any callable answer), checked by ``test(answer)``.

    The blank, a function still holding `____`, and answers that are not callable are handled here;
    ``test`` raises Incorrect / NotAttempted with a sentence, or returns a success message.
    ``noun`` names the answer in messages ("function", "class").
    """

    kind = "model question"

    def __init__(self, var, test, noun="function", **kwargs):
        super().__init__(var=var, **kwargs)
        self.test = test
        self.noun = noun

    def check_answer(self, answer):
        if is_placeholder(answer):
            raise NotAttempted(f"replace `____` with your {self.noun} `{self.var}`.")
        if isinstance(answer, nn.Module):
            uses_blank = code_uses_placeholder(type(answer))
        else:
            uses_blank = code_uses_placeholder(answer)
        if uses_blank:
            raise NotAttempted(f"your {self.noun} `{self.var}` still contains a `____` blank: fill it in.")
        if not (callable(answer) or isinstance(answer, nn.Module)):
            raise Incorrect(f"`{self.var}` should be a {self.noun}, but it is {describe(answer)}.")
        token = _TIMEOUT.set(self.timeout)
        try:
            with single_thread(), torch.no_grad():
                return self.test(answer)
        finally:
            _TIMEOUT.reset(token)


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


def _capital(text):
    return text[:1].upper() + text[1:]


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


# --------------------------------------------------------------------------- reading values


def parameter_count(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def close(a, b, atol=1e-5, rtol=1e-4):
    """Same shape (after flattening a trailing 1) and the same values within tolerance."""
    if a is None or b is None:
        return False
    if a.shape != b.shape:
        if a.numel() != b.numel():
            return False
        a, b = a.reshape(-1), b.reshape(-1)
    return bool(torch.allclose(a.float(), b.float(), atol=atol, rtol=rtol))


def leaky_slope(before, after):
    """The slope an activation applied to negative inputs (after / before where before < -0.05), or None."""
    if before is None or after is None or before.numel() != after.numel():
        return None
    before, after = before.reshape(-1), after.reshape(-1)
    negative = before < -0.05
    if not negative.any():
        return None
    ratios = after[negative] / before[negative]
    return float(ratios.median())


def span(tensor):
    """'[-0.913, 0.877]': the range of a tensor's values, for messages."""
    return f"[{tensor.min().item():.3g}, {tensor.max().item():.3g}]"


# --------------------------------------------------------------------------- reading layers and outputs


def leaves(model):
    """The model's leaf layers (modules without children), in the order they were registered."""
    return [m for m in model.modules() if next(iter(m.children()), None) is None]


def first_foreign(model, table):
    """(type name, message) for the first leaf layer matching a (types, message) row of ``table``, else None."""
    for layer in leaves(model):
        for kind, message in table:
            if isinstance(layer, kind):
                return type(layer).__name__, message
    return None


def reject_foreign(model, call, table):
    """Incorrect naming the first leaf layer of ``model`` that matches a (types, message) row of ``table``."""
    foreign = first_foreign(model, table)
    if foreign:
        raise Incorrect(f"`{call}` contains a {foreign[0]}: {foreign[1]}")


def block_convolution(layers, call, kind, in_channels, out_channels, missing):
    """The one layer of type ``kind`` (Conv2d, ConvTranspose2d) among a block's ``layers``, mapping
    ``in_channels`` to ``out_channels``; else Incorrect. ``missing`` ends the sentence when there is none."""
    name = kind.__name__
    convs = [m for m in layers if isinstance(m, kind)]
    if not convs:
        raise Incorrect(f"`{call}` has no {name}: {missing}")
    if len(convs) > 1:
        raise Incorrect(f"`{call}` has {len(convs)} {name} layers; a block has one.")
    conv = convs[0]
    if conv.in_channels != in_channels or conv.out_channels != out_channels:
        raise Incorrect(f"in `{call}` the {name} maps {conv.in_channels} channels to {conv.out_channels}; "
                        f"it should map in_channels = {in_channels} to out_channels = {out_channels}.")
    return conv


def check_norm_channels(norms, call, out_channels):
    """Incorrect when a block's BatchNorm2d (the first of ``norms``, if any) does not fit the convolution's output."""
    if norms and norms[0].num_features != out_channels:
        raise Incorrect(f"in `{call}` the BatchNorm2d has {norms[0].num_features} channels, but the convolution "
                        f"gives {out_channels}: use nn.BatchNorm2d(out_channels).")


def check_parameter_count(model, call, expected):
    """Incorrect when ``model`` does not have about ``expected`` trainable parameters (within 1%)."""
    count = parameter_count(model)
    if not 0.99 * expected <= count <= 1.01 * expected:
        raise Incorrect(f"`{call}` has {count:,} trainable parameters; this design has about {expected:,}: "
                        "check the kernel sizes and channel numbers.")


def tensor_output(run, what):
    """The forward pass's output tensor, or Incorrect with a sentence about what went wrong."""
    if run.error is not None:
        raise Incorrect(str(run.error))
    output = run.output
    if not isinstance(output, torch.Tensor):
        raise Incorrect(f"{what} returned {describe(output)}; it should return one tensor.")
    if output.device.type == "meta":
        raise Incorrect(f"{what} returned a tensor on the 'meta' device, which holds no values: compute it from the "
                        "input, on the input's device.")
    if not output.is_floating_point():
        raise Incorrect(f"{what} returned a tensor of {output.dtype}; it should return floating-point values.")
    if not torch.isfinite(output).all():
        raise Incorrect(f"{what} returned NaN or inf values: look for a division by zero or a log of zero in forward.")
    return output


def block_output(run, call, n_in, expected_shape, advice):
    """A block's output tensor when it has ``expected_shape``, or Incorrect with a sentence.

    The block got an ``n_in``×``n_in`` input; ``advice()`` says why its convolution gives the wrong size.
    """
    output = tensor_output(run, f"`{call}`")
    if tuple(output.shape) != expected_shape:
        h, w = expected_shape[-2:]
        if output.ndim == 4 and output.shape[1] == expected_shape[1]:
            raise Incorrect(f"`{call}` turns a {n_in}×{n_in} input into {output.shape[-2]}×{output.shape[-1]}, "
                            f"not {h}×{w}: {advice()}")
        raise Incorrect(f"`{call}` returned shape {tuple(output.shape)}; {expected_shape} was expected.")
    return output
