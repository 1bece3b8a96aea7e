"""Lesson 07 checks: the optimal discriminator, the game's value, game dynamics, the losses beyond BCE,
the WGAN-GP gradient penalty and spectral normalisation's power iteration.

The references are the library's: `learntools.gans.theory` (densities, D*, the games, power iteration)
and `learntools.gans.losses` (least squares, hinge, Wasserstein, gradient_penalty). Each check runs the
learner's function on fixed then seeded cases and, when a result differs, compares it with what the
usual mistakes give, to name the mistake.
"""

import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from learntools.core import (
    FunctionProblem,
    Incorrect,
    Mismatch,
    MultipartProblem,
    NotAttempted,
    Problem,
    ThoughtProblem,
    ValueProblem,
    bind_exercises,
    call_learner,
    compare_arrays,
    current_timeout,
    describe,
    is_placeholder,
    known_mistakes,
    single_thread,
    values_match,
    ____,
)
from learntools.gans import losses as reference
from learntools.gans import theory
from learntools.gans.checking.functions import require_written
from learntools.gans.checking.mistakes import name_mistake, name_number_mistake
from learntools.gans.checking.numbers import close, reject_complex
from learntools.gans.data.digits import TOY_STD, toy_modes

LOG4 = math.log(4.0)
RING_STD = TOY_STD["ring"]  # 0.05
BLURRY_STD = 0.25  # the lesson's generator: the ring's modes, blurred
# JS(p_data || p_g) for the ring and the blurry ring, in nats: theory.js_divergence_grid (tests/test_ex7.py
# recomputes it on a finer grid).
JS_RING_BLURRY = 0.48124
VALUE_AT_OPTIMUM = 2 * JS_RING_BLURRY - LOG4  # ≈ -0.424
SAMPLES = 20_000  # real and generated points the lesson estimates V(D*) from
VALUE_ATOL = 0.02  # four standard errors of that Monte Carlo estimate (measured: 0.005)


# ================================================================================ small helpers


def _as_tensor(got, what):
    """A learner's tensor result as float64, or Incorrect with a sentence."""
    if is_placeholder(got):
        raise NotAttempted(f"{what} still returns `____`: replace it with your code.")
    if not isinstance(got, torch.Tensor):
        raise Incorrect(f"{what} should return a tensor, but it returned {describe(got)}.")
    reject_complex(got, f"{what} returned")
    if got.device.type == "meta":
        raise Incorrect(f"{what} returned a tensor on the meta device, which holds no values.")
    return got.detach().cpu().double()


def _first_value(got):
    """The first number of a result (a tensor or a number), or None when there is none to read."""
    try:
        if isinstance(got, torch.Tensor):
            if got.numel() == 0 or got.device.type == "meta" or got.is_complex():
                return None
            return float(got.detach().reshape(-1)[0].cpu())
        if isinstance(got, (int, float, np.floating)) and not isinstance(got, bool):
            return float(got)
    except Exception:
        return None
    return None


def _tensor_compare(rtol, atol):
    """compare= for functions returning a tensor: a tensor of the expected shape and values."""
    def compare(got, expected):
        if not isinstance(got, torch.Tensor):
            raise Mismatch(f"it returned {describe(got)}; return a tensor.")
        if got.numel() == expected.numel() and tuple(got.shape) != tuple(expected.shape):
            raise Mismatch(f"it returned shape {tuple(got.shape)}; expected {tuple(expected.shape)}, one value per point.")
        compare_arrays(got, expected, rtol, atol, name="the result")
    return compare


# ================================================================================ q1: the ring's log density


def _reference_ring_log_density(points):
    return theory.toy_mixture("ring").log_prob(points.float())  # (N,)


def _points_case(rows):
    return (torch.tensor(rows, dtype=torch.float32),)


RING_POINTS = [
    [[2.0, 0.0], [2.03, -0.02], [0.0, 2.0], [1.41, 1.43]],       # on or near a mode
    [[1.7071, 0.7071], [0.0, 0.0], [2.5, 2.5]],                  # between two modes, the centre, far out
    [[-3.0, 3.0]],
]


def _random_points(rng):
    n = int(rng.integers(2, 7))
    modes = toy_modes("ring").numpy()
    near = modes[rng.integers(0, 8, size=n)] + rng.normal(0.0, 0.1, size=(n, 2))
    return (torch.tensor(near, dtype=torch.float32),)


def _ring_candidates(points):
    x = points.detach().double()
    modes = toy_modes("ring").double()  # (8, 2)
    squared = ((x[:, None, :] - modes[None]) ** 2).sum(-1)  # (N, 8)
    var = RING_STD ** 2
    log_norm = -math.log(2 * math.pi * var)  # a 2-D Gaussian's normaliser
    per_mode = log_norm - squared / (2 * var)  # (N, 8)
    right = torch.logsumexp(per_mode, dim=1) - math.log(8)
    with np.errstate(all="ignore"):
        naive = torch.log((per_mode.exp()).sum(1) / 8)
    return right, [
        (right + math.log(8), "it is log 8 ≈ 2.08 too high: the mixture weights are missing. Each of the 8 "
                              "Gaussians has weight 1/8: subtract log 8 after the logsumexp"),
        (torch.logsumexp(-0.5 * math.log(2 * math.pi * var) - squared / (2 * var), 1) - math.log(8),
         "the normaliser is a 1-D Gaussian's, 1/sqrt(2πσ²); a 2-D isotropic Gaussian's is 1/(2πσ²)"),
        (torch.logsumexp(log_norm - squared / (2 * RING_STD), 1) - math.log(8),
         "the exponent divides by 2σ where it should divide by 2σ² (σ = 0.05, σ² = 0.0025)"),
        (torch.logsumexp(log_norm - squared / var, 1) - math.log(8),
         "the exponent is -|x - μ|²/σ²: a Gaussian's is -|x - μ|²/(2σ²)"),
        (per_mode.max(1).values - math.log(8),
         "that keeps only the nearest Gaussian (a max): a mixture sums the densities of all 8, which "
         "torch.logsumexp does in log space"),
        (right.exp(), "that is the density, not its log: return log p_data(x)"),
        (per_mode.sum(1) / 8, "that averages the 8 log densities; the mixture's log density is the log of the "
                              "average density: torch.logsumexp(..., dim=1) - log 8"),
        (naive, "far from the modes every Gaussian's density underflows to 0 and log(0) = -inf: add the "
                "Gaussians in log space, torch.logsumexp(log densities, dim=1) - log 8"),
    ]


def _diagnose_ring(args, got, expected):
    if not isinstance(got, torch.Tensor) or got.numel() != len(args[0]) or got.is_complex() or got.device.type == "meta":
        return
    values = got.detach().reshape(-1).double()
    if torch.isinf(values).any() or torch.isnan(values).any():
        raise Incorrect("your log density is -inf or NaN far from the modes: there every Gaussian's density "
                        "underflows to 0 in floating point. Add the Gaussians in log space: "
                        "torch.logsumexp(log densities, dim=1) - log 8.")
    right, rows = _ring_candidates(args[0])
    rows = [(value.float(), message) for value, message in rows if torch.isfinite(value).all()]
    name_mistake(values.float(), right.float(), rows, rtol=1e-4, atol=1e-3)


ring_question = FunctionProblem(
    var="ring_log_density",
    success="The ring's density in log space with logsumexp: finite far from every mode, where a log of "
            "a sum of exponentials would give -inf.",
    reference=_reference_ring_log_density,
    arg_names=["points"],
    cases=[_points_case(rows) for rows in RING_POINTS],
    random_cases=_random_points,
    n_random=5,
    compare=_tensor_compare(1e-4, 1e-3),
    test=_diagnose_ring,
    points=2,
    hints=[
        "Each of the 8 Gaussians has log density -log(2πσ²) - |x - μ|²/(2σ²) at a point x (2-D, std σ). "
        "Compute all 8 for every point, shape (N, 8), then combine them in log space with torch.logsumexp "
        "and the weights 1/8.",
        "squared = ((points[:, None, :] - ring_modes[None]) ** 2).sum(-1)  # (N, 8); "
        "log_each = -math.log(2 * math.pi * RING_STD**2) - squared / (2 * RING_STD**2); "
        "return torch.logsumexp(log_each, dim=1) - math.log(8)",
    ],
)


# ================================================================================ q2: D*


def _logs_case(a, b):
    return (torch.tensor(a, dtype=torch.float32), torch.tensor(b, dtype=torch.float32))


def _random_logs(rng):
    n = int(rng.integers(2, 7))
    return _logs_case(rng.normal(0.0, 3.0, n).tolist(), rng.normal(0.0, 3.0, n).tolist())


def _diagnose_d_star(args, got, expected):
    a, b = (t.double() for t in args)
    if not isinstance(got, torch.Tensor) or got.numel() != a.numel() or got.is_complex() or got.device.type == "meta":
        return
    values = got.detach().reshape(-1).double()
    if torch.isnan(values).any():
        raise Incorrect("it gives NaN where both densities are tiny (log densities of -800 and -900): exp() "
                        "underflows to 0 and p / (p + q) is 0 / 0. Stay in log space: D*(x) = "
                        "sigmoid(log p_data(x) - log p_g(x)).")
    name_mistake(values, torch.sigmoid(a - b), [
        (torch.sigmoid(b - a), "that is p_g / (p_data + p_g), the chance that x is generated: D* is the "
                               "probability that x is real, p_data / (p_data + p_g)"),
        (torch.exp(a - b), "that is the density ratio p_data / p_g; D* is p_data / (p_data + p_g)"),
        (a - b, "that is D*'s logit, log p_data - log p_g: apply the sigmoid to get the probability D*(x)"),
        (a / (a + b), "that divides the log densities; D* divides the densities themselves: "
                      "sigmoid(log p_data - log p_g)"),
    ], rtol=1e-4, atol=1e-6)


d_star_question = FunctionProblem(
    var="optimal_discriminator",
    success="D* = sigmoid(log p_data - log p_g): ½ where the densities agree, and exact even where both "
            "densities underflow to 0 and p_data / (p_data + p_g) would be 0 / 0.",
    reference=theory.optimal_discriminator,
    arg_names=["log_p_data", "log_p_g"],
    cases=[_logs_case([0.0, 1.0, -2.0], [0.0, -1.0, 3.0]), _logs_case([-800.0, -5.0], [-900.0, -1000.0]),
           _logs_case([2.07], [-1.14])],
    random_cases=_random_logs,
    n_random=5,
    compare=_tensor_compare(1e-4, 1e-6),
    test=_diagnose_d_star,
    points=1,
    hints=[
        "D*(x) = p_data(x) / (p_data(x) + p_g(x)). Divide top and bottom by p_data: it is 1 / (1 + p_g/p_data), "
        "a sigmoid of the log density ratio.",
        "return torch.sigmoid(log_p_data - log_p_g)",
    ],
)


# ================================================================================ q3: the game's value V(D, G)


def _probs_case(real, fake):
    return (torch.tensor(real, dtype=torch.float32), torch.tensor(fake, dtype=torch.float32))


def _random_probs(rng):
    n, m = int(rng.integers(2, 7)), int(rng.integers(2, 7))
    return _probs_case(rng.uniform(0.05, 0.99, n).tolist(), rng.uniform(0.01, 0.95, m).tolist())


def _reference_game_value(d_on_real, d_on_fake):
    return torch.tensor(theory.game_value(d_on_real.double(), d_on_fake.double()), dtype=torch.float64)


def _value_compare(got, expected):
    if isinstance(got, torch.Tensor) and got.numel() > 1:
        raise Mismatch(f"it returned a tensor of shape {tuple(got.shape)}: V is one number, a mean over each batch.")
    value = _first_value(got)
    if value is None:
        raise Mismatch(f"it returned {describe(got)}; return one number (a float or a one-number tensor).")
    if not close(value, float(expected), 1e-4, 1e-5):
        raise Mismatch(f"it returned {value:.6g}, expected {float(expected):.6g}.")


def _diagnose_value(args, got, expected):
    value = _first_value(got)
    if value is None:
        return
    real, fake = (t.double() for t in args)
    log_real, log_fake_real, log_not_fake = torch.log(real), torch.log(fake), torch.log1p(-fake)
    name_number_mistake(value, float(expected), [
        (-float(expected), "that is minus V, the discriminator's BCE loss: V = mean log D(x) + mean log(1 - D(G(z))) "
                           "is what D maximises"),
        (float(log_real.mean() + log_fake_real.mean()),
         "that uses log D on the generated points; they enter V as log(1 - D(G(z)))"),
        (float(log_real.sum() + log_not_fake.sum()), "that sums over the samples; V takes the mean over each batch"),
        (float(torch.cat([log_real, log_not_fake]).mean()),
         "that is one mean over both batches together; V adds the mean over the real points and the mean over the "
         "generated ones"),
        (float(torch.log(1 - real).mean() + log_fake_real.mean()),
         "real and generated are swapped: the real points enter as log D(x), the generated ones as log(1 - D(G(z)))"),
        (float(log_real.mean() - log_not_fake.mean()), "the second term's sign is flipped: V adds mean log(1 - D(G(z)))"),
    ])


value_function_question = FunctionProblem(
    var="game_value",
    success="V(D, G) estimated by two batch means; at D* it equals 2·JS - log 4, the quantity G then "
            "minimises.",
    reference=_reference_game_value,
    arg_names=["d_on_real", "d_on_fake"],
    cases=[_probs_case([0.9, 0.8, 0.6], [0.2, 0.3]), _probs_case([0.5, 0.5], [0.5, 0.5]),
           _probs_case([0.99], [0.7, 0.1, 0.4])],
    random_cases=_random_probs,
    n_random=5,
    compare=_value_compare,
    test=_diagnose_value,
    points=1,
    hints=[
        "V(D, G) = E_data[log D(x)] + E_g[log(1 - D(x))]: estimate each expectation by the mean over its "
        "batch of D's probabilities.",
        "return torch.log(d_on_real).mean() + torch.log(1 - d_on_fake).mean()",
    ],
)


# ================================================================================ q4: V at D*, numerically

def _value_mistakes(rows):
    named = known_mistakes(rows, rtol=0.0, atol=VALUE_ATOL)

    def test(answer):
        named(answer)
        value = _first_value(answer) if not isinstance(answer, torch.Tensor) or answer.numel() == 1 else None
        if value is not None and math.isfinite(value):
            raise Incorrect(f"`value_at_optimum` is {value:.4g}; V at D* lies between -log 4 ≈ -1.386 (equal "
                            "distributions) and 0 (disjoint ones), and here 2·JS - log 4 ≈ -0.42. Is D* evaluated "
                            "at the real points with log D and at the generated ones with log(1 - D)?")
    return test


value_question = ValueProblem(
    var="value_at_optimum",
    success="V at D* computed from the densities matches 2·JS - log 4: the minimax game measures the "
            "Jensen-Shannon divergence once D is optimal.",
    expected=VALUE_AT_OPTIMUM,
    rtol=0.0,
    atol=VALUE_ATOL,
    test=_value_mistakes([
        (-VALUE_AT_OPTIMUM, "that is minus V: D's BCE loss at D*, log 4 - 2·JS. V itself is mean log D*(x) + "
                            "mean log(1 - D*(x)), a negative number here."),
        (-LOG4, "-log 4 is V when D says 0.5 everywhere, which is optimal only when p_g = p_data. Here p_g is "
                "blurrier than the data: evaluate D* on the points."),
        (2 * JS_RING_BLURRY, "that is 2·JS; V at D* is 2·JS - log 4."),
        (JS_RING_BLURRY, "that is JS itself; V at D* is 2·JS - log 4."),
    ]),
    hints=[
        "Evaluate your `optimal_discriminator` on the real points and on the generated points (their log "
        "densities under both distributions), then your `game_value` of the two.",
        "d_real = optimal_discriminator(ring_log_density(real_points), p_g.log_prob(real_points)); "
        "d_fake = optimal_discriminator(ring_log_density(fake_points), p_g.log_prob(fake_points)); "
        "value_at_optimum = float(game_value(d_real, d_fake))",
    ],
)


# ================================================================================ q5: min_x max_y x·y


def _step_compare(got, expected):
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        raise Mismatch(f"it returned {describe(got)}; return the new pair, `return x_new, y_new`.")
    for name, part, want in zip(("x", "y"), got, expected):
        value = _first_value(part)
        if value is None or (isinstance(part, torch.Tensor) and part.numel() != 1):
            raise Mismatch(f"its new {name} is {describe(part)}; return two numbers.")
        if not close(value, float(want), 1e-6, 1e-9):
            raise Mismatch(f"it returned ({_first_value(got[0])}, {_first_value(got[1])}); "
                           f"expected ({float(expected[0]):.6g}, {float(expected[1]):.6g}).")


def _step_mistakes(simultaneous):
    def test(args, got, expected):
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            return
        values = [_first_value(v) for v in got]
        if None in values:
            return
        x, y, lr = (float(a) for a in args)
        x_first = x - lr * y
        rows = [
            ((x + lr * y, y + lr * x), "x minimises x·y: it steps against its gradient y (x - lr·y), while y "
                                       "steps along its gradient x (y + lr·x)"),
            ((x - lr * y, y - lr * x), "y maximises x·y: it steps along its gradient x, y + lr·x"),
            ((x + lr * y, y - lr * x), "the two players' directions are swapped: x descends (x - lr·y), y ascends "
                                       "(y + lr·x)"),
        ]
        if simultaneous:
            rows += [((x - lr * (y + lr * x), y + lr * x), "that is the alternating step (x answers the new y): "
                                                            "here both players step from the same old (x, y)"),
                     ((x_first, y + lr * x_first), "that is an alternating step (y answers the new x): here both "
                                                    "players step from the same old (x, y)")]
        else:
            y_new = y + lr * x
            rows += [((x + lr * y_new, y_new), "x minimises x·y: after y's step, x steps against the new y, "
                                                "x - lr·y"),
                     ((x - lr * y_new, y - lr * x), "y maximises x·y: it steps along its gradient x, y + lr·x"),
                     ((x - lr * y, y + lr * x), "that is the simultaneous step: alternating means y steps first "
                                                 "and x then uses the new y, x - lr·(y + lr·x)"),
                     ((x_first, y + lr * x_first), "x stepped first here; in this lesson y (the discriminator) steps "
                                                    "first, as a GAN's D step comes before its G step")]
        for candidate, message in rows:
            if close(values[0], candidate[0], 1e-6, 1e-9) and close(values[1], candidate[1], 1e-6, 1e-9) and not (
                    close(candidate[0], float(expected[0]), 1e-6, 1e-9) and close(candidate[1], float(expected[1]), 1e-6, 1e-9)):
                raise Incorrect(message + ".")
    return test


def _step_reference(step):
    def reference_step(x, y, lr):
        return step(float(x), float(y), float(lr))
    return reference_step


STEP_CASES = [(0.5, -2.0, 0.3), (1.0, 0.0, 0.1), (-1.5, 0.7, 0.05)]


def _random_step(rng):
    return (float(rng.normal()), float(rng.normal()), float(rng.uniform(0.01, 0.5)))


def _step_question(var, step, simultaneous, hints, success):
    return FunctionProblem(var=var, reference=_step_reference(step), arg_names=["x", "y", "lr"], cases=STEP_CASES,
                           random_cases=_random_step, n_random=5, compare=_step_compare,
                           test=_step_mistakes(simultaneous), points=1, hints=hints, success=success)


dynamics_question = MultipartProblem(
    a=_step_question("simultaneous_step", theory.simultaneous_step, True, [
        "x minimises f(x, y) = x·y, so it steps against ∂f/∂x = y; y maximises, so it steps along ∂f/∂y = x. "
        "Both use the old values.",
        "return x - lr * y, y + lr * x",
    ], "Both players move from the old point: on x·y each step multiplies the distance to the "
       "equilibrium by √(1 + lr²), so the path spirals out."),
    b=_step_question("alternating_step", theory.alternating_step, False, [
        "First y steps (y + lr·x, like D's step), then x steps against the *new* y (like G's step after D's).",
        "y = y + lr * x; x = x - lr * y; return x, y",
    ], "y moves, then x answers the new y: on x·y the path stays on an ellipse around the "
       "equilibrium instead of spiralling out."),
)


# ================================================================================ q6-q8: the losses


def _scores_case(real, fake):
    return (torch.tensor(real).reshape(-1, 1).requires_grad_(True), torch.tensor(fake).reshape(-1, 1).requires_grad_(True))


def _fake_case(fake):
    return (torch.tensor(fake).reshape(-1, 1).requires_grad_(True),)


D_CASES = [_scores_case([1.0, 4.0, -0.5], [-3.0, -1.0, 2.0, 0.2, 0.9]),
           _scores_case([2.0, 0.5, -1.0, 3.0], [-2.0, 0.3, 1.5, -0.5]), _scores_case([0.0, 0.0], [0.0, 0.0])]
G_CASES = [_fake_case([-3.0, -1.0, 0.5, 2.0]), _fake_case([0.0, 0.0, 0.0]), _fake_case([-0.4, 1.7])]


def _random_d_scores(rng):
    n, m = int(rng.integers(2, 7)), int(rng.integers(2, 7))
    return _scores_case(rng.normal(0.5, 1.5, n).astype(np.float32).tolist(),
                        rng.normal(-0.5, 1.5, m).astype(np.float32).tolist())


def _random_g_scores(rng):
    return _fake_case(rng.normal(-0.5, 1.5, int(rng.integers(2, 7))).astype(np.float32).tolist())


def _loss_compare(got, expected):
    """A loss: a one-number tensor, with the expected value, that backward() can use."""
    if not isinstance(got, torch.Tensor):
        value = _first_value(got)
        if value is not None and close(value, float(expected), 1e-4, 1e-5):
            raise Mismatch(f"it returned the right value as a plain {type(got).__name__}; return the tensor itself "
                           "(no .item()), so that loss.backward() can run through it.")
        raise Mismatch(f"it returned {describe(got)}; return the loss as a one-number tensor.")
    if got.numel() != 1:
        raise Mismatch(f"it returned a tensor of shape {tuple(got.shape)}, one value per example: a loss is one "
                       "number, the mean over the batch.")
    compare_arrays(got.reshape(()), expected, 1e-4, 1e-5, name="the result")
    if not got.requires_grad:
        raise Mismatch("the value is right, but the loss carries no gradient (requires_grad is False): was it "
                       "computed with .item(), numpy or under torch.no_grad()?")


def _loss_diagnosis(candidates):
    """test= naming the first candidate loss (a function of the case's scores) the answer matches."""
    def test(args, got, expected):
        value = _first_value(got)
        if value is None or (isinstance(got, torch.Tensor) and got.numel() != 1):
            return
        scores = [a.detach().reshape(-1).double() for a in args]
        name_number_mistake(value, float(expected), [(make(*scores), message) for make, message in candidates])
    return test


def _loss_question(var, reference_fn, arg_names, cases, random_cases, candidates, hints, success):
    return FunctionProblem(var=var, reference=reference_fn, arg_names=arg_names, cases=cases,
                           random_cases=random_cases, n_random=5, compare=_loss_compare,
                           test=_loss_diagnosis(candidates), points=1, hints=hints, success=success)


def _mean(x):
    return float(x.mean())


least_squares_question = MultipartProblem(
    a=_loss_question("least_squares_d", reference.least_squares_d, ["real_scores", "fake_scores"], D_CASES,
                     _random_d_scores, [
        (lambda r, f: _mean((r - 1) ** 2) + _mean(f ** 2),
         "that leaves out the factor ½: LSGAN's D loss is ½·(mean (D(x) - 1)² + mean D(G(z))²)"),
        (lambda r, f: 0.5 * (_mean(r ** 2) + _mean((f - 1) ** 2)), "the targets are swapped: real scores go to 1, fakes to 0"),
        (lambda r, f: 0.5 * (float(((r - 1) ** 2).sum()) + float((f ** 2).sum())), "that sums over the batch; take the means"),
        (lambda r, f: 0.5 * (_mean((torch.sigmoid(r) - 1) ** 2) + _mean(torch.sigmoid(f) ** 2)),
         "that squashes the scores with a sigmoid first; LSGAN works on the raw scores"),
        (lambda r, f: 0.5 * (_mean((r - 1) ** 2) + _mean((f + 1) ** 2)),
         "that uses target -1 for the fakes (the a = -1, b = 1 variant); this course's LSGAN uses 0 for fakes and 1 for real"),
        (lambda r, f: 0.5 * _mean(torch.cat([(r - 1) ** 2, f ** 2])),
         "that is one mean over both batches; take the mean over each batch, then add them (times ½)"),
    ], [
        "Least squares instead of cross-entropy: push real scores towards 1 and fake scores towards 0, with "
        "squared errors on the raw scores (no sigmoid), each averaged over its batch, the sum halved.",
        "return 0.5 * (((real_scores - 1) ** 2).mean() + (fake_scores ** 2).mean())",
    ], "½·[mean (D(x) − 1)² + mean D(G(z))²] on raw scores: LSGAN's D loss, no sigmoid, no log."),
    b=_loss_question("least_squares_g", reference.least_squares_g, ["fake_scores"], G_CASES, _random_g_scores, [
        (lambda f: _mean((f - 1) ** 2), "that leaves out the factor ½: 0.5 * mean (D(G(z)) - 1)²"),
        (lambda f: 0.5 * _mean(f ** 2), "that pulls the fakes towards 0, D's target for them; G wants target 1"),
        (lambda f: 0.5 * float(((f - 1) ** 2).sum()), "that sums over the batch; take the mean"),
        (lambda f: -0.5 * _mean(f ** 2), "that is minus D's fake term: G minimises ½·mean (D(G(z)) - 1)²"),
    ], [
        "G wants D to score its fakes like real images: target 1, squared error on the raw scores, averaged, halved.",
        "return 0.5 * ((fake_scores - 1) ** 2).mean()",
    ], "G pulls its fakes' scores towards 1; the square's gradient grows with the distance, so "
       "the fakes D scores lowest get the strongest push."),
)

hinge_question = MultipartProblem(
    a=_loss_question("hinge_d", reference.hinge_d, ["real_scores", "fake_scores"], D_CASES, _random_d_scores, [
        (lambda r, f: _mean(1 - r) + _mean(1 + f), "the relu is missing: a hinge stops pushing once a real score "
                                                 "passes 1 (or a fake one passes -1): relu(1 - D(x)) + relu(1 + D(G(z)))"),
        (lambda r, f: _mean(F.relu(1 + r)) + _mean(F.relu(1 - f)), "the signs are swapped: real scores should "
                                                                    "rise above 1, fakes fall below -1"),
        (lambda r, f: _mean(F.relu(-r)) + _mean(F.relu(f)), "the margin 1 is missing: relu(1 - D(x)) + relu(1 + D(G(z)))"),
        (lambda r, f: float(F.relu(1 - r).sum() + F.relu(1 + f).sum()), "that sums over the batch; take the means"),
        (lambda r, f: _mean(F.relu(1 - r)) - _mean(f), "that gives the fakes the generator's term -D(G(z)); D's fake "
                                                        "term is relu(1 + D(G(z)))"),
    ], [
        "Hinge: D is penalised only while a real score is below 1 or a fake score above -1. Use F.relu for the "
        "max(0, ·), a mean per batch, and add the two parts.",
        "return F.relu(1 - real_scores).mean() + F.relu(1 + fake_scores).mean()",
    ], "mean relu(1 − D(x)) + mean relu(1 + D(G(z))): scores already past the margin cost D nothing."),
    b=_loss_question("hinge_g", reference.hinge_g, ["fake_scores"], G_CASES, _random_g_scores, [
        (lambda f: _mean(F.relu(1 - f)), "that is a hinge for G; with the hinge loss, G simply raises its scores: "
                                         "-mean D(G(z)) (Lim & Ye 2017, Miyato et al. 2018)"),
        (lambda f: _mean(f), "the sign is flipped: G wants high scores, so it minimises -mean D(G(z))"),
        (lambda f: -float(f.sum()), "that sums over the batch; take the mean"),
        (lambda f: _mean(F.relu(1 + f)), "that is D's fake term: G minimises -mean D(G(z))"),
    ], [
        "G's hinge loss is no hinge: it minimises minus the mean score D gives its fakes.",
        "return -fake_scores.mean()",
    ], "−mean D(G(z)): G raises its fakes' raw scores, with no margin on G's side (the hinge loss "
       "of SAGAN and BigGAN)."),
)

wasserstein_question = MultipartProblem(
    a=_loss_question("wasserstein_d", reference.wasserstein_d, ["real_scores", "fake_scores"], D_CASES, _random_d_scores, [
        (lambda r, f: _mean(r) - _mean(f), "the sign is flipped: the critic minimises mean D(G(z)) - mean D(x), "
                                           "so that real scores end up higher"),
        (lambda r, f: _mean(torch.sigmoid(f)) - _mean(torch.sigmoid(r)), "that squashes the scores with a sigmoid: "
                                                                         "a Wasserstein critic's scores are unbounded"),
        (lambda r, f: float(f.sum() - r.sum()), "that sums over the batches; take the means"),
        (lambda r, f: _mean(f) + _mean(r), "the real part is added; it is subtracted: mean D(G(z)) - mean D(x)"),
    ], [
        "The critic estimates the Wasserstein-1 distance as mean D(x) - mean D(G(z)) and maximises it; as a "
        "loss to minimise, take its negative.",
        "return fake_scores.mean() - real_scores.mean()",
    ], "mean D(G(z)) − mean D(x): the critic widens the gap between real and fake scores; the gap "
       "estimates the Wasserstein distance only while D stays 1-Lipschitz."),
    b=_loss_question("wasserstein_g", reference.wasserstein_g, ["fake_scores"], G_CASES, _random_g_scores, [
        (lambda f: _mean(f), "the sign is flipped: G wants the critic's scores of its fakes high: -mean D(G(z))"),
        (lambda f: -float(f.sum()), "that sums over the batch; take the mean"),
        (lambda f: _mean(F.softplus(-f)), "that is the non-saturating BCE loss; the Wasserstein G loss is -mean D(G(z))"),
    ], [
        "G moves its fakes where the critic scores high.",
        "return -fake_scores.mean()",
    ], "−mean D(G(z)): G raises the critic's scores of its fakes, with no log and no sigmoid."),
)


# ================================================================================ q9: the gradient penalty


class _RecordingCritic(nn.Module):
    """A small critic with BatchNorm-free layers whose input gradient depends on its weights; it remembers
    every batch it scores."""

    def __init__(self, in_features):
        super().__init__()
        self.net = nn.Sequential(nn.Flatten(), nn.Linear(in_features, 6), nn.Tanh(), nn.Linear(6, 1))
        self.seen = []

    def forward(self, x):
        self.seen.append(x)
        return self.net(x)


def _gp_inputs(seed, shape=(5, 2, 3, 3)):
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        critic = _RecordingCritic(int(np.prod(shape[1:])))
        real = torch.randn(*shape)
        fake = (torch.randn(*shape) * 0.5 + 1.0).requires_grad_(True)  # as G made it: it still carries a graph
    return critic, real, fake


def _penalty_at(critic_net, points, weight=10.0, dims=None, square_only=False, one_norm=False):
    """weight * mean (|grad D(x)| - 1)^2 at `points` (or a mistake's variant of it)."""
    x = points.detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(critic_net(x).sum(), x)
    if one_norm:
        norms = grad.norm()  # over the whole batch
    elif dims is None:
        norms = grad.flatten(1).norm(dim=1)
    else:
        norms = grad.norm(dim=dims)
    return float(weight * ((norms ** 2) if square_only else (norms - 1) ** 2).mean())


def _mixing_weights(points, real, fake, what):
    """The α of each example if points = α·real + (1 - α)·fake (one α per example); Incorrect otherwise."""
    x, r, f = (t.detach().double().flatten(1) for t in (points, real, fake))
    if x.shape != r.shape:
        raise Incorrect(f"{what} scored a batch of shape {tuple(points.shape)} with the critic; the interpolates "
                        f"have the shape of the real batch, {tuple(real.shape)}.")
    direction = r - f
    alpha = ((x - f) * direction).sum(1) / (direction * direction).sum(1)  # (N,) least squares
    residual = (x - f - alpha[:, None] * direction).norm(dim=1)
    if (residual > 1e-4 * (1 + x.norm(dim=1))).any():
        if close(x, r, 1e-6, 1e-6) or close(x, f, 1e-6, 1e-6):
            raise Incorrect(f"{what} took the gradient at the real (or the fake) batch itself; WGAN-GP takes it at "
                            "random points between them, x̂ = α·real + (1 - α)·fake.")
        spread = (x - f) / direction.where(direction.abs() > 1e-6, torch.ones_like(direction))
        if (spread >= -1e-6).all() and (spread <= 1 + 1e-6).all():
            raise Incorrect(f"{what} mixed each pixel with its own random weight; WGAN-GP draws one α per example, "
                            "shape (N, 1, 1, 1) for images, so that x̂ lies on the straight line from fake to real.")
        raise Incorrect(f"{what} interpolated between the wrong pairs: each x̂ must lie on the line from fake[i] to "
                        "real[i], the same example i of both batches (not shuffled pairs, not real with real).")
    if (alpha < -1e-6).any() or (alpha > 1 + 1e-6).any():
        raise Incorrect(f"{what} mixed with weights outside [0, 1] (α from {float(alpha.min()):.2f} to "
                        f"{float(alpha.max()):.2f}): draw α uniformly in [0, 1], torch.rand(...).")
    return alpha


def _learner_error_sentence(error_text, what):
    if "does not require grad" in error_text or "not have been used in the graph" in error_text:
        return (f"{what} raised an autograd error ({error_text.split(':')[0].strip()}...): the interpolate x̂ is "
                "detached from the graph autograd differentiates. Make x̂ a leaf that requires gradients, "
                "`x_hat = (alpha * real + (1 - alpha) * fake).detach().requires_grad_(True)`, score that very "
                "tensor, and take torch.autograd.grad(scores.sum(), x_hat, create_graph=True).")
    return None


def _run_gradient_penalty(answer, seed, shape=(5, 2, 3, 3)):
    what = "your gradient_penalty"
    critic, real, fake = _gp_inputs(seed, shape)
    real_before, fake_before = real.clone(), fake.detach().clone()
    try:
        got = call_learner(answer, critic, real, fake, what="your function `gradient_penalty`",
                           timeout=current_timeout())
    except Exception as error:  # LearnerCodeError: its sentence, unless it is the detached interpolate
        sentence = _learner_error_sentence(str(error), what)
        if sentence is None and len(shape) == 2:  # images worked (they come first): points (N, D) did not
            sentence = (f"{str(error).rstrip('.')}, on a batch of points of shape {shape} (images worked). Give α "
                        "one 1 per dimension after the first, `torch.rand(len(real), *[1] * (real.dim() - 1))`.")
        raise Incorrect(sentence or str(error)) from None
    if is_placeholder(got):
        raise NotAttempted("your function `gradient_penalty` still returns `____`: replace it with your code.")
    if not torch.equal(real, real_before) or not torch.equal(fake.detach(), fake_before):
        raise Incorrect(f"{what} changed the real or fake batch in place; build x̂ as a new tensor.")
    if not isinstance(got, torch.Tensor):
        raise Incorrect(f"{what} returned {describe(got)}; return the penalty as a one-number tensor.")
    if got.numel() != 1:
        raise Incorrect(f"{what} returned a tensor of shape {tuple(got.shape)}; the penalty is one number, the mean "
                        "over the batch of (|∇D(x̂)| - 1)², times the weight 10.")
    reject_complex(got, f"{what} returned")
    value = _first_value(got)
    if value is None or not math.isfinite(value):
        raise Incorrect(f"{what} returned {describe(got)}: is a norm taken of a zero gradient?")
    scored = [x for x in critic.seen if isinstance(x, torch.Tensor)]
    if not scored:
        raise Incorrect(f"{what} never called the critic: the penalty is about the critic's gradient at x̂.")
    points = scored[-1]
    alpha = _mixing_weights(points, real, fake, what)
    expected = _penalty_at(critic.net, points)
    if not close(value, expected, 1e-4, 1e-5):
        name_number_mistake(value, expected, [
            (_penalty_at(critic.net, points, square_only=True),
             "that penalises |∇D(x̂)|²; WGAN-GP penalises the distance of the norm from 1, (|∇D(x̂)| - 1)², "
             "so that the critic is pushed towards gradient norm 1, not 0"),
            (_penalty_at(critic.net, points, dims=1),
             "the gradient's norm is taken over the wrong dimension (dim=1, the channels): take one norm per "
             "example over all its other dimensions, gradients.flatten(1).norm(dim=1)"),
            (_penalty_at(critic.net, points, dims=-1),
             "the gradient's norm is taken over the last dimension only: one norm per example over all its "
             "other dimensions, gradients.flatten(1).norm(dim=1)"),
            (_penalty_at(critic.net, points, one_norm=True),
             "that is one norm over the whole batch; take one norm per example, gradients.flatten(1).norm(dim=1)"),
            (_penalty_at(critic.net, points, weight=1.0), "the weight λ = 10 is missing: 10 * mean (|∇D(x̂)| - 1)²"),
            (_penalty_at(critic.net, points, dims=0),
             "the gradient's norm is taken over the batch dimension (dim=0): one norm per example, "
             "gradients.flatten(1).norm(dim=1)"),
        ])
        raise Incorrect(f"{what} returned {value:.6g}; the penalty at the points your critic scored is {expected:.6g}.")
    if not got.requires_grad:
        raise Incorrect(f"{what} has the right value, but it carries no gradient to the critic's weights: "
                        "torch.autograd.grad(..., create_graph=True) keeps the gradient's own graph, so that "
                        "backward() can train the critic through the penalty.")
    weights = list(critic.net.parameters())
    grads = torch.autograd.grad(got.reshape(()), weights + [fake], allow_unused=True)
    if all(g is None or not bool(g.abs().sum() > 0) for g in grads[:-1]):
        raise Incorrect(f"{what} has the right value, but backward() reaches none of the critic's weights: keep "
                        "create_graph=True in torch.autograd.grad.")
    if grads[-1] is not None and bool(grads[-1].abs().sum() > 0):
        raise Incorrect(f"{what} lets the penalty's gradient flow back into the fake batch (and so into G): "
                        "detach real and fake before mixing, x̂ = (α·real + (1 - α)·fake.detach()).")
    return alpha


def _check_gradient_penalty(answer):
    require_written(answer, "gradient_penalty")
    with single_thread():
        _run_gradient_penalty(answer, seed=70901)
        _run_gradient_penalty(answer, seed=70902, shape=(4, 6))  # flat points: 2-D batches too
    return "the penalty matches WGAN-GP's 10·mean (|∇D(x̂)| - 1)² at points between each real and fake pair, and it trains the critic."


gradient_penalty_question = Problem(
    var="gradient_penalty",
    test=_check_gradient_penalty,
    points=3,
    hints=[
        "Four steps: one α ~ U[0, 1] per example, shape (N, 1, ..., 1); x̂ = α·real + (1 - α)·fake, detached from "
        "both and made to require gradients; scores = critic(x̂); gradients = torch.autograd.grad(scores.sum(), "
        "x̂, create_graph=True)[0]. Then one norm per example and 10·mean (norm - 1)².",
        "alpha = torch.rand(len(real), *[1] * (real.dim() - 1), device=real.device); "
        "x_hat = (alpha * real.detach() + (1 - alpha) * fake.detach()).requires_grad_(True); "
        "(grads,) = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True); "
        "return 10 * ((grads.flatten(1).norm(dim=1) - 1) ** 2).mean()",
    ],
)


# ================================================================================ q10: power iteration


def _reference_sigma(W):
    return torch.linalg.matrix_norm(W.double(), ord=2)


def _matrix_case(rows):
    return (torch.tensor(rows, dtype=torch.float32),)


SIGMA_CASES = [
    _matrix_case([[2.0, 3.0], [0.0, 1.0]]),       # not symmetric: largest |eigenvalue| 2, σ_max 3.70
    _matrix_case([[3.0, 0.0], [0.0, -1.0]]),
    _matrix_case([[1.0, 2.0, 0.0], [0.0, 1.0, -1.0]]),
    _matrix_case([[1.0, 4.0], [0.0, 1.0]]),       # not symmetric: |largest eigenvalue| 1, σ_max 4.24
    _matrix_case([[0.5, -1.0], [2.0, 0.3], [1.0, 1.0]]),
]


def _random_matrix(rng):
    rows, cols = int(rng.integers(2, 7)), int(rng.integers(2, 7))
    W = rng.normal(size=(rows, cols))
    U, s, Vt = np.linalg.svd(W, full_matrices=False)
    s = np.sort(rng.uniform(0.1, 1.0, len(s)))[::-1] * np.array([3.0] + [1.0] * (len(s) - 1))  # a clear gap
    return (torch.tensor((U * s) @ Vt, dtype=torch.float32),)


def _sigma_compare(got, expected):
    value = _first_value(got)
    if value is None or (isinstance(got, torch.Tensor) and got.numel() != 1):
        raise Mismatch(f"it returned {describe(got)}; return one number, σ_max.")
    if not close(value, float(expected), 1e-3, 1e-5):
        raise Mismatch(f"it returned {value:.6g}; the largest singular value is {float(expected):.6g}.")


def _diagnose_sigma(args, got, expected):
    value = _first_value(got)
    if value is None:
        return
    W = args[0].double()
    rows = [
        (float(torch.linalg.matrix_norm(W, ord="fro")), "that is the Frobenius norm, sqrt(sum of all squares): an "
                                                        "upper bound on σ_max, not σ_max. Use power iteration"),
        (float(expected) ** 2, "that is σ_max², the largest eigenvalue of WᵀW (vᵀWᵀWv): take its square root, or "
                               "return |W v|"),
        (float(W.abs().max()), "that is the largest entry of W; σ_max is the most W can stretch a unit vector: |W v|"),
    ]
    if W.shape[0] == W.shape[1]:
        rows.append((float(torch.linalg.eigvals(W).abs().max()),
                     "that is the largest |eigenvalue| of W (power iteration on W): for a matrix that is not "
                     "symmetric it differs from σ_max. Iterate with WᵀW: v <- Wᵀ(W v), normalised"))
    name_number_mistake(value, float(expected), rows, rtol=1e-3, atol=1e-5)


sigma_question = FunctionProblem(
    var="largest_singular_value",
    success="Power iteration finds the largest singular value with a few matrix-vector products; spectral "
            "normalisation divides W by it, so the layer stretches no input by more than a factor of 1.",
    reference=_reference_sigma,
    arg_names=["W"],
    cases=SIGMA_CASES,
    random_cases=_random_matrix,
    n_random=5,
    compare=_sigma_compare,
    test=_diagnose_sigma,
    points=2,
    hints=[
        "Start from a random unit vector v (one entry per column of W). Repeat: v = Wᵀ(W v), then divide v by "
        "its norm. v turns towards the top right singular vector; then σ_max = |W v|.",
        "v = torch.randn(W.shape[1]); v = v / v.norm()\nfor _ in range(steps): v = W.T @ (W @ v); v = v / v.norm()\n"
        "return (W @ v).norm()",
    ],
)


# ================================================================================ q11: the comparison (thought)

comparison_question = ThoughtProblem(
    points=1,
    hints=["Compare the gap between the best two losses' means with each one's spread over the seeds."],
)


__all__ = bind_exercises(
    globals(),
    [
        ring_question,
        d_star_question,
        value_function_question,
        value_question,
        dynamics_question,
        least_squares_question,
        hinge_question,
        wasserstein_question,
        gradient_penalty_question,
        sigma_question,
        comparison_question,
    ],
)
__all__ += ["____", "RING_STD", "BLURRY_STD", "SAMPLES"]
