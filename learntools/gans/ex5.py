"""Lesson 05 checks: the GAN losses, the detach, one training step, and a short training run
(05_training.py; lesson 06 continues with the trainer and evaluation, ex6.py).

The step checks run the learner's functions on tiny stand-in networks (a generator of 4x4 images
from 3 noise numbers, a one-layer discriminator) that remember every batch they are shown, with
plain SGD optimizers, so that every update can be recomputed exactly and compared. The learner's
own models, optimizers and random state are never touched.
"""

import copy
import functools
import math
import time

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
    ValueProblem,
    bind_exercises,
    LearnerCodeError,
    call_learner,
    current_timeout,
    compare_arrays,
    describe,
    format_number,
    is_placeholder,
    known_mistakes,
    single_thread,
    values_match,
    ____,
)
from learntools.gans import losses as reference
from learntools.gans.checking.functions import require_written, unwritten
from learntools.gans.checking.mistakes import name_number_mistake
from learntools.gans.checking.numbers import close, reject_complex
from learntools.gans.checking.stand_ins import (
    RECORDING_Z_DIM, STALE_GRADIENT, STEP_BATCH, STEP_LEARNING_RATE, LoggingSGD, StepBench, fill_stale, has_fresh, matches,
    real_batch, recording_gan, sgd_target,
)

LN2 = math.log(2.0)


# ================================================================================ finding blanks


def ready(*functions):
    """True when every function given is written (no ``____``, no NotImplementedError), else False
    with a printed sentence naming the first unfinished one. For demo cells that use learner code."""
    for func in functions:
        if is_placeholder(func):
            print("A function is still the blank `____`: write it first, then run this cell again.")
            return False
        missing = unwritten(func)
        if missing:
            print(f"`{missing}` is not written yet: fill it in above, then run this cell again.")
            return False
    return True


# ================================================================================ small helpers


def _says_when_right(problem, message):
    """``problem``, whose check says ``message`` when the answer is right (its own test only names
    mistakes). Returns the problem."""
    check = problem.check_answer
    problem.check_answer = lambda answer: check(answer) or message
    return problem


def _loss_number(value, what):
    """A loss the learner returned, as a float; Incorrect with a sentence for anything else."""
    if is_placeholder(value):
        raise NotAttempted(f"{what} still returns `____`: replace it with your code.")
    if value is None:
        raise Incorrect(f"{what} returned None: is the `return` statement missing?")
    if isinstance(value, torch.Tensor):
        if value.numel() != 1:
            raise Incorrect(
                f"{what} returned a tensor of shape {tuple(value.shape)}; a loss is one number: "
                "take the mean over the batch."
            )
        reject_complex(value, f"{what} returned")
        number = float(value.detach().float().cpu().reshape(()))
    elif isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        number = float(value)
    else:
        raise Incorrect(f"{what} should return the loss, one number, but it returned {describe(value)}.")
    if not math.isfinite(number):
        raise Incorrect(
            f"{what} returned {number}: look for a log of zero (use the logits with "
            "binary_cross_entropy_with_logits, not log(sigmoid(...)))."
        )
    return number


def _parameters(module):
    return [p.detach().clone() for p in module.parameters()]


def _unchanged(module, before, atol=0.0):
    return all(torch.allclose(p.detach(), q, rtol=0, atol=atol) for p, q in zip(module.parameters(), before))


def _has_gradients(module):
    return any(p.grad is not None and bool(p.grad.abs().sum() > 0) for p in module.parameters())


def _shown_to(calls, batch):
    """True when ``batch`` was among the inputs of ``calls`` (on its own, or as part of a torch.cat)."""
    n = len(batch)
    for seen in calls:
        for start in range(0, len(seen) - n + 1):
            if torch.allclose(seen[start : start + n], batch, rtol=0, atol=1e-6):
                return True
    return False


# ================================================================================ q1: the D loss


def _d_candidates(real, fake):
    """Realistic wrong discriminator losses on these logits, with what each one tells the learner."""
    r, f = real.detach().reshape(-1).float(), fake.detach().reshape(-1).float()
    expected = F.softplus(-r).mean() + F.softplus(f).mean()
    bce = F.binary_cross_entropy_with_logits
    with torch.no_grad():
        sig_r, sig_f = torch.sigmoid(r), torch.sigmoid(f)
        probability_bce = F.binary_cross_entropy(sig_r, torch.ones_like(r)) + F.binary_cross_entropy(sig_f, torch.zeros_like(f))
    return expected, [
        (F.softplus(r).mean() + F.softplus(-f).mean(),
         "the targets are swapped: real images get target 1 (D(x) → 1) and fakes target 0, "
         "but your loss rewards D for calling real images fake"),
        (bce(sig_r, torch.ones_like(r)) + bce(sig_f, torch.zeros_like(f)),
         "the sigmoid is applied twice: binary_cross_entropy_with_logits applies it itself, so pass the "
         "raw logits, not torch.sigmoid(logits)"),
        (F.softplus(-r).sum() + F.softplus(f).sum(),
         f"your loss is the sum over the batch ({len(r)} examples), not the mean: average over the "
         "examples, so that the loss does not grow with the batch size"),
        (0.5 * expected,
         "your loss is half the expected value: you average the real and fake parts (or one BCE over "
         "the concatenated batch). This course adds them: mean over the real batch + mean over the fake "
         "batch, which is 2 ln 2 at logits 0"),
        (F.softplus(-r).mean(),
         "your loss only has the real part (target 1 for real images): add the fake part, target 0 for "
         "the fake logits"),
        (F.softplus(f).mean(),
         "your loss only has the fake part (target 0 for fakes): add the real part, target 1 for the "
         "real logits"),
        (F.softplus(-r).mean() + F.softplus(-f).mean(),
         "your loss gives the fakes target 1, like the real images: D should say fake, target 0"),
        (F.softplus(r).mean() + F.softplus(f).mean(),
         "your loss gives the real images target 0, like the fakes: D should say real, target 1"),
        (-expected, "your loss has the wrong sign: a binary cross-entropy is never negative; minimise it"),
        (probability_bce,
         "for confident logits (±20) your loss is wrong: sigmoid(20) rounds to exactly 1 in float32 "
         "and BCELoss clips log(0) at -100. Work on logits: binary_cross_entropy_with_logits"),
    ]


def _loss_compare(got, expected):
    """A loss must be a one-number tensor that backward() can use, with the expected value."""
    if not isinstance(got, torch.Tensor):
        if isinstance(got, (int, float, np.floating)) and not isinstance(got, bool) and values_match(got, expected, 1e-4, 1e-5):
            raise Mismatch(
                f"it returned the right value as a plain {type(got).__name__}; return the tensor itself "
                "(no .item(), no numpy), so that loss.backward() can run through it."
            )
        compare_arrays(got, expected, 1e-4, 1e-5, name="the result")
        raise Mismatch(f"it returned {describe(got)}; return the loss as a tensor.")
    if got.numel() > 1:
        raise Mismatch(
            f"it returned a tensor of shape {tuple(got.shape)}, one value per example: a loss is one "
            "number, the mean over the batch."
        )
    compare_arrays(got.reshape(()), expected, 1e-4, 1e-5, name="the result")
    if not got.requires_grad:
        raise Mismatch(
            "the value is right, but the loss carries no gradient (requires_grad is False): was it "
            "computed with .item(), numpy, or under torch.no_grad()? backward() needs a tensor built "
            "from the logits."
        )


def _logit_case(real, fake):
    return (torch.tensor(real).reshape(-1, 1).requires_grad_(True),
            torch.tensor(fake).reshape(-1, 1).requires_grad_(True))


def _random_logit_pair(rng):
    n = int(rng.integers(2, 9))
    real = rng.normal(1.0, 2.0, size=n).astype(np.float32)
    fake = rng.normal(-1.0, 2.0, size=n).astype(np.float32)
    return _logit_case(real.tolist(), fake.tolist())


def _diagnose_d(args, got, expected):
    real, fake = args
    if isinstance(got, torch.Tensor) and got.numel() > 1:
        return None  # the comparison's own message says it: one value per example
    if not isinstance(got, (torch.Tensor, int, float, np.floating)) or isinstance(got, bool):
        return
    try:
        value = float(got.detach().reshape(-1)[0]) if isinstance(got, torch.Tensor) else float(got)
    except (TypeError, ValueError, IndexError):
        return
    if math.isinf(value):
        raise Incorrect("your loss is inf for confident logits (a fake logit of 20): sigmoid(20) rounds to exactly 1 "
                        "in float32 and log(1 - 1) = -inf. Work on logits: binary_cross_entropy_with_logits (or softplus).")
    want, candidates = _d_candidates(real, fake)
    name_number_mistake(value, want, candidates)


# The first case tells the usual mistakes apart (at logits 0 several of them coincide).
D_LOSS_CASES = [
    _logit_case([2.0, 0.5, -1.0, 3.0], [-2.0, 0.3, 1.5, -0.5]),
    _logit_case([0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]),
    _logit_case([1.0, 4.0, -0.5], [-3.0, -1.0, 2.0]),
    _logit_case([-20.0, 5.0], [20.0, -5.0]),  # a confident, wrong discriminator
]

d_loss_question = _says_when_right(FunctionProblem(
    var="discriminator_loss",
    reference=reference.nonsaturating_d,
    arg_names=["real_logits", "fake_logits"],
    cases=D_LOSS_CASES,
    random_cases=_random_logit_pair,
    n_random=6,
    test=_diagnose_d,
    compare=_loss_compare,
    points=2,
    hints=[
        "D is a binary classifier: real images have target 1, fakes target 0. "
        "`F.binary_cross_entropy_with_logits(logits, targets)` takes raw logits (no sigmoid) and averages "
        "over the batch; `torch.ones_like(real_logits)` makes the targets. Add the real part and the fake part.",
        "F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits)) + "
        "F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))",
    ],
), "D's loss is -mean log D(x) over the real batch plus -mean log(1 - D(G(z))) over the fakes, computed from "
   "logits, so it stays finite even for a D that is sure (logits of ±20).")


# ================================================================================ q2: the G loss


def _g_candidates(fake):
    f = fake.detach().reshape(-1).float()
    bce = F.binary_cross_entropy_with_logits
    expected = F.softplus(-f).mean()
    return expected, [
        (-F.softplus(f).mean(),
         "that is the minimax form, mean log(1 - D(G(z))), the one that saturates: when D rejects the fakes "
         "its gradient vanishes. Use the non-saturating loss, -mean log D(G(z)): BCE with target 1"),
        (F.softplus(f).mean(),
         "your loss gives the fakes target 0: that is what D wants. G wants D to call its fakes real: target 1"),
        (-F.softplus(-f).mean(),
         "your loss has the wrong sign: minimising it would make D reject the fakes even more. "
         "G minimises -mean log D(G(z)), which is positive"),
        (F.softplus(-f).sum(),
         f"your loss is the sum over the batch ({len(f)} examples), not the mean: average over the examples"),
        (bce(torch.sigmoid(f), torch.ones_like(f)),
         "the sigmoid is applied twice: binary_cross_entropy_with_logits applies it itself, so pass the raw logits"),
        (F.softplus(-f).mean() + F.softplus(f).mean(),
         "that adds both targets' losses; the generator's loss has one part: target 1 for the fakes"),
    ]


def _diagnose_g(args, got, expected):
    (fake,) = args
    if isinstance(got, torch.Tensor) and got.numel() > 1:
        return
    if not isinstance(got, (torch.Tensor, int, float, np.floating)) or isinstance(got, bool):
        return
    try:
        value = float(got.detach().reshape(-1)[0]) if isinstance(got, torch.Tensor) else float(got)
    except (TypeError, ValueError, IndexError):
        return
    want, candidates = _g_candidates(fake)
    name_number_mistake(value, want, candidates)


def _fake_case(values):
    return (torch.tensor(values).reshape(-1, 1).requires_grad_(True),)


def _random_fake_logits(rng):
    n = int(rng.integers(2, 9))
    return _fake_case(rng.normal(-1.0, 2.0, size=n).astype(np.float32).tolist())


g_loss_question = _says_when_right(FunctionProblem(
    var="generator_loss",
    reference=reference.nonsaturating_g,
    arg_names=["fake_logits"],
    cases=[_fake_case([-3.0, -1.0, 0.5, 2.0]), _fake_case([0.0, 0.0, 0.0]), _fake_case([-6.0, -4.5])],
    random_cases=_random_fake_logits,
    n_random=6,
    test=_diagnose_g,
    compare=_loss_compare,
    points=2,
    hints=[
        "The generator wants D to call its fakes real. In binary cross-entropy terms: the fake logits "
        "with target 1. That is the non-saturating loss, -mean log D(G(z)).",
        "F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))",
    ],
), "G's non-saturating loss is the fake logits' BCE with target 1: its gradient is largest exactly when D "
   "rejects the fakes, which is when G most needs one.")


# ================================================================================ q3: untrained losses

untrained_d_part = _says_when_right(ValueProblem(
    var="d_loss_at_zero",
    expected=2 * LN2,
    rtol=1e-3,
    atol=1e-4,
    test=known_mistakes([
        (LN2, "ln 2 ≈ 0.693 is one part only. The D loss adds the real part (-log 0.5) and the fake part "
              "(-log(1 - 0.5)): two of them."),
        (0.5, "0.5 is D's output, sigmoid(0): the probability it gives every image. The loss is -log of it, for "
              "each of the two parts."),
        (2 * math.log10(2.0), "that uses log base 10. Cross-entropy uses the natural log: ln 2 ≈ 0.693 per part."),
        (2.0, "that is 2 × log₂(2), in bits. PyTorch's losses use the natural log: 2 ln 2."),
        (-2 * LN2, "a cross-entropy is never negative: -log 0.5 = +ln 2 per part."),
        (1.0, "1.0 would be two parts of 0.5 each; each part is -log(0.5) = ln 2 ≈ 0.693."),
    ], rtol=1e-3, atol=1e-4),
    hints=[
        "With logit 0, D(x) = sigmoid(0) = 0.5 for every image. The real part is -log D(x), the fake part "
        "-log(1 - D(G(z))). You can also call your `discriminator_loss` on zeros.",
        "-log 0.5 - log(1 - 0.5) = 2 ln 2 ≈ 1.386, e.g. `discriminator_loss(torch.zeros(8, 1), torch.zeros(8, 1))`.",
    ],
), "2 ln 2 ≈ 1.386, ln 2 for each part. A D loss that starts far from it, or never leaves it, points at the "
   "code rather than the training.")

untrained_g_part = _says_when_right(ValueProblem(
    var="g_loss_at_zero",
    expected=LN2,
    rtol=1e-3,
    atol=1e-4,
    test=known_mistakes([
        (-LN2, "-ln 2 is the minimax generator loss at logits 0 (mean log(1 - 0.5)). The non-saturating one "
               "is -log D(G(z)) = -log 0.5."),
        (2 * LN2, "2 ln 2 is the discriminator's loss (two parts). The generator's loss has one part: -log 0.5."),
        (0.5, "0.5 is D(G(z)) = sigmoid(0); the loss is -log of it."),
        (math.log10(2.0), "that uses log base 10. Cross-entropy uses the natural log: ln 2 ≈ 0.693."),
        (1.0, "1.0 is log₂ 2, in bits; PyTorch's losses use the natural log: ln 2 ≈ 0.693."),
    ], rtol=1e-3, atol=1e-4),
    hints=[
        "The non-saturating generator loss is -log D(G(z)), and at logit 0, D(G(z)) = 0.5.",
        "-log 0.5 = ln 2 ≈ 0.693, e.g. `generator_loss(torch.zeros(8, 1))`.",
    ],
), "ln 2 ≈ 0.693, where G's loss starts. From there it moves with D's: a GAN's losses show the balance of "
   "the game, not the quality of the samples.")

untrained_question = MultipartProblem(a=untrained_d_part, b=untrained_g_part)


# ================================================================================ q4: saturation

SATURATION_P = 0.01
_P = SATURATION_P
SATURATION_GRADIENTS = (-_P, -(1 - _P))  # d/dl of -softplus(l) = -sigmoid(l); of softplus(-l) = sigmoid(l) - 1


def _check_saturation(answer):
    minimax, nonsaturating = answer
    for name, value in (("grad_minimax", minimax), ("grad_nonsaturating", nonsaturating)):
        if isinstance(value, torch.Tensor) and value.numel() == 1:
            continue
        if isinstance(value, (int, float, np.floating)) and not isinstance(value, bool):
            continue
        raise Incorrect(f"`{name}` should be one number (a float or a one-element tensor), but it is {describe(value)}.")
    got = (float(torch.as_tensor(minimax, dtype=torch.float64).reshape(())),
           float(torch.as_tensor(nonsaturating, dtype=torch.float64).reshape(())))
    if not all(math.isfinite(g) for g in got):
        raise Incorrect(f"your gradients are {got[0]} and {got[1]}: they should be finite numbers.")
    want = SATURATION_GRADIENTS

    def same(pair, rtol=2e-3):
        return all(abs(a - b) <= 1e-6 + rtol * abs(b) for a, b in zip(got, pair))

    if same(want):
        return ("the minimax loss gives G a gradient of -0.01, the non-saturating one -0.99: 99 times "
                "stronger, exactly when G needs it most.")
    if same(want[::-1]):
        raise Incorrect("your two numbers are swapped: the minimax loss is the one with the tiny gradient (-0.01).")
    if same((-want[0], -want[1])):
        raise Incorrect("the signs are flipped: both losses go down when the logit goes up (D believes the "
                        "fake more), so both gradients are negative.")
    if same((-1 / (1 - _P), -1 / _P)):
        raise Incorrect("these are derivatives with respect to the probability D(G(z)), not the logit. The "
                        "gradient that reaches G passes through the logit: differentiate with respect to `logit`.")
    if same((math.log(1 - _P), -math.log(_P))):
        raise Incorrect("these are the two losses' values (log(1 - 0.01) and -log 0.01), not their gradients: "
                        "use torch.autograd.grad(loss, logit) or loss.backward() and logit.grad.")
    if abs(got[0] - got[1]) <= 1e-9:
        raise Incorrect(f"both numbers are the same ({format_number(got[0])}): compute one gradient with "
                        "the minimax loss and one with the non-saturating loss.")
    raise Incorrect(f"you have {format_number(got[0])} (minimax) and {format_number(got[1])} (non-saturating): "
                    "differentiate each loss of the one logit with respect to that logit.")


saturation_question = ValueProblem(
    var=("grad_minimax", "grad_nonsaturating"),
    test=_check_saturation,
    hints=[
        "Make the logit a tensor with requires_grad=True (done for you), compute each loss of it "
        "(`minimax_g(logit.reshape(1))` and `nonsaturating_g(logit.reshape(1))`), and differentiate with "
        "`torch.autograd.grad(loss, logit)`, which returns a tuple with one gradient.",
        "grad_minimax, = torch.autograd.grad(minimax_g(logit.reshape(1)), logit), and the same with "
        "nonsaturating_g. By hand: the minimax gradient is -sigmoid(l) = -D(G(z)), the non-saturating one "
        "D(G(z)) - 1.",
    ],
)


# ================================================================================ stand-in networks

STUB_Z_DIM = RECORDING_Z_DIM  # the stand-ins and step bench of learntools.gans.checking.stand_ins
STUB_BATCH = STEP_BATCH
LEARNING_RATE = STEP_LEARNING_RATE


def _fake_shown(G, D, what):
    """The fake batch D was shown: the output of one of G's calls that appears among D's inputs."""
    if not G.calls:
        raise Incorrect(f"{what} never called G: the fake batch is G(z), with z = torch.randn(N, z_dim).")
    for z, images in reversed(G.calls):
        if _shown_to(D.calls, images):
            return z, images
    raise Incorrect(f"{what} never showed D the fake batch G(z): D must judge the fakes too.")


def _name_rescaled_real(batches, real, what):
    """Incorrect when D was shown the real batch moved to [0, 1] instead of the [-1, 1] it comes in."""
    if _shown_to(batches, (real + 1) / 2):
        raise Incorrect(f"{what} showed D the real images rescaled to [0, 1], (real + 1) / 2. The generator's tanh "
                        "outputs lie in [-1, 1], so D can tell real from fake by their range alone: leave the real "
                        "batch in [-1, 1], as the data comes.")


def _d_loss_message(value, want, real_logits, fake_logits, what):
    """Compare a returned D loss with the loss D actually had; name the mistake."""
    if close(value, float(want)):
        return
    _, candidates = _d_candidates(real_logits, fake_logits)
    for candidate, message in candidates:
        if close(value, float(candidate)):
            raise Incorrect(f"{what} returned {value:.4f} but D's loss on that real and fake batch is "
                            f"{float(want):.4f}: {message}. Does `discriminator_loss` pass q1.check()?")
    raise Incorrect(f"{what} returned {value:.4f}, but D's loss on that real batch and fake batch is "
                    f"{float(want):.4f}: return the loss computed with `discriminator_loss(D(real), D(fake))`.")


def _g_loss_message(value, want, fake_logits, what):
    if close(value, float(want)):
        return
    _, candidates = _g_candidates(fake_logits)
    for candidate, message in candidates:
        if close(value, float(candidate)):
            raise Incorrect(f"{what} returned {value:.4f} but G's non-saturating loss on that fake batch is "
                            f"{float(want):.4f}: {message}. Does `generator_loss` pass q2.check()?")
    raise Incorrect(f"{what} returned {value:.4f}, but G's loss on that fake batch is {float(want):.4f}: "
                    "return the loss computed with `generator_loss(D(G(z)))`.")


def _check_update(name, net, net_before, expected_loss, what, no_gradients, watched=None):
    """``net`` (the network called ``name``, "D" or "G") moved by exactly one SGD step on the expected loss,
    from cleared gradients. ``no_gradients`` is the advice when it neither moved nor got gradients;
    ``watched`` (a LoggingSGD) tells whether zero_grad() came after backward()."""
    loss, optimizer = f"{name.lower()}_loss", f"opt_{name.lower()}"
    if _unchanged(net, _parameters(net_before)):
        if watched is not None and watched.wiped_fresh_gradients:
            raise Incorrect(f"{name}'s weights did not change in {what}: {optimizer}.zero_grad() came after "
                            f"{loss}.backward() and wiped the gradients before {optimizer}.step(). Call zero_grad() "
                            "first, then backward(), then step().")
        if not _has_gradients(net):
            raise Incorrect(f"{name}'s weights did not change and {name} has no gradients after {what}: {no_gradients}")
        raise Incorrect(f"{name}'s weights did not change in {what}: after {loss}.backward(), call {optimizer}.step().")
    wanted = sgd_target(net_before, expected_loss)
    if matches(net, wanted):
        return
    stale = [w - LEARNING_RATE * STALE_GRADIENT for w in wanted]
    if matches(net, stale):
        raise Incorrect(f"{name}'s update in {what} includes gradients left over from an earlier step: call "
                        f"{optimizer}.zero_grad() before {loss}.backward().")
    raise Incorrect(f"{name}'s weights changed in {what}, but not as one optimizer step on the {name} loss changes "
                    f"them: call backward() on the loss you return, then {optimizer}.step() once.")


def _check_d_update(D, D_before, expected_loss, what, watched=None):
    """D moved by exactly one SGD step on the expected loss (from cleared gradients)."""
    _check_update("D", D, D_before, expected_loss, what,
                  "call d_loss.backward(), then opt_d.step() (and opt_d.zero_grad() before backward()).", watched)


def _check_g_update(G, G_before, expected_loss, what, watched=None):
    """G moved by exactly one SGD step on the expected loss (from cleared gradients)."""
    _check_update("G", G, G_before, expected_loss, what,
                  "the G loss must flow back through D into G. Don't detach the fakes in the G step (only in the "
                  "D step), call g_loss.backward(), then opt_g.step().", watched)


# ================================================================================ q5: the D step


def _training_function_check(var, run):
    """The test of a training function: it must be written, then ``run(answer)`` runs it on the
    stand-in networks (one thread, optimizers warmed up) and raises Incorrect or returns a message."""

    def test(answer):
        require_written(answer, var)
        _warm_up_optimizers()
        with single_thread():
            return run(answer)

    return test


@functools.lru_cache(maxsize=1)
def _warm_up_optimizers():
    """PyTorch imports a lot on an optimizer's first step (seconds): do it before timing learner code."""
    parameter = nn.Parameter(torch.zeros(1))
    parameter.grad = torch.zeros(1)
    torch.optim.SGD([parameter], lr=0.1).step()
    return True


def _call_step(answer, var, *args):
    """Run the learner's step function on the stand-ins; NotAttempted when it still returns `____`."""
    result = call_learner(answer, *args, what=f"your function `{var}`", timeout=current_timeout())
    if is_placeholder(result):
        raise NotAttempted(f"your function `{var}` still returns `____`: replace it with your code.")
    return result


def _run_d_step(answer):
    what = "your discriminator_step"
    torch.manual_seed(0)
    G, D = recording_gan()
    real = real_batch()
    original_real = real.clone()
    opt_d = LoggingSGD(D.parameters())
    fill_stale(D)  # what the previous G step's backward() left in D's .grad
    G_before, D_before = copy.deepcopy(G), copy.deepcopy(D)

    result = _call_step(answer, "discriminator_step", G, D, real, opt_d, STUB_Z_DIM)

    # 1. The detach: nothing of the D loss may reach G.
    with_gradients = [name for name, p in G.named_parameters() if p.grad is not None]
    if with_gradients:
        raise Incorrect(
            f"after {what}, G's parameters have gradients (G.{with_gradients[0]}.grad is not None): the D "
            "loss flowed back into G. Detach the fake batch, `D(fake.detach())`, so that the D step "
            "trains D only."
        )
    if not _unchanged(G, _parameters(G_before)):
        raise Incorrect(f"{what} changed G's weights; the D step must update D only (opt_d.step()).")
    if not torch.equal(real, original_real):
        raise Incorrect(f"{what} changed the real batch in place; leave the data as it is.")

    # 2. D judged the real batch and a fake batch as big as it.
    z, fake = _fake_shown(G, D, what)
    if len(z) != len(real):
        raise Incorrect(f"the fake batch has {len(z)} images but the real batch {len(real)}: draw z with "
                        "real.shape[0] rows, `torch.randn(real.shape[0], z_dim, device=real.device)`.")
    if not _shown_to(D.calls, real):
        _name_rescaled_real(D.calls, real, what)
        raise Incorrect(f"{what} never showed D the real batch: the D loss needs D(real) and D(fake).")

    # 3. The loss it returns, and the update it made.
    real_logits, fake_logits = D_before(real), D_before(fake)
    expected = reference.nonsaturating_d(real_logits, fake_logits)
    value = _loss_number(result, what)
    _d_loss_message(value, expected, real_logits, fake_logits, what)
    _check_d_update(D, D_before, expected, what, opt_d)
    return ("your D step judges the real batch and a detached fake batch of the same size, clears D's old "
            "gradients and takes one step: G's .grad stayed None.")


d_step_question = Problem(
    var="discriminator_step",
    test=_training_function_check("discriminator_step", _run_d_step),
    points=2,
    hints=[
        "Draw z = torch.randn(real.shape[0], z_dim, device=real.device) and make fake = G(z).detach(). "
        "Then d_loss = discriminator_loss(D(real), D(fake)); opt_d.zero_grad(); d_loss.backward(); "
        "opt_d.step(); return d_loss.",
        "Without .detach(), d_loss.backward() would also compute gradients for every weight of G (wasted "
        "work, and gradients that push G the wrong way if they were ever used). The check looks at G's .grad.",
    ],
)


# ================================================================================ q6: the G step


def _run_g_step(answer):
    what = "your generator_step"
    torch.manual_seed(0)
    G, D = recording_gan()
    opt_g = LoggingSGD(G.parameters())
    fill_stale(G)  # what the previous G step left in G's .grad
    G_before, D_before = copy.deepcopy(G), copy.deepcopy(D)

    result = _call_step(answer, "generator_step", G, D, STUB_BATCH, opt_g, STUB_Z_DIM)

    if not _unchanged(D, _parameters(D_before)):
        raise Incorrect(f"{what} changed D's weights; the G step must update G only (opt_g.step()).")
    frozen = [name for name, p in D.named_parameters() if not p.requires_grad]
    if frozen:
        raise Incorrect(f"{what} left D's parameters frozen (D.{frozen[0]}.requires_grad is False), so the next "
                        "D step could not train D: you don't need to freeze D, opt_g only updates G.")
    z, fake = _fake_shown(G, D, what)
    if len(z) != STUB_BATCH:
        raise Incorrect(f"the fake batch has {len(z)} images but batch_size is {STUB_BATCH}: draw z with "
                        "batch_size rows, `torch.randn(batch_size, z_dim, device=device)`.")

    fake_logits = D_before(G_before(z))
    expected = reference.nonsaturating_g(fake_logits)
    value = _loss_number(result, what)
    _g_loss_message(value, expected, fake_logits, what)
    _check_g_update(G, G_before, expected, what, opt_g)
    _check_noise_device(answer, what)
    return ("your G step sends the loss through D into G, updates G only (D's weights stayed), and makes its "
            "noise on G's device.")


class _NoiseDeviceProbe(nn.Module):
    """A generator on the "meta" device (standing in for a GPU) that writes down where its noise was made,
    and carries on with the noise moved to the meta device, so the rest of the step can run."""

    def __init__(self):
        super().__init__()
        self.layer = nn.Linear(STUB_Z_DIM, 16, device="meta")
        self.noise_devices = []

    def forward(self, z):
        self.noise_devices.append(z.device.type)
        return self.layer(z.to("meta")).reshape(-1, 1, 4, 4)


def _check_noise_device(answer, what):
    """Run the step once more with models on another device: the noise must be made where G lives."""
    G = _NoiseDeviceProbe()
    D = nn.Sequential(nn.Flatten(), nn.Linear(16, 1, device="meta"))
    opt_g = torch.optim.SGD(G.parameters(), lr=LEARNING_RATE)
    try:
        call_learner(answer, G, D, STUB_BATCH, opt_g, STUB_Z_DIM, what="your function `generator_step`",
                     timeout=current_timeout())
    except LearnerCodeError:
        pass  # only where the noise was made matters here
    elsewhere = [device for device in G.noise_devices if device != "meta"]
    if elsewhere:
        raise Incorrect(f"with G on another device (a GPU, say), {what} made its noise on the {elsewhere[0]}, so "
                        "G(z) would fail there: draw z on G's device, `torch.randn(batch_size, z_dim, "
                        "device=device)`.")


g_step_question = Problem(
    var="generator_step",
    test=_training_function_check("generator_step", _run_g_step),
    points=2,
    hints=[
        "Draw fresh noise z (batch_size rows), make fake = G(z) without detaching it, and compute "
        "g_loss = generator_loss(D(fake)). Then opt_g.zero_grad(); g_loss.backward(); opt_g.step().",
        "The gradient of the G loss has to pass through D to reach G, so nothing is detached here; opt_g holds "
        "only G's parameters, so D's weights stay as they are (its .grad fills up, and the next D step's "
        "zero_grad() clears it).",
    ],
)


# ================================================================================ q7: one training step


def _two_losses(result, what):
    """(d_loss, g_loss) returned by a training step, as floats; Incorrect with a sentence otherwise."""
    if is_placeholder(result):
        raise NotAttempted(f"{what} still returns `____`: replace it with your code.")
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise Incorrect(f"{what} should return two losses, (d_loss, g_loss), but it returned {describe(result)}.")
    numbers = []
    for name, part in zip(("d_loss", "g_loss"), result):
        if isinstance(part, torch.Tensor) and part.numel() == 1:
            raise Incorrect(f"{what} returned its {name} as a tensor, {describe(part)}: return plain numbers, "
                            "`float(d_loss), float(g_loss)`, so that a log of losses holds numbers, not tensors "
                            "tied to the models' graph and device.")
        elif isinstance(part, (int, float, np.integer, np.floating)) and not isinstance(part, bool):
            numbers.append(float(part))
        else:
            raise Incorrect(f"{what} should return two numbers, (d_loss, g_loss), but its {name} is {describe(part)}.")
    if not all(math.isfinite(n) for n in numbers):
        raise Incorrect(f"{what} returned the losses ({numbers[0]:.4g}, {numbers[1]:.4g}): training diverged, "
                        "or a loss takes the log of 0 (use binary_cross_entropy_with_logits).")
    return numbers[0], numbers[1]


def _watch_training_mode(G, D):
    """Write down, for every call of G and D, whether the network was in training mode; returns the log."""
    modes = []
    for name, net in (("G", G), ("D", D)):
        net.register_forward_pre_hook(lambda module, inputs, name=name: modes.append((name, module.training)))
    return modes


def _check_training_mode(G, D, modes, what):
    """G and D were called, and left, in training mode (no G.eval() / D.eval() inside the training step)."""
    in_eval = [name for name, training in modes if not training]
    in_eval += [name for name, net in (("G", G), ("D", D)) if not net.training and name not in in_eval]
    if in_eval:
        raise Incorrect(f"{what} put {in_eval[0]} in eval mode ({in_eval[0]}.eval()): while training, G and D must "
                        "stay in training mode, or BatchNorm uses its running statistics instead of the batch's "
                        "and Dropout is off. Keep .eval() for sampling, outside train_step.")


def _run_train_step(answer):
    what = "your train_step"
    bench = StepBench()
    G, D, real, opt_g, opt_d, log = bench.G, bench.D, bench.real, bench.opt_g, bench.opt_d, bench.log
    G_before, D_before = bench.G_before, bench.D_before
    modes = _watch_training_mode(G, D)

    result = call_learner(answer, G, D, real, opt_g, opt_d, STUB_Z_DIM, what="your function `train_step`",
                          timeout=current_timeout())
    d_value, g_value = _two_losses(result, what)
    _check_training_mode(G, D, modes, what)

    # The training sequence: one D update, then one G update.
    steps = [name for name, _ in log]
    if "D" not in steps:
        raise Incorrect(f"{what} never called opt_d.step(): D did not learn. Call discriminator_step first.")
    if "G" not in steps:
        raise Incorrect(f"{what} never called opt_g.step(): G did not learn. Call generator_step after the D step.")
    if steps.index("G") < steps.index("D"):
        raise Incorrect(f"{what} updates G before D: do the D step first, then the G step (the library trainer's order).")
    if steps.count("D") > 1 or steps.count("G") > 1:
        raise Incorrect(f"{what} stepped D {steps.count('D')} times and G {steps.count('G')} times; one training "
                        "step is one D update, then one G update.")
    if has_fresh(log[steps.index("D")][1]):
        raise Incorrect(f"when {what} updated D, G's parameters had gradients: the D loss reached G. Detach the "
                        "fake batch in the D step.")

    # The D step: on the real batch and the first fakes, with D's weights before the step.
    D_mid_target = None
    first_z, first_fake = G.calls[0] if G.calls else (None, None)
    if first_fake is None:
        raise Incorrect(f"{what} never called G: both steps need fakes G(z).")
    if not _shown_to(D.calls, real):
        _name_rescaled_real(D.calls, real, what)
    real_logits, fake_logits = D_before(real), D_before(first_fake)
    d_expected = reference.nonsaturating_d(real_logits, fake_logits)

    # The G step: on the last fakes, judged by D after its update.
    last_z, _ = G.calls[-1]
    D_mid_target = sgd_target(D_before, d_expected)
    D_mid = copy.deepcopy(D_before)
    with torch.no_grad():
        for p, value in zip(D_mid.parameters(), D_mid_target):
            p.copy_(value)
    g_fake_logits = D_mid(G_before(last_z))
    g_expected = reference.nonsaturating_g(g_fake_logits)

    if close(d_value, float(g_expected)) and close(g_value, float(d_expected)) and not close(d_value, float(d_expected)):
        raise Incorrect(f"{what} returns the two losses the other way round: return (d_loss, g_loss).")
    on_real = [reference.nonsaturating_g(D_mid(real)), reference.nonsaturating_g(real_logits)]
    if not close(g_value, float(g_expected)) and any(close(g_value, float(loss)) for loss in on_real):
        raise Incorrect(f"{what} computed its g_loss on D(real), D's verdict on the real images, which G cannot "
                        "change: G's loss is D's verdict on G's fakes, `generator_loss(D(G(z)))`.")
    _d_loss_message(d_value, d_expected, real_logits, fake_logits, f"{what} (its d_loss)")
    _check_d_update(D, D_before, d_expected, what, opt_d)
    _g_loss_message(g_value, g_expected, g_fake_logits, f"{what} (its g_loss)")
    _check_g_update(G, G_before, g_expected, what, opt_g)
    return ("D first, then G, both in training mode, and the losses back as plain numbers: the loop at the "
            "heart of every GAN trainer, lesson 06's included.")


train_step_question = Problem(
    var="train_step",
    test=_training_function_check("train_step", _run_train_step),
    points=2,
    hints=[
        "One training step is the D step, then the G step, on a batch as big as the real one. Call your two "
        "functions and return both losses as plain numbers (`float(d_loss)`), for logging.",
        "d_loss = discriminator_step(G, D, real, opt_d, z_dim); g_loss = generator_step(G, D, real.shape[0], "
        "opt_g, z_dim); return float(d_loss), float(g_loss)",
    ],
)


# ================================================================================ q8: a short training run

RUN_STEPS = 250
RUN_Z_DIM = 16
RUN_WIDTH = 8
RUN_BATCH = 32
RUN_LR = 2e-3
RUN_SEED = 0
RUN_SAMPLES = 500
RUN_IMPROVEMENT = 0.7  # the distance must fall below this fraction of where it started (measured: 0.25-0.37 over 20 seeds)
RUN_STEP_TIMEOUT = 10.0  # seconds for one call of train_step
RUN_BUDGET = 120.0  # seconds for the whole run; the reference takes 5-15 on two (busy) cores
REFERENCE_AFTER = 280.0  # measured: the reference train_step at RUN_SEED (see tests/test_ex5.py)


def _tiny_gan(seed):
    from learntools.gans.models import DCGANDiscriminator, DCGANGenerator

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        G = DCGANGenerator(z_dim=RUN_Z_DIM, width=RUN_WIDTH)
        D = DCGANDiscriminator(width=RUN_WIDTH)
    return G, D


def _distance(G, z):
    from learntools.gans.evaluation import metrics

    G.eval()
    try:
        with torch.no_grad():
            images = G(z)
    finally:
        G.train()
    return metrics.frechet_distance(images, "train")


def short_training_run(train_step_function, steps=RUN_STEPS, seed=RUN_SEED, call=None):
    """Train a tiny DCGAN (width 8, z 16) with ``train_step_function`` on the MNIST subset for ``steps``
    steps; return (distance before, distance after, seconds). Used by q8 and by the tests."""
    from learntools.gans.data import Batches, load_mnist

    if call is None:
        def call(step, G, D, real, opt_g, opt_d):
            train_step_function(G, D, real, opt_g, opt_d, RUN_Z_DIM)

    images, _ = load_mnist("train")
    G, D = _tiny_gan(seed)
    opt_g = torch.optim.Adam(G.parameters(), lr=RUN_LR, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), lr=RUN_LR, betas=(0.5, 0.999))
    z = torch.randn(RUN_SAMPLES, RUN_Z_DIM, generator=torch.Generator().manual_seed(seed + 1))
    before = _distance(G, z)
    torch.manual_seed(seed)
    started = time.perf_counter()
    batches = Batches(images, batch_size=RUN_BATCH, seed=seed).iterate()
    for step in range(1, steps + 1):
        call(step, G, D, next(batches), opt_g, opt_d)
    seconds = time.perf_counter() - started
    return before, _distance(G, z), seconds


def _run_training(answer):
    what = "your train_step"
    started = time.perf_counter()
    batch_sizes = []  # what D is shown at once: twice the batch means real and fake were concatenated

    def call(step, G, D, real, opt_g, opt_d):
        if step == 1:
            D.register_forward_pre_hook(lambda module, inputs: batch_sizes.append(len(inputs[0])))
            shown = []  # what D was shown in the first step
            hook = D.register_forward_pre_hook(lambda module, inputs: shown.append(inputs[0].detach().clone()))
            G_before, D_before = _parameters(G), _parameters(D)
            modes, original_real = _watch_training_mode(G, D), real.clone()
        result = call_learner(answer, G, D, real, opt_g, opt_d, RUN_Z_DIM, what="your function `train_step`",
                              timeout=min(RUN_STEP_TIMEOUT, current_timeout()))
        if step == 1:
            hook.remove()
            if not _shown_to(shown, original_real):
                _name_rescaled_real(shown, original_real, what)
            _check_training_mode(G, D, modes, what)
            if not torch.equal(real, original_real):
                raise Incorrect(f"{what} changed the real batch in place (an in-place operation such as "
                                "`real.mul_()` or `real[...] = ...`): leave the data as it is, and work on a copy "
                                "if you need one.")
        try:
            _two_losses(result, what)
        except Incorrect as error:
            raise Incorrect(f"at step {step} of the run, {str(error)[0].lower()}{str(error)[1:]}") from None
        if step == 1 and _unchanged(G, G_before):
            raise Incorrect(f"after one step of {what}, G did not change: does train_step call the G step "
                            "(generator_step, with opt_g.step())?")
        if step == 1 and _unchanged(D, D_before):
            raise Incorrect(f"after one step of {what}, D did not change: does train_step call the D step "
                            "(discriminator_step, with opt_d.step())?")
        if time.perf_counter() - started > RUN_BUDGET:
            raise Incorrect(f"{what} is very slow: {step} steps took more than {RUN_BUDGET:.0f} s, while "
                            f"{RUN_STEPS} reference steps take 5 to 15 s. Is there a slow loop inside it?")

    before, after, seconds = short_training_run(answer, call=call)
    if not after < RUN_IMPROVEMENT * before:
        message = (f"after {RUN_STEPS} steps of {what}, the Fréchet distance of the tiny GAN's samples went from "
                   f"{before:.0f} to {after:.0f}; the reference step brings it below {RUN_IMPROVEMENT * before:.0f} "
                   f"(to about {REFERENCE_AFTER:.0f}).")
        if batch_sizes and max(batch_sizes) > RUN_BATCH:
            message += (f" D was shown {max(batch_sizes)} images at once: real and fake in one batch, so D's BatchNorm "
                        "normalised them with shared statistics. The reference step shows D two batches, each all "
                        "real or all fake, as the DCGAN recipe does: call D(real) and D(fake) separately.")
        else:
            message += " Check q5-q7: is G trained with the non-saturating loss?"
        raise Incorrect(message)
    return (f"{RUN_STEPS} steps of your train_step ({seconds:.1f} s) took a tiny GAN's Fréchet distance from "
            f"{before:.0f} to {after:.0f} (lower is better; the reference step reaches about {REFERENCE_AFTER:.0f}).")


training_run_question = Problem(
    var="train_step",
    test=_training_function_check("train_step", _run_training),
    points=2,
    timeout=RUN_BUDGET,
    hints=[
        "This check trains a tiny DCGAN with your train_step for a few seconds and measures the Fréchet "
        "distance of its samples before and after. If q5, q6 and q7 pass, this one should too.",
        "If the distance does not fall, G is not learning: does train_step call generator_step, and does "
        "generator_step use the non-saturating loss and opt_g.step()?",
    ],
)


__all__ = bind_exercises(
    globals(),
    [
        d_loss_question,
        g_loss_question,
        untrained_question,
        saturation_question,
        d_step_question,
        g_step_question,
        train_step_question,
        training_run_question,
    ],
)
__all__ += ["____", "ready", "unwritten", "short_training_run"]
