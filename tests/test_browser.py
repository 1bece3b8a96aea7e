"""A real browser (Debian's Chromium driven by Playwright) opens the course in JupyterLab.

It runs notebook 02 (learner and solution versions), reads that the stepper widget rendered and what
the checks said, opens nbgrader's Formgrader, and saves screenshots to test-artifacts/browser/.
Skipped, with the reason, where no Chromium is installed (`scripts/install-chromium.sh` installs it
where it can); under CI=true a missing browser is a failure, not a skip.
"""

import os
import pathlib
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "browser"
TOKEN = "workshop-browser-test"
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def _chromium():
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.fixture(scope="module")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    executable = _chromium()
    if executable is None:
        reason = "no Chromium on this machine (scripts/install-chromium.sh installs Debian's as root)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the browser test, but {reason}")
        pytest.skip(reason)
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on a free loopback port, serving a copy of the course (so runs never touch the repo)."""
    root = tmp_path_factory.mktemp("lab")
    for folder in ("notebooks", "solutions", "nbgrader"):
        shutil.copytree(ROOT / folder, root / folder, ignore=shutil.ignore_patterns("release", "gradebook.db"))
    # The solution notebooks' saved outputs must not count: serve them without outputs.
    import nbformat
    from lessons.build import strip_outputs

    for path in (root / "solutions").glob("*.ipynb"):
        nbformat.write(strip_outputs(nbformat.read(str(path), as_version=4)), str(path))
    # Render every cell (no windowing), so the test can read outputs that are off screen.
    settings = root / ".jupyter" / "lab" / "user-settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    notifications = settings.parent / "apputils-extension"
    notifications.mkdir()
    (notifications / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    port = _free_port()
    bin_dir = os.path.dirname(sys.executable)
    env = {
        **os.environ,
        "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
        "JUPYTER_CONFIG_DIR": str(root / ".jupyter"),
        "JUPYTER_RUNTIME_DIR": str(root / ".runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(root / ".jupyter" / "lab" / "user-settings"),
        "WORKSHOP_TEST_MODE": "1",
    }
    command = [
        os.path.join(bin_dir, "jupyter"), "lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
        f"--ServerApp.token={TOKEN}", f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True",
        "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if hasattr(os, "getuid") and os.getuid() == 0:
        command.append("--allow-root")
    log = open(root / "lab.log", "w")
    server = subprocess.Popen(command, cwd=root / "nbgrader", env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2)
            break
        except OSError:
            if server.poll() is not None:
                pytest.fail("JupyterLab exited: " + (root / "lab.log").read_text()[-2000:])
            time.sleep(0.5)
    else:
        server.kill()
        pytest.fail("JupyterLab did not start within 90 s: " + (root / "lab.log").read_text()[-2000:])
    yield base
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
    log.close()


def _run_notebook(browser, base, relative_path, screenshot_name, expect_text, expect_count):
    """Open a notebook, run all cells, wait until the checks have answered; return the page.

    A loaded machine sometimes loses JupyterLab's first start-up; a second try opens a fresh page.
    """
    for attempt in range(2):
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            _run_notebook_once(page, base, relative_path, screenshot_name, expect_text, expect_count)
            return page
        except Exception:
            page.close()
            _shut_down_kernels(base)
            if attempt == 1:
                raise


def _shut_down_kernels(base):
    """Stop every kernel the server runs, so a failed attempt leaves nothing busy behind."""
    import json

    with urllib.request.urlopen(f"{base}/api/sessions?token={TOKEN}", timeout=10) as response:
        sessions = json.load(response)
    for session in sessions:
        request = urllib.request.Request(f"{base}/api/sessions/{session['id']}?token={TOKEN}", method="DELETE")
        urllib.request.urlopen(request, timeout=30).close()


def _run_notebook_once(page, base, relative_path, screenshot_name, expect_text, expect_count):
    """One attempt of _run_notebook, in a fresh page."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # A workspace of its own, reset: JupyterLab would otherwise restore the notebooks an earlier
    # test opened, as hidden tabs whose cells the selectors below would find first.
    workspace = f"{screenshot_name}-{time.monotonic_ns()}"
    page.goto(f"{base}/lab/workspaces/{workspace}/tree/{relative_path}?reset&token={TOKEN}",
              wait_until="domcontentloaded")
    page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell", timeout=60_000)
    page.wait_for_function("() => window.jupyterapp && document.querySelector('.jp-Notebook')", timeout=60_000)
    # Wait for the kernel before running everything.
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle'], #jp-main-statusbar :text('Idle')", timeout=60_000)
    # Run all cells once the notebook is the current widget and its kernel is ready; a command sent
    # earlier is lost, so if no cell starts within a minute, send it again.
    ready = ("() => { const w = window.jupyterapp.shell.currentWidget;"
             " const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;"
             " return !!(k && k.status === 'idle' && w.context && w.context.isReady); }")
    started = ("() => Array.from(document.querySelectorAll('.jp-InputArea-prompt'))"
               ".some(e => /\\[(\\*|\\d+)\\]/.test(e.textContent))")
    page.wait_for_function(ready, timeout=120_000)
    for attempt in range(3):
        page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
        try:
            page.wait_for_function(started, timeout=60_000)
            break
        except Exception:
            if attempt == 2:
                raise
    counting = ("([text, count]) => Array.from(document.querySelectorAll('.jp-OutputArea-output'))"
                ".filter(e => e.textContent.includes(text)).length >= count")
    try:
        page.wait_for_function(counting, arg=[expect_text, expect_count], timeout=240_000)
    except Exception:
        page.screenshot(path=str(ARTIFACTS / f"{screenshot_name}-timeout.png"), full_page=True)
        outputs = page.evaluate("Array.from(document.querySelectorAll('.jp-OutputArea-output')).map(e => e.textContent.slice(0, 60))")
        raise AssertionError(f"{relative_path}: expected {expect_count} outputs saying {expect_text!r}; the outputs were {outputs}")
    page.locator(".learntools-correct, .learntools-not_attempted").nth(2).scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"{screenshot_name}-checks.png"))


def _check_count(relative_path):
    import nbformat

    notebook = nbformat.read(str(ROOT / relative_path), as_version=4)
    return sum(1 for c in notebook.cells if c.cell_type == "code" and c.source.strip().endswith(".check()"))


def test_learner_notebook_in_a_real_browser(browser, lab):
    path = "notebooks/02_convolution.ipynb"
    page = _run_notebook(browser, lab, path, "learner-02", "Not attempted yet", _check_count(path))
    slider = page.locator(".widget-slider").first
    slider.scroll_into_view_if_needed()
    assert slider.is_visible(), "the stepper widget did not render"
    page.wait_for_selector(".widget-image img, img.widget-image, .jupyter-widgets img", timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "learner-02-stepper.png"))
    assert page.locator(".learntools-not_attempted").count() >= _check_count(path)
    page.close()


def test_solution_notebook_in_a_real_browser(browser, lab):
    path = "solutions/02_convolution.ipynb"
    page = _run_notebook(browser, lab, path, "solution-02", "Correct", _check_count(path))
    assert page.locator(".learntools-correct").count() >= _check_count(path)
    assert page.locator(".learntools-incorrect").count() == 0
    page.locator(".widget-slider").first.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "solution-02-stepper.png"))
    page.close()


def test_formgrader_opens(browser, lab):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(f"{lab}/formgrader?token={TOKEN}", wait_until="domcontentloaded")
    page.wait_for_selector("text=Manage Assignments", timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / "formgrader.png"))
    page.close()
