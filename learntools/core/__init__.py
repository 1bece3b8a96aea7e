"""The checker engine: problems with check(), hint(n) and solution(), safe around any learner code."""

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
from .problems import FunctionProblem, ModuleProblem, MultipartProblem, Problem, ThoughtProblem, ValueProblem
from .safety import LearnerCodeError, call_learner, checking, preserved_random_state, preserved_settings, quiet

__all__ = [
    "binder", "bind_exercises", "Mismatch", "compare_arrays", "describe", "format_number", "to_numpy",
    "values_match", "CHECKER_ERROR", "CORRECT", "INCORRECT", "INFO", "NOT_ATTEMPTED", "Incorrect",
    "NotAttempted", "Outcome", "grading_mode", "show", "test_mode", "____", "is_placeholder",
    "FunctionProblem", "ModuleProblem", "MultipartProblem", "Problem", "ThoughtProblem", "ValueProblem",
    "LearnerCodeError", "call_learner", "checking", "preserved_random_state", "preserved_settings", "quiet",
]
