"""Run a notebook in a fresh kernel and collect what its check cells said."""

import os

import nbformat
from nbclient import NotebookClient


def run_notebook(path, env=None, timeout=600):
    """Execute the notebook at ``path`` (in its own folder) and return the executed notebook."""
    notebook = nbformat.read(str(path), as_version=4)
    old = dict(os.environ)
    os.environ.update(env or {})
    try:
        NotebookClient(
            notebook, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
        ).execute()
    finally:
        os.environ.clear()
        os.environ.update(old)
    return notebook


def check_feedback(notebook):
    """[(cell source, plain-text feedback)] for every `qN.check()` cell."""
    found = []
    for cell in notebook.cells:
        if cell.cell_type == "code" and cell.source.strip().endswith(".check()"):
            texts = [o["data"]["text/plain"] for o in cell.outputs if "data" in o and "text/plain" in o["data"]]
            found.append((cell.source.strip(), "\n".join(texts)))
    return found


def errors(notebook):
    return [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]


def stderr_text(notebook):
    return "".join(
        o.get("text", "") for c in notebook.cells if c.cell_type == "code" for o in c.outputs
        if o.output_type == "stream" and o.get("name") == "stderr"
    )
