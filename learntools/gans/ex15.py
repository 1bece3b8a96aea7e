"""Lesson 15 checks: case studies from the talks. pix2pixHD's feature matching loss (q1), TL-GAN's feature
direction by least squares (q4) and its orthogonalisation (q5), and four thought questions (q2, q3, q6, q7).

The feature matching check runs the learner's loss on made-up features of two discriminators with layers of
different sizes, compares it with learntools.gans.models.pix2pixhd.feature_matching_loss, names the usual
mistakes by computing what each one gives on the same features, then calls backward() to see where the
gradient goes: into the fake features (G learns), never into the real ones (they are constants for G).
"""

import numpy as np
import torch

from learntools.core import (
    FunctionProblem,
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
from learntools.gans import latent
from learntools.gans.checking.functions import require_written
from learntools.gans.checking.mistakes import name_mistake, name_number_mistake
from learntools.gans.checking.numbers import close
from learntools.gans.models.pix2pixhd import feature_matching_loss as reference_feature_matching_loss

# ================================================================================ q1: feature matching

# Two discriminators, three layers each, as the course's PatchGAN gives them for a batch of 4 (the second
# discriminator sees the halved pair, so its maps are smaller): (N, C, h, w) per layer.
FM_SHAPES = [
    [(4, 8, 14, 14), (4, 16, 13, 13), (4, 1, 12, 12)],
    [(4, 8, 7, 7), (4, 16, 6, 6), (4, 1, 5, 5)],
]
FM_SEED = 1501


def _features(seed, shapes=FM_SHAPES, scale=1.0):
    """One list per discriminator of leaf feature maps that record their gradients."""
    generator = torch.Generator().manual_seed(seed)
    return [[(scale * torch.randn(shape, generator=generator)).requires_grad_() for shape in layers]
            for layers in shapes]


def _pairs(real, fake):
    return [(r.detach(), f.detach()) for real_layers, fake_layers in zip(real, fake)
            for r, f in zip(real_layers, fake_layers)]


def _fm_mistakes(real, fake):
    """(value, sentence) for each realistic mistake, on the same features."""
    pairs = _pairs(real, fake)
    per_d = [list(zip([r.detach() for r in rl], [f.detach() for f in fl])) for rl, fl in zip(real, fake)]
    everything = torch.cat([(r - f).abs().flatten() for r, f in pairs])
    return [
        (sum(((r - f) ** 2).mean() for r, f in pairs),
         "your loss squares the differences (an L2 distance); pix2pixHD's feature matching is an L1 distance, "
         "the mean of |real − fake|"),
        (sum((r - f).abs().sum() for r, f in pairs),
         "your loss adds up every absolute difference of a layer instead of averaging them (the paper's 1/N_i): "
         "the big layers would swamp the small ones, and the loss would grow with the batch size"),
        (everything.mean(),
         "your loss takes one mean over every number of every layer at once, which weighs each layer by its size; "
         "take the mean within each layer, then add the layers up"),
        (sum(((r.mean(0) - f.mean(0)).abs()).mean() for r, f in pairs),
         "your loss compares the batch averages of the features (the feature matching of Salimans et al., 2016, "
         "for unpaired GANs); pix2pixHD compares each fake pair with its own real pair, image by image"),
        (sum((r - f).mean() for r, f in pairs).abs(),
         "your loss averages the signed differences, so positive and negative ones cancel: take the absolute "
         "value of each difference before the mean"),
        (sum((r - f).abs().mean() for r, f in per_d[-1]),
         "your loss uses the last discriminator only; add up the layers of every discriminator"),
        (sum((r - f).abs().mean() for r, f in per_d[0]),
         "your loss uses the first discriminator only; add up the layers of every discriminator"),
        (sum((rl[-1].detach() - fl[-1].detach()).abs().mean() for rl, fl in zip(real, fake)),
         "your loss uses only the last layer of each discriminator; feature matching adds up every layer"),
        (sum((r - f).abs().mean() for r, f in pairs) / len(pairs),
         "your loss averages over the discriminators and layers; add them up, as the paper's sum does"),
        (sum(sum((r - f).abs().mean() for r, f in layers) / len(layers) for layers in per_d),
         "your loss averages over each discriminator's layers; add them up, as the paper's sum over i does"),
    ]


def _as_loss(result, what):
    """The learner's loss as a one-number tensor, or a sentence."""
    if is_placeholder(result):
        raise NotAttempted(f"{what} still returns `____`: replace it with your code.")
    if result is None:
        raise Incorrect(f"{what} returned None: is the `return` statement missing?")
    if isinstance(result, (int, float)) and not isinstance(result, bool):
        raise Incorrect(f"{what} returned the plain number {result:.4g}; return the tensor itself (no .item()), so "
                        "that G's gradient can flow back through it.")
    if not isinstance(result, torch.Tensor):
        raise Incorrect(f"{what} should return a one-number tensor, but it returned {describe(result)}.")
    if result.numel() != 1:
        raise Incorrect(f"{what} returned a tensor of shape {tuple(result.shape)}; a loss is one number: add the "
                        "layers' means up into a single value.")
    if not result.is_floating_point() or not bool(torch.isfinite(result).all()):
        raise Incorrect(f"{what} returned {describe(result)}; a loss is one finite floating-point number.")
    return result.reshape(())


def _check_feature_matching(answer):
    require_written(answer, "feature_matching_loss")
    what = "your function `feature_matching_loss`"
    with single_thread(), torch.enable_grad():
        real, fake = _features(FM_SEED), _features(FM_SEED + 1, scale=0.8)
        before = [t.detach().clone() for layers in real + fake for t in layers]
        result = call_learner(answer, real, fake, what=what, timeout=current_timeout())
        loss = _as_loss(result, what)
        if any(not torch.equal(t.detach(), b) for t, b in zip([t for layers in real + fake for t in layers], before)):
            raise Incorrect(f"{what} changed the feature maps it was given; compute the loss without editing them "
                            "in place.")
        expected = reference_feature_matching_loss(real, fake).detach()
        value = float(loss.detach())
        if not close(value, float(expected), rtol=1e-4, atol=1e-6):
            name_number_mistake(value, expected, _fm_mistakes(real, fake), rtol=1e-4, atol=1e-6)
            raise Incorrect(f"on features of two discriminators with three layers each, {what} gives {value:.4f}; "
                            f"the sum over discriminators and layers of mean |real − fake| is {float(expected):.4f}.")
        if not loss.requires_grad:
            raise Incorrect(f"{what} gives the right number, but no gradient flows back from it to the fake features: "
                            "is the fake side detached, or turned into a number and back? G learns through the fake "
                            "features, so only the real ones are detached.")
        loss.backward()
        fake_moved = any(t.grad is not None and bool(t.grad.abs().sum() > 0) for layers in fake for t in layers)
        real_moved = any(t.grad is not None and bool(t.grad.abs().sum() > 0) for layers in real for t in layers)
    if real_moved:
        raise Incorrect(f"{what} gives the right number, but its gradient also flows into the real features: detach "
                        "them (`real.detach()`). The real pair's features are the target G aims at, not something "
                        "G's loss should move.")
    if not fake_moved:
        raise Incorrect(f"{what} gives the right number, but no gradient reaches the fake features, so G would learn "
                        "nothing from it: detach only the real side.")
    return ("Feature matching: each fake pair is pulled towards its own real pair in every layer of every "
            "discriminator, an L1 distance on what D sees rather than on pixels.")


feature_matching_question = Problem(
    var="feature_matching_loss",
    test=_check_feature_matching,
    points=3,
    hints=[
        "Two loops: over the discriminators (zip the two outer lists), then over their layers (zip the inner "
        "lists). For each pair of feature maps, the mean absolute difference; add them all up.",
        "total = 0; for real_layers, fake_layers in zip(real_features, fake_features): for real, fake in "
        "zip(real_layers, fake_layers): total = total + (real.detach() - fake).abs().mean(); return total",
    ],
)

pix2pixhd_question = ThoughtProblem(
    points=2,
    hints=["What does a discriminator that sees the whole digit in one verdict cost, if it works at full size? "
           "And what does the L1 on D's features ask of G that the adversarial loss alone does not?"],
)

dance_question = ThoughtProblem(
    points=2,
    hints=["Imagine generating every frame on its own from its pose: what can differ between two neighbouring "
           "frames that nobody ever checks? Who would notice it, in the two-frame discriminator?"],
)


# ================================================================================ q4: the fitted direction


def _unit(v):
    return v / v.norm()


def _fit_values(z, w, b, noise, rng):
    return z @ w + b + noise * torch.from_numpy(rng.normal(size=len(z)).astype("float32"))


def _fixed_fit_cases():
    rng = np.random.default_rng(1504)
    cases = []
    for n, d in [(60, 3), (120, 5)]:
        scales = torch.from_numpy(rng.uniform(0.3, 3.0, size=d).astype("float32"))
        z = torch.from_numpy(rng.normal(size=(n, d)).astype("float32")) * scales + 1.5  # uneven, off-centre
        w = torch.from_numpy(rng.normal(size=d).astype("float32"))
        cases.append((z, _fit_values(z, w, 4.0, 0.1, rng)))
    z = torch.tensor([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, 1.0], [1.0, 3.0]])
    cases.append((z, z @ torch.tensor([2.0, -1.0]) + 3.0))            # exact, 6 points: the direction is (2, -1) / √5
    return cases


def _random_fit_case(rng):
    n, d = int(rng.integers(40, 160)), int(rng.integers(2, 9))
    scales = torch.from_numpy(rng.uniform(0.3, 3.0, size=d).astype("float32"))
    z = torch.from_numpy(rng.normal(size=(n, d)).astype("float32")) * scales + float(rng.uniform(-2, 2))
    w = torch.from_numpy(rng.normal(size=d).astype("float32"))
    return z, _fit_values(z, w, float(rng.uniform(-5, 5)), 0.1, rng)


def _diagnose_fit(args, got, expected):
    z, values = args
    d = z.shape[1]
    if isinstance(got, torch.Tensor) and tuple(got.shape) == (d + 1,):
        raise Incorrect(f"it returned {d + 1} numbers for z's of {d}: the last one is the intercept b; return the "
                        f"slope w alone (the first {d}), made unit length.")
    if isinstance(got, torch.Tensor) and got.ndim == 2 and got.shape[-1] == 1:
        raise Incorrect(f"it returned shape {tuple(got.shape)}; return a vector of shape ({d},): "
                        "`solution[:d, 0]` takes the slope out of lstsq's (d + 1, 1) solution.")
    z64, y64 = z.double(), values.double()
    design = torch.cat([z64, torch.ones(len(z64), 1, dtype=torch.float64)], dim=1)
    slope = torch.linalg.lstsq(design, y64[:, None]).solution[:d, 0]
    no_intercept = torch.linalg.lstsq(z64, y64[:, None]).solution[:, 0]
    centred = (z64 - z64.mean(0)).T @ (y64 - y64.mean())
    order = y64.argsort()
    tenth = max(1, len(y64) // 10)
    averaged = z64[order[-tenth:]].mean(0) - z64[order[:tenth]].mean(0)
    rows = [
        (slope, "the direction is right but not of length 1: divide the slope by its norm"),
        (_unit(no_intercept), "the fit has no intercept: without a column of ones the slope must also explain the "
                              "values' mean, which tilts it; add a column of ones to z"),
        (no_intercept, "the fit has no intercept (add a column of ones to z), and the slope is not made unit length"),
        (_unit(centred), "you regressed z on the values (each number of z predicted from the feature): TL-GAN fits "
                         "the feature on z, the values predicted from z, with lstsq(design, values)"),
        (_unit(z64.T @ y64), "you computed z·values, the wrong way round: fit the values on z with least squares"),
        (_unit(averaged), "that is lesson 06's direction, the difference of the average z's of the top and bottom "
                          "tenth; fit the values on all of z with least squares instead"),
        (-_unit(slope), "the direction points the wrong way: the values should grow along it"),
    ]
    if isinstance(got, torch.Tensor) and got.shape == expected.shape:
        name_mistake(got.detach().double(), expected.double(), rows, rtol=1e-3, atol=1e-4)


feature_direction_question = FunctionProblem(
    var="feature_direction",
    reference=latent.feature_direction,
    arg_names=["z", "values"],
    cases=_fixed_fit_cases(),
    random_cases=_random_fit_case,
    n_random=5,
    test=_diagnose_fit,
    rtol=1e-3,
    atol=1e-4,
    points=2,
    success=("The least-squares slope, unit length: TL-GAN's axis for a feature, found from the generator's "
             "own samples without training anything."),
    hints=[
        "Put a column of ones beside z (torch.cat along dim=1) so that the fit has an intercept, solve "
        "torch.linalg.lstsq(design, values.reshape(-1, 1)), take the first d numbers of the solution (the slope) "
        "and divide them by their norm.",
        "design = torch.cat([z, torch.ones(len(z), 1)], dim=1); slope = torch.linalg.lstsq(design, "
        "values.reshape(-1, 1)).solution[:-1, 0]; return slope / slope.norm()",
    ],
)


# ================================================================================ q5: orthogonalise


def _vector_case(direction, against):
    return torch.tensor(direction, dtype=torch.float32), torch.tensor(against, dtype=torch.float32)


def _random_case(rng):
    d = int(rng.integers(4, 33))
    direction = torch.from_numpy(rng.normal(size=d).astype("float32"))
    against = torch.from_numpy((rng.normal(size=d) * rng.uniform(0.3, 3.0)).astype("float32"))
    return direction, against


ORTHOGONALIZE_CASES = [
    _vector_case([1.0, 1.0], [2.0, 0.0]),                 # the answer is (0, 1)
    _vector_case([3.0, 1.0, 2.0], [0.0, 2.0, 0.0]),       # `against` of length 2
    _vector_case([1.0, 2.0, 0.5, -1.0], [0.5, 0.5, 1.0, 0.0]),
]


def _diagnose_orthogonalize(args, got, expected):
    direction, against = args
    projection = (direction @ against) / (against @ against) * against  # (d,)
    residual = direction - projection
    rows = [
        (residual, "the result is orthogonal to `against` but not of length 1: divide it by its norm"),
        (latent.orthogonalize(against, direction),
         "you removed from `against` its projection on `direction`: the projection goes the other way, "
         "`direction` minus its projection on `against`"),
        (_unit(projection), "you returned the projection itself, the part of `direction` along `against`; "
                            "subtract it from `direction` instead"),
        (projection, "you returned the projection itself, the part of `direction` along `against`; subtract it "
                     "from `direction` instead"),
        (_unit(direction - (direction @ against) * against),
         "the projection needs dividing by against·against: (direction·against) × against is the projection only "
         "when `against` has length 1"),
        (_unit(direction + projection), "you added the projection; subtract it"),
        (_unit(direction), "you returned `direction` (made unit length) without removing its projection on "
                           "`against`"),
        (_unit(_unit(direction) - _unit(against)), "you subtracted `against` itself; subtract only the projection, "
                                                   "(direction·against / against·against) × against"),
    ]
    if isinstance(got, torch.Tensor) and got.shape == expected.shape:
        name_mistake(got.detach().float(), expected, rows, rtol=1e-3, atol=1e-4)


orthogonalize_question = FunctionProblem(
    var="orthogonalize",
    reference=latent.orthogonalize,
    arg_names=["direction", "against"],
    cases=ORTHOGONALIZE_CASES,
    random_cases=_random_case,
    n_random=6,
    test=_diagnose_orthogonalize,
    rtol=1e-3,
    atol=1e-4,
    points=2,
    success=("The part of `direction` orthogonal to `against`, unit length: moving z along it leaves the linear "
             "fit of `against`'s feature unchanged."),
    hints=[
        "The projection of `direction` on `against` is (direction·against / against·against) × against. Subtract "
        "it from `direction`, then divide what is left by its length.",
        "residual = direction - (direction @ against) / (against @ against) * against; "
        "return residual / residual.norm()",
    ],
)

tl_gan_question = ThoughtProblem(
    points=2,
    hints=["When two features go together in the images G makes, what does a fit of one of them on z pick up? "
           "And after orthogonalising, which fitted values stay put?"],
)

music_question = ThoughtProblem(
    points=2,
    hints=["Move a melody up by two semitones: what happens to its piano roll? Now think of a 3×3 kernel: which "
           "musical relations can it see along pitch, and which along time?"],
)


__all__ = bind_exercises(
    globals(),
    [
        feature_matching_question,
        pix2pixhd_question,
        dance_question,
        feature_direction_question,
        orthogonalize_question,
        tl_gan_question,
        music_question,
    ],
)
__all__ += ["____"]
