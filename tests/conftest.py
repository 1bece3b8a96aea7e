"""Fixtures shared by several test files."""

import os
import subprocess
import sys

import pytest


@pytest.fixture(scope="session")
def wheel(tmp_path_factory):
    """The course package built as a wheel, as a release would ship it (offline: no build isolation)."""
    out = tmp_path_factory.mktemp("wheel")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                             "-w", str(out), root], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    (found,) = out.glob("gan_workshop-*.whl")
    return found


# ------------------------------------------------------------------------ running on every core
#
# `make test` runs the suite with pytest-xdist (`-n auto --dist loadgroup`). Notebook runs that train
# must not run side by side on two cores, so the test files that execute training lessons form one group,
# run one after another on one worker, and start first (they are the longest chain). Every other test
# file goes whole to one worker, so its module fixtures (a graded course, a built wheel) are built once.
TRAINING_NOTEBOOKS = ("test_nbgrader_validate", "test_notebooks", "test_hub")
SAME_WORKER = {"test_setup_cell": "test_wheel"}  # both install the wheel the `wheel` fixture builds


def _group(item):
    module = item.path.stem
    if module in TRAINING_NOTEBOOKS:
        return "training-notebooks"
    return SAME_WORKER.get(module, module)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        item.add_marker(pytest.mark.xdist_group(_group(item)))
    chain = [item for item in items if _group(item) == "training-notebooks"]
    chain.sort(key=lambda item: TRAINING_NOTEBOOKS.index(item.path.stem))  # stable: keeps each file's order
    items[:] = chain + [item for item in items if _group(item) != "training-notebooks"]
