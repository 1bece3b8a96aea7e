"""FunctionProblem, and the safety net around every call into learner code (call_learner)."""

import random
import re
import signal
import sys
import threading
import time
import warnings

import numpy as np
import pytest
import torch
from core_support import (  # noqa: F401  (fixtures)
    TIMEOUT,
    BadEverything,
    assert_clear,
    assert_shown_as_one_incorrect_sentence,
    bind,
    messy_learner_rng,
    random_state,
    terminal,
    unbound,
    warnings_on_stderr,
)

from learntools.core import (
    CHECKER_ERROR,
    CORRECT,
    INCORRECT,
    NOT_ATTEMPTED,
    FunctionProblem,
    Incorrect,
    LearnerCodeError,
    Mismatch,
    ____,
    call_learner,
    preserved_random_state,
    quiet,
)

BLANK = ____  # the blank under another name: code_uses_placeholder can't see it, the result check can


def reference_scale(x, factor):
    return x * factor


def random_scale_case(rng):
    shape = tuple(int(n) for n in rng.integers(1, 4, size=int(rng.integers(1, 3))))
    return torch.tensor(rng.normal(size=shape), dtype=torch.float32), int(rng.integers(1, 5))


FIXED_CASES = [(torch.tensor([1.0, 2.0]), 2), (torch.tensor([[1.0, -1.0], [0.5, 3.0]]), 3)]


def scale_question(**overrides):
    settings = dict(
        var="scale",
        reference=reference_scale,
        cases=FIXED_CASES,
        random_cases=random_scale_case,
        n_random=8,
        seed=7,
        timeout=TIMEOUT,
    )
    settings.update(overrides)
    return FunctionProblem(**settings)


# =============================================================================== right


def test_right_function():
    def scale(x, factor):
        return factor * x

    assert scale_question().evaluate(scale).status == CORRECT


def test_right_function_returning_numpy_or_a_lambda():
    assert scale_question().evaluate(lambda x, factor: (x * factor).numpy()).status == CORRECT
    assert scale_question().evaluate(torch.mul).status == CORRECT


def test_right_function_through_the_binder(bind):
    bind(scale=lambda x, factor: x * factor)
    assert scale_question().evaluate().status == CORRECT


def test_callable_object_is_a_function_too():
    class Scaler:
        def __call__(self, x, factor):
            return x * factor

    assert scale_question().evaluate(Scaler()).status == CORRECT


def test_random_cases_are_seeded_and_leave_global_random_state_alone():
    problem = scale_question()
    state = random_state()
    first, second = problem.all_cases(), problem.all_cases()
    assert random_state() == state
    assert len(first) == len(FIXED_CASES) + 8
    for (x1, f1), (x2, f2) in zip(first, second):
        assert torch.equal(x1, x2) and f1 == f2
    other_seed = scale_question(seed=8).all_cases()
    assert any(not torch.equal(a[0], b[0]) for a, b in zip(first[2:], other_seed[2:]) if a[0].shape == b[0].shape)


# =============================================================================== wrong


def test_wrong_function_shows_the_first_failing_input():
    outcome = scale_question().evaluate(lambda x, factor: x * factor + 1)
    assert outcome.status == INCORRECT
    assert_clear(outcome.message, "`scale(x=tensor([1., 2.]), factor=2)`", "largest difference is 1")


def test_failure_on_a_random_case_is_the_first_one_that_fails():
    def scale(x, factor):
        return x * factor if factor < 4 else x * 4.5

    problem = scale_question()
    outcome = problem.evaluate(scale)
    first_failing = next(case for case in problem.all_cases() if case[1] >= 4)
    assert outcome.status == INCORRECT
    assert f"factor={first_failing[1]})" in outcome.message
    assert_clear(outcome.message)


def test_large_inputs_are_shown_by_shape():
    problem = FunctionProblem("double", reference=lambda x: 2 * x, cases=[(torch.zeros(5, 5),)])
    outcome = problem.evaluate(lambda x: 3 * x + 1)
    assert_clear(outcome.message, "<tensor of shape (5, 5)>")


def test_wrong_shape_and_wrong_type_results():
    outcome = scale_question().evaluate(lambda x, factor: (x * factor).reshape(-1, 1))
    assert_clear(outcome.message, "(2, 1)", "(2,)", "scale(x=")
    outcome = scale_question().evaluate(lambda x, factor: "a string")
    assert_clear(outcome.message, "the string 'a string'", "an array of shape (2,)")


def test_missing_return():
    def scale(x, factor):
        x * factor

    outcome = scale_question().evaluate(scale)
    assert outcome.status == INCORRECT
    assert_clear(outcome.message, "returned None", "`return`")


def test_not_a_function():
    outcome = scale_question().evaluate(5)
    assert outcome.status == INCORRECT
    assert_clear(outcome.message, "`scale` should be a function", "the number 5")


def test_test_hook_names_a_known_mistake():
    calls = []

    def test(args, got, expected):
        calls.append(args)
        x, factor = args
        if torch.allclose(torch.as_tensor(got), x + factor):
            raise Incorrect("you added the factor instead of multiplying by it.")

    problem = scale_question(test=test)
    outcome = problem.evaluate(lambda x, factor: x + factor)
    assert outcome.message.endswith("you added the factor instead of multiplying by it.")
    assert "scale(x=tensor([1., 2.]), factor=2)" in outcome.message
    # No diagnosis fits: the generic difference is shown.
    outcome = problem.evaluate(lambda x, factor: x - factor)
    assert "largest difference" in outcome.message
    # Right answers never reach the hook.
    calls.clear()
    assert problem.evaluate(reference_scale).status == CORRECT and calls == []


def test_custom_compare():
    def compare(got, expected):
        if got != expected:
            raise Mismatch(f"got {got}, expected {expected}.")

    problem = FunctionProblem("name_of", reference=lambda n: f"q{n}", cases=[(1,), (2,)], compare=compare)
    assert problem.evaluate(lambda n: "q" + str(n)).status == CORRECT
    assert_clear(problem.evaluate(lambda n: "q1").message, "got q1, expected q2", "name_of(n=2)")


def test_changing_an_input_in_place_is_caught_and_the_cases_stay_intact():
    def scale(x, factor):
        x *= factor
        return x

    problem = scale_question()
    before = [case[0].clone() for case in problem.cases]
    outcome = problem.evaluate(scale)
    assert outcome.status == INCORRECT
    assert_clear(outcome.message, "in place")
    assert all(torch.equal(a, case[0]) for a, case in zip(before, problem.cases))


# =============================================================================== unattempted


def test_blank_function():
    outcome = scale_question().evaluate(____)
    assert outcome.status == NOT_ATTEMPTED
    assert_clear(outcome.message, "`____`", "`scale`")


def test_function_body_with_a_blank_is_not_attempted_and_not_called():
    called = []

    def scale(x, factor):
        called.append(1)
        return x * ____

    outcome = scale_question().evaluate(scale)
    assert outcome.status == NOT_ATTEMPTED and called == []
    assert_clear(outcome.message, "`scale`", "`____`")


def test_function_returning_the_blank():
    outcome = scale_question().evaluate(lambda x, factor: BLANK)
    assert outcome.status == NOT_ATTEMPTED
    assert_clear(outcome.message, "returns `____`")


def test_unbound_and_undefined(bind, unbound):
    outcome = scale_question().evaluate()
    assert outcome.status == NOT_ATTEMPTED and "set-up cell" in outcome.message
    bind(other=1)
    outcome = scale_question().evaluate()
    assert outcome.status == NOT_ATTEMPTED
    assert_clear(outcome.message, "`scale` is not defined")


# =============================================================================== hostile learner code


def _raises(x, factor):
    raise ValueError("shapes do not line up")


def _raises_markup(x, factor):
    raise RuntimeError("<script>alert('hi')</script>")


class _UnprintableError(Exception):
    def __str__(self):
        raise RuntimeError("no str for you")


def _raises_unprintable(x, factor):
    raise _UnprintableError()


def _multiline_error(x, factor):
    raise ValueError("first line\nsecond line\n" + "x" * 1000)


def _index_error(x, factor):
    return x[10]


def _hangs(x, factor):
    while True:
        pass


def _sleeps(x, factor):
    time.sleep(60)


def _swallows_the_timeout(x, factor):
    try:
        while True:
            pass
    except BaseException:  # a bare except, as learners write it
        return x * factor


def _exits(x, factor):
    sys.exit()


def _exits_with_code(x, factor):
    exit(3)


def _recurses(x, factor):
    return _recurses(x, factor)


def _returns_nan(x, factor):
    return x * float("nan")


def _returns_inf(x, factor):
    return x / 0.0


def _returns_generator(x, factor):
    yield x * factor


def _returns_tuple(x, factor):
    return x * factor, x


def _returns_dict(x, factor):
    return {"result": x * factor}


def _returns_hostile(x, factor):
    return BadEverything()


def _asserts(x, factor):
    assert factor == 0, "factor must be zero"


def _keyword_only(x, *, factor):
    return x * factor


HOSTILE = [
    (_raises, ["raised ValueError: shapes do not line up", "line", "of your code"]),
    (_raises_markup, ["RuntimeError", "<script>"]),
    (_raises_unprintable, ["_UnprintableError"]),
    (_multiline_error, ["ValueError: first line"]),
    (_index_error, ["IndexError", "`return x[10]`"]),
    (_hangs, ["did not finish within 0.4 s", "endless loop"]),
    (_sleeps, ["did not finish within 0.4 s"]),
    (_swallows_the_timeout, ["did not finish within 0.4 s"]),
    (_exits, ["called exit()"]),
    (_exits_with_code, ["called exit()"]),
    (_recurses, ["recursed too deeply"]),
    (_returns_nan, ["NaN"]),
    (_returns_inf, ["inf"]),
    (_returns_generator, ["generator"]),
    (_returns_tuple, ["tuple of 2 items"]),
    (_returns_dict, ["dict with 1 key"]),
    (_returns_hostile, ["BadEverything"]),
    (_asserts, ["AssertionError: factor must be zero"]),
    (_keyword_only, ["TypeError"]),
]


@pytest.mark.parametrize("learner, observed", HOSTILE, ids=[f.__name__.strip("_") for f, _ in HOSTILE])
def test_hostile_function_gets_one_clear_sentence(learner, observed, bind, terminal, capfd):
    bind(scale=learner)
    scale_question().check()  # shown, never raised
    assert_shown_as_one_incorrect_sentence(capfd, *observed)


def test_timeout_leaves_no_alarm_behind():
    handler = signal.getsignal(signal.SIGALRM)
    assert scale_question().evaluate(_hangs).status == INCORRECT
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) == handler
    time.sleep(TIMEOUT + 0.1)  # a stray alarm would fire here


def test_keyboard_interrupt_is_not_swallowed():
    def interrupted(x, factor):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        scale_question().evaluate(interrupted)


def test_a_broken_reference_is_a_checker_error_not_the_learners_fault():
    problem = FunctionProblem("f", reference=lambda x: 1 / 0, cases=[(1,)])
    outcome = problem.evaluate(lambda x: x)
    assert outcome.status == CHECKER_ERROR
    assert_clear(outcome.message, "bug in the course")


def test_hostile_getattr_on_a_callable():
    outcome = scale_question().evaluate(BadEverything())
    assert outcome.status == INCORRECT
    assert_clear(outcome.message, "call exploded")


# =============================================================================== side effects


def test_learner_reseeding_does_not_change_global_random_state():
    def scale(x, factor):
        messy_learner_rng()
        return x * factor

    random.random(), np.random.rand(), torch.rand(1)  # move away from any default state
    state = random_state()
    assert scale_question().evaluate(scale).status == CORRECT
    assert random_state() == state
    scale_question().evaluate(_hangs)
    assert random_state() == state


def test_random_state_is_restored_even_when_the_learner_fails():
    def scale(x, factor):
        messy_learner_rng()
        raise ValueError("after reseeding")

    state = random_state()
    assert scale_question().evaluate(scale).status == INCORRECT
    assert random_state() == state


def test_grad_mode_and_warning_filters_are_restored():
    def scale(x, factor):
        torch.set_grad_enabled(False)
        warnings.simplefilter("error")
        return x * factor

    filters = list(warnings.filters)
    assert scale_question().evaluate(scale).status == CORRECT
    assert torch.is_grad_enabled()
    assert warnings.filters == filters


def test_nothing_reaches_stderr_when_learner_code_warns_or_prints(bind, terminal, capfd):
    def scale(x, factor):
        warnings.warn("a learner warning")
        warnings.warn("deprecated!", DeprecationWarning)
        print("debugging output", file=sys.stderr)
        torch.nn.functional.softmax(torch.ones(2))  # implicit-dim UserWarning from torch
        import logging

        logging.getLogger("learner").warning("a logged warning")
        return x * factor

    bind(scale=scale)
    with warnings_on_stderr():
        scale(torch.ones(2), 2)  # the control: outside a check, this does write to stderr
        assert capfd.readouterr().err.count("\n") >= 5
        scale_question().check()
    out, err = capfd.readouterr()
    assert err == ""
    assert out.strip() == "Correct"


def test_learner_stdout_is_left_alone(bind, terminal, capfd):
    def scale(x, factor):
        print("hello from the learner")
        return x * factor

    bind(scale=scale)
    scale_question(cases=FIXED_CASES[:1], random_cases=None).check()
    out, err = capfd.readouterr()
    assert "hello from the learner" in out and err == ""


def test_check_does_not_change_the_learners_function():
    def scale(x, factor):
        return x * factor

    scale.custom = [1, 2]
    defaults, code = scale.__defaults__, scale.__code__
    scale_question().evaluate(scale)
    assert scale.custom == [1, 2] and scale.__defaults__ is defaults and scale.__code__ is code


# =============================================================================== call_learner itself


def test_call_learner_returns_the_value():
    assert call_learner(lambda a, b=1: a + b, 1, b=2, timeout=TIMEOUT) == 3


def test_call_learner_names_what_was_called():
    with pytest.raises(LearnerCodeError) as error:
        call_learner(_raises, 1, 2, what="your function `scale`", timeout=TIMEOUT)
    assert_clear(str(error.value), "Your function `scale` raised ValueError")


def test_call_learner_keeps_an_outer_timer_running():
    fired = []
    previous = signal.signal(signal.SIGALRM, lambda *args: fired.append(1))
    try:
        signal.setitimer(signal.ITIMER_REAL, 30.0)
        with pytest.raises(LearnerCodeError):
            call_learner(_hangs, 1, 2, timeout=0.1)
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 25.0 < remaining <= 30.0
        assert call_learner(lambda: 5, timeout=TIMEOUT) == 5
        assert signal.getitimer(signal.ITIMER_REAL)[0] > 25.0
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert fired == []


def test_call_learner_off_the_main_thread():
    results = {}

    def worker():
        results["value"] = call_learner(lambda: 42, timeout=TIMEOUT)
        try:
            call_learner(_sleeps, 1, 2, what="your function", timeout=0.2)
        except LearnerCodeError as error:
            results["hang"] = str(error)
        try:
            call_learner(_raises, 1, 2, timeout=TIMEOUT)
        except LearnerCodeError as error:
            results["raise"] = str(error)

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(10)
    assert results["value"] == 42
    assert_clear(results["hang"], "did not finish within 0.2 s")
    assert_clear(results["raise"], "ValueError")


def test_exception_location_is_the_learners_line():
    with pytest.raises(LearnerCodeError) as error:
        call_learner(_index_error, torch.zeros(2), 1, timeout=TIMEOUT)
    line = _index_error.__code__.co_firstlineno + 1
    assert re.search(rf"\(line {line} of your code: `return x\[10\]`\)\.$", str(error.value))


def test_preserved_random_state_and_quiet(capfd):
    state = random_state()
    with preserved_random_state(), quiet():
        messy_learner_rng()
        warnings.warn("hidden")
        print("hidden", file=sys.stderr)
    assert random_state() == state
    assert capfd.readouterr().err == ""
