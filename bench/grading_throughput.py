"""Autograde throughput: submissions graded per minute, for lesson 02 and the training lesson.

    .venv/bin/python bench/grading_throughput.py                        # 4 submissions per lesson, 2 workers
    .venv/bin/python bench/grading_throughput.py --submissions 8 --name run2

Grades ``--submissions`` correct submissions of each lesson (a correct notebook runs every cell to the end:
the slowest case) with nbgrader/autograde_parallel.py, ``--workers`` workers of one thread each, in a private
copy of the course folder, and writes bench/results/grading_throughput[_NAME].json: wall time, submissions
per minute, seconds per submission in a worker, merge time, and the machine's load while it ran.

The estimate for a class (``--class-size`` submissions on ``--cores`` cores, one worker per core):
    waves = ceil(class size / cores)                   workers run side by side, independent
    time  = waves x (median seconds per submission) + class size x (median merge seconds)
(merges run one after another in the grading process). It assumes the bigger machine's cores are as
fast as these, memory for one worker per core (about 1 GB each for the training lesson), and a quiet
machine: the measured seconds per submission include any slow-down from other load here.
"""

import argparse
import json
import math
import os
import pathlib
import platform
import statistics
import sys
import tempfile
import time

REPOSITORY = pathlib.Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPOSITORY), str(REPOSITORY / "tests"), str(REPOSITORY / "nbgrader")]

import nbformat  # noqa: E402

import autograde_parallel  # noqa: E402
from hub_support import NBGRADER, copy_course, course_environment, lessons, run_ok, submissions, write_notebook  # noqa: E402


def measure(course, lesson, count, workers):
    """Grade ``count`` correct submissions of ``lesson``; returns the measurements."""
    run_ok(NBGRADER + ["generate_assignment", lesson, "--force"], cwd=course, env=os.environ)
    source = nbformat.read(course / "source" / lesson / f"{lesson}.ipynb", as_version=4)
    release = nbformat.read(course / "release" / lesson / f"{lesson}.ipynb", as_version=4)
    correct = submissions(source, release)["correct"]
    for number in range(count):
        write_notebook(correct, course / "submitted" / f"student{number:03d}" / lesson / f"{lesson}.ipynb")
    load_before = os.getloadavg()[0]
    started = time.monotonic()
    outcomes = autograde_parallel.autograde(course, lesson, workers=workers, threads=1, report=lambda line: None)
    wall = time.monotonic() - started
    failed = [o.student for o in outcomes if not o.ok]
    if failed:
        raise SystemExit(f"{lesson}: grading failed for {failed}:\n{outcomes[0].log[-3000:]}")
    per_submission = [o.seconds for o in outcomes]
    return {
        "lesson": lesson, "submissions": count, "workers": workers, "threads_per_worker": 1,
        "sandbox": autograde_parallel.choose_sandbox("auto"),
        "wall_seconds": round(wall, 1), "submissions_per_minute": round(60 * count / wall, 2),
        "seconds_per_submission_median": round(statistics.median(per_submission), 1),
        "seconds_per_submission": [round(s, 1) for s in per_submission],
        "merge_seconds_median": round(statistics.median(o.merge_seconds for o in outcomes), 2),
        "score": outcomes[0].score, "max_score": outcomes[0].max_score,
        "load_average_before": round(load_before, 2), "load_average_after": round(os.getloadavg()[0], 2),
    }


def estimate(result, class_size, cores):
    waves = math.ceil(class_size / cores)
    seconds = waves * result["seconds_per_submission_median"] + class_size * result["merge_seconds_median"]
    return {"class_size": class_size, "cores": cores, "waves": waves, "minutes": round(seconds / 60, 1)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--class-size", type=int, default=100)
    parser.add_argument("--cores", type=int, default=16)
    parser.add_argument("--name", default="")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="grading-bench-") as folder:
        course = copy_course(pathlib.Path(folder) / "course")
        env = course_environment(course)
        os.environ.update({k: v for k, v in env.items() if k in ("PATH", "GAN_WORKSHOP_EXCHANGE",
                                                                 "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR")})
        os.chdir(course)
        results = []
        for lesson in lessons():
            result = measure(course, lesson, args.submissions, args.workers)
            result["estimate"] = estimate(result, args.class_size, args.cores)
            results.append(result)
            print(json.dumps(result))
    report = {
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "estimate_method": "waves = ceil(class size / cores); minutes = (waves x median seconds per submission "
                           "+ class size x median merge seconds) / 60",
        "results": results,
    }
    out = REPOSITORY / "bench" / "results" / f"grading_throughput{'_' + args.name if args.name else ''}.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
