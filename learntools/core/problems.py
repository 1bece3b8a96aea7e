"""Problem kinds. A problem is declared once: expected answer or reference, hints, solution, points.

The same declaration serves ``q1.check()`` for self-study and the autograder test under nbgrader.

Kinds:
    Problem           any answer, checked by its ``test`` alone
    ValueProblem      a number, array or tensor (with tolerance), or any value with a custom test
    FunctionProblem   the learner's function against a reference on fixed and seeded random cases
    ModuleProblem     a torch model, or a class or function building one (in models.py)
    MultipartProblem  q3.a, q3.b, ...
    ThoughtProblem    a question to think about; ``solution()`` reveals a discussion

A custom check has one spelling: ``test=``, a function that raises ``Incorrect`` (or ``NotAttempted``)
with a sentence, and returns None or a success message. Every kind takes one; ``known_mistakes``
makes one from a table of realistic wrong answers. While a test runs, ``current_timeout()`` is the
problem's time limit for calls into learner code.
"""

import contextlib
import contextvars
import copy
import inspect
import re

import numpy as np
import torch

from . import binder
from .compare import Mismatch, compare_arrays, describe, format_number, values_match
from .feedback import (
    CHECKER_ERROR,
    CORRECT,
    INCORRECT,
    INFO,
    NOT_ATTEMPTED,
    Incorrect,
    NotAttempted,
    Outcome,
    grading_mode,
    show,
)
from .placeholder import code_uses_placeholder, contains_placeholder, is_placeholder
from .safety import (
    CheckTimeout,
    LearnerCodeError,
    call_learner,
    check_timeout_sentence,
    checking,
    learner_failure,
    preserved_random_state,
    quiet,
)

_MISSING = object()

_TIMEOUT = contextvars.ContextVar("learntools_check_timeout", default=10.0)


def current_timeout():
    """The time limit (seconds) for one call into learner code: the timeout of the problem being checked."""
    return _TIMEOUT.get()


@contextlib.contextmanager
def single_thread():
    """Run a block with one torch thread: tiny checks are fastest that way, and they don't fight
    other processes for the cores. The previous setting is put back."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def known_mistakes(rows, rtol=1e-5, atol=1e-6):
    """A test from a table of realistic wrong answers: [(wrong value, the sentence that names it), ...].

    It raises Incorrect with the sentence of the first row the answer matches (within tolerance),
    and returns None otherwise. Used as ``test=`` it runs only on answers that differ from the
    expected one, so a row equal to the right answer never fires.
    """
    rows = list(rows)

    def test(answer):
        for wrong, message in rows:
            if values_match(answer, wrong, rtol, atol):
                raise Incorrect(message)

    return test


def require_callable(answer, var, noun="function"):
    """NotAttempted for the blank, or for code that still holds one; Incorrect when the answer can't be
    called. ``noun`` names the answer in the sentence ("function", "class", "model")."""
    if is_placeholder(answer):
        raise NotAttempted(f"replace `____` with your {noun} `{var}`.")
    if not callable(answer):
        raise Incorrect(f"`{var}` should be a {noun}, but it is {describe(answer)}.")
    if code_uses_placeholder(type(answer) if isinstance(answer, torch.nn.Module) else answer):
        raise NotAttempted(f"your {noun} `{var}` still contains a `____` blank: fill it in.")


class Problem:
    """Base of every problem: check(), hint(n), solution(), and the grading-mode contract.

    test: callable(answer) raising Incorrect / NotAttempted with a sentence, or returning a success
          message (or None). On a plain Problem it is the whole check; each kind says when it runs.
    success: the line shown on a pass when ``test`` returns no message of its own (say what is worth keeping).
    """

    kind = "question"

    def __init__(self, var=None, hints=(), solution="", points=1, timeout=10.0, title="", test=None, success=""):
        self.var = var
        self.success = success  # the line a pass shows when the check itself returns no message
        self.hints = list(hints)
        self.solution_code = solution
        self.solution_book = None  # set by bind_exercises: the module's solutions file
        self.points = points
        self.timeout = timeout
        self.title = title
        self.test = test
        self.name = "this question"

    # ------------------------------------------------------------------ what subclasses implement

    def check_answer(self, answer):
        """Raise Incorrect / NotAttempted, or return a success message (or None)."""
        if self.test is None:
            raise NotImplementedError("a Problem needs a test=, or a kind that checks answers")
        if contains_placeholder(answer):
            raise NotAttempted(f"replace the `____` in `{self._var_text()}` with your answer.")
        return self.test(answer)

    def _var_text(self):
        return self.var if isinstance(self.var, str) else ", ".join(self.var)

    # ------------------------------------------------------------------ the learner's answer

    def fetch_answer(self):
        """The learner's answer: the value of ``var`` in the notebook (a tuple when var is a tuple)."""
        names = (self.var,) if isinstance(self.var, str) else tuple(self.var)
        values = []
        for name in names:
            if not binder.is_bound():
                raise NotAttempted(
                    "the notebook's set-up cell has not run yet: run the first code cell, then check again."
                )
            value = binder.lookup(name, _MISSING)
            if value is _MISSING:
                raise NotAttempted(f"`{name}` is not defined yet: run the cell where you set it.")
            values.append(value)
        return values[0] if isinstance(self.var, str) else tuple(values)

    # ------------------------------------------------------------------ evaluation

    def evaluate(self, answer=_MISSING):
        """Check an answer (by default the learner's variable) and return an Outcome. Never raises.

        Runs with the global random state, default dtype, grad mode and thread count restored
        afterwards, with warnings and stderr silenced, the learner's printing cut to a few lines,
        and the check's own work time-boxed (see learntools.core.safety.checking). The check itself
        runs with torch's default dtype float32, whatever the learner set.
        """
        token = _TIMEOUT.set(self.timeout)
        with preserved_random_state(), quiet():
            torch.set_default_dtype(torch.float32)
            try:
                with checking(self.timeout, self._check_files()):
                    if answer is _MISSING:
                        answer = self.fetch_answer()
                    message = self.check_answer(answer)
            except NotAttempted as reason:
                return Outcome(NOT_ATTEMPTED, str(reason))
            except Incorrect as reason:
                return Outcome(INCORRECT, str(reason))
            except LearnerCodeError as reason:
                return Outcome(INCORRECT, str(reason))
            except CheckTimeout:
                return Outcome(INCORRECT, check_timeout_sentence(self.timeout))
            except KeyboardInterrupt:
                raise
            except BaseException as error:  # a bug in the check, unless the answer caused it
                blame = learner_failure(error, self._check_files())
                if blame:
                    return Outcome(INCORRECT, blame)
                return Outcome(
                    CHECKER_ERROR,
                    f"the check itself failed ({type(error).__name__}) on {describe(answer)}. "
                    "This is a bug in the course, not in your answer: please report it.",
                )
            finally:
                _TIMEOUT.reset(token)
        return Outcome(CORRECT, message or self.success or "")

    def _check_files(self):
        """The files the check's own code was written in: its class and the functions it was given."""
        files = {inspect.getsourcefile(type(self)) or ""}
        for value in vars(self).values():
            code = getattr(value, "__code__", None) if callable(value) else None
            if code is not None:
                files.add(code.co_filename)
        return files

    def check(self, strict=False):
        """Show whether the answer is right. Raises AssertionError if wrong under nbgrader or strict=True."""
        __tracebackhide__ = True
        outcome = self.evaluate()
        show(outcome.status, outcome.message)
        if (strict or grading_mode()) and not outcome.passed:
            raise AssertionError(outcome.text())
        return None

    def assert_check_passed(self):
        """Raise AssertionError with the feedback message unless the answer is correct."""
        __tracebackhide__ = True
        self.check(strict=True)

    def hint(self, n=1):
        """Show hint number ``n`` (1 is the gentlest)."""
        if not self.hints:
            show("hint", "there is no hint for this question.")
            return
        try:
            level = int(n)
        except (TypeError, ValueError):
            level = 1
        level = min(max(level, 1), len(self.hints))
        more = f" (Hint {level} of {len(self.hints)}; `{self.name}.hint({level + 1})` says more.)" if level < len(self.hints) else ""
        show("hint", self.hints[level - 1] + more)

    def _given_or_from_book(self, given, key):
        """``given`` when it is set (or no solutions file is bound), else ``key`` of this question's solutions entry."""
        if given or self.solution_book is None:
            return given
        return self.solution_book.entry(self.name).get(key, "")

    @property
    def solution_code(self):
        """The code ``solution()`` shows: given to the constructor, or else the module's solutions file."""
        return self._given_or_from_book(self._solution_code, "code")

    @solution_code.setter
    def solution_code(self, code):
        self._solution_code = code

    def solution(self):
        """Show a correct answer."""
        if not self.solution_code:
            show("solution", "no solution is recorded for this question.")
            return
        show("solution", "", code=self.solution_code)

    def __repr__(self):
        return f"<{self.kind} {self.name}: run {self.name}.check(), {self.name}.hint() or {self.name}.solution()>"


# =============================================================================== value


class ValueProblem(Problem):
    """A value: a number, array or tensor compared with tolerance, or anything with ``test``.

    expected: the right value; the answer is compared with it (rtol, atol).
    test:     callable(answer) raising Incorrect. With ``expected`` it runs only when the answer
              differs, to name the mistake (``known_mistakes([...])``); without, it is the whole check.
    """

    kind = "value question"

    def __init__(self, var, expected=None, rtol=1e-5, atol=1e-6, test=None, **kwargs):
        super().__init__(var=var, test=test, **kwargs)
        self.expected = expected
        self.rtol = rtol
        self.atol = atol

    def check_answer(self, answer):
        if contains_placeholder(answer):
            raise NotAttempted(f"replace the `____` in `{self._var_text()}` with your answer.")
        if self.expected is None:
            return self.test(answer)
        try:
            compare_arrays(answer, self.expected, self.rtol, self.atol, name=f"`{self._var_text()}`")
        except Mismatch as mismatch:
            if self.test is not None:
                self.test(answer)
            raise Incorrect(str(mismatch)) from None
        return None


# =============================================================================== function


class FunctionProblem(Problem):
    """The learner's function, called on fixed cases then seeded random ones, against ``reference``.

    cases:        list of argument tuples, tried first (the simplest first).
    random_cases: callable(numpy Generator) -> argument tuple; called ``n_random`` times, seeded.
    arg_names:    names used when a failing input is shown.
    compare:      callable(got, expected) raising Mismatch; default: tolerance comparison.
    test:         callable(args, got, expected) raising Incorrect to name a specific mistake; it runs
                  on a case whose result differs from the reference's (its sentence follows the call).

    The cases run on one torch thread.
    """

    kind = "function question"

    def __init__(
        self,
        var,
        reference,
        cases=(),
        random_cases=None,
        n_random=10,
        seed=0,
        arg_names=None,
        compare=None,
        test=None,
        rtol=1e-4,
        atol=1e-5,
        **kwargs,
    ):
        super().__init__(var=var, test=test, **kwargs)
        self.reference = reference
        self.cases = list(cases)
        self.random_cases = random_cases
        self.n_random = n_random
        self.seed = seed
        self.arg_names = arg_names or list(inspect.signature(reference).parameters)
        self.compare = compare
        self.rtol = rtol
        self.atol = atol

    def all_cases(self):
        """The fixed cases, then the seeded random ones (the same every time)."""
        cases = [tuple(case) for case in self.cases]
        if self.random_cases is not None:
            rng = np.random.default_rng(self.seed)
            cases += [tuple(self.random_cases(rng)) for _ in range(self.n_random)]
        return cases

    def describe_call(self, args):
        parts = []
        for name, value in zip(self.arg_names, args):
            shown = _show_small(value)
            parts.append(f"{name}={shown}")
        return f"{self.var}(" + ", ".join(parts) + ")"

    def check_answer(self, answer):
        require_callable(answer, self.var)
        with single_thread():
            for args in self.all_cases():
                expected = self.reference(*copy.deepcopy(args))
                learner_args = copy.deepcopy(args)
                got = call_learner(answer, *learner_args, what=f"your function `{self.var}`", timeout=self.timeout)
                self._check_one(args, learner_args, got, expected)
        return None

    def _check_one(self, args, learner_args, got, expected):
        if is_placeholder(got):
            raise NotAttempted(f"your function `{self.var}` still returns `____`: replace it with your code.")
        if got is None and expected is not None:
            raise Incorrect(f"`{self.describe_call(args)}` returned None: is the `return` statement missing?")
        for original, passed in zip(args, learner_args):
            if isinstance(original, (torch.Tensor, np.ndarray)) and not values_match(passed, original, 0, 0):
                raise Incorrect(
                    f"`{self.describe_call(args)}` changed one of its inputs in place; compute a new result instead "
                    "(e.g. `x = x + 1`, not `x += 1`)."
                )
        if _is_complex(got) and not _is_complex(expected):
            raise Incorrect(f"`{self.describe_call(args)}` returned complex numbers ({got.dtype}); it should "
                            "return real ones. Look for a square root or a power of a negative number.")
        try:
            if self.compare is not None:
                self.compare(got, expected)
            else:
                compare_arrays(got, expected, self.rtol, self.atol, name="the result")
        except Mismatch as mismatch:
            # A specific diagnosis, when one fits, says more than the generic difference.
            try:
                if self.test is not None:
                    self.test(args, got, expected)
            except Incorrect as diagnosis:
                raise Incorrect(f"for `{self.describe_call(args)}`: {diagnosis}") from None
            raise Incorrect(f"for `{self.describe_call(args)}`: {mismatch}") from None


def _is_complex(value):
    """True for a complex tensor or numpy array (which .float() would silently make real)."""
    if isinstance(value, torch.Tensor):
        return value.is_complex()
    return isinstance(value, np.ndarray) and np.issubdtype(value.dtype, np.complexfloating)


def _show_small(value):
    """A small tensor or array in full, a big one by shape."""
    if isinstance(value, torch.Tensor) and value.numel() <= 9:
        return f"tensor({np.array2string(value.detach().cpu().numpy(), separator=', ', precision=3)})".replace("\n", "")
    if isinstance(value, np.ndarray) and value.size <= 9:
        return f"array({np.array2string(value, separator=', ', precision=3)})".replace("\n", "")
    if isinstance(value, (torch.Tensor, np.ndarray)):
        return f"<{'tensor' if isinstance(value, torch.Tensor) else 'array'} of shape {tuple(value.shape)}>"
    if isinstance(value, float):
        return format_number(value)
    return repr(value)


# =============================================================================== multipart


class MultipartProblem:
    """Several parts asked together: ``q3.a.check()``, ``q3.b.check()``; ``q3.check()`` checks them all."""

    kind = "multi-part question"

    def __init__(self, **parts):
        self.parts = parts
        self.name = "this question"
        for letter, part in parts.items():
            setattr(self, letter, part)

    def _name_parts(self, name):
        self.name = name
        for letter, part in self.parts.items():
            part.name = f"{name}.{letter}"

    @property
    def points(self):
        return sum(part.points for part in self.parts.values())

    def evaluate(self):
        return self._summary(self._part_outcomes())

    def _part_outcomes(self):
        return {letter: part.evaluate() for letter, part in self.parts.items()}

    def _summary(self, outcomes):
        if all(o.passed for o in outcomes.values()):
            return Outcome(CORRECT, f"all {len(outcomes)} parts are right.")
        if all(o.status == NOT_ATTEMPTED for o in outcomes.values()):
            return Outcome(NOT_ATTEMPTED, f"check each part: {', '.join(p.name + '.check()' for p in self.parts.values())}.")
        todo = [f"{self.name}.{letter}" for letter, o in outcomes.items() if not o.passed]
        # Parts left blank beside right ones: not attempted yet, rather than incorrect.
        status = NOT_ATTEMPTED if all(o.status in (CORRECT, NOT_ATTEMPTED) for o in outcomes.values()) else INCORRECT
        return Outcome(status, f"not every part is right yet: run {', '.join(t + '.check()' for t in todo)}.")

    def check(self, strict=False):
        """Show each part's result (each part's learner code runs once); raise like Problem.check."""
        __tracebackhide__ = True
        outcomes = self._part_outcomes()
        failed = None
        for letter, part in self.parts.items():
            outcome = outcomes[letter]
            shown = Outcome(outcome.status, f"{part.name}: {outcome.message}" if outcome.message else part.name)
            show(shown.status, shown.message)
            if failed is None and not shown.passed:
                failed = shown
        if (strict or grading_mode()) and failed is not None:
            raise AssertionError(failed.text())

    def assert_check_passed(self):
        __tracebackhide__ = True
        self.check(strict=True)

    def hint(self, n=1):
        show("hint", f"this question has parts: ask one of them, e.g. `{self.name}.{next(iter(self.parts))}.hint()`.")

    def solution(self):
        """Each part's solution; parts answered by the same code show it once."""
        shown = set()
        for part in self.parts.values():
            code = getattr(part, "solution_code", "")
            if code and code in shown:
                continue
            shown.add(code)
            part.solution()

    def __repr__(self):
        return f"<{self.kind} {self.name}: parts {', '.join(self.parts)}>"


# =============================================================================== thought


class ThoughtProblem(Problem):
    """A question to think (or write) about. ``solution()`` reveals a discussion; nothing is checked."""

    kind = "thought question"

    def __init__(self, discussion="", **kwargs):
        kwargs.setdefault("points", 0)
        super().__init__(**kwargs)
        self.discussion = discussion

    @property
    def discussion(self):
        """The discussion (markdown): given to the constructor, or else the module's solutions file."""
        return self._given_or_from_book(self._discussion, "markdown")

    @discussion.setter
    def discussion(self, text):
        self._discussion = text

    def evaluate(self, answer=_MISSING):
        return Outcome(INFO, f"there is nothing to check automatically. Run `{self.name}.solution()` to read a discussion.")

    def check(self, strict=False):
        outcome = self.evaluate()
        show(outcome.status, outcome.message)

    def solution(self):
        show("solution", _unwrap(self.discussion) or "no discussion is recorded for this question.")


def _unwrap(markdown):
    """Markdown with each paragraph and list item on one line (a source's line breaks are not the reader's)."""
    lines = []
    for line in markdown.splitlines():
        text = line.strip()
        starts_block = not text or not lines or not lines[-1] or re.match(r"([-*+]|\d+[.)])\s", text)
        if starts_block:
            lines.append(text)
        else:
            lines[-1] += " " + text
    return "\n".join(lines).strip()
