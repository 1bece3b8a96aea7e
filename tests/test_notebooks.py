"""Every notebook runs top to bottom: solutions say "Correct" everywhere, learners' blanks say "not attempted".

Notebooks run one after another (never in parallel: two cores) in the short test mode.
"""

import pytest

from lessons import build
from notebook_runner import check_feedback, errors, run_notebook

SOURCES = build.lesson_sources()
TEST_MODE = {"WORKSHOP_TEST_MODE": "1"}


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_solution_notebook_runs_and_every_check_passes(source):
    _, solution_path, _ = build.output_paths(source)
    notebook = run_notebook(solution_path, env=TEST_MODE)
    assert not errors(notebook), errors(notebook)[:1]
    feedback = check_feedback(notebook)
    assert feedback, "no check cells ran"
    for cell, text in feedback:
        assert text.startswith("Correct"), f"{cell}: {text}"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_learner_notebook_runs_and_blanks_are_not_attempted(source):
    learner_path, _, _ = build.output_paths(source)
    notebook = run_notebook(learner_path, env=TEST_MODE)
    assert not errors(notebook), errors(notebook)[:1]
    feedback = check_feedback(notebook)
    assert feedback
    for cell, text in feedback:
        assert text.startswith("Not attempted yet"), f"{cell}: {text}"
