"""Lesson 03 checks: the DCGAN generator (Radford, Metz & Chintala, 2015), from noise to a 28x28 digit."""

import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from learntools.core import (
    Incorrect,
    LearnerCodeError,
    ModuleProblem,
    MultipartProblem,
    ValueProblem,
    bind_exercises,
    build,
    call_learner,
    current_timeout,
    describe,
    known_mistakes,
    leaves,
    to_numpy,
    trace,
    ____,
)
from learntools.gans.checking.model_checks import (
    block_convolution,
    block_output,
    check_norm_channels,
    check_parameter_count,
    leaky_slope,
    reject_foreign,
    span,
    tensor_output,
)
from learntools.gans.checking.numbers import close

Z_DIM = 100
# The reference generator: (kernel, stride, padding) of its three transposed convolutions, the
# spatial size after each, and its channels (width = 64).
STACK = [(7, 1, 0), (4, 2, 1), (4, 2, 1)]
SIZES = [7, 14, 28]
GENERATOR_PARAMETERS = 759_681  # learntools.gans.models.DCGANGenerator(z_dim=100, width=64)
SMALL_GENERATOR_PARAMETERS = 14_769  # DCGANGenerator(z_dim=16, width=8)

# Layers a DCGAN generator has no use for, and what to say when one turns up.
FOREIGN_IN_GENERATOR = [
    (nn.BatchNorm1d, "BatchNorm1d is for flat feature vectors; feature maps (N, C, H, W) need nn.BatchNorm2d(channels)."),
    (nn.LeakyReLU, "the DCGAN generator uses plain nn.ReLU(); LeakyReLU belongs in the discriminator (lesson 04)."),
    (nn.Conv2d, "a Conv2d shrinks feature maps; a generator grows them with nn.ConvTranspose2d."),
    (nn.Linear, "this design has no Linear layer: a ConvTranspose2d with kernel 7 on the 1×1 noise does the "
                "projection (it is a Linear layer reshaped to 7×7)."),
    ((nn.MaxPool2d, nn.AvgPool2d), "DCGAN uses no pooling: strided (transposed) convolutions change the size."),
    (nn.Upsample, "resize-then-convolve is a good alternative (lesson 02), but this exercise builds DCGAN's "
                  "transposed convolutions: ConvTranspose2d with kernel 4, stride 2, padding 1."),
    (nn.Dropout, "DCGAN's generator has no dropout: the noise z is its only source of randomness."),
]


def _ct_params(layer):
    return layer.kernel_size[0], layer.stride[0], layer.padding[0], layer.output_padding[0]


def _doubling_advice(kernel, stride, padding, output_padding):
    if stride != 2:
        return f"its stride is {stride}: stride 2 puts the stamps 2 pixels apart, which doubles the size."
    if kernel != 4:
        return (f"its kernel is {kernel}: use kernel 4 (with stride 2 and padding 1 it doubles exactly, and a kernel "
                "divisible by the stride gives every pixel the same number of stamps).")
    if padding != 1:
        return (f"check its padding ({padding}): with kernel 4 and stride 2, padding 1 doubles exactly, "
                "(n − 1)·2 − 2·1 + 4 = 2n.")
    if output_padding:
        return f"its output_padding is {output_padding}: leave it at 0."
    return "check its kernel_size, stride and padding."


def _projection_advice(kernel, stride, padding, output_padding):
    if (kernel, stride, padding, output_padding) != (7, 1, 0, 0):
        return (f"it has kernel {kernel}, stride {stride}, padding {padding}: from a 1×1 input the output is "
                "kernel − 2·padding pixels wide, so use kernel 7, stride 1, padding 0.")
    return "check its kernel_size, stride and padding."


# ------------------------------------------------------------------ q1: shape arithmetic


def _as_sizes(answer, count, name):
    """The learner's list of sizes as a 1-D float array, or a sentence about what it is instead."""
    wrong_type = Incorrect(f"`{name}` should be a list of {count} whole numbers, one per layer, but it is "
                           f"{describe(answer)}.")
    if not isinstance(answer, (list, tuple, np.ndarray, torch.Tensor)):
        raise wrong_type
    try:
        values = to_numpy(answer)
    except TypeError:
        raise wrong_type from None
    if values.ndim != 1:
        raise wrong_type
    if len(values) != count:
        raise Incorrect(f"`{name}` has {len(values)} numbers; the stack has {count} layers, so give {count} sizes "
                        "(the size after each layer).")
    if not np.isfinite(values).all():
        raise Incorrect(f"`{name}` contains NaN or inf; give whole numbers.")
    return values


def _transposed_size(n, kernel, stride, padding):
    return (n - 1) * stride - 2 * padding + kernel


SIZE_MISTAKES = [
    ([7, 16, 34], "with 16 and 34 the padding is missing: in a transposed convolution padding crops 2·padding "
                  "pixels, (7 − 1)·2 − 2·1 + 4 = 14."),
    ([7, 18, 40], "18 and 40 add the padding; in a transposed convolution padding removes pixels: "
                  "(n − 1)·stride − 2·padding + kernel."),
    ([8, 18, 38], "these sizes use n·stride; the stamps of n pixels span (n − 1)·stride, plus one kernel: "
                  "(1 − 1)·1 + 7 = 7 for the first layer."),
    ([28, 14, 7], "these are the discriminator's sizes (it shrinks 28 → 14 → 7); the generator grows from 1×1."),
    ([1, 7, 14], "give the size *after* each layer: the first layer turns 1×1 into 7×7, so the list starts with 7."),
]


def _check_sizes(answer):
    values = _as_sizes(answer, 3, "sizes")
    if np.array_equal(values, SIZES):
        return None
    for wrong, message in SIZE_MISTAKES:
        if np.array_equal(values, wrong):
            raise Incorrect(message)
    previous = 1
    for number, ((kernel, stride, padding), got) in enumerate(zip(STACK, values), start=1):
        right = _transposed_size(previous, kernel, stride, padding)
        if got != right:
            raise Incorrect(f"layer {number} (kernel {kernel}, stride {stride}, padding {padding}) gets a "
                            f"{previous:g}×{previous:g} input; you wrote {got:g}. Use (n − 1)·stride − 2·padding + kernel.")
        previous = got
    return None


sizes_part = ValueProblem(
    var="sizes",
    test=_check_sizes,
    hints=[
        "Use the transposed convolution's size formula from lesson 02, (n − 1)·stride − 2·padding + kernel, "
        "once per layer, feeding each layer's output size into the next.",
        "Layer 1: (1 − 1)·1 − 0 + 7 = 7. Layer 2: (7 − 1)·2 − 2 + 4 = 14. Layer 3 does the same to 14.",
    ],
    success="1 → 7 → 14 → 28: (n − 1)·s − 2p + k, layer by layer, is how you design a generator's shapes.",
)

padding_part = ValueProblem(
    var="doubling_padding",
    expected=1,
    test=known_mistakes([
        (0, "with padding 0 the output is (n − 1)·2 + 4 = 2n + 2: 14 would become 30, two pixels too many."),
        (2, "padding 2 crops 4 pixels: (n − 1)·2 − 4 + 4 = 2n − 2, so 14 would become 26."),
        (1.5, "(kernel − 1)/2 is the 'same' padding of a stride-1 convolution with an odd kernel. Here solve "
              "(n − 1)·2 − 2p + 4 = 2n for p."),
        (3, "kernel − 1 = 3 is not it: solve (n − 1)·2 − 2p + 4 = 2n for p."),
    ]),
    hints=[
        "Write the output size of a transposed convolution with kernel 4 and stride 2 as a function of n and p, "
        "and set it equal to 2n.",
        "(n − 1)·2 − 2p + 4 = 2n + 2 − 2p, which equals 2n when 2p = 2.",
    ],
    success="padding 1: (n − 1)·2 − 2 + 4 = 2n, so kernel 4, stride 2 doubles any size.",
)

layers_part = ValueProblem(
    var="layers_to_64",
    expected=4,
    test=known_mistakes([
        (16, "64 / 4 = 16 is how much bigger the image gets, not the number of layers: each layer doubles, "
             "4 → 8 → 16 → ..."),
        (6, "6 doublings start from 1×1 (2⁶ = 64), but this generator starts from a 4×4 map."),
        (5, "4·2⁵ = 128: one layer too many."),
        (3, "4·2³ = 32: one layer short of 64."),
    ]),
    hints=[
        "Each kernel-4, stride-2, padding-1 transposed convolution doubles the height and the width.",
        "Count the doublings: 4 → 8 → 16 → 32 → 64.",
    ],
    success="4 → 8 → 16 → 32 → 64: four doublings, one per stride-2 layer.",
)

shapes_question = MultipartProblem(a=sizes_part, b=padding_part, c=layers_part)


# ------------------------------------------------------------------ q2: a generator block


def _check_block_layers(block, call, in_channels, out_channels):
    """The layers a generator block holds: exactly one ConvTranspose2d, one BatchNorm2d, a ReLU."""
    reject_foreign(block, call, FOREIGN_IN_GENERATOR)
    layers = leaves(block)
    conv = block_convolution(layers, call, nn.ConvTranspose2d, in_channels, out_channels,
                             "a generator block starts with "
                             "nn.ConvTranspose2d(in_channels, out_channels, kernel_size, stride, padding).")
    norms = [m for m in layers if isinstance(m, nn.BatchNorm2d)]
    if not norms:
        raise Incorrect(f"`{call}` has no BatchNorm2d: DCGAN normalises the output of each transposed convolution "
                        "(except the generator's last) with nn.BatchNorm2d(out_channels).")
    if len(norms) > 1:
        raise Incorrect(f"`{call}` has {len(norms)} BatchNorm2d layers; a block has one, after the convolution.")
    check_norm_channels(norms, call, out_channels)
    return conv


def _check_block_run(run, call, conv, n_in, expected_shape, advice):
    output = block_output(run, call, n_in, expected_shape, lambda: advice(*_ct_params(conv)))
    sequence = [kind for kind in run.layer_sequence() if kind in ("ConvTranspose2d", "BatchNorm2d", "ReLU")]
    if "BatchNorm2d" not in sequence or "ConvTranspose2d" not in sequence:
        missing = "BatchNorm2d" if "BatchNorm2d" not in sequence else "ConvTranspose2d"
        raise Incorrect(f"`{call}` has a {missing}, but it never runs: return nn.Sequential(...) of the three layers "
                        "(or call each one in forward).")
    if "ReLU" in sequence and sequence.index("ReLU") < sequence.index("BatchNorm2d"):
        raise Incorrect(f"in `{call}` the ReLU runs before the BatchNorm2d: the order is ConvTranspose2d → "
                        "BatchNorm2d → ReLU (normalise, then activate).")
    if sequence[0] != "ConvTranspose2d":
        raise Incorrect(f"in `{call}` the {sequence[0]} runs first: the order is ConvTranspose2d → BatchNorm2d → ReLU.")
    norm = run.of_type(nn.BatchNorm2d)[-1].output
    if close(output, F.relu(norm)):
        return output
    if close(output, norm):
        raise Incorrect(f"`{call}` returns the BatchNorm2d's output, with negative values (as low as "
                        f"{output.min().item():.2f}): finish the block with nn.ReLU().")
    slope = leaky_slope(norm, output)
    if slope is not None and 0 < slope < 1 and close(output, F.leaky_relu(norm, slope)):
        raise Incorrect(f"`{call}` ends with a leaky ReLU (slope {slope:.2g} for negative inputs): the DCGAN "
                        "generator uses plain nn.ReLU().")
    if output.min() < 0:
        raise Incorrect(f"some outputs of `{call}` are negative (as low as {output.min().item():.2f}): the block "
                        "should end with nn.ReLU().")
    raise Incorrect(f"the output of `{call}` is not ReLU(BatchNorm2d(ConvTranspose2d(x))): use exactly those three "
                    "layers, in that order.")


def _check_generator_block(answer):
    generator = torch.Generator().manual_seed(0)

    # The default block doubles: (2, 8, 7, 7) -> (2, 4, 14, 14).
    call = "generator_block(8, 4)"
    block = build(answer, 8, 4, what=f"`{call}`")
    conv = _check_block_layers(block, call, 8, 4)
    run = trace(block, torch.randn(2, 8, 7, 7, generator=generator), what=f"the block `{call}`")
    _check_block_run(run, call, conv, 7, (2, 4, 14, 14), _doubling_advice)
    bias_note = conv.bias is not None

    # The arguments are passed through: the projection block (2, 6, 1, 1) -> (2, 3, 7, 7).
    call = "generator_block(6, 3, kernel_size=7, stride=1, padding=0)"
    block = build(answer, 6, 3, kernel_size=7, stride=1, padding=0, what=f"`{call}`")
    conv = _check_block_layers(block, call, 6, 3)
    if _ct_params(conv)[:3] != (7, 1, 0):
        kernel, stride, padding, _ = _ct_params(conv)
        raise Incorrect(f"`{call}` built a ConvTranspose2d with kernel {kernel}, stride {stride}, padding {padding}: "
                        "pass the arguments kernel_size, stride and padding on to nn.ConvTranspose2d.")
    run = trace(block, torch.randn(2, 6, 1, 1, generator=generator), what=f"the block `{call}`")
    _check_block_run(run, call, conv, 1, (2, 3, 7, 7), _projection_advice)

    if bias_note:
        return ("your block works. A note: its ConvTranspose2d has a bias, which the BatchNorm2d right after it "
                "subtracts again (it removes each channel's mean); bias=False saves those parameters.")
    return "ConvTranspose2d → BatchNorm2d → ReLU, and the arguments reach the convolution."


block_question = ModuleProblem(
    var="generator_block",
    noun="function",
    test=_check_generator_block,
    hints=[
        "Return nn.Sequential(...) holding three layers: nn.ConvTranspose2d(in_channels, out_channels, kernel_size, "
        "stride, padding, bias=False), then nn.BatchNorm2d(out_channels), then nn.ReLU().",
        "The BatchNorm2d gets the number of channels coming out of the convolution: out_channels.",
    ],
)


# ------------------------------------------------------------------ q3: the whole generator


def _generator_structure(model, call):
    reject_foreign(model, call, FOREIGN_IN_GENERATOR)
    layers = leaves(model)
    convs = [m for m in layers if isinstance(m, nn.ConvTranspose2d)]
    if len(convs) != 3:
        raise Incorrect(f"`{call}` has {len(convs)} ConvTranspose2d layer{'s' * (len(convs) != 1)}; this design has 3: "
                        "1×1 → 7×7 → 14×14 → 28×28.")
    if not any(isinstance(m, nn.BatchNorm2d) for m in layers):
        raise Incorrect(f"`{call}` has no BatchNorm2d: DCGAN puts BatchNorm after every transposed convolution "
                        "except the last (use your generator_block for the first two).")


def _run_generator(model, z, call):
    """Trace the generator on z; turn a failure into the most useful sentence."""
    run = trace(model, z, what=f"`{call}`'s forward pass")
    if run.error is None:
        return run
    sizes = _size_problem(run, call)
    if sizes:
        raise Incorrect(sizes)
    if z.ndim == 2:  # does it work on (N, z_dim, 1, 1)? then the reshape is missing
        retry = trace(model, z[:, :, None, None], what=f"`{call}`'s forward pass")
        if retry.error is None:
            raise Incorrect(f"`{call}` works on noise of shape {tuple(z.shape) + (1, 1)} but not {tuple(z.shape)}: "
                            "reshape z to (N, z_dim, 1, 1) at the start of forward, e.g. z.view(-1, self.z_dim, 1, 1).")
    raise Incorrect(str(run.error))


def _size_problem(run, call, sizes=SIZES):
    """A sentence when a transposed convolution produced the wrong spatial size, else None."""
    convs = run.of_type(nn.ConvTranspose2d)
    got = [step.output.shape[-1] for step in convs if step.output is not None and step.output.ndim >= 3]
    for number, (step, size, want) in enumerate(zip(convs, got, sizes), start=1):
        if size == want:
            continue
        advice = _projection_advice if number == 1 else _doubling_advice
        chain = " → ".join(str(s) for s in got)
        return (f"the sizes after `{call}`'s transposed convolutions are {chain} (expected "
                f"{' → '.join(map(str, sizes[:len(got)]))}): transposed convolution {number} makes {size}×{size} "
                f"instead of {want}×{want}; {advice(*_ct_params(step.module))}")
    return None


def _check_generator_run(run, call, z_dim, width, batch):
    expected_channels = [2 * width, width, 1]
    output = tensor_output(run, f"`{call}`")
    sizes = _size_problem(run, call)
    if sizes:
        raise Incorrect(sizes)
    convs = run.of_type(nn.ConvTranspose2d)
    channels = [step.module.out_channels for step in convs]
    if channels[-1] != 1:
        raise Incorrect(f"`{call}` draws {channels[-1]}-channel images: MNIST digits are grayscale, so the last "
                        "transposed convolution needs 1 output channel.")
    if channels != expected_channels or convs[0].module.in_channels != z_dim:
        chain = " → ".join(map(str, [convs[0].module.in_channels] + channels))
        want = " → ".join(map(str, [z_dim] + expected_channels))
        raise Incorrect(f"the channels of `{call}` go {chain}; this design goes {want} (z_dim, 2·width, width, 1).")
    if tuple(output.shape) != (batch, 1, 28, 28):
        raise Incorrect(f"for noise of shape ({batch}, {z_dim}), `{call}` returned shape {tuple(output.shape)}; "
                        f"({batch}, 1, 28, 28) was expected.")
    for number, (step, expected) in enumerate(zip(convs, STACK), start=1):
        if _ct_params(step.module)[:3] != expected:
            advice = _projection_advice if number == 1 else _doubling_advice
            raise Incorrect(f"transposed convolution {number} of `{call}` gives the right size, but "
                            f"{advice(*_ct_params(step.module))}")

    # BatchNorm after the first two transposed convolutions, not after the last.
    weighted = [step for step in run.steps if isinstance(step.module, (nn.ConvTranspose2d, nn.BatchNorm2d))]
    kinds = [step.kind for step in weighted]
    if kinds[-1] == "BatchNorm2d":
        raise Incorrect(f"in `{call}` a BatchNorm2d follows the last transposed convolution: DCGAN leaves the output "
                        "layer unnormalised (BatchNorm would force every batch of images to mean 0, std 1). "
                        "The last layer is ConvTranspose2d, then tanh.")
    if kinds != ["ConvTranspose2d", "BatchNorm2d"] * 2 + ["ConvTranspose2d"]:
        raise Incorrect(f"the layers of `{call}` run as {' → '.join(kinds)}; DCGAN's generator runs ConvTranspose2d → "
                        "BatchNorm2d twice, then a last ConvTranspose2d without BatchNorm.")

    # ReLU between the blocks.
    for number in (1, 2):
        norm = weighted[2 * number - 1].output
        received = weighted[2 * number].input
        if received is None or close(received, F.relu(norm)):
            continue
        between = run.steps[run.steps.index(weighted[2 * number - 2]) + 1:run.steps.index(weighted[2 * number - 1])]
        if any(step.kind == "ReLU" for step in between):
            raise Incorrect(f"in `{call}` a ReLU runs before the BatchNorm2d of block {number}: the order is "
                            "ConvTranspose2d → BatchNorm2d → ReLU.")
        slope = leaky_slope(norm, received)
        if slope is not None and 0 < slope < 1 and close(received, F.leaky_relu(norm, slope)):
            raise Incorrect(f"block {number} of `{call}` ends with a leaky ReLU (slope {slope:.2g}): the DCGAN generator "
                            "uses plain ReLU.")
        raise Incorrect(f"transposed convolution {number + 1} of `{call}` receives negative values (as low as "
                        f"{received.min().item():.2f}) straight from a BatchNorm2d: put a ReLU after it.")

    # tanh at the end.
    before = weighted[-1].output
    if close(output, torch.tanh(before)):
        return output
    if close(output, before):
        raise Incorrect(f"the outputs of `{call}` come straight from the last transposed convolution (they lie in "
                        f"{span(output)}): end with tanh, which keeps every pixel in [-1, 1] like the real images.")
    if close(output, F.relu(before)):
        raise Incorrect(f"the outputs of `{call}` lie in {span(output)} and are never negative: a ReLU at the end "
                        "can't draw the -1 background of the real digits. End with tanh.")
    if close(output, torch.sigmoid(before)) or (output.min() >= 0 and output.max() <= 1):
        raise Incorrect(f"the outputs of `{call}` lie in {span(output)}, inside [0, 1]: the last activation should be "
                        "tanh, not sigmoid, because the real images lie in [-1, 1].")
    if output.min() < -1 or output.max() > 1:
        raise Incorrect(f"the outputs of `{call}` lie in {span(output)}, outside [-1, 1], where the real images lie: "
                        "end with tanh.")
    raise Incorrect(f"the output of `{call}` is not tanh of its last transposed convolution's output: end with "
                    "nn.Tanh() (or torch.tanh).")


def _check_generator(answer):
    generator = torch.Generator().manual_seed(0)

    call = "Generator()"
    model = build(answer, what=f"`{call}`")
    _generator_structure(model, call)
    run = _run_generator(model, torch.randn(4, Z_DIM, generator=generator), call)
    _check_generator_run(run, call, Z_DIM, 64, 4)
    check_parameter_count(model, call, GENERATOR_PARAMETERS)
    if isinstance(answer, nn.Module):
        return "your generator maps noise (N, 100) to images (N, 1, 28, 28) in [-1, 1]."

    # The arguments are used: a small generator for 16 noise numbers.
    call = "Generator(z_dim=16, width=8)"
    model = build(answer, z_dim=16, width=8, what=f"`{call}`")
    _generator_structure(model, call)
    run = trace(model, torch.randn(2, 16, generator=generator), what=f"`{call}`'s forward pass")
    if run.error is not None:
        raise Incorrect(f"{run.error} Use the arguments z_dim and width instead of fixed numbers.")
    _check_generator_run(run, call, 16, 8, 2)
    check_parameter_count(model, call, SMALL_GENERATOR_PARAMETERS)
    return "your generator maps noise (N, z_dim) to images (N, 1, 28, 28) in [-1, 1], for any z_dim and width."


generator_question = ModuleProblem(
    var="Generator",
    noun="class",
    test=_check_generator,
    points=2,
    hints=[
        "In __init__: self.project = generator_block(z_dim, 2 * width, kernel_size=7, stride=1, padding=0); "
        "self.up1 = generator_block(2 * width, width); self.up2 = nn.Sequential(nn.ConvTranspose2d(width, 1, 4, 2, 1), "
        "nn.Tanh()). In forward, reshape z to (N, z_dim, 1, 1) first.",
        "forward: x = z.view(-1, self.z_dim, 1, 1); return self.up2(self.up1(self.project(x))).",
    ],
)


# ------------------------------------------------------------------ q4: sampling noise


def _noise(answer, *args, **kwargs):
    call = "sample_noise(" + ", ".join([repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]) + ")"
    try:
        value = call_learner(answer, *args, what=f"`{call}`", timeout=current_timeout(), **kwargs)
    except LearnerCodeError as error:
        text = str(error)
        if "unexpected keyword argument" in text:
            text += " Keep the signature sample_noise(n, z_dim=100, device=\"cpu\")."
        raise Incorrect(text) from None
    if value is ____:
        raise Incorrect(f"`{call}` returned `____`: replace it with your code.")
    if isinstance(value, np.ndarray):
        raise Incorrect(f"`{call}` returned a numpy array: make a torch tensor with torch.randn, which the "
                        "generator can take directly.")
    if not isinstance(value, torch.Tensor):
        raise Incorrect(f"`{call}` returned {describe(value)}; it should return a tensor made by torch.randn.")
    return call, value


def _check_noise(answer):
    call, z = _noise(answer, 2000, 100)
    if z.device.type == "meta":
        raise Incorrect(f"`{call}` returned a tensor on the 'meta' device; it should use the device it is given.")
    if tuple(z.shape) != (2000, 100):
        if tuple(z.shape) == (2000, 100, 1, 1):
            raise Incorrect(f"`{call}` returned shape (2000, 100, 1, 1); return (n, z_dim): the generator reshapes "
                            "it itself.")
        if tuple(z.shape) == (100, 2000):
            raise Incorrect(f"`{call}` returned shape (100, 2000): the rows are the n samples, so (n, z_dim).")
        raise Incorrect(f"`{call}` returned shape {tuple(z.shape)}; it should be (n, z_dim) = (2000, 100).")
    if z.dtype != torch.float32:
        raise Incorrect(f"`{call}` returned {z.dtype} values; the models' weights are float32, which torch.randn "
                        "gives by default.")
    if not torch.isfinite(z).all():
        raise Incorrect(f"`{call}` returned NaN or inf values.")
    mean, std, low, high = z.mean().item(), z.std().item(), z.min().item(), z.max().item()
    if low >= 0 and high <= 1:
        raise Incorrect(f"the noise from `{call}` lies in [{low:.2f}, {high:.2f}] with mean {mean:.2f}: that is "
                        "torch.rand (uniform on [0, 1)). This generator samples a standard normal: torch.randn.")
    if abs(mean) > 0.05 or not 0.95 < std < 1.05:
        note = " (0.02 is the scale of the initial weights, not of the noise)" if abs(std - 0.02) < 0.005 else ""
        raise Incorrect(f"the noise from `{call}` has mean {mean:.3f} and standard deviation {std:.3f}{note}: it "
                        "should be standard normal, mean 0 and std 1, as torch.randn gives.")
    call_again, again = _noise(answer, 2000, 100)
    if again.shape == z.shape and torch.equal(again, z):
        raise Incorrect("two calls of `sample_noise(2000, 100)` returned the same numbers: is there a torch.manual_seed "
                        "inside the function? Seed once, outside, so every call draws new noise.")

    call, small = _noise(answer, 3, z_dim=7)
    if tuple(small.shape) != (3, 7):
        raise Incorrect(f"`{call}` returned shape {tuple(small.shape)}, not (3, 7): use the arguments n and z_dim.")
    call, default = _noise(answer, 4)
    if tuple(default.shape) != (4, Z_DIM):
        raise Incorrect(f"`{call}` returned shape {tuple(default.shape)}, not (4, 100): z_dim should default to 100.")

    devices = ["meta", torch.device("meta")] + (["cuda"] if torch.cuda.is_available() else [])
    for device in devices:
        call, placed = _noise(answer, 2, z_dim=5, device=device)
        if placed.device.type != torch.device(device).type:
            raise Incorrect(f"`{call}` returned a tensor on {placed.device.type}, not on {torch.device(device).type}: "
                            "make the noise where the caller asks, torch.randn(n, z_dim, device=device). The check "
                            "asks for PyTorch's 'meta' device, which every computer has, to stand in for a GPU.")
        if tuple(placed.shape) != (2, 5):
            raise Incorrect(f"`{call}` returned shape {tuple(placed.shape)}, not (2, 5).")
    return "standard normal noise of shape (n, z_dim), made on the caller's device."


noise_question = ModuleProblem(
    var="sample_noise",
    noun="function",
    test=_check_noise,
    hints=[
        "torch.randn(n, z_dim) draws n rows of z_dim standard normal numbers; it takes a device= argument too.",
        "return torch.randn(n, z_dim, device=device)",
    ],
)


# ------------------------------------------------------------------ q5: DCGAN initialisation


def _init_probe():
    """Layers of every kind, big enough that the sample mean and std are precise."""
    return nn.Sequential(
        nn.ConvTranspose2d(64, 64, 4, bias=False),  # 65,536 weights, no bias
        nn.BatchNorm2d(2048),
        nn.ReLU(),
        nn.Conv2d(64, 64, 4),  # 65,536 weights and 64 biases
        nn.LeakyReLU(0.2),
        nn.Sequential(nn.Flatten(), nn.Linear(256, 256)),  # 65,536 weights and 256 biases
        nn.Tanh(),
    )


def _weight_problem(name, weight, before):
    values = weight.detach().reshape(-1)
    if torch.equal(values, before.reshape(-1)):
        extra = (" nn.ConvTranspose2d is not a subclass of nn.Conv2d: test for both." if name == "ConvTranspose2d" else "")
        return (f"the {name} weights were left unchanged: `.apply` calls your function once per layer, so test "
                f"`isinstance(m, ...)` for {name} too.{extra}")
    mean, std, largest = values.mean().item(), values.std().item(), values.abs().max().item()
    if abs(mean) < 0.002 and 0.019 < std < 0.021:
        return None
    observed = f"the {name} weights have mean {mean:.3f} and std {std:.3f}"
    if abs(std - math.sqrt(0.02)) < 0.01 and largest > 0.3:
        return f"{observed}, that is √0.02: nn.init.normal_ takes the standard deviation, std=0.02, not the variance."
    if largest <= 0.0201 and std > 0.005:
        return f"{observed} and none exceeds 0.02 in size: that is a uniform distribution; use nn.init.normal_(w, 0.0, 0.02)."
    if abs(mean - 0.02) < 0.01 and abs(std - 1) < 0.05:
        return f"{observed}: 0.02 went in as the mean. Write nn.init.normal_(w, mean=0.0, std=0.02)."
    if abs(std - 1) < 0.05:
        return f"{observed}: nn.init.normal_(w) defaults to std 1; pass std=0.02."
    return f"{observed}; DCGAN draws them from a normal distribution with mean 0 and std 0.02."


def _check_init(answer):
    torch.manual_seed(0)  # the check's own layers; evaluate() puts the global random state back afterwards
    model = _init_probe()
    before = {name: p.detach().clone() for name, p in model.named_parameters()}
    try:
        call_learner(model.apply, answer, what="`model.apply(dcgan_init)`", timeout=current_timeout())
    except LearnerCodeError as error:
        text = str(error)
        if "NoneType" in text:
            text += (" A layer made with bias=False has m.bias = None: check `if m.bias is not None` before "
                     "setting the bias.")
        elif "has no attribute" in text:
            text += (" `.apply` calls your function on every module, ReLU and nn.Sequential included: only touch "
                     "the layers that pass your isinstance test.")
        raise Incorrect(text) from None
    layers = dict(model.named_parameters())
    for name, key in (("ConvTranspose2d", "0.weight"), ("Conv2d", "3.weight"), ("Linear", "5.1.weight")):
        message = _weight_problem(name, layers[key], before[key])
        if message:
            raise Incorrect(message)
    for name, key in (("Conv2d", "3.bias"), ("Linear", "5.1.bias")):
        bias = layers[key].detach()
        if not torch.all(bias == 0):
            raise Incorrect(f"the {name} biases range over {span(bias)}; set them to 0 with nn.init.zeros_(m.bias) "
                            "(when the layer has one).")
    scale, shift = layers["1.weight"].detach(), layers["1.bias"].detach()
    mean, std = scale.mean().item(), scale.std().item()
    if torch.all(scale == 1):
        raise Incorrect("the BatchNorm2d scales (m.weight) are still exactly 1: DCGAN draws them from N(1, 0.02).")
    if abs(mean) < 0.1:
        raise Incorrect(f"the BatchNorm2d scales have mean {mean:.3f}: they should be around 1, N(1, 0.02). "
                        "A scale near 0 switches the layer's output off.")
    if abs(mean - 1) > 0.005 or not 0.015 < std < 0.025:
        raise Incorrect(f"the BatchNorm2d scales have mean {mean:.3f} and std {std:.3f}; DCGAN draws them from a "
                        "normal distribution with mean 1 and std 0.02.")
    if not torch.all(shift == 0):
        raise Incorrect(f"the BatchNorm2d shifts (m.bias) range over {span(shift)}; set them to 0.")
    return "weights N(0, 0.02), BatchNorm scales N(1, 0.02), biases 0."


init_question = ModuleProblem(
    var="dcgan_init",
    noun="function",
    test=_check_init,
    hints=[
        "Test the layer type with isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)) and "
        "isinstance(m, nn.BatchNorm2d); nn.init.normal_(tensor, mean, std) and nn.init.zeros_(tensor) change a "
        "tensor in place.",
        "Convolutions and Linear: nn.init.normal_(m.weight, 0.0, 0.02), and zeros_(m.bias) if m.bias is not None. "
        "BatchNorm2d: nn.init.normal_(m.weight, 1.0, 0.02) and nn.init.zeros_(m.bias).",
    ],
)


__all__ = bind_exercises(
    globals(),
    [shapes_question, block_question, generator_question, noise_question, init_question],
)
__all__ += ["____", "Z_DIM"]
