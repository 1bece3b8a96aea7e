"""The engine's solutions hook: bind_exercises points each problem at its module's solutions file."""

import importlib.util
import json

from learntools.core import ThoughtProblem, ValueProblem, bind_exercises
from learntools.core.solutions import solutions_file

EXERCISE_MODULE = '''
from learntools.core import MultipartProblem, ThoughtProblem, ValueProblem, bind_exercises
__all__ = bind_exercises(globals(), [
    ValueProblem("x", expected=1),
    MultipartProblem(a=ValueProblem("y", expected=2), b=ValueProblem("z", expected=3)),
    ThoughtProblem(points=1),
    ValueProblem("w", expected=4, solution="w = 4  # given here"),
])
'''


def _exercise_module(folder, solutions=None):
    path = folder / "ex9.py"
    path.write_text(EXERCISE_MODULE, encoding="utf-8")
    if solutions is not None:
        solutions_file(path).parent.mkdir()
        solutions_file(path).write_text(json.dumps(solutions), encoding="utf-8")
    spec = importlib.util.spec_from_file_location("ex9_under_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_solutions_come_from_the_modules_solutions_file(tmp_path, capsys):
    module = _exercise_module(tmp_path, {
        "q1": {"code": "x = 1"}, "q2.a": {"code": "y, z = 2, 3"}, "q2.b": {"code": "y, z = 2, 3"},
        "q3": {"markdown": "Because\nof this.\n\nAnd *that*."}, "q4": {"code": "w = 0  # ignored"},
    })
    assert module.q1.solution_code == "x = 1"
    assert module.q2.b.solution_code == "y, z = 2, 3"
    assert module.q3.discussion == "Because\nof this.\n\nAnd *that*."
    assert module.q4.solution_code == "w = 4  # given here", "a solution given to the problem wins"
    module.q2.solution()
    assert capsys.readouterr().out.count("y, z = 2, 3") == 1, "parts answered by one cell show it once"
    module.q3.solution()
    assert "Because of this.\n\nAnd *that*." in capsys.readouterr().out


def test_a_missing_solutions_file_says_so_instead_of_failing(tmp_path, capsys):
    module = _exercise_module(tmp_path)
    module.q1.solution()
    module.q3.solution()
    out = capsys.readouterr().out
    assert "no solution is recorded for this question." in out
    assert "no discussion is recorded for this question." in out


def test_problems_outside_a_module_keep_their_own_solution():
    problem, thought = ValueProblem("v", expected=1, solution="v = 1"), ThoughtProblem(discussion="Think.")
    bind_exercises({}, [problem, thought])  # no __file__: no solutions file
    assert problem.solution_code == "v = 1" and thought.discussion == "Think."
    assert ValueProblem("u", expected=1).solution_code == ""
