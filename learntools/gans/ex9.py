"""Lesson 09 checks: image-to-image translation (U-Net skips, PatchGAN grid and receptive field, the
pix2pix loss, PSNR)."""

import math

import numpy as np
import torch
import torch.nn.functional as F

from learntools.core import (
    FunctionProblem,
    Incorrect,
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
        psnr_question,
        l1_versus_gan_question,
    ],
)
__all__ += ["____", "ENCODER_CHANNELS"]
