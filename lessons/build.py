"""Build every notebook from its single source in lessons/NN_name.py (jupytext percent format).

    python -m lessons.build              # learner + nbgrader notebooks, and executed solutions
    python -m lessons.build --no-execute # skip executing the solution notebooks (fast)
    python -m lessons.build 02           # only lessons whose file name starts with 02
    python -m lessons.build --solutions-files  # only the solutions files qN.solution() reads
    python -m lessons.build 10 --reuse-outputs # only markdown changed: keep the executed outputs

One source gives three notebooks:

    notebooks/NN_name.ipynb                    learner version: starter code with ____, check cells,
                                               commented hint/solution lines
    solutions/NN_name.ipynb                    filled in, executed, with outputs
    nbgrader/source/NN_name/NN_name.ipynb      nbgrader source: solution regions with nbgrader's
                                               markers, autograded test cells with points and the
                                               lesson's hidden tests; nbgrader's release of it equals
                                               the learner version (each solution cell carries its
                                               starter code, which the release shows)
    learntools/gans/solutions/exN.json         what each qN.solution() shows (package data)

Source conventions (inside code cells):

    ### BEGIN STARTER / ### END STARTER     learner-only lines (e.g. `top_left = ____`)
    ### BEGIN SOLUTION / ### END SOLUTION   the answer; nbgrader's own markers
    a cell holding only `qN.check()` (or `qN.a.check()`) becomes a check cell / autograded test
    a markdown cell tagged `answer:qN` holds a model answer to a thought question (manually graded)
    a cell tagged `solution-only` appears in the solution notebook alone
    the cell with the two set-up lines (`from learntools.core import binder; ...` and
    `from learntools.gans.exN import *`) is preceded by a collapsed bootstrap cell (lessons/setup_cell.py)

A question's solution (what `qN.solution()` shows) is the code of its answer cells as the solution notebook
has them: the code cells holding a SOLUTION region after the previous check cell, up to the question's own
check cell, joined by a blank line. A check with no answer cell of its own (q5.b after q5.a, when one cell
answers both parts) shows the answer cells of the check before it. A thought question's solution is its
`answer:qN` markdown cell.

Hidden tests live outside the lesson, in nbgrader/hidden_tests/exN.py: `def hidden_q7(conv2d): ...` for
q7 (`hidden_q6a` for q6.a), whose parameters are notebook names. The nbgrader source notebook's test cell
gets the function's source and a call between nbgrader's `### BEGIN HIDDEN TESTS` / `### END HIDDEN TESTS`
markers, and the function is deleted again, so the learner's namespace keeps no new name.
"""

import argparse
import ast
import copy
import importlib
import json
import pathlib
import re
import sys

import jupytext
import nbformat

import learntools
from lessons.setup_cell import bootstrap_source

ROOT = pathlib.Path(__file__).resolve().parent.parent
LESSONS = ROOT / "lessons"
HIDDEN_TESTS = ROOT / "nbgrader" / "hidden_tests"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
LANGUAGE_INFO = {"name": "python"}

CHECK_CELL = re.compile(r"^(q\d+)((?:\.[a-z])?)\.check\(\)\s*$")
MARKER = re.compile(r"^\s*### (BEGIN|END) (STARTER|SOLUTION|HIDDEN TESTS)\s*$")
BOOTSTRAP_METADATA = {"jupyter": {"source_hidden": True}}  # JupyterLab shows the cell collapsed
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


# nbgrader's release shows a solution cell as the learner notebook has it (its starter code, with ____),
# not as nbgrader's `raise NotImplementedError()`: nbgrader/gan_workshop_nbgrader.py (ReleaseStarters)
# reads this key while generating the release, and removes it.
RELEASED_AS = "gan_workshop_release"


def _released_as(learner_source, metadata):
    """Cell metadata that tells the nbgrader release to show ``learner_source`` in place of the solution."""
    return {**metadata, RELEASED_AS: learner_source}


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


def _parse(source_path):
    """(stem, jupytext cells, exercise module) of a lesson source."""
    source_path = pathlib.Path(source_path)
    text = source_path.read_text(encoding="utf-8")
    parsed = jupytext.reads(text, fmt="py:percent")
    return source_path.stem, parsed.cells, importlib.import_module(_exercise_module(text, source_path))


def _check_name(regions):
    """'q3' or 'q3.a' when a code cell is a check cell, else None."""
    plain_only = render(regions, keep=()).strip()
    check = CHECK_CELL.match(plain_only) if len(plain_only.splitlines()) == 1 else None
    return check.group(1) + check.group(2) if check else None


def _answer_tag(cell):
    """'q6' for a markdown cell tagged answer:q6, else None."""
    tags = [t for t in cell.metadata.get("tags", []) if t.startswith("answer:")]
    return tags[0].split(":", 1)[1] if cell.cell_type == "markdown" and tags else None


def _lesson_regions(code, where):
    """split_regions for a lesson's code cell, which may hold no hidden tests."""
    regions = split_regions(code, where)
    if any(kind == "HIDDEN TESTS" for kind, _ in regions):
        raise SourceError(f"{where}: hidden tests belong in nbgrader/hidden_tests/, not in the lesson")
    return regions


def _code_cells(source_path, cells):
    """(where, regions) of the code cells every version has (solution-only cells left out)."""
    for index, cell in enumerate(cells):
        if cell.cell_type != "code" or "solution-only" in cell.metadata.get("tags", []):
            continue
        where = f"{pathlib.Path(source_path).name} cell {index + 1}"
        yield where, _lesson_regions(cell.source, where)


def question_solutions(source_path):
    """{question name: {"code": ...} or {"markdown": ...}}: what each qN.solution() shows (rule above)."""
    _, cells, exercises = _parse(source_path)
    solutions, answer_cells, previous = {}, [], None
    for cell in cells:
        name = _answer_tag(cell)
        if name:
            _problem(exercises, name)
            solutions[name] = {"markdown": cell.source}
    for where, regions in _code_cells(source_path, cells):
        name = _check_name(regions)
        if name is None:
            if any(kind == "SOLUTION" for kind, _ in regions):
                answer_cells.append(render(regions, keep=("SOLUTION",)))
            continue
        _problem(exercises, name)
        if answer_cells:
            solutions[name] = {"code": "\n\n".join(answer_cells)}
        elif previous is not None:
            solutions[name] = solutions[previous]  # one answer cell for two checks (q5.a, q5.b)
        else:
            raise SourceError(f"{where}: {name} has no answer cell (a code cell with a SOLUTION region) before it")
        answer_cells, previous = [], name
    if answer_cells:
        raise SourceError(f"{pathlib.Path(source_path).name}: a SOLUTION region after the last check cell")
    return _in_question_order(solutions)


def _in_question_order(solutions):
    def key(name):
        number, _, part = name[1:].partition(".")
        return int(number), part
    return {name: solutions[name] for name in sorted(solutions, key=key)}


def solutions_path(exercise_module, root=ROOT):
    """Where the build writes an exercise module's solutions: package/solutions/exN.json."""
    *package, module = exercise_module.split(".")
    return root.joinpath(*package) / "solutions" / f"{module}.json"


def serialise_solutions(solutions):
    return json.dumps(solutions, indent=1, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------- hidden tests


def hidden_tests_path(exercise_module):
    return HIDDEN_TESTS / f"{exercise_module.rsplit('.', 1)[-1]}.py"


def hidden_test_name(question):
    """The hidden test function of a question: hidden_q7 for q7, hidden_q6a for q6.a."""
    return "hidden_" + question.replace(".", "")


def hidden_test_functions(exercise_module):
    """{function name: (source, parameter names)} of a lesson's hidden tests ({} when it has none)."""
    path = hidden_tests_path(exercise_module)
    if not path.exists():
        return {}
    text = path.read_text(encoding="utf-8")
    functions = {}
    for node in ast.parse(text).body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("hidden_q"):
            functions[node.name] = (ast.get_source_segment(text, node), [a.arg for a in node.args.args])
    return functions


def inline_hidden_test(source, parameters, function_name):
    """The hidden test as the nbgrader test cell runs it: defined, called with the notebook's names, deleted."""
    return "\n".join([
        "### BEGIN HIDDEN TESTS",
        source,
        "try:",
        f"    {function_name}({', '.join(parameters)})",
        "finally:",
        f"    del {function_name}",
        "### END HIDDEN TESTS",
    ])


# --------------------------------------------------------------------------- the three notebooks


def build_versions(source_path):
    """Read one lesson source and return (learner, solution, nbgrader) notebooks."""
    stem, cells, exercises = _parse(source_path)
    hidden = hidden_test_functions(exercises.__name__)
    used_hidden = set()

    learner, solution, grader = [], [], []
    for index, cell in enumerate(cells):
        where = f"{pathlib.Path(source_path).name} cell {index + 1}"
        cell_id = f"c{index:03d}"
        body = cell.source

        if cell.cell_type == "markdown":
            name = _answer_tag(cell)
            if name:
                problem = _problem(exercises, name)
                learner.append(_cell("markdown", LEARNER_ANSWER_TEXT, cell_id))
                solution.append(_cell("markdown", body, cell_id))
                grader.append(_cell("markdown", body, cell_id, _released_as(
                    LEARNER_ANSWER_TEXT, _nbgrader_meta(f"{name}-answer", solution=True, grade=True, points=problem.points))))
                learner.append(_cell("code", f"#{name}.solution()", cell_id + "h"))
                grader.append(_cell("code", f"#{name}.solution()", cell_id + "h"))
            else:
                for version in (learner, solution, grader):
                    version.append(_cell("markdown", body, cell_id))
            continue

        if "solution-only" in cell.metadata.get("tags", []):
            solution.append(_cell("code", body, cell_id))
            continue

        if SETUP_LINES.search(body):
            bootstrap = bootstrap_source(learntools.__version__)
            for version in (learner, solution, grader):
                version.append(_cell("code", bootstrap, "bootstrap", copy.deepcopy(BOOTSTRAP_METADATA)))

        regions = _lesson_regions(body, where)
        name = _check_name(regions)
        if name:
            problem = _problem(exercises, name)
            learner.append(_cell("code", f"{name}.check()", cell_id))
            learner.append(_cell("code", _hint_lines(name, problem), cell_id + "h"))
            solution.append(_cell("code", f"{name}.check()", cell_id))
            test_source = f"{name}.check()"
            function_name = hidden_test_name(name)
            if function_name in hidden:
                test_source += "\n" + inline_hidden_test(*hidden[function_name], function_name)
                used_hidden.add(function_name)
            grader.append(
                _cell("code", test_source, cell_id, _nbgrader_meta(name.replace(".", "_"), grade=True, points=problem.points, locked=True))
            )
            grader.append(_cell("code", _hint_lines(name, problem), cell_id + "h"))
            continue

        kinds = {kind for kind, _ in regions}
        starter = render(regions, keep=("STARTER",))
        learner.append(_cell("code", starter, cell_id))
        solution.append(_cell("code", render(regions, keep=("SOLUTION",)), cell_id))
        if "SOLUTION" in kinds:
            grader.append(
                _cell("code", render(regions, keep=("SOLUTION",), keep_markers=("SOLUTION",)), cell_id,
                      _released_as(starter, _nbgrader_meta(f"{stem}-{cell_id}", solution=True)))
            )
        else:
            grader.append(_cell("code", render(regions, keep=()), cell_id))

    unused = sorted(set(hidden) - used_hidden)
    if unused:
        raise SourceError(f"{hidden_tests_path(exercises.__name__).name}: {', '.join(unused)} match no check cell of {stem}")
    return tuple(_notebook(cells) for cells in (learner, solution, grader))


SETUP_LINES = re.compile(
    r"^from learntools\.core import binder; binder\.bind\(globals\(\)\)\n"
    r"from learntools\.gans\.(ex\d+) import \*\n?",
    re.MULTILINE,
)


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


def reuse_outputs(solution, executed_path):
    """The solution notebook with the outputs of the executed one at ``executed_path``, when only its markdown
    changed (same code cells, in order); None otherwise."""
    if not executed_path.exists():
        return None
    executed = nbformat.read(str(executed_path), as_version=4)
    old = [cell for cell in executed.cells if cell.cell_type == "code"]
    new = [cell for cell in solution.cells if cell.cell_type == "code"]
    if [cell.source for cell in old] != [cell.source for cell in new]:
        return None
    reused = copy.deepcopy(solution)
    for cell, ran in zip([cell for cell in reused.cells if cell.cell_type == "code"], old):
        cell.outputs, cell.execution_count = ran.outputs, ran.execution_count
    reused.metadata = executed.metadata
    return reused


def build(prefix="", execute_solutions=True, root=ROOT, reuse=False):
    written = []
    for source_path in lesson_sources(prefix):
        learner, solution, grader = build_versions(source_path)
        learner_path, solution_path, grader_path = output_paths(source_path, root)
        reused = reuse_outputs(solution, solution_path) if reuse else None
        if reuse and reused is None:
            raise SourceError(f"{source_path.name}: a code cell changed; build without --reuse-outputs to execute it")
        if reused is not None:
            solution = reused
        elif execute_solutions:
            solution = execute(solution, cwd=root / "solutions")
            solution.metadata["language_info"] = dict(LANGUAGE_INFO)
        for path, notebook in ((learner_path, learner), (solution_path, solution), (grader_path, grader)):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(serialise(notebook), encoding="utf-8")
            written.append(path)
        written.append(write_solutions_file(source_path, root))
    return written


def write_solutions_file(source_path, root=ROOT):
    """Write the lesson's solutions file (package data read by qN.solution()); returns its path."""
    _, _, exercises = _parse(source_path)
    path = solutions_path(exercises.__name__, root)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(serialise_solutions(question_solutions(source_path)), encoding="utf-8")
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("prefix", nargs="?", default="", help="only lessons whose file name starts with this")
    parser.add_argument("--no-execute", action="store_true", help="do not execute the solution notebooks")
    parser.add_argument("--reuse-outputs", action="store_true",
                        help="only markdown changed: keep the committed solution notebook's outputs (an error if "
                             "a code cell changed)")
    parser.add_argument("--solutions-files", action="store_true",
                        help="only write learntools/gans/solutions/exN.json (what qN.solution() shows)")
    args = parser.parse_args(argv)
    sources = lesson_sources(args.prefix)
    if not sources:
        parser.exit(2, f"no lesson source in {LESSONS} starts with {args.prefix!r}\n")
    if args.solutions_files:
        written = [write_solutions_file(source) for source in sources]
    else:
        written = build(args.prefix, execute_solutions=not args.no_execute, reuse=args.reuse_outputs)
    for path in written:
        print("wrote", path.relative_to(ROOT))


if __name__ == "__main__":
    sys.exit(main())
