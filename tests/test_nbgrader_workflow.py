"""The instructor's workflow, driven through the real nbgrader command line on lesson 02.

Lesson 02 has no training, so a notebook grades in seconds. One autograde batch holds a correct, a
blank and a partly right submission, and the ones that used to break grading: a syntax error, an
endless loop, an endless loop that ignores the interrupt, a cell that kills its kernel, a duplicated
test cell and a deleted test cell. Then: feedback without hidden tests, export to CSV, and the whole
exchange cycle (release, fetch, submit, collect, autograde, feedback, fetch the feedback) with a
temporary exchange folder.

Everything runs one nbgrader command at a time (two cores); the batch takes a couple of minutes.
"""

import copy
import csv
import getpass
import html
import os
import re
import shutil
import subprocess
import sys
import time

import nbformat
import pytest

from lessons import build

pytestmark = pytest.mark.slow

LESSON = "02_convolution"
NOTEBOOK = f"{LESSON}.ipynb"
CELL_TIMEOUT = 20  # seconds; the course's own limit (300 s) would make the endless loops slow to test
NBGRADER = [sys.executable, "-m", "nbgrader"]
HIDDEN_FAILURE_START = "Your answer passed the check you could run, but not the hidden tests"
SOLUTION_MARKER = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$")


# ----------------------------------------------------------------------------------- running


def _environment(course):
    env = dict(os.environ)
    env.update({
        # nbgrader runs helper programs (alembic) by name: the environment's bin folder must be on PATH.
        "PATH": os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", ""),
        "GAN_WORKSHOP_EXCHANGE": str(course.parent / "exchange"),
        "GAN_WORKSHOP_CELL_TIMEOUT": str(CELL_TIMEOUT),
        # keep the user's own Jupyter configuration, and nbgrader's cache of submissions, out of the way
        "JUPYTER_CONFIG_DIR": str(course.parent / "jupyter-config"),
        "JUPYTER_DATA_DIR": str(course.parent / "jupyter-data"),
    })
    env.pop("NBGRADER_EXECUTION", None)
    env.pop("WORKSHOP_TEST_MODE", None)
    return env


def nbgrader(course, *args, cwd=None, timeout=600):
    """Run one nbgrader command; returns (exit status, everything it printed)."""
    result = subprocess.run(NBGRADER + list(args), cwd=cwd or course, env=_environment(course),
                            capture_output=True, text=True, timeout=timeout)
    return result.returncode, result.stdout + result.stderr


def nbgrader_ok(course, *args, cwd=None, timeout=600):
    code, output = nbgrader(course, *args, cwd=cwd, timeout=timeout)
    assert code == 0, f"nbgrader {' '.join(args)} failed:\n{output[-4000:]}"
    return output


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A copy of the course folder with lesson 02 generated (release/ and the gradebook)."""
    root = tmp_path_factory.mktemp("workflow") / "course"
    shutil.copytree(build.ROOT / "nbgrader", root, ignore=shutil.ignore_patterns(
        "release", "submitted", "autograded", "feedback", "exchange", "gradebook.db", "__pycache__", "*.csv"))
    nbgrader_ok(root, "generate_assignment", LESSON, "--force")
    return root


# ------------------------------------------------------------------------------- submissions


def _grade_id(cell):
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def _cell(notebook, grade_id):
    return next(cell for cell in notebook.cells if _grade_id(cell) == grade_id)


def _answers(course):
    """The model answer of every solution cell, code or written (from the source notebook, markers removed)."""
    source = nbformat.read(course / "source" / LESSON / NOTEBOOK, as_version=4)
    return {
        _grade_id(cell): "\n".join(line for line in cell.source.split("\n") if not SOLUTION_MARKER.match(line))
        for cell in source.cells if cell.metadata.get("nbgrader", {}).get("solution")
    }


def _release(course):
    return nbformat.read(course / "release" / LESSON / NOTEBOOK, as_version=4)


def _answered(course, only=None):
    """The released notebook with the model answers filled in (all of them, or those in ``only``)."""
    notebook, answers = _release(course), _answers(course)
    for cell in notebook.cells:
        if _grade_id(cell) in answers and (only is None or _grade_id(cell) in only):
            cell.source = answers[_grade_id(cell)]
    return notebook


def _answer_cell_of(course, variable):
    """grade_id of the solution cell that sets ``variable`` (robust to cell renumbering)."""
    for grade_id, text in _answers(course).items():
        if re.search(rf"^(def )?{variable}\b", text, re.MULTILINE):
            return grade_id
    raise LookupError(variable)


SQUARE_ONLY_CONV2D = '''def conv2d(image, kernel, stride=1, padding=0):
    n = image.shape[0]  # assumes a square image: passes the visible check, not the hidden tests
    padded = F.pad(image, (padding, padding, padding, padding))
    k = kernel.shape[0]
    m = (n + 2 * padding - k) // stride + 1
    output = torch.zeros(m, m)
    for i in range(m):
        for j in range(m):
            output[i, j] = (padded[i * stride : i * stride + k, j * stride : j * stride + k] * kernel).sum()
    return output'''


def correct(course):
    return _answered(course)


def blank(course):
    return _release(course)


def partly_right(course):
    """q1, q2, q4, q5 right; q3 wrong; conv2d only right for square images (fails the hidden tests)."""
    keep = {_answer_cell_of(course, v) for v in ("top_left", "conv_output", "transposed_single", "transposed_output")}
    notebook = _answered(course, only=keep)
    _cell(notebook, _answer_cell_of(course, "true_convolution_top_left")).source = "true_convolution_top_left = 600"
    _cell(notebook, _answer_cell_of(course, "conv2d")).source = SQUARE_ONLY_CONV2D
    return notebook


def syntax_error(course):
    notebook = _answered(course)
    _cell(notebook, _answer_cell_of(course, "conv_output")).source = "conv_output = [[600, 600, 600],\n  [0, 0 0],"
    return notebook


def _prepend(course, variable, code):
    notebook = _answered(course)
    cell = _cell(notebook, _answer_cell_of(course, variable))
    cell.source = code + cell.source
    return notebook


def endless_loop(course):
    return _prepend(course, "true_convolution_top_left", "while True:\n    pass\n")


def endless_loop_ignoring_interrupt(course):
    return _prepend(course, "overlap_counts",
                    "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass\n")


def kills_its_kernel(course):
    return _prepend(course, "transposed_single", "import os\nos._exit(1)\n")


def duplicated_test_cell(course):
    """The q7 test cell copied, metadata, notebook cell id and all (as a copy-paste of the JSON does)."""
    notebook = _answered(course)
    index = next(i for i, cell in enumerate(notebook.cells) if _grade_id(cell) == "q7")
    notebook.cells.insert(index, copy.deepcopy(notebook.cells[index]))
    return notebook


def deleted_test_cell(course):
    notebook = _answered(course)
    notebook.cells = [cell for cell in notebook.cells if _grade_id(cell) != "q8"]
    return notebook


AUTOGRADED = ["q1", "q2", "q3", "q4", "q5", "q6_a", "q6_b", "q7", "q8", "q9", "q10", "q11"]  # 1 point each
# student id: (how to make the submission, the autograded questions it must fail)
SUBMISSIONS = {
    "correct": (correct, set()),
    "blank": (blank, set(AUTOGRADED)),
    "partly-right": (partly_right, set(AUTOGRADED) - {"q1", "q2", "q4", "q5"}),
    "syntax-error": (syntax_error, {"q2"}),
    "endless-loop": (endless_loop, {"q3"}),
    "endless-loop-no-interrupt": (endless_loop_ignoring_interrupt, {"q11"}),
    "kills-kernel": (kills_its_kernel, {"q4"}),
    "duplicated-test-cell": (duplicated_test_cell, set()),
    "deleted-test-cell": (deleted_test_cell, set()),
}


def _write(notebook, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    # as submitted: a duplicated cell id stays duplicated (nbformat.write would validate and repair it)
    path.write_text(nbformat.v4.nbjson.writes(notebook), encoding="utf-8")


@pytest.fixture(scope="module")
def batch(course):
    """Every submission above, autograded in one nbgrader run."""
    for student, (make, _) in SUBMISSIONS.items():
        _write(make(course), course / "submitted" / student / LESSON / NOTEBOOK)
    started = time.monotonic()
    code, output = nbgrader(course, "autograde", LESSON, timeout=1200)
    return code, output, time.monotonic() - started


# ------------------------------------------------------------------------------------ grading


def test_the_batch_completes_without_a_crash(course, batch):
    code, output, seconds = batch
    assert code == 0, output[-4000:]
    assert "error processing assignment" not in output.lower() and "Traceback" not in output, output[-4000:]
    for student in SUBMISSIONS:
        assert (course / "autograded" / student / LESSON / NOTEBOOK).exists(), f"{student}: no autograded notebook"
    print(f"autograded {len(SUBMISSIONS)} submissions in {seconds:.0f} s")


def _grades(course, student):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission(LESSON, student)
        grades = {grade.name: grade.auto_score for grade in submission.notebooks[0].grades}
        return submission.score, submission.max_score, grades


@pytest.mark.parametrize("student", list(SUBMISSIONS))
def test_every_score_is_what_it_should_be(course, batch, student):
    score, max_score, grades = _grades(course, student)
    failing = SUBMISSIONS[student][1]
    expected = {question: 0.0 if question in failing else 1.0 for question in AUTOGRADED}
    assert {q: grades[q] for q in AUTOGRADED} == expected
    assert score == len(AUTOGRADED) - len(failing)
    assert max_score == len(AUTOGRADED) + 2  # q12, the thought question, is graded by hand (2 points)
    # the thought question waits for a person unless the answer cell was left untouched
    assert grades["q12-answer"] == (0.0 if student in ("blank", "partly-right") else None)


def test_what_went_wrong_is_said_in_the_graded_notebook(course, batch):
    def outputs(student, grade_id=None, contains=None):
        notebook = nbformat.read(course / "autograded" / student / LESSON / NOTEBOOK, as_version=4)
        cells = [c for c in notebook.cells if c.cell_type == "code" and
                 (grade_id is None or _grade_id(c) == grade_id) and (contains is None or contains in c.source)]
        return [o for c in cells for o in c.outputs], notebook

    died, _ = outputs("kills-kernel", contains="os._exit(1)")
    assert [o.ename for o in died if o.output_type == "error"] == ["KernelDied"]
    hung, _ = outputs("endless-loop-no-interrupt", contains="SIG_IGN")
    assert [o.ename for o in hung if o.output_type == "error"] == ["CellTimeoutError"]
    looped, _ = outputs("endless-loop", contains="while True")
    assert "CellTimeoutError" in [o.ename for o in looped if o.output_type == "error"]  # after its KeyboardInterrupt
    _, restored = outputs("deleted-test-cell")
    assert sum(_grade_id(c) == "q8" for c in restored.cells) == 1
    assert any("was missing from this notebook" in c.source for c in restored.cells if c.cell_type == "markdown")
    _, duplicated = outputs("duplicated-test-cell")
    assert sum(_grade_id(c) == "q7" for c in duplicated.cells) == 1
    assert sum("q7.check()" in c.source for c in duplicated.cells if c.cell_type == "code") == 2
    ids = [c.get("id") for c in duplicated.cells]
    assert len(ids) == len(set(ids))


# ----------------------------------------------------------------------------------- feedback


def _hidden_lines(course):
    """Every line of the lesson's hidden tests that appears nowhere else in the lesson."""
    source = nbformat.read(course / "source" / LESSON / NOTEBOOK, as_version=4)
    hidden, elsewhere, inside = set(), set(), False
    for cell in source.cells:
        for line in cell.source.split("\n"):
            if "BEGIN HIDDEN TESTS" in line:
                inside = True
            elif "END HIDDEN TESTS" in line:
                inside = False
            else:
                (hidden if inside else elsewhere).add(line.strip())
    outside = "\n".join(elsewhere)
    return {line for line in hidden if len(line) > 20 and line not in outside}


def _visible_text(path):
    text = path.read_text(encoding="utf-8")
    return html.unescape(re.sub(r"<[^>]+>", "", text))


@pytest.fixture(scope="module")
def feedback(course, batch):
    nbgrader_ok(course, "generate_feedback", LESSON)
    return {student: course / "feedback" / student / LESSON / f"{LESSON}.html" for student in SUBMISSIONS}


def test_there_are_hidden_tests_and_the_graded_notebooks_hold_them(course, batch):
    """Guard the guard: the hidden tests ran (and failed for the square-only conv2d) in the autograded
    notebook, with a traceback quoting their source."""
    hidden = _hidden_lines(course)
    assert len(hidden) >= 10
    notebook = nbformat.read(course / "autograded" / "partly-right" / LESSON / NOTEBOOK, as_version=4)
    q7 = _cell(notebook, "q7")
    assert any(line in q7.source for line in hidden)
    errors = [o for o in q7.outputs if o.output_type == "error"]
    assert errors and any("hidden_q7" in entry for entry in errors[0].traceback)


def test_feedback_holds_no_hidden_test_source_and_no_hidden_traceback(course, feedback):
    hidden = _hidden_lines(course)
    for student, path in feedback.items():
        assert path.exists(), f"{student}: no feedback"
        raw, text = path.read_text(encoding="utf-8"), _visible_text(path)
        assert "HIDDEN TESTS" not in text and "hidden_q" not in raw, student
        leaked = [line for line in hidden if line in text]
        assert not leaked, f"{student}: hidden test source in the feedback: {leaked[:2]}"
        assert "call_learner" not in text, student  # no traceback from inside the checks (the lesson's own cells may seed generators)
    partly = _visible_text(feedback["partly-right"])
    assert HIDDEN_FAILURE_START in partly  # the hidden failure is said, in a plain sentence
    assert "Traceback" not in partly.split("Exercise 7", 1)[1].split("Exercise 8", 1)[0]


def test_feedback_shows_scores_and_the_visible_check_messages(feedback):
    assert f"{LESSON} (Score: 12.0 / 14.0)" in _visible_text(feedback["correct"])
    partly = _visible_text(feedback["partly-right"])
    assert f"{LESSON} (Score: 4.0 / 14.0)" in partly
    assert "AssertionError: Incorrect: " in partly  # q3: the check's sentence, without a traceback
    assert "Traceback" not in partly.split("Exercise 3", 1)[1].split("Exercise 4", 1)[0]


# ------------------------------------------------------------------------------------- export


def test_export_to_csv_has_the_right_totals(course, batch):
    nbgrader_ok(course, "export", "--to", str(course / "grades.csv"))
    with open(course / "grades.csv", newline="", encoding="utf-8") as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle) if row["assignment"] == LESSON}
    assert set(rows) >= set(SUBMISSIONS)
    for student, (_, failing) in SUBMISSIONS.items():
        assert float(rows[student]["raw_score"]) == len(AUTOGRADED) - len(failing), student
        assert float(rows[student]["score"]) == len(AUTOGRADED) - len(failing), student
        assert float(rows[student]["max_score"]) == len(AUTOGRADED) + 2, student


# ------------------------------------------------------------------------------ exchange cycle


def test_the_exchange_cycle_of_a_class(course, tmp_path):
    """release_assignment -> fetch_assignment -> submit -> collect -> autograde -> generate_feedback
    -> release_feedback -> fetch_feedback, on one machine, with a temporary exchange folder."""
    me = getpass.getuser()  # the exchange knows students by their user name
    exchange = course.parent / "exchange"
    student_home = tmp_path / "student"
    student_home.mkdir()
    # What a JupyterHub administrator puts in the students' nbgrader configuration.
    (student_home / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        "c.CourseDirectory.course_id = 'gan-workshop'\n"
        f"c.Exchange.root = {str(exchange)!r}\n", encoding="utf-8")

    nbgrader_ok(course, "release_assignment", LESSON, "--force")
    assert (exchange / "gan-workshop" / "outbound" / LESSON / NOTEBOOK).exists()

    nbgrader_ok(course, "fetch_assignment", LESSON, cwd=student_home)
    fetched = student_home / LESSON / NOTEBOOK
    released = nbformat.read(course / "release" / LESSON / NOTEBOOK, as_version=4)
    assert nbformat.read(fetched, as_version=4).cells == released.cells

    work = nbformat.read(fetched, as_version=4)  # the student answers every question
    answers = _answers(course)
    for cell in work.cells:
        if _grade_id(cell) in answers:
            cell.source = answers[_grade_id(cell)]
    nbformat.write(work, fetched)
    nbgrader_ok(course, "submit", LESSON, cwd=student_home)

    nbgrader_ok(course, "collect", LESSON)
    assert (course / "submitted" / me / LESSON / NOTEBOOK).exists()
    nbgrader_ok(course, "autograde", LESSON, "--student", me, "--force", timeout=900)
    score, _, _ = _grades(course, me)
    assert score == len(AUTOGRADED)
    nbgrader_ok(course, "generate_feedback", LESSON, "--student", me, "--force")
    nbgrader_ok(course, "release_feedback", LESSON, "--student", me)
    nbgrader_ok(course, "fetch_feedback", LESSON, cwd=student_home)

    fetched_feedback = list((student_home / LESSON / "feedback").glob(f"*/{LESSON}.html"))
    assert len(fetched_feedback) == 1, list((student_home / LESSON).rglob("*"))
    text = _visible_text(fetched_feedback[0])
    assert f"{len(AUTOGRADED)}.0 / {len(AUTOGRADED) + 2}.0" in text
    assert not [line for line in _hidden_lines(course) if line in text]
