"""Hostile answers for every checked question, and what a check must do with each (tests/test_hostile.py).

Every checked question of every lesson is found through the lessons' ``__all__`` (parts of multi-part
questions included), and given the hostile answers of its kind:

- a *callable* question (a function, a class, a model builder) gets callables that misbehave: no
  ``__name__``, meta-device results, a changed default dtype, results whose every method raises or never
  returns, endless loops, endless printing;
- a *value* question gets values that misbehave the same ways.

:func:`run_case` runs one check of one hostile answer and returns the ways it broke the engine's promise
(an empty list when it kept it): a clear learner-facing outcome, within the timeout + 1 s, no change to
global state, learner output cut to a few lines, nothing on stderr in grading mode.
"""

import contextlib
import dataclasses
import functools
import importlib
import io
import os
import pathlib
import random
import signal
import time
import warnings

import numpy as np
import torch
from torch import nn

from learntools.core import CORRECT, INCORRECT, NOT_ATTEMPTED, MultipartProblem, Outcome, Problem, ThoughtProblem

# lesson NN (lessons/NN_name.py) is checked by learntools.gans.exN
LESSONS = sorted(int(path.name[:2]) for path in (pathlib.Path(__file__).parent.parent / "lessons").glob("[0-9][0-9]_*.py"))
HANG_TIMEOUT = 0.1  # the problem timeout for answers that never return
MAX_OUTPUT_LINES = 25  # what a check may show of a learner's printing
WATCHDOG_MARGIN = 5.0  # a check this far past its limit is stopped (and counted as a hang)
LEARNER_OUTCOMES = {CORRECT: "Correct", INCORRECT: "Incorrect", NOT_ATTEMPTED: "Not attempted"}


# =========================================================================== the questions


def checked_questions():
    """(lesson, name, problem) for every checked question and part of every lesson."""
    found = []
    for lesson in LESSONS:
        module = importlib.import_module(f"learntools.gans.ex{lesson}")
        for name in module.__all__:
            value = getattr(module, name)
            if isinstance(value, MultipartProblem):
                found += [(lesson, part.name, part) for part in value.parts.values()
                          if not isinstance(part, ThoughtProblem)]
            elif isinstance(value, Problem) and not isinstance(value, ThoughtProblem):
                found.append((lesson, value.name, value))
    return found


def answer_kind(problem):
    """'value' for a question whose answer is a value, 'callable' for a function, class or model builder."""
    from learntools.core import ValueProblem

    return "value" if isinstance(problem, ValueProblem) else "callable"


# =========================================================================== hostile values


class _Raises:
    """Base of objects with one method that raises: ``broken`` names it."""

    broken = ""

    def _fail(self, *args, **kwargs):
        raise RuntimeError(f"hostile {self.broken}")


def _raising(dunder):
    return type(f"Raising{dunder.strip('_').title()}", (_Raises,), {"broken": dunder, dunder: _Raises._fail})


class _RaisingGetattr:
    def __getattr__(self, name):
        raise RuntimeError("hostile __getattr__")

    def __getattribute__(self, name):
        if name.startswith("__") and name.endswith("__"):
            return object.__getattribute__(self, name)
        raise RuntimeError("hostile __getattribute__")


class Cursed(torch.Tensor):
    """A tensor subclass whose every operation raises."""

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        raise RuntimeError("cursed tensor")


def _cursed():
    return torch.zeros(4, 3, dtype=torch.float32).as_subclass(Cursed)


def _spin(*args, **kwargs):
    while True:
        pass


def _hanging(dunder):
    """A number (a float subclass, so checks treat it as one) whose ``dunder`` never returns."""
    return type(f"Hanging{dunder.strip('_').title()}", (float,), {dunder: _spin})


class RaisingNumber(float):
    """A number whose every method a check might call raises."""

    def _fail(self, *args, **kwargs):
        raise RuntimeError("hostile number")

    __float__ = __repr__ = __str__ = __eq__ = __lt__ = __gt__ = __abs__ = __sub__ = __format__ = _fail
    __hash__ = float.__hash__


def _meta_tensor():
    return torch.empty(4, 1, 8, 8, device="meta")


def _value_cases():
    """(name, factory, hangs) for hostile values."""
    cases = [(f"raising {d}", _raising(d), False)
             for d in ("__len__", "__iter__", "__eq__", "__contains__", "__float__", "__bool__", "__index__")]
    cases += [
        ("raising __getattr__", _RaisingGetattr, False),
        ("int too large for a float", lambda: 10 ** 400, False),
        ("number whose every method raises", RaisingNumber, False),
        ("list holding a huge int", lambda: [10 ** 400, 1], False),
        ("tensor subclass whose every operation raises", _cursed, False),
        ("meta tensor", _meta_tensor, False),
        ("float64 tensor", lambda: torch.zeros(4, 3, dtype=torch.float64), False),
    ]
    cases += [(f"hanging {d}", _hanging(d), True) for d in ("__float__", "__repr__", "__eq__", "__len__")]
    return cases


# =========================================================================== hostile callables


def _first_tensor(args):
    for arg in args:
        if isinstance(arg, torch.Tensor):
            return arg
    return None


def _returns(make):
    """A learner function that returns ``make()``, whatever it is called with."""

    def learner_function(*args, **kwargs):
        return make()

    return learner_function


def returns_meta(*args, **kwargs):
    like = _first_tensor(args)
    return torch.empty_like(like, device="meta") if like is not None else torch.empty((), device="meta")


def sets_float64(*args, **kwargs):
    torch.set_default_dtype(torch.float64)
    like = _first_tensor(args)
    return torch.zeros(like.shape) if like is not None else torch.zeros(())


def floods(*args, **kwargs):
    for line in range(2_000):
        print("learner output line", line)
    return None


def prints_forever(*args, **kwargs):
    line = 0
    while True:
        print("learner output line", line)
        line += 1


def changes_global_state(*args, **kwargs):
    torch.manual_seed(1234)
    np.random.seed(1234)
    random.seed(1234)
    torch.set_num_threads(max(1, torch.get_num_threads() + 1))
    torch.set_grad_enabled(False)
    warnings.simplefilter("error")
    return None


class CallableObject:
    """A learner's callable object: no ``__name__``, no ``__code__``."""

    def __call__(self, *args, **kwargs):
        return returns_meta(*args, **kwargs)


class HangingNet(nn.Module):
    """A model class whose forward never returns (it takes any arguments)."""

    def __init__(self, *args, **kwargs):
        super().__init__()
        self.layer = nn.Linear(1, 1)

    def forward(self, *args, **kwargs):
        while True:
            pass

    def query(self, *args, **kwargs):
        while True:
            pass


class MetaNet(nn.Module):
    """A model class built on the meta device: every parameter and output holds no values."""

    def __init__(self, *args, **kwargs):
        super().__init__()
        self.layer = nn.Linear(1, 1, device="meta")

    def forward(self, *args, **kwargs):
        return returns_meta(*args)

    def query(self, *args, **kwargs):
        return returns_meta(*args)


class Float64Net(nn.Module):
    """A model class that switches the default dtype to float64 while it is built."""

    def __init__(self, *args, **kwargs):
        torch.set_default_dtype(torch.float64)
        super().__init__()
        self.layer = nn.Linear(1, 1)

    def forward(self, x, *args, **kwargs):
        return x * self.layer.weight.sum() if isinstance(x, torch.Tensor) else x

    def query(self, images):
        return images


class RaisingGetattrNet(nn.Module):
    """A model whose attribute look-ups raise."""

    def __getattr__(self, name):
        raise RuntimeError("hostile __getattr__")


class FloodingNet(nn.Module):
    """A model class that prints 2,000 lines, in __init__ and forward."""

    def __init__(self, *args, **kwargs):
        super().__init__()
        floods()
        self.layer = nn.Linear(1, 1)

    def forward(self, x, *args, **kwargs):
        floods()
        return x

    def query(self, images):
        floods()
        return images


def _callable_cases():
    """(name, factory, hangs) for hostile callables: the factory gives the answer."""
    cases = [
        ("functools.partial", lambda: functools.partial(returns_meta), False),
        ("callable object", CallableObject, False),
        ("nn.Module instance", lambda: nn.Identity(), False),
        ("nn.Module instance with raising __getattr__", lambda: RaisingGetattrNet.__new__(RaisingGetattrNet), False),
        ("returns a meta tensor", lambda: returns_meta, False),
        ("sets the default dtype to float64", lambda: sets_float64, False),
        ("changes global state", lambda: changes_global_state, False),
        ("floods output", lambda: floods, False),
        ("class whose forward returns meta", lambda: MetaNet, False),
        ("class that sets float64", lambda: Float64Net, False),
        ("class that floods output", lambda: FloodingNet, False),
        ("prints without end", lambda: prints_forever, True),
        ("never returns", lambda: _spin, True),
        ("class whose forward never returns", lambda: HangingNet, True),
    ]
    for name, make, hangs in _value_cases():
        cases.append((f"returns {name}", functools.partial(_returns, make), hangs))
    return cases


# =========================================================================== hostile versions of a right answer
#
# Hostile answers that fail early never reach a check's deeper code (reading the loss, diagnosing a
# mistake). These start from the lesson's own solution and misbehave only in one way.


@functools.lru_cache(maxsize=None)
def solved_namespace(lesson):
    """A notebook's names after running every declared solution of a lesson, in order."""
    from gans_support import run_solution

    module = importlib.import_module(f"learntools.gans.ex{lesson}")
    namespace = {name: getattr(module, name) for name in module.__all__}
    namespace.update(torch=torch, nn=nn, F=torch.nn.functional, np=np, math=__import__("math"),
                     copy=__import__("copy"))
    for line in _lesson_imports(lesson):  # the lesson's own imports (its loss functions, say)
        try:
            exec(line, namespace)
        except Exception:  # an import the tests' environment lacks: the solutions that need it are skipped
            pass
    for _, _, problem in (q for q in checked_questions() if q[0] == lesson):
        try:
            run_solution(problem, namespace)
        except Exception:  # a solution that needs more than the notebook's first names: not used here
            pass
    return namespace


def _lesson_imports(lesson):
    """The top-level import lines of a lesson's source (lessons/0N_*.py)."""
    source = next((pathlib.Path(__file__).parent.parent / "lessons").glob(f"{lesson:02d}_*.py"))
    return [line for line in source.read_text().splitlines()
            if line.startswith(("import ", "from ")) and "binder" not in line and " *" not in line]


def solution_of(lesson, problem):
    """The lesson's right answer to ``problem`` (a function or class), or None."""
    if not isinstance(problem.var, str):
        return None
    answer = solved_namespace(lesson).get(problem.var)
    return answer if callable(answer) else None


def _to_meta(value):
    if isinstance(value, torch.Tensor):
        return torch.empty_like(value, device="meta")
    if isinstance(value, (tuple, list)):
        return type(value)(_to_meta(item) for item in value)
    return value


def _wrapping(solution, after=None, before=None):
    """A learner function that calls ``before()``, then the solution, then hands its result to ``after``."""

    def learner_function(*args, **kwargs):
        if before is not None:
            before()
        result = solution(*args, **kwargs)
        return after(result) if after is not None else result

    return learner_function


def _float64():
    torch.set_default_dtype(torch.float64)


class Delegating:
    """A callable object that answers with the solution: right, but no ``__name__`` or ``__code__``."""

    def __init__(self, solution):
        self.solution = solution

    def __call__(self, *args, **kwargs):
        return self.solution(*args, **kwargs)


def _solution_cases(solution):
    """(name, factory, hangs) for hostile versions of a right answer."""
    cases = [
        ("partial of the solution", lambda: functools.partial(solution), False),
        ("solution that switches to float64", lambda: _wrapping(solution, before=_float64), False)
        if not isinstance(solution, type) else
        ("solution class that switches to float64",
         lambda: type(solution.__name__, (solution,), {"__init__": _wrapping(solution.__init__, before=_float64)}),
         False),
        ("solution that floods output", lambda: _wrapping(solution, before=lambda: floods()), False),
    ]
    if isinstance(solution, type):
        return cases
    cases += [
        ("callable object wrapping the solution", lambda: Delegating(solution), False),
        ("solution moved to meta", lambda: _wrapping(solution, after=_to_meta), False),
        ("solution then raising __float__", lambda: _wrapping(solution, after=lambda r: _raising("__float__")()), False),
        ("solution then a cursed tensor", lambda: _wrapping(solution, after=lambda r: _cursed()), False),
        ("solution then a huge int", lambda: _wrapping(solution, after=lambda r: 10 ** 400), False),
        ("solution then hanging __float__", lambda: _wrapping(solution, after=lambda r: _hanging("__float__")()), True),
    ]
    return cases


@dataclasses.dataclass(frozen=True)
class Case:
    name: str
    make: object  # () -> the answer
    hangs: bool


def hostile_cases(kind, solution=None):
    """The hostile answers for a question of ``kind`` ('value' or 'callable'), and hostile versions of
    its ``solution`` when one is given."""
    cases = _value_cases() if kind == "value" else _callable_cases()
    if solution is not None:
        cases += _solution_cases(solution)
    return [Case(name, make, hangs) for name, make, hangs in cases]


def cases_for(lesson, problem):
    """Every hostile answer for ``problem``. A long-running check (a training run, which reads its data
    before it calls learner code) gets every answer that hangs and a quarter of the others, and no
    versions of the right answer, which would each run the whole training."""
    kind = answer_kind(problem)
    if problem.timeout > 10:
        return [case for index, case in enumerate(hostile_cases(kind)) if case.hangs or index % 4 == 0]
    solution = solution_of(lesson, problem) if kind == "callable" else None
    return hostile_cases(kind, solution)


def answer_for(problem, case):
    """The hostile answer, one per name where the question asks for several."""
    if isinstance(problem.var, tuple):
        return tuple(case.make() for _ in problem.var)
    return case.make()


# =========================================================================== running one case


def global_state():
    """Everything a check must leave as it found it."""
    return {
        "torch RNG": torch.get_rng_state().clone(),
        "numpy RNG": np.random.get_state()[1].copy(),
        "random RNG": random.getstate(),
        "default dtype": torch.get_default_dtype(),
        "grad mode": torch.is_grad_enabled(),
        "torch threads": torch.get_num_threads(),
        "warnings filters": list(warnings.filters),
    }


def changed_state(before, after):
    changed = []
    for key, value in before.items():
        other = after[key]
        same = torch.equal(value, other) if isinstance(value, torch.Tensor) else (
            np.array_equal(value, other) if isinstance(value, np.ndarray) else value == other)
        if not same:
            changed.append(key)
    return changed


@contextlib.contextmanager
def problem_timeout(problem, seconds):
    """The problem's timeout set to ``seconds`` for a block."""
    before = problem.timeout
    problem.timeout = seconds
    try:
        yield
    finally:
        problem.timeout = before


@contextlib.contextmanager
def grading(on):
    """NBGRADER_EXECUTION set (grading mode) for a block, when ``on``."""
    before = os.environ.get("NBGRADER_EXECUTION")
    if on:
        os.environ["NBGRADER_EXECUTION"] = "autograde"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("NBGRADER_EXECUTION", None)
        else:
            os.environ["NBGRADER_EXECUTION"] = before


class Runaway(BaseException):
    """The watchdog stopped a check that ran far past its limit."""


@contextlib.contextmanager
def watchdog(seconds):
    """Stop a block that runs ``seconds`` (a check that hangs must fail the test, not hang it)."""

    def on_alarm(signum, frame):
        raise Runaway()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclasses.dataclass
class Result:
    outcome: object
    seconds: float
    limit: float
    stdout: str
    stderr: str
    changed: list


def run_case(problem, case, default_dtype=torch.float32, grading_mode=True):
    """Check the hostile answer of ``case`` once and report what happened."""
    timeout = HANG_TIMEOUT if case.hangs else problem.timeout
    torch.set_default_dtype(default_dtype)
    try:
        before = global_state()
        out, err = io.StringIO(), io.StringIO()
        with problem_timeout(problem, timeout), grading(grading_mode), \
                contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            answer = answer_for(problem, case)
            started = time.monotonic()
            try:
                with watchdog(timeout + WATCHDOG_MARGIN):
                    outcome = problem.evaluate(answer)
            except Runaway:
                outcome = Outcome("runaway", "the check was stopped by the test's watchdog")
            seconds = time.monotonic() - started
        after = global_state()
    finally:
        torch.set_default_dtype(torch.float32)
    return Result(outcome, seconds, timeout + 1.0, out.getvalue(), err.getvalue(), changed_state(before, after))


def broken_promises(result):
    """The ways a check broke the engine's promise (empty when it kept it): 'failure', 'hang', ..."""
    broken = []
    outcome = result.outcome
    if outcome.status not in LEARNER_OUTCOMES or "bug in the course" in outcome.message \
            or "Traceback" in outcome.message or (outcome.status != CORRECT and not outcome.message.strip()):
        broken.append("failure")
    if result.seconds > result.limit:
        broken.append("hang")
    if "default dtype" in result.changed:
        broken.append("dtype leak")
    if set(result.changed) - {"default dtype"}:
        broken.append("state change")
    if result.stdout.count("\n") > MAX_OUTPUT_LINES:
        broken.append("flood")
    if result.stderr:
        broken.append("stderr")
    return broken
