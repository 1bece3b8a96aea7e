"""Lesson 14 checks: text to image. Measuring stroke thickness and slant, drawing wrong captions, and the
matching-aware discriminator loss of GAN-CLS (Reed et al. 2016).

The references are the library's: learntools.gans.data.captions (stroke_thickness, stroke_slant,
mismatched_captions) and learntools.gans.training.text (matching_aware_d_loss). A wrong answer is named
by recomputing what each realistic mistake gives on the same input.
"""

import copy

import numpy as np
import torch
import torch.nn.functional as F

from learntools.core import (
    Incorrect,
    Problem,
    FunctionProblem,
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
from learntools.gans.checking.mistakes import name_mistake, name_number_mistake
from learntools.gans.checking.numbers import close, loss_number
from learntools.gans.data import captions as reference
from learntools.gans.data.captions import outline_length
from learntools.gans.losses import nonsaturating_d, nonsaturating_g
from learntools.gans.models.text import TextDiscriminator, TextGenerator
from learntools.gans.training.text import matching_aware_d_loss


# ================================================================================ test images


def _bar(width, height=28, size=28, column=None, shear=0.0):
    """A white bar `width` pixels wide and `height` tall on a black (-1) square, optionally sheared."""
    image = -torch.ones(1, 1, size, size)
    top = (size - height) // 2
    left = (size - width) // 2 if column is None else column
    for row in range(top, top + height):
        shift = int(round(shear * ((top + height - 1) - row)))  # higher rows move right for shear > 0
        image[0, 0, row, max(0, left + shift):min(size, left + shift + width)] = 1.0
    return image


def _ring(radius, width, size=28):
    """A soft ring (a synthetic zero) of `radius` and stroke `width` pixels, (1, 1, size, size) in [-1, 1]."""
    rows, cols = torch.meshgrid(torch.arange(size, dtype=torch.float32), torch.arange(size, dtype=torch.float32),
                                indexing="ij")
    distance = ((rows - size / 2) ** 2 + (cols - size / 2) ** 2).sqrt()
    ink = (width / 2 + 0.5 - (distance - radius).abs()).clamp(0, 1)   # 1 on the ring, a soft edge
    return (2 * ink - 1)[None, None]


def _digits(count, seed):
    """`count` real training digits, (count, 1, 28, 28) in [-1, 1]."""
    from learntools.gans.data import load_mnist

    images, _ = load_mnist("train")
    order = torch.randperm(len(images), generator=torch.Generator().manual_seed(seed))[:count]
    return images[order].clone()


def _random_images(rng):
    """A few real digits, or soft random blobs of another size."""
    if rng.random() < 0.6:
        return (_digits(int(rng.integers(2, 6)), int(rng.integers(0, 10_000))),)
    n, h, w = int(rng.integers(1, 4)), int(rng.integers(10, 20)), int(rng.integers(10, 20))
    blobs = torch.from_numpy(rng.random((n, 1, h, w)).astype(np.float32)) * 2 - 1
    return (F.avg_pool2d(blobs, 3, stride=1, padding=1),)


# ================================================================================ q1: thickness


def _thickness_candidates(images):
    """What realistic mistakes give for these images: [(values (N,), sentence), ...]."""
    ink = (images + 1) / 2
    area = ink.sum(dim=(1, 2, 3))
    outline = outline_length(ink).clamp_min(1e-6)
    raw = images.sum(dim=(1, 2, 3))
    return [
        (area / outline, "your thickness is half the right one: the factor 2 is missing (an outline runs down both "
                         "sides of a stroke, so it is about 2 L long), or the outline was measured on the [-1, 1] "
                         "image, where every edge is a step of 2, not 1"),
        (2 * raw / outline_length(images).clamp_min(1e-6),
         "you measured the [-1, 1] image itself: its background is -1, so the 'area' comes out negative. Turn it "
         "into ink first, ink = (images + 1) / 2, which is 0 on the background and 1 on a full stroke"),
        (2 * raw / outline, "the area was summed on the [-1, 1] image (the background counts -1 per pixel): sum "
                            "the ink, (images + 1) / 2, instead"),
        (2 * images.clamp(min=0).sum(dim=(1, 2, 3)) / outline_length(images.clamp(min=0)).clamp_min(1e-6),
         "you took only the pixels above 0 as ink (images.clamp(min=0)): the ink is (images + 1) / 2, which also "
         "counts the soft grey edge of a stroke"),
        (2 * (images > 0).float().sum(dim=(1, 2, 3)) / outline,
         "you counted the pixels above 0 as the area: use the amount of ink, (images + 1) / 2, summed, so that the "
         "area and the outline are measured on the same ink"),
        (outline / (2 * area).clamp_min(1e-6), "your ratio is upside down: thickness = 2 * area / outline"),
    ]


def _thickness_diagnose(args, got, expected):
    (images,) = args
    if not isinstance(got, (torch.Tensor, np.ndarray)):
        return
    got = torch.as_tensor(got).detach().float()
    n = len(images)
    if got.numel() == 1 and n > 1:
        raise Incorrect(f"it returned one number for {n} images: sum over each image's pixels only, "
                        "dim=(1, 2, 3), so that every image gets its own thickness.")
    if got.numel() != n:
        raise Incorrect(f"it returned shape {tuple(got.shape)}; return one thickness per image, shape ({n},).")
    name_mistake(got.reshape(-1), expected, _thickness_candidates(images), rtol=1e-3, atol=1e-4)


thickness_question = FunctionProblem(
    var="stroke_thickness",
    reference=reference.stroke_thickness,
    arg_names=["images"],
    cases=[(torch.cat([_bar(2, height=16), _bar(5, height=16)]),), (_bar(3, height=20),),
           (torch.cat([_ring(8, 2), _ring(6, 4)]),)],
    random_cases=_random_images,
    n_random=6,
    rtol=1e-3,
    atol=1e-4,
    test=_thickness_diagnose,
    points=2,
    hints=[
        "Three lines: the ink, ink = (images + 1) / 2 (0 on the background, 1 on a stroke); the area, the sum of "
        "each image's ink over dim=(1, 2, 3); the outline, outline_length(ink). A stroke w wide and L long has "
        "area w L and an outline about 2 L long.",
        "ink = (images + 1) / 2; return 2 * ink.sum(dim=(1, 2, 3)) / outline_length(ink)",
    ],
    success="2 * area / outline reads a stroke's width in pixels from any digit, of any shape.",
)


# ================================================================================ q2: slant


def _slant_from(weights, x, y):
    """cov(x, y) / var(y) under non-negative pixel weights (N, 1, H, W)."""
    weights = weights / weights.sum(dim=(1, 2, 3), keepdim=True)
    mean_x = (weights * x).sum(dim=(1, 2, 3), keepdim=True)
    mean_y = (weights * y).sum(dim=(1, 2, 3), keepdim=True)
    cov = (weights * (x - mean_x) * (y - mean_y)).sum(dim=(1, 2, 3))
    return cov, (weights * (y - mean_y) ** 2).sum(dim=(1, 2, 3)), (weights * (x - mean_x) ** 2).sum(dim=(1, 2, 3))


def _slant_candidates(images):
    ink = (images + 1) / 2
    h, w = images.shape[-2:]
    rows = torch.arange(h, dtype=torch.float32)[:, None]
    x = torch.arange(w, dtype=torch.float32)[None, :]
    cov_up, var_y, var_x = _slant_from(ink, x, -rows)
    weights = ink / ink.sum(dim=(1, 2, 3), keepdim=True)
    raw = (weights * x * -rows).sum(dim=(1, 2, 3)) / (weights * rows ** 2).sum(dim=(1, 2, 3))
    signed = images / images.sum(dim=(1, 2, 3), keepdim=True)
    cov_s = (signed * (x - (signed * x).sum(dim=(1, 2, 3), keepdim=True))
             * (-rows - (signed * -rows).sum(dim=(1, 2, 3), keepdim=True))).sum(dim=(1, 2, 3))
    var_s = (signed * (-rows - (signed * -rows).sum(dim=(1, 2, 3), keepdim=True)) ** 2).sum(dim=(1, 2, 3))
    return [
        (-cov_up / var_y, "your slant has the opposite sign: row numbers grow *downwards*, so y must count upwards, "
                          "y = -row (a digit leaning right like '/' has a positive slant)"),
        (cov_up / var_x, "you divided by the variance of x: the slant is how far the ink moves right per pixel it "
                         "rises, cov(x, y) / var(y)"),
        (-cov_up / var_x, "you divided by the variance of x, and y counts downwards: use cov(x, y) / var(y) with "
                          "y = -row"),
        (raw, "your moments are not centred: subtract the ink's mean x and mean y before multiplying "
              "(cov(x, y) = E[(x - mean x)(y - mean y)])"),
        (cov_s / var_s, "you weighted the pixels by the [-1, 1] image itself, whose background is -1: weight them "
                        "by the ink, (images + 1) / 2"),
        (torch.zeros(len(images)), "your slant is 0 for every image: weight each pixel by its ink, so that only "
                                   "the stroke's pixels count"),
    ]


def _slant_diagnose(args, got, expected):
    (images,) = args
    if not isinstance(got, (torch.Tensor, np.ndarray)):
        return
    got = torch.as_tensor(got).detach().float()
    n = len(images)
    if got.numel() != n:
        raise Incorrect(f"it returned shape {tuple(got.shape)}; return one slant per image, shape ({n},).")
    name_mistake(got.reshape(-1), expected, _slant_candidates(images), rtol=1e-3, atol=1e-4)


slant_question = FunctionProblem(
    var="stroke_slant",
    reference=reference.stroke_slant,
    arg_names=["images"],
    cases=[(_bar(3, height=20, shear=0.5),), (torch.cat([_bar(2, height=16, shear=-0.25), _bar(4, height=18)]),),
           (torch.cat([_ring(8, 2), _bar(3, height=20, shear=0.3)]),)],
    random_cases=_random_images,
    n_random=6,
    rtol=1e-3,
    atol=1e-4,
    test=_slant_diagnose,
    points=2,
    hints=[
        "Weight every pixel by its share of the ink, weight = ink / ink.sum(...) with ink = (images + 1) / 2. "
        "Then the weighted means of x (the column) and y (minus the row: y points up), and the weighted "
        "cov(x, y) and var(y).",
        "w = ink / ink.sum(dim=(1, 2, 3), keepdim=True); mx = (w * x).sum(dim=(1, 2, 3), keepdim=True), the "
        "same for my; return (w * (x - mx) * (y - my)).sum(dim=(1, 2, 3)) / (w * (y - my) ** 2).sum(dim=(1, 2, 3))",
    ],
    success="cov(x, y) / var(y) of the ink: a shear that moves each row k pixels right per pixel up adds k to it.",
)


# ================================================================================ q3: wrong captions


def _caption_batches():
    """Batches with many repeated captions, as real batches have (two "a one" are common)."""
    same = reference.encode_captions(["a one", "a one", "a thick one", "a one", "a thin two", "a one",
                                      "a thin two", "a one"])
    mixed = reference.encode_captions(["a thick slanted seven", "a seven", "a seven", "a thin zero",
                                       "a seven", "a thick slanted seven", "an eight"])
    pair = reference.encode_captions(["a three", "a four"])
    return [("a batch of 8 captions, 5 of them 'a one'", same), ("a batch of 7 captions", mixed),
            ("a batch of 2 different captions", pair)]


def _check_wrong_captions(answer):
    require_written(answer, "wrong_captions")
    with single_thread(), torch.random.fork_rng(devices=[]):
        for what, tokens in _caption_batches():
            n = len(tokens)
            torch.manual_seed(1400)
            for attempt in range(8):  # a shuffle that may hand a row its own caption shows it in a few draws
                given = tokens.clone()
                got = call_learner(answer, given, what="your function `wrong_captions`", timeout=current_timeout())
                if is_placeholder(got):
                    return _not_attempted()
                if got is None:
                    raise Incorrect("`wrong_captions` returned None: is the `return` statement missing?")
                if not isinstance(got, torch.Tensor):
                    raise Incorrect(f"`wrong_captions` returned {describe(got)}; return a tensor of word numbers, "
                                    "like its input.")
                if not torch.equal(given, tokens):
                    raise Incorrect("`wrong_captions` changed its input in place; build a new tensor.")
                if tuple(got.shape) != (n, 3):
                    raise Incorrect(f"for {what}, `wrong_captions` returned shape {tuple(got.shape)}; return one "
                                    f"caption per row, shape ({n}, 3), like its input.")
                if got.is_floating_point() or got.is_complex():
                    raise Incorrect(f"`wrong_captions` returned {got.dtype} values; captions are word numbers "
                                    "(int64), as they came in.")
                from_batch = (got[:, None, :] == tokens[None, :, :]).all(dim=2).any(dim=1)  # (n,)
                if not bool(from_batch.all()):
                    row = int(torch.nonzero(~from_batch)[0])
                    raise Incorrect(f"for {what}, row {row} got {got[row].tolist()}, which is no caption of the "
                                    "batch: draw the wrong captions from the other examples, so that they are "
                                    "sentences real digits have (Reed et al. take another image's text).")
                own = (got == tokens).all(dim=1)                                            # (n,)
                if bool(own.any()):
                    rows = torch.nonzero(own).flatten().tolist()
                    raise Incorrect(
                        f"for {what} (attempt {attempt + 1}), row(s) {rows} got a caption equal to their own. A "
                        "shuffle (or a shift) of the batch can land on the same row, or on another example with "
                        "the very same caption: D would then be taught that a right caption is wrong. Draw, for "
                        "each row, among the rows whose caption differs.")
    return ("every row gets another example's caption, never one equal to its own: each mismatched pair really "
            "is a mismatch.")


def _not_attempted():
    from learntools.core import NotAttempted

    raise NotAttempted("your function `wrong_captions` still returns `____`: replace it with your code.")


wrong_captions_question = Problem(
    var="wrong_captions",
    test=_check_wrong_captions,
    points=2,
    hints=[
        "Compare every caption with every other: differs[i, j] is True when rows i and j differ in some word, "
        "(tokens[:, None, :] != tokens[None, :, :]).any(dim=2). Then pick, for each row i, one j at random among "
        "those where differs[i, j] is True.",
        "differs = (tokens[:, None, :] != tokens[None, :, :]).any(dim=2).float(); "
        "chosen = torch.multinomial(differs, 1).squeeze(1); return tokens[chosen]",
    ],
)


# ================================================================================ q4: the matching-aware D loss


def _loss_bench():
    """Small text networks, real images, right and wrong captions, noise: the same every call."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(1414)
        G = TextGenerator(z_dim=4, text_dim=4, hidden=8)
        D = TextDiscriminator(text_dim=4, hidden=8)
        for p in D.parameters():
            p.data.mul_(4.0)  # verdicts far from 0, so that every mistake changes the loss clearly
        real = _digits(6, 3)                                                    # (6, 1, 28, 28)
        tokens = reference.encode_captions(["a thick one", "a seven", "a thin slanted two", "a one",
                                            "an upright eight", "a thick four"])
        wrong = reference.encode_captions(["a seven", "a thin slanted two", "a one", "an upright eight",
                                           "a thick four", "a thick one"])
        z = torch.randn(6, 4)
    return G, D, real, tokens, wrong, z


def _check_d_loss(answer):
    require_written(answer, "gan_cls_d_loss")
    with single_thread():
        G, D, real, tokens, wrong, z = _loss_bench()
        with torch.no_grad():
            fake = G(z, tokens)
            real_l, wrong_l, fake_l = D(real, tokens), D(real, wrong), D(fake, tokens)
            fake_for_wrong = G(z, wrong)
        expected = float(matching_aware_d_loss(real_l, wrong_l, fake_l))
        call = "gan_cls_d_loss(D, G, real, captions, wrong, z)"

        G_copy, D_copy = copy.deepcopy(G), copy.deepcopy(D)
        inputs = [real.clone(), tokens.clone(), wrong.clone(), z.clone()]
        got = call_learner(answer, D_copy, G_copy, *inputs, what="your function `gan_cls_d_loss`",
                           timeout=current_timeout())
        value = loss_number(got, "gan_cls_d_loss", call, "compute the parts from the logits (F.softplus or "
                            "F.binary_cross_entropy_with_logits), not log(sigmoid(...)).",
                            averaging="average each part over the batch")
        if not all(torch.equal(a, b) for a, b in zip(inputs, [real, tokens, wrong, z])):
            raise Incorrect(f"`{call}` changed its inputs in place; compute new tensors instead.")

        if close(value, expected):
            if got.requires_grad:
                call_learner(got.backward, what="backpropagating your loss", timeout=current_timeout())
            if any(p.grad is not None and bool(p.grad.abs().sum() > 0) for p in G_copy.parameters()):
                raise Incorrect("the value is right, but backpropagating it fills the generator's gradients: "
                                "detach the fakes (G(z, captions).detach()) so the D step leaves G alone.")
            if not any(p.grad is not None and bool(p.grad.abs().sum() > 0) for p in D_copy.parameters()):
                raise Incorrect("the value is right, but it carries no gradient to the discriminator: don't "
                                "call .item() or .detach() on D's outputs or on the loss.")
            return ("three kinds of pair: (real, right) → real; (real, wrong) and (fake, right) → fake, half "
                    "each, as in Reed et al.'s Algorithm 1.")

        real_part = F.softplus(-real_l).mean()
        wrong_part, fake_part = F.softplus(wrong_l).mean(), F.softplus(fake_l).mean()
        with torch.no_grad():
            fake_wrong_l = D(fake_for_wrong, wrong)
            fake_judged_wrong = D(fake, wrong)
        candidates = [
            (real_part + (F.softplus(-wrong_l).mean() + fake_part) / 2,
             "the (real image, wrong caption) pairs are scored as *real* (target 1): they are the new kind of "
             "fake. A real digit with a caption that does not describe it must be called fake"),
            (real_part + F.softplus(-wrong_l).mean() + fake_part,
             "the (real image, wrong caption) pairs are scored as *real*, and the two fake kinds are not halved: "
             "score the mismatched pairs as fake (target 0), and average the two fake terms"),
            (float(nonsaturating_d(real_l, fake_l)),
             "the mismatched term is missing: that is the plain conditional D loss. Add D(real, wrong captions), "
             "scored as fake"),
            (real_part + wrong_part + fake_part,
             "the two fake terms have full weight each: Reed et al. average them, -log D(x, t) - (log(1 - "
             "D(x, t_wrong)) + log(1 - D(G(z, t), t))) / 2, so the fakes of both kinds count as much as the reals"),
            ((real_part + wrong_part + fake_part) / 3,
             "you averaged all three terms: the real term has weight 1 and the two fake kinds half each"),
            (real_part + wrong_part,
             "the fake images are missing: keep (fake image, right caption) -> fake beside the mismatched pairs"),
            (real_part + (wrong_part + F.softplus(fake_wrong_l).mean()) / 2,
             "the fakes were made (and judged) for the wrong captions: G makes fakes for the *right* captions; "
             "the wrong captions go only with the real images"),
            (real_part + (wrong_part + F.softplus(fake_judged_wrong).mean()) / 2,
             "the fakes were judged with the wrong captions: D(fake, captions), the captions they were made for"),
            (real_part + wrong_part / 2,
             "the (fake image, right caption) term is missing: add it beside the mismatched one, half each"),
            (F.softplus(-real_l).mean() + (F.softplus(-fake_l).mean() + wrong_part) / 2,
             "the fakes are scored as real: (fake image, right caption) -> fake (target 0)"),
            (float(nonsaturating_g(fake_l)), "that is the generator's loss; the discriminator's scores three kinds "
                                             "of pair"),
        ]
        name_number_mistake(value, expected, [(float(v), s) for v, s in candidates])
        raise Incorrect(f"`{call}` returned {value:.4g} on the check's small networks, but {expected:.4g} was "
                        "expected: softplus(-D(real, captions)).mean() + (softplus(D(real, wrong)).mean() + "
                        "softplus(D(G(z, captions).detach(), captions)).mean()) / 2.")


d_loss_question = Problem(
    var="gan_cls_d_loss",
    test=_check_d_loss,
    points=3,
    hints=[
        "Three pairs, three logits: D(real, captions) should say real; D(real, wrong) and D(fake, captions) "
        "should say fake. -log D is F.softplus(-logit), -log(1 - D) is F.softplus(logit). Reed et al. halve "
        "each of the two fake terms. Detach the fakes.",
        "fake = G(z, captions).detach(); return F.softplus(-D(real, captions)).mean() + "
        "(F.softplus(D(real, wrong)).mean() + F.softplus(D(fake, captions)).mean()) / 2",
    ],
)


# ================================================================================ q5: what goes wrong without

without_question = ThoughtProblem(
    points=2,
    hints=["In the plain run, what does D see that would let it tell a fake 'seven' that looks like a real two "
           "from a real seven? What did the table's digit column say?"],
)


__all__ = bind_exercises(
    globals(),
    [thickness_question, slant_question, wrong_captions_question, d_loss_question, without_question],
)
__all__ += ["____", "outline_length"]
