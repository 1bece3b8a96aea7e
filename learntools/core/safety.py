"""Calling learner code safely: time-boxed, quiet, and without side effects on global state.

Every call a check makes into learner code goes through :func:`call_learner`. Whatever the
learner's code does (raise, hang, call ``exit()``, print without end, change the default dtype),
the check gets back either a value or a :class:`LearnerCodeError` whose message is one readable
sentence, and the process's global settings are as they were.

A whole check runs inside :func:`checking`: its own work (which may call a learner object's
``__eq__`` or ``__float__``) is time-boxed by a clock that stops while learner code runs, the
learner's printing is collected and shown cut to a few lines, and once learner code has timed
out, later calls into it give up at once (one timeout per check, not one per retry).
"""

import contextlib
import contextvars
import io
import linecache
import os
import random
import re
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
    """Run a block, then put back the global RNGs (random, numpy, torch CPU and CUDA) as they were.

    The other global settings a check must not change come back too: see :func:`preserved_settings`.
    """
    python_state = random.getstate()
    numpy_state = np.random.get_state()
    torch_state = torch.get_rng_state()
    cuda_states = torch.cuda.get_rng_state_all() if torch.cuda.is_initialized() else None
    try:
        with preserved_settings():
            yield
    finally:
        random.setstate(python_state)
        np.random.set_state(numpy_state)
        torch.set_rng_state(torch_state)
        if cuda_states is not None:
            torch.cuda.set_rng_state_all(cuda_states)


@contextlib.contextmanager
def preserved_settings():
    """Run a block, then put back torch's default dtype, grad mode and thread count as they were."""
    dtype = torch.get_default_dtype()
    grad_enabled = torch.is_grad_enabled()
    threads = torch.get_num_threads()
    try:
        yield
    finally:
        torch.set_default_dtype(dtype)
        torch.set_grad_enabled(grad_enabled)
        if torch.get_num_threads() != threads:
            torch.set_num_threads(threads)


# --------------------------------------------------------------------------- quiet


@contextlib.contextmanager
def quiet():
    """Swallow warnings and anything written to stderr (nbgrader fails a cell that writes to stderr)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with contextlib.redirect_stderr(io.StringIO()):
            yield


# --------------------------------------------------------------------------- the learner's printing

MAX_OUTPUT_LINES = 8


class CappedOutput(io.TextIOBase):
    """A stdout stand-in that keeps the first ``limit`` lines written to it and counts the rest.

    Its memory stays small however much is printed, so a learner function printing in an endless
    loop costs a timeout, not the machine's memory.
    """

    def __init__(self, limit=MAX_OUTPUT_LINES):
        super().__init__()
        self.limit = limit
        self.kept = []
        self.partial = ""
        self.cut = 0

    def writable(self):
        return True

    def write(self, text):
        text = str(text)
        if self.cut:  # already full: only count
            self.cut += text.count("\n")
            return len(text)
        lines = (self.partial + text).split("\n")
        self.partial = lines.pop()[:1000]
        for line in lines:
            if len(self.kept) < self.limit:
                self.kept.append(line[:1000])
            else:
                self.cut += 1
        return len(text)

    def text(self):
        """What was printed, at most ``limit`` lines, with a note of how many were cut."""
        lines = list(self.kept)
        if self.partial and len(lines) < self.limit:
            lines.append(self.partial)
        elif self.partial:
            self.cut += 1
        if self.cut:
            lines.append(f"... ({self.cut:,} more line{'s' if self.cut != 1 else ''} of your code's output not shown)")
        self.kept, self.partial, self.cut = [], "", 0
        return "\n".join(lines) + "\n" if lines else ""


# --------------------------------------------------------------------------- a whole check


class _Check:
    """What one check shares with the learner calls it makes: the printing, and a timeout already spent."""

    def __init__(self):
        self.output = CappedOutput()
        self.timed_out = None  # the sentence of the first timeout, once learner code has hung


_current_check = contextvars.ContextVar("learntools_current_check", default=None)


class CheckTimeout(BaseException):
    """The check's own clock ran out (a learner object's method never returned)."""


@contextlib.contextmanager
def checking(timeout, check_files=()):
    """Run a whole check: output collected and cut, one timeout per check, its own work time-boxed.

    The check's own work is stopped with :class:`CheckTimeout` after ``timeout`` seconds spent in a
    method of the answer (``check_files``, where the check's own functions live, are not the
    answer's); time spent in learner code called through :func:`call_learner` does not count.
    """
    check = _Check()
    token = _current_check.set(check)
    caller = sys._getframe(2)  # the frame running `with checking(...)` (past contextlib's __enter__)
    try:
        with _check_clock(timeout, caller, frozenset(check_files)):
            yield check
    finally:
        _current_check.reset(token)
        text = check.output.text()
        if text:
            sys.stdout.write(text)


def _in_learner_code(frame, boundary, check_files):
    """True when learner code runs at ``frame`` or in a frame that called it, up to ``boundary`` (the
    check's own caller: the notebook cell that called q1.check() is learner code, but not the answer's)."""
    while frame is not None and frame is not boundary:
        filename = frame.f_code.co_filename
        if _is_learner_frame(filename) and filename not in check_files:
            return True
        frame = frame.f_back
    return False


@contextlib.contextmanager
def _timer(seconds, on_alarm, pause_outer=False):
    """Call ``on_alarm`` on SIGALRM after ``seconds``; afterwards restore the handler and any outer timer
    (with the time spent here taken off it, unless ``pause_outer``)."""
    active = {"on": True}

    def guarded(signum, frame):
        # A signal that was already on its way when the block ended does nothing: were ``on_alarm`` to arm the
        # timer again then (a check's clock looks again shortly), the alarm would come after the previous
        # handler is back, the default one kills the process.
        if active["on"]:
            on_alarm(signum, frame)

    previous_handler = signal.signal(signal.SIGALRM, guarded)
    outer_delay, outer_interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    started = time.monotonic()
    try:
        yield
    finally:
        active["on"] = False  # first: from here on no handler arms the timer again
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_handler)
        if outer_delay:
            spent = 0.0 if pause_outer else time.monotonic() - started
            signal.setitimer(signal.ITIMER_REAL, max(outer_delay - spent, 1e-3), outer_interval)


@contextlib.contextmanager
def _check_clock(seconds, boundary=None, check_files=frozenset()):
    """Raise CheckTimeout once the check's own work has run ``seconds`` while inside learner code
    (an answer's ``__eq__`` that never returns), or three times ``seconds`` in any case. The check's
    own slow moments (a first import on a busy machine) get the extra time; the learner's don't."""
    if not _can_use_alarm() or not seconds or seconds <= 0:
        yield
        return
    recheck = min(seconds, 0.5)
    grace = {"left": int(2 * seconds / recheck)}  # re-checks of the check's own code before giving up

    def on_alarm(signum, frame):
        if _in_learner_code(frame, boundary, check_files) or grace["left"] <= 0:
            raise CheckTimeout()
        grace["left"] -= 1
        signal.setitimer(signal.ITIMER_REAL, recheck)  # the check's own code: look again shortly

    with _timer(seconds, on_alarm):
        yield


def _can_use_alarm():
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def _alarm(seconds, state, pause_outer=False):
    """Raise _LearnerTimeout in the main thread after ``seconds``; restores any outer timer.

    Sets ``state["fired"]``, so a timeout that learner code swallowed (a bare ``except:``) still counts.
    With ``pause_outer`` (the outer timer is a check's clock) the outer timer gets back all the time it
    had: learner code's time is boxed here, not there.
    """

    def on_alarm(signum, frame):
        state["fired"] = True
        raise _LearnerTimeout()

    with _timer(seconds, on_alarm, pause_outer=pause_outer):
        yield


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
    Torch's default dtype, grad mode and thread count are put back after the call, and what the
    code prints is collected and shown cut to a few lines.
    """
    check = _current_check.get()
    if check is not None and check.timed_out:  # it hung once in this check: don't wait for it again
        raise LearnerCodeError(check.timed_out)
    output = check.output if check is not None else CappedOutput()
    alarm = {"fired": False}
    try:
        with quiet(), preserved_settings(), contextlib.redirect_stdout(output):
            if _can_use_alarm():
                with _alarm(timeout, alarm, pause_outer=check is not None):
                    value = func(*args, **kwargs)
            else:
                value = _run_in_thread(func, args, kwargs, timeout)
        if alarm["fired"]:  # the learner's code caught the timeout and returned anyway
            raise _LearnerTimeout()
        return value
    except _LearnerTimeout:
        message = (
            f"{_capitalised(what)} did not finish within {timeout:g} s: is there an endless loop, "
            "or a loop over far more elements than needed?"
        )
        if check is not None:
            check.timed_out = message
        raise LearnerCodeError(message) from None
    except (KeyboardInterrupt, CheckTimeout):
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
            f"{_capitalised(what)} raised {describe_exception(error)}{_where(error)}.{_torch_advice(error)}"
        ) from None
    finally:
        if check is None:
            sys.stdout.write(output.text())


# PyTorch errors whose usual cause in learner code is known: (part of torch's message, what it means).
_TORCH_ADVICE = [
    ("Sizes of tensors must match except in dimension 0",
     "torch.cat along dim=0 stacks the tensors as more examples (rows); to join each example's parts side by "
     "side, concatenate along dim=1."),
    ("Sizes of tensors must match except in dimension 1",
     "torch.cat along dim=1 needs every other size to agree: compare the batch size, height and width of "
     "the tensors you join (a hard-coded size?)."),
    ("Class values must be smaller than num_classes",
     "F.one_hot got a label that is not below num_classes: labels 0 to k - 1 need num_classes=k."),
]


_SIZES_DIFFER = re.compile(r"size of tensor a \((\d+)\) must match the size of tensor b \((\d+)\)")


def _torch_advice(error):
    """A sentence on the usual cause of a known PyTorch error (with a leading space), or ''."""
    try:
        text = str(error)
    except Exception:  # an exception whose message itself fails: no advice
        return ""
    for fragment, advice in _TORCH_ADVICE:
        if fragment in text:
            return f" {advice}"
    sizes = _SIZES_DIFFER.search(text)
    if sizes:
        small, large = sorted(int(size) for size in sizes.groups())
        if small > 0 and large == 2 * small:
            return (f" One tensor is twice the size of the other ({small} and {large}): was an image meant to be "
                    "upsampled 2× first, `F.interpolate(x, scale_factor=2, mode=\"nearest\")`?")
    return ""


def learner_failure(error, check_files=()):
    """The sentence for an error raised in a check's own code because of the learner's answer, or None.

    An error raised in learner code (a method of the answer that raises), by a tensor on the 'meta'
    device (which holds no values) or by a number too large for a float is the answer's doing; any
    other error is a bug in the check. ``check_files`` are the files the check's own functions were
    written in (outside the package when a test declares a problem): their frames are the check's.
    """
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if _is_learner_frame(f.filename) and f.filename not in check_files]
    if frames:
        return (f"your answer raised {describe_exception(error)}{_where(error)} while it was being checked: "
                "does one of its methods (such as `__len__`, `__eq__` or `__float__`) fail?")
    text = describe_exception(error)
    if "meta" in text.lower():
        return ("your answer gave a tensor on the 'meta' device, which has a shape but no values to check: "
                "build it on the CPU, or on the device of the inputs.")
    if isinstance(error, OverflowError):
        return (f"your answer holds a number too large to be a float ({text}): "
                "is a value growing without bound?")
    return None


def check_timeout_sentence(timeout):
    return (f"checking your answer did not finish within {timeout:g} s: does one of its methods "
            "(such as `__eq__`, `__float__` or `__repr__`) never return?")


def _capitalised(text):
    return text[:1].upper() + text[1:]
