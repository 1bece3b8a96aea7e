"""Where ``solution()`` finds its answer: the exercise module's solutions file, written by the course's build.

An exercise module ``package/exN.py`` that names its problems with ``bind_exercises(globals(), ...)`` gets
its solutions from ``package/solutions/exN.json``, one entry per question name::

    {"q1": {"code": "x = 1"}, "q5.a": {"code": "..."}, "q6": {"markdown": "A discussion ..."}}

The file is read the first time a solution is asked for; a missing file or entry gives an empty solution.
"""

import json
import pathlib


def solutions_file(module_file):
    """The solutions file of the exercise module at ``module_file``."""
    path = pathlib.Path(module_file)
    return path.parent / "solutions" / f"{path.stem}.json"


class SolutionBook:
    """The solutions of one exercise module, read lazily from its solutions file."""

    def __init__(self, path):
        self.path = pathlib.Path(path)
        self._entries = None

    def entry(self, name):
        """The entry of question ``name`` ({"code": ...} or {"markdown": ...}), or {}."""
        if self._entries is None:
            try:
                self._entries = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self._entries = {}
        return self._entries.get(name, {})
