"""Helpers shared by the class tests (tests/test_hub.py, tests/test_parallel_grading.py) and the grading
benchmark: a private copy of the course folder, and submissions of any lesson (correct, partly right,
blank, hostile) made from its source notebook."""

import os
import re
import shutil
import subprocess
import sys

import nbformat

from lessons import build

sys.path.insert(0, str(build.ROOT / "nbgrader"))
from course_lessons import CONVOLUTION_LESSON, TRAINING_LESSON, find_lesson  # noqa: E402

COURSE_SKIP = ("release", "submitted", "autograded", "feedback", "exchange", "gradebook.db", "__pycache__",
               "*.csv", ".autograde-parallel-*")
SOLUTION_MARKER = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$")
NBGRADER = [sys.executable, "-m", "nbgrader"]


def lessons():
    """(lesson 02, the training lesson): assignment names in the course folder."""
    course = build.ROOT / "nbgrader"
    return find_lesson(CONVOLUTION_LESSON, course), find_lesson(TRAINING_LESSON, course)


def copy_course(target):
    """A copy of the repository's nbgrader course folder, without anything nbgrader made."""
    shutil.copytree(build.ROOT / "nbgrader", target, ignore=shutil.ignore_patterns(*COURSE_SKIP))
    return target


def course_environment(course, **extra):
    """The environment nbgrader runs in for a course copy: this Python's bin first, private Jupyter folders."""
    env = dict(os.environ)
    env.update({
        "PATH": os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", ""),
        "GAN_WORKSHOP_EXCHANGE": str(course.parent / "exchange"),
        "JUPYTER_CONFIG_DIR": str(course.parent / "jupyter-config"),
        "JUPYTER_DATA_DIR": str(course.parent / "jupyter-data"),
    })
    env.pop("NBGRADER_EXECUTION", None)
    env.pop("WORKSHOP_TEST_MODE", None)
    env.update(extra)
    return env


def run_ok(command, **kwargs):
    """Run a command; fail the test with its output if it fails. Returns what it printed."""
    kwargs.setdefault("timeout", 900)
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, f"{' '.join(map(str, command))} failed:\n{(result.stdout + result.stderr)[-4000:]}"
    return result.stdout + result.stderr


# ------------------------------------------------------------------------------------ submissions


def grade_id(cell):
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def model_answers(source_notebook):
    """grade_id -> the model answer of every solution cell (markers removed), in notebook order."""
    return {
        grade_id(cell): "\n".join(line for line in cell.source.split("\n") if not SOLUTION_MARKER.match(line))
        for cell in source_notebook.cells if cell.metadata.get("nbgrader", {}).get("solution")
    }


def answered(release_notebook, answers, only=None):
    """The released notebook with model answers filled in (all of them, or the grade ids in ``only``)."""
    notebook = nbformat.reads(nbformat.writes(release_notebook), as_version=4)
    for cell in notebook.cells:
        if grade_id(cell) in answers and (only is None or grade_id(cell) in only):
            cell.source = answers[grade_id(cell)]
    return notebook


def submissions(source_notebook, release_notebook, hostile_code="", answers=None):
    """name -> notebook: correct, partly right (the first half of the answers), blank and hostile
    (``hostile_code`` run before the first answer cell; every answer right unless ``answers`` says)."""
    model = model_answers(source_notebook)
    first_half = list(model)[: max(1, len(model) // 2)]
    hostile = answered(release_notebook, model if answers is None else answers)
    first = next(cell for cell in hostile.cells if grade_id(cell) in model and cell.cell_type == "code")
    first.source = hostile_code + "\n" + first.source
    return {
        "correct": answered(release_notebook, model),
        "partly": answered(release_notebook, model, only=set(first_half)),
        "blank": answered(release_notebook, {}),
        "hostile": hostile,
    }


def write_notebook(notebook, path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    nbformat.write(notebook, str(path))


def scores(course, assignment):
    """student -> (score, {grade id: auto score}) from a course folder's gradebook."""
    from nbgrader.api import Gradebook

    found = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for submission in gradebook.assignment_submissions(assignment):
            grades = {grade.name: grade.auto_score for notebook in submission.notebooks for grade in notebook.grades}
            found[submission.student_id] = (submission.score, grades)
    return found
