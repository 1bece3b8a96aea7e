"""Where checks find the learner's answers: the notebook's globals, bound by the set-up cell.

    from learntools.core import binder; binder.bind(globals())
"""

from .solutions import SolutionBook, solutions_file

_bound_globals = None


def bind(notebook_globals):
    """Remember the notebook's global namespace, where problems look up the learner's variables."""
    global _bound_globals
    if not isinstance(notebook_globals, dict):
        raise TypeError("binder.bind() takes the notebook's globals(): call binder.bind(globals()).")
    _bound_globals = notebook_globals


def is_bound():
    return _bound_globals is not None


def lookup(name, default=None):
    """The value of ``name`` in the bound namespace, or ``default``."""
    if _bound_globals is None:
        return default
    return _bound_globals.get(name, default)


def bind_exercises(module_globals, problems, start=1):
    """Name the problems q1, q2, ... in an exercise module and return their names for ``__all__``.

    Each problem (and each part of a multi-part one) also gets the module's solutions file (see
    :mod:`learntools.core.solutions`), where its ``solution()`` finds its answer.
    """
    book = SolutionBook(solutions_file(module_globals["__file__"])) if "__file__" in module_globals else None
    names = []
    for number, problem in enumerate(problems, start=start):
        name = f"q{number}"
        if hasattr(problem, "_name_parts"):
            problem._name_parts(name)
        else:
            problem.name = name
        for each in [problem, *getattr(problem, "parts", {}).values()]:
            each.solution_book = book
        module_globals[name] = problem
        names.append(name)
    return names
