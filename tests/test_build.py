"""The one-source build: committed notebooks are fresh, deterministic, and learners get no solutions."""

import json
import pathlib
import re

import nbformat
import pytest
from gans_support import write_lesson_source

import learntools
from lessons import build
from lessons.setup_cell import bootstrap_source

ROOT = build.ROOT
SOURCES = build.lesson_sources()


def test_there_are_lessons():
    assert SOURCES, "no lesson sources found in lessons/"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_committed_learner_and_nbgrader_notebooks_are_fresh(source):
    learner, _, grader = build.build_versions(source)
    learner_path, _, grader_path = build.output_paths(source)
    for notebook, path in ((learner, learner_path), (grader, grader_path)):
        assert path.exists(), f"{path.relative_to(ROOT)} is missing: run `make build`"
        assert path.read_text(encoding="utf-8") == build.serialise(notebook), (
            f"{path.relative_to(ROOT)} is stale: run `make build` (never edit generated notebooks by hand)"
        )


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_committed_solution_notebook_is_fresh_and_executed(source):
    _, solution, _ = build.build_versions(source)
    _, solution_path, _ = build.output_paths(source)
    committed = nbformat.reads(solution_path.read_text(encoding="utf-8"), as_version=4)
    assert build.serialise(build.strip_outputs(committed)) == build.serialise(build.strip_outputs(solution)), (
        f"{solution_path.relative_to(ROOT)} is stale: run `make build`"
    )
    code_cells = [c for c in committed.cells if c.cell_type == "code" and c.source.strip()]
    assert all(c.execution_count for c in code_cells), "the committed solution notebook was not executed"
    errors = [o for c in code_cells for o in c.outputs if o.output_type == "error"]
    assert not errors, f"the committed solution notebook has errors: {errors[:1]}"


def test_build_is_deterministic():
    for source in SOURCES:
        first = [build.serialise(nb) for nb in build.build_versions(source)]
        second = [build.serialise(nb) for nb in build.build_versions(source)]
        assert first == second


def _solution_lines(source_text):
    """Substantial lines that appear only inside SOLUTION regions of a lesson source."""
    inside, solution, elsewhere = False, set(), set()
    for line in source_text.splitlines():
        stripped = line.strip()
        if stripped == "### BEGIN SOLUTION":
            inside = True
            continue
        if stripped == "### END SOLUTION":
            inside = False
            continue
        (solution if inside else elsewhere).add(stripped)
    return {line for line in solution - elsewhere if len(line) > 6 and not line.startswith("#")}


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_learner_notebook_contains_no_solution_code(source):
    learner_path, _, _ = build.output_paths(source)
    notebook = nbformat.reads(learner_path.read_text(encoding="utf-8"), as_version=4)
    learner_lines = {line.strip() for cell in notebook.cells for line in cell.source.splitlines()}
    leaked = _solution_lines(source.read_text(encoding="utf-8")) & learner_lines
    assert not leaked, f"solution code in the learner notebook: {sorted(leaked)[:3]}"
    text = learner_path.read_text(encoding="utf-8")
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
    assert all(not c.get("outputs") for c in notebook.cells if c.cell_type == "code"), "learner notebooks ship without outputs"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_the_leak_detector_would_catch_a_leak(source):
    """Guard the guard: a solution line copied into the learner text is found."""
    lines = _solution_lines(source.read_text(encoding="utf-8"))
    assert lines, "the source has no solution lines to protect"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_nbgrader_notebook_has_graded_cells_with_points(source):
    _, _, grader = build.build_versions(source)
    metadata = [c.metadata.get("nbgrader") for c in grader.cells if c.metadata.get("nbgrader")]
    tests = [m for m in metadata if m["grade"] and not m["solution"]]
    solutions = [m for m in metadata if m["solution"]]
    assert tests and solutions
    assert all(m["points"] > 0 for m in tests)
    ids = [m["grade_id"] for m in metadata]
    assert len(ids) == len(set(ids)), "grade ids must be unique"
    assert all(re.fullmatch(r"[A-Za-z0-9_\-]+", i) for i in ids)


def test_bad_sources_are_reported(tmp_path):
    with pytest.raises(build.SourceError, match="never closed"):
        build.split_regions("x = 1\n### BEGIN SOLUTION\ny = 2", "test")
    with pytest.raises(build.SourceError, match="without a matching BEGIN"):
        build.split_regions("### END SOLUTION", "test")


def test_learner_check_cells_come_with_commented_hints():
    for source in SOURCES:
        learner, _, _ = build.build_versions(source)
        text = json.dumps([c.source for c in learner.cells])
        for match in re.finditer(r'"(q\d+(?:\.[a-z])?)\.check\(\)"', text):
            name = match.group(1)
            assert f"#{name}.hint()" in text and f"#{name}.hint(2)" in text and f"#{name}.solution()" in text


# --------------------------------------------------------------------------- the first cells a learner sees


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_notebooks_open_with_a_collapsed_bootstrap_then_the_two_setup_lines(source):
    for notebook in build.build_versions(source):
        code = [c for c in notebook.cells if c.cell_type == "code"]
        bootstrap, setup = code[0], code[1]
        assert bootstrap["id"] == "bootstrap" and bootstrap.metadata["jupyter"] == {"source_hidden": True}
        assert bootstrap.source == bootstrap_source(learntools.__version__)
        assert bootstrap.source.startswith("# Bootstrap (no need to read it)")
        assert "binder" not in bootstrap.source, "the set-up lines are the learner's to see"
        lines = setup.source.splitlines()
        assert lines[0].startswith("# ") and lines[1] == "from learntools.core import binder; binder.bind(globals())"
        assert re.fullmatch(r"from learntools\.gans\.ex\d+ import \*", lines[2])


# --------------------------------------------------------------------------- hidden tests


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_hidden_tests_reach_the_nbgrader_test_cells_only(source):
    learner, solution, grader = build.build_versions(source)
    module = build._parse(source)[2].__name__
    hidden = build.hidden_test_functions(module)
    tests = {c.metadata["nbgrader"]["grade_id"].replace("_", "."): c.source for c in grader.cells
             if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"}
    for question, cell in tests.items():
        name = build.hidden_test_name(question)
        if name in hidden:
            assert cell.startswith(f"{question}.check()\n### BEGIN HIDDEN TESTS\n")
            assert cell.endswith(f"finally:\n    del {name}\n### END HIDDEN TESTS")
            assert hidden[name][0] in cell
        else:
            assert cell == f"{question}.check()"
    assert len([q for q in tests if build.hidden_test_name(q) in hidden]) == len(hidden)
    for notebook in (learner, solution):
        assert "hidden_q" not in json.dumps([c.source for c in notebook.cells])


def test_hidden_tests_in_a_lesson_source_are_refused(tmp_path):
    source = write_lesson_source(tmp_path, "q1.check()\n### BEGIN HIDDEN TESTS\nassert True\n### END HIDDEN TESTS")
    with pytest.raises(build.SourceError, match="nbgrader/hidden_tests"):
        build.build_versions(source)


def test_reused_outputs_only_when_no_code_cell_changed(tmp_path):
    """`--reuse-outputs` (a markdown-only edit) keeps the executed outputs; a changed code cell refuses them."""
    executed = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("old words"),
                                               nbformat.v4.new_code_cell("print(1)")])
    executed.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="1\n")]
    executed.cells[1].execution_count = 1
    path = tmp_path / "solution.ipynb"
    nbformat.write(executed, str(path))

    edited = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("new words"),
                                             nbformat.v4.new_code_cell("print(1)")])
    reused = build.reuse_outputs(edited, path)
    assert reused.cells[0].source == "new words" and reused.cells[1].outputs[0]["text"] == "1\n"
    assert reused.cells[1].execution_count == 1 and edited.cells[1].outputs == []  # the input is left alone

    edited.cells[1].source = "print(2)"
    assert build.reuse_outputs(edited, path) is None
    assert build.reuse_outputs(edited, tmp_path / "missing.ipynb") is None
