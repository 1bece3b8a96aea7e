"""Every question of lesson 02: its solution passes, realistic wrong answers fail with a specific
message, the blank says "not attempted", and hostile answers get a sentence, never a traceback."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from gans_support import (
    HOSTILE,
    assert_correct,
    assert_discussion_revealed,
    assert_hostile_answers_get_a_sentence,
    assert_names_the_line,
    assert_stopped,
    declared_answer,
    evaluate,
    hangs,
    lesson_checks_contract,
    question,
    raises,
    random_state_and_threads_kept,
    returns_nan_grid,
)

from learntools.core import NOT_ATTEMPTED, ____
from learntools.gans.models import conv as reference
from learntools.gans import ex2

KERNEL = ex2.KERNEL
SOLVED = {  # the notebook's names, as the solution notebook defines them
    "torch": torch,
    "F": F,
    "kernel": ex2.KERNEL,
    "image": ex2.IMAGE,
    "small_input": ex2.SMALL_INPUT,
    "y_small": ex2.Y_SMALL,
    "conv_output_size": reference.conv_output_size,
    "conv_transpose_output_size": reference.conv_transpose_output_size,
    "conv2d": reference.conv2d,
    "conv_transpose2d": reference.conv_transpose2d,
    "convolution_matrix": reference.convolution_matrix,
}


# --------------------------------------------------------------------------- wrong learner functions


def conv2d_flipped(image, kernel, stride=1, padding=0):
    return reference.conv2d(image, torch.flip(kernel, (0, 1)), stride, padding)


def conv2d_no_stride(image, kernel, stride=1, padding=0):
    return reference.conv2d(image, kernel, 1, padding)


def conv2d_no_padding(image, kernel, stride=1, padding=0):
    return reference.conv2d(image, kernel, stride, 0)


def conv2d_in_place(image, kernel, stride=1, padding=0):
    result = reference.conv2d(image, kernel, stride, padding)
    image += 1  # changes the caller's tensor
    return result


def conv2d_no_return(image, kernel, stride=1, padding=0):
    reference.conv2d(image, kernel, stride, padding)


def _conv2d_loops(image, kernel, stride, padding, pad=None, loop_short=0, window_step=None, dtype=torch.float32):
    """The learner's double loop, with one knob per realistic slip."""
    padded = F.pad(image, pad if pad is not None else (padding, padding, padding, padding))
    k = kernel.shape[0]
    out_h = (padded.shape[0] - k) // stride + 1
    out_w = (padded.shape[1] - k) // stride + 1
    output = torch.zeros(out_h, out_w, dtype=dtype)
    step = stride if window_step is None else window_step
    for i in range(out_h - loop_short):
        for j in range(out_w - loop_short):
            output[i, j] = (padded[i * step : i * step + k, j * step : j * step + k] * kernel).sum()
    return output


def conv2d_loop_one_short(image, kernel, stride=1, padding=0):
    return _conv2d_loops(image, kernel, stride, padding, loop_short=1)


def conv2d_pad_left_right_only(image, kernel, stride=1, padding=0):
    return _conv2d_loops(image, kernel, stride, padding, pad=(padding, padding))


def conv2d_pad_one_corner(image, kernel, stride=1, padding=0):
    return _conv2d_loops(image, kernel, stride, padding, pad=(padding, 0, padding, 0))


def conv2d_integer_output(image, kernel, stride=1, padding=0):
    return _conv2d_loops(image, kernel, stride, padding, dtype=torch.int64)


def conv2d_window_ignores_stride(image, kernel, stride=1, padding=0):
    return _conv2d_loops(image, kernel, stride, padding, window_step=1)


def _scatter(image, kernel, stride, padding, loop_short=0, dtype=torch.float32):
    k = kernel.shape[0]
    full = torch.zeros((image.shape[0] - 1) * stride + k, (image.shape[1] - 1) * stride + k, dtype=dtype)
    for i in range(image.shape[0] - loop_short):
        for j in range(image.shape[1] - loop_short):
            full[i * stride : i * stride + k, j * stride : j * stride + k] += (image[i, j] * kernel).to(dtype)
    return full[padding : full.shape[0] - padding, padding : full.shape[1] - padding]


def transposed_as_convolution(image, kernel, stride=1, padding=0):
    """A gather (the conv2d of q7 on the input padded by k - 1) where a scatter was asked for."""
    k = kernel.shape[0]
    return _conv2d_loops(image, kernel, 1, k - 1 - padding)


def transposed_loop_one_short(image, kernel, stride=1, padding=0):
    return _scatter(image, kernel, stride, padding, loop_short=1)


def transposed_integer_output(image, kernel, stride=1, padding=0):
    return _scatter(image, kernel, stride, padding, dtype=torch.int64)


def matrix_by_columns(kernel, n):
    """Input pixel (r, c) numbered c·n + r: W built column by column."""
    k = kernel.shape[0]
    m = n - k + 1
    W = torch.zeros(m * m, n * n)
    for i in range(m):
        for j in range(m):
            for a in range(k):
                for b in range(k):
                    W[i * m + j, (j + b) * n + (i + a)] = kernel[a, b]
    return W


def transposed_no_crop(image, kernel, stride=1, padding=0):
    return reference.conv_transpose2d(image, kernel, stride, 0)


def transposed_stride_one(image, kernel, stride=1, padding=0):
    return reference.conv_transpose2d(image, kernel, 1, padding)


def transposed_overwrite(image, kernel, stride=1, padding=0):
    return ex2._overwriting_transpose(image, kernel, stride, padding)


def matrix_transposed(kernel, n):
    return reference.convolution_matrix(kernel, n).T


def matrix_wrong_shape(kernel, n):
    return torch.zeros(n * n, n * n)


def matrix_off_by_one(kernel, n):
    W = reference.convolution_matrix(kernel, n)
    return torch.roll(W, 1, dims=1)


# --------------------------------------------------------------------------- the table

WRONG = {
    "q1": [(-600, "true convolution"), (300, "four pixels"), (1200, "-1.5"), (0.0, "cancel"), (601, "not right")],
    "q2": [
        ([[-600] * 3, [0] * 3, [600] * 3], "sign is flipped"),
        ([[600] * 3, [0] * 3, [600] * 3], "should be negative"),
        (np.zeros((4, 4)), "3×3 positions"),
        ([[600, 600, 600], [0, 0, 0], [-600, -600, -601]], "row 2, column 2"),
        ([[600, 0, -600]] * 3, "transposed"),
    ],
    "q3": [(600, "cross-correlation"), (0, "top row is -1.5"), (-300, "one pixel"), (-601, "not right")],
    "q4": [
        ([[-300, -300], [300, 300]], "rows are swapped"),
        (600, "paints a whole 2×2 patch"),
        ([[1.5, 1.5], [-1.5, -1.5]], "kernel itself"),
        ([[300, 300], [300, 300]], "bottom row should be negative"),
    ],
    "q5": [
        ([[300, 150, 150], [-300, -150, -150], [0, 0, 0]], "add them"),
        ([[300, 300, 150], [-300, -300, -150], [0, 0, 0]], "add them"),
        ([[300, 300, 150, 150], [-300, -300, -150, -150], [0] * 4, [0] * 4], "stride-2 layout"),
        ([[300, 450], [-300, -450]], "shape"),
    ],
    "q6.a": [
        (lambda n, kernel, stride=1, padding=0: (n + 2 * padding - kernel) / stride + 1, "floor division"),
        (lambda n, kernel, stride=1, padding=0: (n + padding - kernel) // stride + 1, "2 × padding"),
        (lambda n, kernel, stride=1, padding=0: (n + 2 * padding - kernel) // stride, "+ 1"),
        (lambda n, kernel, stride=1, padding=0: n + 2 * padding - kernel + 1, "ignores the stride"),
    ],
    "q6.b": [
        (lambda n, kernel, stride=1, padding=0, output_padding=0: (n + 2 * padding - kernel) // stride + 1,
         "convolution formula"),
        (lambda n, kernel, stride=1, padding=0, output_padding=0: n * stride - 2 * padding + kernel + output_padding,
         "n - 1"),
        (lambda n, kernel, stride=1, padding=0, output_padding=0: (n - 1) * stride - 2 * padding + kernel,
         "output_padding"),
        (lambda n, kernel, stride=1, padding=0, output_padding=0: (n - 1) * stride + 2 * padding + kernel + output_padding,
         "subtract 2 × padding"),
    ],
    "q7": [
        (conv2d_flipped, "true convolution"),
        (conv2d_no_stride, "ignores the stride"),
        (conv2d_no_padding, "ignores the padding"),
        (conv2d_in_place, "changed one of its inputs"),
        (conv2d_no_return, "returned None"),
        (conv2d_loop_one_short, "a loop stops one short"),
        (conv2d_pad_left_right_only, "zero padding on the left and right (F.pad with two numbers"),
        (conv2d_pad_one_corner, "zero padding on the left and top only"),
        (conv2d_integer_output, "your result holds integers (torch.int64)"),
        (conv2d_window_ignores_stride, "its windows start at (i, j), 1 pixel apart"),
    ],
    "q8": [
        (transposed_no_crop, "padding (1) was not removed"),
        (transposed_stride_one, "1 pixel apart"),
        (transposed_overwrite, "add them up"),
        (lambda image, kernel, stride=1, padding=0: reference.conv2d(image, kernel, stride, padding), "shape"),
        (transposed_as_convolution, "your result is a convolution (each output cell gathering a window"),
        (transposed_loop_one_short, "stamps of the last input row and column are missing"),
        (transposed_integer_output, "your result holds integers (torch.int64)"),
    ],
    "q9": [
        (matrix_transposed, "W-transpose"),
        (matrix_wrong_shape, "one row per output cell"),
        (matrix_off_by_one, "differs from the expected values"),
        (matrix_by_columns, "you numbered the input pixels column by column"),
    ],
    "q10": [
        ((ex2._W.T @ ex2.Y_SMALL.flatten()).flip(0).reshape(3, 3), "reverse order"),
        ((ex2._W.T @ ex2.Y_SMALL.T.flatten()).reshape(3, 3), "column by column"),
        (ex2._W.T @ ex2.Y_SMALL.flatten(), "right number of values"),
        (reference.conv2d(F.pad(ex2.Y_SMALL, (1, 1, 1, 1)), KERNEL), "flipped kernel"),
        ((torch.linalg.pinv(ex2._W) @ ex2.Y_SMALL.flatten()).reshape(3, 3), "pseudo-inverse"),
    ],
    "q11": [
        (torch.ones(11), "stride = kernel size"),
        (F.conv_transpose1d(torch.ones(1, 1, 5), torch.ones(1, 1, 3), stride=1)[0, 0], "stride 1"),
        (F.conv_transpose1d(torch.ones(1, 1, 5), torch.ones(1, 1, 4), stride=2)[0, 0], "kernel is 3"),
        ([1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1], "differs"),
    ],
}

CHECKED = list(WRONG)


def problem(name):
    return question(ex2, name)


def solution_answer(name):
    """Run the question's declared solution code, the way the solution notebook does."""
    return declared_answer(problem(name), SOLVED)


# --------------------------------------------------------------------------- tests


def test_at_least_eight_checked_questions_each_with_two_hints_and_a_solution():
    assert len(CHECKED) >= 8
    for name in CHECKED + ["q12"]:
        p = problem(name)
        assert len(p.hints) >= (1 if name == "q12" else 2), name
        assert p.solution_code if name != "q12" else p.discussion


@pytest.mark.parametrize("name", CHECKED)
def test_declared_solution_passes(name):
    assert_correct(problem(name), solution_answer(name))


# The tests every lesson passes (wrong answers named, the blank not attempted, ...): see lesson_checks_contract.
globals().update(lesson_checks_contract(ex2, WRONG))


def _starter_with_blank(*args, **kwargs):
    result = ____
    return result


@pytest.mark.parametrize("name", ["q6.a", "q6.b", "q7", "q8", "q9"])
def test_function_starter_with_blank_is_not_attempted(name):
    outcome = evaluate(problem(name), _starter_with_blank)
    assert outcome.status == NOT_ATTEMPTED
    assert "____" in outcome.message


def test_half_filled_grid_is_not_attempted():
    outcome = evaluate(ex2.q2, [[600, ____, ____], [____] * 3, [____] * 3])
    assert outcome.status == NOT_ATTEMPTED


@pytest.mark.parametrize("name", CHECKED)
def test_hostile_answers_get_a_sentence(name):
    assert_hostile_answers_get_a_sentence(problem(name), HOSTILE + [returns_nan_grid])


@pytest.mark.parametrize("name", ["q6.a", "q7", "q8", "q9"])
def test_raising_function_is_named_with_its_line(name):
    assert_names_the_line(evaluate(problem(name), raises))


def test_hanging_function_is_stopped(monkeypatch):
    assert_stopped(problem("q7"), hangs, monkeypatch)


def test_reference_conv_matches_torch_on_random_inputs():
    rng = np.random.default_rng(1)
    for _ in range(30):
        image, kernel, stride, padding = ex2._conv_cases(rng)
        ours = reference.conv2d(image, kernel, stride, padding)
        theirs = F.conv2d(image[None, None], kernel[None, None], stride=stride, padding=padding)[0, 0]
        torch.testing.assert_close(ours, theirs, rtol=1e-5, atol=1e-5)
        image, kernel, stride, padding = ex2._transposed_cases(rng)
        ours = reference.conv_transpose2d(image, kernel, stride, padding)
        theirs = F.conv_transpose2d(image[None, None], kernel[None, None], stride=stride, padding=padding)[0, 0]
        torch.testing.assert_close(ours, theirs, rtol=1e-5, atol=1e-5)


def test_workshop_numbers():
    assert reference.conv2d(ex2.IMAGE, KERNEL)[0, 0] == 600
    assert torch.equal(reference.conv_transpose2d(torch.tensor([[200.0]]), KERNEL),
                       torch.tensor([[300.0, 300.0], [-300.0, -300.0]]))
    flipped = torch.flip(KERNEL, (0, 1))
    assert reference.conv2d(ex2.IMAGE, flipped)[0, 0] == -600


def test_matrix_view_matches_transposed_convolution():
    W = reference.convolution_matrix(KERNEL, 3)
    image = torch.arange(9.0).reshape(3, 3)
    torch.testing.assert_close(W @ image.flatten(), reference.conv2d(image, KERNEL).flatten())
    torch.testing.assert_close((W.T @ ex2.Y_SMALL.flatten()).reshape(3, 3),
                               F.conv_transpose2d(ex2.Y_SMALL[None, None], KERNEL[None, None])[0, 0])


def test_checks_leave_random_state_and_inputs_alone():
    image = ex2.IMAGE.clone()
    with random_state_and_threads_kept():
        for name in CHECKED:
            problem(name).evaluate(solution_answer(name))
    assert torch.equal(ex2.IMAGE, image)


def test_thought_question_reveals_discussion(capsys):
    assert_discussion_revealed(ex2.q12, "checkerboard", capsys)
