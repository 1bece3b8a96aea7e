"""The checker engine: problems with check(), hint(n) and solution(), safe around any learner code.

It knows nothing about GANs and imports nothing from learntools.gans; every lesson's checks use it.
- problems.py:    the problem kinds (Problem, ValueProblem, FunctionProblem, ThoughtProblem, ...), each
                  with a test= for the lesson's own logic; known_mistakes, current_timeout
- models.py:      ModuleProblem, the one model check, with build() and trace() (lessons 03 and 04)
- binder.py:      where checks find the learner's answers: the notebook's globals, bound by the set-up cell
- solutions.py:   where solution() finds its answer: the exercise module's solutions file, written by the build
- safety.py:      call_learner and checking: timeouts, captured output cut to a few lines, global state
                  kept, and readable errors around learner code and a whole check
- compare.py:     comparing values and describing them in one sentence
- feedback.py:    outcomes and how they are shown (HTML in a notebook, text elsewhere; nbgrader mode)
- placeholder.py: the ____ blank of starter code, and spotting it in an answer
"""

from . import binder
from .binder import bind_exercises
from .compare import Mismatch, compare_arrays, describe, format_number, to_numpy, values_match
from .feedback import (
    CHECKER_ERROR,
    CORRECT,
    INCORRECT,
    INFO,
    NOT_ATTEMPTED,
    Incorrect,
    NotAttempted,
    Outcome,
    grading_mode,
    show,
    test_mode,
)
from .placeholder import ____, is_placeholder
from .models import ModuleProblem, build, leaves, parameter_count, trace
from .problems import (
    FunctionProblem,
    MultipartProblem,
    Problem,
    ThoughtProblem,
    ValueProblem,
    current_timeout,
    known_mistakes,
    require_callable,
    single_thread,
)
from .safety import LearnerCodeError, call_learner, checking, preserved_random_state, preserved_settings, quiet

__all__ = [
    "binder", "bind_exercises", "Mismatch", "compare_arrays", "describe", "format_number", "to_numpy",
    "values_match", "CHECKER_ERROR", "CORRECT", "INCORRECT", "INFO", "NOT_ATTEMPTED", "Incorrect",
    "NotAttempted", "Outcome", "grading_mode", "show", "test_mode", "____", "is_placeholder",
    "FunctionProblem", "ModuleProblem", "MultipartProblem", "Problem", "ThoughtProblem", "ValueProblem",
    "LearnerCodeError", "call_learner", "checking", "preserved_random_state", "preserved_settings", "quiet", "build", "trace", "leaves", "current_timeout",
    "single_thread", "parameter_count", "known_mistakes", "require_callable",
]
