"""The notebooks' first cells: the collapsed bootstrap finds or installs this course's learntools, steps past
a foreign package of the same name (Kaggle ships one), checks the version, and stops clearly when it can't;
then the two set-up lines load the lesson's checks. Each test runs both cells, as a learner does."""

import os
import subprocess
import sys

import pytest

import learntools
from lessons.setup_cell import bootstrap_source, setup_lines


def setup_source(version, module):
    """The bootstrap cell, then the visible set-up lines, run one after the other."""
    return bootstrap_source(version) + "\n" + setup_lines(module)


RUN_SETUP = "import sys\nexec(compile(sys.stdin.read(), '<setup cell>', 'exec'))\nprint('LOADED', learntools.__file__, callable(q1.check))\n"


@pytest.fixture
def foreign_learntools(tmp_path):
    """A different package called learntools, ahead on the path (as on Kaggle)."""
    folder = tmp_path / "foreign"
    (folder / "learntools").mkdir(parents=True)
    (folder / "learntools" / "__init__.py").write_text("__version__ = '0.3.4'  # someone else's learntools\n")
    return folder


def _run(cell, tmp_path, pythonpath=None, pip_source=None):
    env = {**os.environ, "HOME": str(tmp_path / "home")}
    env.pop("PYTHONPATH", None)
    if pythonpath:
        env["PYTHONPATH"] = str(pythonpath)
    if pip_source:
        env["GAN_WORKSHOP_PIP"] = str(pip_source)
    return subprocess.run([sys.executable, "-c", RUN_SETUP], input=cell, capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=300)


def test_installed_package_is_used_as_it_is(tmp_path):
    result = _run(setup_source(learntools.__version__, "ex2"), tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Installing" not in result.stdout
    assert f"gan-workshop {learntools.__version__}" in result.stdout
    assert "LOADED" in result.stdout and "True" in result.stdout


def test_foreign_learntools_is_stepped_past(tmp_path, wheel, foreign_learntools):
    result = _run(setup_source(learntools.__version__, "ex2"), tmp_path, foreign_learntools, wheel)
    assert result.returncode == 0, result.stderr
    assert "Installing the course package" in result.stdout
    loaded_from = result.stdout.split("LOADED ")[1].split()[0]
    assert loaded_from.startswith(str(tmp_path / "home" / ".gan-workshop")), loaded_from


def test_failed_install_stops_with_one_clear_message(tmp_path, foreign_learntools):
    result = _run(setup_source(learntools.__version__, "ex2"), tmp_path, foreign_learntools,
                  tmp_path / "no-such-wheel.whl")
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("RuntimeError: The course package could not be installed")
    assert "Internet" in last_line and "pip install gan-workshop==" in last_line
    assert "LOADED" not in result.stdout


def test_version_mismatch_is_reported(tmp_path):
    result = _run(setup_source("0.0.1", "ex2"), tmp_path)
    assert result.returncode == 0, result.stderr
    assert "made for gan-workshop 0.0.1" in result.stdout
