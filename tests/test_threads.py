"""Importing learntools first makes PyTorch's CPU threads wait passively (robust on busy 2-core machines)."""

import os
import subprocess
import sys

PROBE = "import learntools, os, torch; print(os.environ['OMP_WAIT_POLICY'])"


def _run(env):
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_passive_wait_policy_by_default():
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    assert _run(env) == "PASSIVE"


def test_an_explicit_wait_policy_is_kept():
    assert _run({**os.environ, "OMP_WAIT_POLICY": "ACTIVE"}) == "ACTIVE"
