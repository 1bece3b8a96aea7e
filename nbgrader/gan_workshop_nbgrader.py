"""nbgrader plugins of the GAN Workshop course: grading that survives what students do to notebooks.

nbgrader_config.py (next to this file) puts them in the pipeline:

RepairSubmission     (autograde, sanitising step, before nbgrader's own checks)
    Duplicated graded cells: nbgrader 0.9.6 empties the metadata of all copies but the last and then
    stops the *whole batch* with a misleading "old version of the nbgrader metadata format" error.
    Here every copy but one becomes a plain cell, with a comment saying so, and grading goes on.
    Deleted test cells: nbgrader leaves the grade empty (the notebook silently loses those points,
    and the formgrader has no cell to show). Here the cell is put back from the gradebook, where the
    source notebook placed it, with a note, and it is run like any other test.
    Also: duplicate notebook cell ids, and nbgrader metadata that names no cell of the gradebook.

ResilientExecute     (autograde, executing step; replaces nbgrader's Execute)
    A cell that kills the kernel (os._exit, a crash, running out of memory) made nbgrader give up the
    whole submission: no grades, no autograded notebook. A cell that hangs and ignores the interrupt
    did the same. Here such a cell is skipped: the kernel is restarted, the notebook runs again from
    the top without it, and the cell shows an error that says what happened. Its questions fail; the
    rest are graded as usual. A cell that hangs and *does* stop on the interrupt is handled as
    nbgrader does: it shows a timeout error and the notebook goes on.

ReleaseStarters      (generate_assignment; replaces nbgrader's ClearSolutions)
    nbgrader's release replaces each solution by `raise NotImplementedError()`. The course's release
    shows what the learner notebook shows instead: the starter code with its ____ blanks, the
    scaffolding a learner fills in. The build puts that starter in each solution cell's metadata
    (lessons/build.py, RELEASED_AS); this reads it and removes it. Cells without it are cleared as
    nbgrader does. So a released notebook and the learner notebook are the same cells.

HideHiddenTests      (generate_feedback, before nbgrader's own preprocessors)
    nbgrader puts hidden tests back into graded notebooks and its feedback shows them, with any
    traceback they raise. Here the feedback shows the visible part of a test cell only; a failure in
    the hidden part becomes one plain sentence, and a failure of the visible check shows its message
    without the traceback (which could quote the lines after it).
"""

import copy
import os
import re

import nbformat
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbgrader import utils
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import ClearSolutions, Execute, NbGraderPreprocessor
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, Dict, Integer, Unicode

BEGIN_HIDDEN = "BEGIN HIDDEN TESTS"
END_HIDDEN = "END HIDDEN TESTS"
HIDDEN_PLACEHOLDER = "# (hidden tests run here during grading; they are not shown)"
HIDDEN_FAILURE = (
    "Your answer passed the check you could run, but not the hidden tests used for grading (more "
    "cases: other sizes, strides or random seeds). Try your code on inputs other than the examples."
)
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_CELL_FRAME = re.compile(r"(?:Cell In ?\[\d*\]|Input In ?\[\d*\]|<ipython-input-\d+-[0-9a-f]+>), line (\d+)")


# --------------------------------------------------------------------------------------- helpers


def hidden_line_ranges(source):
    """1-based (first, last) line numbers of every hidden-test region, markers included."""
    ranges, start = [], None
    for number, line in enumerate(source.split("\n"), start=1):
        if BEGIN_HIDDEN in line and start is None:
            start = number
        elif END_HIDDEN in line and start is not None:
            ranges.append((start, number))
            start = None
    if start is not None:  # an unclosed region hides everything after it
        ranges.append((start, len(source.split("\n"))))
    return ranges


def strip_hidden_tests(source):
    """The source without its hidden-test regions; each region becomes one placeholder comment."""
    lines, kept, inside = source.split("\n"), [], False
    for line in lines:
        if not inside and BEGIN_HIDDEN in line:
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            kept.append(indent + HIDDEN_PLACEHOLDER)
        elif inside:
            if END_HIDDEN in line:
                inside = False
        else:
            kept.append(line)
    return "\n".join(kept)


def failing_cell_line(traceback):
    """The line of the cell where an error was raised (its first frame), or None if not found."""
    for entry in traceback or []:
        match = _CELL_FRAME.search(_ANSI.sub("", entry))
        if match:
            return int(match.group(1))
    return None


def _error_output(ename, evalue):
    return nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


# ----------------------------------------------------------------------------- RepairSubmission


class RepairSubmission(NbGraderPreprocessor):
    """Undo what duplicating or deleting cells did to a submission, before nbgrader checks it."""

    duplicate_note = Unicode(
        "(A copy of the graded cell '{grade_id}': this copy is not graded, another one is.)",
        help="Put at the top of every copy of a graded cell that is not the one graded.",
    ).tag(config=True)

    restored_note = Unicode(
        "*The graded cell `{grade_id}` was missing from this notebook. It was put back, below, and "
        "graded as usual.*",
        help="Markdown note put just above a graded cell that had been deleted and was restored.",
    ).tag(config=True)

    def preprocess(self, nb, resources):
        info = resources.get("nbgrader", {})
        if not {"notebook", "assignment", "db_url"} <= set(info):
            return nb, resources
        with Gradebook(info["db_url"]) as gradebook:
            try:
                notebook = gradebook.find_notebook(info["notebook"], info["assignment"])
            except MissingEntry:
                return nb, resources
            source_cells = {cell.name: cell for cell in notebook.source_cells}
            known = {
                name: {
                    "cell_type": cell.cell_type,
                    "locked": bool(cell.locked),
                    "source": cell.source or "",
                    "checksum": cell.checksum,
                }
                for name, cell in source_cells.items()
            }
            grade_cells = {cell.name: float(cell.max_score) for cell in notebook.grade_cells}
            solution_ids = {cell.name for cell in notebook.solution_cells}
        order = self._source_order(info["assignment"], info["notebook"]) or list(known)

        self._unique_cell_ids(nb)
        self._drop_unknown_metadata(nb, known)
        self._deduplicate(nb, known, solution_ids)
        self._restore_missing(nb, known, grade_cells, solution_ids, order)
        return nb, resources

    # -- where graded cells belong: the order of the source notebook

    def _source_order(self, assignment_id, notebook_id):
        try:
            coursedir = CourseDirectory(config=self.config)
            folder = coursedir.format_path(coursedir.source_directory, ".", assignment_id)
            source = nbformat.read(os.path.join(folder, f"{notebook_id}.ipynb"), as_version=4)
        except Exception:  # no source notebook here: fall back on the gradebook's order
            return []
        return [cell.metadata["nbgrader"]["grade_id"] for cell in source.cells if _grade_id(cell)]

    # -- the repairs

    def _unique_cell_ids(self, nb):
        seen = set()
        for index, cell in enumerate(nb.cells):
            cell_id = cell.get("id")
            if cell_id is None:
                continue
            if cell_id in seen:
                candidate, n = f"{cell_id}-{index}", 1
                while candidate in seen:
                    candidate, n = f"{cell_id}-{index}-{n}", n + 1
                self.log.warning("Cell id '%s' appears more than once; renamed a copy to '%s'", cell_id, candidate)
                cell["id"] = candidate
            seen.add(cell["id"])

    def _drop_unknown_metadata(self, nb, known):
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader")
            if meta is None:
                continue
            if not isinstance(meta, dict) or meta.get("grade_id") not in known:
                if isinstance(meta, dict) and (meta.get("grade") or meta.get("solution") or meta.get("locked")):
                    self.log.warning("Cell '%s' is not in the gradebook; grading it as a plain cell",
                                     meta.get("grade_id"))
                del cell.metadata["nbgrader"]

    def _deduplicate(self, nb, known, solution_ids):
        copies = {}
        for index, cell in enumerate(nb.cells):
            grade_id = _grade_id(cell)
            if grade_id:
                copies.setdefault(grade_id, []).append(index)
        for grade_id, indices in copies.items():
            if len(indices) == 1:
                continue
            keep = indices[-1]  # nbgrader's choice: the last copy
            if grade_id in solution_ids:  # an answer cell: keep the last copy the student wrote in
                stub = known[grade_id]["source"].strip()
                written = [i for i in indices if nb.cells[i].source.strip() != stub]
                keep = written[-1] if written else keep
            self.log.warning("Graded cell '%s' appears %d times; grading one copy", grade_id, len(indices))
            for index in indices:
                if index != keep:
                    self._demote(nb.cells[index], grade_id)

    def _demote(self, cell, grade_id):
        del cell.metadata["nbgrader"]
        for flag in ("deletable", "editable"):
            cell.metadata.pop(flag, None)
        note = self.duplicate_note.format(grade_id=grade_id)
        cell.source = (f"# {note}\n" if cell.cell_type == "code" else f"*{note}*\n\n") + cell.source

    def _restore_missing(self, nb, known, grade_cells, solution_ids, order):
        present = {_grade_id(cell) for cell in nb.cells} - {None}
        ordered = [name for name in order if name in known] + [name for name in known if name not in order]
        for grade_id in ordered:
            if grade_id not in grade_cells or grade_id in present:
                continue
            self.log.warning("Graded cell '%s' is missing; putting it back from the gradebook", grade_id)
            cell = self._rebuilt_cell(grade_id, known[grade_id], grade_cells[grade_id], grade_id in solution_ids)
            position = self._insert_position(nb, grade_id, ordered, present)
            note = nbformat.v4.new_markdown_cell(self.restored_note.format(grade_id=grade_id))
            nb.cells[position:position] = [note, cell]
            present.add(grade_id)
        self._unique_cell_ids(nb)

    @staticmethod
    def _rebuilt_cell(grade_id, known_cell, points, is_solution):
        meta = {
            "nbgrader": {
                "cell_type": known_cell["cell_type"],
                "checksum": known_cell["checksum"],
                "grade": True,
                "grade_id": grade_id,
                "locked": known_cell["locked"],
                "points": points,
                "schema_version": 3,
                "solution": is_solution,
                "task": False,
            },
            "deletable": False,
        }
        if not is_solution:
            meta["editable"] = False
        maker = nbformat.v4.new_code_cell if known_cell["cell_type"] == "code" else nbformat.v4.new_markdown_cell
        return maker(source=known_cell["source"], metadata=meta)

    @staticmethod
    def _insert_position(nb, grade_id, ordered, present):
        """Just after the nearest earlier graded cell of the source that the submission has, else
        just before the nearest later one, else at the end."""
        where = {_grade_id(cell): index for index, cell in enumerate(nb.cells) if _grade_id(cell)}
        at = ordered.index(grade_id)
        for earlier in reversed(ordered[:at]):
            if earlier in present and earlier in where:
                return where[earlier] + 1
        for later in ordered[at + 1:]:
            if later in present and later in where:
                return where[later]
        return len(nb.cells)


def _grade_id(cell):
    meta = cell.metadata.get("nbgrader")
    if isinstance(meta, dict) and (meta.get("grade") or meta.get("solution") or meta.get("locked") or meta.get("task")):
        return meta.get("grade_id")
    return None


# ----------------------------------------------------------------------------- ResilientExecute


class ResilientExecute(Execute):
    """nbgrader's Execute, plus: a cell that kills or wedges the kernel is skipped, not fatal."""

    max_kernel_restarts = Integer(
        3, help="How many cells of one notebook may kill or wedge the kernel before the rest of the "
                "notebook is left unrun (its tests then score 0).",
    ).tag(config=True)

    iopub_timeout = Integer(
        10, help="Seconds to wait for a cell's last output after its reply; after a timeout, how long "
                 "an interrupted cell has to stop before the kernel counts as unresponsive.",
    ).tag(config=True)

    error_on_timeout = Dict(
        default_value={
            "ename": "CellTimeoutError",
            "evalue": "this cell ran longer than the time limit for one cell and was interrupted. "
                      "Is there an endless loop, or far more work than the exercise needs?",
            "traceback": ["CellTimeoutError: this cell ran longer than the time limit for one cell and "
                          "was interrupted. Is there an endless loop, or far more work than the exercise needs?"],
        },
    ).tag(config=True)

    _messages = {
        "died": ("KernelDied", "the Python kernel stopped while running this cell (it exited, crashed or ran "
                               "out of memory). The grader restarted it and ran the rest of the notebook "
                               "again without this cell."),
        "hung": ("CellTimeoutError", "this cell ran longer than the time limit for one cell and did not stop "
                                     "when interrupted. The grader restarted the kernel and ran the rest of "
                                     "the notebook again without this cell."),
        "not run": ("NotRun", "this cell was not run: too many cells before it stopped the kernel."),
    }

    def preprocess(self, nb, resources=None, km=None):
        pristine = copy.deepcopy(nb)
        self._skipped, restarts = {}, 0
        while True:
            self._current_index, self._timed_out = None, set()
            try:
                return super().preprocess(copy.deepcopy(pristine), resources, km)
            except (DeadKernelError, CellTimeoutError) as error:
                index = self._current_index
                if index is None or index in self._skipped:
                    raise
                if isinstance(error, CellTimeoutError) and index not in self._timed_out:
                    reason = None  # only the wait for output after a normal reply timed out: run it again
                else:
                    reason = "died" if isinstance(error, DeadKernelError) else "hung"
                restarts += 1
                if reason is None and restarts > self.max_kernel_restarts:
                    raise
                self.log.warning("Cell %d %s; restarting the kernel and running the notebook again%s", index,
                                 {"died": "killed the kernel", "hung": "hung and ignored the interrupt",
                                  None: "timed out waiting for output"}[reason],
                                 " without it" if reason else "")
                if reason:
                    self._skipped[index] = reason
                    if restarts > self.max_kernel_restarts:
                        for later in range(index, len(pristine.cells)):
                            self._skipped.setdefault(later, "not run")

    def preprocess_cell(self, cell, resources, index):
        self._current_index = index
        reason = self._skipped.get(index)
        if reason and cell.cell_type == "code":
            cell.outputs = [_error_output(*self._messages[reason])]
            cell.execution_count = None
            return cell, resources
        return super().preprocess_cell(cell, resources, index)

    async def _async_handle_timeout(self, timeout, cell=None):
        if self._current_index is not None:
            self._timed_out.add(self._current_index)
        return await super()._async_handle_timeout(timeout, cell)


# ------------------------------------------------------------------------------ HideHiddenTests


RELEASED_AS = "gan_workshop_release"  # the cell metadata key lessons/build.py writes


class ReleaseStarters(ClearSolutions):
    """ClearSolutions, except that a solution cell whose metadata carries the learner's starter code
    becomes that starter code (the learner notebook's cell) instead of nbgrader's stub."""

    def preprocess_cell(self, cell, resources, cell_index):
        starter = cell.metadata.pop(RELEASED_AS, None)
        cell, resources = super().preprocess_cell(cell, resources, cell_index)
        if starter is not None and utils.is_solution(cell):
            cell.source = starter
        return cell, resources


class HideHiddenTests(Preprocessor):
    """Feedback without hidden-test source, hidden-test output or tracebacks from test cells."""

    enabled = Bool(True, help="Whether to use this preprocessor").tag(config=True)

    hidden_failure = Unicode(HIDDEN_FAILURE, help="Shown when the hidden part of a test cell fails.").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            if BEGIN_HIDDEN in cell.source:
                cell.source = strip_hidden_tests(cell.source)
            return cell, resources
        regions = hidden_line_ranges(cell.source)
        if not regions and not utils.is_grade(cell):
            return cell, resources
        if regions:
            cell.source = strip_hidden_tests(cell.source)
        outputs, hidden_output_noted = [], False
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                line = failing_cell_line(output.get("traceback"))
                in_hidden = bool(regions) and (line is None or line >= regions[0][0])
                if in_hidden and output.get("ename") not in ("KernelDied", "CellTimeoutError", "NotRun"):
                    output = _error_output("AssertionError", self.hidden_failure)
                else:
                    output = _error_output(output.get("ename", "Error"), output.get("evalue", ""))
            elif output.output_type == "stream" and regions:
                # Learner code and checks display rich output; text streams here come from the
                # hidden tests (or warnings that quote their lines).
                if hidden_output_noted:
                    continue
                output = nbformat.v4.new_output("stream", name="stdout", text="(output of the hidden tests is not shown)\n")
                hidden_output_noted = True
            outputs.append(output)
        cell.outputs = outputs
        return cell, resources
