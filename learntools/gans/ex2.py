"""Lesson 02 checks: convolution and transposed convolution, by hand and in code."""

import numpy as np
import torch
import torch.nn.functional as F

from learntools.core import (
    FunctionProblem,
    Incorrect,
    MultipartProblem,
    ThoughtProblem,
    ValueProblem,
    bind_exercises,
    describe,
    known_mistakes,
    values_match,
    ____,
)
from learntools.gans.models import conv as reference

# The workshop's numbers: a bright first row over a dark second row, and an edge-detecting kernel.
IMAGE = torch.tensor(
    [
        [200.0, 200.0, 200.0, 200.0],
        [0.0, 0.0, 0.0, 0.0],
        [0.0, 0.0, 0.0, 0.0],
        [200.0, 200.0, 200.0, 200.0],
    ]
)
KERNEL = torch.tensor([[1.5, 1.5], [-1.5, -1.5]])
FLIPPED_KERNEL = torch.flip(KERNEL, dims=(0, 1))
SMALL_INPUT = torch.tensor([[200.0, 100.0], [0.0, 0.0]])  # for the transposed convolution by hand
MATRIX_IMAGE = torch.arange(1.0, 10.0).reshape(3, 3)  # a 3x3 image for the matrix view
Y_SMALL = torch.tensor([[1.0, 2.0], [3.0, 4.0]])  # a 2x2 "output" to send back through W-transpose

CONV_OUTPUT = reference.conv2d(IMAGE, KERNEL)  # [[600]*3, [0]*3, [-600]*3]


def _grid(value):
    return torch.as_tensor(value, dtype=torch.float64)


# ------------------------------------------------------------------ q1: the top-left cell by hand

top_left_question = ValueProblem(
    var="top_left",
    expected=600.0,
    test=known_mistakes([
        (-600.0, "you get -600, which is what a true convolution gives: it flips the kernel first. "
                 "Deep-learning convolution does not flip: multiply each pixel by the kernel weight on top of it."),
        (300.0, "300 is one pixel's share (200 × 1.5). The 2×2 kernel covers four pixels: add all four products."),
        (1200.0, "1200 = 4 × 200 × 1.5 uses +1.5 for every weight. The bottom row of the kernel is -1.5, "
                 "and the pixels under it are 0."),
        (0.0, "0 would mean the bright and dark rows cancel. Under the kernel's top row (+1.5) are two 200s, "
              "under its bottom row (-1.5) two 0s."),
    ]),
    hints=[
        "Put the 2×2 kernel on the top-left 2×2 corner of the image. Multiply each pixel by the kernel "
        "weight on top of it, then add the four products.",
        "The window is [[200, 200], [0, 0]] and the kernel is [[1.5, 1.5], [-1.5, -1.5]]: "
        "200×1.5 + 200×1.5 + 0×(-1.5) + 0×(-1.5).",
    ],
    success="1.5·200 + 1.5·200 − 1.5·0 − 1.5·0 = 600: a deep-learning \"convolution\" slides the kernel without flipping it (cross-correlation).",
)


# ------------------------------------------------------------------ q2: the whole output by hand


def _check_conv_grid(answer):
    """Accept the 3x3 output; name the mistake behind a wrong grid."""
    expected = CONV_OUTPUT
    if values_match(answer, expected):
        return None
    if values_match(answer, -expected):
        raise Incorrect("every sign is flipped: you computed a true convolution (kernel flipped). "
                        "Cross-correlation keeps the kernel as it is.")
    if values_match(answer, expected.abs()):
        raise Incorrect("the bottom row should be negative: there the dark row is above the bright one, "
                        "so the kernel's -1.5 row meets the 200s.")
    if values_match(answer, expected.T):
        raise Incorrect("your grid is transposed: row i of the output comes from rows i and i+1 of the image.")
    try:
        array = np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError):
        raise Incorrect(f"`conv_output` should be a 3×3 grid of numbers (a list of lists, an array or a tensor), "
                        f"but it is {describe(answer)}.") from None
    if array.shape in ((4, 4), (5, 5)):
        raise Incorrect(f"your grid is {array.shape[0]}×{array.shape[1]}, but a 2×2 kernel fits in a 4×4 image "
                        "only at 3×3 positions (no padding): 4 - 2 + 1 = 3.")
    if array.shape != (3, 3):
        raise Incorrect(f"your grid has shape {array.shape}; the output of a 2×2 kernel on a 4×4 image is 3×3.")
    if not np.isfinite(array).all():
        raise Incorrect("your grid contains NaN or inf.")
    wrong = np.argwhere(~np.isclose(array, expected.numpy()))
    r, c = (int(v) for v in wrong[0])
    raise Incorrect(f"{len(wrong)} of 9 cells are off; the first is row {r}, column {c}: you have "
                    f"{array[r, c]:g}. Slide the kernel so its top-left is on image pixel ({r}, {c}).")


conv_grid_question = ValueProblem(
    var="conv_output",
    test=_check_conv_grid,
    hints=[
        "Slide the kernel one pixel at a time, left to right, then down. Each position gives one output "
        "cell. A 2×2 kernel fits 3 times across a 4-pixel row, so the output is 3×3.",
        "The kernel subtracts the row below from the row above (×1.5 each): bright over dark gives +600, "
        "dark over dark 0, dark over bright -600.",
    ],
    success="each output is one 2×2 window times the kernel, summed: +600 where bright sits above dark, −600 where dark sits above bright, 0 on flat rows.",
)


# ------------------------------------------------------------------ q3: a true convolution flips

true_convolution_question = ValueProblem(
    var="true_convolution_top_left",
    expected=-600.0,
    test=known_mistakes([
        (600.0, "600 is the cross-correlation (no flip). A true convolution flips the kernel upside down "
                "and left to right before sliding it."),
        (0.0, "0 is not it: after the flip, the kernel's top row is -1.5 and sits on the two 200s."),
        (-300.0, "-300 is one pixel's share; add the four products of the flipped kernel with the window."),
    ]),
    hints=[
        "Flip the kernel both ways (rows and columns): [[1.5, 1.5], [-1.5, -1.5]] becomes "
        "[[-1.5, -1.5], [1.5, 1.5]]. Then do exactly what you did in q1.",
        "200×(-1.5) + 200×(-1.5) + 0×1.5 + 0×1.5.",
    ],
    success="flipping the kernel flips the sign here, −600: PyTorch's Conv2d is cross-correlation, and learned kernels don't care which.",
)


# ------------------------------------------------------------------ q4: transposed, one pixel

single_pixel_question = ValueProblem(
    var="transposed_single",
    expected=torch.tensor([[300.0, 300.0], [-300.0, -300.0]]),
    test=known_mistakes([
        (torch.tensor([[-300.0, -300.0], [300.0, 300.0]]),
         "the rows are swapped (signs flipped): a transposed convolution paints the kernel as it is, "
         "so the top row stays +1.5 × 200."),
        (600.0, "600 is a sum. A transposed convolution doesn't add the products up: one input pixel "
                "paints a whole 2×2 patch, pixel × kernel."),
        (torch.tensor([[1.5, 1.5], [-1.5, -1.5]]), "that is the kernel itself; multiply it by the pixel (200)."),
        (torch.tensor([[300.0, 300.0], [300.0, 300.0]]), "the bottom row should be negative: the kernel's bottom row is -1.5."),
    ]),
    hints=[
        "In a transposed convolution each input pixel stamps a copy of the kernel, scaled by the pixel's "
        "value, onto the output.",
        "200 × [[1.5, 1.5], [-1.5, -1.5]].",
    ],
    success="a transposed convolution stamps the kernel, scaled by the pixel, onto the output: 200 × kernel.",
)


# ------------------------------------------------------------------ q5: transposed, overlaps add

TRANSPOSED_SMALL = reference.conv_transpose2d(SMALL_INPUT, KERNEL)  # [[300, 450, 150], [-300, -450, -150], [0, 0, 0]]

transposed_grid_question = ValueProblem(
    var="transposed_output",
    expected=TRANSPOSED_SMALL,
    test=known_mistakes([
        (torch.tensor([[300.0, 150.0, 150.0], [-300.0, -150.0, -150.0], [0.0, 0.0, 0.0]]),
         "the middle column is where the two stamps overlap: add them (300 + 150), don't let the second overwrite the first."),
        (torch.tensor([[300.0, 300.0, 150.0], [-300.0, -300.0, -150.0], [0.0, 0.0, 0.0]]),
         "the middle column is where the two stamps overlap: add them (300 + 150), don't keep only the first."),
        (torch.tensor([[300.0, 300.0, 150.0, 150.0], [-300.0, -300.0, -150.0, -150.0],
                       [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]]),
         "that is the stride-2 layout (stamps side by side). Here the stride is 1: neighbouring stamps "
         "overlap by one column, so the output is 3×3."),
    ]),
    hints=[
        "The 200 stamps 200 × kernel on output rows 0-1, columns 0-1; the 100 stamps 100 × kernel on rows "
        "0-1, columns 1-2; the zeros stamp zeros. Where stamps overlap, add.",
        "Row 0: [300, 300 + 150, 150]; row 1: [-300, -300 - 150, -150]; row 2 only gets zeros.",
    ],
    success="where two stamps overlap, their values add: every input pixel scatters a scaled copy of the kernel.",
)


# ------------------------------------------------------------------ q6: output sizes


def _int_result(got, expected):
    """Sizes must be whole numbers: reject floats with a message about floor division."""
    if isinstance(got, float) and not float(got).is_integer():
        raise Incorrect(f"it returned {got}, a fraction: a size is a whole number. Use floor division `//`.")
    if isinstance(got, bool) or not isinstance(got, (int, np.integer, float)):
        raise Incorrect(f"it returned {describe(got)}; it should return an int.")


def _size_cases(rng):
    kernel = int(rng.integers(1, 6))
    stride = int(rng.integers(1, 4))
    padding = int(rng.integers(0, kernel))
    n = int(rng.integers(kernel, 40))
    return n, kernel, stride, padding


def _conv_size_diagnose(args, got, expected):
    _int_result(got, expected)
    n, k, s, p = args
    if got == (n + p - k) // s + 1 and got != expected:
        raise Incorrect(f"you got {got}, which counts the padding once; padding is added on both sides: 2 × padding.")
    if got == (n + 2 * p - k) // s and got != expected:
        raise Incorrect(f"you got {got}, one short: the kernel's first position counts too (the `+ 1`).")
    if got == n + 2 * p - k + 1 and got != expected:
        raise Incorrect(f"you got {got}: that ignores the stride; divide by it (floor division) before adding 1.")


conv_size_part = FunctionProblem(
    var="conv_output_size",
    reference=reference.conv_output_size,
    cases=[(4, 2, 1, 0), (28, 4, 2, 1), (5, 3, 2, 1), (7, 3, 1, 1), (10, 3, 3, 0)],
    random_cases=_size_cases,
    n_random=40,
    test=_conv_size_diagnose,
    hints=[
        "Pad the input: it becomes n + 2·padding long. The kernel fits at positions 0, stride, 2·stride, ... "
        "as long as it stays inside.",
        "(n + 2 * padding - kernel) // stride + 1",
    ],
    success="⌊(n + 2p − k)/s⌋ + 1: the number of places the kernel fits in the padded input.",
)


def _transposed_size_cases(rng):
    kernel = int(rng.integers(1, 6))
    stride = int(rng.integers(1, 4))
    padding = int(rng.integers(0, kernel))
    n = int(rng.integers(1, 30))
    output_padding = int(rng.integers(0, stride))
    return n, kernel, stride, padding, output_padding


def _transposed_size_diagnose(args, got, expected):
    _int_result(got, expected)
    n, k, s, p, op = args
    if got == (n + 2 * p - k) // s + 1 and got != expected:
        raise Incorrect(f"you got {got}: that is the convolution formula. A transposed convolution goes the other way: (n - 1) × stride ...")
    if got == n * s - 2 * p + k + op and got != expected:
        raise Incorrect(f"you got {got}: the stride multiplies the gaps between input pixels, n - 1 of them, not n.")
    if got == (n - 1) * s - 2 * p + k and got != expected:
        raise Incorrect(f"you got {got}: output_padding ({op}) adds that many rows at the end; include it.")
    if got == (n - 1) * s + 2 * p + k + op and got != expected:
        raise Incorrect(f"you got {got}: in a transposed convolution, padding removes rows: subtract 2 × padding.")


transposed_size_part = FunctionProblem(
    var="conv_transpose_output_size",
    reference=reference.conv_transpose_output_size,
    cases=[(1, 2, 1, 0, 0), (7, 4, 2, 1, 0), (14, 4, 2, 1, 0), (3, 3, 2, 1, 1), (1, 7, 1, 0, 0)],
    random_cases=_transposed_size_cases,
    n_random=40,
    test=_transposed_size_diagnose,
    hints=[
        "Input pixels land `stride` apart on the output, so the n pixels span (n - 1) × stride; each paints "
        "a kernel-sized stamp. Padding then trims the border, and output_padding adds rows at the end.",
        "(n - 1) * stride - 2 * padding + kernel + output_padding",
    ],
    success="(n − 1)·s − 2p + k: the transposed convolution runs the convolution's size formula backwards.",
)

sizes_question = MultipartProblem(a=conv_size_part, b=transposed_size_part)


# ------------------------------------------------------------------ q7: conv2d from scratch


def _conv_cases(rng):
    k = int(rng.integers(1, 5))
    stride = int(rng.integers(1, 3))
    padding = int(rng.integers(0, k))
    size = int(rng.integers(k, max(k + 1, 6)))
    image = torch.tensor(rng.normal(size=(size, size)), dtype=torch.float32)
    kernel = torch.tensor(rng.normal(size=(k, k)), dtype=torch.float32)
    return image, kernel, stride, padding


def _torch_conv2d(image, kernel, stride=1, padding=0):
    """The answer the checks compare with. Equal to torch's F.conv2d on one channel (tested), and
    faster than it on tiny inputs."""
    return reference.conv2d(image, kernel, stride, padding)


def _reject_integer_grid(got, output):
    """A grid of integers: the sums were cut to whole numbers when written into an int tensor."""
    if isinstance(got, torch.Tensor) and not got.is_floating_point() and not got.is_complex():
        dtype = got.dtype
    elif isinstance(got, np.ndarray) and np.issubdtype(got.dtype, np.integer):
        dtype = got.dtype
    else:
        return
    raise Incorrect(f"your result holds integers ({dtype}), so every value written into it was cut to a whole "
                    f"number: make `{output}` a float tensor, `torch.zeros(h, w)` (no integer dtype).")


def _loop_one_short(got, expected):
    """The result of loops that stop one short: the last row and column never written (still 0), or left out."""
    if expected.ndim != 2 or min(expected.shape) < 2:
        return False
    zeroed = expected.clone()
    zeroed[-1, :], zeroed[:, -1] = 0, 0
    return values_match(got, zeroed) or values_match(got, expected[:-1, :-1])


def _one_side_paddings(padding):
    """F.pad arguments (left, right, top, bottom) that pad only some sides, with what they leave out."""
    p = padding
    return [((p, p), "the left and right (F.pad with two numbers pads the last dimension only)"),
            ((0, 0, p, p), "the top and bottom"),
            ((p, 0, p, 0), "the left and top"),
            ((0, p, 0, p), "the right and bottom")]


def _conv2d_diagnose(args, got, expected):
    image, kernel, stride, padding = args
    if not isinstance(got, (torch.Tensor, np.ndarray)):
        raise Incorrect(f"it returned {describe(got)}; return a 2-D tensor.")
    _reject_integer_grid(got, "output")
    if values_match(got, _torch_conv2d(image, torch.flip(kernel, (0, 1)), stride, padding)) and not values_match(got, expected):
        raise Incorrect("your result is the true convolution (kernel flipped). Deep-learning conv2d is cross-correlation: don't flip.")
    if stride > 1 and values_match(got, _torch_conv2d(image, kernel, 1, padding)):
        raise Incorrect(f"your output ignores the stride ({stride}): move the window {stride} pixels at a time.")
    if padding > 0 and values_match(got, _torch_conv2d(image, kernel, stride, 0)):
        raise Incorrect(f"your output ignores the padding ({padding}): pad the image with zeros on every side first.")
    for sides, named in _one_side_paddings(padding) if padding > 0 else []:
        if values_match(got, _torch_conv2d(F.pad(image, sides), kernel, stride, 0)):
            raise Incorrect(f"your output is what zero padding on {named} only gives: pad all four sides, "
                            f"`F.pad(image, (p, p, p, p))` (left, right, top, bottom).")
    if stride > 1 and values_match(got, _torch_conv2d(image, kernel, 1, padding)[: expected.shape[0], : expected.shape[1]]):
        raise Incorrect(f"your output has the right size, but its windows start at (i, j), 1 pixel apart: with stride "
                        f"{stride} the window of output (i, j) starts at (i·stride, j·stride), "
                        "`padded[i*stride : i*stride + k, j*stride : j*stride + k]`.")
    if _loop_one_short(got, expected):
        raise Incorrect(f"your last output row and column are missing or still 0: a loop stops one short. The output "
                        f"is {tuple(expected.shape)}; loop `for i in range(out_h)`, `for j in range(out_w)`.")


conv2d_question = FunctionProblem(
    var="conv2d",
    reference=_torch_conv2d,
    arg_names=["image", "kernel", "stride", "padding"],
    cases=[(IMAGE, KERNEL, 1, 0), (IMAGE, KERNEL, 2, 0), (IMAGE, KERNEL, 1, 1), (IMAGE, KERNEL, 2, 1)],
    random_cases=_conv_cases,
    n_random=6,
    test=_conv2d_diagnose,
    hints=[
        "Pad first (`torch.nn.functional.pad(image, (p, p, p, p))`), compute the output size with your "
        "`conv_output_size`, then for each output cell (i, j) take the window starting at "
        "(i·stride, j·stride) and sum window × kernel.",
        "window = padded[i*stride : i*stride + k, j*stride : j*stride + k]; output[i, j] = (window * kernel).sum()",
    ],
    success="your loops match F.conv2d: pad, slide the window stride pixels at a time, multiply and sum.",
)


# ------------------------------------------------------------------ q8: conv_transpose2d from scratch


def _torch_conv_transpose2d(image, kernel, stride=1, padding=0):
    """Equal to torch's F.conv_transpose2d on one channel (tested)."""
    return reference.conv_transpose2d(image, kernel, stride, padding)


def _transposed_cases(rng):
    k = int(rng.integers(2, 5))
    stride = int(rng.integers(1, 3))
    padding = int(rng.integers(0, k - 1))
    size = int(rng.integers(1, 5))
    image = torch.tensor(rng.normal(size=(size, size)), dtype=torch.float32)
    kernel = torch.tensor(rng.normal(size=(k, k)), dtype=torch.float32)
    return image, kernel, stride, padding


def _overwriting_transpose(image, kernel, stride, padding):
    """The classic mistake: stamps overwrite each other instead of adding."""
    k = kernel.shape[0]
    full = torch.zeros((image.shape[0] - 1) * stride + k, (image.shape[1] - 1) * stride + k)
    for i in range(image.shape[0]):
        for j in range(image.shape[1]):
            full[i * stride : i * stride + k, j * stride : j * stride + k] = image[i, j] * kernel
    return full[padding : full.shape[0] - padding, padding : full.shape[1] - padding]


def _conv_transpose2d_diagnose(args, got, expected):
    image, kernel, stride, padding = args
    if not isinstance(got, (torch.Tensor, np.ndarray)):
        raise Incorrect(f"it returned {describe(got)}; return a 2-D tensor.")
    _reject_integer_grid(got, "full")
    k = kernel.shape[0]
    if min(image.shape) > 1:
        unstamped = image.clone()
        unstamped[-1, :], unstamped[:, -1] = 0, 0  # the last input row and column never painted
        if values_match(got, _torch_conv_transpose2d(unstamped, kernel, stride, padding)):
            raise Incorrect("the stamps of the last input row and column are missing: a loop over the input pixels "
                            "stops one short. Loop `for i in range(H)`, `for j in range(W)` over the input's size.")
    if padding > 0 and values_match(got, _torch_conv_transpose2d(image, kernel, stride, 0)):
        raise Incorrect(f"your output is {tuple(got.shape)}: the padding ({padding}) was not removed. In a transposed "
                        "convolution, padding crops that many rows and columns from each border.")
    if stride > 1 and values_match(got, _torch_conv_transpose2d(image, kernel, 1, padding)):
        raise Incorrect(f"your stamps are 1 pixel apart; with stride {stride} they start {stride} pixels apart.")
    if k > stride and values_match(got, _overwriting_transpose(image, kernel, stride, padding)) and not values_match(got, expected):
        raise Incorrect("where two stamps overlap, your result keeps only the last one: add them up (`+=`).")
    if values_match(got, _torch_conv_transpose2d(image, torch.flip(kernel, (0, 1)), stride, padding)) and not values_match(got, expected):
        raise Incorrect("your result is a convolution (each output cell gathering a window of the padded input), "
                        "which stamps the kernel flipped. Scatter instead: each input pixel adds pixel × kernel "
                        "into the output (`full[...] += image[i, j] * kernel`).")


conv_transpose2d_question = FunctionProblem(
    var="conv_transpose2d",
    reference=_torch_conv_transpose2d,
    arg_names=["image", "kernel", "stride", "padding"],
    cases=[(SMALL_INPUT, KERNEL, 1, 0), (torch.tensor([[200.0]]), KERNEL, 1, 0), (SMALL_INPUT, KERNEL, 2, 0),
           (SMALL_INPUT, KERNEL, 2, 1)],
    random_cases=_transposed_cases,
    n_random=6,
    test=_conv_transpose2d_diagnose,
    hints=[
        "Start from zeros of size ((H - 1)·stride + k) × ((W - 1)·stride + k). For each input pixel (i, j), "
        "add pixel × kernel into the k×k patch starting at (i·stride, j·stride). Finally crop `padding` "
        "from every border.",
        "full[i*stride : i*stride + k, j*stride : j*stride + k] += image[i, j] * kernel; "
        "then return full[padding : H_full - padding, padding : W_full - padding].",
    ],
    success="your loops match F.conv_transpose2d: each input pixel scatters pixel × kernel, stride pixels apart, then the padding is cropped.",
)


# ------------------------------------------------------------------ q9: the convolution matrix


def _matrix_cases(rng):
    k = int(rng.integers(1, 4))
    n = int(rng.integers(k, 6))
    return torch.tensor(rng.normal(size=(k, k)), dtype=torch.float32), n


def _matrix_diagnose(args, got, expected):
    kernel, n = args
    if not isinstance(got, (torch.Tensor, np.ndarray)):
        raise Incorrect(f"it returned {describe(got)}; return a 2-D tensor.")
    if tuple(got.shape) == tuple(expected.shape[::-1]) and values_match(got, expected.T):
        raise Incorrect(f"you built W-transpose (shape {tuple(got.shape)}): W has one row per output cell and one column per input pixel.")
    if tuple(got.shape) != tuple(expected.shape):
        raise Incorrect(f"W should have one row per output cell ({expected.shape[0]}) and one column per input "
                        f"pixel ({expected.shape[1]}), but yours has shape {tuple(got.shape)}.")
    m = n - kernel.shape[0] + 1
    by_columns = lambda size: torch.arange(size * size).reshape(size, size).T.reshape(-1)  # noqa: E731
    for rows, columns, numbered in [(by_columns(m), torch.arange(n * n), "the output cells"),
                                    (torch.arange(m * m), by_columns(n), "the input pixels"),
                                    (by_columns(m), by_columns(n), "the output cells and the input pixels")]:
        if values_match(got, expected[rows][:, columns]) and not values_match(got, expected):
            raise Incorrect(f"you numbered {numbered} column by column; number them row by row, as flatten() does: "
                            "output cell (i, j) is row i·m + j, input pixel (r, c) is column r·n + c.")


matrix_question = FunctionProblem(
    var="convolution_matrix",
    reference=reference.convolution_matrix,
    arg_names=["kernel", "n"],
    cases=[(KERNEL, 3), (KERNEL, 4), (torch.tensor([[1.0, 2.0], [3.0, 4.0]]), 3)],
    random_cases=_matrix_cases,
    n_random=8,
    test=_matrix_diagnose,
    hints=[
        "Number the output cells row by row (row = i·m + j, m = n - k + 1) and the input pixels row by "
        "row (column = r·n + c). Output cell (i, j) reads input pixel (i + a, j + b) with weight kernel[a, b].",
        "W[i*m + j, (i + a)*n + (j + b)] = kernel[a, b] for every i, j < m and a, b < k.",
    ],
    success="a convolution is a matrix W times the flattened image: each row of W is the kernel placed at one window.",
)


# ------------------------------------------------------------------ q10: transposed = W-transpose

TRANSPOSED_FROM_MATRIX = reference.conv_transpose2d(Y_SMALL, KERNEL)  # (3, 3)
_W = reference.convolution_matrix(KERNEL, 3)

w_transpose_question = ValueProblem(
    var="transposed_from_matrix",
    expected=TRANSPOSED_FROM_MATRIX,
    test=known_mistakes([
        ((_W.T @ Y_SMALL.flatten()).flip(0).reshape(3, 3),
         "the values are in reverse order: reshape the flat result row by row, without flipping."),
        ((_W.T @ Y_SMALL.T.flatten()).reshape(3, 3),
         "you flattened y column by column (its transpose): flatten it row by row, as W expects."),
        (reference.conv2d(F.pad(Y_SMALL, (1, 1, 1, 1)), KERNEL),
         "that is a convolution of the zero-padded y with the kernel as it is. W-transpose corresponds "
         "to the flipped kernel in that view; use the matrix: W.T @ y.flatten()."),
        ((torch.linalg.pinv(_W) @ Y_SMALL.flatten()).reshape(3, 3),
         "you used the pseudo-inverse of W, which tries to undo the convolution. The transposed convolution "
         "only runs W backwards in shape, 4 numbers to 9: multiply by the transpose, W.T @ y_small.flatten()."),
    ]),
    hints=[
        "W maps a flat 3×3 image (9 numbers) to a flat 2×2 output (4 numbers). W.T goes back: 4 numbers to 9. "
        "Flatten `y_small`, multiply by `W.T`, and reshape to 3×3.",
        "transposed_from_matrix = (W.T @ y_small.flatten()).reshape(3, 3)",
    ],
    success="Wᵀ times the flattened input is the transposed convolution: that is where the name comes from (it is not an inverse).",
)


# ------------------------------------------------------------------ q11: why checkerboards

OVERLAP_COUNTS = F.conv_transpose1d(torch.ones(1, 1, 5), torch.ones(1, 1, 3), stride=2)[0, 0]  # (11,)

overlap_question = ValueProblem(
    var="overlap_counts",
    expected=OVERLAP_COUNTS,
    test=known_mistakes([
        (torch.ones(11), "every output position would be covered once only if stride = kernel size. With "
                         "kernel 3 and stride 2, neighbouring stamps share one position."),
        (F.conv_transpose1d(torch.ones(1, 1, 5), torch.ones(1, 1, 3), stride=1)[0, 0],
         "that is stride 1 (length 7). With stride 2 the stamps start 2 apart, so the output is (5 - 1)·2 + 3 = 11 long."),
        (F.conv_transpose1d(torch.ones(1, 1, 5), torch.ones(1, 1, 4), stride=2)[0, 0],
         "that uses a kernel of 4, where stride divides the kernel and every position is covered twice "
         "(except the ends). The question's kernel is 3."),
    ]),
    hints=[
        "Give every input the value 1 and every kernel weight the value 1; then each output position "
        "counts how many stamps cover it. You can compute it with "
        "`torch.nn.functional.conv_transpose1d` on tensors of shape (1, 1, length).",
        "F.conv_transpose1d(torch.ones(1, 1, 5), torch.ones(1, 1, 3), stride=2)[0, 0]",
    ],
    success="kernel 3 with stride 2: the stamps overlap unevenly, 1 and 2 alternating, and uneven coverage is one source of checkerboards.",
)


# ------------------------------------------------------------------ q12: the fix (thought)

resize_question = ThoughtProblem(
    points=2,
    hints=["Follow a flat input through each layer with a kernel of random numbers: which of the kernel's weights "
           "does each output pixel add up, and is that the same set for its neighbour?"],
)


__all__ = bind_exercises(
    globals(),
    [
        top_left_question,
        conv_grid_question,
        true_convolution_question,
        single_pixel_question,
        transposed_grid_question,
        sizes_question,
        conv2d_question,
        conv_transpose2d_question,
        matrix_question,
        w_transpose_question,
        overlap_question,
        resize_question,
    ],
)
__all__ += ["____", "IMAGE", "KERNEL", "SMALL_INPUT", "Y_SMALL"]
