"""The engine's guards around a whole check (learntools.core.safety.checking and call_learner).

Answers and checks are defined in different files here on purpose: the engine tells the answer's code
from the check's by the file it was written in (tests/core_safety_answers.py holds the "learner's").
"""

import time

import torch

import core_safety_answers as learner
from learntools.core import CORRECT, INCORRECT, FunctionProblem, ValueProblem
from learntools.core.safety import CappedOutput


def identity(x):
    return x


def test_captured_output_keeps_a_few_lines_and_counts_the_rest():
    output = CappedOutput(limit=3)
    for line in range(10):
        print("line", line, file=output)
    text = output.text()
    assert text.splitlines()[:3] == ["line 0", "line 1", "line 2"]
    assert "7 more lines" in text
    assert output.text() == ""  # read once


def test_a_learner_function_that_floods_is_cut_and_the_check_still_answers(capsys):
    problem = FunctionProblem("f", reference=identity, cases=[(1,), (2,)])
    outcome = problem.evaluate(learner.floods_then_answers)
    assert outcome.status == CORRECT
    shown = capsys.readouterr()
    assert len(shown.out.splitlines()) <= 10 and "more lines" in shown.out
    assert shown.err == ""


def test_a_function_that_hangs_costs_one_timeout_not_one_per_call():
    problem = FunctionProblem("f", reference=identity, cases=[(1,), (2,), (3,)], timeout=0.2)
    started = time.monotonic()
    outcome = problem.evaluate(learner.hangs)
    assert outcome.status == INCORRECT and "did not finish within 0.2 s" in outcome.message
    assert time.monotonic() - started < 0.6


def test_a_value_whose_eq_never_returns_is_stopped_in_time():
    problem = ValueProblem("x", test=lambda answer: answer == 3 and None, timeout=0.2)
    started = time.monotonic()
    outcome = problem.evaluate(learner.HangingEq(1.0))
    assert outcome.status == INCORRECT and "did not finish within 0.2 s" in outcome.message
    assert time.monotonic() - started < 1.2


def test_the_checks_own_slow_moment_is_not_blamed_on_the_learner():
    def slow_test(answer):
        time.sleep(0.4)  # e.g. a first import on a busy machine

    outcome = ValueProblem("x", test=slow_test, timeout=0.2).evaluate(1)
    assert outcome.status == CORRECT


def test_a_default_dtype_set_by_learner_code_does_not_leak_into_the_check_or_out_of_it():
    seen = []

    def reference(x):
        seen.append(torch.zeros(1).dtype)  # the check's own tensors, after the learner's call
        return x

    problem = FunctionProblem("f", reference=reference, cases=[(1.0,), (2.0,)])
    assert problem.evaluate(learner.sets_float64_then_answers).status == CORRECT
    assert seen == [torch.float32, torch.float32]
    assert torch.get_default_dtype() == torch.float32


def test_a_learners_float64_default_is_kept_but_the_check_runs_in_float32():
    torch.set_default_dtype(torch.float64)
    try:
        outcome = ValueProblem("x", test=lambda answer: str(torch.zeros(1).dtype)).evaluate(1)
        assert torch.get_default_dtype() == torch.float64
    finally:
        torch.set_default_dtype(torch.float32)
    assert outcome.message == "torch.float32"


def test_errors_the_answer_causes_in_the_checks_own_code_are_the_learners():
    def reads_float(answer):
        float(answer)

    problem = ValueProblem("x", test=reads_float)
    raising = problem.evaluate(learner.RaisingFloat())
    huge = problem.evaluate(10 ** 400)
    meta = ValueProblem("x", test=lambda answer: answer.item()).evaluate(torch.zeros((), device="meta"))
    assert raising.status == INCORRECT and "RuntimeError: hostile" in raising.message
    assert huge.status == INCORRECT and "too large" in huge.message
    assert meta.status == INCORRECT and "'meta' device" in meta.message


def test_known_torch_errors_come_with_their_usual_cause():
    """torch.cat along the wrong dimension, a one-hot label out of range, a missing 2x upsampling."""
    import torch.nn.functional as F

    from learntools.core import LearnerCodeError, call_learner

    failures = {
        "concatenate along dim=1": lambda: torch.cat([torch.zeros(2, 5), torch.zeros(2, 10)], dim=0),
        "labels 0 to k - 1 need num_classes=k": lambda: F.one_hot(torch.tensor([9]), 9),
        "upsampled 2× first": lambda: torch.zeros(1, 3) + torch.zeros(1, 6),
    }
    for advice, fails in failures.items():
        try:
            call_learner(fails, what="your function")
        except LearnerCodeError as error:
            assert advice in str(error), str(error)
        else:
            raise AssertionError(f"{advice}: no error")
    try:
        call_learner(lambda: torch.zeros(3) + torch.zeros(4), what="your function")
    except LearnerCodeError as error:  # sizes unrelated by 2: torch's own words only
        assert "upsampled" not in str(error), str(error)


def test_a_late_alarm_after_a_check_clock_ends_arms_nothing():
    """A SIGALRM already on its way when a check's clock ends runs its handler after the block: it must not
    arm the timer again (the next alarm would meet the default handler, which kills the process; a test
    worker died of this once in a full run)."""
    import signal

    from learntools.core import safety

    with safety._check_clock(5.0):
        late_handler = signal.getsignal(signal.SIGALRM)  # the clock's handler, as a pending signal would call it
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    late_handler(signal.SIGALRM, None)  # the check's own code (no learner frame): it would look again shortly
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
