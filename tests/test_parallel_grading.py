"""Grading a class in parallel (nbgrader/autograde_parallel.py) gives the sequential run's scores.

Six submissions of lesson 02 are graded twice from the same course folder: by plain `nbgrader autograde`
(one after another) and by the parallel grader with 2 workers. Every grade of every student must match.
The parallel run grades a seventh, hostile submission too: it tries to zero every grade in the course's
gradebook and to overwrite another student's graded notebook, from inside the grader's sandbox.
"""

import shutil
import sys

import nbformat
import pytest

from hub_support import (NBGRADER, answered, copy_course, course_environment, lessons, model_answers, run_ok,
                         scores, submissions, write_notebook)

pytestmark = pytest.mark.slow

CELL_TIMEOUT = "60"

HOSTILE = '''
import glob, os, sqlite3
for _path in glob.glob({course!r} + "/gradebook.db") + glob.glob({course!r} + "/../*/gradebook.db"):
    try:
        with sqlite3.connect(_path) as _db:
            _db.execute("UPDATE grade SET auto_score = 0")
    except Exception:
        pass
for _path in glob.glob({course!r} + "/autograded/*/*/*.ipynb"):
    try:
        open(_path, "w").write("{{}}")
    except Exception:
        pass
'''


def _sequential_and_parallel(tmp_path):
    lesson, _ = lessons()
    base = copy_course(tmp_path / "base" / "course")
    env = course_environment(base, GAN_WORKSHOP_CELL_TIMEOUT=CELL_TIMEOUT)
    run_ok(NBGRADER + ["generate_assignment", lesson, "--force"], cwd=base, env=env)
    source = nbformat.read(base / "source" / lesson / f"{lesson}.ipynb", as_version=4)
    release = nbformat.read(base / "release" / lesson / f"{lesson}.ipynb", as_version=4)
    made = submissions(source, release)
    answers = model_answers(source)
    ids = list(answers)
    made["second-half"] = answered(release, answers, only=set(ids[len(ids) // 2:]))
    made["all-but-first"] = answered(release, answers, only=set(ids[1:]))
    del made["hostile"]
    for student, notebook in made.items():
        write_notebook(notebook, base / "submitted" / student / lesson / f"{lesson}.ipynb")

    sequential = tmp_path / "sequential" / "course"
    parallel = tmp_path / "parallel" / "course"
    shutil.copytree(base, sequential)
    shutil.copytree(base, parallel)
    hostile = submissions(source, release, hostile_code=HOSTILE.format(course=str(parallel)))["hostile"]
    write_notebook(hostile, parallel / "submitted" / "hostile" / lesson / f"{lesson}.ipynb")
    return lesson, list(made), sequential, parallel


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    lesson, students, sequential, parallel = _sequential_and_parallel(tmp_path_factory.mktemp("parallel"))
    run_ok(NBGRADER + ["autograde", lesson], cwd=sequential,
           env=course_environment(sequential, GAN_WORKSHOP_CELL_TIMEOUT=CELL_TIMEOUT))
    output = run_ok([sys.executable, str(parallel / "autograde_parallel.py"), lesson, "--workers", "2",
                     "--threads", "1"], cwd=parallel,
                    env=course_environment(parallel, GAN_WORKSHOP_CELL_TIMEOUT=CELL_TIMEOUT))
    return lesson, students, sequential, parallel, output


def test_two_workers_give_the_sequential_scores(graded):
    lesson, students, sequential, parallel, output = graded
    one_by_one, at_once = scores(sequential, lesson), scores(parallel, lesson)
    assert set(one_by_one) == set(students), one_by_one
    for student in students:
        assert at_once[student] == one_by_one[student], f"{student}: {at_once[student]} != {one_by_one[student]}"
    totals = {student: one_by_one[student][0] for student in students}
    assert totals["blank"] == 0 < totals["partly"] < totals["correct"], totals


def test_the_parallel_run_leaves_graded_notebooks_and_no_scratch(graded):
    lesson, students, _, parallel, output = graded
    for student in students + ["hostile"]:
        graded_notebook = parallel / "autograded" / student / lesson / f"{lesson}.ipynb"
        assert nbformat.read(graded_notebook, as_version=4).cells, student
    assert not list(parallel.glob(".autograde-parallel-*")), "the scratch folder was left behind"
    assert "sandbox: bwrap" in output or "sandbox: none" in output, output


def test_a_hostile_submission_changes_no_other_grade(graded):
    lesson, students, sequential, parallel, output = graded
    if "sandbox: bwrap" not in output:
        pytest.skip("bubblewrap is not usable here: the grader ran without its sandbox")
    at_once = scores(parallel, lesson)
    assert at_once["correct"][0] == scores(sequential, lesson)["correct"][0] > 0
    assert at_once["hostile"][0] == at_once["correct"][0], "the hostile submission's answers are all right"
