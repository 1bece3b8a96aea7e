"""Every checked question of all lessons against every class of hostile answer (issue 12, section 5).

The cases are generated (tests/hostile_answers.py): every question and part found through the lessons'
``__all__``, every hostile answer of its kind. For each, the check must answer with a learner-facing
sentence (correct, incorrect or not attempted; never "the check itself failed", never a traceback),
finish within its timeout + 1 s, leave global state as it was, cut a flood of learner output to a few
lines, and write nothing to stderr in grading mode.
"""

import pytest
import torch

import hostile_answers as hostile
from gans_support import one_thread  # noqa: F401  (tiny checks run fastest on one thread)

QUESTIONS = hostile.checked_questions()
QUESTION_IDS = [f"ex{lesson}-{name}" for lesson, name, _ in QUESTIONS]


def broken(lesson, problem, cases, default_dtype=torch.float32):
    """'case: promises broken (outcome)' for each hostile answer whose check broke a promise."""
    found = []
    for case in cases:
        result = hostile.run_case(problem, case, default_dtype=default_dtype)
        promises = hostile.broken_promises(result)
        if promises:
            found.append(f"{case.name}: {', '.join(promises)} ({result.outcome.status}, {result.seconds:.2f} s, "
                         f"changed {result.changed}: {result.outcome.message[:200]})")
    return found


def test_every_checked_question_is_covered():
    """The generated cases reach every lesson, the parts of multi-part questions, and both answer kinds."""
    lessons = {lesson for lesson, _, _ in QUESTIONS}
    names = {f"ex{lesson}.{name}" for lesson, name, _ in QUESTIONS}
    kinds = {hostile.answer_kind(problem) for _, _, problem in QUESTIONS}
    assert lessons == set(hostile.LESSONS)
    assert {"ex2.q6.a", "ex5.q5", "ex3.q3", "ex10.q3"} <= names
    assert kinds == {"value", "callable"}
    assert sum(len(hostile.cases_for(lesson, problem)) for lesson, _, problem in QUESTIONS) > 1000


@pytest.mark.parametrize("lesson, name, problem", QUESTIONS, ids=QUESTION_IDS)
def test_hostile_answers_get_a_sentence_in_time_and_leave_state(lesson, name, problem):
    """Every hostile answer of the question's kind: a learner-facing sentence within the timeout + 1 s,
    global state unchanged, output cut, nothing on stderr in grading mode."""
    assert broken(lesson, problem, hostile.cases_for(lesson, problem)) == []


@pytest.mark.parametrize("lesson, name, problem", QUESTIONS, ids=QUESTION_IDS)
def test_hostile_answers_under_a_float64_default(lesson, name, problem):
    """The learner set float64 as the default dtype before checking: the check still works, and the
    learner's default is still float64 afterwards (a few answers per question)."""
    cases = [case for case in hostile.cases_for(lesson, problem) if not case.hangs][:3]
    assert broken(lesson, problem, cases, default_dtype=torch.float64) == []


def _solved_under_float64(lesson):
    """The lesson's notebook names, every solution run after the learner set float64 as the default."""
    torch.set_default_dtype(torch.float64)
    try:
        return dict(hostile.solved_namespace.__wrapped__(lesson))
    finally:
        torch.set_default_dtype(torch.float32)


@pytest.mark.parametrize("lesson", list(hostile.LESSONS))
def test_right_answers_pass_under_a_float64_default(lesson):
    """A learner who set float64 as the default dtype at the top of the notebook: every right answer
    (made under that default) still passes, and the default is still float64 afterwards."""
    namespace = _solved_under_float64(lesson)
    checked = 0
    for number, name, problem in QUESTIONS:
        names = (problem.var,) if isinstance(problem.var, str) else problem.var
        if number != lesson or not all(n in namespace for n in names):
            continue  # a solution that needs more than the lesson's own names (checked in tests/test_exN.py)
        answer = namespace[problem.var] if isinstance(problem.var, str) else tuple(namespace[n] for n in names)
        torch.set_default_dtype(torch.float64)
        try:
            outcome = problem.evaluate(answer)
            assert torch.get_default_dtype() == torch.float64, name
        finally:
            torch.set_default_dtype(torch.float32)
        assert outcome.status == "correct", (name, outcome.message)
        checked += 1
    assert checked >= 2
