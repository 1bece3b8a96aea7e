"""Reading the functions a learner writes: is it a function at all, and is every blank filled in?

Shared by the checks of lessons 05, 06, 08 and 10. Nothing here calls the learner's code; it reads the
names the code refers to.
"""

import inspect

from learntools.core import NotAttempted, require_callable


def code_names(code):
    """Every global name a code object (and the code nested in it) refers to."""
    names, pending = set(), [code]
    while pending:
        current = pending.pop()
        names.update(current.co_names)
        pending.extend(c for c in current.co_consts if hasattr(c, "co_names"))
    return names


def unwritten(func, _seen=None):
    """The name of ``func``, or of a notebook function it calls, that is not written yet, or None.

    Not written: the code still refers to the blank ``____``, or raises NotImplementedError (nbgrader's
    stub). Functions called by name from the same notebook are followed, so ``train_step`` calling an
    unfinished ``discriminator_step`` counts as unfinished.
    """
    seen = set() if _seen is None else _seen
    if not inspect.isfunction(func) or id(func) in seen:
        return None
    seen.add(id(func))
    names = code_names(func.__code__)
    if "____" in names or "NotImplementedError" in names:
        return func.__name__
    namespace = func.__globals__
    for name in sorted(names):
        value = namespace.get(name)
        if inspect.isfunction(value) and value.__globals__ is namespace:
            found = unwritten(value, seen)
            if found:
                return found
    return None


def require_written(answer, var):
    """NotAttempted while the learner's function, or a notebook function it calls, is not written yet
    (a `____` blank, or nbgrader's NotImplementedError stub); Incorrect when it is not a function."""
    require_callable(answer, var)
    missing = unwritten(answer)
    if missing is None:
        return
    if missing in (var, getattr(answer, "__name__", None)):  # its own code: the blank is caught above
        raise NotAttempted(f"your function `{var}` still raises NotImplementedError: write its code there.")
    raise NotAttempted(f"`{var}` calls `{missing}`, which is not written yet: finish it first.")
