"""Build every notebook from its single source in lessons/NN_name.py (jupytext percent format).

    python -m lessons.build              # learner + nbgrader notebooks, and executed solutions
    python -m lessons.build --no-execute # skip executing the solution notebooks (fast)
    python -m lessons.build 02           # only lessons whose file name starts with 02

One source gives three notebooks:

    notebooks/NN_name.ipynb                    learner version: starter code with ____, check cells,
                                               commented hint/solution lines
    solutions/NN_name.ipynb                    filled in, executed, with outputs
    nbgrader/source/NN_name/NN_name.ipynb      nbgrader source: solution regions with nbgrader's
                                               markers, autograded test cells with points

Source conventions (inside code cells):

    ### BEGIN STARTER / ### END STARTER     learner-only lines (e.g. `top_left = ____`)
    ### BEGIN SOLUTION / ### END SOLUTION   the answer; nbgrader's own markers
    ### BEGIN HIDDEN TESTS / ### END HIDDEN TESTS   (in check cells) nbgrader-only extra tests
    a cell holding only `qN.check()` (or `qN.a.check()`) becomes a check cell / autograded test
    a markdown cell tagged `answer:qN` holds a model answer to a thought question (manually graded)
    a cell tagged `solution-only` appears in the solution notebook alone
"""

import argparse
import copy
import importlib
import pathlib
import re
import sys

import jupytext
import nbformat

import learntools
from lessons.setup_cell import setup_source

ROOT = pathlib.Path(__file__).resolve().parent.parent
LESSONS = ROOT / "lessons"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
LANGUAGE_INFO = {"name": "python"}

CHECK_CELL = re.compile(r"^(q\d+)((?:\.[a-z])?)\.check\(\)\s*$")
MARKER = re.compile(r"^\s*### (BEGIN|END) (STARTER|SOLUTION|HIDDEN TESTS)\s*$")
LEARNER_ANSWER_TEXT = "_Write your answer here, then compare with the discussion below._"


class SourceError(ValueError):
    """A lesson source breaks the conventions above."""


# --------------------------------------------------------------------------- regions


def split_regions(code, where):
    """[(kind, lines)] for a code cell: kind is 'plain', 'STARTER', 'SOLUTION' or 'HIDDEN TESTS'."""
    regions, current_kind, current = [], "plain", []
    for line in code.split("\n"):
        match = MARKER.match(line)
        if not match:
            current.append(line)
            continue
        edge, kind = match.groups()
        if edge == "BEGIN":
            if current_kind != "plain":
                raise SourceError(f"{where}: BEGIN {kind} inside a {current_kind} region")
            regions.append(("plain", current))
            current_kind, current = kind, [line]
        else:
            if current_kind != kind:
                raise SourceError(f"{where}: END {kind} without a matching BEGIN")
            current.append(line)
            regions.append((kind, current))
            current_kind, current = "plain", []
    if current_kind != "plain":
        raise SourceError(f"{where}: {current_kind} region is never closed")
    regions.append(("plain", current))
    return [(kind, lines) for kind, lines in regions if lines]


def render(regions, keep, keep_markers=()):
    """Join the plain regions and the regions whose kind is in ``keep``; drop markers unless asked."""
    lines = []
    for kind, region_lines in regions:
        if kind == "plain":
            lines.extend(region_lines)
        elif kind in keep:
            lines.extend(region_lines if kind in keep_markers else region_lines[1:-1])
    return "\n".join(lines).strip("\n")


# --------------------------------------------------------------------------- the three versions


def _cell(cell_type, source, cell_id, metadata=None):
    maker = nbformat.v4.new_code_cell if cell_type == "code" else nbformat.v4.new_markdown_cell
    cell = maker(source=source, metadata=metadata or {})
    cell["id"] = cell_id
    return cell


def _nbgrader_meta(grade_id, solution=False, grade=False, points=0, locked=False):
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": 3,
        "solution": solution,
        "task": False,
    }
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def _problem(exercises, name):
    """q3 or q3.a from the lesson's exercise module."""
    top, _, part = name.partition(".")
    problem = getattr(exercises, top, None)
    if problem is None:
        raise SourceError(f"{exercises.__name__} has no {top}")
    return getattr(problem, part) if part else problem


def _hint_lines(name, problem):
    levels = max(len(getattr(problem, "hints", [])), 1)
    lines = ["# Stuck? Uncomment a line for a hint, a second hint or the solution:"]
    lines += [f"#{name}.hint()"] + [f"#{name}.hint({n})" for n in range(2, levels + 1)]
    lines.append(f"#{name}.solution()")
    return "\n".join(lines)


def build_versions(source_path):
    """Read one lesson source and return (learner, solution, nbgrader) notebooks."""
    source_path = pathlib.Path(source_path)
    stem = source_path.stem
    text = source_path.read_text(encoding="utf-8")
    parsed = jupytext.reads(text, fmt="py:percent")
    exercises = importlib.import_module(_exercise_module(text, source_path))

    learner, solution, grader = [], [], []
    for index, cell in enumerate(parsed.cells):
        where = f"{source_path.name} cell {index + 1}"
        cell_id = f"c{index:03d}"
        tags = list(cell.metadata.get("tags", []))
        body = cell.source

        if cell.cell_type == "markdown":
            answer_tags = [t for t in tags if t.startswith("answer:")]
            if answer_tags:
                name = answer_tags[0].split(":", 1)[1]
                problem = _problem(exercises, name)
                learner.append(_cell("markdown", LEARNER_ANSWER_TEXT, cell_id))
                solution.append(_cell("markdown", body, cell_id))
                grader.append(
                    _cell("markdown", body, cell_id, _nbgrader_meta(f"{name}-answer", solution=True, grade=True, points=problem.points))
                )
                learner.append(_cell("code", f"#{name}.solution()", cell_id + "h"))
                grader.append(_cell("code", f"#{name}.solution()", cell_id + "h"))
            else:
                for version in (learner, solution, grader):
                    version.append(_cell("markdown", body, cell_id))
            continue

        if "solution-only" in tags:
            solution.append(_cell("code", body, cell_id))
            continue

        body = _expand_setup(body)
        regions = split_regions(body, where)
        plain_only = render(regions, keep=())
        check = CHECK_CELL.match(plain_only.strip()) if len(plain_only.strip().splitlines()) == 1 else None
        if check:
            name = check.group(1) + check.group(2)
            problem = _problem(exercises, name)
            learner.append(_cell("code", f"{name}.check()", cell_id))
            learner.append(_cell("code", _hint_lines(name, problem), cell_id + "h"))
            solution.append(_cell("code", f"{name}.check()", cell_id))
            test_source = render(regions, keep=("HIDDEN TESTS",), keep_markers=("HIDDEN TESTS",))
            grader.append(
                _cell("code", test_source, cell_id, _nbgrader_meta(name.replace(".", "_"), grade=True, points=problem.points, locked=True))
            )
            grader.append(_cell("code", _hint_lines(name, problem), cell_id + "h"))
            continue

        kinds = {kind for kind, _ in regions}
        if "HIDDEN TESTS" in kinds:
            raise SourceError(f"{where}: HIDDEN TESTS only belong in a check cell")
        learner.append(_cell("code", render(regions, keep=("STARTER",)), cell_id))
        solution.append(_cell("code", render(regions, keep=("SOLUTION",)), cell_id))
        if "SOLUTION" in kinds:
            grader.append(
                _cell("code", render(regions, keep=("SOLUTION",), keep_markers=("SOLUTION",)), cell_id,
                      _nbgrader_meta(f"{stem}-{cell_id}", solution=True))
            )
        else:
            grader.append(_cell("code", render(regions, keep=()), cell_id))

    return tuple(_notebook(cells) for cells in (learner, solution, grader))


SETUP_LINES = re.compile(
    r"^from learntools\.core import binder; binder\.bind\(globals\(\)\)\n"
    r"from learntools\.gans\.(ex\d+) import \*\n?",
    re.MULTILINE,
)


def _expand_setup(code):
    """Replace the source's two set-up lines by the full set-up cell (install, version check, checks)."""
    return SETUP_LINES.sub(lambda match: setup_source(learntools.__version__, match.group(1)), code)


def _exercise_module(text, source_path):
    match = re.search(r"^from (learntools\.gans\.ex\d+) import \*", text, re.MULTILINE)
    if not match:
        raise SourceError(f"{source_path.name}: no `from learntools.gans.exN import *` set-up line")
    return match.group(1)


def _notebook(cells):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = cells
    notebook.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": dict(LANGUAGE_INFO)}
    return notebook


# --------------------------------------------------------------------------- writing


def serialise(notebook):
    """The exact bytes written for a notebook (deterministic)."""
    text = nbformat.writes(notebook, version=4)
    return text if text.endswith("\n") else text + "\n"


def output_paths(source_path, root=ROOT):
    stem = pathlib.Path(source_path).stem
    return (
        root / "notebooks" / f"{stem}.ipynb",
        root / "solutions" / f"{stem}.ipynb",
        root / "nbgrader" / "source" / stem / f"{stem}.ipynb",
    )


def lesson_sources(prefix=""):
    return sorted(p for p in LESSONS.glob("[0-9][0-9]_*.py") if p.name.startswith(prefix))


def execute(notebook, cwd, timeout=900):
    """Run a notebook top to bottom in a fresh kernel; returns the executed copy."""
    from nbclient import NotebookClient

    executed = copy.deepcopy(notebook)
    client = NotebookClient(executed, timeout=timeout, kernel_name="python3", record_timing=False, resources={"metadata": {"path": str(cwd)}})
    client.execute()
    return executed


def strip_outputs(notebook):
    """A copy without outputs or execution counts: what the freshness test compares for solutions."""
    stripped = copy.deepcopy(notebook)
    for cell in stripped.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
    stripped.metadata = {k: v for k, v in stripped.metadata.items() if k in ("kernelspec", "language_info")}
    stripped.metadata["language_info"] = dict(LANGUAGE_INFO)
    return stripped


def build(prefix="", execute_solutions=True, root=ROOT):
    written = []
    for source_path in lesson_sources(prefix):
        learner, solution, grader = build_versions(source_path)
        learner_path, solution_path, grader_path = output_paths(source_path, root)
        if execute_solutions:
            solution = execute(solution, cwd=root / "solutions")
            solution.metadata["language_info"] = dict(LANGUAGE_INFO)
        for path, notebook in ((learner_path, learner), (solution_path, solution), (grader_path, grader)):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(serialise(notebook), encoding="utf-8")
            written.append(path)
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("prefix", nargs="?", default="", help="only lessons whose file name starts with this")
    parser.add_argument("--no-execute", action="store_true", help="do not execute the solution notebooks")
    args = parser.parse_args(argv)
    if not lesson_sources(args.prefix):
        parser.exit(2, f"no lesson source in {LESSONS} starts with {args.prefix!r}\n")
    for path in build(args.prefix, execute_solutions=not args.no_execute):
        print("wrote", path.relative_to(ROOT))


if __name__ == "__main__":
    sys.exit(main())
