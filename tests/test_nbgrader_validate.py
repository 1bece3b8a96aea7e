"""nbgrader accepts the generated source notebooks: validate passes on the source, and every graded
cell fails on the released (blank) version."""

import os
import pathlib
import shutil
import subprocess
import sys

import pytest

from lessons import build

pytestmark = pytest.mark.slow  # validate runs every lesson top to bottom (in test mode)

SOURCES = build.lesson_sources()
NBGRADER = [sys.executable, "-m", "nbgrader"]
# nbgrader runs helper programs (alembic) by name: the environment's bin folder must be on PATH.
ENV = {**os.environ, "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")}
ENV.pop("NBGRADER_EXECUTION", None)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A copy of the course folder with every assignment generated."""
    root = tmp_path_factory.mktemp("course")
    shutil.copytree(build.ROOT / "nbgrader", root, dirs_exist_ok=True, ignore=shutil.ignore_patterns(
        "release", "submitted", "autograded", "feedback", "exchange", "gradebook.db", "__pycache__"))
    ENV["JUPYTER_CONFIG_DIR"] = str(root / ".jupyter-config")  # the user's own Jupyter configuration stays out
    for source in SOURCES:
        result = subprocess.run(NBGRADER + ["generate_assignment", source.stem, "--force"], cwd=root,
                                capture_output=True, text=True, timeout=300, env=ENV)
        assert result.returncode == 0, result.stdout + result.stderr
    return root


def _validate(course, path, invert=False):
    command = NBGRADER + ["validate"] + (["--invert"] if invert else []) + [str(path)]
    result = subprocess.run(command, cwd=course, capture_output=True, text=True, timeout=600, env=ENV)
    return result.returncode, result.stdout + result.stderr


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_validate_passes_on_source(course, source):
    code, output = _validate(course, pathlib.Path("source") / source.stem / f"{source.stem}.ipynb")
    assert code == 0 and "Success! Your notebook passes all the tests." in output, output[-2000:]


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_validate_invert_fails_every_graded_cell_of_the_release(course, source):
    code, output = _validate(course, pathlib.Path("release") / source.stem / f"{source.stem}.ipynb", invert=True)
    assert "Success! The notebook does not pass any tests." in output, output[-2000:]


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_the_release_holds_no_solutions_and_no_hidden_tests(course, source):
    text = (course / "release" / source.stem / f"{source.stem}.ipynb").read_text(encoding="utf-8")
    for marker in ("BEGIN HIDDEN TESTS", "BEGIN SOLUTION", "hidden_q"):
        assert marker not in text, f"the released {source.stem} holds {marker!r}"
