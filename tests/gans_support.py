"""Helpers shared by the tests of the GAN lessons' questions (tests/test_ex*.py) and of the GAN library
(tests/test_gans_*.py): looking questions up, running their declared solutions, and the assertions every
lesson's questions must pass (right answers pass, wrong ones get a specific sentence, hostile ones never a
traceback, checks are quick and leave the learner's state alone)."""

import contextlib
import math
import random
import textwrap
import time

import numpy as np
import pytest
import torch

from learntools.core import CORRECT, INCORRECT, NOT_ATTEMPTED, ____


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """Tiny networks check and train fastest on one thread (import it into a test module to use it there)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


# --------------------------------------------------------------------------- questions and their solutions


def evaluate(problem, answer):
    """The check's outcome; a learner never sees a traceback."""
    outcome = problem.evaluate(answer)
    assert "Traceback" not in outcome.message
    return outcome


def question(module, name):
    """A lesson's question by name: "q2" is ``module.q2``, "q5.a" its part ``module.q5.a``."""
    top, _, part = name.partition(".")
    found = getattr(module, top)
    return getattr(found, part) if part else found


def answer_in(namespace, problem):
    """The question's answer among a notebook's names (a tuple where it asks for several names)."""
    return namespace[problem.var] if isinstance(problem.var, str) else tuple(namespace[v] for v in problem.var)


def run_solution(problem, namespace):
    """Run the question's declared solution code in ``namespace``, the way the solution notebook does."""
    exec(textwrap.dedent(problem.solution_code), namespace)
    return answer_in(namespace, problem)


def declared_answer(problem, names):
    """The question's declared solution, run on a copy of the notebook's names ``names``."""
    return run_solution(problem, dict(names))


def blank(problem):
    """The untouched placeholder: ``____``, or one per name where the question asks for several."""
    return tuple([____] * len(problem.var)) if isinstance(problem.var, tuple) else ____


# --------------------------------------------------------------------------- assertions


def assert_correct(problem, answer):
    outcome = evaluate(problem, answer)
    assert outcome.status == CORRECT, (answer, outcome.message)
    return outcome


def assert_wrong_answers_named(problem, wrong):
    """Each (answer, fragment) of ``wrong`` (at least three) is INCORRECT with a message containing fragment."""
    assert len(wrong) >= 3
    outcomes = []
    for answer, fragment in wrong:
        outcome = evaluate(problem, answer)
        assert outcome.status == INCORRECT, (answer, fragment, outcome)
        assert fragment in outcome.message, (getattr(answer, "__name__", answer), fragment, outcome.message)
        outcomes.append(outcome)
    return outcomes


def assert_a_sentence(outcome, answer=None, ends=(".", "?")):
    """INCORRECT, with a short message that ends like a sentence."""
    assert outcome.status == INCORRECT, (answer, outcome)
    assert outcome.message.endswith(ends), outcome.message
    assert len(outcome.message) < 400, outcome.message


def lesson_checks_contract(module, wrong, right_too=None, also_blank=(), solution_answer=None, quick=0.5):
    """The tests every lesson's checks pass, for ``module`` (learntools.gans.exN), one per question:

    - each realistic wrong answer of ``wrong`` ({name: [(answer, fragment), ...]}) is INCORRECT with
      a sentence that contains its fragment;
    - the untouched placeholder is NOT_ATTEMPTED (for the questions of ``wrong`` and ``also_blank``);
    - each answer of ``right_too`` ({name: [answer, ...]}) passes;
    - with ``solution_answer`` (name -> the solution's answer): each solution passes, every question
      has hints, a solution and points, and checking the solutions leaves random state, threads and
      grad mode alone and takes less than ``quick`` seconds a question.

    A test module adopts them with ``globals().update(lesson_checks_contract(exN, WRONG, RIGHT_TOO))``.
    """
    checked = list(wrong)

    @pytest.mark.parametrize("name", checked)
    def test_realistic_wrong_answers_get_specific_messages(name):
        for outcome in assert_wrong_answers_named(question(module, name), wrong[name]):
            assert_a_sentence(outcome)

    @pytest.mark.parametrize("name", checked + list(also_blank))
    def test_placeholder_is_not_attempted(name):
        problem = question(module, name)
        assert evaluate(problem, blank(problem)).status == NOT_ATTEMPTED

    tests = {test.__name__: test for test in (test_realistic_wrong_answers_get_specific_messages,
                                              test_placeholder_is_not_attempted)}
    if right_too:
        @pytest.mark.parametrize("name", list(right_too))
        def test_other_right_answers_pass(name):
            for answer in right_too[name]:
                assert_correct(question(module, name), answer)

        tests[test_other_right_answers_pass.__name__] = test_other_right_answers_pass
    if solution_answer is not None:
        tests.update(_solution_contract(module, checked, solution_answer, quick))
    return tests


def _solution_contract(module, checked, solution_answer, quick):
    """The contract's tests that run each question's solution (see lesson_checks_contract)."""

    @pytest.mark.parametrize("name", checked)
    def test_declared_solution_passes(name):
        assert_correct(question(module, name), solution_answer(name))

    def test_every_question_has_hints_a_solution_and_points():
        for name in checked:
            problem = question(module, name)
            assert len(problem.hints) >= 2, name
            assert problem.solution_code, name
            assert problem.points >= 1, name

    def test_checks_leave_random_state_and_threads_alone():
        with random_state_and_threads_kept():
            for name in checked:
                assert question(module, name).evaluate(solution_answer(name)).passed, name
        assert torch.is_grad_enabled()

    @pytest.mark.parametrize("name", checked)
    def test_checks_are_quick(name):
        assert_quick(question(module, name), solution_answer(name), quick)  # generous for a loaded 2-core machine

    tests = (test_declared_solution_passes, test_every_question_has_hints_a_solution_and_points,
             test_checks_leave_random_state_and_threads_alone, test_checks_are_quick)
    return {test.__name__: test for test in tests}


def hostile_modules(output):
    """Models that fail three ways, each as an instance and as a class: forward raises, returns NaN of
    the shape ``output``, or returns a tuple (a tensor of that shape, and another)."""

    class RaisingModule(torch.nn.Module):
        def forward(self, *args):
            raise RuntimeError("forward is broken")

    class NanModule(torch.nn.Module):
        def forward(self, *args):
            return torch.full(output, math.nan)

    class TupleModule(torch.nn.Module):
        def forward(self, *args):
            return torch.zeros(output), torch.zeros(output[0])

    return [RaisingModule(), NanModule(), TupleModule(), RaisingModule, NanModule, TupleModule]


def assert_hostile_answers_get_a_sentence(problem, answers):
    for answer in answers:
        assert_a_sentence(evaluate(problem, answer), answer)


def assert_names_the_line(outcome):
    """The message of a check whose answer raised :func:`raises`."""
    assert "raised ValueError: something <b>odd</b>" in outcome.message
    assert "line" in outcome.message


def assert_stopped(problem, answer, monkeypatch, timeout=0.3):
    """With the check's timeout cut to ``timeout`` s, a hanging answer is stopped with a sentence."""
    monkeypatch.setattr(problem, "timeout", timeout)
    outcome = evaluate(problem, answer)
    assert outcome.status == INCORRECT
    assert f"did not finish within {timeout} s" in outcome.message
    return outcome


def assert_quick(problem, answer, seconds, tries=1, warm_up=True):
    """The fastest of ``tries`` checks of ``answer`` (after one untimed check if ``warm_up``) takes under
    ``seconds``; returns the last outcome."""
    if warm_up:
        problem.evaluate(answer)
    fastest = math.inf
    for _ in range(tries):
        started = time.perf_counter()
        outcome = problem.evaluate(answer)
        fastest = min(fastest, time.perf_counter() - started)
    assert fastest < seconds, (problem, fastest)
    return outcome


@contextlib.contextmanager
def random_state_and_threads_kept():
    """Seed torch, numpy and random; what runs inside must leave their states and the thread count as they were."""
    torch.manual_seed(123)
    np.random.seed(7)
    random.seed(5)
    threads = torch.get_num_threads()
    before_torch, before_numpy, before_random = torch.get_rng_state(), np.random.get_state()[1].copy(), random.getstate()
    yield
    assert torch.equal(torch.get_rng_state(), before_torch)
    assert np.array_equal(np.random.get_state()[1], before_numpy)
    assert random.getstate() == before_random
    assert torch.get_num_threads() == threads


def assert_discussion_revealed(problem, word, capsys):
    """A thought question: check() says there is nothing to check, solution() shows a discussion with ``word``."""
    problem.check()
    problem.solution()
    out = capsys.readouterr().out
    assert "nothing to check" in out and word in out


# --------------------------------------------------------------------------- hostile answers


def raises(*args, **kwargs):
    raise ValueError("something <b>odd</b>")


def hangs(*args, **kwargs):
    while True:
        pass


def starter_with_blank(*args, **kwargs):
    """A learner function as the notebook starts it."""
    return ____


def returns_nan(*args, **kwargs):
    return torch.tensor(math.nan)


def returns_nan_grid(*args, **kwargs):
    return torch.full((3, 3), math.nan)


# Answers no check may answer with a traceback (lessons add their own).
HOSTILE = [None, "600", {"a": 1}, [1, [2, 3]], object(), math.nan, math.inf, torch.tensor([math.nan]), raises]


def uninterrupted_and_resumed(make_trainer, checkpoint, steps=4):
    """Two trainers after `steps` steps: one run straight through, one saved to `checkpoint` halfway and resumed."""
    uninterrupted = make_trainer()
    uninterrupted.fit(steps=steps, progress=False)
    first = make_trainer()
    first.fit(steps=steps // 2, progress=False)
    first.save_checkpoint(checkpoint)
    resumed = make_trainer().load_checkpoint(checkpoint)
    resumed.fit(steps=steps - steps // 2, progress=False)
    return uninterrupted, resumed


def assert_same_weights(model, other):
    """Every tensor of the two models' state dicts is equal."""
    for a, b in zip(model.state_dict().values(), other.state_dict().values()):
        assert torch.equal(a, b)


def write_lesson_source(folder, *cells):
    """A lesson source `99_bad.py` in `folder`: the usual first cell (binder, lesson 01's questions), then `cells`."""
    source = folder / "99_bad.py"
    first = "from learntools.core import binder; binder.bind(globals())\nfrom learntools.gans.ex1 import *\n"
    source.write_text("".join(f"# %%\n{cell}\n" for cell in (first, *cells)), encoding="utf-8")
    return source
