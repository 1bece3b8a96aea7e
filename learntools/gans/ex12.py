"""Lesson 12 checks: DiffAugment written by hand (a random translation, a random cutout, and the training
step that puts T in front of D everywhere), and the precomputed small-data runs the lesson shows.

The two augmentations draw random numbers, so their checks do not compare with fixed answers. They read
what the learner's function did to each image of a batch of random pixels: which shift (or which square)
explains the output exactly, and then whether those shifts (squares) are what DiffAugment needs: one per
image, in the asked range, zeros moved in, and gradients flowing back to the moved pixels.

The step check hands the learner's `train_step` lesson 05's recording stand-ins and a fixed augmentation
that writes down every image it returns, so it can tell, for every batch D judged, whether it went
through T, and compare both updates (plain SGD) with the right ones.
"""

import copy
import functools

import numpy as np
import torch

from learntools.core import (
    Incorrect,
    NotAttempted,
    Problem,
    ThoughtProblem,
    bind_exercises,
    call_learner,
    current_timeout,
    describe,
    is_placeholder,
    single_thread,
    ____,
)
from learntools.gans.checking.functions import require_written
from learntools.gans.checking.numbers import close
from learntools.gans.checking.stand_ins import RECORDING_Z_DIM, recording_gan
from learntools.gans.experiments import small_data
from learntools.gans.losses import nonsaturating_d, nonsaturating_g
from learntools.gans.training.augment import shift_images

MAX_SHIFT = 3     # 28 // 8: the paper's translation, up to 1/8 of the image size
CUT_SIZE = 14     # 28 // 2: the paper's cutout, half the image size
BATCH = 64        # images in a check's batch


# ================================================================================ the shipped runs


@functools.lru_cache(maxsize=1)
def _shipped():
    return small_data.load()


def small_data_runs():
    """The precomputed runs (learntools.gans.experiments.small_data): a dict of arrays indexed
    [size, arm, seed, ...], with "settings" (a dict), "arms", "judged", "eval_steps" and "real_reference"."""
    return copy.deepcopy(_shipped())  # a copy, so that the cached runs stay as shipped


# ================================================================================ shared


def _random_images(seed, n=BATCH, size=28):
    """(n, 1, size, size) random pixels in [-1, 1] with no zeros: every image and every shift of it differs."""
    generator = torch.Generator().manual_seed(seed)
    magnitude = 0.2 + 0.8 * torch.rand(n, 1, size, size, generator=generator)
    sign = torch.where(torch.rand(n, 1, size, size, generator=generator) < 0.5, -1.0, 1.0)
    return magnitude * sign


def _call(answer, name, *args):
    """The learner's function on ``args``; a numpy answer or an error becomes a sentence."""
    from learntools.core.safety import LearnerCodeError

    what = f"your function `{name}`"
    try:
        out = call_learner(answer, *args, what=what, timeout=current_timeout())
    except LearnerCodeError as error:
        text = str(error)
        if "numpy" in text.lower():
            raise Incorrect(f"{text} Numpy knows nothing of gradients, so G could not learn through T: write "
                            "it with torch operations (F.pad, slicing, torch.where, a mask).") from None
        raise Incorrect(text) from None
    if is_placeholder(out):
        raise NotAttempted(f"{what} still returns `____`.")
    if isinstance(out, np.ndarray):
        raise Incorrect(f"{what} returned a numpy array. T must stay a torch tensor on the autograd graph, or "
                        "G's gradient cannot flow back through it: use torch operations only.")
    if not isinstance(out, torch.Tensor):
        raise Incorrect(f"{what} should return a tensor of images, but it returned {describe(out)}.")
    if tuple(out.shape) != tuple(args[0].shape):
        raise Incorrect(f"{what} returned a tensor of shape {tuple(out.shape)} for images of shape "
                        f"{tuple(args[0].shape)}: T must keep every image's size.")
    if out.dtype != args[0].dtype:
        raise Incorrect(f"{what} returned {out.dtype} numbers for {args[0].dtype} images: keep the images' dtype "
                        "(a new tensor made with torch.zeros or torch.ones should use dtype=images.dtype).")
    if not torch.isfinite(out).all():
        raise Incorrect(f"{what} returned NaN or infinite values.")
    return out


def _unchanged_input(answer, name, x, *args):
    """Call on a copy and make sure the learner's function left its input alone; returns the output."""
    before = x.clone()
    out = _call(answer, name, x, *args)
    if not torch.equal(x, before):
        raise Incorrect(f"your function `{name}` changed the images it was given (an in-place write such as "
                        "`images[...] = 0`). Build a new tensor instead: here the real batch would be spoiled "
                        "for every later use, and autograd refuses in-place writes to a tensor it needs.")
    return out


def _gradient(answer, name, x, *args):
    """(output, gradient of (output * weights).sum() with respect to x, weights)."""
    x = x.clone().requires_grad_(True)
    out = _call(answer, name, x, *args)
    if not out.requires_grad:
        raise Incorrect(f"the output of your function `{name}` has no gradient: it is cut off from its input "
                        "(a .detach(), torch.no_grad(), .data, or a trip through numpy). DiffAugment needs T to be "
                        "differentiable: in the G step, G learns through T(G(z)).")
    weights = torch.linspace(-1, 1, out.numel()).reshape(out.shape)
    (grad,) = torch.autograd.grad((out * weights).sum(), x, allow_unused=True)
    if grad is None:
        raise Incorrect(f"the output of your function `{name}` does not depend on its input through autograd: "
                        "gradients cannot reach the images. Build it from the input with torch operations.")
    return out.detach(), grad, weights


# ================================================================================ q1: translation


def _match_shifts(x, out, reach):
    """For every image, the (dx, dy) with |dx|, |dy| <= reach whose zero-filled shift of x is out, or None.

    The centre pixel of each image (random, so unique) tells where the image went; one shift confirms it."""
    n, _, h, w = x.shape
    centre = x[:, 0, h // 2, w // 2]                                             # (N,)
    hits = ((out[:, 0] - centre[:, None, None]).abs() < 1e-5).flatten(1)        # (N, H*W); a little rounding is fine
    where = hits.float().argmax(1)                                               # (N,) first hit
    dy, dx = where // w - h // 2, where % w - w // 2                             # (N,) each
    valid = hits.any(1) & (dx.abs() <= reach) & (dy.abs() <= reach)
    dx, dy = torch.where(valid, dx, 0), torch.where(valid, dy, 0)
    equal = valid & torch.isclose(shift_images(x, dx, dy), out, atol=1e-5).flatten(1).all(1)  # (N,)
    return [(int(dx[i]), int(dy[i])) if equal[i] else None for i in range(n)]


def _explains(x, out, reach, move):
    """True when every image of out is ``move(x_i, dx, dy)`` for some shift within ``reach``."""
    for i in range(len(x)):
        if not any(torch.allclose(move(x[i:i + 1], dx, dy), out[i:i + 1], atol=1e-6)
                   for dy in range(-reach, reach + 1) for dx in range(-reach, reach + 1)):
            return False
    return True


def _rolled(x, dx, dy):
    return torch.roll(x, shifts=(dy, dx), dims=(2, 3))


def _filled_with_minus_one(x, dx, dy):
    return shift_images(x + 1, dx, dy) - 1


def _shifts_of(answer, x, max_shift):
    """The learner's shift of every image of x; each image's output must be a zero-filled shift of it."""
    out = _unchanged_input(answer, "translate", x, max_shift)
    reach = max_shift + 2
    shifts = _match_shifts(x, out, reach)
    missing = [i for i, s in enumerate(shifts) if s is None]
    if missing:
        sample = x[missing[:4]], out[missing[:4]]
        if _explains(*sample, reach, _rolled):
            raise Incorrect("your translation wraps around: pixels pushed off one edge come back on the other "
                            "(torch.roll). A translated digit would then have part of itself on the wrong side; "
                            "DiffAugment pads with zeros, so what moves in is empty: F.pad, then crop.")
        if _explains(*sample, reach, _filled_with_minus_one):
            raise Incorrect("your translation fills what moves in with -1 (the digits' background). The paper pads "
                            "with zeros: F.pad's default, 0.")
        if bool((out[missing[0]] == 0).all()):
            raise Incorrect(f"your translation returned an all-zero image (image {missing[0]}): is the crop "
                            "taken from the padded image at the right place?")
        raise Incorrect(f"image {missing[0]} of the output is not a shifted copy of its input (moved by whole "
                        "pixels, zeros moving in): each image should only move, nothing else.")
    return torch.tensor(shifts)                                                   # (N, 2): dx, dy


def _check_translate(answer):
    require_written(answer, "translate")
    with single_thread():
        torch.manual_seed(1200)  # the learner's random draws (the check's caller gets its state back)
        x = _random_images(12)
        shifts = torch.cat([_shifts_of(answer, x, MAX_SHIFT) for _ in range(3)])   # (3N, 2)
        per_batch = shifts.reshape(3, BATCH, 2)
        if all(bool((batch == batch[0]).all()) for batch in per_batch):
            raise Incorrect("every image of a batch moved by the same shift: you drew one shift for the whole "
                            "batch. DiffAugment draws a shift for every image, so that each image D sees is changed "
                            "its own way: torch.randint(..., size=(N,)).")
        largest = int(shifts.abs().max())
        if largest > MAX_SHIFT:
            raise Incorrect(f"your translation moved an image by {largest} pixels with max_shift={MAX_SHIFT}: "
                            f"shifts should lie in [-max_shift, max_shift].")
        for axis, name in ((0, "dx"), (1, "dy")):
            values = set(shifts[:, axis].tolist())
            if values == {0}:
                raise Incorrect(f"your translation never moves the images {'sideways' if axis == 0 else 'up or down'} "
                                f"({name} is always 0): shift in both directions, each with its own random number.")
            if MAX_SHIFT not in values and -MAX_SHIFT in values:
                raise Incorrect(f"your {name} goes down to -{MAX_SHIFT} but never up to +{MAX_SHIFT}: "
                                "torch.randint(low, high) never draws high itself, so ask for "
                                "torch.randint(-max_shift, max_shift + 1, ...).")
            if MAX_SHIFT not in values or -MAX_SHIFT not in values:
                raise Incorrect(f"in 192 images your {name} only took the values {sorted(values)}: shifts should "
                                f"cover every whole number from -max_shift to max_shift.")
        if bool((shifts[:, 0] == shifts[:, 1]).all()):
            raise Incorrect("every image moved as far sideways as down (dx == dy): one random number served both "
                            "directions, so images only slide along the diagonal. Draw dx and dy separately.")
        small = _shifts_of(answer, x, 1)
        if int(small.abs().max()) > 1 or not bool(small.abs().any()):
            raise Incorrect("with max_shift=1 your translation moved images by up to "
                            f"{int(small.abs().max())} pixels: use the max_shift argument, not a fixed 3.")
        out, grad, weights = _gradient(answer, "translate", x, MAX_SHIFT)
        shifts = _match_shifts(x, out, MAX_SHIFT)
        if any(s is None for s in shifts):
            raise Incorrect("your translation gave a different kind of result when its input needs gradients: "
                            "write it with the same torch operations either way.")
        dx, dy = torch.tensor(shifts).T
        if not torch.allclose(grad, shift_images(weights, -dx, -dy), atol=1e-5):
            raise Incorrect("the gradient that flows back through your translation does not land on the pixels "
                            "that were moved: is part of the computation done outside autograd?")
    return ("Right: every image moves by its own (dx, dy) of up to max_shift pixels, zeros move in, and the "
            "gradient flows back to the pixels that moved, so G can learn through it.")


translate_question = Problem(
    var="translate",
    test=_check_translate,
    points=2,
    hints=[
        "Two random whole numbers per image, dx and dy, each from -max_shift to max_shift (torch.randint's upper "
        "end is not included). Pad every image with max_shift zeros on each side (F.pad), then cut the H x W "
        "window out of it that starts max_shift - dy rows and max_shift - dx columns in.",
        "`padded = F.pad(images, (max_shift,) * 4)`, then for each image i: "
        "`padded[i, :, top:top + h, left:left + w]` with `top = max_shift - dy[i]`, `left = max_shift - dx[i]`; "
        "`torch.stack` the pieces. Slicing keeps the gradient.",
    ],
)


# ================================================================================ q2: cutout


def _is_box(region):
    """True when the True pixels of an (H, W) mask fill one axis-aligned rectangle."""
    rows, cols = torch.nonzero(region.any(1)).flatten(), torch.nonzero(region.any(0)).flatten()
    if len(rows) == 0:
        return False
    return bool(region[int(rows.min()):int(rows.max()) + 1, int(cols.min()):int(cols.max()) + 1].all())


def _squares_of(answer, x, size):
    """The zeroed box (top, left, height, width) of every image; each image must be x times a box mask."""
    out = _unchanged_input(answer, "cutout", x, size)
    boxes = []
    n, _, h, w = x.shape
    for i in range(n):
        kept = out[i] == x[i]                                                    # (1, H, W)
        zeroed = out[i] == 0
        if not bool((kept | zeroed).all()):
            changed = out[i][~(kept | zeroed)]
            if bool((changed == -1).all()):
                raise Incorrect("your cutout fills the square with -1 (the digits' background). DiffAugment "
                                "multiplies by a mask of ones and zeros, so the square becomes 0.")
            raise Incorrect(f"your cutout changed pixels of image {i} to values other than 0: it should keep every "
                            "pixel or set it to zero (multiply by a mask).")
        square = zeroed[0] & ~kept[0]                                            # (H, W)
        if not bool(square.any()):
            boxes.append(None)
            continue
        rows, cols = torch.nonzero(square.any(1)).flatten(), torch.nonzero(square.any(0)).flatten()
        top, left = int(rows.min()), int(cols.min())
        height, width = int(rows.max()) - top + 1, int(cols.max()) - left + 1
        if not bool(square[top:top + height, left:left + width].all()):
            if _is_box(kept[0]) and int(square.sum()) > h * w / 2:
                raise Incorrect("your cutout erased most of every image and kept a square: the mask is the wrong "
                                "way round. The square should be 0, the rest kept.")
            raise Incorrect(f"what your cutout set to zero in image {i} is not one square: cut out one "
                            f"size x size square per image.")
        boxes.append((top, left, height, width))
    if all(b is None for b in boxes):
        raise Incorrect("your cutout changed no image at all: every image should lose a square.")
    return boxes


def _check_cutout(answer):
    require_written(answer, "cutout")
    with single_thread():
        torch.manual_seed(1201)
        x = _random_images(13)
        n, _, h, w = x.shape
        boxes = [b for _ in range(3) for b in _squares_of(answer, x, CUT_SIZE)]
        per_batch = [boxes[k * n:(k + 1) * n] for k in range(3)]
        if all(len(set(batch)) == 1 for batch in per_batch):
            raise Incorrect("every image of a batch lost the same square: you drew one place for the whole batch. "
                            "DiffAugment draws a place for every image.")
        missing = sum(b is None for b in boxes)
        if missing > len(boxes) // 4:
            raise Incorrect(f"{missing} of {len(boxes)} images lost nothing: every image should lose a square "
                            "(its centre anywhere in the image).")
        present = [b for b in boxes if b is not None]
        largest = max(max(b[2], b[3]) for b in present)
        if largest > CUT_SIZE:
            raise Incorrect(f"your cutout erased a box {largest} pixels across with size={CUT_SIZE}: the square's "
                            "side is size (from centre - size // 2 to centre - size // 2 + size), not twice it.")
        inside = [b for b in present if b[0] > 0 and b[1] > 0 and b[0] + b[2] < h and b[1] + b[3] < w]
        if any(b[2] != b[3] for b in inside):
            raise Incorrect("your cutout erased a rectangle that is not square, away from the edges: use one size "
                            "for both sides.")
        if inside and max(b[2] for b in inside) < CUT_SIZE:
            raise Incorrect(f"the squares your cutout erased are at most {max(b[2] for b in inside)} pixels across "
                            f"with size={CUT_SIZE}: the square's side should be size.")
        small = [b for b in _squares_of(answer, x, 6) if b is not None]
        if not small or max(max(b[2], b[3]) for b in small) > 6:
            raise Incorrect("with size=6 your cutout erased bigger boxes: use the size argument, not a fixed 14.")
        out, grad, weights = _gradient(answer, "cutout", x, CUT_SIZE)
        expected = weights * (out == x).to(weights.dtype)                        # the kept pixels' weights
        if not torch.allclose(grad, expected):
            raise Incorrect("the gradient that flows back through your cutout does not reach exactly the kept "
                            "pixels: multiply the images by a mask of ones and zeros.")
    return ("Right: every image loses its own square of size x size (cut off at the edges), set to zero by a mask, "
            "and the gradient reaches every pixel that was kept.")


cutout_question = Problem(
    var="cutout",
    test=_check_cutout,
    points=2,
    hints=[
        "Draw a centre (row and column) for every image with torch.randint, build a mask of ones that is 0 inside "
        "each image's square, and return images * mask. Writing zeros into `images` itself would change the "
        "caller's batch.",
        "With `rows = torch.arange(h)` and `top = centre_y - size // 2` (shape (N,)): "
        "`in_rows = (rows >= top[:, None]) & (rows < top[:, None] + size)` is (N, H); the same for columns; "
        "`square = in_rows[:, :, None] & in_cols[:, None, :]` and `mask = (~square).float()[:, None]`.",
    ],
)


# ================================================================================ q3: the step with T


STEP_LR = 0.1  # plain SGD, so an update is exactly -lr * gradient


class _PlainSGD:
    """p <- p - lr * p.grad, with a note in ``log`` at every step. Not torch.optim.SGD: its first step imports
    a lot (seconds), and the check must answer quickly. The learner's step calls only zero_grad and step."""

    def __init__(self, params, name, log):
        self.param_groups = [{"params": list(params), "lr": STEP_LR}]
        self._name, self._log = name, log

    def zero_grad(self, set_to_none=True):
        for p in self.param_groups[0]["params"]:
            if set_to_none:
                p.grad = None
            elif p.grad is not None:
                p.grad.zero_()

    def step(self, closure=None):
        self._log.append(("step", self._name))
        with torch.no_grad():
            for p in self.param_groups[0]["params"]:
                if p.grad is not None:
                    p.sub_(STEP_LR * p.grad)


def stand_in_augment(images):
    """The check's T: every image moves one pixel right and one down, zeros moving in (differentiable)."""
    return shift_images(images, 1, 1)


def _sgd_target(module, loss):
    """Where one SGD step on ``loss`` takes ``module``'s parameters."""
    grads = torch.autograd.grad(loss, list(module.parameters()), allow_unused=True, retain_graph=True)
    return [p.detach() - STEP_LR * (g if g is not None else torch.zeros_like(p)) for p, g in zip(module.parameters(), grads)]


def _matches(module, wanted):
    return all(torch.allclose(p.detach(), q, rtol=1e-4, atol=1e-5) for p, q in zip(module.parameters(), wanted))


def _two_numbers(result):
    if is_placeholder(result):
        raise NotAttempted("your `train_step` still returns `____`.")
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise Incorrect(f"your `train_step` should return (d_loss, g_loss), two numbers, but it returned {describe(result)}.")
    numbers = []
    for value in result:
        if isinstance(value, torch.Tensor) and value.numel() == 1:
            value = float(value.detach())
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise Incorrect(f"your `train_step` should return two numbers, but one of them is {describe(value)}.")
        numbers.append(float(value))
    return numbers


def _same_batch(a, b):
    return a.shape == b.shape and torch.allclose(a, b, atol=1e-6)


def _check_step(answer):
    require_written(answer, "train_step")
    with single_thread():
        return _run_step(answer)


def _run_step(answer):
    torch.manual_seed(1202)
    G, D = recording_gan()
    real = _random_images(14, n=8, size=4)                                       # (8, 1, 4, 4)
    log = []                                                                     # everything, in order
    G.register_forward_hook(lambda m, i, o: log.append(("G", i[0].detach().clone(), o.detach().clone())))
    D.register_forward_hook(lambda m, i, o: log.append(("D", i[0].detach().clone())))

    def augment(images):
        out = stand_in_augment(images)
        log.append(("T", images.detach().clone(), out.detach().clone()))
        return out

    G_before, D_before = copy.deepcopy(G), copy.deepcopy(D)
    opt_g, opt_d = _PlainSGD(G.parameters(), "G", log), _PlainSGD(D.parameters(), "D", log)
    result = call_learner(answer, G, D, real, opt_g, opt_d, RECORDING_Z_DIM, augment,
                          what="your function `train_step`", timeout=current_timeout())
    d_value, g_value = _two_numbers(result)

    steps = [who for kind, who, *_ in [e for e in log if e[0] == "step"]]
    if steps != ["D", "G"]:
        raise Incorrect(f"your `train_step` stepped the optimizers in the order {', '.join(steps) or 'none'}: one D "
                        "update (opt_d.step()), then one G update (opt_g.step()).")
    d_step_at = log.index(("step", "D"))
    fakes = [e[2] for e in log if e[0] == "G"]
    t_outputs = [e[2] for e in log if e[0] == "T"]

    def what_d_saw(event):
        """"T" when D judged an output of T, else "real" or "fake" or "other"."""
        x = event[1]
        if any(_same_batch(x, t) for t in t_outputs):
            return "T"
        if _same_batch(x, real):
            return "real"
        if any(_same_batch(x, f) for f in fakes):
            return "fake"
        return "other"

    d_calls = [(k, what_d_saw(e)) for k, e in enumerate(log) if e[0] == "D"]
    in_d_step = [seen for k, seen in d_calls if k < d_step_at]
    in_g_step = [seen for k, seen in d_calls if k > d_step_at]
    if not in_d_step or not in_g_step:
        raise Incorrect("D should judge images in both steps: real and fake batches before opt_d.step(), and new "
                        "fakes before opt_g.step().")
    if "real" in in_d_step and "fake" in in_d_step:
        raise Incorrect("in the D step, D judged the real and the fake batch as they are: pass both through "
                        "`augment` first, D(augment(real)) and D(augment(fake)).")
    if "real" in in_d_step:
        raise Incorrect("in the D step, D judged the real batch without `augment`: every image D sees, real or "
                        "fake, goes through T.")
    if "fake" in in_d_step:
        raise Incorrect("in the D step, D judged the fakes without `augment` while the reals went through it. "
                        "Augmenting only the reals lets D tell real from fake by the augmentation's marks, and G "
                        "is then pushed to copy those marks (the paper's 'augment reals only' fails). Use "
                        "D(augment(fake)) too.")
    if "fake" in in_g_step:
        raise Incorrect("in the G step, D judged G's fakes without `augment`. Augmenting only in the D step "
                        "trains D on T(x) and T(G(z)) and then asks it about G(z), images unlike any it learned "
                        "from (the paper's 'augment D only' fails): use D(augment(fake)) in the G step too.")
    if "other" in in_d_step + in_g_step:
        raise Incorrect("D judged a batch that is neither augment's output nor a real or fake batch: pass the real "
                        "batch and G's fakes to `augment`, once each, and give D what it returns.")

    # The reference: the first fakes, through T, for the D step; the last, through T, for the G step.
    first_z = next(e[1] for e in log if e[0] == "G")
    last_z = [e[1] for e in log if e[0] == "G"][-1]
    d_expected = nonsaturating_d(D_before(stand_in_augment(real)), D_before(stand_in_augment(G_before(first_z).detach())))
    d_target = _sgd_target(D_before, d_expected)
    D_mid = copy.deepcopy(D_before)
    with torch.no_grad():
        for p, value in zip(D_mid.parameters(), d_target):
            p.copy_(value)
    g_expected = nonsaturating_g(D_mid(stand_in_augment(G_before(last_z))))
    g_target = _sgd_target(G_before, g_expected)
    if all(torch.equal(p, q) for p, q in zip(G.parameters(), G_before.parameters())):
        raise Incorrect("G's weights did not move: in the G step the gradient must flow from D's verdict back "
                        "through `augment` into G, so nothing there may be detached (no .detach() and no "
                        "torch.no_grad() around G(z) or augment(fake) in the G step).")
    if not close(d_value, float(d_expected)):
        raise Incorrect(f"your `train_step` returned d_loss {d_value:.4f}, but the D loss on the augmented real and "
                        f"fake batches is {float(d_expected):.4f}: real logits with target 1, fake logits with "
                        "target 0 (BCE with logits, summed).")
    if not _matches(D, d_target):
        raise Incorrect("D's update is not one step of its loss on augment(real) and augment(fake): opt_d.zero_grad(), "
                        "d_loss.backward(), opt_d.step(), with the fakes detached.")
    if not close(g_value, float(g_expected)):
        raise Incorrect(f"your `train_step` returned g_loss {g_value:.4f}, but G's non-saturating loss on the "
                        f"augmented fakes, judged by the updated D, is {float(g_expected):.4f}.")
    if not _matches(G, g_target):
        raise Incorrect("G's update is not one step of this step's G loss alone: opt_g.zero_grad(), then "
                        "g_loss.backward(), then opt_g.step(), with the fakes of the D step detached.")
    return ("Right: D judges only T(x) and T(G(z)), in both steps, and G learns through T. This is DiffAugment's "
            "whole change to the training step.")


step_question = Problem(
    var="train_step",
    test=_check_step,
    points=3,
    hints=[
        "Start from lesson 11's fixed train_step. Every call D(...) gets an augmented batch: D(augment(real)) and "
        "D(augment(fake)) in the D step, D(augment(fake)) in the G step.",
        "In the D step detach the fakes (augmenting them before or after the detach is the same); in the G step "
        "detach nothing: `g_loss = bce(D(augment(G(z))), 1)`, so the gradient flows back through augment into G.",
    ],
)

why_question = ThoughtProblem(
    points=2,
    hints=["What could D learn to look at if only the real images ever had a grey frame or a missing square?"],
)


__all__ = bind_exercises(globals(), [translate_question, cutout_question, step_question, why_question])
__all__ += ["____", "small_data_runs", "stand_in_augment", "MAX_SHIFT", "CUT_SIZE"]
