"""Lesson 08 checks: a conditional GAN (one-hot labels into G and D, the two losses, per-class accuracy)."""

import copy

import numpy as np
import torch
import torch.nn.functional as F

from learntools.core import (
    Mismatch,
    compare_arrays,
    FunctionProblem,
    Incorrect,
    NotAttempted,
    ThoughtProblem,
    ValueProblem,
    bind_exercises,
    call_learner,
    describe,
    is_placeholder,
    known_mistakes,
    single_thread,
    values_match,
    ____,
)
from learntools.gans.checking.functions import require_written
from learntools.gans.checking.mistakes import name_number_mistake
from learntools.gans.checking.numbers import close, loss_number
from learntools.gans.checking.stand_ins import conditional_bench
from learntools.gans.evaluation import conditional as reference_evaluation
from learntools.gans.models import conditional as reference
from learntools.gans.losses import minimax_g, nonsaturating_d, nonsaturating_g

NUM_CLASSES = 10
Z_DIM = 8  # the stub generator's noise size in the checks


# ================================================================================ helpers


def _tensor_result(got, var, call):
    """The learner's result as a float tensor; a sentence for anything else."""
    if is_placeholder(got):
        raise NotAttempted(f"your function `{var}` still returns `____`: replace it with your code.")
    if got is None:
        raise Incorrect(f"`{call}` returned None: is the `return` statement missing?")
    if isinstance(got, np.ndarray) and got.dtype.kind in "biuf":
        got = torch.from_numpy(got)
    if not isinstance(got, torch.Tensor):
        raise Incorrect(f"`{call}` returned {describe(got)}; it should return a tensor.")
    if got.is_complex():
        raise Incorrect(f"`{call}` returned a complex tensor; it should hold real numbers.")
    got = got.detach().float().cpu()
    if not torch.isfinite(got).all():
        raise Incorrect(f"`{call}` returned a tensor containing NaN or inf.")
    return got


def _labels(*values):
    return torch.tensor(values, dtype=torch.int64)


# ================================================================================ q1: one-hot labels


def _one_hot_cases(rng):
    n = int(rng.integers(1, 9))
    labels = torch.from_numpy(rng.integers(0, NUM_CLASSES, size=n).astype(np.int64))
    return labels, NUM_CLASSES


def _compare_one_hot(got, expected):
    """The values, and a floating-point dtype: the vectors are concatenated to float noise and images."""
    compare_arrays(got, expected, name="the result")
    dtype = got.dtype if isinstance(got, (torch.Tensor, np.ndarray)) else None
    if dtype is not None and not (torch.is_floating_point(got) if isinstance(got, torch.Tensor)
                                  else np.issubdtype(dtype, np.floating)):
        raise Mismatch(f"the result holds the right values, but as {dtype}, not floats.")


def _one_hot_diagnose(args, got, expected):
    labels, num_classes = args
    if not isinstance(got, (torch.Tensor, np.ndarray)):
        return
    if values_match(got, expected, 0, 0):  # right values, so the dtype is what differs
        raise Incorrect(f"your vectors hold {got.dtype} values, not floats: F.one_hot returns int64, and torch.cat with the "
                        "float noise or images needs floats. Add .float(): `F.one_hot(labels, num_classes).float()`.")
    got = torch.as_tensor(got).detach().float().cpu()
    n = len(labels)
    if tuple(got.shape) == (num_classes, n) and n != num_classes:
        raise Incorrect(f"your result has shape {tuple(got.shape)}, one column per label: make it one row per label, ({n}, {num_classes}).")
    if got.ndim == 2 and got.shape[0] == n and got.shape[1] == int(labels.max()) + 1 and got.shape[1] != num_classes:
        raise Incorrect(f"your vectors have {got.shape[1]} entries because the largest label in this batch is "
                        f"{int(labels.max())}: pass num_classes, so every batch gives vectors of {num_classes}.")
    if got.ndim == 2 and got.shape[0] == n and got.shape[1] != num_classes:
        raise Incorrect(f"your vectors have {got.shape[1]} entries, but num_classes is {num_classes}: make one entry "
                        "per class, using the `num_classes` argument rather than a fixed number.")
    if tuple(got.shape) == (n,):
        raise Incorrect(f"your result has shape ({n},), one number per label: each label should become a row of {num_classes} numbers.")
    if tuple(got.shape) != (n, num_classes):
        return
    ones_per_row = (got != 0).sum(dim=1)
    if (ones_per_row > 1).any():
        row = int(torch.nonzero(ones_per_row > 1)[0])
        raise Incorrect(f"row {row} holds {int(ones_per_row[row])} non-zero entries; each row should have a single 1, "
                        f"at its own label (`vectors[rows, labels] = 1` with rows = torch.arange(N), not `vectors[:, labels]`).")
    shifted = F.one_hot((labels - 1) % num_classes, num_classes).float()
    if torch.equal(got, shifted):
        raise Incorrect("every 1 sits one place too early (at label - 1): class k goes to position k, counting from 0.")
    if torch.equal(got, 1 - expected.float()):
        raise Incorrect("your vectors are inverted: 1 at the label and 0 elsewhere, not the other way round.")


one_hot_question = FunctionProblem(
    var="one_hot",
    reference=reference.one_hot,
    arg_names=["labels", "num_classes"],
    cases=[(_labels(3), 10), (_labels(0, 9, 4), 10), (_labels(7, 7, 1, 1, 1), 10), (_labels(2, 0), 3)],
    random_cases=_one_hot_cases,
    n_random=6,
    compare=_compare_one_hot,
    test=_one_hot_diagnose,
    hints=[
        "Start from zeros of shape (N, num_classes), one row per label, then put a 1 in row i at column "
        "labels[i]. PyTorch has a function for exactly this in torch.nn.functional.",
        "torch.nn.functional.one_hot(labels, num_classes).float(): give num_classes, or a batch without "
        "a 9 gives vectors that are too short.",
    ],
    success="class numbers (N,) become float rows (N, 10) with a single 1: a form a network can read.",
)


# ================================================================================ q2: the generator's input

Z_CASES = [
    (torch.linspace(-1, 1, 2 * Z_DIM).reshape(2, Z_DIM), _labels(3, 9)),
    (torch.randn(5, Z_DIM, generator=torch.Generator().manual_seed(1)), _labels(0, 1, 2, 3, 4)),
    (torch.randn(3, 4, generator=torch.Generator().manual_seed(2)), _labels(7, 7, 5)),
]


def _generator_input(z, labels):
    return torch.cat([z, reference.one_hot(labels)], dim=1)  # (N, z_dim + 10)


def _check_generator_input(answer):
    require_written(answer, "generator_input")
    for z, labels in Z_CASES:
        call = f"generator_input(z of shape {tuple(z.shape)}, labels={labels.tolist()})"
        z_copy, labels_copy = z.clone(), labels.clone()
        got = call_learner(answer, z_copy, labels_copy, what="your function `generator_input`", timeout=5.0)
        got = _tensor_result(got, "generator_input", call)
        expected = _generator_input(z, labels)
        n, z_dim = z.shape
        if not (torch.equal(z_copy, z) and torch.equal(labels_copy, labels)):
            raise Incorrect(f"`{call}` changed its inputs in place; build a new tensor instead.")
        if values_match(got, expected):
            continue
        shape = tuple(got.shape)
        if shape == (2 * n, max(z_dim, NUM_CLASSES)) or shape[0] == n + n and got.ndim == 2:
            raise Incorrect(f"`{call}` returned shape {shape}: you stacked the label below the noise "
                            "(dim=0, more rows). Concatenate along dim=1, so each row gets longer.")
        short = shape[1] - z_dim if got.ndim == 2 and shape[0] == n else 0
        if 1 < short < NUM_CLASSES and short == int(labels.max()) + 1 and values_match(got[:, :z_dim], z):
            raise Incorrect(f"`{call}` gives each label only {short} columns, as many as the largest label in this "
                            f"batch ({int(labels.max())}) + 1: pass num_classes=10 to one_hot, so every batch gets "
                            "all ten.")
        if shape == (n, z_dim + 1):
            raise Incorrect(f"`{call}` returned shape {shape}: the label was appended as one number. Append its "
                            f"one-hot vector (10 numbers), so no digit looks 'bigger' than another.")
        if shape == (n, z_dim + NUM_CLASSES) and values_match(got, torch.cat([reference.one_hot(labels), z], dim=1)):
            raise Incorrect(f"`{call}` puts the one-hot label first and the noise after it: the generator "
                            f"expects the noise first (columns 0..{z_dim - 1}), then the 10 label columns.")
        if shape == (n, z_dim + NUM_CLASSES) and values_match(got[:, :z_dim], z):
            raise Incorrect(f"`{call}`: the noise part is right, but the last 10 columns are not the one-hot "
                            "labels; check your `one_hot` (q1) and that you pass it the labels.")
        if shape == (n, z_dim):
            raise Incorrect(f"`{call}` returned shape {shape}, the noise's own shape: the label has to make "
                            f"each row longer, (N, z_dim + 10) = {(n, z_dim + NUM_CLASSES)}.")
        raise Incorrect(f"`{call}` returned shape {shape}, but {tuple(expected.shape)} was expected: "
                        "the noise, then the one-hot label, side by side in each row.")
    return None


generator_input_question = ValueProblem(
    var="generator_input",
    test=_check_generator_input,
    hints=[
        "Each row of the generator's input is one example: its noise vector followed by its one-hot label. "
        "Joining tensors side by side is torch.cat along dim=1.",
        "torch.cat([z, one_hot(labels)], dim=1) gives shape (N, z_dim + 10).",
    ],
    success="noise and one-hot label side by side, (N, z_dim + 10): the generator now knows which digit to draw.",
)


# ================================================================================ q3: the discriminator's input

IMAGE_CASES = [
    (torch.linspace(-1, 1, 2 * 28 * 28).reshape(2, 1, 28, 28), _labels(3, 8)),
    (torch.rand(4, 1, 10, 10, generator=torch.Generator().manual_seed(3)) * 2 - 1, _labels(0, 9, 9, 2)),
    (torch.rand(3, 1, 12, 16, generator=torch.Generator().manual_seed(4)) * 2 - 1, _labels(5, 1, 6)),
]


def _discriminator_input(images, labels):
    planes = reference.label_planes(labels, images.shape[2], images.shape[3])  # (N, 10, H, W)
    return torch.cat([images, planes], dim=1)  # (N, 11, H, W)


def _check_discriminator_input(answer):
    require_written(answer, "discriminator_input")
    for images, labels in IMAGE_CASES:
        n, _, height, width = images.shape
        call = f"discriminator_input(images of shape {tuple(images.shape)}, labels={labels.tolist()})"
        images_copy, labels_copy = images.clone(), labels.clone()
        got = call_learner(answer, images_copy, labels_copy, what="your function `discriminator_input`", timeout=5.0)
        got = _tensor_result(got, "discriminator_input", call)
        if not (torch.equal(images_copy, images) and torch.equal(labels_copy, labels)):
            raise Incorrect(f"`{call}` changed its inputs in place; build a new tensor instead.")
        expected = _discriminator_input(images, labels)
        if values_match(got, expected):
            continue
        shape = tuple(got.shape)
        planes = reference.label_planes(labels, height, width)
        if shape == (n, 2, height, width):
            raise Incorrect(f"`{call}` returned shape {shape}: one plane for the label. A single plane holding "
                            "the digit's number makes 9 look 'more' than 1; stack ten one-hot planes instead.")
        if shape == (n, 1 + NUM_CLASSES, height, width) and values_match(got, torch.cat([planes, images], dim=1)):
            raise Incorrect(f"`{call}` puts the label planes first: the discriminator expects the image as "
                            "channel 0, then the ten label planes.")
        if shape == (n, 1 + NUM_CLASSES, height, width) and values_match(got[:, :1], images):
            label_part = got[:, 1:]
            if values_match(label_part, torch.ones_like(label_part)):
                raise Incorrect(f"`{call}`: every label plane is all ones, so every digit looks the same; "
                                "plane k should be 1 only where the label is k.")
            if values_match(label_part[:, :, 0, 0], reference.one_hot(labels)):
                raise Incorrect(f"`{call}`: the planes are right in the top-left pixel only; spread the one-hot "
                                "value over every pixel (expand to (N, 10, H, W)).")
            raise Incorrect(f"`{call}`: the image channel is right, but the ten planes are not the one-hot labels "
                            "spread over the image; check your `one_hot` (q1).")
        planes_made = shape[1] - 1 if len(shape) == 4 and shape[0] == n and shape[2:] == (height, width) else 0
        if 0 < planes_made < NUM_CLASSES and planes_made == int(labels.max()) + 1 and values_match(got[:, :1], images):
            raise Incorrect(f"`{call}` has only {planes_made} label planes, as many as the largest label in this batch "
                            f"({int(labels.max())}) + 1: pass num_classes=10 to one_hot, so every batch gets ten.")
        if shape == (n, NUM_CLASSES, height, width):
            raise Incorrect(f"`{call}` returned only the ten label planes; the image itself must be in channel 0.")
        if shape[:1] == (2 * n,) or (len(shape) == 4 and shape[0] != n):
            raise Incorrect(f"`{call}` returned shape {shape}: concatenate along the channels (dim=1), "
                            "not the batch (dim=0).")
        if len(shape) == 4 and shape[1] == 1 and (shape[2] != height or shape[3] != width):
            raise Incorrect(f"`{call}` returned shape {shape}: the planes went along height or width; stack "
                            "them as extra channels (dim=1).")
        raise Incorrect(f"`{call}` returned shape {shape}, but {tuple(expected.shape)} was expected: the image "
                        "as channel 0, then ten one-hot label planes of the image's height and width.")
    return None


discriminator_input_question = ValueProblem(
    var="discriminator_input",
    test=_check_discriminator_input,
    hints=[
        "Turn the labels into one-hot vectors (N, 10), give them two more axes (N, 10, 1, 1), and expand them "
        "to the image's height and width (N, 10, H, W). Then concatenate with the image along the channels.",
        "planes = one_hot(labels)[:, :, None, None].expand(-1, -1, images.shape[2], images.shape[3]); "
        "return torch.cat([images, planes], dim=1)",
    ],
    success="the image plus ten constant label planes, (N, 11, H, W): every pixel of D's first layer sees the label.",
)


# ================================================================================ q4: D's first layer

in_channels_question = ValueProblem(
    var="d_in_channels",
    expected=11,
    test=known_mistakes([
        (1, "1 is the unconditional discriminator's input: the image alone. The conditional one also reads "
            "the ten label planes."),
        (10, "10 counts the label planes, but the image itself is a channel too."),
        (2, "2 would be the image and one plane holding the label's number; with one-hot planes there are ten."),
        (12, "12 is one too many: one image channel plus ten label planes."),
    ]),
    hints=[
        "Count the channels of discriminator_input's output: the grayscale image, then one plane per digit.",
        "1 + 10.",
    ],
    success="1 image channel + 10 label planes = 11: the first convolution must be built for what it is fed.",
)


# ================================================================================ q5, q6: the losses


def _grad_of(module):
    return any(p.grad is not None and bool(p.grad.abs().sum() > 0) for p in module.parameters())


def _call_loss(answer, var, call, G, D, *inputs):
    """Call the learner's loss on copies of the test bench, as `var(D, G, *inputs)`.

    Returns (the loss returned, its value, the copy of G, the copy of D, the labels G and D were given:
    [(network, labels), ...]); Incorrect when the function changed one of its input tensors in place.
    """
    G_copy, D_copy = copy.deepcopy(G), copy.deepcopy(D)
    given_labels = []
    for name, net in (("G", G_copy), ("D", D_copy)):
        net.register_forward_pre_hook(
            lambda module, args, kwargs, name=name: given_labels.append((name, kwargs.get("labels", args[1:2] or None))),
            with_kwargs=True)
    copies = [tensor.clone() for tensor in inputs]
    got = call_learner(answer, D_copy, G_copy, *copies, what=f"your function `{var}`", timeout=10.0)
    value = loss_number(got, var, call, "use the logits with the losses of learntools.gans.losses, not "
                        "log(sigmoid(...)).")
    if not all(torch.equal(kept, given) for kept, given in zip(copies, inputs)):
        raise Incorrect(f"`{call}` changed its inputs in place; compute new tensors instead.")
    return got, value, G_copy, D_copy, given_labels


def _name_other_labels(given_labels, labels, call):
    """Incorrect when G or D was given labels other than the batch's (random ones, say)."""
    for name, seen in given_labels:
        if isinstance(seen, (tuple, list)):
            seen = seen[0]
        if isinstance(seen, torch.Tensor) and not (seen.shape == labels.shape and torch.equal(seen, labels)):
            who = "G was asked for" if name == "G" else "D judged a batch as"
            raise Incorrect(f"in `{call}`, {who} labels other than the batch's `labels` ({seen.tolist()} instead of "
                            f"{labels.tolist()}): new random labels? Use the given `labels` for G and for D, so "
                            "each fake is made, and judged, as the digit it was asked to be.")


def _backpropagate(got):
    """Run backward() on the learner's loss (when it has a graph), so that the gradients can be read."""
    if got.requires_grad:
        call_learner(got.backward, what="backpropagating your loss", timeout=10.0)


def _wrong_loss(value, expected, candidates, call, formula):
    """Incorrect with the message of the first candidate loss that ``value`` matches, else with the formula."""
    name_number_mistake(value, expected, candidates)
    raise Incorrect(f"`{call}` returned {value:.4g} on the check's test networks, but {expected:.4g} was "
                    f"expected: {formula}.")


def _check_d_loss(answer):
    require_written(answer, "conditional_d_loss")
    with single_thread():
        G, D, real, labels, z = conditional_bench(z_dim=Z_DIM)
        real_logits = D(real, labels).detach()
        fake = G(z, labels).detach()
        fake_logits = D(fake, labels).detach()
        expected = float(nonsaturating_d(real_logits, fake_logits))

        call = "conditional_d_loss(D, G, real, labels, z)"
        got, value, G_copy, D_copy, given_labels = _call_loss(answer, "conditional_d_loss", call, G, D, real, labels, z)

        if close(value, expected):
            _backpropagate(got)
            if _grad_of(G_copy):
                raise Incorrect("the value is right, but backpropagating it fills the generator's gradients: "
                                "detach the fake batch (G(z, labels).detach()) so the D step leaves G alone.")
            if not _grad_of(D_copy):
                raise Incorrect("the value is right, but it carries no gradient to the discriminator: "
                                "don't call .item() or .detach() on D's outputs or on the loss.")
            return None

        other = (labels + 1) % NUM_CLASSES
        candidates = [
            (float(nonsaturating_d(fake_logits, real_logits)),
             "real and fake are swapped: the real batch should be scored as real (target 1), the fakes as fake."),
            (expected / 2, "your loss is half the expected one: add the real part and the fake part "
                           "(as losses.nonsaturating_d does), don't average them."),
            (float(F.softplus(-real_logits).mean()), "only the real part is there: add the fake part, "
                                                     "-log(1 - D(G(z, y), y)), scored with the same labels."),
            (float(F.softplus(fake_logits).mean()), "only the fake part is there: add the real part, -log D(x, y)."),
            (float(nonsaturating_d(real_logits, D(fake, other).detach())),
             "the fakes were judged against other labels than the ones G was asked for: "
             "pass the same `labels` to G and to D."),
            (float(nonsaturating_d(real_logits, D(G(z, other).detach(), labels).detach())),
             "G was asked for other digits than the ones D judges the fakes as: pass the same `labels` to both."),
            (float(nonsaturating_g(fake_logits)),
             "that is the generator's loss, -log D(G(z, y), y). The discriminator's loss scores real images as "
             "real and fakes as fake."),
        ]
        name_number_mistake(value, expected, candidates)
        _name_other_labels(given_labels, labels, call)
        _wrong_loss(value, expected, candidates, call,
                    "nonsaturating_d(D(real, labels), D(G(z, labels).detach(), labels))")


d_loss_question = ValueProblem(
    var="conditional_d_loss",
    test=_check_d_loss,
    hints=[
        "Make the fakes for the same labels as the real batch, detach them (the D step must not train G), "
        "and let D score both batches with those labels. Then the usual discriminator loss.",
        "fake = G(z, labels).detach(); return nonsaturating_d(D(real, labels), D(fake, labels))",
    ],
    success="D judges each image *as the digit it claims to be*: real digits with their labels → 1, fakes with the labels they were asked for → 0.",
)


def _check_g_loss(answer):
    require_written(answer, "conditional_g_loss")
    with single_thread():
        G, D, _, labels, z = conditional_bench(z_dim=Z_DIM)
        fake_logits = D(G(z, labels), labels).detach()
        expected = float(nonsaturating_g(fake_logits))

        call = "conditional_g_loss(D, G, labels, z)"
        got, value, G_copy, _, given_labels = _call_loss(answer, "conditional_g_loss", call, G, D, labels, z)

        if close(value, expected):
            _backpropagate(got)
            if not _grad_of(G_copy):
                raise Incorrect("the value is right, but no gradient reaches the generator: don't detach the "
                                "fakes in the G step (G learns through D's verdict on them).")
            return None

        other = (labels + 1) % NUM_CLASSES
        candidates = [
            (float(minimax_g(fake_logits)),
             "that is the original minimax form, log(1 - D(G(z, y), y)), which saturates when D wins: use "
             "the non-saturating -log D(G(z, y), y)."),
            (float(F.softplus(fake_logits).mean()),
             "your loss pushes D's verdict on the fakes towards 'fake': the generator wants them judged real "
             "(target 1)."),
            (float(nonsaturating_g(D(G(z, labels), other).detach())),
             "D judged the fakes against other labels than the ones G was asked for: pass the same `labels`."),
            (float(nonsaturating_g(D(G(z, other), labels).detach())),
             "G was asked for other digits than the labels D judges them as: pass the same `labels` to both."),
            (float(nonsaturating_d(fake_logits, fake_logits)),
             "that mixes in the discriminator's loss: the generator's loss is only -log D(G(z, y), y)."),
        ]
        name_number_mistake(value, expected, candidates)
        _name_other_labels(given_labels, labels, call)
        _wrong_loss(value, expected, candidates, call, "nonsaturating_g(D(G(z, labels), labels))")


g_loss_question = ValueProblem(
    var="conditional_g_loss",
    test=_check_g_loss,
    hints=[
        "Ask G for the digits in `labels`, let D judge the fakes *as those digits*, and use the "
        "non-saturating generator loss. No detach here: G learns through D's verdict.",
        "return nonsaturating_g(D(G(z, labels), labels))",
    ],
    success="G is rewarded when D accepts its fake *as the digit it was asked for*: that is what teaches G the label.",
)


# ================================================================================ q7: per-class accuracy


def _accuracy_cases(rng):
    n = int(rng.integers(20, 60))
    asked = np.concatenate([np.arange(NUM_CLASSES), rng.integers(0, NUM_CLASSES, size=n - NUM_CLASSES)])
    predicted = np.where(rng.random(n) < 0.6, asked, rng.integers(0, NUM_CLASSES, size=n))
    return torch.from_numpy(predicted.astype(np.int64)), torch.from_numpy(asked.astype(np.int64))


def _precision(predicted, asked):
    """The usual mix-up: grouping by the digit that was *read* instead of the one asked for."""
    return reference_evaluation.accuracy_per_class(asked, predicted)


def _accuracy_diagnose(args, got, expected):
    predicted, asked = args
    if not isinstance(got, (torch.Tensor, np.ndarray, list, tuple)):
        return
    try:
        got = torch.as_tensor(np.asarray(got, dtype=np.float64)).float()
    except (TypeError, ValueError):
        return
    expected = expected.float()
    overall = (predicted == asked).float().mean()
    if got.numel() == 1:
        raise Incorrect(f"it returned one number ({float(got.reshape(-1)[0]):.3g}), the overall accuracy: return one accuracy per digit, 10 numbers.")
    if tuple(got.shape) != (NUM_CLASSES,):
        raise Incorrect(f"it returned shape {tuple(got.shape)}; return one accuracy per digit, shape (10,).")
    if values_match(got, torch.full((NUM_CLASSES,), float(overall))):
        raise Incorrect("every entry is the overall accuracy: group the images by the digit asked for, then average within each group.")
    if values_match(got, _precision(predicted, asked)):
        raise Incorrect("you grouped by the digit the classifier *read* (that is precision); group by the digit that was "
                        "*asked for*: among the images asked to be k, how many were read as k?")
    counts = torch.zeros(NUM_CLASSES).index_add_(0, asked, (predicted == asked).float())
    if values_match(got, counts):
        raise Incorrect("those are counts of right answers; divide each by how many images were asked for that digit.")
    if values_match(got, 100 * expected):
        raise Incorrect("those are percentages; return fractions between 0 and 1.")


accuracy_question = FunctionProblem(
    var="accuracy_per_class",
    reference=lambda predicted, asked: reference_evaluation.accuracy_per_class(predicted, asked),
    arg_names=["predicted", "asked"],
    cases=[(_labels(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), _labels(0, 1, 2, 3, 4, 5, 6, 7, 8, 9)),
           (_labels(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 3, 3, 1, 1), _labels(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 3, 8, 1, 7))],
    random_cases=_accuracy_cases,
    n_random=5,
    test=_accuracy_diagnose,
    hints=[
        "For each digit k: take the images that were asked to be k (asked == k), and compute the fraction of "
        "them the classifier read as k (predicted == k).",
        "torch.stack([(predicted[asked == k] == k).float().mean() for k in range(10)])",
    ],
    success="per-class accuracy shows which digits G can't draw yet, which a single average hides.",
)


# ================================================================================ q8: why D needs the label

why_condition_d_question = ThoughtProblem(
    points=2,
    hints=["Imagine D sees only the image. G is asked for a 7 and draws a perfect 3: what does D say?"],
)


__all__ = bind_exercises(
    globals(),
    [
        one_hot_question,
        generator_input_question,
        discriminator_input_question,
        in_channels_question,
        d_loss_question,
        g_loss_question,
        accuracy_question,
        why_condition_d_question,
    ],
)
__all__ += ["____", "NUM_CLASSES"]
