"""A class on a real JupyterHub (deploy/jupyterhub/): real Unix users, PAM log-in, the real proxy.

One module-scoped run, from the repository's own files:
- deploy/jupyterhub/setup-class.sh and add-user.sh make an instructor and four students (Unix accounts
  with a prefix unique to this run, removed afterwards, also when the test fails);
- the hub starts on free loopback ports with deploy/jupyterhub/jupyterhub_config.py;
- everybody logs in with their password (PAM) and gets an API token; every server is started through
  the hub's REST API;
- the instructor generates and releases lesson 02 and the training lesson with the Formgrader's API on
  their own server;
- each student fetches lesson 02 through their own server's nbgrader endpoints, writes their answers
  through the server's contents API (correct, partly right, blank, hostile) and submits; the correct and
  the hostile student do the same with the training lesson (a training run per submission is what makes
  this test slow);
- the instructor collects (Formgrader), grades with nbgrader/autograde_parallel.py in a terminal of theirs
  (`runuser`; 2 workers, sandboxed), generates and releases feedback (Formgrader); each student fetches
  their own feedback through their server.
Then: the scores, no hidden test in any feedback, and every permission below tried and refused.
"""

import html
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest

from hub_support import lessons, submissions
from lessons import build

pytestmark = pytest.mark.slow

REPOSITORY = build.ROOT
DEPLOY = REPOSITORY / "deploy" / "jupyterhub"
COURSE_ID = "gan-workshop"
BIN = os.path.dirname(sys.executable)
CELL_TIMEOUT = "300"  # the course default: a loaded machine must not fail a correct training submission
KINDS = ("correct", "partly", "blank", "hostile")
# Every student submits lesson 02; the training lesson (a training run per submission, the slow part of
# the test) is submitted by the correct student and by the hostile one (who answers nothing there).
SUBMITTED = {kind: lessons() if kind in ("correct", "hostile") else lessons()[:1] for kind in KINDS}

# Run by the hostile submission while it is graded: attacks on everything but its own grade. Each line
# of its output says what happened; the test reads them in the graded notebook.
HOSTILE = '''
import glob, os, socket, sqlite3
def _attempt(what, action):
    try:
        action()
        print("HOSTILE", what, "DONE")
    except Exception as error:
        print("HOSTILE", what, "refused:", type(error).__name__)
def _zero_every_grade():
    if not os.path.exists({gradebook!r}):
        raise FileNotFoundError({gradebook!r})
    with sqlite3.connect({gradebook!r}) as db:
        db.execute("UPDATE grade SET auto_score = 0")
def _overwrite_graded():
    found = glob.glob({course!r} + "/autograded/*/*/*.ipynb")
    if not found:
        raise FileNotFoundError("no graded notebook in sight")
    for path in found:
        open(path, "w").write("{{}}")
def _use_a_token():
    if not any("TOKEN" in name for name in os.environ):
        raise KeyError("no token in the environment")
def _call_the_hub():
    socket.create_connection(("127.0.0.1", {port}), timeout=3).close()
_attempt("gradebook", _zero_every_grade)
_attempt("graded notebooks", _overwrite_graded)
_attempt("token", _use_a_token)
_attempt("hub", _call_the_hub)
'''

# Run as another student, in their own terminal: each attempt must be refused.
PROBE = '''
import json, os, shutil, sys
targets = json.loads(sys.argv[1])
def attempt(action):
    try:
        action()
        return "ALLOWED"
    except OSError as error:
        return type(error).__name__
results = {
    "list the exchange's inbound folder": attempt(lambda: os.listdir(targets["inbound"])),
    "read another student's submission": attempt(lambda: open(targets["submission"]).read()),
    "overwrite another student's submission": attempt(lambda: open(targets["submission"], "w").write("{}")),
    "add a file to another student's submission": attempt(lambda: open(targets["submission_folder"] + "/extra.ipynb", "w")),
    "rename another student's submission": attempt(lambda: os.rename(targets["submission_folder"], targets["inbound"] + "/mine")),
    "list the exchange's feedback folder": attempt(lambda: os.listdir(targets["feedback"])),
    "read another student's home": attempt(lambda: os.listdir(targets["home"])),
    "read another student's fetched feedback": attempt(lambda: open(targets["their_feedback"]).read()),
    "read another student's copy of their submission": attempt(lambda: os.listdir(targets["their_cache"])),
    "list the course folder": attempt(lambda: os.listdir(targets["course"])),
    "read the source notebook (hidden tests)": attempt(lambda: open(targets["source"]).read()),
    "read the course's release folder": attempt(lambda: os.listdir(targets["release"])),
    "open the gradebook": attempt(lambda: open(targets["gradebook"], "rb").read(16)),
    "change the released assignment": attempt(lambda: open(targets["outbound"], "a").write(" ")),
    "remove the released assignment": attempt(lambda: shutil.rmtree(targets["outbound_folder"])),
}
print(json.dumps(results))
'''


# ----------------------------------------------------------------------------------- the machine


def _requirements():
    """Why this machine can't run the hub test, or None."""
    if os.geteuid() != 0:
        return "the hub test creates Unix users: run it as root (CI does)"
    for program in ("useradd", "userdel", "runuser", "configurable-http-proxy", "bwrap"):
        if not shutil.which(program):
            return f"{program} is missing (scripts/install-hub-deps.sh installs it)"
    try:
        import jupyterhub  # noqa: F401
        import pamela  # noqa: F401
    except ImportError as error:
        return f"{error.name} is missing: pip install -c constraints.txt -e '.[course,dev]'"
    return None


@pytest.fixture(scope="module")
def machine():
    reason = _requirements()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _open_path_for_everybody(path, changed):
    """Let other users reach ``path`` (search permission on the folders above it, where missing).

    The course environment must be readable by every user (INSTRUCTORS.md puts it in /opt); a CI checkout
    under /root is not. The modes changed are recorded in ``changed`` and restored afterwards."""
    for folder in [Path(path), *Path(path).parents]:
        mode = folder.stat().st_mode
        if not mode & stat.S_IXOTH:
            changed.append((folder, stat.S_IMODE(mode)))
            folder.chmod(stat.S_IMODE(mode) | stat.S_IXOTH)


def _environment_folders():
    """Folders every user's Python must reach: the environment, its base Python, the repository."""
    return {sys.prefix, os.path.realpath(sys.executable), sys.base_prefix, str(REPOSITORY),
            *[p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]}


def _as(user, command, cwd=None, extra_env=None, timeout=900, check=True):
    """Run ``command`` as ``user``, as from their own terminal (their home, the course environment)."""
    home = pwd.getpwnam(user).pw_dir
    env = {"HOME": home, "USER": user, "LOGNAME": user, "LANG": "C.UTF-8",
           "PATH": f"{BIN}:/usr/local/bin:/usr/bin:/bin"}
    if os.environ.get("PYTHONPATH"):
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    env.update(extra_env or {})
    result = subprocess.run(["runuser", "-u", user, "--", "env", "-i", *[f"{k}={v}" for k, v in env.items()],
                             *command], cwd=cwd or home, capture_output=True, text=True, timeout=timeout)
    if check:
        assert result.returncode == 0, f"{user}: {' '.join(command)} failed:\n{(result.stdout + result.stderr)[-4000:]}"
    return result


class Hub:
    """The running class: folders, accounts, the hub's address, and each user's API token."""

    def __init__(self, base, prefix):
        self.base, self.prefix = base, prefix
        self.exchange, self.course, self.state = base / "exchange", base / "course", base / "state"
        self.instructor = f"{prefix}-teacher"
        self.students = {kind: f"{prefix}-{kind}" for kind in KINDS}
        self.passwords = {name: secrets.token_urlsafe(12) for name in [self.instructor, *self.students.values()]}
        self.port, self.api_port, self.proxy_port = _free_port(), _free_port(), _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.tokens = {}
        self.env = {
            "GAN_HUB_URL": self.url, "GAN_HUB_API_PORT": str(self.api_port),
            "GAN_HUB_PROXY_PORT": str(self.proxy_port), "GAN_HUB_STATE": str(self.state),
            "GAN_HUB_EXCHANGE": str(self.exchange), "GAN_HUB_COURSE": str(self.course),
            "GAN_HUB_STUDENTS": f"{prefix}-students", "GAN_HUB_INSTRUCTORS": f"{prefix}-instructors",
        }

    @property
    def users(self):
        return [self.instructor, *self.students.values()]

    def nbgrader(self, *args, timeout=900):
        """An nbgrader command of the instructor's, in the course folder."""
        return _as(self.instructor, [f"{BIN}/python", "-m", "nbgrader", *args], cwd=self.course,
                   extra_env={"GAN_WORKSHOP_EXCHANGE": str(self.exchange), "GAN_WORKSHOP_CELL_TIMEOUT": CELL_TIMEOUT},
                   timeout=timeout)


def _kill_processes_of(uid):
    """End the processes a test user still has (started by this test through the hub)."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    os.kill(int(entry.name), signal.SIGKILL)
            except (OSError, ProcessLookupError):
                pass


def _remove_class(hub, changed_modes):
    for name in hub.users:
        try:
            uid = pwd.getpwnam(name).pw_uid
        except KeyError:
            continue
        _kill_processes_of(uid)
        subprocess.run(["userdel", "--remove", name], capture_output=True)
    for group in (hub.env["GAN_HUB_STUDENTS"], hub.env["GAN_HUB_INSTRUCTORS"]):
        subprocess.run(["groupdel", group], capture_output=True)
    for folder, mode in reversed(changed_modes):
        folder.chmod(mode)
    shutil.rmtree(hub.base, ignore_errors=True)


def _wait_for(url, seconds=120):
    import requests

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise TimeoutError(url)


@pytest.fixture(scope="module")
def hub(machine):
    base = Path(tempfile.mkdtemp(prefix="gan-hub-", dir="/tmp"))
    base.chmod(0o755)
    hub = Hub(base, "gw" + secrets.token_hex(3))
    changed_modes, process, log = [], None, base / "hub.log"
    try:
        for folder in _environment_folders():
            _open_path_for_everybody(folder, changed_modes)
        env = {**os.environ, **hub.env}
        subprocess.run([str(DEPLOY / "setup-class.sh"), hub.instructor, hub.passwords[hub.instructor]],
                       env=env, check=True, capture_output=True)
        for name in hub.students.values():
            subprocess.run([str(DEPLOY / "add-user.sh"), "student", name, hub.passwords[name]], env=env,
                           check=True, capture_output=True)
        with open(log, "w") as out:
            process = subprocess.Popen([f"{BIN}/jupyterhub", "-f", str(DEPLOY / "jupyterhub_config.py")],
                                       cwd=hub.state, env={**env, "PATH": f"{BIN}:{env['PATH']}"},
                                       stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        _wait_for(f"{hub.url}/hub/api")
        yield hub
    finally:
        if process is not None:
            process.send_signal(signal.SIGTERM)  # the hub stops every server (cleanup_servers)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        if log.exists():
            print(log.read_text()[-3000:])
        _remove_class(hub, changed_modes)


# -------------------------------------------------------------------------------- logging in


def _log_in(hub, user, password):
    """A session logged in through the hub's form (PAM); returns (session, the response's status)."""
    import requests

    session = requests.Session()
    session.get(f"{hub.url}/hub/login", timeout=30)
    response = session.post(f"{hub.url}/hub/login", data={"username": user, "password": password,
                                                          "_xsrf": session.cookies.get("_xsrf", "")},
                            allow_redirects=False, timeout=60)
    return session, response.status_code


def _token(hub, user):
    """Log ``user`` in with their password and make them an API token (as the hub's token page does)."""
    session, status = _log_in(hub, user, hub.passwords[user])
    assert status == 302, f"{user} could not log in (status {status})"
    response = session.post(f"{hub.url}/hub/api/users/{user}/tokens", json={"note": "hub test", "expires_in": 3600},
                            headers={"X-XSRFToken": session.cookies.get("_xsrf", "")}, timeout=30)
    assert response.status_code == 201, response.text
    return response.json()["token"]


def _api(hub, user, method, path, token_of=None, **kwargs):
    import requests

    headers = {"Authorization": f"token {hub.tokens[token_of or user]}"}
    return requests.request(method, f"{hub.url}{path}", headers=headers, timeout=kwargs.pop("timeout", 300), **kwargs)


def _start_servers(hub, users):
    """Ask the hub to start every user's server (it spawns them side by side); wait until all are ready."""
    for user in users:
        response = _api(hub, user, "POST", f"/hub/api/users/{user}/server")
        assert response.status_code in (201, 202), response.text
    waiting, deadline = set(users), time.monotonic() + 240
    while waiting and time.monotonic() < deadline:
        for user in sorted(waiting):
            server = _api(hub, user, "GET", f"/hub/api/users/{user}").json().get("servers", {}).get("")
            if server and server.get("ready"):
                waiting.discard(user)
        time.sleep(1)
    assert not waiting, f"servers that did not start: {waiting}"


@pytest.fixture(scope="module")
def logged_in(hub):
    for user in hub.users:
        hub.tokens[user] = _token(hub, user)
    _start_servers(hub, hub.users)
    return hub


# ----------------------------------------------------------------------------------- the class


def _student_action(hub, student, action, lesson):
    response = _api(hub, student, "POST", f"/user/{student}/assignments/{action}",
                    json={"course_id": COURSE_ID, "assignment_id": lesson}, timeout=600)
    assert response.status_code == 200, f"{student} {action} {lesson}: {response.status_code} {response.text[:2000]}"
    return response.json()


def _contents(hub, student, path, **params):
    response = _api(hub, student, "GET", f"/user/{student}/api/contents/{path}", params=params)
    assert response.status_code == 200, f"{student}: {path}: {response.status_code}"
    return response.json()


def _formgrader(hub, action, lesson):
    """One of the instructor's Formgrader buttons, through the formgrader's API on their own server."""
    response = _api(hub, hub.instructor, "POST", f"/user/{hub.instructor}/formgrader/api/assignment/{lesson}/{action}",
                    timeout=600)
    assert response.status_code == 200, f"{action} {lesson}: {response.status_code} {response.text[:2000]}"
    result = response.json()
    assert result.get("success"), f"{action} {lesson}: {result.get('error') or result}"[:4000]
    return result


@pytest.fixture(scope="module")
def cycle(logged_in):
    """The whole class cycle; returns what the assertions need."""
    hub = logged_in
    started = time.monotonic()
    convolution, training = lessons()
    for lesson in (convolution, training):
        _formgrader(hub, "assign", lesson)   # generate_assignment
        _formgrader(hub, "release", lesson)  # release_assignment

    made = {}
    for lesson in (convolution, training):
        source = nbformat.read(hub.course / "source" / lesson / f"{lesson}.ipynb", as_version=4)
        release = nbformat.read(hub.course / "release" / lesson / f"{lesson}.ipynb", as_version=4)
        hostile = HOSTILE.format(gradebook=str(hub.course / "gradebook.db"), course=str(hub.course), port=hub.port)
        made[lesson] = submissions(source, release, hostile_code=hostile)
        if lesson == training:  # there the hostile student answers nothing: one full training run, not two
            made[lesson]["hostile"] = submissions(source, release, hostile_code=hostile, answers={})["hostile"]
    for kind, student in hub.students.items():
        for lesson in SUBMITTED[kind]:
            _student_action(hub, student, "fetch", lesson)
            path = f"{lesson}/{lesson}.ipynb"
            assert _contents(hub, student, path)["type"] == "notebook"
            response = _api(hub, student, "PUT", f"/user/{student}/api/contents/{path}",
                            json={"type": "notebook", "format": "json", "content": made[lesson][kind]})
            assert response.status_code in (200, 201), response.text
            listing = _student_action(hub, student, "submit", lesson)
            assert listing.get("success") is not False, listing

    for lesson in (convolution, training):
        _formgrader(hub, "collect", lesson)
    # Grading in the instructor's terminal: both lessons, 2 sandboxed workers.
    grading = _as(hub.instructor, [f"{BIN}/python", str(hub.course / "autograde_parallel.py"), convolution, training,
                                   "--workers", "2", "--threads", "1", "--sandbox", "bwrap"],
                  cwd=hub.course, extra_env={"GAN_WORKSHOP_EXCHANGE": str(hub.exchange),
                                             "GAN_WORKSHOP_CELL_TIMEOUT": CELL_TIMEOUT}).stdout
    for lesson in (convolution, training):
        _formgrader(hub, "generate_feedback", lesson)
        _formgrader(hub, "release_feedback", lesson)

    feedback = {}
    for kind, student in hub.students.items():
        for lesson in SUBMITTED[kind]:
            _student_action(hub, student, "fetch_feedback", lesson)
            folders = _contents(hub, student, f"{lesson}/feedback")["content"]
            assert len(folders) == 1, f"{student}: {lesson}: {folders}"
            page = _contents(hub, student, f"{folders[0]['path']}/{lesson}.html", type="file", format="text")
            feedback[(kind, lesson)] = page["content"]
    print(f"class cycle: {time.monotonic() - started:.0f} s\n{grading}")
    return {"lessons": (convolution, training), "feedback": feedback, "grading": grading}


def _scores(hub, lesson):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{hub.course / 'gradebook.db'}") as gradebook:
        found = {}
        for submission in gradebook.assignment_submissions(lesson):
            autograded = sum(g.max_score for nb in submission.notebooks for g in nb.grades if g.cell_type == "code")
            found[submission.student_id] = (submission.score, autograded)
        return found


# -------------------------------------------------------------------------------------- tests


def test_wrong_passwords_and_strangers_are_refused(hub):
    assert _log_in(hub, hub.students["correct"], "not-the-password")[1] != 302
    assert _log_in(hub, "root", "anything")[1] != 302


def test_every_student_is_graded_as_their_answers_deserve(hub, cycle):
    for lesson in cycle["lessons"]:
        found = _scores(hub, lesson)
        kinds = [kind for kind in KINDS if lesson in SUBMITTED[kind]]
        assert set(found) == {hub.students[kind] for kind in kinds}, found
        score = {kind: found[hub.students[kind]][0] for kind in kinds}
        full = found[hub.students["correct"]][1]
        assert score["correct"] == full > 0, (lesson, score, cycle["grading"])
        if "blank" in score:
            assert score["blank"] == 0, (lesson, score)
            assert 0 < score["partly"] < full, (lesson, score)
        hostile_answers = full if lesson == cycle["lessons"][0] else 0  # all right in lesson 02, none in training
        assert score["hostile"] == hostile_answers, (lesson, score, cycle["grading"])


def _hidden_lines(hub, lesson):
    from gan_workshop_nbgrader import hidden_line_ranges

    source = nbformat.read(hub.course / "source" / lesson / f"{lesson}.ipynb", as_version=4)
    lines = set()
    for cell in source.cells:
        text = cell.source.split("\n")
        for first, last in hidden_line_ranges(cell.source):
            lines.update(line.strip() for line in text[first:last - 1] if len(line.strip()) > 25)
    return lines


def test_every_student_gets_their_own_feedback_without_hidden_tests(hub, cycle):
    for lesson in cycle["lessons"]:
        hidden = _hidden_lines(hub, lesson)
        assert hidden, f"{lesson} has no hidden tests to look for"
        for kind in (kind for kind in KINDS if lesson in SUBMITTED[kind]):
            page = html.unescape(cycle["feedback"][(kind, lesson)])
            assert hub.students[kind] in page or lesson in page
            assert "BEGIN HIDDEN TESTS" not in page
            leaked = [line for line in hidden if line in page]
            assert not leaked, f"{kind}'s feedback on {lesson} shows hidden tests: {leaked[:3]}"


def test_a_hostile_submission_reaches_nothing_while_graded(hub, cycle):
    for lesson in cycle["lessons"]:
        graded = nbformat.read(hub.course / "autograded" / hub.students["hostile"] / lesson / f"{lesson}.ipynb",
                               as_version=4)
        printed = "".join(output.get("text", "") for cell in graded.cells for output in cell.get("outputs", []))
        attempts = [line for line in printed.splitlines() if line.startswith("HOSTILE")]
        assert len(attempts) == 4, printed[-2000:]
        assert all("refused" in line for line in attempts), attempts


def _probe_targets(hub, lesson):
    victim = hub.students["correct"]
    inbound = hub.exchange / COURSE_ID / "inbound"
    submission_folder = next(p for p in inbound.iterdir() if p.name.startswith(f"{victim}+{lesson}+"))
    feedback = next((Path(pwd.getpwnam(victim).pw_dir) / lesson / "feedback").iterdir())
    cache = Path(pwd.getpwnam(victim).pw_dir) / ".local/share/jupyter/nbgrader_cache"
    outbound = hub.exchange / COURSE_ID / "outbound" / lesson
    return {
        "inbound": str(inbound), "submission_folder": str(submission_folder),
        "submission": str(submission_folder / f"{lesson}.ipynb"),
        "feedback": str(hub.exchange / COURSE_ID / "feedback"),
        "home": pwd.getpwnam(victim).pw_dir, "their_feedback": str(feedback / f"{lesson}.html"),
        "their_cache": str(cache), "course": str(hub.course),
        "source": str(hub.course / "source" / lesson / f"{lesson}.ipynb"),
        "release": str(hub.course / "release" / lesson), "gradebook": str(hub.course / "gradebook.db"),
        "outbound": str(outbound / f"{lesson}.ipynb"), "outbound_folder": str(outbound),
    }


def test_a_student_cannot_touch_other_students_work_or_the_course(hub, cycle):
    lesson = cycle["lessons"][0]
    targets = _probe_targets(hub, lesson)
    for path in (targets["submission"], targets["their_feedback"], targets["source"], targets["gradebook"]):
        assert os.path.exists(path), path  # the targets exist: a refusal is a refusal, not a typo
    result = _as(hub.students["hostile"], [f"{BIN}/python", "-c", PROBE, json.dumps(targets)])
    outcomes = json.loads(result.stdout)
    allowed = {attempt: how for attempt, how in outcomes.items() if how == "ALLOWED"}
    assert not allowed, allowed
    assert nbformat.read(targets["submission"], as_version=4).cells  # the victim's submission is intact


def test_a_student_cannot_run_the_formgrader(logged_in):
    hub = logged_in
    student, instructor = hub.students["partly"], hub.instructor
    assert _api(hub, instructor, "GET", f"/user/{instructor}/formgrader/api/assignments").status_code == 200
    # not on their own server (the extension is off for students) ...
    assert _api(hub, student, "GET", f"/user/{student}/formgrader/api/assignments").status_code == 404
    # ... nor on the instructor's (the hub refuses another user's token) ...
    refused = _api(hub, student, "GET", f"/user/{instructor}/formgrader/api/assignments", token_of=student,
                   allow_redirects=False)
    assert refused.status_code in (403, 404), refused.status_code
    # ... nor on another student's, nor the gradebook from a terminal of theirs
    other = hub.students["correct"]
    assert _api(hub, student, "GET", f"/user/{other}/api/contents", token_of=student,
                allow_redirects=False).status_code in (403, 404)
    result = _as(student, [f"{BIN}/python", "-m", "nbgrader", "db", "student", "list",
                           f"--CourseDirectory.root={hub.course}", f"--CourseDirectory.db_url=sqlite:///{hub.course}/gradebook.db"],
                 check=False)
    assert result.returncode != 0 and hub.students["correct"] not in result.stdout
