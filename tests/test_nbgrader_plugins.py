"""The course's nbgrader set-up, piece by piece (quick): configuration, the plugins in
nbgrader/gan_workshop_nbgrader.py, and what each lesson's nbgrader source holds.

tests/test_nbgrader_workflow.py drives the same pieces through the real nbgrader command line."""

import copy
import importlib
import os
import pathlib
import re
import sys

import nbformat
import pytest

from lessons import build

ROOT = build.ROOT
COURSE = ROOT / "nbgrader"
SOURCES = build.lesson_sources()
sys.path.insert(0, str(COURSE))
plugins = importlib.import_module("gan_workshop_nbgrader")


# ------------------------------------------------------------------------------ configuration


def _load_config(monkeypatch, **env):
    from traitlets.config.loader import PyFileConfigLoader

    monkeypatch.setenv("PATH", os.environ.get("PATH", ""))  # the configuration may extend PATH: undo it after
    for name in ("GAN_WORKSHOP_EXCHANGE", "GAN_WORKSHOP_CELL_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return PyFileConfigLoader("nbgrader_config.py", path=str(COURSE)).load_config()


def test_config_names_the_course_a_writable_exchange_and_a_timeout_for_training(monkeypatch, tmp_path):
    config = _load_config(monkeypatch)
    assert config.CourseDirectory.course_id == "gan-workshop"
    assert pathlib.Path(config.CourseDirectory.root) == COURSE
    assert pathlib.Path(config.Exchange.root) == COURSE / "exchange"
    assert not config.Exchange.root.startswith("/usr/local/share")
    assert config.Execute.timeout >= 120  # test-mode training on a slow 2-core machine, not nbgrader's 30 s

    config = _load_config(monkeypatch, GAN_WORKSHOP_EXCHANGE=str(tmp_path / "x"), GAN_WORKSHOP_CELL_TIMEOUT="45")
    assert config.Exchange.root == str(tmp_path / "x") and config.Execute.timeout == 45


def test_config_puts_the_course_plugins_in_the_pipeline(monkeypatch):
    config = _load_config(monkeypatch)
    sanitize = [p.__name__ for p in config.Autograde.sanitize_preprocessors]
    assert sanitize.index("RepairSubmission") < sanitize.index("DeduplicateIds") < sanitize.index("OverwriteCells")
    assert [p.__name__ for p in config.Autograde.autograde_preprocessors][0] == "ResilientExecute"
    assert [p.__name__ for p in config.GenerateFeedback.preprocessors][:2] == ["HideHiddenTests", "GetGrades"]
    generate = [p.__name__ for p in config.GenerateAssignment.preprocessors]
    assert "ReleaseStarters" in generate and "ClearSolutions" not in generate
    assert generate.index("ReleaseStarters") < generate.index("ComputeChecksums")  # checksums of what students get


# ---------------------------------------------------------------------------- ReleaseStarters


def _release_cell(cell):
    kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook = nbformat.v4.new_notebook(cells=[cell], metadata={"kernelspec": kernelspec})
    released, _ = plugins.ReleaseStarters(code_stub={"python": "raise NotImplementedError()"}).preprocess(notebook, {})
    return released.cells[0]


def test_a_solution_cell_is_released_as_its_starter_code_and_keeps_no_trace_of_it():
    meta = {"nbgrader": {"solution": True, "grade": False, "locked": False, "grade_id": "a", "schema_version": 3},
            "gan_workshop_release": "top_left = ____"}
    cell = _release_cell(nbformat.v4.new_code_cell("### BEGIN SOLUTION\ntop_left = x[0, 0]\n### END SOLUTION", metadata=meta))
    assert cell.source == "top_left = ____" and "gan_workshop_release" not in cell.metadata


def test_a_solution_cell_without_starter_code_gets_nbgraders_stub():
    meta = {"nbgrader": {"solution": True, "grade": False, "locked": False, "grade_id": "a", "schema_version": 3}}
    cell = _release_cell(nbformat.v4.new_code_cell("### BEGIN SOLUTION\ny = 2\n### END SOLUTION", metadata=meta))
    assert cell.source == "raise NotImplementedError()"


# ---------------------------------------------------------------------------- HideHiddenTests

TEST_SOURCE = """q7.check()
### BEGIN HIDDEN TESTS
def _hidden_q7():
    assert conv2d(secret_image) == 42
_hidden_q7()
### END HIDDEN TESTS"""


def _traceback(line):
    """What IPython 8 puts in an error output (colours included) for an error at ``line`` of a cell."""
    return ["\x1b[31m-----\x1b[39m", "\x1b[31mAssertionError\x1b[39m    Traceback (most recent call last)",
            f"\x1b[36mCell\x1b[39m\x1b[36m \x1b[39m\x1b[32mIn[26]\x1b[39m\x1b[32m, line {line}\x1b[39m\n"
            "      3     assert conv2d(secret_image) == 42\n----> 5 _hidden_q7()\n",
            "\x1b[31mAssertionError\x1b[39m: "]


def _test_cell(outputs):
    cell = nbformat.v4.new_code_cell(TEST_SOURCE, metadata={"nbgrader": {
        "grade": True, "solution": False, "locked": True, "grade_id": "q7", "points": 1, "schema_version": 3}})
    cell.outputs = outputs
    return cell


def _feedback_of(cell):
    notebook = nbformat.v4.new_notebook(cells=[cell])
    notebook, _ = plugins.HideHiddenTests().preprocess(notebook, {})
    return notebook.cells[0]


def test_helpers_find_hidden_regions_and_the_failing_line():
    assert plugins.hidden_line_ranges(TEST_SOURCE) == [(2, 6)]
    assert plugins.strip_hidden_tests(TEST_SOURCE) == "q7.check()\n" + plugins.HIDDEN_PLACEHOLDER
    assert plugins.failing_cell_line(_traceback(5)) == 5
    assert plugins.failing_cell_line(["no frame here"]) is None


def test_a_hidden_test_failure_becomes_a_sentence():
    error = nbformat.v4.new_output("error", ename="AssertionError", evalue="", traceback=_traceback(5))
    correct = nbformat.v4.new_output("display_data", data={"text/plain": "Correct"})
    cell = _feedback_of(_test_cell([correct, error]))
    assert "secret_image" not in cell.source and "_hidden_q7" not in cell.source
    assert cell.outputs[0] == correct
    assert cell.outputs[1].evalue == plugins.HIDDEN_FAILURE
    assert "secret_image" not in str(cell.outputs) and "_hidden" not in str(cell.outputs)


def test_a_visible_check_failure_keeps_its_message_but_not_its_traceback():
    error = nbformat.v4.new_output("error", ename="AssertionError", evalue="Incorrect: 3 of 9 cells are off",
                                   traceback=_traceback(1))
    cell = _feedback_of(_test_cell([error]))
    assert cell.outputs[0].evalue == "Incorrect: 3 of 9 cells are off"
    assert cell.outputs[0].traceback == ["AssertionError: Incorrect: 3 of 9 cells are off"]


def test_text_printed_by_hidden_tests_is_not_shown():
    printed = nbformat.v4.new_output("stream", name="stderr", text="<ipython>:4: UserWarning\n  assert conv2d(secret_image)")
    cell = _feedback_of(_test_cell([printed]))
    assert "secret_image" not in str(cell.outputs)


def test_cells_of_the_student_keep_their_tracebacks():
    error = nbformat.v4.new_output("error", ename="ZeroDivisionError", evalue="division by zero", traceback=_traceback(1))
    cell = nbformat.v4.new_code_cell("1 / 0")
    cell.outputs = [error]
    assert _feedback_of(cell).outputs == [error]


# --------------------------------------------------------------------------- ResilientExecute


def _run(sources, tmp_path, **options):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    executor = plugins.ResilientExecute(**options)
    notebook, _ = executor.preprocess(notebook, {"metadata": {"path": str(tmp_path)}})
    return notebook


def _enames(cell):
    return [o.ename for o in cell.outputs if o.output_type == "error"]


def _text(cell):
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def test_a_cell_that_kills_the_kernel_is_skipped_and_the_rest_runs(tmp_path):
    notebook = _run(["x = 1", "import os\nos._exit(1)", "print(x + 1)"], tmp_path, timeout=60)
    assert _enames(notebook.cells[1]) == ["KernelDied"]
    assert _text(notebook.cells[2]) == "2\n"


def test_a_cell_that_ignores_the_interrupt_is_skipped_and_the_rest_runs(tmp_path):
    stubborn = "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"
    notebook = _run(["x = 1", stubborn, "print(x + 1)"], tmp_path, timeout=3, iopub_timeout=3)
    assert _enames(notebook.cells[1]) == ["CellTimeoutError"]
    assert "did not stop" in notebook.cells[1].outputs[0].evalue
    assert _text(notebook.cells[2]) == "2\n"


def test_after_too_many_kernel_deaths_the_rest_is_left_unrun(tmp_path):
    die = "import os\nos._exit(1)"
    notebook = _run(["x = 1", die, die, "print(x)"], tmp_path, timeout=60, max_kernel_restarts=1)  # 1 restart
    assert _enames(notebook.cells[1]) == _enames(notebook.cells[2]) == ["KernelDied"]
    assert _enames(notebook.cells[3]) == ["NotRun"]


# --------------------------------------------------------------------------- RepairSubmission


@pytest.fixture(scope="module")
def gradebook_url(tmp_path_factory):
    """A gradebook with one notebook: answer a1, its test t1, answer a2, its test t2."""
    from nbgrader.api import Gradebook

    url = f"sqlite:///{tmp_path_factory.mktemp('gradebook') / 'gradebook.db'}"
    with pytest.MonkeyPatch.context() as patch:
        # nbgrader runs `alembic` by name to set up a gradebook
        patch.setenv("PATH", os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
        with Gradebook(url) as gradebook:
            gradebook.add_assignment("hw")
            gradebook.add_notebook("nb", "hw")
            for name, source, locked in [("a1", "x = ____", False), ("t1", "assert x == 1", True),
                                         ("a2", "y = ____", False), ("t2", "assert y == 2\n### BEGIN HIDDEN TESTS\nassert y > 1\n### END HIDDEN TESTS", True)]:
                gradebook.add_source_cell(name, "nb", "hw", cell_type="code", locked=locked, source=source, checksum=f"sum-{name}")
                if name.startswith("a"):
                    gradebook.add_solution_cell(name, "nb", "hw")
                else:
                    gradebook.add_grade_cell(name, "nb", "hw", max_score=1, cell_type="code")
    return url


def _graded(name, source, solution=False):
    meta = {"grade": not solution, "solution": solution, "locked": not solution, "grade_id": name, "schema_version": 3}
    if not solution:
        meta["points"] = 1
    return nbformat.v4.new_code_cell(source, metadata={"nbgrader": meta})


def _repair(cells, url):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = cells  # as submitted: not validated, so repeated cell ids stay repeated
    resources = {"nbgrader": {"notebook": "nb", "assignment": "hw", "db_url": url}}
    notebook, _ = plugins.RepairSubmission().preprocess(notebook, resources)
    return notebook


def test_a_duplicated_test_cell_is_graded_once(gradebook_url):
    t1 = _graded("t1", "assert x == 1")
    t1_copy = copy.deepcopy(t1)  # copied JSON: even the notebook cell id repeats
    assert t1_copy["id"] == t1["id"]
    notebook = _repair([_graded("a1", "x = 1", True), t1_copy, t1, _graded("a2", "y = 2", True),
                        _graded("t2", "assert y == 2")], gradebook_url)
    graded = [plugins._grade_id(cell) for cell in notebook.cells]
    assert graded == ["a1", None, "t1", "a2", "t2"]
    assert notebook.cells[1].source.startswith("# (A copy of the graded cell 't1'")
    assert len({cell["id"] for cell in notebook.cells}) == len(notebook.cells)


def test_a_duplicated_answer_cell_keeps_the_copy_the_student_wrote_in(gradebook_url):
    notebook = _repair([_graded("a1", "x = 1", True), _graded("a1", "x = ____", True),
                        _graded("t1", "assert x == 1"), _graded("a2", "y = 2", True), _graded("t2", "")], gradebook_url)
    assert [plugins._grade_id(cell) for cell in notebook.cells] == ["a1", None, "t1", "a2", "t2"]
    assert notebook.cells[0].source == "x = 1"


def test_a_deleted_test_cell_is_put_back_after_its_answer(gradebook_url):
    notebook = _repair([_graded("a1", "x = 1", True), nbformat.v4.new_code_cell("print('mine')"),
                        _graded("a2", "y = 2", True), _graded("t2", "assert y == 2")], gradebook_url)
    graded = [plugins._grade_id(cell) for cell in notebook.cells]
    assert graded == ["a1", None, "t1", None, "a2", "t2"]
    note, restored = notebook.cells[1], notebook.cells[2]
    assert note.cell_type == "markdown" and "`t1` was missing" in note.source
    assert restored.source == "assert x == 1"
    assert restored.metadata["nbgrader"] == {
        "cell_type": "code", "checksum": "sum-t1", "grade": True, "grade_id": "t1", "locked": True, "points": 1.0,
        "schema_version": 3, "solution": False, "task": False}


def test_metadata_naming_no_cell_of_the_gradebook_is_dropped(gradebook_url):
    stray = _graded("not-in-gradebook", "z = 3")
    empty = nbformat.v4.new_code_cell("w = 4", metadata={"nbgrader": {}})
    notebook = _repair([_graded("a1", "x = 1", True), _graded("t1", ""), stray, empty,
                        _graded("a2", "y = 2", True), _graded("t2", "")], gradebook_url)
    assert "nbgrader" not in notebook.cells[2].metadata and "nbgrader" not in notebook.cells[3].metadata


# ------------------------------------------------------------------ what each lesson's source holds


def _hidden_regions(source):
    """The hidden-test regions the build puts into a lesson's nbgrader source notebook."""
    _, _, grader = build.build_versions(source)
    text = "\n".join(cell.source for cell in grader.cells)
    return re.findall(r"### BEGIN HIDDEN TESTS\n(.*?)\n\s*### END HIDDEN TESTS", text, flags=re.S)


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_every_question_is_graded_with_its_points(source):
    from learntools.core import MultipartProblem, ThoughtProblem

    _, _, grader = build.build_versions(source)
    cells = {c.metadata["nbgrader"]["grade_id"]: c for c in grader.cells
             if c.metadata.get("nbgrader", {}).get("grade")}
    exercises = importlib.import_module(build._exercise_module(source.read_text(encoding="utf-8"), source))
    names = [name for name in getattr(exercises, "__all__", []) if re.fullmatch(r"q\d+", name)]
    assert names, f"{exercises.__name__} binds no questions"
    for name in names:
        problem = getattr(exercises, name)
        if isinstance(problem, ThoughtProblem):
            if problem.points:
                cell = cells.get(f"{name}-answer")
                assert cell is not None, f"{name} (a thought question) has no manually graded answer cell"
                assert cell.cell_type == "markdown" and cell.metadata["nbgrader"]["solution"]
                assert cell.metadata["nbgrader"]["points"] == problem.points
            continue
        parts = problem.parts.items() if isinstance(problem, MultipartProblem) else [(None, problem)]
        for letter, part in parts:
            grade_id = f"{name}_{letter}" if letter else name
            assert grade_id in cells, f"{name}{'.' + letter if letter else ''} has no autograded test cell"
            assert cells[grade_id].metadata["nbgrader"]["points"] == part.points > 0
            assert cells[grade_id].metadata["nbgrader"]["locked"]


def test_lesson_02_has_hidden_tests():
    source = next(s for s in SOURCES if s.stem == "02_convolution")
    regions = _hidden_regions(source)
    assert len(regions) >= 4


def _published_text():
    """What learners get: learner and solution notebooks, and the learntools package."""
    paths = list((ROOT / "notebooks").glob("*.ipynb")) + list((ROOT / "solutions").glob("*.ipynb"))
    paths += list((ROOT / "learntools").rglob("*.py"))
    return {path: path.read_text(encoding="utf-8", errors="replace") for path in paths}


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_hidden_tests_stay_out_of_learner_notebooks_and_the_package(source):
    regions = _hidden_regions(source)
    # distinctive lines: the cases (numbers) and the functions' names
    lines = {line.strip() for region in regions for line in region.splitlines()
             if len(line.strip()) > 20 and (re.search(r"\d", line) or "hidden_q" in line)}
    if not regions:
        pytest.skip("no hidden tests in this lesson")
    assert lines
    for path, text in _published_text().items():
        leaked = [line for line in lines if line in text]
        assert not leaked, f"{path.relative_to(ROOT)} holds hidden tests of {source.name}: {leaked[:2]}"
    exercises = build._exercise_module(source.read_text(encoding="utf-8"), source)
    assert len(regions) == len(build.hidden_test_functions(exercises))
