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
