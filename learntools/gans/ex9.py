"""Lesson 09 checks: image-to-image translation (U-Net skips, PatchGAN grid and receptive field, the
pix2pix losses of G and of the input-conditioned D, PSNR)."""

import copy
import math

import numpy as np
import torch
import torch.nn.functional as F

from learntools.core import (
    FunctionProblem,
    Incorrect,
    Problem,
    ThoughtProblem,
    ValueProblem,
    bind_exercises,
    describe,
    known_mistakes,
    values_match,
    ____,
)
from learntools.gans.checking.mistakes import name_number_mistake
from learntools.gans.evaluation import translation as reference_scores
from learntools.gans.models import pix2pix as reference

ENCODER_CHANNELS = [32, 64, 128, 256, 256]  # the lesson's U-Net (width 32, depth 5, max_width 256)


def _as_tensor(value):
    """A learner's numeric result as a float64 tensor, or None when it isn't one."""
    if isinstance(value, torch.Tensor):
        return value.detach().double().cpu()
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        return torch.from_numpy(value).double()
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return torch.tensor(float(value), dtype=torch.float64)
    return None


def _one_number(got, advice):
    """A learner's result as a float: None when it isn't numeric, Incorrect ending in ``advice`` when it's several."""
    got = _as_tensor(got)
    if got is None:
        return None
    if got.numel() != 1:
        raise Incorrect(f"it returned a tensor of shape {tuple(got.shape)}{advice}")
    return float(got.reshape(()))


# ================================================================================ q1: U-Net channel arithmetic

UNET_IN = [ENCODER_CHANNELS[4], 2 * ENCODER_CHANNELS[3], 2 * ENCODER_CHANNELS[2], 2 * ENCODER_CHANNELS[1],
           2 * ENCODER_CHANNELS[0]]  # [256, 512, 256, 128, 64]


def _check_decoder_channels(answer):
    try:
        values = [int(v) for v in answer] if isinstance(answer, (list, tuple)) else None
    except (TypeError, ValueError):
        values = None
    if values is None:
        raise Incorrect(f"`unet_decoder_in_channels` should be a list of 5 whole numbers, but it is {describe(answer)}.")
    if len(values) != 5:
        raise Incorrect(f"your list has {len(values)} numbers; there are 5 layers on the way up: four up blocks "
                        "and the last layer that makes the image.")
    if values == UNET_IN:
        return None
    if values == [256, 256, 128, 64, 32]:
        raise Incorrect("those are the encoder-decoder's numbers, without skips. In the U-Net every layer after "
                        "the first also receives the encoder's map of the same size: add its channels.")
    if values == [512, 512, 256, 128, 64]:
        raise Incorrect("the first up block reads the 1×1 bottleneck alone: it has no encoder map of the same "
                        "size to be joined with, so it takes 256, not 512.")
    if values[:4] == UNET_IN[:4] and values[4] == 32:
        raise Incorrect("the last layer gets a skip too: the first up-block's 32 channels joined with the "
                        "encoder's first map (32 channels, 16×16), so 64.")
    if values == [256, 256 + 128, 128 + 64, 64 + 32, 32 + 32] or values == [256, 384, 192, 96, 64]:
        raise Incorrect("you added the *next* encoder level's channels. Each up block's output has the same "
                        "size, and the same channel count, as the encoder map it is joined with: both halves match.")
    wrong = [i for i, (got, want) in enumerate(zip(values, UNET_IN)) if got != want]
    raise Incorrect(f"{len(wrong)} of 5 numbers are off; the first is layer {wrong[0] + 1} (you have {values[wrong[0]]}): "
                    "its input is the previous up block's output plus the encoder map of the same size.")


decoder_channels_question = ValueProblem(
    var="unet_decoder_in_channels",
    test=_check_decoder_channels,
    hints=[
        "Go up from the bottleneck: the first up block reads the bottleneck (256 channels, 1×1) and outputs 256 "
        "channels at 2×2. That output is joined with the encoder's 2×2 map (256 channels) before the next block.",
        "Each later layer reads twice the channels of the encoder level it matches: 2×256, 2×128, 2×64, 2×32.",
    ],
    success="each decoder layer after the first reads its own features plus the encoder's map of the same size: twice the channels.",
)


# ================================================================================ q2: the skip connection


def _join_skip(x, skip):
    return torch.cat([x, skip], dim=1)  # (N, C_x + C_skip, H, W)


def _join_cases(rng):
    n, c, size = int(rng.integers(1, 4)), int(rng.integers(1, 5)), int(rng.choice([2, 4, 8]))
    x = torch.tensor(rng.normal(size=(n, c, size, size)), dtype=torch.float32)
    skip = torch.tensor(rng.normal(size=(n, c, size, size)), dtype=torch.float32)
    return x, skip


def _join_diagnose(args, got, expected):
    x, skip = args
    got = _as_tensor(got)
    if got is None:
        return
    x, skip = x.double(), skip.double()
    if values_match(got, x + skip):
        raise Incorrect("you added the two maps. The U-Net concatenates them (torch.cat along the channels), so the "
                        "decoder keeps both and learns how to mix them; the channel count doubles.")
    if values_match(got, torch.cat([skip, x], dim=1)):
        raise Incorrect("the encoder's map comes first in your result; put the decoder's features `x` first, then `skip`.")
    if values_match(got, torch.cat([x, skip], dim=0)):
        raise Incorrect(f"your result has shape {tuple(got.shape)}: that stacked the batches (dim=0). Join along the channels, dim=1.")
    for dim, name in ((2, "height"), (3, "width")):
        if values_match(got, torch.cat([x, skip], dim=dim)):
            raise Incorrect(f"your result has shape {tuple(got.shape)}: that joined along the {name}. Join along the channels, dim=1.")
    if values_match(got, x):
        raise Incorrect("you returned `x` unchanged: the skip's detail never reaches the decoder.")


join_skip_question = FunctionProblem(
    var="join_skip",
    reference=_join_skip,
    arg_names=["x", "skip"],
    cases=[(torch.ones(1, 1, 2, 2), torch.full((1, 1, 2, 2), 2.0)),
           (torch.arange(16.0).reshape(1, 2, 2, 4), -torch.arange(16.0).reshape(1, 2, 2, 4))],
    random_cases=_join_cases,
    n_random=4,
    test=_join_diagnose,
    hints=[
        "Both maps have the same batch size, height and width; only the channels are stacked. "
        "torch.cat takes a list of tensors and the dimension to join along.",
        "return torch.cat([x, skip], dim=1)",
    ],
    success="torch.cat along dim 1: the decoder keeps both sets of channels and learns how to mix them.",
)


# ================================================================================ q3: the PatchGAN's output grid

patch_grid_question = ValueProblem(
    var="patch_grid",
    expected=(5, 5),
    test=known_mistakes([
        ((1, 1), "(1, 1) would be a single verdict per image, like lesson 04's discriminator. The PatchGAN has "
                 "no final linear layer: its last convolution leaves a grid of verdicts."),
        ((7, 7), "7×7 is the size after the two stride-2 convolutions; two more 4×4 convolutions with stride 1 "
                 "and padding 1 follow, each taking one row and column away."),
        ((6, 6), "6×6 counts only one of the two stride-1 convolutions; each of them shrinks the map by 1."),
        ((4, 4), "4×4 is one too small: 28 → 14 → 7 → 6 → 5 (floor((n + 2·1 − 4)/s) + 1 at each layer)."),
        ((8, 8), "8×8 would be 32×32 halved twice (the U-Net pads to 32, but the PatchGAN sees the 28×28 pair): "
                 "28 → 14 → 7, then the two stride-1 layers."),
    ]),
    hints=[
        "Apply lesson 02's formula floor((n + 2p − k) / s) + 1 layer by layer: two layers with k=4, s=2, p=1, "
        "then two with k=4, s=1, p=1.",
        "28 → 14 → 7 → 6 → 5.",
    ],
    success="28 → 14 → 7 → 6 → 5: a 5×5 grid of verdicts, one per overlapping patch.",
)


# ================================================================================ q4: receptive field


def _layer_cases(rng):
    count = int(rng.integers(1, 6))
    return ([(int(rng.integers(1, 6)), int(rng.integers(1, 4))) for _ in range(count)],)


def _rf_no_jump(layers):
    return 1 + sum(k - 1 for k, _ in layers)


def _rf_own_stride(layers):
    field, jump = 1, 1
    for k, s in layers:
        jump *= s
        field += (k - 1) * jump
    return field


def _rf_product(layers):
    return math.prod(k for k, _ in layers)


def _rf_sum(layers):
    return sum(k for k, _ in layers)


def _rf_without_one(layers):
    return reference.receptive_field(layers) - 1


def _rf_stride_times_kernel(layers):
    field, jump = 1, 1
    for k, s in layers:
        field += k * jump
        jump *= s
    return field


def _rf_diagnose(args, got, expected):
    (layers,) = args
    got = _as_tensor(got)
    if got is None or got.numel() != 1:
        return
    value = float(got.reshape(()))
    checks = [
        (_rf_no_jump, "you added kernel − 1 per layer without the jump: after a stride-2 layer, neighbouring "
                      "positions are 2 input pixels apart, so the next layer's extra reach counts double."),
        (_rf_own_stride, "you multiplied in a layer's own stride before adding its reach: a layer's kernel steps "
                         "over its *input* positions, whose spacing is the product of the earlier strides only."),
        (_rf_product, "you multiplied the kernel sizes; the field grows by addition: (kernel − 1) × jump per layer."),
        (_rf_sum, "you added the kernel sizes; each layer adds (kernel − 1) × jump, starting from 1 pixel."),
        (_rf_without_one, "one short: start from a field of 1 pixel (one output position sees itself), then add."),
        (_rf_stride_times_kernel, "each layer adds (kernel − 1) × jump, not kernel × jump: a 1×1 kernel adds nothing."),
    ]
    for wrong, message in checks:
        if value == wrong(layers) and value != expected:
            raise Incorrect(message)


receptive_field_question = FunctionProblem(
    var="receptive_field",
    reference=reference.receptive_field,
    arg_names=["layers"],
    cases=[([(3, 1)],), ([(3, 1), (3, 1)],), ([(4, 2), (4, 2)],), ([(4, 2), (4, 2), (4, 1), (4, 1)],),
           (reference.patch_layers(3),)],
    random_cases=_layer_cases,
    n_random=10,
    test=_rf_diagnose,
    hints=[
        "Keep two numbers while walking from the input side: the field (start at 1) and the jump, the distance "
        "in input pixels between neighbouring positions of the current layer's input (start at 1). A layer "
        "adds (kernel − 1) × jump to the field, then multiplies the jump by its stride.",
        "field, jump = 1, 1; for kernel, stride in layers: field += (kernel - 1) * jump; jump *= stride",
    ],
    success="field += (k − 1)·jump, jump ×= stride: the same two lines give pix2pix's 70×70 PatchGAN.",
)


# ================================================================================ q5: the pix2pix loss


def _loss_cases(rng):
    n, size, grid = int(rng.integers(1, 4)), int(rng.choice([4, 8])), int(rng.integers(1, 4))
    fake_logits = torch.tensor(rng.normal(size=(n, 1, grid, grid)) * 2, dtype=torch.float32)
    fake = torch.tensor(rng.uniform(-1, 1, size=(n, 1, size, size)), dtype=torch.float32)
    target = torch.tensor(rng.uniform(-1, 1, size=(n, 1, size, size)), dtype=torch.float32)
    return fake_logits, fake, target, float(rng.choice([100.0, 10.0, 1.0]))


def _loss_diagnose(args, got, expected):
    fake_logits, fake, target, *given_weight = args  # a case without l1_weight checks the default
    weight = given_weight[0] if given_weight else DEFAULT_L1_WEIGHT
    value = _one_number(got, "; a loss is one number: take the means.")
    if value is None:
        return
    logits, difference = fake_logits.double(), (fake - target).double()
    adversarial = F.softplus(-logits).mean()
    l1 = difference.abs().mean()
    if not given_weight and abs(float(l1)) > 0:
        default = (value - float(adversarial)) / float(l1)
        if abs(default - round(default)) < 1e-3 and round(default) != DEFAULT_L1_WEIGHT:
            raise Incorrect(f"called without l1_weight, your loss weighs the L1 term by {round(default)}: make the "
                            f"default {DEFAULT_L1_WEIGHT:g}, as the exercise asks (`l1_weight={DEFAULT_L1_WEIGHT}`).")
    candidates = [
        (adversarial + weight * (difference ** 2).mean(),
         "your reconstruction term squares the differences (L2). pix2pix uses L1, the mean *absolute* "
         "difference, which blurs less."),
        (adversarial + l1, "the L1 term is missing its weight: multiply it by l1_weight (100 by default)."),
        (weight * adversarial + l1, "the weight multiplies the wrong term: it belongs to L1, not to the adversarial part."),
        (weight * l1, "only the L1 term is there: add the adversarial term, −log D(x, G(x)) averaged over the patches."),
        (adversarial, "only the adversarial term is there: add l1_weight × the mean absolute difference."),
        (-F.softplus(logits).mean() + weight * l1,
         "your adversarial term is the minimax form log(1 − D), which saturates: use the non-saturating "
         "−log D(x, G(x)) = softplus(−logits)."),
        (F.softplus(logits).mean() + weight * l1,
         "your adversarial term rewards fakes that D calls fake; the generator wants them called real: softplus(−logits)."),
        (adversarial + weight * difference.abs().sum(),
         "your L1 term is a sum over all pixels; take the mean, so the weight 100 means the same for any image size."),
        (adversarial - weight * l1, "the L1 term has the wrong sign: the loss must grow as the output moves away from the target."),
    ]
    name_number_mistake(value, expected, candidates, rtol=1e-4, atol=1e-5)


DEFAULT_L1_WEIGHT = 100.0


def _reference_loss(fake_logits, fake, target, l1_weight=DEFAULT_L1_WEIGHT):
    return reference.pix2pix_generator_loss(fake_logits, fake, target, l1_weight)


pix2pix_loss_question = FunctionProblem(
    var="pix2pix_generator_loss",
    reference=_reference_loss,
    arg_names=["fake_logits", "fake", "target", "l1_weight"],
    cases=[(torch.zeros(1, 1, 2, 2), torch.zeros(1, 1, 4, 4), torch.full((1, 1, 4, 4), 0.5), 100.0),
           (torch.tensor([[[[2.0, -1.0], [0.5, -3.0]]]]), torch.linspace(-1, 1, 16).reshape(1, 1, 4, 4),
            torch.zeros(1, 1, 4, 4), 100.0),
           (torch.tensor([[[[1.0, -2.0], [0.0, 0.5]]]]), torch.linspace(-1, 1, 16).reshape(1, 1, 4, 4),
            torch.full((1, 1, 4, 4), 0.25))],  # l1_weight left out: the default must be 100
    random_cases=_loss_cases,
    n_random=6,
    test=_loss_diagnose,
    hints=[
        "Two terms. Adversarial: the non-saturating generator loss −log D(x, G(x)) on every patch logit, "
        "averaged (softplus(−logits).mean()). Reconstruction: the mean absolute difference between fake and "
        "target, times l1_weight.",
        "return F.softplus(-fake_logits).mean() + l1_weight * (fake - target).abs().mean()",
    ],
    success="non-saturating adversarial term on every patch + λ·mean |G(x) − y|, λ = 100 by default.",
)


# ================================================================================ q6: the conditioned D loss


class _RecordingPatchD(torch.nn.Module):
    """A stand-in PatchGAN for pairs (N, channels, H, W): one fixed 2x2 convolution to a grid of logits.

    It remembers every tensor it is shown (before checking it), so the check can say what D saw.
    """

    def __init__(self, channels, seed):
        super().__init__()
        generator = torch.Generator().manual_seed(seed)
        self.channels = channels
        self.conv = torch.nn.Conv2d(channels, 1, kernel_size=2)
        with torch.no_grad():
            self.conv.weight.copy_(torch.randn(self.conv.weight.shape, generator=generator) * 1.5)
            self.conv.bias.fill_(0.3)
        self.calls = []

    def forward(self, pairs):
        if not isinstance(pairs, torch.Tensor):
            raise TypeError(f"D takes one tensor, the stacked pair, not {describe(pairs)}")
        self.calls.append(pairs)
        if pairs.ndim != 4 or pairs.shape[1] != self.channels:
            raise ValueError(f"this D expects pairs of shape (N, {self.channels}, H, W), got {tuple(pairs.shape)}")
        return self.conv(pairs.float())  # (N, 1, H - 1, W - 1)


def _pair_bench(seed=0, n=3, c_in=1, c_out=1, size=5):
    """Inputs, targets, a D for pairs, and fakes made by a tiny "generator" weight (so a missing detach shows)."""
    generator = torch.Generator().manual_seed(seed + 100)
    inputs = torch.rand(n, c_in, size, size, generator=generator) * 2 - 1
    targets = torch.rand(n, c_out, size, size, generator=generator) * 2 - 1
    weight = torch.tensor(0.8, requires_grad=True)  # stands in for G's weights
    fakes = torch.tanh(weight * (torch.rand(n, c_out, size, size, generator=generator) * 3 - 1.5))
    return _RecordingPatchD(c_in + c_out, seed), inputs, targets, fakes, weight


def _bce(logits, target):
    return F.binary_cross_entropy_with_logits(logits, torch.full_like(logits, float(target)))


def _reference_d_loss(D, inputs, targets, fakes):
    real_logits = D(torch.cat([inputs, targets], dim=1))           # (N, 1, h, w): real pairs
    fake_logits = D(torch.cat([inputs, fakes.detach()], dim=1))    # (N, 1, h, w): fake pairs, detached
    return _bce(real_logits, 1) + _bce(fake_logits, 0)


def _same(a, b):
    return isinstance(a, torch.Tensor) and a.shape == b.shape and torch.allclose(a.detach().double(), b.double(), atol=1e-6)


def _describe_pair(pair, inputs, targets, fakes):
    """Name what a (N, 2 parts, H, W) tensor stacks: ("inputs", "targets") etc., or None."""
    c_in = inputs.shape[1]
    parts = {"the input": inputs, "the target": targets, "the fake": fakes.detach()}
    for first_name, first in parts.items():
        for second_name, second in parts.items():
            if pair.shape[1] == first.shape[1] + second.shape[1] and _same(pair[:, :first.shape[1]], first) \
                    and _same(pair[:, first.shape[1]:], second):
                return first_name, second_name
    return None


def _name_shape_mistake(calls, inputs, targets, what):
    """Raise Incorrect when D was shown a tensor of the wrong shape, naming how it was built."""
    n, c_in, h, w = inputs.shape
    c_out = targets.shape[1]
    for pair in calls:
        shape = tuple(pair.shape)
        if pair.ndim != 4:
            raise Incorrect(f"{what} showed D a tensor of shape {shape}; D takes a batch of stacked pairs "
                            f"(N, C_in + C_out, H, W) = ({n}, {c_in + c_out}, {h}, {w}).")
        if shape == (n, c_out, h, w) or shape == (n, c_in, h, w):
            raise Incorrect(f"{what} showed D a single image per example, shape {shape}: D sees only the output, "
                            "so it can't tell whether it is a translation *of this input*. Stack the input with it "
                            "along the channels: torch.cat([inputs, images], dim=1).")
        if shape == (2 * n, max(c_in, c_out), h, w) or shape[0] == 2 * n:
            raise Incorrect(f"{what} showed D a tensor of shape {shape}: that concatenated along dim 0, stacking "
                            "the batches. A pair is joined along the channels, dim=1.")
        for dim, name in ((2, "height"), (3, "width")):
            if shape[dim] == 2 * (h if dim == 2 else w) and shape[1] == c_in:
                raise Incorrect(f"{what} showed D a tensor of shape {shape}: that joined the images along the "
                                f"{name} (dim={dim}). A pair is joined along the channels, dim=1.")


def _name_what_d_saw(calls, inputs, targets, fakes, what):
    """Raise Incorrect naming how D was fed, when its inputs were not the two stacked pairs."""
    _name_shape_mistake(calls, inputs, targets, what)
    named = [_describe_pair(pair, inputs, targets, fakes) for pair in calls if pair.ndim == 4]
    for parts in named:
        if parts in (("the target", "the input"), ("the fake", "the input")):
            raise Incorrect(f"{what} stacked {parts[0]} before the input; put the input first, "
                            "torch.cat([inputs, images], dim=1), the order the PatchDiscriminator uses.")
        if parts in (("the target", "the fake"), ("the fake", "the target")):
            raise Incorrect(f"{what} paired the fake with the target instead of with the input. Each pair is "
                            "(input, image): D asks whether the image is a real translation of *this input*, "
                            "so both pairs carry the input.")
    if ("the input", "the target") not in named or ("the input", "the fake") not in named:
        seen = ", ".join(f"({a}, {b})" for a, b in (p for p in named if p)) or "no pair it recognises"
        raise Incorrect(f"D should judge two pairs, (input, target) and (input, fake); {what} showed it {seen}.")


def _d_loss_number(result, what):
    if not isinstance(result, torch.Tensor):
        if isinstance(result, (int, float)) and not isinstance(result, bool):
            raise Incorrect(f"{what} returned a plain number ({result:.4g}); return the loss tensor, so that "
                            "loss.backward() can compute D's gradients.")
        raise Incorrect(f"{what} returned {describe(result)}; it should return the loss, a one-number tensor.")
    if result.numel() != 1:
        raise Incorrect(f"{what} returned a tensor of shape {tuple(result.shape)}; the loss is one number: "
                        "average the binary cross-entropy over every patch.")
    if result.is_complex():
        raise Incorrect(f"{what} returned a complex tensor; the loss is a real number.")
    value = float(result.detach().double().reshape(()))
    if not math.isfinite(value):
        raise Incorrect(f"{what} returned {value}; on these pairs the loss is a finite number.")
    return value


def _check_d_loss(answer, seed=0, c_in=1, c_out=1):
    """Run the learner's D loss on a stand-in D; raise Incorrect naming the first mistake found."""
    from learntools.core import LearnerCodeError, NotAttempted, call_learner, current_timeout, is_placeholder
    from learntools.gans.checking.functions import require_written

    var = "pix2pix_discriminator_loss"
    what = f"your function `{var}`"
    require_written(answer, var)
    D, inputs, targets, fakes, weight = _pair_bench(seed, c_in=c_in, c_out=c_out)
    D_before = copy.deepcopy(D)
    originals = [t.detach().clone() for t in (inputs, targets, fakes)]
    try:
        with torch.enable_grad():
            result = call_learner(answer, D, inputs, targets, fakes, what=what, timeout=current_timeout())
    except LearnerCodeError:
        _name_shape_mistake(D.calls, inputs, targets, what)  # a shape mistake D refused: name it
        raise
    if is_placeholder(result):
        raise NotAttempted(f"{what} still returns `____`: replace it with your code.")
    if not all(torch.equal(t.detach(), o) for t, o in zip((inputs, targets, fakes), originals)):
        raise Incorrect(f"{what} changed its input tensors in place; leave the batch as it is.")
    _name_what_d_saw(D.calls, inputs, targets, fakes, what)
    value = _d_loss_number(result, what)

    # The detach: nothing of D's loss may flow back into the generator (here, `weight`).
    if result.requires_grad and torch.autograd.grad(result, weight, retain_graph=True, allow_unused=True)[0] is not None:
        raise Incorrect(f"{what} lets D's loss flow back into the generator: the fakes in the D step must be "
                        "detached, torch.cat([inputs, fakes.detach()], dim=1), so that the D step trains D only.")
    if not result.requires_grad:
        raise Incorrect(f"{what} returned a loss without gradients (detached, or computed under no_grad): "
                        "D's optimizer needs loss.backward() to reach D's weights.")

    with torch.no_grad():
        real_logits = D_before(torch.cat([inputs, targets], dim=1)).double()
        fake_logits = D_before(torch.cat([inputs, fakes], dim=1)).double()
    expected = float(_bce(real_logits, 1) + _bce(fake_logits, 0))
    candidates = [
        (_bce(real_logits, 0) + _bce(fake_logits, 1),
         "the labels are swapped: (input, target) pairs are the real ones (label 1), (input, fake) pairs the fakes (label 0)."),
        ((_bce(real_logits, 1) + _bce(fake_logits, 0)) / 2,
         "you halved the loss (the pix2pix paper does, to slow D down); here write lesson 05's sum of the two terms."),
        (_bce(real_logits, 1), "only the real pairs' term is there: add the fake pairs' term, label 0."),
        (_bce(fake_logits, 0), "only the fake pairs' term is there: add the real pairs' term, label 1."),
        (_bce(fake_logits, 1) + _bce(real_logits, 1),
         "both pairs get label 1: the (input, fake) pairs are fakes, label 0."),
        (-(real_logits.mean() - fake_logits.mean()),
         "that is a Wasserstein critic's loss (mean logits); pix2pix's D uses binary cross-entropy on every patch."),
        (F.softplus(-real_logits).sum() + F.softplus(fake_logits).sum(),
         "you summed the cross-entropy over the patches; average it (the mean), so the loss doesn't grow with the grid."),
    ]
    name_number_mistake(value, expected, candidates, rtol=1e-4, atol=1e-5)
    if not math.isclose(value, expected, rel_tol=1e-4, abs_tol=1e-5):
        raise Incorrect(f"{what} gave {value:.5g} on these pairs, but {expected:.5g} was expected: binary "
                        "cross-entropy with logits, label 1 for D(input, target) and 0 for D(input, fake), each "
                        "averaged over the patches, then added.")
    return None


def _d_loss_test(answer):
    _check_d_loss(answer, seed=0)
    _check_d_loss(answer, seed=1, c_in=1, c_out=3)  # grayscale in, colour out: a pair has 4 channels
    return ("D judges (input, image) pairs stacked along the channels, real = (input, target) and fake = "
            "(input, G(input).detach()), so a sharp digit that is not *this* input's translation still gets caught.")


d_loss_question = Problem(
    var="pix2pix_discriminator_loss",
    test=_d_loss_test,
    points=2,
    hints=[
        "Make two pairs, each stacked along the channels with the input first: (inputs, targets), which is real, "
        "and (inputs, fakes), which is fake and detached. Show each to D and use binary cross-entropy with "
        "logits against all-ones and all-zeros grids, as in lesson 05.",
        "real = D(torch.cat([inputs, targets], dim=1)); fake = D(torch.cat([inputs, fakes.detach()], dim=1)); "
        "return F.binary_cross_entropy_with_logits(real, torch.ones_like(real)) + "
        "F.binary_cross_entropy_with_logits(fake, torch.zeros_like(fake))",
    ],
)


# ================================================================================ q6: PSNR


def _psnr_cases(rng):
    n, channels, size = int(rng.integers(1, 5)), int(rng.choice([1, 3])), int(rng.choice([4, 8]))
    target = torch.tensor(rng.uniform(-1, 1, size=(n, channels, size, size)), dtype=torch.float32)
    noise = torch.tensor(rng.normal(size=(n, channels, size, size)), dtype=torch.float32)
    scales = torch.tensor(rng.uniform(0.02, 0.5, size=(n, 1, 1, 1)), dtype=torch.float32)
    return (target + scales * noise).clamp(-1, 1), target


def _reference_psnr(output, target):
    return reference_scores.psnr(output, target)


def _psnr_diagnose(args, got, expected):
    output, target = args
    value = _one_number(got, ": average the per-image PSNRs into one number.")
    if value is None:
        return
    output, target = output.double(), target.double()
    mse = ((output - target) ** 2).flatten(1).mean(dim=1)  # (N,)
    candidates = [
        ((10 * torch.log10(1 / mse)).mean(),
         "about 6 dB too low: the peak value is the *range* of the pixels, 2 for images in [−1, 1] "
         "(10·log10(2²/MSE)), not 1."),
        (10 * torch.log10(4 / mse.mean()),
         "you computed one MSE over the whole batch. PSNR is computed per image, then averaged."),
        ((20 * torch.log10(4 / mse)).mean(),
         "20·log10 goes with the root of the MSE: 20·log10(2/√MSE) = 10·log10(4/MSE). With the MSE itself, use 10·log10."),
        ((10 * torch.log(4 / mse)).mean(), "that is the natural log: decibels use log10."),
        ((10 * torch.log10(4 / (output - target).abs().flatten(1).mean(dim=1))).mean(),
         "you used the mean absolute error; PSNR uses the mean *squared* error."),
        ((10 * torch.log10(mse / 4)).mean(), "the ratio is upside down: peak² / MSE, so better images score higher."),
        (mse.mean(), "that is the mean squared error itself; PSNR turns it into decibels: 10·log10(4/MSE)."),
    ]
    name_number_mistake(value, expected, candidates, rtol=1e-3, atol=1e-3)


def _psnr_compare(got, expected):
    from learntools.core import Mismatch

    value = _as_tensor(got)
    if value is None or value.numel() != 1:
        raise Mismatch(f"it returned {describe(got)}; PSNR is one number (in dB).")
    value = float(value.reshape(()))
    if not math.isfinite(value):
        raise Mismatch(f"it returned {value}; for these (different) images PSNR is a finite number of dB.")
    if not math.isclose(value, expected, rel_tol=1e-3, abs_tol=1e-3):
        raise Mismatch(f"it returned {value:.4g} dB, but {expected:.4g} dB was expected.")


psnr_question = FunctionProblem(
    var="psnr",
    reference=_reference_psnr,
    arg_names=["output", "target"],
    cases=[(torch.zeros(1, 1, 2, 2), torch.full((1, 1, 2, 2), 0.2)),
           (torch.stack([torch.zeros(1, 2, 2), torch.zeros(1, 2, 2)]),
            torch.stack([torch.full((1, 2, 2), 0.1), torch.full((1, 2, 2), 0.4)]))],
    random_cases=_psnr_cases,
    n_random=5,
    test=_psnr_diagnose,
    compare=_psnr_compare,
    hints=[
        "For each image: the mean squared error over its pixels, then 10·log10(peak² / MSE), where the peak is "
        "the range of possible values, 2 for images in [−1, 1]. Then average over the images.",
        "mse = ((output - target) ** 2).flatten(1).mean(dim=1); return (10 * torch.log10(4 / mse)).mean()",
    ],
    success="10·log10(2² / MSE) per image, then the mean: every halving of the squared error adds 3 dB.",
)


# ================================================================================ q7: thought

l1_versus_gan_question = ThoughtProblem(
    points=2,
    hints=["When several sharp digits fit one blurry input, which single output minimises the average L1 (or "
           "L2) distance to all of them?"],
)


__all__ = bind_exercises(
    globals(),
    [
        decoder_channels_question,
        join_skip_question,
        patch_grid_question,
        receptive_field_question,
        pix2pix_loss_question,
        d_loss_question,
        psnr_question,
        l1_versus_gan_question,
    ],
)
__all__ += ["____", "ENCODER_CHANNELS"]
