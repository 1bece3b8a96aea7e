"""The ``____`` blank that learners replace with their answer."""


class Placeholder:
    """A blank in starter code. A check that finds it reports "not attempted yet"."""

    _instance = None

    def __new__(cls):
        # One blank for the whole process, so `answer is ____` always works.
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self):
        return "____"

    def __bool__(self):
        raise TypeError("`____` is a blank to fill in: replace it with your answer.")

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


____ = Placeholder()

PLACEHOLDER_NAME = "____"


def is_placeholder(value):
    """True when ``value`` is the blank itself (identity test: never calls learner code)."""
    return value is ____


def code_uses_placeholder(func):
    """True when a function's code, or code nested in it, still refers to ``____``.

    For a class (a model class, say), the functions it defines are searched: `__init__`, `forward`, ...
    """
    if isinstance(func, type):
        return any(code_uses_placeholder(member) for member in _own_functions(func))
    try:
        code = getattr(func, "__code__", None)
    except Exception:  # a hostile __getattr__
        return False
    if code is None:
        return False
    pending = [code]
    while pending:
        current = pending.pop()
        if PLACEHOLDER_NAME in current.co_names:
            return True
        pending.extend(c for c in current.co_consts if hasattr(c, "co_names"))
    return False


def _own_functions(cls):
    """The functions (methods, static and class methods) that ``cls`` itself defines."""
    for member in vars(cls).values():
        if isinstance(member, (staticmethod, classmethod)):
            member = member.__func__
        if callable(member) and not isinstance(member, type):
            yield member


def contains_placeholder(value, _depth=0):
    """True when ``value`` is ``____`` or a list/tuple/dict that holds it (a half-filled answer)."""
    if value is ____:
        return True
    if _depth > 4:
        return False
    if type(value) in (list, tuple):
        return any(contains_placeholder(item, _depth + 1) for item in value)
    if type(value) is dict:
        return any(contains_placeholder(item, _depth + 1) for item in value.values())
    return False
