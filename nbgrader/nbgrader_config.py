"""nbgrader configuration for the GAN Workshop course folder. Run nbgrader commands from this folder.

Settings you may change through the environment (see INSTRUCTORS.md):

    GAN_WORKSHOP_EXCHANGE       the exchange folder (default: exchange/ in this folder). On JupyterHub, a
                                folder every user can write, e.g. /srv/nbgrader/exchange; students' own
                                nbgrader configuration must name the same folder.
    GAN_WORKSHOP_CELL_TIMEOUT   seconds one cell may run while grading (default 300)
"""

import os
import shutil
import sys

c = get_config()  # noqa: F821  (provided by nbgrader)

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:  # the course's nbgrader plugins live next to this file
    sys.path.insert(0, HERE)

# nbgrader runs its helper `alembic` by name to open the gradebook. Make it the one installed next to
# the Python running nbgrader, so `../.venv/bin/nbgrader ...` works without .venv/bin on PATH.
_BIN = os.path.dirname(sys.executable)
if os.path.exists(os.path.join(_BIN, "alembic")) and shutil.which("alembic") != os.path.join(_BIN, "alembic"):
    os.environ["PATH"] = _BIN + os.pathsep + os.environ.get("PATH", "")

from gan_workshop_nbgrader import HideHiddenTests, ReleaseStarters, RepairSubmission, ResilientExecute  # noqa: E402
from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.converters import GenerateAssignment  # noqa: E402
from nbgrader.preprocessors import (  # noqa: E402
    AssignLatePenalties, CheckCellMetadata, ClearOutput, ClearSolutions, DeduplicateIds, GetGrades, IgnorePattern,
    LimitOutput, OverwriteCells, OverwriteKernelspec, SaveAutoGrades,
)

c.CourseDirectory.course_id = "gan-workshop"
c.CourseDirectory.root = HERE

# The exchange: where release_assignment, submit, collect and release_feedback put files. Never
# nbgrader's default /usr/local/share/nbgrader/exchange, which ordinary users cannot write.
c.Exchange.root = os.path.abspath(os.path.expanduser(
    os.environ.get("GAN_WORKSHOP_EXCHANGE") or os.path.join(HERE, "exchange")))

# Under nbgrader (NBGRADER_EXECUTION is set) the notebooks run in the course's short test mode, so
# training cells take seconds to a minute or two on a laptop CPU, not the 30 s nbgrader allows by default.
# 300 s leaves room for a slow, shared 2-core machine; a student's endless loop costs at most this.
c.Execute.timeout = int(os.environ.get("GAN_WORKSHOP_CELL_TIMEOUT") or 300)

# Autograde, first pass (sanitising): repair duplicated and deleted cells before nbgrader checks them.
c.Autograde.sanitize_preprocessors = [
    ClearOutput,
    RepairSubmission,
    DeduplicateIds,
    OverwriteKernelspec,
    OverwriteCells,
    CheckCellMetadata,
]
# Autograde, second pass (executing): a cell that kills or wedges the kernel is skipped, not fatal.
c.Autograde.autograde_preprocessors = [
    ResilientExecute,
    IgnorePattern,
    ClearMetadataPreprocessor,
    LimitOutput,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
]
# Feedback: no hidden-test source, no hidden-test output, no tracebacks from test cells.
c.GenerateFeedback.preprocessors = [HideHiddenTests, GetGrades, CSSHTMLHeaderPreprocessor]

# The student version: each solution cell shows the learner notebook's starter code (ReleaseStarters);
# a solution cell without one (an instructor's own) gets nbgrader's stubs below.
c.GenerateAssignment.preprocessors = [
    ReleaseStarters if step is ClearSolutions else step
    for step in GenerateAssignment.class_traits()["preprocessors"].default()
]
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
