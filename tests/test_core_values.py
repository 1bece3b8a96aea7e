"""ValueProblem, and what it stands on: comparison with tolerance, describe(), the ____ blank."""

import copy

import numpy as np
import pytest
import torch
from core_support import (  # noqa: F401  (fixtures)
    TIMEOUT,
    BadEverything,
    BadListLen,
    assert_clear,
    bind,
    hostile_values,
    random_state,
    terminal,
)

from learntools.core import (
    CHECKER_ERROR,
    CORRECT,
    INCORRECT,
    NOT_ATTEMPTED,
    Incorrect,
    Mismatch,
    Outcome,
    Problem,
    ValueProblem,
    ____,
    compare_arrays,
    current_timeout,
    describe,
    format_number,
    is_placeholder,
    known_mistakes,
    to_numpy,
    values_match,
)
from learntools.core.placeholder import code_uses_placeholder, contains_placeholder

GRID = torch.tensor([[600.0, 600.0, 600.0], [0.0, 0.0, 0.0], [-600.0, -600.0, -600.0]])


def number_question():
    return ValueProblem(
        var="top_left",
        expected=600.0,
        test=known_mistakes([(-600.0, "-600 is the flipped kernel: deep-learning convolution does not flip.")]),
        timeout=TIMEOUT,
    )


def grid_question():
    return ValueProblem(
        var="grid",
        expected=GRID,
        test=known_mistakes([(-GRID, "every sign is flipped: you computed a true convolution.")]),
        timeout=TIMEOUT,
    )


# =============================================================================== right answers


@pytest.mark.parametrize(
    "answer",
    [600, 600.0, 600.000001, np.float32(600), np.int64(600), np.array(600.0), torch.tensor(600.0),
     torch.tensor(600, dtype=torch.int32), torch.tensor(600.0, dtype=torch.float64)],
    ids=lambda a: type(a).__name__,
)
def test_number_right(answer):
    outcome = number_question().evaluate(answer)
    assert outcome.status == CORRECT, outcome


@pytest.mark.parametrize(
    "answer",
    [GRID, GRID.tolist(), GRID.numpy(), GRID.numpy().astype(np.float32), GRID.double(), GRID.int(),
     GRID.clone().requires_grad_(True), GRID + 1e-6 + GRID * 1e-6, tuple(tuple(row) for row in GRID.tolist())],
    ids=["tensor", "list", "numpy", "float32", "float64", "int", "requires_grad", "within_tolerance", "tuples"],
)
def test_array_right(answer):
    outcome = grid_question().evaluate(answer)
    assert outcome.status == CORRECT, outcome


def test_right_answer_through_the_binder(bind):
    bind(top_left=600)
    assert number_question().evaluate().status == CORRECT


def test_tolerance_is_configurable():
    loose = ValueProblem("x", expected=1.0, rtol=0, atol=0.1)
    assert loose.evaluate(1.09).status == CORRECT
    assert loose.evaluate(1.11).status == INCORRECT
    exact = ValueProblem("x", expected=1.0, rtol=0, atol=0)
    assert exact.evaluate(1.0 + 1e-12).status == INCORRECT


# =============================================================================== wrong answers


def test_wrong_number_says_what_it_got():
    outcome = number_question().evaluate(599.0)
    assert outcome.status == INCORRECT
    assert_clear(outcome.message, "599", "`top_left`")


def test_largest_difference_is_taken_among_the_wrong_places():
    # 600.005 is within rtol of 600; the one real mistake is 0.001 where 0 is expected.
    answer = GRID.double() + torch.tensor([[0.005, 0.0, 0.0], [0.0, 0.001, 0.0], [0.0, 0.0, 0.0]], dtype=torch.float64)
    outcome = grid_question().evaluate(answer)
    assert_clear(outcome.message, "1 of 9", "0.001 at index (1, 1)")


def test_just_outside_tolerance_is_wrong():
    assert number_question().evaluate(600.1).status == INCORRECT


def test_mistake_gives_its_specific_message():
    outcome = number_question().evaluate(-600)
    assert outcome.status == INCORRECT
    assert outcome.message == "-600 is the flipped kernel: deep-learning convolution does not flip."


def test_mistake_matches_arrays_of_any_kind():
    for answer in (-GRID, (-GRID).numpy(), (-GRID).tolist()):
        assert grid_question().evaluate(answer).message.startswith("every sign is flipped")


def test_mistake_that_equals_the_expected_value_never_fires():
    problem = ValueProblem("x", expected=2.0, test=known_mistakes([(2.0, "this mistake is the right answer")]))
    assert problem.evaluate(2.0).status == CORRECT


def test_first_matching_mistake_wins():
    problem = ValueProblem("x", expected=1.0, test=known_mistakes([(3.0, "first"), (3.0, "second")]))
    assert problem.evaluate(3.0).message == "first"


def test_wrong_values_report_shape_dtype_and_largest_difference():
    answer = GRID.clone()
    answer[2, 1] = -500.0
    answer[0, 0] = 601.0
    outcome = grid_question().evaluate(answer)
    assert outcome.status == INCORRECT
    assert_clear(outcome.message, "(3, 3)", "torch.float32", "2 of 9", "100", "(2, 1)", "-500")


def test_numpy_dtype_is_reported():
    answer = GRID.numpy().astype(np.int64)
    answer[1, 1] = 7
    assert_clear(grid_question().evaluate(answer).message, "int64", "7", "(1, 1)")


def test_wrong_shape_reports_both_shapes():
    outcome = grid_question().evaluate(torch.zeros(4, 4))
    assert outcome.status == INCORRECT
    assert_clear(outcome.message, "(4, 4)", "(3, 3)")


def test_same_size_other_shape_suggests_reshape():
    outcome = grid_question().evaluate(GRID.flatten())
    assert_clear(outcome.message, "(9,)", "(3, 3)", "reshape")


def test_array_where_a_number_is_expected():
    assert_clear(number_question().evaluate([600.0, 600.0]).message, "(2,)", "()")


@pytest.mark.parametrize("bad, word", [(float("nan"), "NaN"), (float("inf"), "inf"), (float("-inf"), "inf")])
def test_nan_and_inf_are_named(bad, word):
    answer = GRID.clone()
    answer[1, 2] = bad
    outcome = grid_question().evaluate(answer)
    assert outcome.status == INCORRECT
    assert_clear(outcome.message, word, "1 of 9")


def test_nan_number():
    outcome = number_question().evaluate(float("nan"))
    assert outcome.status == INCORRECT
    assert_clear(outcome.message, "NaN")


def test_ragged_list():
    outcome = grid_question().evaluate([[600.0, 600.0, 600.0], [0.0], [-600.0]])
    assert outcome.status == INCORRECT
    assert_clear(outcome.message, "ragged")


@pytest.mark.parametrize(
    "answer, observed",
    [("600", "string '600'"), (None, "None"), (True, "boolean"), ({"a": 1}, "dict"),
     (600 + 0j, "complex"), (np.array(600 + 5j), "complex"), (torch.tensor(600 + 5j), "complex")],
    ids=["str", "None", "bool", "dict", "complex", "complex_array", "complex_tensor"],
)
def test_wrong_type_names_the_type(answer, observed):
    outcome = number_question().evaluate(answer)
    assert outcome.status == INCORRECT, outcome
    assert_clear(outcome.message, observed, "a number was expected")


def test_custom_test_hook():
    def test(answer):
        if answer != "cross-correlation":
            raise Incorrect(f"you said {answer!r}.")
        return "yes: no flip."

    problem = ValueProblem("kind", test=test)
    assert problem.evaluate("cross-correlation") == Outcome(CORRECT, "yes: no flip.")
    assert problem.evaluate("convolution").message == "you said 'convolution'."
    assert problem.evaluate(____).status == NOT_ATTEMPTED


def test_with_an_expected_value_the_test_only_names_mistakes():
    seen = []

    def test(answer):
        seen.append(answer)
        if answer == 7.0:
            raise Incorrect("7 is the sum, not the product.")

    problem = ValueProblem("x", expected=12.0, test=test)
    assert problem.evaluate(12.0).status == CORRECT and seen == []  # right answers never reach it
    assert problem.evaluate(7.0).message == "7 is the sum, not the product."
    # No row fits: the comparison speaks, as it does without a test.
    assert problem.evaluate(5.0) == ValueProblem("x", expected=12.0).evaluate(5.0)


def test_a_plain_problem_is_its_test_with_the_blank_handled():
    timeouts = []

    def test(answer):
        timeouts.append(current_timeout())
        if not callable(answer):
            raise Incorrect("give a function.")
        return "a function, as asked."

    problem = Problem(var="f", test=test, timeout=3.5)
    assert problem.evaluate(len) == Outcome(CORRECT, "a function, as asked.")
    assert problem.evaluate(5).message == "give a function."
    assert problem.evaluate(____).status == NOT_ATTEMPTED
    assert timeouts == [3.5, 3.5] and current_timeout() == 10.0  # the problem's limit, only while it checks


def test_several_variables_at_once(bind):
    problem = ValueProblem(var=("height", "width"), expected=[3, 3])
    bind(height=3, width=3)
    assert problem.evaluate().status == CORRECT
    bind(height=3, width=4)
    assert_clear(problem.evaluate().message, "`height, width`")
    bind(height=3)
    outcome = problem.evaluate()
    assert outcome.status == NOT_ATTEMPTED
    assert_clear(outcome.message, "`width`")
    bind(height=3, width=____)
    assert problem.evaluate().status == NOT_ATTEMPTED


# =============================================================================== unattempted


@pytest.mark.parametrize(
    "answer", [____, [____, 600.0], (600.0, ____), [[600.0], [____]], {"a": ____}],
    ids=["blank", "list", "tuple", "nested", "dict"],
)
def test_blank_is_not_attempted_not_incorrect(answer):
    outcome = grid_question().evaluate(answer)
    assert outcome.status == NOT_ATTEMPTED
    assert_clear(outcome.message, "`____`", "`grid`")


def test_blank_through_the_binder(bind):
    bind(top_left=____)
    outcome = number_question().evaluate()
    assert outcome.status == NOT_ATTEMPTED
    assert "Incorrect" not in outcome.text()


# =============================================================================== hostile values


@pytest.mark.parametrize("make", [m for _, m in hostile_values()], ids=[i for i, _ in hostile_values()])
@pytest.mark.parametrize("question", [number_question, grid_question], ids=["number", "grid"])
def test_hostile_value_gets_one_clear_sentence(make, question, bind, terminal, capfd):
    value = make()
    problem = question()
    outcome = problem.evaluate(value)
    assert outcome.status in (INCORRECT, NOT_ATTEMPTED), outcome
    assert_clear(outcome.message)
    bind(**{problem.var: value})
    problem.check()  # shown, never raised
    out, err = capfd.readouterr()
    assert err == ""
    assert out.startswith("Incorrect: ") and "Traceback" not in out


@pytest.mark.parametrize("make", [m for _, m in hostile_values()], ids=[i for i, _ in hostile_values()])
def test_describe_never_raises(make):
    text = describe(make())
    assert isinstance(text, str) and 0 < len(text) < 120


def test_hostile_value_inside_a_list():
    outcome = grid_question().evaluate([BadListLen([1.0]), [1.0], [1.0]])
    assert outcome.status == INCORRECT
    assert_clear(outcome.message)


def test_value_check_does_not_change_the_answer_or_random_state():
    answer = GRID.clone().requires_grad_(True)
    answer.grad = torch.ones(3, 3)
    before = (answer.detach().clone(), answer.grad.clone(), answer.requires_grad)
    state = random_state()
    array = GRID.numpy().copy()
    array[0, 0] = 1.0
    array_before = array.copy()
    grid_question().evaluate(answer)
    grid_question().evaluate(array)
    assert torch.equal(answer.detach(), before[0]) and torch.equal(answer.grad, before[1])
    assert answer.requires_grad is before[2]
    assert np.array_equal(array, array_before)
    assert random_state() == state


# =============================================================================== compare.py


def test_compare_arrays_passes_quietly_and_raises_mismatch():
    assert compare_arrays([1.0, 2.0], torch.tensor([1.0, 2.0])) is None
    with pytest.raises(Mismatch) as error:
        compare_arrays([1.0, 3.0], [1.0, 2.0], name="`y`")
    assert_clear(str(error.value), "`y`", "1 of 2", "(1,)")


def test_nan_where_nan_is_expected_is_fine():
    assert values_match([float("nan"), 1.0], [float("nan"), 1.0])
    assert not values_match([float("nan"), 1.0], [0.0, 1.0])


def test_values_match_is_false_for_non_numbers():
    for value in ("1", None, object(), [1, "2"], BadEverything(), BadListLen([1.0])):
        assert values_match(value, 1.0) is False


def test_to_numpy_copies():
    for source in (torch.tensor([1.0, 2.0], dtype=torch.float64), np.array([1.0, 2.0])):
        array = to_numpy(source)
        array[0] = 99.0
        assert float(source[0]) == 1.0


def test_to_numpy_refuses_what_is_not_numbers():
    for value in (True, "1", None, [1, None], np.array(["a"]), 1 + 2j, torch.tensor([1j])):
        with pytest.raises(TypeError):
            to_numpy(value)


@pytest.mark.parametrize(
    "x, text", [(600.0, "600"), (-3, "-3"), (0.1234567891, "0.123457"), (1e20, "1e+20"),
                (float("nan"), "nan"), (float("inf"), "inf")]
)
def test_format_number(x, text):
    assert format_number(x) == text


def test_describe_common_values():
    assert describe(____) == "the blank `____`"
    assert describe(torch.zeros(3, 3)) == "a tensor of shape (3, 3), dtype torch.float32"
    assert describe(np.zeros(4)) == "a numpy array of shape (4,), dtype float64"
    assert describe([1, 2]) == "a list of 2 items"
    assert describe((1,)) == "a tuple of 1 item"
    assert describe(torch.nn.ReLU()) == "a ReLU module"
    assert describe(len) == "the callable len"
    assert describe(torch.tensor(2.5)) == "a 0-d tensor (2.5)"
    assert len(describe("x" * 10_000)) < 100


# =============================================================================== the blank


def test_placeholder_is_one_object_that_survives_copies():
    from learntools.core.placeholder import Placeholder

    assert Placeholder() is ____
    assert copy.copy(____) is ____ and copy.deepcopy([____])[0] is ____
    assert repr(____) == "____"
    assert is_placeholder(____) and not is_placeholder(None) and not is_placeholder("____")


def test_placeholder_in_a_condition_says_what_to_do():
    with pytest.raises(TypeError, match="blank to fill in"):
        if ____:
            pass


def test_contains_placeholder():
    assert contains_placeholder([1, [2, (3, ____)]])
    assert not contains_placeholder([1, 2, "____"])
    assert not contains_placeholder(BadListLen([____]))  # never calls learner methods


def test_code_uses_placeholder():
    def blank():
        return ____ + 1

    def nested():
        return [____ for _ in range(2)]

    def inner_function():
        def helper():
            return ____

        return helper()

    def filled():
        blank_name = "____"
        return blank_name

    class Model(torch.nn.Module):
        def forward(self, x):
            return x * ____

    class Done(torch.nn.Module):
        def forward(self, x):
            return x

    assert code_uses_placeholder(blank)
    assert code_uses_placeholder(nested)
    assert code_uses_placeholder(inner_function)
    assert code_uses_placeholder(lambda: ____)
    assert code_uses_placeholder(Model)
    assert not code_uses_placeholder(filled)
    assert not code_uses_placeholder(Done)
    assert not code_uses_placeholder(len)
    assert not code_uses_placeholder(BadEverything())


def test_checker_error_is_reported_as_a_course_bug_not_a_traceback():
    problem = ValueProblem("x", test=lambda answer: 1 / 0)
    outcome = problem.evaluate(5)
    assert outcome.status == CHECKER_ERROR
    assert_clear(outcome.message, "ZeroDivisionError", "bug in the course")


def test_success_line_is_shown_when_the_check_returns_no_message():
    from learntools.core import CORRECT, ValueProblem

    problem = ValueProblem("x", expected=3.0, hints=["a", "b"], success="3 is the answer: worth remembering why.")
    outcome = problem.evaluate(3.0)
    assert outcome.status == CORRECT and outcome.message == "3 is the answer: worth remembering why."
    assert ValueProblem("x", expected=3.0, hints=["a", "b"]).evaluate(3.0).message == ""
