"""Run a notebook in a fresh kernel and collect what its check cells said."""

import os
import pathlib
import tempfile

import nbformat
from nbclient import NotebookClient

# Runs first in every kernel started here: any connection to a host other than this machine fails,
# so a notebook that needs the network fails its test (the course must work offline).
BLOCK_NETWORK = """
import socket as _socket

_LOCAL = ("127.", "::1", "localhost")


def _is_local(address):
    host = address[0] if isinstance(address, tuple) else address
    return isinstance(host, str) and host.startswith(_LOCAL)


def _guarded(original):
    def connect(self, address):
        if self.family in (_socket.AF_INET, _socket.AF_INET6) and not _is_local(address):
            raise OSError(f"outbound network blocked by the offline test: {address!r}")
        return original(self, address)
    return connect


_socket.socket.connect = _guarded(_socket.socket.connect)
_socket.socket.connect_ex = _guarded(_socket.socket.connect_ex)
_real_getaddrinfo = _socket.getaddrinfo


def _getaddrinfo(host, *args, **kwargs):
    if host is not None and not str(host).startswith(_LOCAL):
        raise _socket.gaierror(f"name lookup blocked by the offline test: {host!r}")
    return _real_getaddrinfo(host, *args, **kwargs)


_socket.getaddrinfo = _getaddrinfo
"""


def offline_ipython_dir():
    """An IPYTHONDIR whose start-up script blocks outbound connections in the kernel."""
    folder = pathlib.Path(tempfile.mkdtemp(prefix="offline-ipython-"))
    startup = folder / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-block-network.py").write_text(BLOCK_NETWORK)
    return str(folder)


def run_notebook(path, env=None, timeout=600, offline=True):
    """Execute the notebook at ``path`` (in its own folder) and return the executed notebook.

    With ``offline`` (the default), the kernel cannot reach any host but this machine.
    """
    notebook = nbformat.read(str(path), as_version=4)
    old = dict(os.environ)
    os.environ.update(env or {})
    if offline:
        os.environ["IPYTHONDIR"] = offline_ipython_dir()
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
