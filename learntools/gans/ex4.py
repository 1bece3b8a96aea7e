"""Lesson 04 checks: the DCGAN discriminator, a classifier that outputs one raw logit per image, and the real
digits it judges, scaled to [-1, 1]."""

import math

import torch
import torch.nn.functional as F
from torch import nn

from learntools.core import (
    Incorrect,
    ModuleProblem,
    MultipartProblem,
    Problem,
    ThoughtProblem,
    ValueProblem,
    bind_exercises,
    build,
    describe,
    format_number,
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

SLOPE = 0.2  # DCGAN's LeakyReLU slope for negative inputs
SIZES = [14, 7]  # the discriminator's feature maps: 28 -> 14 -> 7
DISCRIMINATOR_PARAMETERS = 138_689  # learntools.gans.models.DCGANDiscriminator(width=64)
SMALL_DISCRIMINATOR_PARAMETERS = 3_001  # DCGANDiscriminator(width=8)

FOREIGN_IN_DISCRIMINATOR = [
    (nn.ConvTranspose2d, "a ConvTranspose2d grows feature maps; the discriminator shrinks them with "
                         "nn.Conv2d(..., kernel_size=4, stride=2, padding=1)."),
    ((nn.MaxPool2d, nn.AvgPool2d, nn.AdaptiveAvgPool2d, nn.AdaptiveMaxPool2d),
     "DCGAN uses no pooling: the stride-2 convolution does the downsampling, and learns how."),
    (nn.BatchNorm1d, "BatchNorm1d is for flat feature vectors; feature maps (N, C, H, W) need nn.BatchNorm2d(channels)."),
    (nn.ReLU, "DCGAN's discriminator uses nn.LeakyReLU(0.2), which keeps a small slope (and gradient) for "
              "negative inputs, where ReLU gives 0."),
    (nn.Dropout, "DCGAN's discriminator has no dropout: the block is Conv2d → BatchNorm2d → LeakyReLU(0.2)."),
]


def _conv_params(layer):
    return layer.kernel_size[0], layer.stride[0], layer.padding[0]


def _halving_advice(n, kernel, stride, padding):
    if stride != 2:
        return f"its stride is {stride}; stride 2 moves the kernel 2 pixels at a time, which halves the size."
    if kernel == 4 and padding != 1:
        return (f"its padding is {padding}; padding 1 with kernel 4 and stride 2 halves exactly: "
                f"⌊({n} + 2·1 − 4)/2⌋ + 1 = {n // 2}.")
    if kernel != 4:
        return f"its kernel is {kernel}; use kernel 4 with stride 2 and padding 1, which halves exactly."
    return "check its kernel_size, stride and padding."


def _kernel_advice(kernel, stride, padding):
    return (f"it has kernel {kernel}, stride {stride}, padding {padding}: DCGAN's blocks use kernel 4, stride 2, "
            "padding 1 (a kernel divisible by the stride covers every pixel equally, lesson 02).")


def _activation_problem(before, after, where):
    """A sentence when `after` is not LeakyReLU(0.2) of `before`, else None."""
    if before is None or after is None or close(after, F.leaky_relu(before, SLOPE)):
        return None
    if close(after, before):
        return f"{where} has no activation: end it with nn.LeakyReLU(0.2)."
    slope = leaky_slope(before, after)
    if slope is not None and close(after, F.leaky_relu(before, slope)):
        if abs(slope) < 1e-6:
            return (f"{where} outputs 0 for every negative input (slope 0): that is ReLU. Use nn.LeakyReLU(0.2), which "
                    "keeps a slope of 0.2 there.")
        if abs(slope - 0.01) < 1e-4:
            return (f"{where} has a negative slope of 0.01, PyTorch's default for nn.LeakyReLU(); DCGAN uses 0.2: "
                    "nn.LeakyReLU(0.2).")
        return f"{where} has a negative slope of {slope:.3g}; DCGAN uses 0.2: nn.LeakyReLU(0.2)."
    return f"{where} does not end with LeakyReLU(0.2): its outputs range over {span(after)}."


# ------------------------------------------------------------------ q1: a discriminator block


def _check_block_layers(block, call, in_channels, out_channels, batch_norm):
    reject_foreign(block, call, FOREIGN_IN_DISCRIMINATOR)
    layers = leaves(block)
    conv = block_convolution(layers, call, nn.Conv2d, in_channels, out_channels,
                             "a discriminator block starts with "
                             "nn.Conv2d(in_channels, out_channels, kernel_size=4, stride=2, padding=1).")
    norms = [m for m in layers if isinstance(m, nn.BatchNorm2d)]
    if batch_norm and not norms:
        raise Incorrect(f"`{call}` has no BatchNorm2d: with batch_norm=True the block is Conv2d → "
                        "BatchNorm2d(out_channels) → LeakyReLU(0.2).")
    if not batch_norm and norms:
        raise Incorrect(f"`{call}` has a BatchNorm2d although batch_norm=False: DCGAN leaves the discriminator's "
                        "input layer unnormalised, so add BatchNorm2d only when batch_norm is True.")
    if len(norms) > 1:
        raise Incorrect(f"`{call}` has {len(norms)} BatchNorm2d layers; a block has at most one.")
    check_norm_channels(norms, call, out_channels)
    return conv


def _check_block_run(run, call, block, conv, n, expected_shape):
    output = block_output(run, call, n, expected_shape, lambda: _halving_advice(n, *_conv_params(conv)))
    if _conv_params(conv) != (4, 2, 1):
        raise Incorrect(f"`{call}` halves the size, but {_kernel_advice(*_conv_params(conv))}")
    sequence = [kind for kind in run.layer_sequence() if kind in ("Conv2d", "BatchNorm2d", "LeakyReLU")]
    present = {type(m).__name__ for m in leaves(block)} & {"Conv2d", "BatchNorm2d", "LeakyReLU"}
    if present - set(sequence):
        raise Incorrect(f"`{call}` has a {sorted(present - set(sequence))[0]} that never runs: return "
                        "nn.Sequential(...) of the layers.")
    if sequence[0] != "Conv2d":
        raise Incorrect(f"in `{call}` the {sequence[0]} runs first: the order is Conv2d → BatchNorm2d → LeakyReLU(0.2).")
    if "BatchNorm2d" in sequence and "LeakyReLU" in sequence and sequence.index("BatchNorm2d") > sequence.index("LeakyReLU"):
        raise Incorrect(f"in `{call}` the LeakyReLU runs before the BatchNorm2d: the order is Conv2d → BatchNorm2d → "
                        "LeakyReLU(0.2) (normalise, then activate).")
    before = (run.of_type(nn.BatchNorm2d) or run.of_type(nn.Conv2d))[-1].output
    problem = _activation_problem(before, output, f"`{call}`")
    if problem:
        raise Incorrect(problem)
    return output


def _check_discriminator_block(answer):
    generator = torch.Generator().manual_seed(0)
    notes = []
    for args, kwargs, n, expected_shape in [
        ((1, 8), {"batch_norm": False}, 28, (2, 8, 14, 14)),  # the first block: no BatchNorm
        ((8, 16), {}, 14, (2, 16, 7, 7)),  # a later block, BatchNorm on by default
    ]:
        call = "discriminator_block(" + ", ".join([str(a) for a in args] + [f"{k}={v}" for k, v in kwargs.items()]) + ")"
        block = build(answer, *args, what=f"`{call}`", **kwargs)
        batch_norm = kwargs.get("batch_norm", True)
        conv = _check_block_layers(block, call, *args, batch_norm)
        x = torch.rand(2, args[0], n, n, generator=generator) * 2 - 1  # images in [-1, 1]
        run = trace(block, x, what=f"the block `{call}`")
        _check_block_run(run, call, block, conv, n, expected_shape)
        if batch_norm and conv.bias is not None:
            notes.append("the Conv2d before the BatchNorm2d has a bias, which BatchNorm removes again "
                         "(bias=not batch_norm saves those parameters)")
    if notes:
        return f"your block works. A note: {notes[0]}."
    return "Conv2d (kernel 4, stride 2, padding 1) → BatchNorm2d when asked → LeakyReLU(0.2): it halves the size."


block_question = ModuleProblem(
    var="discriminator_block",
    noun="function",
    test=_check_discriminator_block,
    hints=[
        "Collect the layers in a list: nn.Conv2d(in_channels, out_channels, kernel_size=4, stride=2, padding=1, "
        "bias=not batch_norm); then nn.BatchNorm2d(out_channels) only if batch_norm; then nn.LeakyReLU(0.2). "
        "Return nn.Sequential(*layers).",
        "layers = [nn.Conv2d(in_channels, out_channels, 4, 2, 1, bias=not batch_norm)]; "
        "if batch_norm: layers.append(nn.BatchNorm2d(out_channels)); layers.append(nn.LeakyReLU(0.2)).",
    ],
)


# ------------------------------------------------------------------ q2: the whole discriminator


def _structure(model, call):
    reject_foreign(model, call, FOREIGN_IN_DISCRIMINATOR)
    layers = leaves(model)
    convs = [m for m in layers if isinstance(m, nn.Conv2d)]
    if len(convs) < 2:
        raise Incorrect(f"`{call}` has {len(convs)} Conv2d layer{'s' * (len(convs) != 1)}; this design has 2 "
                        "stride-2 convolutions: 28×28 → 14×14 → 7×7.")


def _size_problem(run, call):
    convs = [step for step in run.of_type(nn.Conv2d) if step.output is not None and step.output.ndim == 4]
    n = 28
    for number, (step, want) in enumerate(zip(convs, SIZES), start=1):
        got = step.output.shape[-1]
        if got != want:
            chain = " → ".join(["28"] + [str(s.output.shape[-1]) for s in convs[:len(SIZES)]])
            return (f"the feature maps of `{call}` go {chain}, not 28 → 14 → 7: block {number} turns {n}×{n} into "
                    f"{got}×{got}; {_halving_advice(n, *_conv_params(step.module))}")
        n = got
    return None


def _linear_problem(run, call, model):
    """After a failed forward pass: a Linear layer whose in_features don't match the flattened maps."""
    message = str(run.error)
    if "mat1 and mat2" not in message and "shapes cannot be multiplied" not in message:
        return None
    maps = [step.output for step in run.steps if step.output is not None and step.output.ndim == 4]
    linears = [m for m in leaves(model) if isinstance(m, nn.Linear)]
    if not maps or not linears:
        return None
    last = maps[-1]
    return (f"`{call}`'s Linear layer expects {linears[0].in_features:,} features, but the flattened feature maps have "
            f"{last[0].numel():,} ({last.shape[1]} channels × {last.shape[2]} × {last.shape[3]}): use "
            "nn.Linear(2 * width * 7 * 7, 1).")


def _check_discriminator_run(run, call, width, batch):
    output = tensor_output(run, f"`{call}`")
    sizes = _size_problem(run, call)
    if sizes:
        raise Incorrect(sizes)
    convs = run.of_type(nn.Conv2d)
    blocks = [step for step in convs if step.output.ndim == 4 and step.output.shape[-1] in SIZES][:2]
    if tuple(output.shape) not in ((batch, 1), (batch,)):
        shape = tuple(output.shape)
        if output.numel() == batch:
            raise Incorrect(f"`{call}` returns shape {shape}: one logit per image is right, but flatten it to "
                            f"({batch}, 1), e.g. with .view(-1, 1).")
        if output.ndim == 2 and output.shape[0] == batch and output.shape[1] == 2:
            raise Incorrect(f"`{call}` returns 2 numbers per image {shape}: a GAN's discriminator gives one logit "
                            "(real vs fake) per image, for BCEWithLogitsLoss. End with nn.Linear(..., 1).")
        if output.ndim >= 2 and output.shape[0] == batch:
            raise Incorrect(f"`{call}` returns {output[0].numel():,} numbers per image {shape}: end with "
                            "nn.Flatten() and nn.Linear(2 * width * 7 * 7, 1), which turn them into one score.")
        raise Incorrect(f"for {batch} images `{call}` returns shape {shape}; it should return one logit per image, "
                        f"shape ({batch}, 1).")
    channels = [step.module.out_channels for step in blocks]
    if channels != [width, 2 * width]:
        raise Incorrect(f"the channels of `{call}` go 1 → {' → '.join(map(str, channels))}; this design goes "
                        f"1 → {width} → {2 * width} (width, then 2·width).")
    for number, step in enumerate(blocks, start=1):
        if _conv_params(step.module) != (4, 2, 1):
            raise Incorrect(f"block {number} of `{call}` gives the right size, but {_kernel_advice(*_conv_params(step.module))}")

    # BatchNorm: none on the input layer, one after the second convolution.
    position = {id(step): index for index, step in enumerate(run.steps)}
    first, second = (position[id(step)] for step in blocks)
    norms_first = [s for s in run.steps[first + 1:second] if isinstance(s.module, nn.BatchNorm2d)]
    norms_second = [s for s in run.steps[second + 1:] if isinstance(s.module, nn.BatchNorm2d)]
    if norms_first:
        raise Incorrect(f"the first block of `{call}` has a BatchNorm2d: DCGAN doesn't normalise the discriminator's "
                        "input layer, so build it with discriminator_block(1, width, batch_norm=False).")
    if not norms_second:
        raise Incorrect(f"the second block of `{call}` has no BatchNorm2d: DCGAN normalises every discriminator layer "
                        "except the input layer.")

    # LeakyReLU(0.2) after each block: compare what each block produced with what the next layer received.
    score_steps = [s for s in run.steps[second + 1:] if isinstance(s.module, (nn.Linear, nn.Conv2d))]
    if not score_steps:
        raise Incorrect(f"`{call}` has no layer after the second block that turns the 7×7 maps into one score: end "
                        "with nn.Flatten() and nn.Linear(2 * width * 7 * 7, 1).")
    score = score_steps[-1]
    for number, (before, receiver) in enumerate([(blocks[0].output, blocks[1].input),
                                                 (norms_second[0].output, score_steps[0].input)], start=1):
        problem = _activation_problem(before, receiver, f"block {number} of `{call}`")
        if problem:
            raise Incorrect(problem)

    # A raw logit at the end.
    logit = score.output
    if close(output, logit):
        return output
    if close(output, torch.tanh(logit)):
        raise Incorrect(f"the outputs of `{call}` come from a tanh ({span(output)}): it squeezes the score into "
                        "(-1, 1). Return the raw logit of the last layer, with no activation.")
    if close(output, torch.sigmoid(logit)) or (output.min() > 0 and output.max() < 1):
        raise Incorrect(f"the outputs of `{call}` all lie in (0, 1) ({span(output)}): that looks like a sigmoid at the "
                        "end. Return the raw logit: BCEWithLogitsLoss applies the sigmoid itself.")
    raise Incorrect(f"the output of `{call}` is not the raw output of its last layer (outputs {span(output)}): "
                    "return the logit as it is, with no activation after it.")


def _run_discriminator(model, x, call, note=""):
    run = trace(model, x, what=f"`{call}`'s forward pass")
    if run.error is not None:
        message = _size_problem(run, call) or _linear_problem(run, call, model) or str(run.error)
        raise Incorrect(message + note)
    return run


def _check_discriminator(answer):
    generator = torch.Generator().manual_seed(0)
    call = "Discriminator()"
    model = build(answer, what=f"`{call}`")
    _structure(model, call)
    images = torch.rand(4, 1, 28, 28, generator=generator) * 2 - 1  # (4, 1, 28, 28) in [-1, 1]
    run = _run_discriminator(model, images, call)
    _check_discriminator_run(run, call, 64, 4)
    check_parameter_count(model, call, DISCRIMINATOR_PARAMETERS)
    if isinstance(answer, nn.Module):
        return "your discriminator gives one raw logit per image."

    call = "Discriminator(width=8)"
    model = build(answer, width=8, what=f"`{call}`")
    _structure(model, call)
    run = _run_discriminator(model, images[:2], call, note=" Use the argument width instead of fixed numbers.")
    _check_discriminator_run(run, call, 8, 2)
    check_parameter_count(model, call, SMALL_DISCRIMINATOR_PARAMETERS)
    return "your discriminator turns images (N, 1, 28, 28) into one raw logit each, for any width."


discriminator_question = ModuleProblem(
    var="Discriminator",
    noun="class",
    test=_check_discriminator,
    points=2,
    hints=[
        "In __init__: self.down1 = discriminator_block(1, width, batch_norm=False); self.down2 = "
        "discriminator_block(width, 2 * width); self.score = nn.Sequential(nn.Flatten(), nn.Linear(2 * width * 7 * 7, 1)). "
        "forward chains the three.",
        "forward: return self.score(self.down2(self.down1(images))): no sigmoid at the end.",
    ],
)


# ------------------------------------------------------------------ q3: why LeakyReLU (thought)

# ================================================================================ q3: real pixels to [-1, 1]


def _pixel_batches():
    """Two uint8 batches (N, 28, 28): one with the full 0..255 range, and a faint one (max 200), images of different ranges."""
    generator = torch.Generator().manual_seed(404)
    full = torch.randint(0, 256, (4, 28, 28), generator=generator, dtype=torch.int64)
    full[0, :, :14] = 0                 # a background region
    full[1, 0, 0], full[2, 0, 0] = 255, 0
    full[3] = full[3] // 2              # one faint image (max 127) inside a full-range batch
    faint = torch.stack([torch.randint(low, high, (28, 28), generator=generator, dtype=torch.int64)
                         for low, high in ((10, 181), (0, 121), (30, 201))])  # (3, 28, 28): no pixel reaches 255
    return [full.to(torch.uint8), faint.to(torch.uint8)]


def _scaled(pixels):
    return pixels.double() / 127.5 - 1  # (N, 28, 28) float64: the right values


def _name_scaling_mistake(got, pixels):
    """Raise Incorrect naming how `got` (float64 (N, 28, 28)) was computed from `pixels`, when it matches a known slip."""
    x = pixels.double()
    per_image_low = x.amin(dim=(1, 2), keepdim=True)
    per_image_high = x.amax(dim=(1, 2), keepdim=True)
    rows = [
        (x / 255, "your values lie in [0, 1] (pixel / 255): the background is 0, not −1. Stretch to [−1, 1], "
                  "the range of the generator's tanh: pixel / 127.5 − 1."),
        (x / 255 * 2, "your values lie in [0, 2]: you doubled pixel / 255 but forgot to subtract 1 (pixel / 127.5 − 1)."),
        (x / 255 / 255 * 2 - 1, "you divided by 255 twice: every value ends up near −1. Divide the raw pixels once: pixel / 127.5 − 1."),
        (x / 255 / 255, "you divided by 255 twice: every value ends up near 0. Divide the raw pixels once: pixel / 127.5 − 1."),
        ((x - per_image_low) / (per_image_high - per_image_low).clamp_min(1e-12) * 2 - 1,
         "you scaled each image by its own minimum and maximum: a faint digit then looks as bold as any other, and "
         "the scale changes from image to image. Use the fixed pixel range 0..255: pixel / 127.5 − 1."),
        ((x - x.min()) / (x.max() - x.min()) * 2 - 1,
         "you scaled by the batch's own minimum and maximum: a batch without a full-ink pixel gets stretched. Use "
         "the fixed pixel range 0..255: pixel / 127.5 − 1."),
        (x / 128 - 1, "255 / 128 − 1 = 0.992: full ink should reach exactly +1. Divide by 127.5 (half of 255)."),
        (x / 127.5, "your values lie in [0, 2]: subtract 1 after dividing by 127.5."),
        (1 - x / 127.5, "your scale is upside down: the background (0) became +1 and the ink −1. Use pixel / 127.5 − 1."),
        ((x / 255 - 0.1307) / 0.3081,
         "that is the mean/std normalisation of classifier tutorials ((pixel / 255 − 0.1307) / 0.3081): values run "
         "from about −0.42 to 2.8, which a tanh output can never reach. A GAN needs [−1, 1]: pixel / 127.5 − 1."),
        ((pixels * 2).double() / 255 - 1,
         "pixels * 2 overflowed: uint8 arithmetic wraps around at 256 (so 200 * 2 gives 144). Convert to float "
         "first: pixels.float() / 127.5 - 1."),
        ((pixels * 2).double() / 255,
         "pixels * 2 overflowed: uint8 arithmetic wraps around at 256 (so 200 * 2 gives 144). Convert to float "
         "first: pixels.float() / 127.5 - 1."),
        (torch.div(x, 127.5, rounding_mode="floor") - 1,
         "you used integer (floor) division, so every value is −1, 0 or 1: divide as floats, pixels.float() / 127.5 − 1."),
    ]
    right = _scaled(pixels)
    for candidate, message in rows:
        if got.shape == candidate.shape and torch.allclose(got, candidate, atol=2e-3) \
                and not torch.allclose(candidate, right, atol=1e-5):  # on this batch the slip gives wrong values
            raise Incorrect(message)


def _check_preprocess(answer):
    from learntools.core import NotAttempted, call_learner, current_timeout, is_placeholder
    from learntools.gans.checking.functions import require_written

    var, what = "preprocess", "your function `preprocess`"
    require_written(answer, var)
    for pixels in _pixel_batches():
        original = pixels.clone()
        got = call_learner(answer, pixels, what=what, timeout=current_timeout())
        if is_placeholder(got):
            raise NotAttempted(f"{what} still returns `____`: replace it with your code.")
        if not torch.equal(pixels, original):
            raise Incorrect(f"{what} changed the pixel tensor it was given (an in-place operation such as "
                            "`pixels.div_`); return a new tensor and leave the data as it is.")
        if not isinstance(got, torch.Tensor):
            raise Incorrect(f"{what} returned {describe(got)}; return a torch tensor, (N, 1, 28, 28) float32.")
        n = len(pixels)
        if got.is_complex() or got.dtype == torch.bool:
            raise Incorrect(f"{what} returned a tensor of dtype {got.dtype}; return float32 values in [−1, 1].")
        values = got.detach().double().cpu()
        if tuple(got.shape) == (n, 28, 28):
            _name_scaling_mistake(values, pixels)
            raise Incorrect(f"{what} returned shape {tuple(got.shape)}: add the channel axis, (N, 1, 28, 28), "
                            "e.g. with .unsqueeze(1). Convolutions expect (batch, channels, height, width).")
        if tuple(got.shape) == (n, 784):
            raise Incorrect(f"{what} returned shape {tuple(got.shape)}, flattened rows: reshape to (N, 1, 28, 28).")
        if tuple(got.shape) == (n, 28, 28, 1):
            raise Incorrect(f"{what} returned shape {tuple(got.shape)}, channels last: PyTorch puts the channel "
                            "axis second, (N, 1, 28, 28); use .unsqueeze(1) on the (N, 28, 28) pixels.")
        if tuple(got.shape) != (n, 1, 28, 28):
            raise Incorrect(f"{what} returned shape {tuple(got.shape)} for {n} images of 28×28; it should be "
                            f"({n}, 1, 28, 28).")
        if not torch.isfinite(values).all():
            raise Incorrect(f"{what} returned NaN or infinite values; pixel / 127.5 − 1 is finite for every pixel.")
        if not got.is_floating_point():
            raise Incorrect(f"{what} returned integers (dtype {got.dtype}); the networks need float32: "
                            "pixels.float() / 127.5 − 1.")
        _name_scaling_mistake(values[:, 0], pixels)
        if not torch.allclose(values[:, 0], _scaled(pixels), atol=1e-5):
            low, high = values.min().item(), values.max().item()
            raise Incorrect(f"{what} gives values from {low:.3g} to {high:.3g}, but pixel 0 should become −1, 255 "
                            "become +1, and everything in between on a straight line: pixel / 127.5 − 1.")
        if got.dtype != torch.float32:
            raise Incorrect(f"{what} returned {got.dtype} values; the networks' weights are float32 and refuse "
                            "other dtypes: use pixels.float() (not .double()) before dividing.")
    return ("0 → −1, 255 → +1, float32, (N, 1, 28, 28): real images in the range of the generator's tanh, "
            "so D can't tell real from fake by the range of the pixel values alone.")


preprocess_question = Problem(
    var="preprocess",
    test=_check_preprocess,
    hints=[
        "Three things: a float dtype (float32), the channel axis (N, 28, 28) → (N, 1, 28, 28), and a straight "
        "line that sends 0 to −1 and 255 to +1. Scale by the fixed range of 8-bit pixels, not by each image's own "
        "minimum and maximum.",
        "return pixels.float().unsqueeze(1) / 127.5 - 1",
    ],
)


leaky_question = ThoughtProblem(
    points=1,
    hints=["Where does the generator's training signal come from, and what does ReLU do to a gradient where its "
           "input is negative?"],
)


# ------------------------------------------------------------------ q4: losses of a very wrong verdict

LOGIT = torch.tensor([-200.0])  # the discriminator is certain a real image is fake
LABEL = torch.tensor([1.0])  # it is real
LN2 = math.log(2.0)


def _scalar_test(var, expected, mistakes):
    """A check for one loss value: accepts a number or a one-element tensor/array."""

    def test(answer):
        if isinstance(answer, (str, bytes, bool)) or answer is None:
            raise Incorrect(f"`{var}` should be a number (a loss value), but it is {describe(answer)}.")
        try:
            values = to_numpy(answer).reshape(-1)
        except TypeError:
            raise Incorrect(f"`{var}` should be a number (a loss value), but it is {describe(answer)}.") from None
        if values.size != 1:
            raise Incorrect(f"`{var}` holds {values.size} values; it should be one loss value (use the default "
                            "reduction, or .item()).")
        value = float(values[0])
        if math.isclose(value, expected, rel_tol=1e-4, abs_tol=1e-4):
            return None
        for wrong, message in mistakes:
            if (math.isinf(wrong) and value == wrong) or math.isclose(value, wrong, rel_tol=1e-3, abs_tol=1e-3):
                raise Incorrect(f"you have {format_number(value)}: {message}")
        if math.isnan(value):
            raise Incorrect(f"`{var}` is NaN: look for a log of 0 or of a negative number.")
        raise Incorrect(f"`{var}` is {format_number(value)}, which is not what PyTorch gives here; compute it with the "
                        "loss named in the exercise.")

    return test


loss_logits_part = ValueProblem(
    var="loss_logits",
    test=_scalar_test("loss_logits", 200.0, [
        (100.0, "that is nn.BCELoss on torch.sigmoid(logit), which PyTorch caps at 100. Pass the raw logit to "
                "nn.BCEWithLogitsLoss."),
        (LN2, "that is ln 2, the loss of a coin flip: you applied a sigmoid before nn.BCEWithLogitsLoss, which "
              "applies another one. Pass the raw logit."),
        (0.0, "that is the loss for the label 0 (fake). This image is real: use the label 1, `label`."),
        (-200.0, "a loss here is −log(probability of the right answer), never negative: compute "
                 "nn.BCEWithLogitsLoss()(logit, label)."),
        (1 + 200 + math.log1p(math.exp(-1)),
         "the arguments are swapped: you passed the label as the logit and the logit as the label. The loss takes "
         "the prediction first: nn.BCEWithLogitsLoss()(logit, label)."),
    ]),
    hints=[
        "nn.BCEWithLogitsLoss() makes a loss function; call it with (logit, label): the raw logit first, the label second.",
        "loss_logits = nn.BCEWithLogitsLoss()(logit, label)",
    ],
    success="BCEWithLogitsLoss computes −log sigmoid(−200) = 200 exactly: a confident mistake costs a lot, and its gradient stays strong.",
)

loss_double_part = ValueProblem(
    var="loss_double_sigmoid",
    test=_scalar_test("loss_double_sigmoid", LN2, [
        (200.0, "that is the loss of the raw logit. This part applies torch.sigmoid first, as a discriminator "
                "ending in a sigmoid would."),
        (100.0, "that is nn.BCELoss on the probability. This part feeds the probability into nn.BCEWithLogitsLoss, "
                "which treats it as a logit."),
        (0.5, "0.5 is sigmoid(0), a probability, not the loss; the loss is −log(0.5)."),
        (1 + math.log1p(math.exp(-1)),
         "the arguments are swapped: you passed the label as the logit and the probability as the label. The "
         "loss takes the prediction first: nn.BCEWithLogitsLoss()(torch.sigmoid(logit), label)."),
    ]),
    hints=[
        "First the sigmoid: probability = torch.sigmoid(logit). Then treat that probability as if it were a logit: "
        "nn.BCEWithLogitsLoss()(probability, label).",
        "loss_double_sigmoid = nn.BCEWithLogitsLoss()(torch.sigmoid(logit), label)",
    ],
    success="a sigmoid before BCEWithLogitsLoss turned the logit −200 into 0, read as \"no idea\" (ln 2): the worst verdict looks harmless.",
)

loss_bce_part = ValueProblem(
    var="loss_bce",
    test=_scalar_test("loss_bce", 100.0, [
        (200.0, "that is what nn.BCEWithLogitsLoss gives on the raw logit. This part uses nn.BCELoss on "
                "torch.sigmoid(logit)."),
        (math.inf, "inf is −log(0): sigmoid(-200) is 0 in float32. nn.BCELoss clamps its log at -100; use it rather "
                   "than writing the formula."),
        (LN2, "ln 2 is the double-sigmoid loss of the previous part. Here use nn.BCELoss on torch.sigmoid(logit)."),
        (0.0, "0 would be the loss for the label 0 (fake); this image is real: use `label`."),
    ]),
    hints=[
        "nn.BCELoss expects probabilities: nn.BCELoss()(torch.sigmoid(logit), label).",
        "In float32, torch.sigmoid(torch.tensor(-200.0)) is exactly 0 and log(0) = −inf; PyTorch's BCELoss clamps the "
        "log at −100.",
    ],
    success="sigmoid(−200) rounds to 0 and BCELoss clamps its log at −100: the loss stops at 100 and the gradient vanishes.",
)

losses_question = MultipartProblem(a=loss_logits_part, b=loss_double_part, c=loss_bce_part)


# ------------------------------------------------------------------ q5: why no sigmoid (thought)

no_sigmoid_question = ThoughtProblem(
    points=2,
    hints=["Look at the three numbers from q4, and at the gradient curves: which loss still tells the discriminator "
           "how wrong it is?"],
)


__all__ = bind_exercises(
    globals(),
    [block_question, discriminator_question, preprocess_question, leaky_question, losses_question, no_sigmoid_question],
)
__all__ += ["____"]
