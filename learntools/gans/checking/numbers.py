"""Comparing numbers and tensors in checks: ``close``, with one tolerance rule for both; ``reject_complex``."""

import torch

from learntools.core import Incorrect


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
