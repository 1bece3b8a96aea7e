"""Hidden tests are checks like any other (nbgrader/hidden_tests/exN.py): each passes on the lesson's own
solution, fails with a message on the realistic mistakes of its question (tests/hidden_mistakes/exN.py),
and, inlined as the nbgrader test cell runs it, needs nothing but the notebook's names and leaves no name
behind."""

import ast
import builtins
import functools
import importlib
import importlib.util

import pytest

from lessons import build
from gans_support import one_thread  # noqa: F401  (tiny networks: one thread)

LESSONS = {build._parse(source)[2].__name__.rsplit(".", 1)[1]: source for source in build.lesson_sources()}


def _hidden_module(lesson):
    """nbgrader/hidden_tests/<lesson>.py as a module (the folder is no package: nbgrader is taken)."""
    path = build.HIDDEN_TESTS / f"{lesson}.py"
    spec = importlib.util.spec_from_file_location(f"hidden_tests_{lesson}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


HIDDEN = [(lesson, name) for lesson in LESSONS if (build.HIDDEN_TESTS / f"{lesson}.py").exists()
          for name in build.hidden_test_functions(f"learntools.gans.{lesson}")]
MISTAKES = [(lesson, name, mistake) for lesson, name in HIDDEN
            for mistake in importlib.import_module(f"hidden_mistakes.{lesson}").MISTAKES.get(name, [])]


@functools.cache
def solution_names(lesson):
    """The notebook's names after the lesson's set-up imports and every answer cell, run as the solution
    notebook runs them (no training, no data: only the set-up cell's import statements)."""
    source = LESSONS[lesson]
    _, cells, _ = build._parse(source)
    setup = next(cell.source for cell in cells if cell.cell_type == "code" and build.SETUP_LINES.search(cell.source))
    imports = [node for node in ast.parse(setup).body if isinstance(node, (ast.Import, ast.ImportFrom))]
    names = {}
    exec(compile(ast.Module(body=imports, type_ignores=[]), "<set-up imports>", "exec"), names)
    for answer in dict.fromkeys(entry["code"] for entry in build.question_solutions(source).values() if "code" in entry):
        exec(answer, names)
    return names


def _arguments(lesson, name, replacement=None):
    _, parameters = build.hidden_test_functions(f"learntools.gans.{lesson}")[name]
    names = solution_names(lesson)
    return [replacement if replacement is not None else names[p] for p in parameters]


def test_every_lesson_with_answers_to_code_has_hidden_tests_and_each_has_a_mistake():
    assert len(HIDDEN) >= 25
    tested = {(lesson, name) for lesson, name, _ in MISTAKES}
    assert tested == set(HIDDEN), f"hidden tests without a mistake: {sorted(set(HIDDEN) - tested)}"


@pytest.mark.parametrize("lesson, name", HIDDEN, ids=lambda v: v)
def test_hidden_test_passes_on_the_solution(lesson, name):
    getattr(_hidden_module(lesson), name)(*_arguments(lesson, name))


@pytest.mark.parametrize("lesson, name, mistake", MISTAKES, ids=lambda v: getattr(v, "__name__", v))
def test_hidden_test_fails_on_a_realistic_mistake_with_a_message(lesson, name, mistake):
    with pytest.raises(AssertionError) as failure:
        getattr(_hidden_module(lesson), name)(*_arguments(lesson, name, mistake))
    assert str(failure.value).strip(), f"{name} fails {mistake.__name__} without saying why"


@pytest.mark.parametrize("lesson, name", HIDDEN, ids=lambda v: v)
def test_inlined_hidden_test_needs_only_the_notebooks_names_and_leaves_none(lesson, name):
    source, parameters = build.hidden_test_functions(f"learntools.gans.{lesson}")[name]
    cell = build.inline_hidden_test(source, parameters, name)
    notebook = dict(zip(parameters, _arguments(lesson, name)), __builtins__=builtins)
    before = set(notebook)
    exec(cell, notebook)
    assert set(notebook) == before, f"the test cell left {sorted(set(notebook) - before)} in the notebook"


def test_an_unused_hidden_test_is_reported(tmp_path, monkeypatch):
    (tmp_path / "ex1.py").write_text("def hidden_q9(x):\n    assert x\n", encoding="utf-8")
    monkeypatch.setattr(build, "HIDDEN_TESTS", tmp_path)
    with pytest.raises(build.SourceError, match="hidden_q9 match no check cell"):
        build.build_versions(build.lesson_sources("01")[0])
