"""Autograde a class in parallel: one submission per worker, each in its own sandbox and gradebook shard.

`nbgrader autograde` grades one submission after another in one process, and several `nbgrader
autograde` processes writing one SQLite gradebook at once corrupt or lock it. This script runs every
submission in its own scratch copy of the course (the assignment's source, that one submission and a
*shard*: a copy of the gradebook that holds the assignment but no student), `--workers` at a time, and
then merges each shard's grades into the real gradebook, one after another, from this process only.

Run it where you would run `nbgrader autograde`, with the same course folder:

    cd nbgrader
    ../.venv/bin/python autograde_parallel.py 05_training --workers 8            # every submission
    ../.venv/bin/python autograde_parallel.py 02_convolution --student alice,bob  # some students
    ../.venv/bin/python autograde_parallel.py 02_convolution --force              # grade again
    ../.venv/bin/python autograde_parallel.py 02_convolution 05_training          # one lesson, then the other

What a worker may touch. Under nbgrader a submission's code runs as the grader, with the grader's
rights: plain `nbgrader autograde` lets a hostile notebook rewrite the gradebook (everybody's grades),
other students' graded notebooks, or use the grader's JupyterHub token. With `--sandbox bwrap` (the
default where bubblewrap works) each worker runs inside bubblewrap: the whole file system read-only,
the course folder, the exchange and the grader's home hidden, no network (its own loopback only), an
empty environment; only its scratch folder is writable. A hostile submission can then spoil only its
own shard, and the merge reads nothing from a shard but the grades of the student it was made for.
`--sandbox none` runs workers without it (same results, none of that protection).

Merging follows nbgrader's own rules: auto scores and auto comments are replaced, manual scores and
comments kept, and a grade with a manual score is flagged for review again. Graded notebooks are copied
back into `autograded/<student>/<assignment>/` (regular files only).

Threads: each worker gets `--threads` PyTorch/OpenMP threads (default: cores // workers, at least 1).
"""

import argparse
import concurrent.futures
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
# Files of the course folder a worker needs besides the assignment: its configuration and plugins.
COURSE_FILES = ("nbgrader_config.py", "gan_workshop_nbgrader.py")
# Environment variables a worker inherits (everything else is left behind, tokens included).
PASSED_ENV = ("LANG", "LC_ALL", "TZ", "PYTHONPATH", "GAN_WORKSHOP_CELL_TIMEOUT", "WORKSHOP_TEST_MODE")


@dataclass
class Outcome:
    """What happened to one submission."""

    student: str
    ok: bool
    seconds: float
    score: float = None
    max_score: float = None
    merge_seconds: float = 0.0
    log: str = field(default="", repr=False)


# ------------------------------------------------------------------------------- the gradebook


def gradebook_url(path):
    return f"sqlite:///{os.path.abspath(path)}"


def make_template_shard(course, assignment, path):
    """A copy of the course gradebook with the assignment and no students (nor their grades)."""
    from nbgrader.api import Gradebook, MissingEntry

    shutil.copyfile(os.path.join(course, "gradebook.db"), path)
    with Gradebook(gradebook_url(path)) as gradebook:
        try:
            gradebook.find_assignment(assignment)
        except MissingEntry:
            raise SystemExit(f"{assignment} is not in the gradebook: run `nbgrader generate_assignment {assignment}` first")
        for student in list(gradebook.students):
            gradebook.remove_student(student.id)
    import sqlite3

    with sqlite3.connect(path) as connection:  # the removed students' pages, gone for good
        connection.execute("VACUUM")


def merge_shard(course, shard, assignment, student):
    """Copy one student's auto grades and comments from a shard into the course gradebook.

    Reads only that student's submission of that assignment from the shard; returns (score, max score).
    """
    from nbgrader.api import Gradebook

    with Gradebook(gradebook_url(shard)) as source:
        graded = source.find_submission(assignment, student)
        timestamp = graded.timestamp
        notebooks = {
            notebook.name: {
                "penalty": notebook.late_submission_penalty,
                "grades": {grade.name: grade.auto_score for grade in notebook.grades},
                "comments": {comment.name: comment.auto_comment for comment in notebook.comments},
            }
            for notebook in graded.notebooks
        }
    with Gradebook(gradebook_url(os.path.join(course, "gradebook.db"))) as target, warnings.catch_warnings():
        # nbgrader's own update_or_create_submission makes SQLAlchemy warn about autoflush: harmless
        warnings.filterwarnings("ignore", message=".*not in session.*")
        target.update_or_create_student(student)
        submission = target.update_or_create_submission(assignment, student, timestamp=timestamp)
        for notebook in submission.notebooks:
            if notebook.name not in notebooks:
                continue
            found = notebooks[notebook.name]
            notebook.late_submission_penalty = found["penalty"]
            for grade in notebook.grades:
                if grade.name in found["grades"]:
                    grade.auto_score = found["grades"][grade.name]
                    grade.needs_manual_grade = grade.manual_score is not None or grade.auto_score is None
            for comment in notebook.comments:
                if comment.name in found["comments"]:
                    comment.auto_comment = found["comments"][comment.name]
        target.db.commit()
        return submission.score, submission.max_score


# ----------------------------------------------------------------------------------- sandboxes


def bwrap_works():
    """Whether bubblewrap is installed and may create its namespaces here."""
    if not shutil.which("bwrap"):
        return False
    probe = subprocess.run(["bwrap", "--ro-bind", "/", "/", "--unshare-all", "--die-with-parent", "true"],
                           capture_output=True)
    return probe.returncode == 0


def _inside(path, folder):
    path, folder = os.path.realpath(path), os.path.realpath(folder)
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def bwrap_command(command, scratch, workdir, env, hidden, needed):
    """`command` inside bubblewrap: everything read-only, `hidden` folders empty, `scratch` writable.

    `needed` are folders the worker must read (the Python environment, the course package); one that
    lies inside a hidden folder is mounted back, read-only (and hidden folders inside it hidden again).
    """
    # /tmp is always emptied; a course environment cloned under /tmp (as CI does) is mounted back.
    hidden = sorted({os.path.realpath(h) for h in (tempfile.gettempdir(), *hidden) if os.path.isdir(h)}, key=len)
    needed = sorted({os.path.realpath(n) for n in needed if os.path.isdir(n)}, key=len)
    brought_back = [n for n in needed if any(_inside(n, h) for h in hidden)]
    wrapped = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/dev/shm"]
    for folder in hidden:
        wrapped += ["--tmpfs", folder]
    for folder in brought_back:
        wrapped += ["--ro-bind", folder, folder]
    for folder in hidden:
        if any(_inside(folder, n) for n in brought_back):
            wrapped += ["--tmpfs", folder]
    scratch = os.path.realpath(scratch)
    wrapped += ["--bind", scratch, scratch, "--unshare-all", "--die-with-parent", "--new-session", "--clearenv"]
    for name, value in env.items():
        wrapped += ["--setenv", name, value]
    return wrapped + ["--chdir", workdir] + list(command)


# ------------------------------------------------------------------------------------- workers


@dataclass
class Plan:
    """Everything every worker shares."""

    course: str
    assignment: str
    template: str
    scratch_root: str
    sandbox: str
    threads: int
    timeout: float
    hidden: tuple
    needed: tuple


def _copy_regular_files(source, target):
    """Copy a folder's regular files and subfolders; links and special files stay behind."""
    os.makedirs(target, exist_ok=True)
    for entry in os.scandir(source):
        destination = os.path.join(target, entry.name)
        if entry.is_symlink():
            continue
        if entry.is_dir():
            _copy_regular_files(entry.path, destination)
        elif entry.is_file():
            shutil.copyfile(entry.path, destination)


def _prepare_scratch(plan, student):
    """A course folder holding only what grading this student needs."""
    scratch = tempfile.mkdtemp(prefix="worker-", dir=plan.scratch_root)
    course = os.path.join(scratch, "course")
    os.makedirs(course)
    for name in COURSE_FILES:
        if os.path.exists(os.path.join(plan.course, name)):
            shutil.copyfile(os.path.join(plan.course, name), os.path.join(course, name))
    shutil.copytree(os.path.join(plan.course, "source", plan.assignment),
                    os.path.join(course, "source", plan.assignment))
    _copy_regular_files(os.path.join(plan.course, "submitted", student, plan.assignment),
                        os.path.join(course, "submitted", student, plan.assignment))
    shutil.copyfile(plan.template, os.path.join(course, "gradebook.db"))
    for folder in ("home", "runtime", "data", "config", "tmp"):
        os.makedirs(os.path.join(scratch, folder))
    return scratch, course


def _worker_environment(plan, scratch):
    bin_folder = os.path.dirname(sys.executable)
    env = {name: os.environ[name] for name in PASSED_ENV if name in os.environ}
    threads = str(plan.threads)
    env.update({
        "PATH": bin_folder + os.pathsep + "/usr/local/bin:/usr/bin:/bin",
        "HOME": os.path.join(scratch, "home"),
        "TMPDIR": os.path.join(scratch, "tmp"),
        "JUPYTER_RUNTIME_DIR": os.path.join(scratch, "runtime"),
        "JUPYTER_DATA_DIR": os.path.join(scratch, "data"),
        "JUPYTER_CONFIG_DIR": os.path.join(scratch, "config"),
        "MPLCONFIGDIR": os.path.join(scratch, "config"),
        "GAN_WORKSHOP_EXCHANGE": os.path.join(scratch, "exchange"),
        "OMP_NUM_THREADS": threads, "MKL_NUM_THREADS": threads,
        "PYTHONNOUSERSITE": "1",
    })
    return env


def grade_one(plan, student):
    """Autograde one submission in its scratch folder; returns an Outcome (the shard is left for merging)."""
    started = time.monotonic()
    scratch, course = _prepare_scratch(plan, student)
    command = [sys.executable, "-m", "nbgrader", "autograde", plan.assignment, "--student", student]
    env = _worker_environment(plan, scratch)
    if plan.sandbox == "bwrap":
        command = bwrap_command(command, scratch, course, env, plan.hidden, plan.needed)
        env = None
    try:
        result = subprocess.run(command, cwd=course, env=env, capture_output=True, text=True,
                                timeout=plan.timeout)
        log, code = result.stdout + result.stderr, result.returncode
    except subprocess.TimeoutExpired as error:
        log, code = f"worker stopped after {plan.timeout:.0f} s\n{error.stdout or ''}{error.stderr or ''}", -1
    outcome = Outcome(student, code == 0, time.monotonic() - started, log=log)
    outcome.scratch, outcome.course = scratch, course
    return outcome


def finish_one(plan, outcome):
    """Merge a finished worker's shard and graded notebooks into the course; remove its scratch folder."""
    started = time.monotonic()
    try:
        graded = os.path.join(outcome.course, "autograded", outcome.student, plan.assignment)
        if outcome.ok and os.path.isdir(graded):
            outcome.score, outcome.max_score = merge_shard(
                plan.course, os.path.join(outcome.course, "gradebook.db"), plan.assignment, outcome.student)
            target = os.path.join(plan.course, "autograded", outcome.student, plan.assignment)
            shutil.rmtree(target, ignore_errors=True)
            _copy_regular_files(graded, target)
        else:
            outcome.ok = False
    except Exception as error:  # a spoilt shard fails its own student only
        outcome.ok, outcome.log = False, outcome.log + f"\nmerge failed: {error!r}"
    finally:
        shutil.rmtree(outcome.scratch, ignore_errors=True)
        outcome.merge_seconds = time.monotonic() - started
    return outcome


# --------------------------------------------------------------------------------------- a run


def submitted_students(course, assignment):
    folder = os.path.join(course, "submitted")
    if not os.path.isdir(folder):
        return []
    return sorted(name for name in os.listdir(folder) if os.path.isdir(os.path.join(folder, name, assignment)))


def choose_sandbox(requested):
    if requested == "auto":
        return "bwrap" if bwrap_works() else "none"
    if requested == "bwrap" and not bwrap_works():
        raise SystemExit("bubblewrap (bwrap) is missing or may not create namespaces here; "
                         "install it (apt-get install bubblewrap) or pass --sandbox none")
    return requested


def _exchange_root(course):
    """The exchange folder the course's configuration names (hidden from workers)."""
    try:
        from traitlets.config.loader import PyFileConfigLoader

        config = PyFileConfigLoader("nbgrader_config.py", path=course).load_config()
        return str(config.Exchange.root) if "root" in config.Exchange else None
    except Exception:
        return os.environ.get("GAN_WORKSHOP_EXCHANGE")


def autograde(course, assignment, students=None, workers=2, sandbox="auto", threads=None, force=False,
              timeout=3600, report=print):
    """Grade ``students`` (default: every submission) of ``assignment``; returns a list of Outcomes."""
    course = os.path.abspath(course)
    students = students or submitted_students(course, assignment)
    if not force:
        skipped = [s for s in students if os.path.isdir(os.path.join(course, "autograded", s, assignment))]
        for student in skipped:
            report(f"skipping {student}: already autograded (use --force to grade again)")
        students = [s for s in students if s not in skipped]
    if not students:
        return []
    sandbox = choose_sandbox(sandbox)
    workers = max(1, min(workers, len(students)))
    threads = threads or max(1, (os.cpu_count() or 1) // workers)
    scratch_root = tempfile.mkdtemp(prefix=".autograde-parallel-", dir=course)
    os.chmod(scratch_root, 0o700)
    try:
        template = os.path.join(scratch_root, "template.db")
        make_template_shard(course, assignment, template)
        import learntools

        package_root = os.path.dirname(os.path.dirname(os.path.abspath(learntools.__file__)))
        plan = Plan(course, assignment, template, scratch_root, sandbox, threads, timeout,
                    hidden=tuple(h for h in (course, _exchange_root(course), os.path.expanduser("~")) if h),
                    needed=(sys.prefix, sys.base_prefix, package_root,
                            *os.environ.get("PYTHONPATH", "").split(os.pathsep)))
        report(f"grading {len(students)} submissions of {assignment}: {workers} workers, {threads} "
               f"thread(s) each, sandbox: {sandbox}")
        outcomes = []
        with concurrent.futures.ThreadPoolExecutor(workers) as pool:
            running = [pool.submit(grade_one, plan, student) for student in students]
            for future in concurrent.futures.as_completed(running):
                outcome = finish_one(plan, future.result())  # merges run here, one at a time
                outcomes.append(outcome)
                if outcome.ok:
                    report(f"{outcome.student}: {outcome.score:g} / {outcome.max_score:g} ({outcome.seconds:.0f} s)")
                else:
                    report(f"{outcome.student}: FAILED ({outcome.seconds:.0f} s)\n{outcome.log[-3000:]}")
        return sorted(outcomes, key=lambda o: o.student)
    finally:
        shutil.rmtree(scratch_root, ignore_errors=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("assignments", nargs="+", metavar="assignment")
    parser.add_argument("--course", default=os.getcwd() if os.path.exists("nbgrader_config.py") else HERE,
                        help="the nbgrader course folder (default: this folder, or this script's)")
    parser.add_argument("--student", default="", help="comma-separated student ids (default: every submission)")
    parser.add_argument("--workers", type=int, default=max(1, os.cpu_count() or 1))
    parser.add_argument("--threads", type=int, default=None, help="threads per worker (default: cores // workers)")
    parser.add_argument("--sandbox", choices=("auto", "bwrap", "none"), default="auto")
    parser.add_argument("--force", action="store_true", help="grade again submissions already autograded")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds one submission may take in all")
    args = parser.parse_args(argv)
    started, outcomes = time.monotonic(), []
    for assignment in args.assignments:
        outcomes += autograde(args.course, assignment, [s for s in args.student.split(",") if s],
                              args.workers, args.sandbox, args.threads, args.force, args.timeout)
    failed = [o.student for o in outcomes if not o.ok]
    print(f"{len(outcomes) - len(failed)} of {len(outcomes)} submissions graded in "
          f"{time.monotonic() - started:.0f} s" + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
