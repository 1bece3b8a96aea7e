"""Every notebook runs top to bottom: solutions say "Correct" everywhere, learners' blanks say "not attempted".

Solution notebooks are not run again: `make build` executed them in classroom mode, and their committed
outputs are read here; their code also runs in test mode under `nbgrader validate`, whose source notebooks
hold the same answers. Learner notebooks run there too, in the short test mode and offline: nbgrader's
release of each lesson is the learner notebook, cell for cell (tests/test_nbgrader_validate.py).
"""

import nbformat
import pytest

from lessons import build
from notebook_runner import check_feedback, errors, run_notebook

SOURCES = build.lesson_sources()


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_solution_notebook_ran_and_every_check_passed(source):
    """The committed solution notebook was executed whole, without an error, and every check said Correct."""
    _, solution_path, _ = build.output_paths(source)
    notebook = nbformat.read(str(solution_path), as_version=4)
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code" and cell.source.strip()]
    assert all(cell.execution_count is not None for cell in code_cells), "not executed: run `make build`"
    assert not errors(notebook), errors(notebook)[:1]
    feedback = check_feedback(notebook)
    assert feedback, "no check cells ran"
    for cell, text in feedback:
        assert text.startswith("Correct"), f"{cell}: {text}"
        assert text.strip().rstrip(".") != "Correct", f"{cell}: a pass says one line worth keeping, not a bare 'Correct'"


def test_the_kernel_network_block_works(tmp_path):
    """Guard the offline guarantee: a notebook that reaches for the internet fails here."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(
        "import urllib.request\n"
        "try:\n"
        "    urllib.request.urlopen('http://example.com', timeout=5)\n"
        "    print('REACHED')\n"
        "except OSError as error:\n"
        "    print('BLOCKED', error)\n"
        "import socket\n"
        "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(); port = s.getsockname()[1]\n"
        "c = socket.create_connection(('127.0.0.1', port), timeout=5); print('LOOPBACK OK')"
    )]
    path = tmp_path / "reach.ipynb"
    nbformat.write(notebook, str(path))
    executed = run_notebook(path)
    text = executed.cells[0].outputs[0]["text"]
    assert "BLOCKED" in text and "REACHED" not in text and "LOOPBACK OK" in text
