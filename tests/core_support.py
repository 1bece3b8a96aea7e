"""Helpers shared by the tests of the checker engine (tests/test_core_*.py)."""

import contextlib
import random
import re
import sys
import types
import warnings

import numpy as np
import pytest
import torch

from learntools.core import binder, feedback

# Short enough to keep the suite fast, long enough for any honest answer on a busy CPU.
TIMEOUT = 0.4


@pytest.fixture
def bind():
    """Bind a namespace as a notebook would (``bind(x=1)``); the previous binding comes back afterwards."""
    previous = binder._bound_globals

    def bind_namespace(**names):
        namespace = dict(names)
        binder.bind(namespace)
        return namespace

    yield bind_namespace
    binder._bound_globals = previous


@pytest.fixture
def unbound():
    """No notebook bound, as before the set-up cell runs."""
    previous = binder._bound_globals
    binder._bound_globals = None
    yield
    binder._bound_globals = previous


@pytest.fixture
def terminal(monkeypatch):
    """Plain-terminal output, and not grading."""
    monkeypatch.setattr(feedback, "_in_notebook", lambda: False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)


@pytest.fixture
def notebook(monkeypatch):
    """Pretend to be in a notebook; returns the list of (bundle, kwargs) passed to IPython's display."""
    import IPython.display

    shown = []
    monkeypatch.setattr(feedback, "_in_notebook", lambda: True)
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kwargs: shown.append((objs, kwargs)))
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    return shown


@contextlib.contextmanager
def warnings_on_stderr():
    """Warnings printed to stderr, as in a notebook (pytest otherwise records them out of sight)."""

    def show(message, category, filename, lineno, file=None, line=None):
        sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))

    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.showwarning = show
        yield


# ------------------------------------------------------------------ messages

_ABBREVIATIONS = re.compile(r"\b(e\.g|i\.e|etc|vs)\.")


def sentence_count(message):
    """Sentences in a message, not counting code spans, numbers or e.g./i.e."""
    text = re.sub(r"`[^`]*`", "CODE", message)
    text = _ABBREVIATIONS.sub("ABBR", text)
    return len(re.findall(r"[.!?](?=\s|$)", text)) or 1


def assert_clear(message, *observed):
    """One or two readable sentences, no traceback, naming what was observed."""
    assert isinstance(message, str) and message.strip(), "empty feedback"
    assert "Traceback" not in message, message
    assert 'File "' not in message, message
    assert "\n" not in message, message
    assert len(message) < 600, message
    assert sentence_count(message) <= 2, message
    for text in observed:
        assert text in message, f"{text!r} not in {message!r}"


# ------------------------------------------------------------------ global state


def assert_shown_as_one_incorrect_sentence(capfd, *observed):
    """What check() printed (read from ``capfd``): one line "Incorrect: ...", clear and naming what was
    observed, and nothing on stderr (nbgrader fails a cell that writes there)."""
    out, err = capfd.readouterr()
    assert err == ""
    assert out.startswith("Incorrect: ") and out.count("\n") == 1, out
    assert_clear(out[len("Incorrect: "):].strip(), *observed)


def random_state():
    """The global RNG states (python, numpy, torch), comparable with ==."""
    numpy_state = np.random.get_state()
    return (
        random.getstate(),
        (numpy_state[0], numpy_state[1].tobytes(), *numpy_state[2:]),
        torch.get_rng_state().numpy().tobytes(),
    )


def messy_learner_rng():
    """What a learner's function might do: reseed and draw from every global RNG."""
    torch.manual_seed(123)
    np.random.seed(123)
    random.seed(123)
    torch.rand(3)
    np.random.rand(3)
    random.random()


# ------------------------------------------------------------------ hostile values


class BadRepr:
    def __repr__(self):
        raise RuntimeError("repr exploded")

    __str__ = __repr__


class BadEq:
    def __eq__(self, other):
        raise RuntimeError("eq exploded")

    __hash__ = object.__hash__


class BadLen:
    def __len__(self):
        raise RuntimeError("len exploded")

    def __iter__(self):
        raise RuntimeError("iter exploded")

    def __getitem__(self, index):
        raise RuntimeError("getitem exploded")


class BadArray:
    def __array__(self, *args, **kwargs):
        raise RuntimeError("array exploded")

    def __float__(self):
        raise RuntimeError("float exploded")


class BadBool:
    def __bool__(self):
        raise RuntimeError("bool exploded")


class BadListLen(list):
    """A list subclass: isinstance(x, list) holds, and its __len__ raises."""

    def __len__(self):
        raise RuntimeError("len exploded")


class BadEverything:
    """Every attribute access explodes, and it claims to be callable."""

    def __getattr__(self, name):
        raise RuntimeError(f"getattr {name} exploded")

    def __call__(self, *args, **kwargs):
        raise RuntimeError("call exploded")

    def __repr__(self):
        raise RuntimeError("repr exploded")


def _generator():
    yield 600.0


def _recursive_list():
    items = [1.0]
    items.append(items)
    return items


def _deep_list(depth=200):
    value = 600.0
    for _ in range(depth):
        value = [value]
    return value


def hostile_values():
    """(id, factory) pairs: values a learner might leave in a variable, on purpose or not."""
    return [
        ("None", lambda: None),
        ("bad_repr", BadRepr),
        ("bad_eq", BadEq),
        ("bad_len", BadLen),
        ("bad_array", BadArray),
        ("bad_bool", BadBool),
        ("bad_list_len", lambda: BadListLen([600.0])),
        ("bad_everything", BadEverything),
        ("huge_list", lambda: [1.0] * 50_000),
        ("huge_string", lambda: "6" * 1_000_000),
        ("string", lambda: "600"),
        ("markup_string", lambda: "<script>alert(1)</script>"),
        ("bytes", lambda: b"600"),
        ("dict", lambda: {"answer": 600.0}),
        ("set", lambda: {600.0}),
        ("generator", _generator),
        ("recursive_list", _recursive_list),
        ("deep_list", _deep_list),
        ("ragged_list", lambda: [[1.0, 2.0], [3.0]]),
        ("empty_list", lambda: []),
        ("bool", lambda: True),
        ("complex", lambda: 600 + 1j),
        ("complex_tensor", lambda: torch.tensor(600 + 1j)),
        ("object_array", lambda: np.array([600.0, "x"], dtype=object)),
        ("string_array", lambda: np.array(["600"])),
        ("nan", lambda: float("nan")),
        ("inf", lambda: float("inf")),
        ("module", lambda: torch.nn.Linear(1, 1)),
        ("function", lambda: (lambda: 600.0)),
        ("class", lambda: int),
        ("ellipsis", lambda: ...),
        ("python_module", lambda: types.ModuleType("answer")),
        ("exception", lambda: ValueError("<b>600</b>")),
        ("meta_tensor", lambda: torch.empty(3, device="meta")),
    ]
