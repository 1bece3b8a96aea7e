"""Describing learner values and comparing them with expected ones, with tolerance.

Nothing here changes the values it is given, and nothing calls a learner object's own methods
except through numpy/torch conversion of plain numbers, lists, arrays and tensors.
"""

import math
import numbers

import numpy as np
import torch

from .placeholder import is_placeholder

NUMERIC_TYPES = (numbers.Number, np.ndarray, np.generic, torch.Tensor)


def _shape_text(shape):
    return "(" + ", ".join(str(int(s)) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def _short_repr(value, limit=60):
    try:
        text = repr(value)
    except Exception:
        return f"<{type(value).__name__}>"
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def describe(value):
    """A short, safe description of any value: 'a tensor of shape (3, 3), dtype torch.float32'."""
    try:
        return _describe(value)
    except Exception:  # a hostile __len__ or __getattr__ must not break the feedback
        return f"an object of type {type(value).__name__}"


def _describe(value):
    if is_placeholder(value):
        return "the blank `____`"
    if value is None:
        return "None"
    if isinstance(value, bool):
        return f"the boolean {value}"
    if isinstance(value, complex):
        return f"the complex number {_short_repr(value)}"
    if isinstance(value, numbers.Number):
        return f"the number {_short_repr(value)}"
    if isinstance(value, torch.Tensor):
        if value.dim() == 0:
            return f"a 0-d tensor ({_short_repr(value.item())})"
        return f"a tensor of shape {_shape_text(value.shape)}, dtype {value.dtype}"
    if isinstance(value, np.ndarray):
        return f"a numpy array of shape {_shape_text(value.shape)}, dtype {value.dtype}"
    if isinstance(value, np.generic):
        return f"the numpy {type(value).__name__} {_short_repr(value)}"
    if isinstance(value, str):
        return f"the string {_short_repr(value)}"
    if isinstance(value, (list, tuple)):
        kind = "list" if isinstance(value, list) else "tuple"
        return f"a {kind} of {len(value)} item{'s' if len(value) != 1 else ''}"
    if isinstance(value, dict):
        return f"a dict with {len(value)} key{'s' if len(value) != 1 else ''}"
    if isinstance(value, torch.nn.Module):
        return f"a {type(value).__name__} module"
    if callable(value):
        return f"the callable {getattr(value, '__name__', type(value).__name__)}"
    return f"an object of type {type(value).__name__}"


class Mismatch(Exception):
    """``str(mismatch)`` says how an answer differs from what was expected."""


def _is_nested_numbers(value, depth=0):
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return True
    if isinstance(value, (list, tuple)) and depth < 6 and len(value) > 0:
        return all(_is_nested_numbers(v, depth + 1) for v in value)
    return False


class _NotNumeric(TypeError):
    """``str(error)`` describes a value that is not numbers: 'a complex tensor (torch.complex64)'."""


def to_numpy(value):
    """Numbers, nested lists, numpy arrays and tensors as a float64 numpy array; TypeError otherwise.

    Complex values are refused (converting them would silently drop the imaginary part), and so is
    anything whose conversion fails, whatever the error.
    """
    try:
        return _to_numpy(value)
    except _NotNumeric:
        raise
    except OverflowError:  # 10**400 and the like
        raise _NotNumeric("a number too large to be a float") from None
    except Exception:  # e.g. a list subclass whose __len__ raises
        raise _NotNumeric(describe(value)) from None


def _to_numpy(value):
    if isinstance(value, torch.Tensor):
        if value.is_complex():
            raise _NotNumeric(f"a complex tensor ({value.dtype})")
        return value.detach().to("cpu", torch.float64).numpy().copy()
    if isinstance(value, np.ndarray):
        if value.dtype == object or not np.issubdtype(value.dtype, np.number) and value.dtype != bool:
            raise _NotNumeric(f"an array of {value.dtype} values")
        if np.issubdtype(value.dtype, np.complexfloating):
            raise _NotNumeric(f"a complex array ({value.dtype})")
        return value.astype(np.float64)
    if isinstance(value, np.generic) and np.issubdtype(type(value), np.number):
        if np.issubdtype(type(value), np.complexfloating):
            raise _NotNumeric(f"the complex number {_short_repr(value)}")
        return np.asarray(value, dtype=np.float64)
    if isinstance(value, bool):
        raise _NotNumeric("a boolean")
    if _is_nested_numbers(value):
        try:
            return np.asarray(value, dtype=np.float64)
        except ValueError:
            raise _NotNumeric("a ragged list (rows of different lengths)") from None
    raise _NotNumeric(describe(value))


def compare_arrays(got, expected, rtol=1e-5, atol=1e-6, name="your answer"):
    """Raise Mismatch with shape, dtype, NaN and largest-difference details when they differ."""
    expected_array = to_numpy(expected)
    try:
        got_array = to_numpy(got)
    except TypeError as error:
        want = "a number" if expected_array.ndim == 0 else f"an array of shape {_shape_text(expected_array.shape)}"
        raise Mismatch(f"{name} is {error}, but {want} was expected.") from None

    if got_array.shape != expected_array.shape:
        if got_array.size == expected_array.size and got_array.size > 1:
            hint = f" It has the right number of values ({got_array.size}): a reshape or transpose away?"
        else:
            hint = ""
        raise Mismatch(
            f"{name} has shape {_shape_text(got_array.shape)}, but shape "
            f"{_shape_text(expected_array.shape)} was expected.{hint}"
        )

    bad = ~np.isfinite(got_array) & np.isfinite(expected_array)
    if bad.any():
        what = "NaN" if np.isnan(got_array[bad]).any() else "inf"
        raise Mismatch(
            f"{name} contains {what} ({int(bad.sum())} of {got_array.size} values): "
            "look for a division by zero, a log of zero or an overflow."
        )

    if np.allclose(got_array, expected_array, rtol=rtol, atol=atol, equal_nan=True):
        return

    difference = np.abs(got_array - expected_array)
    difference = np.where(np.isnan(difference), 0.0, difference)
    if got_array.ndim == 0:
        raise Mismatch(f"{name} is {format_number(got_array.item())}, which is not right.")
    wrong = ~np.isclose(got_array, expected_array, rtol=rtol, atol=atol, equal_nan=True)
    # The largest difference among the wrong places: a larger one within tolerance is no mistake.
    worst = np.unravel_index(int(np.argmax(np.where(wrong, difference, -1.0))), difference.shape)
    n_wrong = int(wrong.sum())
    dtype_note = ""
    if isinstance(got, (torch.Tensor, np.ndarray)):
        dtype_note = f", dtype {got.dtype}"
    raise Mismatch(
        f"{name} (shape {_shape_text(got_array.shape)}{dtype_note}) differs from the expected values in "
        f"{n_wrong} of {got_array.size} places; the largest difference is {format_number(difference[worst])} "
        f"at index {tuple(int(i) for i in worst)}, where you have {format_number(got_array[worst])}."
    )


def format_number(x):
    """600.0 -> '600', 0.123456789 -> '0.123457'."""
    x = float(x)
    if math.isnan(x) or math.isinf(x):
        return str(x)
    if x == int(x) and abs(x) < 1e12:
        return str(int(x))
    return f"{x:.6g}"


def values_match(got, expected, rtol=1e-5, atol=1e-6):
    """True when ``got`` is numerically ``expected`` (within tolerance); False for anything else."""
    try:
        compare_arrays(got, expected, rtol=rtol, atol=atol)
    except (Mismatch, TypeError):
        return False
    return True
