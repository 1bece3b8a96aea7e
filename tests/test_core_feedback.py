"""What the learner sees (terminal and notebook), grading mode, hints and solutions, the binder,
multi-part and thought questions."""

import pytest
import torch
from core_support import (  # noqa: F401  (fixtures)
    TIMEOUT,
    assert_clear,
    bind,
    notebook,
    terminal,
    unbound,
    warnings_on_stderr,
)

from learntools.core import (
    CORRECT,
    INCORRECT,
    INFO,
    NOT_ATTEMPTED,
    FunctionProblem,
    MultipartProblem,
    Outcome,
    ThoughtProblem,
    ValueProblem,
    ____,
    bind_exercises,
    binder,
    grading_mode,
    feedback,
    show,
)


def top_left():
    problem = ValueProblem(
        var="top_left",
        expected=600.0,
        hints=["Multiply each pixel by the weight on top of it.", "200×1.5 + 200×1.5 + 0 + 0."],
        solution="top_left = 200 * 1.5 + 200 * 1.5",
        timeout=TIMEOUT,
    )
    problem.name = "q1"
    return problem


def _reference_size(n, kernel):
    return n - kernel + 1


def sizes(calls=None):
    """q6 with parts a (a value) and b (a function), named by bind_exercises."""

    def counted(n, kernel):
        if calls is not None:
            calls.append((n, kernel))
        return _reference_size(n, kernel)

    part_a = ValueProblem(var="size_4_2", expected=3, hints=["4 - 2 + 1"], solution="size_4_2 = 3")
    part_b = FunctionProblem(
        var="output_size", reference=counted, cases=[(4, 2), (5, 3)], timeout=TIMEOUT,
        solution="def output_size(n, kernel):\n    return n - kernel + 1",
    )
    namespace = {}
    bind_exercises(namespace, [top_left(), top_left(), top_left(), top_left(), top_left(),
                               MultipartProblem(a=part_a, b=part_b)])
    return namespace["q6"]


def thought():
    problem = ThoughtProblem(
        discussion="Overlapping stamps add up unevenly: <b>checkerboards</b>.",
        hints=["Count the stamps that cover each pixel."],
    )
    problem.name = "q12"
    return problem


def printed(capfd):
    out, err = capfd.readouterr()
    assert err == ""
    return out


# =============================================================================== terminal


def test_terminal_correct(bind, terminal, capfd):
    bind(top_left=600)
    assert top_left().check() is None
    assert printed(capfd) == "Correct\n"


def test_terminal_incorrect(bind, terminal, capfd):
    bind(top_left=599)
    top_left().check()
    out = printed(capfd)
    assert out.startswith("Incorrect: `top_left` is 599") and out.count("\n") == 1


def test_terminal_not_attempted(bind, terminal, capfd):
    bind(top_left=____)
    top_left().check()
    assert printed(capfd).startswith("Not attempted yet: replace the `____`")


def test_terminal_unbound(unbound, terminal, capfd):
    top_left().check()
    out = printed(capfd)
    assert out.startswith("Not attempted yet: ") and "set-up cell" in out


def test_terminal_undefined(bind, terminal, capfd):
    bind()
    top_left().check()
    assert printed(capfd) == "Not attempted yet: `top_left` is not defined yet: run the cell where you set it.\n"


def test_hints_in_levels(terminal, capfd):
    problem = top_left()
    problem.hint()
    assert printed(capfd) == (
        "Hint: Multiply each pixel by the weight on top of it. (Hint 1 of 2; `q1.hint(2)` says more.)\n"
    )
    problem.hint(2)
    assert printed(capfd) == "Hint: 200×1.5 + 200×1.5 + 0 + 0.\n"


@pytest.mark.parametrize("level, expected", [(0, 1), (-5, 1), (99, 2), ("2", 2), (None, 1), ("lots", 1), (2.7, 2)])
def test_out_of_range_hint_levels_clamp(level, expected, terminal, capfd):
    problem = top_left()
    problem.hint(level)
    assert printed(capfd).startswith("Hint: " + problem.hints[expected - 1])


def test_no_hints(terminal, capfd):
    ValueProblem("x", expected=1).hint()
    assert printed(capfd) == "Hint: there is no hint for this question.\n"


def test_solution(terminal, capfd):
    top_left().solution()
    assert printed(capfd) == "Solution\n    top_left = 200 * 1.5 + 200 * 1.5\n"


def test_repr_tells_what_to_do():
    assert "q1.check()" in repr(top_left()) and "q1.hint()" in repr(top_left())


# =============================================================================== notebook


def _bundle(shown):
    assert len(shown) == 1
    (bundle,), kwargs = shown[0]
    assert kwargs == {"raw": True}
    assert set(bundle) == {"text/html", "text/plain"}
    return bundle


def test_notebook_shows_coloured_html_with_a_plain_text_fallback(bind, notebook, capfd):
    bind(top_left=600)
    top_left().check()
    bundle = _bundle(notebook)
    assert bundle["text/plain"] == "Correct"
    assert "#2e7d32" in bundle["text/html"] and "Correct" in bundle["text/html"]
    assert printed(capfd) == ""  # the notebook shows the bundle, nothing is printed besides


def test_notebook_incorrect_is_red_with_code_spans(bind, notebook):
    bind(top_left=599)
    top_left().check()
    bundle = _bundle(notebook)
    assert "#c62828" in bundle["text/html"]
    assert "<code>top_left</code>" in bundle["text/html"]
    assert bundle["text/plain"].startswith("Incorrect: `top_left` is 599")


def test_notebook_escapes_learner_text(bind, notebook):
    def scale(x):
        raise ValueError("<script>alert('pwned')</script> & <b>bold</b>")

    problem = FunctionProblem("scale", reference=lambda x: x, cases=[(1,)], timeout=TIMEOUT)
    bind(scale=scale)
    problem.check()
    html = _bundle(notebook)["text/html"]
    assert "<script>" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;" in html and "&amp;" in html


def test_notebook_escapes_learner_strings(bind, notebook):
    bind(top_left="<img src=x onerror=alert(1)>")
    top_left().check()
    html = _bundle(notebook)["text/html"]
    assert "<img" not in html and "&lt;img" in html


def test_notebook_hint_and_solution(notebook):
    problem = top_left()
    problem.hint(2)
    problem.solution()
    hint, solution = (objs[0] for objs, _ in notebook)
    assert "Hint" in hint["text/html"] and "200×1.5" in hint["text/plain"]
    assert "<pre" in solution["text/html"] and "top_left = 200 * 1.5" in solution["text/html"]


def test_notebook_escapes_solution_code(notebook):
    ValueProblem("x", expected=1, solution="x = 1 if a < b else 2  # <tag>").solution()
    html = _bundle(notebook)["text/html"]
    assert "a &lt; b" in html and "<tag>" not in html


def test_show_plain_and_html(notebook):
    show("hint", "a **bold** move with `code`")
    bundle = _bundle(notebook)
    assert "<b>bold</b>" in bundle["text/html"] and "<code>code</code>" in bundle["text/html"]
    assert bundle["text/plain"] == "Hint: a **bold** move with `code`"


# =============================================================================== grading mode


@pytest.fixture
def grading(monkeypatch, terminal):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")


def test_grading_mode_is_read_from_the_environment(monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.delenv("WORKSHOP_TEST_MODE", raising=False)
    assert not grading_mode() and not feedback.test_mode()
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert grading_mode() and feedback.test_mode()
    monkeypatch.delenv("NBGRADER_EXECUTION")
    monkeypatch.setenv("WORKSHOP_TEST_MODE", "1")
    assert feedback.test_mode() and not grading_mode()


@pytest.mark.parametrize("answer, label", [(599, "Incorrect: "), (____, "Not attempted yet: ")])
def test_grading_mode_raises_the_shown_message(answer, label, bind, grading, capfd):
    bind(top_left=answer)
    with pytest.raises(AssertionError) as error:
        top_left().check()
    out = printed(capfd)
    assert str(error.value).startswith(label)
    assert out == str(error.value) + "\n"


def test_grading_mode_correct_does_not_raise(bind, grading, capfd):
    bind(top_left=600.0)
    top_left().check()
    assert printed(capfd) == "Correct\n"


def test_grading_mode_learner_code_failure_raises_without_stderr(bind, grading, capfd):
    def scale(x):
        import warnings

        warnings.warn("noisy")
        raise ZeroDivisionError("oops")

    bind(scale=scale)
    problem = FunctionProblem("scale", reference=lambda x: x, cases=[(1,)], timeout=TIMEOUT)
    with warnings_on_stderr(), pytest.raises(AssertionError, match="ZeroDivisionError: oops"):
        problem.check()
    printed(capfd)


def test_strict_and_assert_check_passed(bind, terminal, capfd):
    bind(top_left=599)
    with pytest.raises(AssertionError, match="^Incorrect: `top_left` is 599"):
        top_left().check(strict=True)
    with pytest.raises(AssertionError, match="^Incorrect: "):
        top_left().assert_check_passed()
    top_left().check()  # not strict, not grading: shown only
    bind(top_left=600)
    top_left().assert_check_passed()
    top_left().check(strict=True)
    printed(capfd)


# =============================================================================== multi-part


def test_multipart_names_its_parts():
    q6 = sizes()
    assert q6.name == "q6" and q6.a.name == "q6.a" and q6.b.name == "q6.b"
    assert q6.points == 2
    assert "a, b" in repr(q6)


def test_multipart_all_right(bind, terminal, capfd):
    q6 = sizes()
    bind(size_4_2=3, output_size=_reference_size)
    assert q6.evaluate().status == CORRECT
    assert q6.a.evaluate().status == CORRECT and q6.b.evaluate().status == CORRECT
    q6.check()
    assert printed(capfd) == "Correct: q6.a\nCorrect: q6.b\n"
    q6.assert_check_passed()


def test_multipart_parts_check_on_their_own(bind, terminal, capfd):
    q6 = sizes()
    bind(size_4_2=4, output_size=_reference_size)
    q6.a.check()
    q6.b.check()
    assert printed(capfd) == "Incorrect: `size_4_2` is 4, which is not right.\nCorrect\n"


def test_multipart_wrong_part(bind, terminal, capfd):
    q6 = sizes()
    bind(size_4_2=3, output_size=lambda n, kernel: n - kernel)
    outcome = q6.evaluate()
    assert outcome.status == INCORRECT
    assert_clear(outcome.message, "q6.b.check()")
    q6.check()
    lines = printed(capfd).splitlines()
    assert lines[0] == "Correct: q6.a"
    assert lines[1].startswith("Incorrect: q6.b: for `output_size(n=4, kernel=2)`")


def test_multipart_unattempted(bind, terminal):
    q6 = sizes()
    bind(size_4_2=____, output_size=____)
    assert q6.evaluate().status == NOT_ATTEMPTED
    bind(size_4_2=3, output_size=____)  # one part done, one still blank: not "incorrect"
    outcome = q6.evaluate()
    assert outcome.status == NOT_ATTEMPTED
    assert_clear(outcome.message, "q6.b.check()")
    bind(size_4_2=4, output_size=____)
    assert q6.evaluate().status == INCORRECT


def test_multipart_runs_learner_code_once_per_check(bind, terminal, capfd):
    learner_calls = []

    def output_size(n, kernel):
        learner_calls.append((n, kernel))
        return n - kernel + 1

    bind(size_4_2=3, output_size=output_size)
    sizes().check()
    assert learner_calls == [(4, 2), (5, 3)]  # each case once
    printed(capfd)


def test_multipart_grading_mode_raises_the_first_failing_part(bind, grading, capfd):
    q6 = sizes()
    bind(size_4_2=4, output_size=lambda n, kernel: n)
    with pytest.raises(AssertionError, match=r"^Incorrect: q6.a: `size_4_2` is 4"):
        q6.check()
    assert printed(capfd).startswith("Incorrect: q6.a: `size_4_2` is 4, which is not right.\nIncorrect: q6.b: for ")
    bind(size_4_2=3, output_size=____)
    with pytest.raises(AssertionError, match=r"^Not attempted yet: q6.b: "):
        q6.check()
    bind(size_4_2=3, output_size=_reference_size)
    q6.check()
    printed(capfd)


def test_multipart_strict(bind, terminal, capfd):
    bind(size_4_2=3, output_size=lambda n, kernel: n)
    with pytest.raises(AssertionError, match=r"^Incorrect: q6.b: "):
        sizes().check(strict=True)
    with pytest.raises(AssertionError):
        sizes().assert_check_passed()
    sizes().check()
    printed(capfd)


def test_multipart_hint_and_solution(terminal, capfd):
    q6 = sizes()
    q6.hint()
    assert "q6.a.hint()" in printed(capfd)
    q6.a.hint()
    assert printed(capfd) == "Hint: 4 - 2 + 1\n"
    q6.solution()
    out = printed(capfd)
    assert "size_4_2 = 3" in out and "return n - kernel + 1" in out


# =============================================================================== thought


def test_thought_question(bind, terminal, capfd):
    q12 = thought()
    assert q12.evaluate() == Outcome(INFO, "there is nothing to check automatically. Run `q12.solution()` to read a discussion.")
    q12.check()
    assert printed(capfd).startswith("Thought question: there is nothing to check")
    q12.solution()
    assert printed(capfd) == "Solution: Overlapping stamps add up unevenly: <b>checkerboards</b>.\n"
    q12.hint()
    assert printed(capfd) == "Hint: Count the stamps that cover each pixel.\n"
    assert q12.points == 0


def test_thought_question_never_fails_a_grader(grading, capfd):
    thought().check()
    thought().check(strict=True)
    thought().assert_check_passed()
    assert printed(capfd).count("Thought question") == 3


def test_thought_discussion_is_escaped_in_notebooks(notebook):
    thought().solution()
    html = _bundle(notebook)["text/html"]
    assert "&lt;b&gt;checkerboards" in html


# =============================================================================== binder


def test_bind_needs_a_dict():
    with pytest.raises(TypeError, match=r"binder.bind\(globals\(\)\)"):
        binder.bind(["not", "globals"])


def test_binding_is_live(bind):
    namespace = bind(top_left=1)
    assert binder.is_bound() and binder.lookup("top_left") == 1
    assert top_left().evaluate().status == INCORRECT
    namespace["top_left"] = 600  # the learner re-runs a cell
    assert top_left().evaluate().status == CORRECT
    assert binder.lookup("missing", "default") == "default"


def test_unbound_lookup(unbound):
    assert not binder.is_bound() and binder.lookup("x", 5) == 5


def test_bind_exercises_names_problems():
    namespace = {}
    names = bind_exercises(namespace, [top_left(), thought()], start=11)
    assert names == ["q11", "q12"] and namespace["q12"].name == "q12"


def test_bind_globals_as_a_notebook_does(bind):
    notebook_globals = {"__name__": "__main__", "torch": torch}
    binder.bind(notebook_globals)
    notebook_globals["top_left"] = 600.0  # a later cell sets the answer
    assert top_left().evaluate().passed
