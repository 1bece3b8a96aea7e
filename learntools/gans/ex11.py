"""Lesson 11 checks: diagnosing nine precomputed DCGAN runs, each with one planted bug, and fixing a
training step with two bugs in its code.

The runs come from learntools.gans.experiments.debug_runs (the script, and the file it writes). The
learner sees them numbered 1 to 9 in the order of RUN_ORDER below, which is the only place that says
which run has which bug. Every sentence the diagnosis check says about a run is computed from that
run's saved numbers (``symptoms``); tests/test_ex11.py proves that each bug's signature holds for its
own run and fails for every other run, so a wrong diagnosis is always contradicted by true evidence.

The step check runs the learner's fixed step on lesson 05's recording stand-ins with plain SGD, from
gradients a previous step left behind, so every update can be recomputed exactly.
"""

import copy
import functools
import math

import numpy as np
import torch
import torch.nn.functional as F

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
from learntools.gans.checking.stand_ins import (
    RECORDING_Z_DIM, STALE_GRADIENT, STEP_LEARNING_RATE, StepBench, has_fresh, matches, sgd_target,
)
from learntools.gans.experiments import debug_runs
from learntools.gans.losses import nonsaturating_d, nonsaturating_g

LN2 = math.log(2.0)

# Run number -> the bug planted in it. The learner's notebook shows only the numbers.
RUN_ORDER = {
    1: "mixed_batchnorm",
    2: "lr_100x",
    3: "healthy",
    4: "swapped_targets",
    5: "no_zero_grad",
    6: "real_in_0_1",
    7: "eval_mode",
    8: "no_detach",
    9: "sigmoid_before_bce",
}

# What the learner chooses from (printed by show_menu()).
MENU = {
    "healthy": "nothing is wrong: the control run",
    "no_detach": "the D step does not detach the fakes (G(z) instead of G(z).detach())",
    "real_in_0_1": "the real images were left in [0, 1] (the generator's tanh gives [-1, 1])",
    "sigmoid_before_bce": "a sigmoid is applied to D's output before BCEWithLogitsLoss",
    "mixed_batchnorm": "real and fake images go through D as one batch, torch.cat([real, fake]), so BatchNorm mixes them",
    "swapped_targets": "the D loss has swapped targets (real images 0, fakes 1)",
    "eval_mode": "G.eval() and D.eval() were left on during training",
    "no_zero_grad": "the D step forgets opt_d.zero_grad()",
    "lr_100x": "the learning rates are 100 times too high",
}
assert set(MENU) == set(debug_runs.BUGS) == set(RUN_ORDER.values())


# ================================================================================ the runs


@functools.lru_cache(maxsize=1)
def _saved_runs():
    return debug_runs.load()


def lab_runs():
    """The nine runs as the learner sees them: {run number: {"curves": {name: (steps,) array},
    "samples": (32, 28, 28) uint8, "frechet": float}}."""
    data = _saved_runs()
    bugs = [str(b) for b in data["bugs"]]
    names = [str(n) for n in data["curve_names"]]
    runs = {}
    for number, bug in RUN_ORDER.items():
        index = bugs.index(bug)
        runs[number] = {"curves": {name: data["curves"][index, k].copy() for k, name in enumerate(names)},
                        "samples": data["samples"][index].copy(), "frechet": float(data["frechet"][index])}
    return runs


def show_menu():
    """Print the bug names the diagnosis uses, with what each means."""
    for name, meaning in MENU.items():
        print(f"  {name!r:22} {meaning}")


# ================================================================================ symptoms


def _window(curve, part):
    """The first 20 steps ("start"), the last quarter ("end") or the second half ("late") of a curve."""
    n = len(curve)
    return {"start": curve[:20], "end": curve[-max(1, n // 4):], "late": curve[n // 2:]}[part]


def symptoms(run):
    """The numbers the evidence sentences quote, computed from one run's saved curves and samples."""
    c = run["curves"]
    samples = run["samples"].astype(np.float32) / 127.5 - 1  # (32, 28, 28) back in [-1, 1]
    late_d = _window(c["d_loss"], "late")
    return {
        "d_loss_start": float(_window(c["d_loss"], "start").mean()),
        "d_loss_end": float(_window(c["d_loss"], "end").mean()),
        "d_loss_late_min": float(late_d.min()),
        "d_loss_late_max": float(late_d.max()),
        "g_loss_end": float(_window(c["g_loss"], "end").mean()),
        "d_real_end": float(_window(c["d_real"], "end").mean()),
        "d_fake_end": float(_window(c["d_fake"], "end").mean()),
        "d_real_late_min": float(_window(c["d_real"], "late").min()),
        "d_real_late_max": float(_window(c["d_real"], "late").max()),
        "d_loss_first": float(c["d_loss"][0]),
        "d_loss_deviation": float(np.abs(late_d - 2 * LN2).max()),  # the furthest D's loss goes from 2 ln 2
        "verdict_late_min": float(min(_window(c["d_real"], "late").min(), _window(c["d_fake"], "late").min())),
        "grad_d_start": float(_window(c["grad_d"], "start").mean()),
        "grad_d_end": float(_window(c["grad_d"], "end").mean()),
        "grad_g_after_d_max": float(c["grad_g_after_d"].max()),
        "background": float(np.median(samples)),         # the typical pixel: the background of a digit
        "frechet": float(run["frechet"]),
    }



# ================================================================================ signatures
#
# For every bug, what it shows in a run's log: ``holds`` (a test on a run's symptoms), ``seen`` (the symptom as
# observed in a run where it holds) and ``absent`` (what the bug would show, and what the run shows instead, for
# a run where it does not hold). tests/test_ex11.py proves on the saved runs that each signature holds for its
# own run and no other, so every sentence below is true of the run it is said about.


class Signature:
    """A bug's mark on a run's symptoms: ``conditions`` are (test, sentence) pairs that all hold for the bug's
    run; each sentence says what the bug would show and what a run where the test fails shows instead.
    ``seen`` describes the mark in a run where it holds."""

    def __init__(self, conditions, seen):
        self.conditions, self.seen = conditions, seen

    def holds(self, s):
        return all(test(s) for test, _ in self.conditions)

    def absent(self, s):
        """The sentence of the first condition this run fails (call only where ``holds`` is False)."""
        return next(sentence(s) for test, sentence in self.conditions if not test(s))


SIGNATURES = {
    "no_detach": Signature(
        [(lambda s: s["grad_g_after_d_max"] > 0,
          lambda s: "without the detach, the D step's backward() would put a gradient into G's .grad; in this run "
                    "it puts nothing there (norm 0) at every step")],
        lambda s: (f"the D step's backward() puts a gradient into G's .grad (norm up to {s['grad_g_after_d_max']:.2g}), "
                   "so the D loss reaches G: a correct D step leaves G's gradients alone"),
    ),
    "real_in_0_1": Signature(
        [(lambda s: abs(s["background"]) < 0.1,
          lambda s: "real images in [0, 1] have a background of 0, which G would learn to copy (a grey background, "
                    f"typical pixel near 0); this run's samples have a typical pixel of {s['background']:+.2f}")],
        lambda s: (f"the samples' typical pixel is {s['background']:+.2f}, grey on screen, where a real digit's "
                   "background is -1 (black): G copied a background of 0, the background of images in [0, 1]"),
    ),
    "sigmoid_before_bce": Signature(
        [(lambda s: s["verdict_late_min"] >= 0.499,
          lambda s: "with a sigmoid before BCEWithLogitsLoss, the loss sees sigmoid(sigmoid(logit)), so D's verdicts "
                    f"could never go below 0.5; in this run they go down to {s['verdict_late_min']:.3f} in the second half")],
        lambda s: (f"D(x) and D(G(z)) never go below 0.5 in the second half (lowest {s['verdict_late_min']:.3f}) and D's "
                   f"gradient norm falls from {s['grad_d_start']:.2g} to {s['grad_d_end']:.2g}: a verdict that can't go "
                   "below 0.5 is the sigmoid of a number in [0, 1], a sigmoid applied twice"),
    ),
    "swapped_targets": Signature(
        [(lambda s: s["d_real_end"] < 0.1 and s["d_fake_end"] > 0.9,
          lambda s: "with swapped targets D would learn to call real images fake and fakes real (D(x) near 0, "
                    f"D(G(z)) near 1); in this run D(x) ends at {s['d_real_end']:.2f} and D(G(z)) at {s['d_fake_end']:.2f}"),
         (lambda s: s["d_loss_end"] < 0.1,
          lambda s: "with swapped targets, calling real images fake is what D is trained to do, so its loss would fall "
                    f"to about 0; in this run D's loss ends at {s['d_loss_end']:.2f}: D is failing at its own task")],
        lambda s: (f"D ends up calling real images fake (D(x) = {s['d_real_end']:.2g}) and fakes real "
                   f"(D(G(z)) = {s['d_fake_end']:.2f}) while its loss falls to {s['d_loss_end']:.2g}: it is trained "
                   "with the targets the wrong way round"),
    ),
    "no_zero_grad": Signature(
        [(lambda s: s["grad_d_end"] > 10 * s["grad_d_start"],
          lambda s: "without opt_d.zero_grad(), D's gradients would pile up and its gradient norm would grow step "
                    f"after step; in this run it goes from {s['grad_d_start']:.2g} (first 20 steps) to "
                    f"{s['grad_d_end']:.2g} (last quarter)")],
        lambda s: (f"D's gradient norm grows from {s['grad_d_start']:.2g} in the first 20 steps to {s['grad_d_end']:.2g} "
                   "in the last quarter: gradients pile up in .grad step after step"),
    ),
    "lr_100x": Signature(
        [(lambda s: s["d_loss_late_max"] > 5,
          lambda s: "with learning rates 100 times too high, every update would overshoot and D's loss would spike "
                    f"far above 2 ln 2; in this run it stays below {s['d_loss_late_max']:.2f} in the second half"),
         (lambda s: s["d_loss_late_min"] < 1,
          lambda s: "with learning rates 100 times too high, D's loss would swing from spikes back down to small "
                    f"values; in this run it never goes below {s['d_loss_late_min']:.2f} in the second half")],
        lambda s: (f"D's loss swings between {s['d_loss_late_min']:.2f} and {s['d_loss_late_max']:.1f} in the second "
                   f"half, and D(x) between {s['d_real_late_min']:.2g} and {s['d_real_late_max']:.2f}: updates far "
                   "too large overshoot"),
    ),
    "mixed_batchnorm": Signature(
        [(lambda s: s["d_loss_first"] < 1.1,
          lambda s: "with real and fake in one BatchNorm batch, the batch's statistics tell even an untrained D which "
                    "is which, so its loss would start far below 2 ln 2 ≈ 1.386 (below 1.1 at step 1); in this run "
                    f"it is {s['d_loss_first']:.2f} at step 1")],
        lambda s: (f"D's loss is already {s['d_loss_first']:.2f} at the first step and averages {s['d_loss_start']:.2f} "
                   "over the first 20, far below the 2 ln 2 ≈ 1.386 of a D that can't tell yet: an untrained D tells "
                   "real from fake that well only when the batch's statistics do it for it"),
    ),
    "eval_mode": Signature(
        [(lambda s: s["d_loss_deviation"] < 0.1,
          lambda s: "with eval() left on, BatchNorm would not normalise, D's logits would stay near 0 and its loss "
                    "would stay within 0.1 of 2 ln 2 all through the second half; in this run it goes "
                    f"{s['d_loss_deviation']:.2f} away from 2 ln 2"),
         (lambda s: s["verdict_late_min"] < 0.49,
          lambda s: "with eval() left on, D's verdicts would scatter a little around 0.5, below it too; in this run "
                    f"they never go below {s['verdict_late_min']:.3f} in the second half")],
        lambda s: (f"D's loss never goes more than {s['d_loss_deviation']:.2f} from 2 ln 2 in the second half and D's "
                   f"verdicts hover around 0.5 (D(x) {s['d_real_end']:.2f}, D(G(z)) {s['d_fake_end']:.2f}), though its "
                   "gradient is not zero: D hardly learns to tell real from fake"),
    ),
}


def healthy_signature(s):
    """True when none of the bugs' signatures holds for a run's symptoms."""
    return not any(signature.holds(s) for signature in SIGNATURES.values())


def contradiction(number, claimed, truth, s):
    """The evidence, true of run ``number`` (whose bug is ``truth``), against the diagnosis ``claimed``."""
    if claimed == "healthy":
        return f"run {number} is not healthy: {SIGNATURES[truth].seen(s)}."
    return f"run {number} is not {claimed}: {SIGNATURES[claimed].absent(s)}."


# ================================================================================ q1: the diagnosis


def _run_key(key):
    """A run number from a dict key (1, or "1", or "run 1"), or None."""
    if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
        return int(key)
    if isinstance(key, str):
        text = key.strip().lower().removeprefix("run").strip()
        return int(text) if text.isdigit() else None
    return None


def _check_diagnosis(answer):
    if is_placeholder(answer):
        raise NotAttempted("`diagnosis` is still the blank `____`: make it a dict {run number: bug name}.")
    if not isinstance(answer, dict):
        raise Incorrect(f"`diagnosis` should be a dict {{run number: bug name}}, like {{1: \"healthy\", ...}}, "
                        f"but it is {describe(answer)}.")
    given = {}
    for key, value in answer.items():
        number = _run_key(key)
        if number not in RUN_ORDER:
            raise Incorrect(f"`diagnosis` has the key {key!r}; the runs are numbered 1 to {len(RUN_ORDER)}.")
        if number in given:
            raise Incorrect(f"`diagnosis` names run {number} twice; give each run once.")
        given[number] = value
    filled = {n: v for n, v in given.items() if not is_placeholder(v)}
    if not filled:
        raise NotAttempted("every run in `diagnosis` is still `____`: write a bug name from the menu for each.")
    for number, value in sorted(filled.items()):
        if not isinstance(value, str):
            raise Incorrect(f"run {number}'s diagnosis is {describe(value)}; write the bug's name as a string from "
                            "the menu, such as \"lr_100x\".")
        if value.strip() not in MENU:
            raise Incorrect(f"run {number}'s diagnosis {value!r} is not on the menu; choose one of "
                            f"{', '.join(repr(name) for name in MENU)}.")
    runs = lab_runs()
    wrong = [(n, contradiction(n, v.strip(), RUN_ORDER[n], symptoms(runs[n])))
             for n, v in sorted(filled.items()) if v.strip() != RUN_ORDER[n]]
    if wrong:
        right = len(filled) - len(wrong)
        first = wrong[0][1]
        others = [str(n) for n, _ in wrong[1:]]
        more = (f" Run{'s' if len(others) > 1 else ''} {', '.join(others)} {'are' if len(others) > 1 else 'is'} "
                "wrong too: look again after this one.") if others else ""
        raise Incorrect(f"{right} of the {len(filled)} runs you diagnosed are right. {first[0].upper()}{first[1:]}{more}")
    missing = sorted(set(RUN_ORDER) - set(filled))
    if missing:
        raise NotAttempted(f"the {len(filled)} runs you diagnosed are right; run{'s' if len(missing) > 1 else ''} "
                           f"{', '.join(map(str, missing))} still need{'' if len(missing) > 1 else 's'} a diagnosis.")
    return ("All nine runs diagnosed: each bug left its own mark in the losses, D's verdicts, the gradient norms "
            "or the samples, and one of them only in the gradient of G after the D step.")


diagnosis_question = Problem(
    var="diagnosis",
    test=_check_diagnosis,
    points=4,
    hints=[
        "Start with the easy marks: which run's D verdicts can't go below 0.5? Which run calls real images fake? "
        "Which samples have a grey background? Whose gradient norm grows and grows? Which curves jump wildly?",
        "For the rest, compare each panel with the healthy picture of section 2: one run differs from another "
        "only in the gradient the D step leaves in G; look at D's loss in the very first steps (an untrained D "
        "should be near 2 ln 2), and at whether D's loss ever leaves 2 ln 2.",
    ],
)

evidence_question = ThoughtProblem(
    points=2,
    hints=["Which panel would you have to delete to make run 8 look exactly like a healthy run?"],
)


# ================================================================================ q3: the step with two bugs

STUB_Z_DIM = RECORDING_Z_DIM  # lesson 05's recording stand-ins and step bench (checking/stand_ins.py)
LEARNING_RATE = STEP_LEARNING_RATE


def bce(scores, target):
    """BCEWithLogitsLoss of ``scores`` (N, 1) against a constant target (0 or 1)."""
    return F.binary_cross_entropy_with_logits(scores, torch.full_like(scores, float(target)))


def _g_gradients_at(log, name):
    """G's gradients when the optimizer called ``name`` stepped (the first time)."""
    return next(grads for who, grads in log if who == name)


def _two_numbers(result, what):
    if is_placeholder(result):
        raise NotAttempted(f"{what} still returns `____`: copy the body of `train_step_with_bugs` in, and fix it.")
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise Incorrect(f"{what} should return (d_loss, g_loss), two numbers, but it returned {describe(result)}.")
    numbers = []
    for name, value in zip(("d_loss", "g_loss"), result):
        if isinstance(value, torch.Tensor) and value.numel() == 1:
            value = float(value.detach())
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise Incorrect(f"{what} should return two numbers, but its {name} is {describe(value)}.")
        numbers.append(float(value))
    if not all(math.isfinite(n) for n in numbers):
        raise Incorrect(f"{what} returned the losses ({numbers[0]:.4g}, {numbers[1]:.4g}); they should be finite.")
    return numbers


def _run_fixed_step(answer):
    """Run the learner's step once on the stand-ins and compare everything with the reference step."""
    what = "your train_step"
    bench = StepBench()
    G, D, real, opt_g, opt_d, log = bench.G, bench.D, bench.real, bench.opt_g, bench.opt_d, bench.log
    G_before, D_before = bench.G_before, bench.D_before
    modes = []
    for name, net in (("G", G), ("D", D)):
        net.register_forward_pre_hook(lambda module, inputs, name=name: modes.append((name, module.training)))

    result = call_learner(answer, G, D, real, opt_g, opt_d, STUB_Z_DIM, what="your function `train_step`",
                          timeout=current_timeout())
    d_value, g_value = _two_numbers(result, what)

    steps = [name for name, _ in log]
    if "D" not in steps or "G" not in steps:
        missing = "opt_d" if "D" not in steps else "opt_g"
        raise Incorrect(f"{what} never called {missing}.step(): keep both updates, the D step and then the G step.")
    if steps.index("G") < steps.index("D") or steps.count("D") > 1 or steps.count("G") > 1:
        raise Incorrect(f"{what} stepped the optimizers in the order {', '.join(steps)}; keep the given order, "
                        "one D update, then one G update.")
    if not all(training for _, training in modes) or not (G.training and D.training):
        raise Incorrect(f"{what} put a network in eval mode: G and D must stay in training mode while they train.")
    if not G.calls or len(G.calls) < 2:
        raise Incorrect(f"{what} should make a fake batch for each of the two steps, G(z) twice, as the given code does.")

    # The reference: the D step on the first fakes, the G step on the last fakes, judged by the updated D.
    first_z, first_fake = G.calls[0]
    last_z, _ = G.calls[-1]
    d_expected = nonsaturating_d(D_before(real), D_before(first_fake))
    d_target = sgd_target(D_before, d_expected)
    D_mid = copy.deepcopy(D_before)
    with torch.no_grad():
        for p, value in zip(D_mid.parameters(), d_target):
            p.copy_(value)
    g_expected = nonsaturating_g(D_mid(G_before(last_z)))
    g_target = sgd_target(G_before, g_expected)

    still_attached = has_fresh(_g_gradients_at(log, "D"))
    stale_in_g = matches(G, sgd_target(G_before, g_expected, stale=True))
    # Both bugs: G's update holds the stale gradient, the D loss's gradient for G and the G loss's.
    both = matches(G, [t - LEARNING_RATE * (STALE_GRADIENT + (g if g is not None else 0)) for t, g in zip(
        g_target, torch.autograd.grad(nonsaturating_d(D_before(real), D_before(G_before(first_z))),
                                      list(G_before.parameters()), allow_unused=True))])
    if still_attached and both:
        raise Incorrect(f"{what} still has both bugs: when D stepped, G's parameters had gradients from the D loss "
                        "(the fakes are not detached in the D step), and G's update added them, with the stale "
                        "gradients of the step before, to its own (no opt_g.zero_grad() before g_loss.backward()).")
    if still_attached:
        raise Incorrect(f"when {what} updated D, G's parameters had gradients: the D loss still reaches G. Detach the "
                        "fake batch in the D step, `D(fake.detach())` (or make it under torch.no_grad()).")
    if stale_in_g:
        raise Incorrect(f"G's update in {what} includes gradients left over from an earlier step: call "
                        "opt_g.zero_grad() before g_loss.backward().")
    if not close(d_value, float(d_expected)):
        raise Incorrect(f"{what} returned d_loss {d_value:.4f}, but D's loss on that real and fake batch is "
                        f"{float(d_expected):.4f}: keep the D loss as it was, real logits with target 1 plus fake "
                        "logits with target 0.")
    if not matches(D, d_target):
        raise Incorrect(f"D's update in {what} is not one SGD step on its loss from cleared gradients: keep "
                        "opt_d.zero_grad(), d_loss.backward(), opt_d.step() in that order.")
    if all(torch.equal(p, q) for p, q in zip(G.parameters(), G_before.parameters())):
        raise Incorrect(f"G's weights did not change in {what}: the G loss must flow back through D into G, so "
                        "nothing is detached in the G step (only in the D step); then g_loss.backward(), "
                        "opt_g.step().")
    if not close(g_value, float(g_expected)):
        raise Incorrect(f"{what} returned g_loss {g_value:.4f}, but G's non-saturating loss on the last fakes, "
                        f"judged by the updated D, is {float(g_expected):.4f}: keep the G loss as it was, BCE with "
                        "logits of D(fake) against target 1.")
    if not matches(G, g_target):
        raise Incorrect(f"G's update in {what} is not one SGD step on g_loss from cleared gradients: "
                        "opt_g.zero_grad(), then g_loss.backward(), then opt_g.step().")
    return ("Fixed: the D step trains D only (G's gradients stay empty until the G step), and G's update holds "
            "this step's G loss alone.")


def _fixed_step_test(answer):
    require_written(answer, "train_step")
    with single_thread():
        return _run_fixed_step(answer)


fixed_step_question = Problem(
    var="train_step",
    test=_fixed_step_test,
    points=3,
    hints=[
        "Read `train_step_with_bugs` line by line against lesson 05's recipe: what must the D step do to the "
        "fakes so that its loss trains D only, and what must every update do before backward()?",
        "The D step needs `D(fake.detach())` (or fakes made under torch.no_grad()), and the G step needs "
        "`opt_g.zero_grad()` before `g_loss.backward()`.",
    ],
)


__all__ = bind_exercises(globals(), [diagnosis_question, evidence_question, fixed_step_question])
__all__ += ["____", "lab_runs", "show_menu"]
