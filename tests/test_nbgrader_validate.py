"""nbgrader accepts the generated source notebooks: validate passes on the source, and every graded
cell fails on the released (blank) version. The release is the learner notebook, cell for cell, so its
run here is also the learner notebook's run: top to bottom, offline, every blank "not attempted".

nbgrader's own Validator does the work (tests/nbgrader_validate_many.py): one process validates every
source, one more every release, and each lesson's test reads its own result. Both run in the course's
short test mode (nbgrader sets it), with outbound network connections blocked inside the kernel (the
offline guarantee, tests/notebook_runner.py).
"""

import json
import os
import pathlib
import shutil
import subprocess
import sys

import nbformat
import pytest

from lessons import build
from notebook_runner import check_feedback, offline_ipython_dir

pytestmark = pytest.mark.slow  # validate runs every lesson top to bottom (in test mode)

SOURCES = build.lesson_sources()
NBGRADER = [sys.executable, "-m", "nbgrader"]
VALIDATE_MANY = [sys.executable, str(pathlib.Path(__file__).with_name("nbgrader_validate_many.py"))]
# nbgrader runs helper programs (alembic) by name: the environment's bin folder must be on PATH.
ENV = {**os.environ, "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")}
ENV.pop("NBGRADER_EXECUTION", None)


def _notebook(folder, source):
    return f"{folder}/{source.stem}/{source.stem}.ipynb"


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A copy of the course folder with every assignment generated (one nbgrader command for all)."""
    root = tmp_path_factory.mktemp("course")
    shutil.copytree(build.ROOT / "nbgrader", root, dirs_exist_ok=True, ignore=shutil.ignore_patterns(
        "release", "submitted", "autograded", "feedback", "exchange", "gradebook.db", "__pycache__"))
    ENV["JUPYTER_CONFIG_DIR"] = str(root / ".jupyter-config")  # the user's own Jupyter configuration stays out
    ENV["IPYTHONDIR"] = offline_ipython_dir()  # kernels started by nbgrader cannot reach the internet
    result = subprocess.run(NBGRADER + ["generate_assignment", "*", "--force"], cwd=root,
                            capture_output=True, text=True, timeout=600, env=ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    return root


def _validate(course, notebooks, invert=False, save_executed=None):
    """{notebook: nbgrader's findings} ({} when it passes; with invert, when no graded cell passes)."""
    command = VALIDATE_MANY + (["--invert"] if invert else []) + notebooks
    if save_executed:
        command += ["--save-executed", str(save_executed)]
    result = subprocess.run(command, cwd=course, capture_output=True, text=True, timeout=1800, env=ENV)
    assert result.returncode == 0, result.stderr[-4000:]
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def sources_validated(course):
    return _validate(course, [_notebook("source", source) for source in SOURCES])


@pytest.fixture(scope="module")
def executed_releases(tmp_path_factory):
    """The folder where the inverted validation leaves each release as nbgrader executed it."""
    return tmp_path_factory.mktemp("executed-releases")


@pytest.fixture(scope="module")
def releases_validated_inverted(course, executed_releases):
    notebooks = [_notebook("release", source) for source in SOURCES]
    return _validate(course, notebooks, invert=True, save_executed=executed_releases)


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_validate_passes_on_source(sources_validated, source):
    findings = sources_validated[_notebook("source", source)]
    assert findings == {}, json.dumps(findings, indent=1)[-3000:]


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_validate_invert_fails_every_graded_cell_of_the_release(course, releases_validated_inverted, source):
    release = nbformat.read(course / _notebook("release", source), as_version=4)
    graded = [cell for cell in release.cells if cell.metadata.get("nbgrader", {}).get("grade")]
    assert graded, f"the released {source.stem} has no graded cell"
    findings = releases_validated_inverted[_notebook("release", source)]
    assert findings == {}, "graded cells pass on the blank release:\n" + json.dumps(findings, indent=1)[-3000:]


def test_the_validator_reports_failures(course):
    """Guard the two tests above: the blank release of lesson 02, validated the normal way, fails."""
    (lesson,) = [source for source in SOURCES if source.stem.startswith("02_")]
    findings = _validate(course, [_notebook("release", lesson)])[_notebook("release", lesson)]
    assert findings.get("failed"), findings


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_the_release_holds_no_solutions_and_no_hidden_tests(course, source):
    text = (course / _notebook("release", source)).read_text(encoding="utf-8")
    for marker in ("BEGIN HIDDEN TESTS", "BEGIN SOLUTION", "hidden_q"):
        assert marker not in text, f"the released {source.stem} holds {marker!r}"


def _cells(notebook):
    return [(cell.cell_type, cell.source.strip()) for cell in notebook.cells]


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_the_release_is_the_learner_notebook(course, source):
    """nbgrader's students get the learner notebook: the same cells, starter code and blanks included."""
    learner_path, _, _ = build.output_paths(source)
    release = nbformat.read(course / _notebook("release", source), as_version=4)
    assert _cells(release) == _cells(nbformat.read(learner_path, as_version=4))


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_learner_notebook_runs_and_blanks_are_not_attempted(releases_validated_inverted, executed_releases, source):
    """The release (the learner notebook, test above) ran top to bottom offline; each check said "not
    attempted", and the only errors are those checks failing, as nbgrader makes them."""
    notebook = nbformat.read(executed_releases / f"{source.stem}.ipynb", as_version=4)
    feedback = check_feedback(notebook)
    assert feedback, "no check cells ran"
    for cell, text in feedback:
        assert text.startswith("Not attempted yet"), f"{cell}: {text}"
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                assert cell.source.strip().endswith(".check()"), f"an error outside a check cell:\n{cell.source}\n{output.ename}: {output.evalue}"
                assert output.ename == "AssertionError", f"{cell.source}: {output.ename}: {output.evalue}"
