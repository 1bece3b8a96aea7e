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
# `make test` runs the suite with pytest-xdist (`-n auto`). Notebook runs that train must not run side by
# side on two cores, so the test files that execute training lessons form one unit of work, run one after
# another on one worker, and start first (they are the longest chain). Every other test file goes whole to
# one worker, so its module fixtures (a graded course, a built wheel) are built once. (xdist's own
# `--dist loadgroup` cannot do this with pytest 9: it renames node ids through an attribute pytest no
# longer reads, so the scheduler below groups by file name itself.)
TRAINING_NOTEBOOKS = ("test_nbgrader_validate", "test_hub")
SAME_WORKER = {"test_setup_cell": "test_wheel"}  # both install the wheel the `wheel` fixture builds


def _unit_of_work(path):
    """The unit of work a test file belongs to: the training-notebook chain, or the file itself."""
    module = path.rsplit("/", 1)[-1].removesuffix(".py")
    if module in TRAINING_NOTEBOOKS:
        return "training-notebooks"
    return SAME_WORKER.get(module, module)


def pytest_collection_modifyitems(config, items):
    """The training-notebook files first, in the order above (each keeps its own order)."""
    chain = [item for item in items if _unit_of_work(str(item.path)) == "training-notebooks"]
    chain.sort(key=lambda item: TRAINING_NOTEBOOKS.index(item.path.stem))  # stable
    items[:] = chain + [item for item in items if _unit_of_work(str(item.path)) != "training-notebooks"]


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist: absent under `-p no:xdist`
def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class ByUnitOfWork(LoadScopeScheduling):
        """xdist's file-by-file scheduling, with the training-notebook files as one unit, in collection order."""

        def _split_scope(self, nodeid):
            return _unit_of_work(nodeid.split("::", 1)[0])

    config.option.loadscopereorder = False  # keep the collection order: the longest unit starts first
    return ByUnitOfWork(config, log)
