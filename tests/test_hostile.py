"""Every checked question of lessons 01-08 against every class of hostile answer (issue 12, section 5).

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
CASES = [
    pytest.param(problem, case, id=f"ex{lesson}-{name}-{case.name}")
    for lesson, name, problem in QUESTIONS
    for case in hostile.cases_for(lesson, problem)
]
# A learner who switched the default dtype to float64 before checking: a few answers per question.
FLOAT64_CASES = [
    pytest.param(problem, case, id=f"ex{lesson}-{name}-{case.name}")
    for lesson, name, problem in QUESTIONS
    for case in [c for c in hostile.cases_for(lesson, problem) if not c.hangs][:3]
]


def test_every_checked_question_is_covered():
    """The generated cases reach every lesson, the parts of multi-part questions, and both answer kinds."""
    lessons = {lesson for lesson, _, _ in QUESTIONS}
    names = {f"ex{lesson}.{name}" for lesson, name, _ in QUESTIONS}
    kinds = {hostile.answer_kind(problem) for _, _, problem in QUESTIONS}
    assert lessons == set(hostile.LESSONS)
    assert {"ex2.q6.a", "ex5.q5", "ex3.q3", "ex8.q3"} <= names
    assert kinds == {"value", "callable"}
    assert len(CASES) > 1000


@pytest.mark.parametrize("problem, case", CASES)
def test_hostile_answer_gets_a_sentence_in_time_and_leaves_state(problem, case):
    result = hostile.run_case(problem, case)
    assert hostile.broken_promises(result) == [], (result.outcome, f"{result.seconds:.2f} s", result.changed,
                                                    result.stdout[-300:], result.stderr[-300:])


@pytest.mark.parametrize("problem, case", FLOAT64_CASES)
def test_hostile_answer_under_a_float64_default(problem, case):
    """The learner set float64 as the default dtype: the check works, and leaves the learner's default."""
    result = hostile.run_case(problem, case, default_dtype=torch.float64)
    assert hostile.broken_promises(result) == [], (result.outcome, result.changed)
