"""Lesson 10 checks: CycleGAN's losses and image pool, PSNR, progressive growing, AdaIN, torchrun, ethics.

The loss checks call the learner's function on two stand-in generators with two parameters each
(G_AB(x) = -1.5 x - 0.1, G_BA(x) = -0.5 x - 0.3), whose every mistake gives a different number, and
then compare the gradients that reach each generator with the reference's. The pool check feeds
the learner's ImagePool images that carry their number in their pixels, so it can follow every
image in and out of the pool. The learner's own objects and random state are never touched.
"""

import collections
import dataclasses
import math
import random

import numpy as np
import torch
import torch.nn.functional as F

from learntools.core import (
    FunctionProblem,
    Incorrect,
    LearnerCodeError,
    NotAttempted,
    Problem,
    ThoughtProblem,
    ValueProblem,
    bind_exercises,
    call_learner,
    current_timeout,
    describe,
    format_number,
    is_placeholder,
    known_mistakes,
    single_thread,
    ____,
)
from learntools.core.placeholder import code_uses_placeholder
from learntools.gans.checking.functions import require_written
from learntools.gans.checking.mistakes import name_mistake
from learntools.gans.checking.numbers import close, reject_complex
from learntools.gans.checking.stand_ins import affine_generators
from learntools.gans.models import cyclegan as reference_cycle
from learntools.gans.models import stylegan as reference_style

CYCLE_WEIGHT = reference_cycle.CYCLE_WEIGHT  # 10, the paper's lambda
IDENTITY_WEIGHT = reference_cycle.IDENTITY_WEIGHT  # 5 = 0.5 * lambda
GPUS, PER_PROCESS_BATCH = 4, 64  # the torchrun question: 4 GPUs, the dcgan recipe's batch of 64


# ================================================================================ q1, q2: the generator losses


def _domain_batch(seed, n=3):
    generator = torch.Generator().manual_seed(seed)
    a = torch.rand(n, 1, 4, 4, generator=generator) * 2 - 1  # (n, 1, 4, 4) in [-1, 1]
    b = torch.rand(n, 1, 4, 4, generator=generator) * 2 - 1
    return a, b


def _l1(x, y):
    return (x - y).abs().mean()


def _mse(x, y):
    return ((x - y) ** 2).mean()


def _cycle_mistakes(ab, ba, a, b, weight):
    """(value, message) for realistic wrong cycle-consistency losses on these stand-ins and images."""
    rec_a, rec_b = ba(ab(a)), ab(ba(b))
    base_a, base_b = _l1(rec_a, a), _l1(rec_b, b)
    return [
        (weight * (_l1(ab(ba(a)), a) + _l1(ba(ab(b)), b)),
         "you apply the generators in the wrong order: an image of A goes through G_AB first (A → B), then "
         "G_BA brings it back: G_BA(G_AB(real_a)), and G_AB(G_BA(real_b)) for B"),
        (weight * (_l1(ab(ab(a)), a) + _l1(ba(ba(b)), b)),
         "you apply the same generator twice (G_AB(G_AB(a))): the way back to A is the other generator, "
         "G_BA(G_AB(real_a))"),
        (weight * (_l1(ab(a), a) + _l1(ba(b), b)),
         "your loss compares one translation with its input (|G_AB(a) - a|): that punishes translating at "
         "all. The cycle goes there *and back*: |G_BA(G_AB(a)) - a|"),
        (weight * (_l1(rec_a, b) + _l1(rec_b, a)),
         "you compare the reconstruction of a with b: after the round trip A → B → A, compare with the "
         "image you started from, real_a"),
        (weight * (_mse(rec_a, a) + _mse(rec_b, b)),
         "your loss squares the differences (mean squared error); CycleGAN's cycle loss is L1, the mean "
         "absolute difference, which blurs less: (x - y).abs().mean()"),
        (base_a + base_b,
         f"your loss is not multiplied by the weight ({format_number(weight)}): return weight * (...)"),
        (weight * base_a,
         "your loss has only the A → B → A cycle: add the B → A → B one, |G_AB(G_BA(real_b)) - real_b|"),
        (weight * base_b,
         "your loss has only the B → A → B cycle: add the A → B → A one, |G_BA(G_AB(real_a)) - real_a|"),
        (weight * (base_a + base_b) / 2,
         "your loss averages the two cycles; the paper adds them: weight * (cycle A + cycle B)"),
        (weight * ((rec_a - a).abs().sum() + (rec_b - b).abs().sum()),
         "your loss sums over every pixel; take the mean (.mean()), so the loss does not grow with the "
         "batch and image size"),
    ]


def _identity_mistakes(ab, ba, a, b, weight):
    """(value, message) for realistic wrong identity losses on these stand-ins and images."""
    same_b, same_a = ab(b), ba(a)
    base_b, base_a = _l1(same_b, b), _l1(same_a, a)
    return [
        (weight * (_l1(ab(a), a) + _l1(ba(b), b)),
         "you give each generator an image of its *input* domain (G_AB(real_a)): that punishes the "
         "translation itself. The identity loss feeds G_AB an image that is already in B: |G_AB(real_b) - "
         "real_b|, and G_BA an image of A"),
        (weight * (_l1(ba(ab(a)), a) + _l1(ab(ba(b)), b)),
         "that is the cycle-consistency loss (there and back again). The identity loss is one step: a B "
         "given to G_AB should come out unchanged, |G_AB(real_b) - real_b|"),
        (weight * (_l1(same_b, a) + _l1(same_a, b)),
         "you compare G_AB(real_b) with real_a: an identity compares the output with its own input, "
         "|G_AB(real_b) - real_b|"),
        (weight * (_mse(same_b, b) + _mse(same_a, a)),
         "your loss squares the differences (mean squared error); CycleGAN's identity loss is L1, the mean "
         "absolute difference: (x - y).abs().mean()"),
        (base_a + base_b,
         f"your loss is not multiplied by the weight ({format_number(weight)}): return weight * (...)"),
        (weight * base_b,
         "your loss has only G_AB's identity: add G_BA's, |G_BA(real_a) - real_a|"),
        (weight * base_a,
         "your loss has only G_BA's identity: add G_AB's, |G_AB(real_b) - real_b|"),
        (weight * (base_a + base_b) / 2,
         "your loss averages the two identity terms; the paper adds them: weight * (identity A + identity B)"),
        (weight * ((same_b - b).abs().sum() + (same_a - a).abs().sum()),
         "your loss sums over every pixel; take the mean (.mean()), so the loss does not grow with the "
         "batch and image size"),
    ]


# (seed for the images, weight passed or None for the default). An explicit weight first: a mistake
# that survives it is about the default alone.
GENERATOR_LOSS_CASES = ((802, 2.5), (801, None), (803, None))


@dataclasses.dataclass(frozen=True)
class _GeneratorLossTest:
    """The test of a loss of two generators and two batches, `fn(G_AB, G_BA, real_a, real_b, weight=default)`.

    Called on stand-in generators: the value is compared with the reference's (realistic mistakes
    named), then the gradients reaching each generator's parameters with the reference's. ``advice``
    ends the message for a wrong value that no mistake explains.
    """

    var: str
    reference: object
    default_weight: float
    mistakes: object
    weight_name: str
    advice: str
    cases: tuple = GENERATOR_LOSS_CASES

    def __call__(self, answer):
        require_written(answer, self.var)
        with single_thread():
            for seed, weight in self.cases:
                self._check_case(answer, seed, weight)
        return None

    def _call(self, answer, seed, weight):
        G_AB, G_BA = affine_generators()
        a, b = _domain_batch(seed)
        args, kwargs = (G_AB, G_BA, a.clone(), b.clone()), ({} if weight is None else {"weight": weight})
        shown = f"{self.var}(G_AB, G_BA, real_a, real_b{'' if weight is None else f', weight={weight:g}'})"
        got = call_learner(answer, *args, what=f"your function `{self.var}`", timeout=current_timeout(), **kwargs)
        return got, (G_AB, G_BA), (a, b), args, shown

    def _check_case(self, answer, seed, weight):
        got, (G_AB, G_BA), (a, b), args, shown = self._call(answer, seed, weight)
        used = self.default_weight if weight is None else weight
        value = self._value(got, shown)

        if not (torch.equal(args[2], a) and torch.equal(args[3], b)):
            raise Incorrect(f"`{shown}` changed real_a or real_b in place; compute new tensors instead.")
        if any(p.grad is not None for p in list(G_AB.parameters()) + list(G_BA.parameters())):
            raise Incorrect(f"`{shown}` called backward() itself: return the loss, and let the training step "
                            "call backward() once on the sum of all the generator's losses.")

        with torch.no_grad():
            fresh_ab, fresh_ba = affine_generators()
            expected = float(self.reference(fresh_ab, fresh_ba, a, b, used))
            if not close(value, expected, atol=1e-6):
                raise Incorrect(self._diagnose(value, expected, fresh_ab, fresh_ba, a, b, used, weight, shown))

        self._check_gradients(got, G_AB, G_BA, a, b, used, shown)

    def _value(self, got, shown):
        if is_placeholder(got):
            raise NotAttempted(f"your function `{self.var}` still returns `____`: replace it with your code.")
        if got is None:
            raise Incorrect(f"`{shown}` returned None: is the `return` statement missing?")
        if isinstance(got, torch.Tensor):
            if got.numel() != 1:
                raise Incorrect(f"`{shown}` returned a tensor of shape {tuple(got.shape)}; a loss is one number: "
                                "take the mean of the absolute differences over all pixels and images.")
            if not got.is_floating_point():
                raise Incorrect(f"`{shown}` returned a tensor of {got.dtype}; a loss is a floating-point number.")
            if got.device.type == "meta":
                raise Incorrect(f"`{shown}` returned a tensor on the 'meta' device, which holds no value: compute the "
                                "loss from the images and the generators' outputs.")
            value = float(got.detach().float().cpu().reshape(()))
        elif isinstance(got, (int, float, np.integer, np.floating)) and not isinstance(got, bool):
            raise Incorrect(f"`{shown}` returned a plain number ({format_number(got)}), not a tensor: return the "
                            "tensor itself (no .item()), so that backward() can train the generators through it.")
        else:
            raise Incorrect(f"`{shown}` should return the loss as a one-number tensor, but it returned {describe(got)}.")
        if not math.isfinite(value):
            raise Incorrect(f"`{shown}` returned {value}: a loss of finite generator outputs should be finite.")
        return value

    def _diagnose(self, value, expected, ab, ba, a, b, used, weight, shown):
        stand_ins = f"(with stand-in generators {ab!r} and {ba!r})"
        unweighted = expected / used
        ratio = value / unweighted if unweighted else float("nan")
        if weight is None and math.isfinite(ratio) and ratio > 0 and abs(ratio - round(ratio * 2) / 2) < 1e-4:
            # The explicit-weight case passed: only the default can be wrong.
            return (f"called without a weight, your loss is {format_number(round(ratio * 2) / 2)} × (the two L1 terms); "
                    f"the default weight should be {format_number(self.default_weight)} ({self.weight_name}). "
                    f"Seen for `{shown}` {stand_ins}.")
        for candidate, message in self.mistakes(ab, ba, a, b, used):
            candidate = float(candidate)
            if close(value, candidate, atol=1e-6) and not close(candidate, expected, atol=1e-6):
                return f"{message}. Seen for `{shown}` {stand_ins}: {format_number(value)} instead of {format_number(expected)}."
        if weight is not None and close(value, unweighted * self.default_weight, atol=1e-6):
            return (f"`{shown}` gives the value for weight {format_number(self.default_weight)}: your function ignores "
                    "its `weight` argument. Multiply by `weight`, not by a fixed number.")
        return (f"`{shown}` returned {format_number(value)} {stand_ins}, but {format_number(expected)} was expected. "
                f"{self.advice}")

    def _check_gradients(self, got, G_AB, G_BA, a, b, used, shown):
        if not got.requires_grad:
            raise Incorrect(f"the value of `{shown}` is right, but the loss carries no gradient (requires_grad is "
                            "False): was it computed under torch.no_grad(), with .detach(), or through numpy? The "
                            "loss must train the generators.")
        learner_params = [G_AB.weight, G_AB.bias, G_BA.weight, G_BA.bias]
        try:
            grads = torch.autograd.grad(got.reshape(()), learner_params, allow_unused=True)
        except RuntimeError as error:
            raise Incorrect(f"the value of `{shown}` is right, but backward() through it fails "
                            f"({str(error).splitlines()[0][:120]}): return the loss as computed, without "
                            "calling backward() or changing tensors in place.") from None
        fresh_ab, fresh_ba = affine_generators()
        fresh_params = [fresh_ab.weight, fresh_ab.bias, fresh_ba.weight, fresh_ba.bias]
        expected = torch.autograd.grad(self.reference(fresh_ab, fresh_ba, a, b, used), fresh_params)
        for name, pair in (("G_AB", slice(0, 2)), ("G_BA", slice(2, 4))):
            mine, want = grads[pair], expected[pair]
            if all(g is None or float(g.abs()) == 0 for g in mine):
                raise Incorrect(f"the value of `{shown}` is right, but no gradient reaches {name}: something on its "
                                "path is detached (.detach(), torch.no_grad() or .item()). Leave every translation "
                                "attached: this loss trains both generators.")
            if not all(g is not None and torch.allclose(g, w, rtol=1e-4, atol=1e-6) for g, w in zip(mine, want)):
                raise Incorrect(f"the value of `{shown}` is right, but the gradient reaching {name} is not: part of "
                                "a path through it is detached (a .detach() or no_grad() on an intermediate "
                                "translation?). Leave every translation attached: both uses of each generator learn.")


CYCLE_HINTS = [
    "Translate real_a to B with G_AB and back with G_BA, then take the mean absolute difference from "
    "real_a. Do the same for real_b the other way round (G_BA, then G_AB). Add the two and multiply by "
    "`weight`.",
    "reconstructed_a = G_BA(G_AB(real_a)); reconstructed_b = G_AB(G_BA(real_b)); return weight * "
    "((reconstructed_a - real_a).abs().mean() + (reconstructed_b - real_b).abs().mean())",
]

cycle_question = Problem(
    var="cycle_consistency_loss",
    test=_GeneratorLossTest("cycle_consistency_loss", reference_cycle.cycle_consistency_loss, CYCLE_WEIGHT, _cycle_mistakes,
                            weight_name="the paper's λ = 10", advice=CYCLE_HINTS[0]),
    hints=CYCLE_HINTS,
    success="A → B → A and B → A → B must come back: L1 round-trip errors, weighted, trained through both generators.",
)

IDENTITY_HINTS = [
    "Give each generator an image that is already in its *output* domain: G_AB gets real_b, G_BA gets "
    "real_a. Each should come out unchanged: take the mean absolute difference from the input. Add the "
    "two and multiply by `weight`.",
    "return weight * ((G_AB(real_b) - real_b).abs().mean() + (G_BA(real_a) - real_a).abs().mean())",
]

identity_question = Problem(
    var="identity_loss",
    test=_GeneratorLossTest("identity_loss", reference_cycle.identity_loss, IDENTITY_WEIGHT, _identity_mistakes,
                            weight_name="0.5 × λ = 5", advice=IDENTITY_HINTS[0]),
    hints=IDENTITY_HINTS,
    success="a generator fed an image already in its target domain should leave it alone: that keeps colours and layout.",
)


# ================================================================================ q3: the image pool


def _numbered(ids, grad=True):
    """Images (N, 1, 2, 2) whose pixels all hold their number; with grad=True they carry a graph."""
    ids = torch.as_tensor(ids, dtype=torch.float32)
    images = ids.view(-1, 1, 1, 1).expand(-1, 1, 2, 2).clone()
    if grad:
        leaf = torch.ones((), requires_grad=True)
        images = images * leaf  # same values, now with a grad_fn like a generator's output
    return images


class _PoolRun:
    """Drive a learner's pool and read its images back as numbers."""

    def __init__(self, answer, size, seed):
        self.answer, self.size, self.seed = answer, size, seed
        self.call = f"ImagePool({size}, seed={seed})"
        self.pool = call_learner(answer, size, seed=seed, what=f"`{self.call}`", timeout=current_timeout())
        if is_placeholder(self.pool):
            raise NotAttempted("`ImagePool(...)` gives `____`: fill in the class.")
        if self.pool is None or isinstance(self.pool, (int, float, str, bytes, list, tuple, dict, torch.Tensor)):
            raise Incorrect(f"`{self.call}` gave {describe(self.pool)}; it should build a pool object with a "
                            "`query` method.")
        query = call_learner(getattr, self.pool, "query", None, what=f"reading `{self.call}.query`",
                             timeout=current_timeout())
        if not callable(query):
            raise Incorrect(f"`{self.call}` has no `query` method: keep the method `def query(self, images):`.")
        self.query_method = query

    def stored(self):
        """The numbers of the stored images (list), checking what the pool holds."""
        images = call_learner(getattr, self.pool, "images", None, what=f"reading `{self.call}.images`",
                              timeout=current_timeout())
        if images is None:
            raise Incorrect(f"`{self.call}` has no `images` attribute: keep the stored images in the list "
                            "`self.images`, as the class starts.")
        try:
            items = list(images)
        except Exception:
            raise Incorrect(f"`self.images` of your pool is {describe(images)}; keep a list of stored images.") from None
        numbers = []
        for item in items:
            if not isinstance(item, torch.Tensor):
                raise Incorrect(f"your pool stores {describe(item)}; store each image as a tensor (C, H, W).")
            if item.ndim == 4:
                raise Incorrect(f"your pool stores whole batches (a tensor of shape {tuple(item.shape)}); store one "
                                "image (C, H, W) per entry: loop over the batch, `for image in images:`.")
            if item.ndim != 3 or item.numel() == 0:
                raise Incorrect(f"your pool stores a tensor of shape {tuple(item.shape)}; store images of shape (C, H, W).")
            reject_complex(item, "your pool stores")
            if item.device.type == "meta" or not torch.isfinite(item.detach().float()).all():
                raise Incorrect("your pool stores images with NaN, inf or no values at all: store copies of the "
                                "images it is given.")
            numbers.append(int(round(float(item.detach().float().cpu().reshape(-1)[0]))))
        return items, numbers

    def query(self, ids, grad=True):
        batch = _numbered(ids, grad)
        shown = f"`{self.call}.query(images)` (a batch of {len(ids)})"
        out = call_learner(self.query_method, batch, what=shown, timeout=current_timeout())
        if is_placeholder(out):
            raise NotAttempted("your `query` still returns `____`: replace it with your code.")
        if out is None:
            raise Incorrect(f"{shown} returned None: is the `return` statement missing?")
        if isinstance(out, (list, tuple)) and out and all(isinstance(x, torch.Tensor) for x in out):
            raise Incorrect(f"{shown} returned a {type(out).__name__} of {len(out)} tensors; return one batch: "
                            "torch.stack(returned).")
        if not isinstance(out, torch.Tensor):
            raise Incorrect(f"{shown} returned {describe(out)}; it should return a batch of images (N, C, H, W).")
        if tuple(out.shape) != tuple(batch.shape):
            raise Incorrect(f"{shown} returned shape {tuple(out.shape)}; it should return as many images as it got, "
                            f"{tuple(batch.shape)}.")
        if out.device.type == "meta":
            raise Incorrect(f"{shown} returned a tensor on the 'meta' device, which holds no values.")
        reject_complex(out, f"{shown} returned")
        values = out.detach().float().cpu()
        if not torch.isfinite(values).all():
            raise Incorrect(f"{shown} returned NaN or inf values: it should return images it was given or stored.")
        numbers = [int(round(float(v))) for v in values[:, 0, 0, 0]]
        whole = torch.tensor(numbers, dtype=torch.float32).view(-1, 1, 1, 1).expand_as(values)
        if not torch.allclose(values, whole, atol=1e-4):
            raise Incorrect(f"{shown} returned images that are neither the new ones nor stored ones (their pixels "
                            "changed): hand back the images themselves.")
        return batch, out, numbers


def _shares_memory(x, y):
    try:
        return x.untyped_storage().data_ptr() == y.untyped_storage().data_ptr()
    except Exception:
        return False


def _check_pool(answer):
    if is_placeholder(answer):
        raise NotAttempted("replace `____` with your class `ImagePool`.")
    if isinstance(answer, type) and code_uses_placeholder(answer):
        raise NotAttempted("your `ImagePool.query` still contains a `____` blank: fill it in.")
    if not callable(answer):
        raise Incorrect(f"`ImagePool` should be a class, but it is {describe(answer)}.")
    with single_thread():
        _check_filling(answer)
        _check_full_pool(answer)
        _check_seeded(answer)
        _check_size_zero(answer)
    return ("while filling it hands back the new images, then half the time swaps one for a stored image, "
            "never holds more than `size`, stores detached copies and follows its own seeded generator.")


def _check_filling(answer):
    run = _PoolRun(answer, 4, seed=1)
    batch, out, numbers = run.query([1, 2, 3])
    items, stored = run.stored()
    if numbers != [1, 2, 3]:
        raise Incorrect(f"while the pool is not full (4 places, 0 used), query should store each new image and "
                        f"hand it back; for images 1, 2, 3 yours returned {numbers}.")
    if sorted(stored) != [1, 2, 3]:
        if not stored:
            raise Incorrect("after a first batch of 3 images your pool (4 places) is still empty: while it is not "
                            "full, append a copy of each new image to self.images.")
        raise Incorrect(f"after a first batch of 3 images your pool (4 places) holds {stored}: while it is not full, "
                        "store a copy of every new image (each one once).")
    for item in items:
        if _shares_memory(item, batch):
            raise Incorrect("your pool stores the images it was given, sharing memory with the caller's batch (a "
                            "view, or .detach() without .clone()): if that batch changes later, the stored history "
                            "changes with it. Store image.detach().clone().")
        if item.requires_grad:
            raise Incorrect("your pool stores images that still carry the generator's graph (requires_grad=True): "
                            "every stored image would keep a whole training step's graph in memory. Store "
                            "image.detach().clone().")
        if _shares_memory(item, out):
            raise Incorrect("the batch your query returns shares memory with images stored in the pool (the same "
                            "tensor object): if the discriminator's step changes it in place, the history changes "
                            "too. Store a detached clone, image.detach().clone(), and hand back the image itself.")
    # Fill up past the last place: 1 of these 3 fills the pool, the other 2 may swap.
    run.query([4, 5, 6])
    _, stored = run.stored()
    if len(stored) > 4:
        raise Incorrect(f"after 6 images your pool of size 4 holds {len(stored)}: it grows beyond its size. Append only "
                        "while len(self.images) < self.size; once full, swap instead.")


def _check_full_pool(answer):
    size, next_id, swaps, total = 6, 1, 0, 0
    run = _PoolRun(answer, size, seed=3)
    _, _, numbers = run.query([1, 2, 3, 4, 5, 6])
    next_id = 7
    _, before = run.stored()
    for round_number in range(60):
        new = list(range(next_id, next_id + 4))
        next_id += 4
        _, _, out = run.query(new)
        _, after = run.stored()
        if len(after) > size:
            raise Incorrect(f"once full, your pool of size {size} grew to {len(after)} images: it grows beyond its "
                            "size. When it is full, a new image either goes straight back out or takes the place "
                            "of the stored image that goes out.")
        allowed = set(before) | set(new)
        strangers = [n for n in out if n not in allowed]
        if strangers:
            raise Incorrect("your query returned an image that was neither in this batch nor in the pool "
                            "(one it had already handed out and replaced?): return new or stored images only.")
        if collections.Counter(before) + collections.Counter(new) != collections.Counter(after) + collections.Counter(out):
            handed_out = [n for n in out if n in before and n not in new]
            if handed_out and collections.Counter(after) == collections.Counter(before):
                raise Incorrect("once full, your pool hands out stored images but never puts the new image in their "
                                "place: the history stops changing. Replace the stored image you return with the "
                                "new one (self.images[index] = image.detach().clone()).")
            raise Incorrect("after a query, the pool's images plus the returned ones should be exactly the images "
                            "it held before plus the new ones: each new image either goes back out or takes the "
                            "place of the stored image that goes out. Yours lost or duplicated some.")
        swaps += sum(1 for n, fresh in zip(out, new) if n != fresh)  # position i got something other than new[i]
        total += len(new)
        before = after
    fraction = swaps / total
    if swaps == 0:
        raise Incorrect(f"your pool never returns stored images: once full, it handed back all {total} new images. "
                        "Toss a coin for each: with probability 0.5 return a random stored image (and store the new "
                        "one in its place), else return the new one.")
    if swaps == total:
        raise Incorrect(f"once full, your pool returned a stored image for every one of {total} new images; it should "
                        "toss a coin: with probability 0.5 swap, otherwise return the new image itself.")
    if not 0.35 <= fraction <= 0.65:
        raise Incorrect(f"once full, your pool returned a stored image for {fraction:.0%} of {total} new images; with "
                        "a fair coin it should be about 50%: compare a uniform random number with 0.5.")


def _query_sequence(answer, seed, global_seed):
    torch.manual_seed(global_seed)
    random.seed(global_seed)
    np.random.seed(global_seed)
    run = _PoolRun(answer, 3, seed=seed)
    returned = []
    for start in range(1, 40, 4):
        returned += run.query(list(range(start, start + 4)), grad=False)[2]
    return returned


def _check_seeded(answer):
    first = _query_sequence(answer, seed=11, global_seed=1)
    second = _query_sequence(answer, seed=11, global_seed=2)
    if first != second:
        raise Incorrect("two pools made with the same seed returned different images: draw the coin and the index "
                        "from the pool's own generator (torch.rand((), generator=self.generator), "
                        "torch.randint(n, (), generator=self.generator)), not from the global random state.")


def _check_size_zero(answer):
    try:
        run = _PoolRun(answer, 0, seed=0)
        _, _, numbers = run.query([5, 6])
        _, stored = run.stored()
    except (Incorrect, LearnerCodeError) as error:
        raise Incorrect(f"a pool of size 0 is switched off and should return the images as they are, but: "
                        f"{str(error)[:1].lower() + str(error)[1:]}") from None
    if numbers != [5, 6] or stored:
        raise Incorrect(f"a pool of size 0 is switched off: query should return the images as they are and store "
                        f"nothing, but yours returned {numbers} and stored {len(stored)}.")


pool_question = Problem(
    var="ImagePool",
    test=_check_pool,
    points=2,
    hints=[
        "Loop over the batch (`for image in images.detach():`). If len(self.images) < self.size, append "
        "image.clone() and return the image. Otherwise toss a coin with the pool's generator: heads (< 0.5), "
        "pick a random index, return the stored image there and put a clone of the new one in its place; "
        "tails, return the new image. Finally torch.stack the returned images. A pool of size 0 returns "
        "`images` at once.",
        "if torch.rand((), generator=self.generator) < 0.5: index = int(torch.randint(len(self.images), (), "
        "generator=self.generator)); returned.append(self.images[index]); self.images[index] = image.clone()",
    ],
    success="D sees a mix of fresh and stored fakes, detached copies drawn with the pool's own generator: less oscillation.",
)


# ================================================================================ q5: pixel shuffle


def _shuffle_case(seed, n=1, channels=2, r=2, height=3, width=4):
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(n, channels * r * r, height, width, generator=generator), r


def _random_shuffle_case(rng):
    return _shuffle_case(int(rng.integers(0, 10_000)), n=int(rng.integers(1, 3)), channels=int(rng.integers(1, 4)),
                         r=int(rng.integers(2, 4)), height=int(rng.integers(1, 5)), width=int(rng.integers(1, 5)))


def _diagnose_shuffle(args, got, expected):
    x, r = args
    if not isinstance(got, (torch.Tensor, np.ndarray)):
        return
    got = torch.as_tensor(got).detach().float()
    n, crr, height, width = x.shape
    channels = crr // (r * r)
    if tuple(got.shape) == (n, channels, width * r, height * r) and height != width:
        raise Incorrect(f"your output is {tuple(got.shape)}: height and width are swapped; the output is "
                        f"(N, C, H·r, W·r) = {tuple(expected.shape)}.")
    if got.shape != expected.shape:
        if got.numel() == expected.numel():
            raise Incorrect(f"your output has shape {tuple(got.shape)}; pixel shuffle turns (N, C·r², H, W) into "
                            f"(N, C, H·r, W·r) = {tuple(expected.shape)}.")
        return
    out_shape = (n, channels, height * r, width * r)
    candidates = [
        (x.reshape(n, r, r, channels, height, width).permute(0, 3, 4, 1, 5, 2).reshape(out_shape),
         "your channel groups are interleaved: output channel c is made of the r² consecutive input channels "
         "c·r², ..., c·r² + r² - 1, so view the channels as (C, r, r), not (r, r, C)"),
        (x.reshape(n, channels, r, r, height, width).permute(0, 1, 4, 3, 5, 2).reshape(out_shape),
         "rows and columns inside each r×r block are swapped: input channel c·r² + i·r + j goes to row i, column j "
         "of the block (permute to (N, C, H, i, W, j))"),
        (x.reshape(n, channels, r, r, height, width).permute(0, 1, 2, 4, 3, 5).reshape(out_shape),
         "you placed the r² small images side by side, a mosaic of tiles; pixel shuffle interleaves them: every "
         "input position (h, w) becomes one r×r block of the output, at rows h·r to h·r + r - 1"),
        (x.reshape(out_shape),
         "a reshape alone keeps the values in memory order, which stacks whole channels on top of each other; "
         "view the channels as (C, r, r), permute to (N, C, H, r, W, r), then reshape"),
    ]
    name_mistake(got, expected, candidates, 1e-5, 1e-6)


pixel_shuffle_question = FunctionProblem(
    var="pixel_shuffle",
    reference=F.pixel_shuffle,
    arg_names=["x", "r"],
    cases=[_shuffle_case(1), (torch.arange(8.0).reshape(1, 4, 1, 2), 2),
           _shuffle_case(2, n=2, channels=3, r=3, height=2, width=2), _shuffle_case(3, channels=1, height=4, width=2)],
    random_cases=_random_shuffle_case,
    n_random=4,
    test=_diagnose_shuffle,
    hints=[
        "View x (N, C·r², H, W) as (N, C, r, r, H, W): the two r's say where inside its r×r block each channel's "
        "pixel goes (row i, column j). Then put each r next to the axis it enlarges: (N, C, H, r, W, r), with "
        "x.permute(...), and reshape to (N, C, H·r, W·r).",
        "n, crr, h, w = x.shape; c = crr // (r * r); "
        "return x.reshape(n, c, r, r, h, w).permute(0, 1, 4, 2, 5, 3).reshape(n, c, h * r, w * r)",
    ],
    success="reshape, permute, reshape: r² channels become an r×r block of pixels, exactly as F.pixel_shuffle does.",
)


# ================================================================================ q6: fading in a layer


def _fade_case(seed, n=2, channels=1, size=3, alpha=0.25):
    generator = torch.Generator().manual_seed(seed)
    old = torch.rand(n, channels, size, size, generator=generator) * 2 - 1
    new = torch.rand(n, channels, 2 * size, 2 * size, generator=generator) * 2 - 1
    return old, new, alpha


def _random_fade_case(rng):
    return _fade_case(int(rng.integers(0, 10_000)), n=int(rng.integers(1, 4)), channels=int(rng.choice([1, 3])),
                      size=int(rng.integers(2, 6)), alpha=float(np.round(rng.uniform(0.05, 0.95), 3)))


def _diagnose_fade(args, got, expected):
    old, new, alpha = args
    if not isinstance(got, (torch.Tensor, np.ndarray)):
        return
    got = torch.as_tensor(got).detach().float()
    nearest = F.interpolate(old, scale_factor=2, mode="nearest")
    if tuple(got.shape) == tuple(old.shape):
        raise Incorrect(f"your result has the old, smaller size {tuple(old.shape)}: the blend happens at the new "
                        "resolution. Double the old image (nearest neighbour) to the new layer's size first.")
    if got.shape != expected.shape:
        return
    candidates = [
        (alpha * nearest + (1 - alpha) * new, "alpha is the *new* layer's share: (1 - alpha) · old + alpha · new, so "
                                              "alpha = 0 is the old network and alpha = 1 the new layer"),
        (nearest + alpha * new, "the two weights must add up to 1: (1 - alpha) · old + alpha · new"),
        ((1 - alpha) * new + alpha * nearest, "alpha is the *new* layer's share: (1 - alpha) · old + alpha · new"),
    ]
    for mode in ("bilinear", "bicubic"):
        smooth = F.interpolate(old, scale_factor=2, mode=mode, align_corners=False)
        candidates.append(((1 - alpha) * smooth + alpha * new,
                           f"you doubled the old image with {mode} interpolation; ProGAN uses nearest neighbour "
                           "(mode=\"nearest\"): every old pixel becomes a 2×2 block, as the old network drew it"))
    name_mistake(got, expected, candidates, 1e-4, 1e-5)


fade_question = FunctionProblem(
    var="fade_in",
    reference=reference_style.fade_in,
    arg_names=["old", "new", "alpha"],
    cases=[_fade_case(1, alpha=0.0), _fade_case(2, alpha=1.0), _fade_case(3, alpha=0.25),
           _fade_case(4, channels=3, size=4, alpha=0.6)],
    random_cases=_random_fade_case,
    n_random=4,
    test=_diagnose_fade,
    hints=[
        "Double the old image's height and width with nearest-neighbour upsampling "
        "(torch.nn.functional.interpolate(old, scale_factor=2, mode=\"nearest\")), then mix: "
        "(1 - alpha) times the upsampled old image plus alpha times the new one.",
        "upsampled = F.interpolate(old, scale_factor=2, mode=\"nearest\"); return (1 - alpha) * upsampled + alpha * new",
    ],
    success="(1 − α)·upsample(old) + α·new: a new layer joins the network gradually instead of all at once.",
)


# ================================================================================ q7: AdaIN


def _adain_case(seed, n=2, channels=3, size=4, constant_channel=False):
    generator = torch.Generator().manual_seed(seed)
    spread = torch.rand(n, channels, 1, 1, generator=generator) * 3 + 0.5
    centre = torch.randn(n, channels, 1, 1, generator=generator) * 2
    x = torch.randn(n, channels, size, size, generator=generator) * spread + centre
    if constant_channel:
        x[0, 0] = 0.7  # a feature map with no variation at all
    scale = torch.rand(n, channels, generator=generator) * 2 + 0.5
    bias = torch.randn(n, channels, generator=generator)
    return x, scale, bias


def _random_adain_case(rng):
    return _adain_case(int(rng.integers(0, 10_000)), n=int(rng.integers(1, 4)), channels=int(rng.integers(1, 5)),
                       size=int(rng.integers(2, 6)))


def _normalise(x, dims, unbiased=False, eps=reference_style.EPS):
    mean = x.mean(dim=dims, keepdim=True)
    var = x.var(dim=dims, keepdim=True, unbiased=unbiased)
    return (x - mean) / (var + eps).sqrt()


def _diagnose_adain(args, got, expected):
    x, scale, bias = args
    if not isinstance(got, (torch.Tensor, np.ndarray)):
        return
    got = torch.as_tensor(got).detach().float()
    if got.shape != expected.shape:
        return
    if not torch.isfinite(got).all():
        raise Incorrect("your result has NaN or inf where a feature map is constant (its standard deviation is 0): add eps "
                        "to the variance before the square root, (var + eps).sqrt().")
    s, b = scale[:, :, None, None], bias[:, :, None, None]
    mean = x.mean(dim=(2, 3), keepdim=True)
    candidates = [
        (s * _normalise(x, (0, 2, 3)) + b, "your mean and standard deviation are taken over the whole batch too "
                                           "(that is BatchNorm); AdaIN normalises each image's channel on its own: "
                                           "mean and variance over dims (2, 3) only"),
        (s * _normalise(x, (1, 2, 3)) + b, "your mean and standard deviation are taken over all channels together "
                                           "(that is LayerNorm); AdaIN normalises each channel on its own: dims (2, 3)"),
        (s * _normalise(x, (2, 3), unbiased=True) + b, "you used the unbiased variance (dividing by H·W - 1); instance "
                                                       "normalisation divides by H·W: var(..., unbiased=False)"),
        (b * _normalise(x, (2, 3)) + s, "scale and bias are swapped: multiply by `scale`, then add `bias`"),
        (s * x + b, "you scaled and shifted x without normalising it first: subtract each channel's mean and divide "
                    "by its standard deviation"),
        (s * (x - mean) + b, "you subtracted the mean but did not divide by the standard deviation"),
        (_normalise(x, (2, 3)), "you normalised but did not apply the style: multiply by `scale` and add `bias`"),
        (s * _normalise(x, (2, 3)), "the style's `bias` is missing: add it after scaling"),
    ]
    name_mistake(got, expected, candidates, 1e-3, 1e-4)


adain_question = FunctionProblem(
    var="adain",
    reference=reference_style.adain,
    arg_names=["x", "scale", "bias"],
    cases=[_adain_case(1), _adain_case(2, n=3, channels=2, size=5), _adain_case(3, constant_channel=True)],
    random_cases=_random_adain_case,
    n_random=4,
    test=_diagnose_adain,
    rtol=1e-3,
    atol=1e-4,
    hints=[
        "For every image and channel, the mean and variance over the H×W positions: x.mean(dim=(2, 3), "
        "keepdim=True) and x.var(dim=(2, 3), keepdim=True, unbiased=False). Normalise, then multiply by scale "
        "and add bias; both are (N, C), so reshape them to (N, C, 1, 1) with [:, :, None, None].",
        "normalised = (x - mean) / (var + eps).sqrt(); return scale[:, :, None, None] * normalised + "
        "bias[:, :, None, None]",
    ],
    success="normalise each channel of each image, then scale and shift it with the style's numbers: the style sets the statistics.",
)


# ================================================================================ q8: torchrun


batch_question = ValueProblem(
    var="effective_batch_size",
    expected=GPUS * PER_PROCESS_BATCH,
    test=known_mistakes([
        (PER_PROCESS_BATCH, "64 is what *one* process draws. Under torchrun each of the 4 processes draws its own "
                            "batch of 64 and DistributedDataParallel averages the 4 gradients into one update."),
        (PER_PROCESS_BATCH // GPUS, "DistributedDataParallel does not split a batch of 64 across the GPUs: every process "
                                    "draws a full batch of 64 of its own."),
        (GPUS, "4 is the number of processes; each update averages their gradients over 4 batches of 64 images."),
        (GPUS + PER_PROCESS_BATCH, "the batches multiply, not add: 4 processes × 64 images each."),
    ]),
    hints=[
        "torchrun starts one process per GPU; each builds the recipe and draws its own batch of the recipe's size. "
        "After backward, DistributedDataParallel averages the gradients of all processes, so one optimizer step "
        "has seen every process's batch.",
        "4 processes × 64 images.",
    ],
    success="4 processes × 64 = 256 images per step: the gradients are averaged across processes before each update.",
)


# ================================================================================ thought questions


cycle_thought = ThoughtProblem(
    points=2,
    hints=["Compute the cycle loss of G_AB(x) = x and G_BA(y) = y. Then think of what else the adversarial loss asks."],
)

deepfake_thought = ThoughtProblem(
    points=2,
    hints=["Whose face, voice or body is in the data, who agreed to what, and who could be harmed by the output?"],
)

provenance_thought = ThoughtProblem(
    points=2,
    hints=["For each: what does it prove when present, and what happens after a screenshot, a crop or re-encoding?"],
)

bias_thought = ThoughtProblem(
    points=2,
    hints=["Think of lesson 06's mode collapse: which modes does a GAN drop first? And how would you measure it?"],
)


__all__ = bind_exercises(
    globals(),
    [
        cycle_question,
        identity_question,
        pool_question,
        cycle_thought,
        pixel_shuffle_question,
        fade_question,
        adain_question,
        batch_question,
        deepfake_thought,
        provenance_thought,
        bias_thought,
    ],
)
__all__ += ["____"]
