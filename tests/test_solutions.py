"""Each question is declared once: qN.solution() shows the solution notebook's own answer, never a copy.

The answer cells are found here from the nbgrader notebook's metadata (its solution cells and graded test
cells), independently of the build's rule, and compared with what the package's solution() shows.
"""

import importlib

import pytest
from gans_support import write_lesson_source

from learntools.core import MultipartProblem, ThoughtProblem
from lessons import build

SOURCES = build.lesson_sources()


def _questions(module):
    """{name: problem} for every question of an exercise module, multi-part questions' parts included."""
    found = {}
    for name in module.__all__:
        problem = getattr(module, name)
        if isinstance(problem, MultipartProblem):
            found.update({part.name: part for part in problem.parts.values()})
        elif hasattr(problem, "solution"):
            found[name] = problem
    return found


def _notebook_answers(solution, grader):
    """{question name: its answer (code or markdown)} read off the built notebooks.

    A question's answer is the solution notebook's version of the nbgrader solution cells since the
    previous graded test cell; a check with none of its own shares the previous check's answer.
    """
    solved = {cell["id"]: cell.source for cell in solution.cells}
    answers, pending, previous = {}, [], None
    for cell in grader.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and cell.cell_type == "markdown":
            answers[meta["grade_id"].removesuffix("-answer")] = solved[cell["id"]]
        elif meta.get("solution"):
            pending.append(solved[cell["id"]])
        elif meta.get("grade"):
            name = meta["grade_id"].replace("_", ".")
            answers[name] = "\n\n".join(pending) if pending else answers[previous]
            pending, previous = [], name
    return answers


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_every_solution_is_the_solution_notebooks_answer(source, capsys):
    _, solution, grader = build.build_versions(source)
    answers = _notebook_answers(solution, grader)
    module = importlib.import_module(build._parse(source)[2].__name__)
    questions = _questions(module)
    assert set(questions) == set(answers), "every question, and only those, has an answer cell in the lesson"
    for name, problem in questions.items():
        if isinstance(problem, ThoughtProblem):
            assert problem.discussion == answers[name], name
            continue
        assert problem.solution_code == answers[name], f"{module.__name__}.{name}.solution() differs from the notebook"
        problem.solution()
        shown = capsys.readouterr().out
        assert "\n".join("    " + line for line in answers[name].splitlines()) in shown, name


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_committed_solutions_file_is_fresh(source):
    module = build._parse(source)[2].__name__
    path = build.solutions_path(module)
    assert path.exists(), f"{path.relative_to(build.ROOT)} is missing: run `python -m lessons.build --solutions-files`"
    assert path.read_text(encoding="utf-8") == build.serialise_solutions(build.question_solutions(source)), (
        f"{path.relative_to(build.ROOT)} is stale: run `python -m lessons.build --solutions-files`"
    )


def test_the_freshness_test_would_see_a_change(tmp_path):
    """Guard the guard: an edited SOLUTION region changes the solutions the build writes."""
    source = SOURCES[1]
    edited = tmp_path / source.name
    edited.write_text(source.read_text(encoding="utf-8").replace("### END SOLUTION", "# edited\n### END SOLUTION", 1))
    assert build.question_solutions(edited) != build.question_solutions(source)


def test_thought_question_shows_its_answer_cell_as_prose(capsys):
    from learntools.gans import ex1

    ex1.q6.solution()
    shown = capsys.readouterr().out
    assert "never asks for variety, so putting every sample" in shown  # the source's line break is gone


def test_a_check_cell_without_an_answer_is_reported(tmp_path):
    source = write_lesson_source(tmp_path, "q1.check()")
    with pytest.raises(build.SourceError, match="q1 has no answer cell"):
        build.question_solutions(source)
