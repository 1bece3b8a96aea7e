"""Lesson 06 checks: the trainer and judging a GAN (06_trainer_and_evaluation.py): mode collapse, and the
latent space (spherical interpolation, truncated noise).

The slerp check calls the learner's function on fixed and seeded vector pairs against a reference, and
names the usual slips (linear interpolation, an angle from vectors that were not normalised, t the wrong
way round, a missing division by sin(omega), unit-length results). The truncated-noise check draws many
numbers from the learner's function, seeded through its `generator` argument, and compares their spread
with the truncated normal's.
"""

import math

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
    ____,
)
from learntools.gans import latent
from learntools.gans.checking.functions import require_written
from learntools.gans.checking.numbers import reject_complex


# ================================================================================ q1: mode collapse (thought)

mode_collapse_question = ThoughtProblem(
    points=1,
    hints=["What is the best possible answer of G to a discriminator that never changes? And is an eval-mode D "
           "the function G was trained against?"],
)


# ================================================================================ q2: slerp


def _slerp_candidates(z0, z1, t):
    """Realistic wrong interpolations of these arguments, with the sentence naming each."""
    omega = torch.arccos(torch.clamp(torch.dot(z0 / z0.norm(), z1 / z1.norm()), -1.0, 1.0))
    unit0, unit1 = z0 / z0.norm(), z1 / z1.norm()
    rows = [
        ((1 - t) * z0 + t * z1,
         "that is linear interpolation, (1 - t) z0 + t z1: a straight line, whose middle is shorter than either "
         "end. Slerp walks along the arc: sin((1 - t) ω) / sin ω · z0 + sin(t ω) / sin ω · z1"),
        ((torch.sin(t * omega) * z0 + torch.sin((1 - t) * omega) * z1) / torch.sin(omega),
         "t runs the wrong way: at t = 0 slerp should return z0, and z1 at t = 1. z0's weight is sin((1 - t) ω)"),
        (torch.sin((1 - t) * omega) * z0 + torch.sin(t * omega) * z1,
         "the weights are not divided by sin ω: sin((1 - t) ω) / sin ω and sin(t ω) / sin ω, so that t = 0 gives "
         "z0 exactly"),
        ((torch.sin((1 - t) * omega) * unit0 + torch.sin(t * omega) * unit1) / torch.sin(omega),
         "the result has length 1: you interpolated the unit directions z / |z|. Use them for the angle only, "
         "and interpolate z0 and z1 themselves"),
    ]
    return rows


def _diagnose_slerp(args, got, expected):
    z0, z1, t = args
    if not isinstance(got, torch.Tensor) or got.shape != expected.shape:
        return
    raw_dot = float(torch.dot(z0, z1))
    wild = not bool(torch.isfinite(got).all()) or float(got.norm()) > 10 * float(expected.norm())
    if wild and abs(raw_dot) > 1:
        raise Incorrect(f"the angle is wrong: arccos of a dot product is the angle only for unit vectors. Here "
                        f"z0 · z1 = {raw_dot:.2f}, outside [-1, 1], so arccos gives nan (or, clamped, 0 or π, and "
                        "sin ω = 0). Compute ω from z0 / |z0| and z1 / |z1|.")
    if wild:
        raise Incorrect("your result contains nan, inf or huge numbers: is ω the arccos of the dot product of the "
                        "unit vectors, and are the weights divided by sin ω?")
    for wrong, sentence in _slerp_candidates(z0, z1, t):
        if bool(torch.isfinite(wrong).all()) and torch.allclose(got.float(), wrong.float(), rtol=1e-4, atol=1e-4):
            raise Incorrect(sentence + ".")


def _compare_slerp(got, expected):
    from learntools.core import Mismatch, compare_arrays

    if isinstance(got, torch.Tensor):
        reject_complex(got, "your function returned")
    if not isinstance(got, torch.Tensor):
        raise Mismatch(f"it returned {describe(got)}; return a tensor like z0.")
    compare_arrays(got, expected, 1e-4, 1e-4, name="the result")


def _vector_case(z0, z1, t):
    return torch.tensor(z0, dtype=torch.float32), torch.tensor(z1, dtype=torch.float32), float(t)


def _random_slerp_case(rng):
    d = int(rng.integers(3, 65))
    z0 = rng.normal(size=d).astype(np.float32)
    z1 = rng.normal(size=d).astype(np.float32)
    return torch.from_numpy(z0), torch.from_numpy(z1), float(rng.uniform(0.05, 0.95))


SLERP_CASES = [
    _vector_case([1.0, 0.0], [0.0, 1.0], 0.5),          # a quarter circle: the middle is (0.707, 0.707)
    _vector_case([3.0, 0.0, 0.0], [0.0, 4.0, 0.0], 0.25),  # different lengths
    _vector_case([2.0, 1.0, -1.0], [-1.0, 2.0, 0.5], 0.0),
    _vector_case([2.0, 1.0, -1.0], [-1.0, 2.0, 0.5], 1.0),
    _vector_case([1.5, -2.0, 0.5, 3.0], [0.5, 2.5, -1.0, 1.0], 0.7),
]


def _slerp_success():
    """The pass line: what slerp keeps that the straight line loses, on two 32-number z's (a correct slerp
    gives the reference's midpoint)."""
    z0 = torch.randn(32, generator=torch.Generator().manual_seed(6))
    z1 = torch.randn(32, generator=torch.Generator().manual_seed(7))
    middle, lerp = latent.slerp(z0, z1, 0.5), 0.5 * (z0 + z1)
    return (f"slerp walks along the arc between two noise vectors: for two 32-number z's of lengths "
            f"{z0.norm():.1f} and {z1.norm():.1f}, its midpoint has length {float(middle.norm()):.1f}, "
            f"the straight line's only {lerp.norm():.1f}.")


slerp_question = FunctionProblem(
    success=_slerp_success(),
    var="slerp",
    reference=latent.slerp,
    arg_names=["z0", "z1", "t"],
    cases=SLERP_CASES,
    random_cases=_random_slerp_case,
    n_random=6,
    test=_diagnose_slerp,
    compare=_compare_slerp,
    points=2,
    hints=[
        "First the angle ω between the two vectors: the arccos of the dot product of the unit vectors, "
        "`torch.dot(z0 / z0.norm(), z1 / z1.norm())`. Then weigh z0 by sin((1 - t) ω) / sin ω and z1 by "
        "sin(t ω) / sin ω.",
        "omega = torch.arccos(torch.clamp(torch.dot(z0 / z0.norm(), z1 / z1.norm()), -1, 1)); "
        "return (torch.sin((1 - t) * omega) * z0 + torch.sin(t * omega) * z1) / torch.sin(omega)",
    ],
)


# ================================================================================ q3: truncated noise

TRUNCATION_DRAWS = (8000, 4)  # (n, z_dim) for each threshold the check tries
TRUNCATION_THRESHOLDS = (1.0, 0.5, 2.0)
TRUNCATION_SEED = 61


def _draw(answer, n, z_dim, threshold, seed, what):
    result = call_learner(answer, n, z_dim, threshold, torch.Generator().manual_seed(seed), what=what,
                          timeout=current_timeout())
    if is_placeholder(result):
        raise NotAttempted(f"{what} still returns `____`: replace it with your code.")
    if result is None:
        raise Incorrect(f"{what} returned None: is the `return` statement missing?")
    if not isinstance(result, torch.Tensor):
        raise Incorrect(f"{what} should return a tensor of noise, shape ({n}, {z_dim}), but it returned "
                        f"{describe(result)}.")
    reject_complex(result, f"{what} returned")
    if tuple(result.shape) != (n, z_dim):
        extra = (" Removing the numbers beyond the threshold (`z[z.abs() <= threshold]`) leaves a flat list of "
                 "fewer numbers: draw them again instead." if result.ndim == 1 else "")
        raise Incorrect(f"{what}({n}, {z_dim}, {threshold}) returned shape {tuple(result.shape)}; it should be "
                        f"({n}, {z_dim}).{extra}")
    if not result.is_floating_point():
        raise Incorrect(f"{what} returned {result.dtype} numbers; noise is float (torch.randn gives float32).")
    return result.detach().double().cpu()


def _check_truncated_noise(answer):
    require_written(answer, "truncated_noise")
    what = "your function `truncated_noise`"
    n, z_dim = TRUNCATION_DRAWS
    for threshold in TRUNCATION_THRESHOLDS:
        z = _draw(answer, n, z_dim, threshold, TRUNCATION_SEED, what)
        if not bool(torch.isfinite(z).all()):
            raise Incorrect(f"{what}(..., threshold={threshold}) returned nan or inf.")
        outside = float((z.abs() > threshold + 1e-6).double().mean())
        if outside > 0:
            if threshold < 1 and float(z.abs().max()) <= 1 + 1e-6 and outside > 0.3:
                raise Incorrect(f"with threshold={threshold}, {outside:.0%} of your numbers lie beyond ±{threshold}, "
                                "though none beyond ±1: the threshold is ignored (or fixed at 1).")
            if abs(float(z.std()) - threshold) < 0.03 * threshold:
                raise Incorrect(f"with threshold={threshold}, your numbers spread like threshold × a standard normal "
                                f"(std {float(z.std()):.2f}), and {outside:.0%} of them lie beyond ±{threshold}: "
                                "scaling z (or not truncating at all) is not truncation. Redraw the numbers beyond "
                                "±threshold until none is left.")
            expected_once = 1 - math.erf(threshold / math.sqrt(2))  # P(|z| > threshold) for one draw
            if abs(outside - expected_once ** 2) < 0.25 * expected_once ** 2 + 0.002:
                raise Incorrect(f"with threshold={threshold}, {outside:.1%} of your numbers still lie beyond "
                                f"±{threshold}: after one redraw some land outside again. Redraw in a loop until "
                                "none is outside.")
            raise Incorrect(f"with threshold={threshold}, {outside:.1%} of your numbers lie beyond ±{threshold}. "
                            "Every number must end up inside: redraw those outside (a scaled z, z * threshold, is "
                            "not truncated).")
        at_edge = float((z.abs() > threshold - 1e-6).double().mean())
        if at_edge > 0.01:
            raise Incorrect(f"with threshold={threshold}, {at_edge:.0%} of your numbers sit exactly at ±{threshold}: "
                            "clamping piles every number beyond the threshold onto its edge. Draw those numbers "
                            "again instead, so the shape of the bell inside stays as it was.")
        std, want = float(z.std()), latent.truncated_normal_std(threshold)
        mean = float(z.mean())
        if abs(mean) > 0.02 + 0.05 * threshold:
            raise Incorrect(f"with threshold={threshold}, your numbers average {mean:.3f}; noise is centred on 0.")
        if abs(std - want) > 0.03 * want:
            uniform = threshold / math.sqrt(3)
            if abs(std - uniform) < 0.01 * uniform:
                raise Incorrect(f"with threshold={threshold}, your numbers spread like a uniform distribution (std "
                                f"{std:.3f}): truncated noise is still normal inside ±{threshold} (std {want:.3f}), "
                                "so draw with torch.randn and redraw the ones outside.")
            raise Incorrect(f"with threshold={threshold}, your numbers have standard deviation {std:.3f}; a standard "
                            f"normal redrawn until it lies inside ±{threshold} has {want:.3f}.")
    # The generator argument: the same seed gives the same noise, whatever the global random state.
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(1)
        first = _draw(answer, 6, 3, 1.0, 5, what)
        torch.manual_seed(2)
        second = _draw(answer, 6, 3, 1.0, 5, what)
    if not torch.equal(first, second):
        raise Incorrect(f"{what} gave different noise for the same `generator` seed: draw every number with "
                        "`torch.randn(..., generator=generator)`, the redraws too, so that a seeded run repeats.")
    std = latent.truncated_normal_std(1.0)
    return (f"truncated at ±1, each noise number keeps only the middle 68% of the bell: its spread falls from 1 "
            f"to {std:.2f}, so G sees only the most typical z's.")


truncation_question = Problem(
    var="truncated_noise",
    test=_check_truncated_noise,
    points=2,
    hints=[
        "Draw z = torch.randn(n, z_dim, generator=generator). Find the numbers outside, `z.abs() > threshold`, "
        "and give them fresh draws; repeat while any is still outside.",
        "outside = z.abs() > threshold; while outside.any(): z[outside] = torch.randn(int(outside.sum()), "
        "generator=generator); outside = z.abs() > threshold",
    ],
)


__all__ = bind_exercises(
    globals(),
    [
        mode_collapse_question,
        slerp_question,
        truncation_question,
    ],
)
__all__ += ["____"]
