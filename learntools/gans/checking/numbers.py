"""Comparing numbers and tensors in checks: ``close``, with one tolerance rule for both; ``reject_complex``;
``loss_number``, the value of a loss a learner's function returned."""

import math

import torch

from learntools.core import Incorrect, NotAttempted, describe, is_placeholder


def close(a, b, rtol=1e-4, atol=1e-5):
    """|a - b| <= atol + rtol·|b|, for two numbers or two tensors.

    Tensors must hold as many values; a different shape with as many values (a trailing 1, say) is
    compared flattened. None never matches.
    """
    if a is None or b is None:
        return False
    if isinstance(a, complex) or isinstance(b, complex):
        return False  # a complex value is never a real one: .float() would drop its imaginary part
    if isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor):
        a, b = torch.as_tensor(a), torch.as_tensor(b)
        if a.is_complex() != b.is_complex():
            return False
        if a.shape != b.shape:
            if a.numel() != b.numel():
                return False
            a, b = a.reshape(-1), b.reshape(-1)
        return bool(torch.allclose(a.float(), b.float(), atol=atol, rtol=rtol))
    return abs(a - b) <= atol + rtol * abs(b)


def reject_complex(value, what):
    """Incorrect when ``value`` is a complex tensor, which .float() would silently turn into a real one.
    ``what`` says who did what with it: "your function `f` returned", "your pool stores"."""
    if isinstance(value, torch.Tensor) and value.is_complex():
        raise Incorrect(f"{what} complex numbers ({value.dtype}), where real ones are expected: look for a square "
                        "root or a power of a negative number, or a complex dtype.")


def loss_number(got, var, call, non_finite_advice, averaging="average over the batch"):
    """The float value of the loss tensor ``got`` that the learner's function ``var`` returned from ``call``
    (the call as the learner would write it); Incorrect with a sentence when it is not one finite number
    in a tensor, NotAttempted when it is the blank. ``non_finite_advice`` follows an inf or NaN,
    ``averaging`` a tensor of many numbers."""
    if is_placeholder(got):
        raise NotAttempted(f"your function `{var}` still returns `____`: replace it with your code.")
    if got is None:
        raise Incorrect(f"`{call}` returned None: is the `return` statement missing?")
    if isinstance(got, torch.Tensor) and got.numel() != 1:
        raise Incorrect(f"`{call}` returned a tensor of shape {tuple(got.shape)}; a loss is one number: "
                        f"{averaging}.")
    if not isinstance(got, torch.Tensor):
        kind = "a plain number" if isinstance(got, (int, float)) and not isinstance(got, bool) else describe(got)
        raise Incorrect(f"`{call}` returned {kind}; return the loss as a tensor, so it can be backpropagated "
                        "(no .item()).")
    reject_complex(got, f"`{call}` returned")
    value = float(got.detach().float().reshape(()))
    if not math.isfinite(value):
        raise Incorrect(f"`{call}` returned {value}: {non_finite_advice}")
    return value
