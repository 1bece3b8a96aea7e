"""Calling learner code safely: time-boxed, quiet, and without side effects on random state.

Every call a check makes into learner code goes through :func:`call_learner`. Whatever the
learner's code does (raise, hang, call ``exit()``, print warnings), the check gets back either a
value or a :class:`LearnerCodeError` whose message is one readable sentence.
"""

import contextlib
import io
import linecache
import os
import random
import signal
import sys
import threading
import time
import traceback
import warnings

import numpy as np
import torch

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class LearnerCodeError(Exception):
    """Learner code failed; ``str(error)`` is the sentence to show the learner."""


class _LearnerTimeout(BaseException):
    """Raised inside learner code by the alarm. A BaseException, so `except Exception` can't swallow it."""


# --------------------------------------------------------------------------- random state


@contextlib.contextmanager
def preserved_random_state():
    """Run a block, then put back the global RNGs (random, numpy, torch CPU and CUDA) as they were."""
    python_state = random.getstate()
    numpy_state = np.random.get_state()
    torch_state = torch.get_rng_state()
    cuda_states = torch.cuda.get_rng_state_all() if torch.cuda.is_initialized() else None
    grad_enabled = torch.is_grad_enabled()
    try:
        yield
    finally:
        random.setstate(python_state)
        np.random.set_state(numpy_state)
        torch.set_rng_state(torch_state)
        if cuda_states is not None:
            torch.cuda.set_rng_state_all(cuda_states)
        torch.set_grad_enabled(grad_enabled)


# --------------------------------------------------------------------------- quiet


@contextlib.contextmanager
def quiet():
    """Swallow warnings and anything written to stderr (nbgrader fails a cell that writes to stderr)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with contextlib.redirect_stderr(io.StringIO()):
            yield


# --------------------------------------------------------------------------- time box


def _can_use_alarm():
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def _alarm(seconds, state):
    """Raise _LearnerTimeout in the main thread after ``seconds``; restores any outer timer.

    Sets ``state["fired"]``, so a timeout that learner code swallowed (a bare ``except:``) still counts.
    """

    def on_alarm(signum, frame):
        state["fired"] = True
        raise _LearnerTimeout()

    previous_handler = signal.signal(signal.SIGALRM, on_alarm)
    outer_delay, outer_interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    started = time.monotonic()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_handler)
        if outer_delay:
            remaining = max(outer_delay - (time.monotonic() - started), 1e-3)
            signal.setitimer(signal.ITIMER_REAL, remaining, outer_interval)


def _run_in_thread(func, args, kwargs, seconds):
    """Fallback off the main thread: wait at most ``seconds``; a hung thread is left behind as a daemon."""
    box = {}

    def target():
        try:
            box["value"] = func(*args, **kwargs)
        except BaseException as error:  # handed back to the caller below
            box["error"] = error

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise _LearnerTimeout()
    if "error" in box:
        raise box["error"]
    return box["value"]


# --------------------------------------------------------------------------- error sentences


def _is_learner_frame(filename):
    if filename.startswith(_PACKAGE_DIR):
        return False
    if "site-packages" in filename or "dist-packages" in filename:
        return False
    return not filename.startswith(os.path.dirname(os.__file__))


def _where(error):
    """' (line 3 of your code: `x = y[5]`)' for the deepest frame that belongs to the learner."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if _is_learner_frame(f.filename)]
    if not frames:
        return ""
    frame = frames[-1]
    line = (frame.line or linecache.getline(frame.filename, frame.lineno)).strip()
    if not line:
        return f" (line {frame.lineno} of your code)"
    if len(line) > 80:
        line = line[:77] + "..."
    return f" (line {frame.lineno} of your code: `{line}`)"


def _first_line(text, limit=200):
    text = str(text).strip().splitlines()[0] if str(text).strip() else ""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def describe_exception(error):
    """`ValueError: bad shape` with a safe message even when ``str(error)`` itself raises."""
    try:
        message = _first_line(error)
    except Exception:
        message = ""
    name = type(error).__name__
    return f"{name}: {message}" if message else name


def call_learner(func, *args, what="your code", timeout=10.0, **kwargs):
    """Call learner code; return its value or raise LearnerCodeError with a one-sentence explanation.

    ``what`` names the thing being called in the message, e.g. "your function `conv2d`".
    """
    alarm = {"fired": False}
    try:
        with quiet():
            if _can_use_alarm():
                with _alarm(timeout, alarm):
                    value = func(*args, **kwargs)
            else:
                value = _run_in_thread(func, args, kwargs, timeout)
        if alarm["fired"]:  # the learner's code caught the timeout and returned anyway
            raise _LearnerTimeout()
        return value
    except _LearnerTimeout:
        raise LearnerCodeError(
            f"{_capitalised(what)} did not finish within {timeout:g} s: is there an endless loop, "
            "or a loop over far more elements than needed?"
        ) from None
    except KeyboardInterrupt:
        raise
    except SystemExit:
        raise LearnerCodeError(
            f"{_capitalised(what)} called exit(): return a value instead of stopping the program."
        ) from None
    except RecursionError:
        raise LearnerCodeError(
            f"{_capitalised(what)} recursed too deeply (RecursionError): does a function call itself "
            "without a stopping case?"
        ) from None
    except BaseException as error:  # any failure of learner code becomes a sentence
        raise LearnerCodeError(
            f"{_capitalised(what)} raised {describe_exception(error)}{_where(error)}."
        ) from None


def _capitalised(text):
    return text[:1].upper() + text[1:]
